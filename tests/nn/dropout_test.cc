// The dropout mask: the right fraction of zeros, the inverted scale, and the same mask for the same seed.
#include <gtest/gtest.h>

#include "nn/dropout.h"

namespace nn {
namespace {

TEST(Dropout, DropsAboutPAndScalesTheRestByOneOverOneMinusP) {
  for (Real p : {Real(0.1), Real(0.5), Real(0.9)}) {
    Dropout dropout(p);
    Rng rng(7);
    const Matrix X = Matrix::Ones(101, 99);  // odd size: the last draw is used for one entry only
    Matrix Y;
    dropout.forward(X, Y, /*training=*/true, rng);
    const double n = static_cast<double>(Y.size());
    const double zeros = static_cast<double>((Y.array() == 0).count());
    // Binomial(n, p): 5 standard deviations.
    EXPECT_NEAR(zeros / n, p, 5 * std::sqrt(p * (1 - p) / n)) << "p = " << p;
    for (Index k = 0; k < Y.size(); ++k) {
      if (Y.data()[k] != 0) {
        ASSERT_NEAR(Y.data()[k], 1 / (1 - p), 1e-12);
      }
    }
    Matrix again;
    Rng same(7);
    dropout.forward(X, again, true, same);
    EXPECT_EQ(Y, again);
  }
}

// Two threads draw and apply the same mask as one, for odd and even sizes.
TEST(Dropout, TwoThreadsGiveTheSameMaskAndGradient) {
  for (Index cols : {Index(99), Index(100), Index(1)}) {
    Dropout serial(0.5), parallel(0.5);
    parallel.set_parallel(true);
    Rng rng_a(11), rng_b(11), fill(3);
    Matrix X(37, cols), dY(37, cols);
    for (Index k = 0; k < X.size(); ++k) X.data()[k] = fill.uniform(), dY.data()[k] = fill.uniform();
    Matrix Y1, Y2, dX1, dX2;
    serial.forward(X, Y1, true, rng_a);
    parallel.forward(X, Y2, true, rng_b);
    EXPECT_EQ(Y1, Y2) << cols;
    serial.backward(dY, dX1);
    parallel.backward(dY, dX2);
    EXPECT_EQ(dX1, dX2) << cols;
  }
}

TEST(Dropout, IsTheIdentityAtInferenceAndWithRateZero) {
  Rng rng(1);
  const Matrix X = Matrix::Random(5, 6);
  Matrix Y;
  Dropout(0.5).forward(X, Y, /*training=*/false, rng);
  EXPECT_EQ(Y, X);
  Dropout(0).forward(X, Y, /*training=*/true, rng);
  EXPECT_EQ(Y, X);
}

}  // namespace
}  // namespace nn
