// The recurrence's step product against Eigen's, for shapes with and without partial row blocks and column groups.
#include <gtest/gtest.h>

#include "nn/step_product.h"
#include "tests/nn/nn_test_util.h"

namespace nn {
namespace {

TEST(StepProduct, MatchesEigen) {
  Rng rng(5);
  for (Index M : {4, 16, 32, 64, 100, 512})
    for (Index K : {1, 3, 128})
      for (Index B : {1, 3, 4, 7, 32}) {
        const Matrix W = test::random_matrix(M, K, rng), H = test::random_matrix(K, B, rng);
        Matrix G = test::random_matrix(M, B, rng);
        Matrix expected = G;
        expected.noalias() += W * H;
        add_step_product(W, H, G);
        EXPECT_LT((G - expected).cwiseAbs().maxCoeff(), 1e-12) << M << "x" << K << " times " << K << "x" << B;
      }
}

TEST(StepProduct, WorksOnColumnBlocks) {
  Rng rng(6);
  const Matrix W = test::random_matrix(64, 8, rng), H = test::random_matrix(8, 12, rng);
  Matrix G = Matrix::Zero(64, 12), expected = Matrix::Zero(64, 12);
  add_step_product(W, H.middleCols(4, 5), G.middleCols(2, 5));
  expected.middleCols(2, 5).noalias() += W * H.middleCols(4, 5);
  EXPECT_LT((G - expected).cwiseAbs().maxCoeff(), 1e-12);
}

}  // namespace
}  // namespace nn
