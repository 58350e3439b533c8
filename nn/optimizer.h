// Optimizers over a ParamList: SGD with momentum and Adam, optional weight decay, and global-norm clipping.
#pragma once

#include <string>
#include <vector>

#include "nn/param.h"

namespace nn {

enum class OptimizerKind { kSgd, kAdam };
inline constexpr OptimizerKind kOptimizerKinds[] = {OptimizerKind::kAdam, OptimizerKind::kSgd};

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::kAdam;
  double learning_rate = 1e-3;
  double momentum = 0.9;        // SGD
  double beta1 = 0.9;           // Adam
  double beta2 = 0.999;         // Adam
  double epsilon = 1e-8;        // Adam
  double weight_decay = 0;      // SGD: L2 added to the gradient; Adam: decoupled (AdamW)
};

class Optimizer {
 public:
  Optimizer(ParamList params, const OptimizerConfig& config);

  // One update with g = grad_scale · (the gradient held in each parameter; a sparse parameter's touched columns only):
  //   SGD:  v ← μ v + (g + λ w);  w ← w − η v
  //   Adam: m ← β1 m + (1−β1) g;  s ← β2 s + (1−β2) g²;  w ← w − η (m / (1−β1^k)) / (√(s / (1−β2^k)) + ε) − η λ w
  // The scale lets the caller average and clip without another pass over the gradients.
  void step(Real grad_scale = 1);
  // Updates the parameters on two threads (same results).
  void set_parallel(bool parallel) { parallel_ = parallel; }

  double learning_rate() const { return learning_rate_; }
  void set_learning_rate(double rate) { learning_rate_ = rate; }
  const OptimizerConfig& config() const { return config_; }

  // The state, for checkpoints: the step count and one (first, second) moment pair per parameter, in order.
  long steps() const { return steps_; }
  void set_steps(long steps) { steps_ = steps; }
  std::vector<Matrix>& first_moments() { return first_; }
  std::vector<Matrix>& second_moments() { return second_; }

 private:
  struct StepScalars {
    Real grad_scale, lr, decay, correction1, correction2;
  };
  // The update of parameter p's columns [first_col, first_col + cols).
  void update(std::size_t p, Index first_col, Index cols, const StepScalars& k);

  ParamList params_;
  OptimizerConfig config_;
  double learning_rate_;
  long steps_ = 0;
  bool parallel_ = false;
  std::vector<Matrix> first_;   // momentum (SGD) or m (Adam), shaped like each parameter
  std::vector<Matrix> second_;  // s (Adam); empty matrices for SGD
};

// Global-norm clipping: the factor max_norm / norm that brings a gradient of norm `norm` down to max_norm, or 1 when
// it is within the limit (or max_norm ≤ 0, which disables clipping).
double clip_scale(double norm, double max_norm);

}  // namespace nn
