// One direction of a GRU with fused gates [z; r; n] (the reset gate applies to the recurrent candidate term):
//   z = σ(Wx_z x + bx_z + Wh_z h_{t−1} + bh_z)    r = σ(Wx_r x + bx_r + Wh_r h_{t−1} + bh_r)
//   n = tanh(Wx_n x + bx_n + r∘(Wh_n h_{t−1} + bh_n))    h~ = (1−z)∘n + z∘h_{t−1}
//   h_t = m∘h~ + (1−m)∘h_{t−1}
#pragma once

#include <string>

#include "nn/recurrent.h"

namespace nn {

class Gru : public Recurrent {
 public:
  Gru(const std::string& name, Index input_dim, Index hidden, Direction direction);

  void init(Rng& rng) override;  // Xavier Wx, orthogonal Wh blocks, zero biases
  void forward(const Matrix& X, const SequenceBatch& batch, Matrix& H, bool training) override;
  void backward(const Matrix& X, const SequenceBatch& batch, const Eigen::Ref<const Matrix>& dH, Matrix& dX) override;
  ParamList params() override { return {&Wx_, &Wh_, &bx_, &bh_}; }

 private:
  Param Wx_;  // (3H, D)
  Param Wh_;  // (3H, H)
  Param bx_;  // (3H, 1)
  Param bh_;  // (3H, 1)

  // Forward caches.
  Matrix gates_;         // (3H, T*B): Wx x + bx, then the activations z, r, n of every step
  Matrix recurrent_n_;   // (H, T*B): Wh_n h_{t−1} + bh_n
  Matrix H_;             // (H, T*B): h_t (a copy of the output)
  Matrix recurrent_;     // (3H, B): Wh h_{t−1} + bh for the current step
  // Backward workspace.
  Matrix dgates_x_;  // (3H, T*B): ∂/∂(Wx x + bx)
  Matrix dgates_h_;  // (3H, T*B): ∂/∂(Wh h_{t−1} + bh)
  Matrix dh_next_;   // (H, B)
  Matrix Wh_transposed_;  // (H, 3H)
};

}  // namespace nn
