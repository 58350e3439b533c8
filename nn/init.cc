#include "nn/init.h"

#include <Eigen/QR>

#include <cassert>
#include <cmath>

namespace nn {

void init_uniform(Matrix& m, Real scale, Rng& rng) {
  for (Index j = 0; j < m.cols(); ++j)
    for (Index i = 0; i < m.rows(); ++i) m(i, j) = static_cast<Real>(rng.uniform(-scale, scale));
}

void init_xavier(Matrix& m, Rng& rng) {
  init_uniform(m, static_cast<Real>(std::sqrt(6.0 / static_cast<double>(m.rows() + m.cols()))), rng);
}

void init_orthogonal_blocks(Matrix& m, Rng& rng) {
  const Index h = m.cols();
  assert(h > 0 && m.rows() % h == 0);
  for (Index block = 0; block < m.rows() / h; ++block) {
    Eigen::MatrixXd gaussian(h, h);
    for (Index j = 0; j < h; ++j)
      for (Index i = 0; i < h; ++i) gaussian(i, j) = rng.normal();
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(gaussian);
    Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(h, h);
    // Sign-correct by R's diagonal so the result is uniformly distributed over orthogonal matrices.
    Eigen::MatrixXd r = qr.matrixQR().triangularView<Eigen::Upper>();
    for (Index j = 0; j < h; ++j)
      if (r(j, j) < 0) q.col(j) = -q.col(j);
    m.middleRows(block * h, h) = q.cast<Real>();
  }
}

}  // namespace nn
