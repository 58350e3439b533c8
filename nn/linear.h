// Affine map Y = W X + b, applied to every column.
#pragma once

#include <string>

#include "nn/param.h"
#include "nn/random.h"

namespace nn {

class Linear {
 public:
  Linear(const std::string& name, Index in, Index out);

  void init(Rng& rng);  // Xavier weights, zero bias

  // With `parallel`, each half of the columns on its own thread (nn/side_by_side.h).
  // Y = W X + b                                         X: (I, N)  Y: (O, N)
  void forward(const Matrix& X, Matrix& Y, bool parallel = false) const;
  // dW += dY Xᵀ; db += Σ_j dY(:, j); dX += Wᵀ dY         dY: (O, N)  dX: (I, N), sized by the caller
  void backward(const Matrix& X, const Matrix& dY, Matrix& dX, bool parallel = false);

  ParamList params() { return {&weight_, &bias_}; }
  Index in() const { return weight_.value.cols(); }
  Index out() const { return weight_.value.rows(); }

 private:
  Param weight_;  // (O, I)
  Param bias_;    // (O, 1)
  // The second half's dW and db when parallel, added to the first's afterwards (a fixed order of sums)
  Matrix second_weight_grad_, second_bias_grad_;
};

}  // namespace nn
