// Each bfloat16 kernel (AMX tiles, AVX512_BF16 vectors; float build) against the float product: within bfloat16
// rounding, for shapes with partial row blocks and row groups, partial and odd column blocks and K not a multiple
// of 32; each column independent of the others; the two kernels alike; and LSTM, GRU and RNN inference close to
// float. A kernel's tests skip, saying so, where the CPU lacks it.
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

class Bf16Kernels : public ::testing::TestWithParam<Bf16Kernel> {
 protected:
  void SetUp() override {
    if (!Bf16Matrix::supported(GetParam()))
      GTEST_SKIP() << "this CPU (or its operating system) has no " << kernel_name(GetParam())
                   << ": that bfloat16 kernel is not tested here (float, or another kernel, runs instead)";
  }
};

TEST_P(Bf16Kernels, MatchTheFloatProductWithinRounding) {
  Rng rng(3);
  for (Index M : {16, 40, 80, 384, 512})
    for (Index K : {3, 100, 128})
      for (Index B : {1, 5, 6, 7, 16, 17, 33, 64}) {
        const Matrix W = random_matrix(M, K, rng), H = random_matrix(K, B, rng);
        const Matrix G0 = random_matrix(M, B, rng);
        Matrix G = G0;
        Bf16Matrix(W, GetParam()).add_product(H, G);
        // |Σ w h − Σ bf(w) bf(h)| ≤ Σ |w h| · 2·2⁻⁸ (each factor rounded to 8 significant bits), plus float sums
        const Matrix bound = ((W.cwiseAbs() * H.cwiseAbs()).array() * Real(2.0 / 256) + Real(1e-4)).matrix();
        const Matrix error = (G - G0 - W * H).cwiseAbs();
        EXPECT_TRUE((error.array() <= bound.array()).all()) << M << "x" << K << " times " << K << "x" << B;
      }
}

TEST_P(Bf16Kernels, ComputeEachColumnAsIfAlone) {
  Rng rng(4);
  const Matrix W = random_matrix(512, 128, rng), H = random_matrix(128, 37, rng);
  const Bf16Matrix packed(W, GetParam());
  Matrix together = Matrix::Zero(512, 37), alone = Matrix::Zero(512, 37);
  packed.add_product(H, together);
  for (Index c = 0; c < 37; ++c) packed.add_product(H.col(c), alone.col(c));
  EXPECT_EQ(together, alone);
}

TEST_P(Bf16Kernels, WriteOnlyTheBlockTheyAreGiven) {
  Rng rng(5);
  const Matrix W = random_matrix(40, 8, rng), H = random_matrix(8, 12, rng);
  Matrix G = Matrix::Zero(40, 12);
  Bf16Matrix(W, GetParam()).add_product(H.middleCols(4, 5), G.middleCols(2, 5));
  EXPECT_TRUE(G.leftCols(2).isZero() && G.rightCols(5).isZero());
  const Matrix expected = W * H.middleCols(4, 5);
  EXPECT_LT((G.middleCols(2, 5) - expected).cwiseAbs().maxCoeff(), 0.1);
}

TEST_P(Bf16Kernels, KeepRecurrentInferenceCloseToFloat) {
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
      layer->set_bfloat16(GetParam());
      layer->forward(X, batch, in_bf16, false);
      EXPECT_GT((in_bf16 - in_float).cwiseAbs().maxCoeff(), 0) << "the bfloat16 path did not run";
      EXPECT_LT((in_bf16 - in_float).cwiseAbs().maxCoeff(), 0.02);
      // Training ignores the copies.
      layer->forward(X, batch, trained, true);
      EXPECT_LT((trained - in_float).cwiseAbs().maxCoeff(), 1e-5);
    }
}

INSTANTIATE_TEST_SUITE_P(Kernel, Bf16Kernels, ::testing::Values(Bf16Kernel::kAmx, Bf16Kernel::kAvx512),
                         [](const auto& info) { return kernel_name(info.param); });

// Both kernels round alike and sum in float, so they agree to float summation order.
TEST(Bf16Matrix, KernelsAgree) {
  for (Bf16Kernel kernel : {Bf16Kernel::kAmx, Bf16Kernel::kAvx512})
    if (!Bf16Matrix::supported(kernel))
      GTEST_SKIP() << "this CPU (or its operating system) lacks " << kernel_name(kernel) << ": nothing to compare";
  Rng rng(7);
  const Matrix W = random_matrix(100, 70, rng), H = random_matrix(70, 23, rng);
  Matrix by_tiles = Matrix::Zero(100, 23), by_vectors = Matrix::Zero(100, 23);
  Bf16Matrix(W, Bf16Kernel::kAmx).add_product(H, by_tiles);
  Bf16Matrix(W, Bf16Kernel::kAvx512).add_product(H, by_vectors);
  EXPECT_LT((by_tiles - by_vectors).cwiseAbs().maxCoeff(), 1e-4);
}

}  // namespace
}  // namespace nn
