// One direction of a plain (Elman) recurrent layer:
//   h~ = act(Wx x + Wh h_{t−1} + b), act = tanh or ReLU;    h_t = m∘h~ + (1−m)∘h_{t−1}
#pragma once

#include <string>

#include "nn/recurrent.h"

namespace nn {

enum class Activation { kTanh, kRelu };

class RnnCell : public Recurrent {
 public:
  RnnCell(const std::string& name, Index input_dim, Index hidden, Direction direction, Activation activation);

  void init(Rng& rng) override;  // Xavier Wx, orthogonal Wh, zero bias
  void forward(const Matrix& X, const SequenceBatch& batch, Matrix& H, bool training) override;
  void backward(const Matrix& X, const SequenceBatch& batch, const Eigen::Ref<const Matrix>& dH, Matrix& dX) override;
  ParamList params() override { return {&Wx_, &Wh_, &b_}; }

 private:
  Activation activation_;
  Param Wx_;  // (H, D)
  Param Wh_;  // (H, H)
  Param b_;   // (H, 1)

  Matrix pre_;       // (H, T*B): Wx x + b, then Wx x + Wh h_{t−1} + b of every step
  Matrix H_;         // (H, T*B): h_t (a copy of the output)
  Matrix dpre_;      // (H, T*B)
  Matrix dh_next_;   // (H, B)
  Matrix Wh_transposed_;  // (H, H)
};

}  // namespace nn
