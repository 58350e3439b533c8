// One direction of an LSTM with fused gates [i; f; g; o] and optional peephole connections:
//   i = σ(Wx_i x + Wh_i h_{t−1} + b_i + p_i∘c_{t−1})    f = σ(... + p_f∘c_{t−1})    g = tanh(...)
//   c~ = f∘c_{t−1} + i∘g    o = σ(... + p_o∘c~)    h~ = o∘tanh(c~)
//   c_t = m∘c~ + (1−m)∘c_{t−1}    h_t = m∘h~ + (1−m)∘h_{t−1}
#pragma once

#include <string>

#include "nn/recurrent.h"

namespace nn {

class Lstm : public Recurrent {
 public:
  Lstm(const std::string& name, Index input_dim, Index hidden, Direction direction, bool peepholes);

  void init(Rng& rng) override;  // Xavier Wx, orthogonal Wh blocks, zero bias but forget gate 1, small peepholes
  void forward(const Matrix& X, const SequenceBatch& batch, Matrix& H, bool training) override;
  void backward(const Matrix& X, const SequenceBatch& batch, const Eigen::Ref<const Matrix>& dH, Matrix& dX) override;
  ParamList params() override;
  RecurrentState final_state(const Matrix& H, const SequenceBatch& batch) const override;  // with the cell state

 private:
  bool peepholes_;
  Param Wx_;        // (4H, D)
  Param Wh_;        // (4H, H)
  Param b_;         // (4H, 1)
  Param peephole_;  // (H, 3): columns p_i, p_f, p_o

  // Inference projects the inputs of this many steps at a time.
  static constexpr Index kWindow = 16;

  // Forward caches (training), or the working buffers of inference.
  Matrix gates_;  // (4H, T*B): pre-activations Wx x + b, then the activations i, f, g, o of every step
                  // (inference: (4H, kWindow*B), the steps of the current window)
  Matrix C_;      // (H, T*B): c_t (inference: (H, B), the current cell state)
  Matrix tanhC_;  // (H, T*B): tanh(c~_t)
  Matrix H_;      // (H, T*B): h_t (a copy of the output, for dWh)
  // Backward workspace.
  Matrix dgates_;          // (4H, T*B)
  Matrix dh_next_, dc_next_;  // (H, B): gradient flowing into h_{t}, c_{t} from the step processed after t
  Matrix Wh_transposed_;  // (H, 4H)
  Matrix c0_;             // (H, B): the cell state before the first step processed (the initial state's c, or zero)
};

}  // namespace nn
