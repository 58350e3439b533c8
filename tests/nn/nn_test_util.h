// Helpers for the nn tests (built with Real = double).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "nn/gradcheck.h"
#include "nn/random.h"
#include "nn/recurrent.h"

namespace nn::test {

// The sizes the design asks for: D=3, H=4, L=3, T=5, B=3 with lengths {5, 3, 1}.
constexpr Index kD = 3, kH = 4, kL = 3;
inline const std::vector<int> kLengths = {5, 3, 1};

inline Matrix random_matrix(Index rows, Index cols, Rng& rng, double scale = 1.0) {
  Matrix m(rows, cols);
  for (Index j = 0; j < cols; ++j)
    for (Index i = 0; i < rows; ++i) m(i, j) = static_cast<Real>(scale * rng.normal());
  return m;
}

// Moves every parameter off its initial special values (zero biases, forget bias 1) so every path is exercised.
inline void randomize(const ParamList& params, Rng& rng, double scale = 0.5) {
  for (Param* p : params) p->value = random_matrix(p->value.rows(), p->value.cols(), rng, scale);
}

inline std::string describe(const std::vector<GradMismatch>& mismatches) {
  std::ostringstream out;
  for (std::size_t k = 0; k < mismatches.size() && k < 10; ++k) {
    const GradMismatch& m = mismatches[k];
    out << m.name << "(" << m.row << "," << m.col << "): analytic " << m.analytic << " numeric " << m.numeric
        << " relative error " << m.relative_error << "\n";
  }
  if (mismatches.size() > 10) out << "... and " << mismatches.size() - 10 << " more\n";
  return out.str();
}

// A recurrent layer to test: its cell, direction and (LSTM) peepholes, and its name in a parameterised test.
struct CellCase {
  CellType cell;
  Direction direction;
  bool peepholes;
};

inline std::string cell_case_name(const CellCase& c) {
  std::string name = cell_name(c.cell);
  std::replace(name.begin(), name.end(), '-', '_');
  return name + (c.direction == Direction::kLeftToRight ? "_ltr" : "_rtl") + (c.peepholes ? "_peepholes" : "");
}

// Relative error allowed between analytic and central-difference gradients.
constexpr double kGradTolerance = 1e-6;

#define EXPECT_GRADIENTS_MATCH(loss, checked)                                         \
  do {                                                                                \
    double worst_ = 0;                                                                \
    auto mismatches_ = ::nn::check_gradients(loss, checked, ::nn::test::kGradTolerance, &worst_); \
    EXPECT_TRUE(mismatches_.empty()) << ::nn::test::describe(mismatches_);            \
    std::cout << "worst relative error: " << worst_ << "\n";                         \
  } while (0)

}  // namespace nn::test
