#include "nn/step_product.h"

#include <cassert>

namespace nn {
namespace {

// Rows in blocks of R (256 bytes: four AVX-512 registers).
constexpr Index R = 256 / sizeof(Real);
using Block = Eigen::Matrix<Real, R, 1>;

// G(r0:r0+R, b0:b0+C) += Σ_k W(r0:r0+R, k) H(k, b0:b0+C), the C columns of G held in registers.
template <int C>
void add_block(const Matrix& W, const Eigen::Ref<const Matrix>& H, Eigen::Ref<Matrix>& G, Index r0, Index b0) {
  const Index M = W.rows(), K = W.cols();
  const Real* w = W.data() + r0;
  Block g[C];
  const Real* h[C];
  for (int c = 0; c < C; ++c) {
    g[c] = G.col(b0 + c).segment<R>(r0);
    h[c] = H.col(b0 + c).data();
  }
  for (Index k = 0; k < K; ++k) {
    const Eigen::Map<const Block> column(w + k * M);
    for (int c = 0; c < C; ++c) g[c] += column * h[c][k];
  }
  for (int c = 0; c < C; ++c) G.col(b0 + c).segment<R>(r0) = g[c];
}

}  // namespace

void add_step_product(const Matrix& W, const Eigen::Ref<const Matrix>& H, Eigen::Ref<Matrix> G) {
  const Index M = W.rows(), B = H.cols();
  assert(H.rows() == W.cols() && G.rows() == M && G.cols() == B);
  const Index full_rows = M / R * R;
  for (Index r0 = 0; r0 < full_rows; r0 += R) {
    // Columns in fours (16 accumulator registers), then the last B mod 4 together.
    Index b0 = 0;
    for (; b0 + 4 <= B; b0 += 4) add_block<4>(W, H, G, r0, b0);
    switch (B - b0) {
      case 3: add_block<3>(W, H, G, r0, b0); break;
      case 2: add_block<2>(W, H, G, r0, b0); break;
      case 1: add_block<1>(W, H, G, r0, b0); break;
      default: break;
    }
  }
  // The last M mod R rows (all of them for small test sizes) by Eigen.
  if (full_rows < M) G.bottomRows(M - full_rows).noalias() += W.bottomRows(M - full_rows) * H;
}

}  // namespace nn
