// Inverted dropout: at training time each entry is kept with probability 1-p and scaled by 1/(1-p); at inference
// it is the identity.
#pragma once

#include "nn/random.h"
#include "nn/tensor.h"

namespace nn {

class Dropout {
 public:
  explicit Dropout(Real p = 0) : p_(p) {}

  // Y = X ∘ M with M(i,j) ∈ {0, 1/(1-p)} drawn from rng (training), Y = X (inference). With `parallel`, on two
  // threads (nn/side_by_side.h); the mask is the same either way.
  void forward(const Matrix& X, Matrix& Y, bool training, Rng& rng, bool parallel = false);
  // dX = dY ∘ M (the mask of the last training forward); dX may be dY.
  void backward(const Matrix& dY, Matrix& dX, bool parallel = false) const;

  Real rate() const { return p_; }

 private:
  void multiply_by_mask(const Matrix& X, Matrix& Y, bool parallel) const;  // Y = X ∘ M; Y may be X

  Real p_;
  bool active_ = false;
  Matrix mask_;  // (rows, cols) of the last training forward
};

}  // namespace nn
