#include "nn/weight_average.h"

#include <cmath>
#include <utility>

namespace nn {

WeightAverage::WeightAverage(ParamList params, double decay) : params_(std::move(params)), decay_(decay) {
  for (const Param* param : params_) {
    averages_.push_back(param->value);
    updated_at_.emplace_back(param->sparse ? static_cast<std::size_t>(param->value.cols()) : 0, 0L);
  }
}

void WeightAverage::catch_up(std::size_t p, Index col) {
  long& at = updated_at_[p][static_cast<std::size_t>(col)];
  if (at == steps_) return;
  // n steps with a constant w: a ← dⁿ a + (1 − dⁿ) w
  const Real kept = static_cast<Real>(std::pow(decay_, static_cast<double>(steps_ - at)));
  averages_[p].col(col) = kept * averages_[p].col(col) + (1 - kept) * params_[p]->value.col(col);
  at = steps_;
}

void WeightAverage::catch_up_all() {
  for (std::size_t p = 0; p < params_.size(); ++p)
    if (params_[p]->sparse)
      for (Index col = 0; col < params_[p]->value.cols(); ++col) catch_up(p, col);
}

void WeightAverage::before_step() {
  for (std::size_t p = 0; p < params_.size(); ++p)
    if (params_[p]->sparse)
      for (Index col : params_[p]->touched) catch_up(p, col);
}

void WeightAverage::after_step() {
  ++steps_;
  const Real d = static_cast<Real>(decay_);
  for (std::size_t p = 0; p < params_.size(); ++p) {
    const Param& param = *params_[p];
    // a ← d a + (1 − d) w, for every column a dense parameter has and the columns a sparse one had touched
    if (!param.sparse) {
      averages_[p] = d * averages_[p] + (1 - d) * param.value;
      continue;
    }
    for (Index col : param.touched) {
      averages_[p].col(col) = d * averages_[p].col(col) + (1 - d) * param.value.col(col);
      updated_at_[p][static_cast<std::size_t>(col)] = steps_;
    }
  }
}

void WeightAverage::swap_with_params() {
  catch_up_all();
  for (std::size_t p = 0; p < params_.size(); ++p) params_[p]->value.swap(averages_[p]);
}

std::vector<Matrix>& WeightAverage::averages() {
  catch_up_all();
  return averages_;
}

void WeightAverage::set_state(long steps, std::vector<Matrix> averages) {
  steps_ = steps;
  averages_ = std::move(averages);
  for (std::vector<long>& at : updated_at_) at.assign(at.size(), steps_);
}

}  // namespace nn
