#include "nn/linear.h"

#include <cassert>

#include "nn/init.h"

namespace nn {

Linear::Linear(const std::string& name, Index in, Index out) : weight_(name + ".weight", out, in), bias_(name + ".bias", out, 1) {}

void Linear::init(Rng& rng) {
  init_xavier(weight_.value, rng);
  bias_.value.setZero();
}

void Linear::forward(const Matrix& X, Matrix& Y) const {
  assert(X.rows() == in());
  // Y = W X + b
  Y.noalias() = weight_.value * X;
  Y.colwise() += bias_.value.col(0);
}

void Linear::backward(const Matrix& X, const Matrix& dY, Matrix& dX) {
  assert(dY.rows() == out() && dY.cols() == X.cols() && dX.rows() == in() && dX.cols() == X.cols());
  // dW += dY Xᵀ
  weight_.grad.noalias() += dY * X.transpose();
  // db += Σ_j dY(:, j)
  bias_.grad.col(0) += dY.rowwise().sum();
  // dX += Wᵀ dY
  dX.noalias() += weight_.value.transpose() * dY;
}

}  // namespace nn
