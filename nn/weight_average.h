// A bias-corrected exponential moving average of a model's parameters (Polyak averaging), kept beside the
// optimizer. After t steps with weights w₁ … w_t it is the average weighted like Adam's moments:
//   â_t = Σₖ (1 − d) d^(t−k) wₖ / (1 − d^t),
// i.e. a ← d a + (1 − d) w from a = 0, divided by 1 − d^t; it starts at the first step's weights and, unlike an
// average started at the random initial weights, is not dragged towards them for the first ~1/(1 − d) steps.
// It is kept corrected at every step: â_t = â_{t−1} + β_t (w_t − â_{t−1}) with β_t = (1 − d) / (1 − d^t).
// Evaluating and saving the averaged weights instead of the last ones smooths out the noise of the last steps.
// A sparse parameter's columns that no step touched keep a constant w, so their average is brought up to date only
// when they are next touched or read: steps s+1 … t with constant w give â_t = κ â_s + (1 − κ) w with
// κ = Π(1 − βₖ) = dⁿ (1 − d^s) / (1 − d^t), n = t − s (the uncorrected a ← dⁿ a + (1 − dⁿ) w, corrected).
#pragma once

#include <vector>

#include "nn/param.h"

namespace nn {

class WeightAverage {
 public:
  // Before any step the average is the parameters' current value.
  WeightAverage(ParamList params, double decay);

  // Around each optimizer step: before_step() brings the columns the step will change up to date with their
  // values before it; after_step() folds the new values in.
  void before_step();
  void after_step();

  // Exchanges the parameters' values with their averages (call again to exchange back).
  void swap_with_params();

  // The (corrected) averages, in parameter order, for checkpoints (brought up to date), and the step count.
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
