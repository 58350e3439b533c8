#include "nn/optimizer.h"

#include <cmath>

#include "nn/profile.h"

namespace nn {

Optimizer::Optimizer(ParamList params, const OptimizerConfig& config)
    : params_(std::move(params)), config_(config), learning_rate_(config.learning_rate) {
  for (const Param* param : params_) {
    first_.push_back(Matrix::Zero(param->value.rows(), param->value.cols()));
    second_.push_back(config_.kind == OptimizerKind::kAdam ? Matrix::Zero(param->value.rows(), param->value.cols())
                                                           : Matrix());
  }
}

void Optimizer::step(Real grad_scale) {
  ++steps_;
  // The step's scalars, once: learning rate, decay, Adam's bias corrections 1 − β^k.
  StepScalars k;
  k.grad_scale = grad_scale;
  k.lr = static_cast<Real>(learning_rate_);
  k.decay = static_cast<Real>(config_.weight_decay);
  k.correction1 = static_cast<Real>(1 - std::pow(config_.beta1, static_cast<double>(steps_)));
  k.correction2 = static_cast<Real>(1 - std::pow(config_.beta2, static_cast<double>(steps_)));
  for_each_param(params_, parallel_, [&](std::size_t p) {
    profile::Scope scope(profile::Part::kOptimizer);
    Param& param = *params_[p];
    // Sparse parameters (embedding tables) update only the columns with a gradient ("lazy" moments).
    if (!param.sparse) {
      update(p, 0, param.value.cols(), k);
      return;
    }
    for (Index col : param.touched) update(p, col, 1, k);
  });
}

void Optimizer::update(std::size_t p, Index first_col, Index cols, const StepScalars& k) {
  Param& param = *params_[p];
  auto w = param.value.middleCols(first_col, cols).array();
  auto g = k.grad_scale * param.grad.middleCols(first_col, cols).array();
  auto m = first_[p].middleCols(first_col, cols).array();
  if (config_.kind == OptimizerKind::kSgd) {
    const Real mu = static_cast<Real>(config_.momentum);
    // v ← μ v + (g + λ w);  w ← w − η v
    m = mu * m + g + k.decay * w;
    w -= k.lr * m;
    return;
  }
  const Real b1 = static_cast<Real>(config_.beta1), b2 = static_cast<Real>(config_.beta2);
  const Real eps = static_cast<Real>(config_.epsilon);
  auto s = second_[p].middleCols(first_col, cols).array();
  // m ← β1 m + (1−β1) g;  s ← β2 s + (1−β2) g²
  m = b1 * m + (1 - b1) * g;
  s = b2 * s + (1 - b2) * g.square();
  // w ← w − η m̂ / (√ŝ + ε) − η λ w
  w -= k.lr * ((m / k.correction1) / ((s / k.correction2).sqrt() + eps) + k.decay * w);
}

double clip_scale(double norm, double max_norm) { return max_norm > 0 && norm > max_norm ? max_norm / norm : 1.0; }

}  // namespace nn
