// Inference (no caches for backward; the LSTM projects its inputs a window of steps at a time) gives the training
// forward's outputs, for sentences longer than a window, in both directions, with padding.
#include <gtest/gtest.h>

#include "nn/recurrent.h"
#include "tests/nn/nn_test_util.h"

namespace nn {
namespace {

class InferenceForward : public ::testing::TestWithParam<CellType> {};

TEST_P(InferenceForward, MatchesTrainingForward) {
  Rng rng(43);
  for (Direction direction : {Direction::kLeftToRight, Direction::kRightToLeft}) {
    auto layer = make_recurrent(GetParam(), "cell", test::kD, test::kH, direction, /*peepholes=*/GetParam() == CellType::kLstm);
    layer->init(rng);
    test::randomize(layer->params(), rng);
    SequenceBatch batch({40, 17, 1, 33});  // 40 steps: more than two 16-step windows
    const Matrix X = test::random_matrix(test::kD, batch.columns(), rng);
    Matrix trained, inferred;
    layer->forward(X, batch, trained, /*training=*/true);
    layer->forward(X, batch, inferred, /*training=*/false);
    EXPECT_LT((trained - inferred).cwiseAbs().maxCoeff(), 1e-12) << (direction == Direction::kLeftToRight ? "→" : "←");
  }
}

INSTANTIATE_TEST_SUITE_P(Cells, InferenceForward,
                         ::testing::Values(CellType::kLstm, CellType::kGru, CellType::kRnnTanh, CellType::kRnnRelu));

}  // namespace
}  // namespace nn
