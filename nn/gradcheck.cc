#include "nn/gradcheck.h"

#include <algorithm>
#include <cmath>

namespace nn {

std::vector<Checked> checked_params(const ParamList& params) {
  std::vector<Checked> checked;
  for (Param* param : params) checked.push_back({param->name, &param->value, &param->grad});
  return checked;
}

std::vector<GradMismatch> check_gradients(const std::function<double()>& loss, const std::vector<Checked>& values,
                                          double tolerance, double* worst, double epsilon, double floor) {
  std::vector<GradMismatch> mismatches;
  double largest = 0;
  for (const Checked& checked : values) {
    Matrix& value = *checked.value;
    for (Index col = 0; col < value.cols(); ++col) {
      for (Index row = 0; row < value.rows(); ++row) {
        const Real saved = value(row, col);
        auto loss_at = [&](double offset) {
          value(row, col) = saved + static_cast<Real>(offset);
          return loss();
        };
        // numeric = (8 (f(x+ε) − f(x−ε)) − (f(x+2ε) − f(x−2ε))) / 12ε, the fourth-order central difference
        const double numeric =
            (8 * (loss_at(epsilon) - loss_at(-epsilon)) - (loss_at(2 * epsilon) - loss_at(-2 * epsilon))) / (12 * epsilon);
        value(row, col) = saved;
        const double analytic = static_cast<double>((*checked.grad)(row, col));
        const double error = std::abs(analytic - numeric) / std::max(std::abs(analytic) + std::abs(numeric), floor);
        largest = std::max(largest, error);
        if (!(error <= tolerance)) mismatches.push_back({checked.name, row, col, analytic, numeric, error});
      }
    }
  }
  if (worst) *worst = largest;
  return mismatches;
}

}  // namespace nn
