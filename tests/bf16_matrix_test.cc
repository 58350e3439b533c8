// The bfloat16 tile product (float build) against the float product: within bfloat16 rounding, for shapes with
// partial row blocks, partial and odd column blocks and K not a multiple of 32; each column independent of the
// others; and LSTM, GRU and RNN inference close to float. Skipped where the CPU has no AMX.
#include <gtest/gtest.h>

#include <cmath>

#include "nn/bf16_matrix.h"
#include "nn/recurrent.h"
#include "nn/random.h"

namespace nn {
namespace {

Matrix random_matrix(Index rows, Index cols, Rng& rng) {
  Matrix m(rows, cols);
  for (Index j = 0; j < cols; ++j)
    for (Index i = 0; i < rows; ++i) m(i, j) = static_cast<Real>(rng.normal());
  return m;
}

#define SKIP_WITHOUT_AMX() \
  if (!Bf16Matrix::available()) GTEST_SKIP() << "this CPU (or kernel) has no AMX-BF16: the float kernels run instead"

TEST(Bf16Matrix, MatchesTheFloatProductWithinRounding) {
  SKIP_WITHOUT_AMX();
  Rng rng(3);
  for (Index M : {16, 40, 384, 512})
    for (Index K : {3, 100, 128})
      for (Index B : {1, 5, 16, 17, 33, 64}) {
        const Matrix W = random_matrix(M, K, rng), H = random_matrix(K, B, rng);
        const Matrix G0 = random_matrix(M, B, rng);
        Matrix G = G0;
        Bf16Matrix(W).add_product(H, G);
        // |Σ w h − Σ bf(w) bf(h)| ≤ Σ |w h| · 2·2⁻⁸ (each factor rounded to 8 significant bits), plus float sums
        const Matrix bound = ((W.cwiseAbs() * H.cwiseAbs()).array() * Real(2.0 / 256) + Real(1e-4)).matrix();
        const Matrix error = (G - G0 - W * H).cwiseAbs();
        EXPECT_TRUE((error.array() <= bound.array()).all()) << M << "x" << K << " times " << K << "x" << B;
      }
}

TEST(Bf16Matrix, EachColumnIsComputedAsIfAlone) {
  SKIP_WITHOUT_AMX();
  Rng rng(4);
  const Matrix W = random_matrix(512, 128, rng), H = random_matrix(128, 37, rng);
  const Bf16Matrix packed(W);
  Matrix together = Matrix::Zero(512, 37), alone = Matrix::Zero(512, 37);
  packed.add_product(H, together);
  for (Index c = 0; c < 37; ++c) packed.add_product(H.col(c), alone.col(c));
  EXPECT_EQ(together, alone);
}

TEST(Bf16Matrix, WritesOnlyTheColumnBlockItIsGiven) {
  SKIP_WITHOUT_AMX();
  Rng rng(5);
  const Matrix W = random_matrix(40, 8, rng), H = random_matrix(8, 12, rng);
  Matrix G = Matrix::Zero(40, 12);
  Bf16Matrix(W).add_product(H.middleCols(4, 5), G.middleCols(2, 5));
  EXPECT_TRUE(G.leftCols(2).isZero() && G.rightCols(5).isZero());
  const Matrix expected = W * H.middleCols(4, 5);
  EXPECT_LT((G.middleCols(2, 5) - expected).cwiseAbs().maxCoeff(), 0.1);
}

TEST(Bf16Matrix, RecurrentInferenceStaysCloseToFloat) {
  SKIP_WITHOUT_AMX();
  for (CellType cell : {CellType::kLstm, CellType::kGru, CellType::kRnnTanh})
    for (Index hidden : {128, 20}) {
      SCOPED_TRACE(cell_name(cell) + " H=" + std::to_string(hidden));
      Rng rng(6);
      auto layer = make_recurrent(cell, "l", 100, hidden, Direction::kRightToLeft);
      layer->init(rng);
      SequenceBatch batch({30, 12, 1});
      const Matrix X = random_matrix(100, batch.T * batch.B, rng) * Real(0.5);
      Matrix in_float, in_bf16, trained;
      layer->forward(X, batch, in_float, false);
      layer->set_bfloat16(true);
      layer->forward(X, batch, in_bf16, false);
      EXPECT_GT((in_bf16 - in_float).cwiseAbs().maxCoeff(), 0) << "the bfloat16 path did not run";
      EXPECT_LT((in_bf16 - in_float).cwiseAbs().maxCoeff(), 0.02);
      // Training ignores the copies.
      layer->forward(X, batch, trained, true);
      EXPECT_LT((trained - in_float).cwiseAbs().maxCoeff(), 1e-5);
    }
}

}  // namespace
}  // namespace nn
