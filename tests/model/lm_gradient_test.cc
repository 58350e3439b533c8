// The character language model's network (ner::CharLm, built with Real = double) against central finite
// differences: every parameter's gradient of one window's loss, from a state carried from the window before (held
// constant, as truncated backpropagation through time treats it), for each cell, one and two layers, the full and
// the class-factored softmax.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ner/lm/lm.h"
#include "tests/nn/nn_test_util.h"

namespace ner {
namespace {

static_assert(sizeof(nn::Real) == sizeof(double), "gradient checks need Real = double");

constexpr nn::Index kV = 9, kB = 2;
// Two windows of 3 steps for 2 streams (column t·B + b): the first carries its state into the second.
const std::vector<int> kFirstInputs = {2, 5, 3, 3, 8, 1}, kFirstTargets = {3, 3, 8, 1, 4, 6};
const std::vector<int> kInputs = {4, 6, 7, 2, 4, 4}, kTargets = {7, 2, 4, 4, 0, 8};

struct LmCase {
  nn::CellType cell;
  int layers;
  std::vector<nn::Index> classes;
};

class LmGradient : public ::testing::TestWithParam<LmCase> {};

TEST_P(LmGradient, MatchesFiniteDifferences) {
  const LmCase c = GetParam();
  LmConfig config;
  config.cell = c.cell;
  config.layers = c.layers;
  config.hidden = 4;
  config.char_dim = 3;
  CharLm lm("forward", config, kV, c.classes);
  nn::Rng rng(31);
  lm.init(rng);
  nn::test::randomize(lm.params(), rng);
  lm.window(kFirstInputs, kFirstTargets, kB, /*training=*/false);
  const std::vector<nn::RecurrentState> carried = lm.carried_state();
  for (const nn::RecurrentState& state : carried) ASSERT_GT(state.h.cwiseAbs().maxCoeff(), 0.01);
  nn::zero_grads(lm.params());
  lm.window(kInputs, kTargets, kB, /*training=*/true);
  auto loss = [&] {
    lm.set_carried_state(carried);
    return lm.window(kInputs, kTargets, kB, /*training=*/false);
  };
  EXPECT_GRADIENTS_MATCH(loss, nn::checked_params(lm.params()));
}

INSTANTIATE_TEST_SUITE_P(Cells, LmGradient,
                         ::testing::Values(LmCase{nn::CellType::kLstm, 2, {0, 1, 3, 6}}, LmCase{nn::CellType::kLstm, 1, {0}},
                                           LmCase{nn::CellType::kGru, 2, {0, 2, 5}}, LmCase{nn::CellType::kRnnTanh, 1, {0, 4}}),
                         [](const auto& info) {
                           return nn::cell_name(info.param.cell) + "_" + std::to_string(info.param.layers) + "_layers_" +
                                  std::to_string(info.param.classes.size()) + "_classes";
                         });

}  // namespace
}  // namespace ner
