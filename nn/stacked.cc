#include "nn/stacked.h"

#include <cassert>

#include "nn/profile.h"

namespace nn {

Stacked::Stacked(CellType cell, const std::string& name, Index input_dim, Index hidden, int layers, Real dropout,
                 bool peepholes) {
  assert(layers >= 1);
  for (int l = 0; l < layers; ++l) {
    layers_.emplace_back(cell, name + "." + std::to_string(l), l == 0 ? input_dim : 2 * hidden, hidden, peepholes);
    if (l + 1 < layers) dropouts_.emplace_back(dropout);
  }
  outputs_.resize(static_cast<std::size_t>(layers - 1));
  dropped_.resize(static_cast<std::size_t>(layers - 1));
}

void Stacked::init(Rng& rng) {
  for (BiRnn& layer : layers_) layer.init(rng);
}

void Stacked::set_parallel(bool parallel) {
  parallel_ = parallel;
  for (BiRnn& layer : layers_) layer.set_parallel(parallel);
}

void Stacked::set_bfloat16(Bf16Kernel kernel) {
  for (BiRnn& layer : layers_) layer.set_bfloat16(kernel);
}

ParamList Stacked::params() {
  ParamList list;
  for (BiRnn& layer : layers_) append(list, layer.params());
  return list;
}

void Stacked::forward(const Matrix& X, const SequenceBatch& batch, bool training, Rng& rng, Matrix& Y) {
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const Matrix& input = l == 0 ? X : dropped_[l - 1];
    if (l + 1 == layers_.size()) {
      layers_[l].forward(input, batch, Y, training);  // the last layer writes the output itself
      break;
    }
    layers_[l].forward(input, batch, outputs_[l], training);
    profile::Scope scope(profile::Part::kDropout);
    dropouts_[l].forward(outputs_[l], dropped_[l], training, rng, parallel_);
  }
}

void Stacked::backward(const Matrix& X, const SequenceBatch& batch, const Matrix& dY, Matrix& dX) {
  for (std::size_t l = layers_.size(); l-- > 0;) {
    // ∂/∂(layer l's output): dY for the last layer, d_output_ below it
    const Matrix& d_out = l + 1 == layers_.size() ? dY : d_output_;
    if (l == 0) {
      layers_[0].backward(X, batch, d_out, dX);
      break;
    }
    // Into layer l's input (the dropped output of layer l−1), then through that dropout.
    d_input_.setZero(dropped_[l - 1].rows(), dropped_[l - 1].cols());
    layers_[l].backward(dropped_[l - 1], batch, d_out, d_input_);
    profile::Scope scope(profile::Part::kDropout);
    dropouts_[l - 1].backward(d_input_, d_output_, parallel_);
  }
}

}  // namespace nn
