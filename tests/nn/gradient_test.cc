// Every layer's backward against central finite differences, in double precision, on a padded batch of unequal
// lengths; loss = Σ R∘Y with a fixed random R.
#include <gtest/gtest.h>

#include <algorithm>

#include "nn/bag_embedding.h"
#include "nn/birnn.h"
#include "nn/crf.h"
#include "nn/dropout.h"
#include "nn/embedding.h"
#include "nn/linear.h"
#include "nn/recurrent.h"
#include "nn/stacked.h"
#include "tests/nn/nn_test_util.h"

namespace nn {
namespace {

using test::CellCase;
using test::kD;
using test::kH;
using test::kL;
using test::kLengths;
using test::random_matrix;

static_assert(sizeof(Real) == sizeof(double), "gradient checks need Real = double");

TEST(GradCheck, DetectsAWrongGradient) {
  // A checker that cannot fail is worthless: a gradient off by 1% must be reported.
  Rng rng(1);
  Linear linear("linear", kD, kH);
  linear.init(rng);
  SequenceBatch batch(kLengths);
  Matrix X = random_matrix(kD, batch.columns(), rng), R = random_matrix(kH, batch.columns(), rng), Y;
  Matrix dX = Matrix::Zero(kD, batch.columns());
  zero_grads(linear.params());
  linear.backward(X, R, dX);
  dX(1, 2) *= 1.01;
  auto loss = [&] {
    linear.forward(X, Y);
    return static_cast<double>((R.array() * Y.array()).sum());
  };
  EXPECT_EQ(check_gradients(loss, {{"input", &X, &dX}}, test::kGradTolerance).size(), 1u);
}

TEST(GradCheck, Embedding) {
  Rng rng(2);
  Embedding embedding("embedding", 6, kD);
  embedding.init(rng);
  std::vector<int> ids = {0, 3, 5, 3, 1, 2, 4, 4, 0};
  Matrix R = random_matrix(kD, static_cast<Index>(ids.size()), rng), X(kD, static_cast<Index>(ids.size()));
  zero_grads(embedding.params());
  embedding.backward(ids, R);
  auto loss = [&] {
    embedding.forward(ids, X);
    return static_cast<double>((R.array() * X.array()).sum());
  };
  EXPECT_GRADIENTS_MATCH(loss, checked_params(embedding.params()));
}

TEST(GradCheck, BagEmbedding) {
  Rng rng(12);
  BagEmbedding bags_layer("words", 5, kD);
  bags_layer.init(rng);
  // Three positions × two groups; one bag empty, one with a repeated id.
  Bags bags;
  bags.groups = 2;
  bags.add_bag({{1, Real(0.5)}, {3, Real(1.5)}});
  bags.add_bag({{4, Real(1)}});
  bags.add_bag({});
  bags.add_bag({{0, Real(2)}, {0, Real(-1)}, {2, Real(0.25)}});
  bags.add_bag({{3, Real(1)}});
  bags.add_bag({{1, Real(0.75)}});
  Matrix R = random_matrix(2 * kD, 3, rng), X(2 * kD, 3);
  zero_grads(bags_layer.params());
  bags_layer.backward(bags, R);
  auto loss = [&] {
    bags_layer.forward(bags, X);
    return static_cast<double>((R.array() * X.array()).sum());
  };
  EXPECT_GRADIENTS_MATCH(loss, checked_params(bags_layer.params()));
  bags_layer.forward(bags, X);
  EXPECT_EQ(X.col(1).segment(0, kD), Matrix::Zero(kD, 1)) << "an empty bag is a zero vector";
}

// Serial and with `parallel` (each half of the columns on its own thread, the second half's dW added afterwards).
TEST(GradCheck, Linear) {
  for (bool parallel : {false, true}) {
    SCOPED_TRACE(parallel ? "parallel" : "serial");
    Rng rng(3);
    Linear linear("linear", kD, kH);
    test::randomize(linear.params(), rng);
    SequenceBatch batch(kLengths);
    Matrix X = random_matrix(kD, batch.columns(), rng), R = random_matrix(kH, batch.columns(), rng), Y;
    Matrix dX = Matrix::Zero(kD, batch.columns());
    zero_grads(linear.params());
    linear.backward(X, R, dX, parallel);
    auto loss = [&] {
      linear.forward(X, Y, parallel);
      return static_cast<double>((R.array() * Y.array()).sum());
    };
    auto checked = checked_params(linear.params());
    checked.push_back({"input", &X, &dX});
    EXPECT_GRADIENTS_MATCH(loss, checked);
  }
}

TEST(GradCheck, Dropout) {
  for (bool parallel : {false, true}) {
    SCOPED_TRACE(parallel ? "parallel" : "serial");
    Rng rng(4);
    Dropout dropout(0.4);
    Matrix X = random_matrix(kD, 7, rng), R = random_matrix(kD, 7, rng), Y, dX;
    Rng masks(99);
    dropout.forward(X, Y, /*training=*/true, masks, parallel);
    dropout.backward(R, dX, parallel);
    EXPECT_GT((Y.array() == 0).count(), 0) << "some entries must be dropped";
    auto loss = [&] {
      Rng same(99);
      dropout.forward(X, Y, true, same, parallel);
      return static_cast<double>((R.array() * Y.array()).sum());
    };
    EXPECT_GRADIENTS_MATCH(loss, (std::vector<Checked>{{"input", &X, &dX}}));
  }
}

class RecurrentGradient : public ::testing::TestWithParam<CellCase> {};

TEST_P(RecurrentGradient, MatchesFiniteDifferences) {
  const CellCase c = GetParam();
  Rng rng(5);
  auto layer = make_recurrent(c.cell, "cell", kD, kH, c.direction, c.peepholes);
  layer->init(rng);
  test::randomize(layer->params(), rng);
  SequenceBatch batch(kLengths);
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

INSTANTIATE_TEST_SUITE_P(
    Cells, RecurrentGradient,
    ::testing::Values(CellCase{CellType::kLstm, Direction::kLeftToRight, false},
                      CellCase{CellType::kLstm, Direction::kRightToLeft, false},
                      CellCase{CellType::kLstm, Direction::kLeftToRight, true},
                      CellCase{CellType::kLstm, Direction::kRightToLeft, true},
                      CellCase{CellType::kGru, Direction::kLeftToRight, false},
                      CellCase{CellType::kGru, Direction::kRightToLeft, false},
                      CellCase{CellType::kRnnTanh, Direction::kLeftToRight, false},
                      CellCase{CellType::kRnnTanh, Direction::kRightToLeft, false},
                      CellCase{CellType::kRnnRelu, Direction::kLeftToRight, false},
                      CellCase{CellType::kRnnRelu, Direction::kRightToLeft, false}),
    [](const auto& info) { return test::cell_case_name(info.param); });

TEST(GradCheck, BiRnn) {
  for (CellType cell : {CellType::kLstm, CellType::kGru, CellType::kRnnTanh}) {
    Rng rng(6);
    BiRnn layer(cell, "bi", kD, kH);
    layer.init(rng);
    test::randomize(layer.params(), rng);
    SequenceBatch batch(kLengths);
    Matrix X = random_matrix(kD, batch.columns(), rng), R = random_matrix(2 * kH, batch.columns(), rng), Y;
    layer.forward(X, batch, Y, true);
    Matrix dX = Matrix::Zero(kD, batch.columns());
    zero_grads(layer.params());
    layer.backward(X, batch, R, dX);
    auto loss = [&] {
      layer.forward(X, batch, Y, true);
      return static_cast<double>((R.array() * Y.array()).sum());
    };
    auto checked = checked_params(layer.params());
    checked.push_back({"input", &X, &dX});
    SCOPED_TRACE(cell_name(cell));
    EXPECT_GRADIENTS_MATCH(loss, checked);
  }
}

TEST(GradCheck, StackedWithDropout) {
  for (CellType cell : {CellType::kLstm, CellType::kGru}) {
    Rng rng(7);
    Stacked stack(cell, "stack", kD, kH, /*layers=*/3, /*dropout=*/0.3);
    stack.init(rng);
    test::randomize(stack.params(), rng);
    SequenceBatch batch(kLengths);
    Matrix X = random_matrix(kD, batch.columns(), rng), R = random_matrix(2 * kH, batch.columns(), rng), Y;
    Rng masks(11);
    stack.forward(X, batch, /*training=*/true, masks, Y);
    Matrix dX = Matrix::Zero(kD, batch.columns());
    zero_grads(stack.params());
    stack.backward(X, batch, R, dX);
    auto loss = [&] {
      Rng same(11);
      stack.forward(X, batch, true, same, Y);
      return static_cast<double>((R.array() * Y.array()).sum());
    };
    auto checked = checked_params(stack.params());
    checked.push_back({"input", &X, &dX});
    SCOPED_TRACE(cell_name(cell));
    EXPECT_GRADIENTS_MATCH(loss, checked);
  }
}

TEST(GradCheck, Crf) {
  for (bool constrained : {false, true}) {
    Rng rng(8);
    Crf crf("crf", kL);
    test::randomize(crf.params(), rng);
    if (constrained) {
      BoolMatrix allowed = BoolMatrix::Constant(kL, kL, true);
      allowed(0, 2) = false;
      allowed(2, 2) = false;
      BoolVector start = BoolVector::Constant(kL, true), end = BoolVector::Constant(kL, true);
      start(2) = false;
      end(1) = false;
      crf.constrain(allowed, start, end);
    }
    SequenceBatch batch(kLengths);
    Matrix E = random_matrix(kL, batch.columns(), rng);
    // Gold paths that respect the constraints: sentence 0: 0 1 1 2 0, sentence 1: 1 0 0, sentence 2: 0.
    std::vector<int> gold(static_cast<std::size_t>(batch.columns()), 0);
    const int paths[3][5] = {{0, 1, 1, 2, 0}, {1, 0, 0, 0, 0}, {0, 0, 0, 0, 0}};
    for (Index t = 0; t < batch.T; ++t)
      for (Index b = 0; b < batch.B; ++b) gold[static_cast<std::size_t>(t * batch.B + b)] = paths[b][t];
    zero_grads(crf.params());
    Matrix dE = Matrix::Zero(kL, batch.columns());
    crf.nll(E, batch, gold, &dE);
    auto loss = [&] { return crf.nll(E, batch, gold, nullptr); };
    auto checked = checked_params(crf.params());
    checked.push_back({"emissions", &E, &dE});
    SCOPED_TRACE(constrained ? "constrained" : "free");
    EXPECT_GRADIENTS_MATCH(loss, checked);
  }
}

TEST(GradCheck, WholeModelEmbeddingBiLstm2LinearCrf) {
  Rng rng(9);
  const Index vocab = 7;
  Embedding embedding("embedding", vocab, kD);
  Stacked stack(CellType::kLstm, "lstm", kD, kH, /*layers=*/2, /*dropout=*/0.25);
  Linear output("output", 2 * kH, kL);
  Crf crf("crf", kL);
  embedding.init(rng);
  stack.init(rng);
  output.init(rng);
  crf.init(rng);
  ParamList params = embedding.params();
  append(params, stack.params());
  append(params, output.params());
  append(params, crf.params());
  test::randomize(params, rng);

  SequenceBatch batch(kLengths);
  std::vector<int> ids(static_cast<std::size_t>(batch.columns())), gold(ids.size());
  for (Index t = 0; t < batch.T; ++t)
    for (Index b = 0; b < batch.B; ++b) {
      const std::size_t col = static_cast<std::size_t>(t * batch.B + b);
      bool real = t < batch.length(b);
      ids[col] = real ? static_cast<int>(rng.below(vocab - 1)) + 1 : 0;  // 0 is padding
      gold[col] = real ? static_cast<int>(rng.below(kL)) : 0;
    }

  Matrix X(kD, batch.columns()), Y, E;
  auto forward = [&](Rng& masks) {
    embedding.forward(ids, X);
    stack.forward(X, batch, /*training=*/true, masks, Y);
    output.forward(Y, E);
  };
  // Backward: the model's forward reversed.
  Rng masks(21);
  forward(masks);
  zero_grads(params);
  Matrix dE = Matrix::Zero(kL, batch.columns());
  crf.nll(E, batch, gold, &dE);
  Matrix dY = Matrix::Zero(2 * kH, batch.columns());
  output.backward(Y, dE, dY);
  Matrix dX = Matrix::Zero(kD, batch.columns());
  stack.backward(X, batch, dY, dX);
  embedding.backward(ids, dX);

  auto loss = [&] {
    Rng same(21);
    forward(same);
    return crf.nll(E, batch, gold, nullptr);
  };
  EXPECT_GRADIENTS_MATCH(loss, checked_params(params));
}

}  // namespace
}  // namespace nn
