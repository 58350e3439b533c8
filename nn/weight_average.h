// An exponential moving average of a model's parameters (Polyak averaging), kept beside the optimizer:
//   a ← d a + (1 − d) w   after every optimizer step.
// Evaluating and saving the averaged weights instead of the last ones smooths out the noise of the last steps.
// A sparse parameter's columns that no step touched keep a constant w, so their average is brought up to date only
// when they are next touched or read: n steps of a ← d a + (1 − d) w with constant w give a ← dⁿ a + (1 − dⁿ) w.
#pragma once

#include <vector>

#include "nn/param.h"

namespace nn {

class WeightAverage {
 public:
  // Starts every average at the parameter's current value.
  WeightAverage(ParamList params, double decay);

  // Around each optimizer step: before_step() brings the columns the step will change up to date with their
  // values before it; after_step() folds the new values in.
  void before_step();
  void after_step();

  // Exchanges the parameters' values with their averages (call again to exchange back).
  void swap_with_params();

  // The averages, in parameter order, for checkpoints (brought up to date), and the step count.
  std::vector<Matrix>& averages();
  long steps() const { return steps_; }
  void set_state(long steps, std::vector<Matrix> averages);

 private:
  // Brings column `col` of sparse parameter p up to step steps_.
  void catch_up(std::size_t p, Index col);
  void catch_up_all();

  ParamList params_;
  double decay_;
  long steps_ = 0;
  std::vector<Matrix> averages_;
  std::vector<std::vector<long>> updated_at_;  // sparse parameters: the step each column's average is current for
};

}  // namespace nn
