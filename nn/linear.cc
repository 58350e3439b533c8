#include "nn/linear.h"

#include <cassert>

#include "nn/init.h"
#include "nn/side_by_side.h"

namespace nn {

Linear::Linear(const std::string& name, Index in, Index out) : weight_(name + ".weight", out, in), bias_(name + ".bias", out, 1) {}

void Linear::init(Rng& rng) {
  init_xavier(weight_.value, rng);
  bias_.value.setZero();
}

void Linear::forward(const Matrix& X, Matrix& Y, bool parallel) const {
  assert(X.rows() == in());
  Y.resize(out(), X.cols());
  run_in_halves(parallel, X.cols(), [&](Index begin, Index end) {
    auto y = Y.middleCols(begin, end - begin);
    // Y = W X + b
    y.noalias() = weight_.value * X.middleCols(begin, end - begin);
    y.colwise() += bias_.value.col(0);
  });
}

void Linear::backward(const Matrix& X, const Matrix& dY, Matrix& dX, bool parallel) {
  assert(dY.rows() == out() && dY.cols() == X.cols() && dX.rows() == in() && dX.cols() == X.cols());
  bool split = false;
  run_in_halves(parallel, X.cols(), [&](Index begin, Index end) {
    const auto x = X.middleCols(begin, end - begin);
    const auto dy = dY.middleCols(begin, end - begin);
    // dW += dY Xᵀ; db += Σ_j dY(:, j)
    if (begin == 0) {
      weight_.grad.noalias() += dy * x.transpose();
      bias_.grad.col(0) += dy.rowwise().sum();
    } else {
      split = true;
      second_weight_grad_.noalias() = dy * x.transpose();
      second_bias_grad_ = dy.rowwise().sum();
    }
    // dX += Wᵀ dY
    dX.middleCols(begin, end - begin).noalias() += weight_.value.transpose() * dy;
  });
  if (split) {
    weight_.grad += second_weight_grad_;
    bias_.grad += second_bias_grad_;
  }
}

}  // namespace nn
