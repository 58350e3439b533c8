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
  // steps at+1 … steps_ with a constant w: â ← κ â + (1 − κ) w, κ = dⁿ (1 − d^at) / (1 − d^steps_)
  const Real kept = static_cast<Real>(std::pow(decay_, static_cast<double>(steps_ - at)) * (1 - std::pow(decay_, static_cast<double>(at))) /
                                      (1 - std::pow(decay_, static_cast<double>(steps_))));
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
  // The weight of the new values: β = (1 − d) / (1 − d^t), 1 at the first step.
  const Real new_weight = static_cast<Real>((1 - decay_) / (1 - std::pow(decay_, static_cast<double>(steps_))));
  for (std::size_t p = 0; p < params_.size(); ++p) {
    const Param& param = *params_[p];
    // â ← (1 − β) â + β w, for every column a dense parameter has and the columns a sparse one had touched
    if (!param.sparse) {
      averages_[p] = (1 - new_weight) * averages_[p] + new_weight * param.value;
      continue;
    }
    for (Index col : param.touched) {
      averages_[p].col(col) = (1 - new_weight) * averages_[p].col(col) + new_weight * param.value.col(col);
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
