// Scalar and matrix types of the network. Real is float, or double when built with NN_DOUBLE (gradient checks).
// Matrices are column-major and time-major: a batch of B sentences padded to T steps is (D, T*B), column t*B + b.
#pragma once

#include <Eigen/Core>

namespace nn {

#ifdef NN_DOUBLE
using Real = double;
#else
using Real = float;
#endif

using Index = Eigen::Index;
using Matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
using Vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
using RowArray = Eigen::Array<Real, 1, Eigen::Dynamic>;
using Array = Eigen::Array<Real, Eigen::Dynamic, Eigen::Dynamic>;

// Element-wise logistic function σ(x) = 1 / (1 + e^-x).
template <typename Derived>
auto sigmoid(const Eigen::ArrayBase<Derived>& x) {
  return (Real(1) + (-x).exp()).inverse();
}

}  // namespace nn
