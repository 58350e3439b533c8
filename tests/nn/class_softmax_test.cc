// The language model's output layer: the full and the class-factored softmax's gradients (of a scaled loss) against
// finite differences, and their probabilities normalised and consistent with the loss.
#include <gtest/gtest.h>

#include <cmath>

#include "nn/class_softmax.h"
#include "tests/nn/nn_test_util.h"

namespace nn {
namespace {

using test::kH;
using test::random_matrix;

constexpr Index kV = 7;
const std::vector<int> kTargets = {0, 3, 6, 2, 5, 5, 1, 4};

// One class (the full softmax); classes of unequal sizes, one of a single id.
const std::vector<std::vector<Index>> kClassings = {{0}, {0, 2, 3, 6}};

// Of a scaled loss, as the tagger's auxiliary language-model objective weighs it.
constexpr Real kScale = 0.7;

TEST(ClassSoftmax, GradientsMatchFiniteDifferences) {
  for (const std::vector<Index>& classes : kClassings) {
    Rng rng(21);
    ClassSoftmax softmax("out", kH, kV, classes);
    softmax.init(rng);
    test::randomize(softmax.params(), rng);
    Matrix X = random_matrix(kH, static_cast<Index>(kTargets.size()), rng);
    Matrix dX = Matrix::Zero(X.rows(), X.cols());
    softmax.forward(X, kTargets);
    zero_grads(softmax.params());
    softmax.backward(X, kTargets, dX, kScale);
    auto loss = [&] { return kScale * softmax.forward(X, kTargets); };
    auto checked = checked_params(softmax.params());
    checked.push_back({"input", &X, &dX});
    SCOPED_TRACE(classes.size());
    EXPECT_GRADIENTS_MATCH(loss, checked);
  }
}

TEST(ClassSoftmax, ProbabilitiesAreNormalisedAndGiveTheLoss) {
  for (const std::vector<Index>& classes : kClassings) {
    Rng rng(22);
    ClassSoftmax softmax("out", kH, kV, classes);
    softmax.init(rng);
    test::randomize(softmax.params(), rng, 1.5);
    Matrix X = random_matrix(kH, static_cast<Index>(kTargets.size()), rng);
    const double loss = softmax.forward(X, kTargets);
    double from_log_p = 0;
    Vector log_p(kV);
    for (Index j = 0; j < X.cols(); ++j) {
      softmax.log_probabilities(X.col(j), log_p);
      EXPECT_NEAR(log_p.array().exp().sum(), 1.0, 1e-12);
      from_log_p -= log_p(kTargets[static_cast<std::size_t>(j)]);
    }
    EXPECT_NEAR(loss, from_log_p, 1e-10);
  }
}

}  // namespace
}  // namespace nn
