#include "nn/dropout.h"

#include <cassert>

namespace nn {

void Dropout::forward(const Matrix& X, Matrix& Y, bool training, Rng& rng) {
  active_ = training && p_ > 0;
  if (!active_) {
    Y = X;
    return;
  }
  const Real keep_scale = Real(1) / (Real(1) - p_);
  mask_.resize(X.rows(), X.cols());
  // M(i,j) = 1/(1-p) with probability 1-p, else 0
  for (Index j = 0; j < X.cols(); ++j)
    for (Index i = 0; i < X.rows(); ++i) mask_(i, j) = rng.uniform() < p_ ? Real(0) : keep_scale;
  Y = X.cwiseProduct(mask_);
}

void Dropout::backward(const Matrix& dY, Matrix& dX) const {
  // dX = dY ∘ M
  if (!active_) {
    dX = dY;
    return;
  }
  assert(dY.rows() == mask_.rows() && dY.cols() == mask_.cols());
  dX = dY.cwiseProduct(mask_);
}

}  // namespace nn
