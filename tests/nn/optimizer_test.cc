// Optimizer steps and clipping against values computed by hand.
#include <gtest/gtest.h>

#include "nn/optimizer.h"

namespace nn {
namespace {

Param make_param(std::initializer_list<double> value, std::initializer_list<double> grad) {
  Param p("w", static_cast<Index>(value.size()), 1);
  zero_grads({&p});
  Index i = 0;
  for (double v : value) p.value(i++, 0) = v;
  i = 0;
  for (double g : grad) p.grad(i++, 0) = g;
  return p;
}

TEST(Optimizer, SgdWithMomentum) {
  Param w = make_param({1, 2}, {0.5, -1});
  OptimizerConfig config;
  config.kind = OptimizerKind::kSgd;
  config.learning_rate = 0.1;
  config.momentum = 0.9;
  Optimizer sgd({&w}, config);
  // v = g = (0.5, −1); w = (1, 2) − 0.1 v = (0.95, 2.1)
  sgd.step();
  EXPECT_NEAR(w.value(0, 0), 0.95, 1e-15);
  EXPECT_NEAR(w.value(1, 0), 2.1, 1e-15);
  // v = 0.9 (0.5, −1) + (0.5, −1) = (0.95, −1.9); w = (0.95, 2.1) − 0.1 v = (0.855, 2.29)
  sgd.step();
  EXPECT_NEAR(w.value(0, 0), 0.855, 1e-15);
  EXPECT_NEAR(w.value(1, 0), 2.29, 1e-15);
}

TEST(Optimizer, SgdWeightDecayAndLearningRateChange) {
  Param w = make_param({1}, {0});
  OptimizerConfig config;
  config.kind = OptimizerKind::kSgd;
  config.learning_rate = 0.5;
  config.momentum = 0;
  config.weight_decay = 0.1;
  Optimizer sgd({&w}, config);
  sgd.step();  // w = 1 − 0.5 (0 + 0.1·1) = 0.95
  EXPECT_NEAR(w.value(0, 0), 0.95, 1e-15);
  sgd.set_learning_rate(0.25);
  sgd.step();  // w = 0.95 − 0.25 (0.1·0.95) = 0.92625
  EXPECT_NEAR(w.value(0, 0), 0.92625, 1e-15);
}

TEST(Optimizer, Adam) {
  Param w = make_param({1, 2}, {0.5, -1});
  OptimizerConfig config;
  config.learning_rate = 0.1;
  config.epsilon = 0;
  Optimizer adam({&w}, config);
  // Step 1: m̂ = g, ŝ = g², so the update is η·sign(g): w = (0.9, 2.1).
  adam.step();
  EXPECT_NEAR(w.value(0, 0), 0.9, 1e-14);
  EXPECT_NEAR(w.value(1, 0), 2.1, 1e-14);
  // Step 2 with g = (0.25, −1): m = 0.9·0.05 + 0.1·0.25 = 0.07, s = 0.999·0.00025 + 0.001·0.0625 = 0.00031225;
  // m̂ = 0.07 / 0.19, ŝ = 0.00031225 / 0.001999; w0 = 0.9 − 0.1 m̂ / √ŝ.
  w.grad(0, 0) = 0.25;
  adam.step();
  double m_hat = 0.07 / (1 - 0.81), s_hat = 0.00031225 / (1 - 0.999 * 0.999);
  EXPECT_NEAR(w.value(0, 0), 0.9 - 0.1 * m_hat / std::sqrt(s_hat), 1e-12);
  EXPECT_NEAR(w.value(1, 0), 2.2, 1e-12);  // a constant gradient keeps the update at η
  EXPECT_EQ(adam.steps(), 2);
}

TEST(Optimizer, AdamWeightDecayIsDecoupled) {
  Param w = make_param({2}, {0});
  OptimizerConfig config;
  config.learning_rate = 0.1;
  config.weight_decay = 0.5;
  Optimizer adam({&w}, config);
  adam.step();  // zero gradient: only w ← w − η λ w = 2 − 0.1·0.5·2 = 1.9
  EXPECT_NEAR(w.value(0, 0), 1.9, 1e-12);
}

TEST(Clipping, ScalesToTheGlobalNorm) {
  Param a = make_param({0}, {3}), b = make_param({0, 0}, {0, 4});
  EXPECT_NEAR(grad_norm({&a, &b}), 5, 1e-15);
  EXPECT_NEAR(grad_norm({&a, &b}, /*parallel=*/true), 5, 1e-15);
  EXPECT_EQ(clip_scale(5, 10), 1);  // below the limit: unchanged
  EXPECT_NEAR(clip_scale(5, 1), 0.2, 1e-15);
  EXPECT_EQ(clip_scale(5, 0), 1);  // 0 disables
}

TEST(Optimizer, GradScaleIsTheSameAsScaledGradients) {
  OptimizerConfig config;
  config.learning_rate = 0.1;
  for (OptimizerKind kind : {OptimizerKind::kSgd, OptimizerKind::kAdam}) {
    config.kind = kind;
    Param scaled = make_param({1, 2}, {0.5, -1}), plain = make_param({1, 2}, {0.25, -0.5});
    Optimizer a({&scaled}, config), b({&plain}, config);
    a.step(0.5);
    b.step();
    EXPECT_EQ(scaled.value, plain.value);
  }
}

// Two threads update the same parameters to the same bytes as one.
TEST(Optimizer, ParallelStepMatchesSerial) {
  auto make = [&](std::vector<Param>& params) {
    params.clear();
    params.emplace_back("a", 7, 5);
    params.emplace_back("b", 30, 20);
    params.emplace_back("c", 3, 1);
    params.emplace_back("table", 4, 10);
    params.back().make_sparse();
  };
  std::vector<Param> one, two;
  make(one);
  make(two);
  for (std::size_t p = 0; p < one.size(); ++p) {
    one[p].value = Matrix::Random(one[p].value.rows(), one[p].value.cols());
    one[p].grad = Matrix::Random(one[p].value.rows(), one[p].value.cols());
    two[p].value = one[p].value;
    two[p].grad = one[p].grad;
  }
  for (Index col : {3, 7}) one[3].touch(col), two[3].touch(col);
  ParamList serial, parallel;
  for (std::size_t p = 0; p < one.size(); ++p) serial.push_back(&one[p]), parallel.push_back(&two[p]);
  Optimizer a(serial, OptimizerConfig()), b(parallel, OptimizerConfig());
  b.set_parallel(true);
  for (int step = 0; step < 3; ++step) {
    EXPECT_EQ(grad_norm(serial), grad_norm(parallel, true));
    a.step(0.5);
    b.step(0.5);
  }
  for (std::size_t p = 0; p < one.size(); ++p) EXPECT_EQ(one[p].value, two[p].value) << one[p].name;
  zero_grads(serial);
  zero_grads(parallel, true);
  for (std::size_t p = 0; p < one.size(); ++p) EXPECT_EQ(one[p].grad, two[p].grad) << one[p].name;
  EXPECT_TRUE(two[3].touched.empty());
}

}  // namespace
}  // namespace nn

namespace nn {
namespace {

TEST(Optimizer, SparseParameterUpdatesOnlyTouchedColumnsLikeDense) {
  OptimizerConfig config;
  config.learning_rate = 0.1;
  Param dense("dense", 2, 3), sparse("sparse", 2, 3);
  sparse.make_sparse();
  dense.value << 1, 2, 3, 4, 5, 6;
  sparse.value = dense.value;
  zero_grads({&dense, &sparse});
  // Only column 1 has a gradient.
  dense.grad.col(1) << 0.5, -1;
  sparse.touch(1);
  sparse.grad.col(1) << 0.5, -1;
  Optimizer a({&dense}, config), b({&sparse}, config);
  a.step();
  b.step();
  EXPECT_EQ(sparse.value, dense.value);  // untouched columns: no gradient, no moment, so no change either way
  EXPECT_NEAR(grad_norm({&sparse}), grad_norm({&dense}), 1e-15);
  zero_grads({&sparse});
  EXPECT_TRUE(sparse.touched.empty());
  EXPECT_EQ(sparse.grad.squaredNorm(), 0);
}

}  // namespace
}  // namespace nn
