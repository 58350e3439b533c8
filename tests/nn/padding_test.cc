// A sentence alone and inside a padded batch give the same outputs and the same gradients, in both directions.
#include <gtest/gtest.h>

#include "nn/birnn.h"
#include "nn/crf.h"
#include "nn/recurrent.h"
#include "nn/stacked.h"
#include "tests/nn/nn_test_util.h"

namespace nn {
namespace {

// Columns of sentence b in a time-major batch, as a (rows, length) matrix.
Matrix sentence_columns(const Matrix& batched, const SequenceBatch& batch, Index b) {
  Matrix out(batched.rows(), batch.length(b));
  for (Index t = 0; t < batch.length(b); ++t) out.col(t) = batched.col(t * batch.B + b);
  return out;
}

std::vector<Matrix> grads_of(const ParamList& params) {
  std::vector<Matrix> grads;
  for (const Param* p : params) grads.push_back(p->grad);
  return grads;
}

class PaddingInvariance : public ::testing::TestWithParam<CellType> {};

TEST_P(PaddingInvariance, BiRnnOutputsAndGradients) {
  Rng rng(41);
  BiRnn layer(GetParam(), "bi", test::kD, test::kH, /*peepholes=*/GetParam() == CellType::kLstm);
  layer.init(rng);
  test::randomize(layer.params(), rng);
  SequenceBatch batch(test::kLengths);
  Matrix X = test::random_matrix(test::kD, batch.columns(), rng);
  Matrix R = test::random_matrix(2 * test::kH, batch.columns(), rng);
  for (Index b = 0; b < batch.B; ++b) {
    // In the batch, with the loss on sentence b's real steps only.
    Matrix R_masked = Matrix::Zero(R.rows(), R.cols());
    for (Index t = 0; t < batch.length(b); ++t) R_masked.col(t * batch.B + b) = R.col(t * batch.B + b);
    Matrix Y, dX = Matrix::Zero(X.rows(), X.cols());
    zero_grads(layer.params());
    layer.forward(X, batch, Y, true);
    layer.backward(X, batch, R_masked, dX);
    std::vector<Matrix> batched_grads = grads_of(layer.params());

    // Alone.
    SequenceBatch single({batch.length(b)});
    Matrix X_b = sentence_columns(X, batch, b), Y_b, dX_b = Matrix::Zero(X_b.rows(), X_b.cols());
    zero_grads(layer.params());
    layer.forward(X_b, single, Y_b, true);
    layer.backward(X_b, single, sentence_columns(R, batch, b), dX_b);

    SCOPED_TRACE("sentence " + std::to_string(b));
    EXPECT_LT((sentence_columns(Y, batch, b) - Y_b).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_LT((sentence_columns(dX, batch, b) - dX_b).cwiseAbs().maxCoeff(), 1e-12);
    ParamList params = layer.params();
    for (std::size_t p = 0; p < params.size(); ++p)
      EXPECT_LT((batched_grads[p] - params[p]->grad).cwiseAbs().maxCoeff(), 1e-12) << params[p]->name;
  }
}

INSTANTIATE_TEST_SUITE_P(Cells, PaddingInvariance,
                         ::testing::Values(CellType::kLstm, CellType::kGru, CellType::kRnnTanh, CellType::kRnnRelu));

TEST(PaddingInvariance, Crf) {
  Rng rng(42);
  Crf crf("crf", test::kL);
  test::randomize(crf.params(), rng);
  SequenceBatch batch(test::kLengths);
  Matrix E = test::random_matrix(test::kL, batch.columns(), rng);
  std::vector<int> gold(static_cast<std::size_t>(batch.columns()));
  for (auto& g : gold) g = static_cast<int>(rng.below(test::kL));
  std::vector<std::vector<int>> batched_paths = crf.viterbi(E, batch);
  std::vector<double> batched_log_z = crf.log_partition(E, batch);
  Eigen::MatrixXd batched_marginals = crf.marginals(E, batch);
  for (Index b = 0; b < batch.B; ++b) {
    SequenceBatch single({batch.length(b)});
    Matrix E_b = sentence_columns(E, batch, b);
    EXPECT_EQ(crf.viterbi(E_b, single)[0], batched_paths[static_cast<std::size_t>(b)]);
    EXPECT_NEAR(crf.log_partition(E_b, single)[0], batched_log_z[static_cast<std::size_t>(b)], 1e-12);
    EXPECT_LT((crf.marginals(E_b, single) - sentence_columns(batched_marginals, batch, b)).cwiseAbs().maxCoeff(), 1e-12);
  }
  // The batch's NLL is the sum of the sentences' NLLs.
  double sum = 0;
  for (Index b = 0; b < batch.B; ++b) {
    std::vector<int> gold_b;
    for (Index t = 0; t < batch.length(b); ++t) gold_b.push_back(gold[static_cast<std::size_t>(t * batch.B + b)]);
    sum += crf.nll(sentence_columns(E, batch, b), SequenceBatch({batch.length(b)}), gold_b, nullptr);
  }
  EXPECT_NEAR(crf.nll(E, batch, gold, nullptr), sum, 1e-10);
}

}  // namespace
}  // namespace nn

namespace nn {
namespace {

TEST(Inference, SameOutputsAsTrainingFromBatchOneUp) {
  for (CellType cell : {CellType::kLstm, CellType::kGru, CellType::kRnnTanh, CellType::kRnnRelu}) {
    Rng rng(43);
    Stacked stack(cell, "stack", test::kD, test::kH, 2, /*dropout=*/0.5, /*peepholes=*/cell == CellType::kLstm);
    stack.init(rng);
    for (std::vector<int> lengths : {std::vector<int>{4}, test::kLengths}) {
      SequenceBatch batch(lengths);
      Matrix X = test::random_matrix(test::kD, batch.columns(), rng), trained, inferred;
      // Dropout 0.5 at training time would change the outputs; with the rate at 0 in both the paths must agree.
      Stacked no_dropout(cell, "stack", test::kD, test::kH, 2, 0, cell == CellType::kLstm);
      Rng same_init(44);
      no_dropout.init(same_init);
      no_dropout.forward(X, batch, /*training=*/true, rng, trained);
      no_dropout.forward(X, batch, /*training=*/false, rng, inferred);
      EXPECT_EQ(trained, inferred) << cell_name(cell);
      // At inference dropout is the identity.
      Matrix a, b;
      stack.forward(X, batch, false, rng, a);
      stack.forward(X, batch, false, rng, b);
      EXPECT_EQ(a, b);
    }
  }
}

}  // namespace
}  // namespace nn
