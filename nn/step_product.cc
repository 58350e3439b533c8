#include "nn/step_product.h"

#include <cassert>

namespace nn {

void add_step_product(const Matrix& W, const Eigen::Ref<const Matrix>& H, Eigen::Ref<Matrix> G) {
  const Index M = W.rows(), K = W.cols(), B = H.cols();
  assert(H.rows() == K && G.rows() == M && G.cols() == B);
  // Rows in blocks of R (256 bytes: four AVX-512 registers), columns in fours: 16 accumulator registers.
  constexpr Index R = 256 / sizeof(Real), C = 4;
  using Block = Eigen::Matrix<Real, R, 1>;
  const Index full_rows = M / R * R;
  const Real* w = W.data();
  for (Index r0 = 0; r0 < full_rows; r0 += R) {
    Index b0 = 0;
    // G(r0:r0+R, b0:b0+4) += Σ_k W(r0:r0+R, k) H(k, b0:b0+4)
    for (; b0 + C <= B; b0 += C) {
      Block g0 = G.col(b0).segment<R>(r0), g1 = G.col(b0 + 1).segment<R>(r0);
      Block g2 = G.col(b0 + 2).segment<R>(r0), g3 = G.col(b0 + 3).segment<R>(r0);
      const Real *h0 = H.col(b0).data(), *h1 = H.col(b0 + 1).data(), *h2 = H.col(b0 + 2).data(), *h3 = H.col(b0 + 3).data();
      for (Index k = 0; k < K; ++k) {
        const Eigen::Map<const Block> column(w + k * M + r0);
        g0 += column * h0[k];
        g1 += column * h1[k];
        g2 += column * h2[k];
        g3 += column * h3[k];
      }
      G.col(b0).segment<R>(r0) = g0;
      G.col(b0 + 1).segment<R>(r0) = g1;
      G.col(b0 + 2).segment<R>(r0) = g2;
      G.col(b0 + 3).segment<R>(r0) = g3;
    }
    // The last B mod 4 columns one at a time.
    for (; b0 < B; ++b0) {
      Block g = G.col(b0).segment<R>(r0);
      const Real* h = H.col(b0).data();
      for (Index k = 0; k < K; ++k) g += Eigen::Map<const Block>(w + k * M + r0) * h[k];
      G.col(b0).segment<R>(r0) = g;
    }
  }
  // The last M mod R rows (all of them for small test sizes) by Eigen.
  if (full_rows < M) G.bottomRows(M - full_rows).noalias() += W.bottomRows(M - full_rows) * H;
}

}  // namespace nn
