// Recurrent layers started from a given state (truncated backpropagation through time): gradients against finite
// differences with the state held constant, and a sequence cut in two windows, the second started from the first's
// final state, gives the outputs of the whole sequence.
#include <gtest/gtest.h>

#include "nn/recurrent.h"
#include "tests/nn/nn_test_util.h"

namespace nn {
namespace {

using test::CellCase;
using test::kD;
using test::kH;
using test::kLengths;
using test::random_matrix;

class InitialState : public ::testing::TestWithParam<CellCase> {};

// A random state for B sequences: h, and c for an LSTM.
RecurrentState random_state(CellType cell, Index B, Rng& rng) {
  return {random_matrix(kH, B, rng, 0.8), cell == CellType::kLstm ? random_matrix(kH, B, rng, 0.8) : Matrix()};
}

TEST_P(InitialState, GradientsMatchFiniteDifferences) {
  const CellCase c = GetParam();
  Rng rng(15);
  auto layer = make_recurrent(c.cell, "cell", kD, kH, c.direction, c.peepholes);
  layer->init(rng);
  test::randomize(layer->params(), rng);
  SequenceBatch batch(kLengths);
  layer->set_initial_state(random_state(c.cell, batch.B, rng));
  Matrix X = random_matrix(kD, batch.columns(), rng), R = random_matrix(kH, batch.columns(), rng), H;
  layer->forward(X, batch, H, true);
  Matrix dX = Matrix::Zero(kD, batch.columns());
  zero_grads(layer->params());
  layer->backward(X, batch, R, dX);
  auto loss = [&] {
    layer->forward(X, batch, H, true);
    return static_cast<double>((R.array() * H.array()).sum());
  };
  auto checked = checked_params(layer->params());
  checked.push_back({"input", &X, &dX});
  EXPECT_GRADIENTS_MATCH(loss, checked);
}

TEST_P(InitialState, TwoWindowsContinueOneSequence) {
  const CellCase c = GetParam();
  Rng rng(16);
  auto layer = make_recurrent(c.cell, "cell", kD, kH, c.direction, c.peepholes);
  layer->init(rng);
  test::randomize(layer->params(), rng);
  const Index B = 2, T = 7, first = 3;  // windows of 3 and 4 steps, in the order the layer processes time
  SequenceBatch whole(std::vector<int>(B, T)), a(std::vector<int>(B, first)), b(std::vector<int>(B, T - first));
  Matrix X = random_matrix(kD, T * B, rng), H;
  for (bool training : {true, false}) {
    layer->set_initial_state({});
    layer->forward(X, whole, H, training);
    // Left to right the first window is times 0..2; right to left it is times 4..6.
    const bool ltr = c.direction == Direction::kLeftToRight;
    const Index a_begin = ltr ? 0 : (T - first) * B, b_begin = ltr ? first * B : 0;
    Matrix Xa = X.middleCols(a_begin, first * B), Xb = X.middleCols(b_begin, (T - first) * B), Ha, Hb;
    layer->forward(Xa, a, Ha, training);
    layer->set_initial_state(layer->final_state(Ha, a));
    layer->forward(Xb, b, Hb, training);
    EXPECT_LT((Ha - H.middleCols(a_begin, first * B)).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_LT((Hb - H.middleCols(b_begin, (T - first) * B)).cwiseAbs().maxCoeff(), 1e-12) << "training " << training;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cells, InitialState,
    ::testing::Values(CellCase{CellType::kLstm, Direction::kLeftToRight, false},
                      CellCase{CellType::kLstm, Direction::kRightToLeft, true},
                      CellCase{CellType::kLstm, Direction::kLeftToRight, true},
                      CellCase{CellType::kGru, Direction::kLeftToRight, false},
                      CellCase{CellType::kGru, Direction::kRightToLeft, false},
                      CellCase{CellType::kRnnTanh, Direction::kLeftToRight, false},
                      CellCase{CellType::kRnnRelu, Direction::kRightToLeft, false}),
    [](const auto& info) { return test::cell_case_name(info.param); });

}  // namespace
}  // namespace nn
