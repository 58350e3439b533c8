// Finite-difference gradient checking (use with Real = double): compares analytic gradients with fourth-order central
// differences (8 (f(x+ε) − f(x−ε)) − (f(x+2ε) − f(x−2ε))) / 12ε over every entry of every given value.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "nn/param.h"

namespace nn {

// A value to perturb and its analytic gradient (a parameter, or a layer input and its dX).
struct Checked {
  std::string name;
  Matrix* value;
  const Matrix* grad;
};

struct GradMismatch {
  std::string name;
  Index row, col;
  double analytic, numeric, relative_error;
};

// Checked entries for every parameter of a list.
std::vector<Checked> checked_params(const ParamList& params);

// `loss` runs the forward pass and returns the loss (it must not change the gradients). Returns every entry whose
// relative error |a − n| / max(|a| + |n|, floor) exceeds `tolerance`, and sets *worst to the largest error seen.
std::vector<GradMismatch> check_gradients(const std::function<double()>& loss, const std::vector<Checked>& values,
                                          double tolerance, double* worst = nullptr, double epsilon = 1e-3,
                                          double floor = 1e-5);

}  // namespace nn
