// The dropout mask: the right fraction of zeros, the inverted scale, and the same mask for the same seed, on one
// thread or two.
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

TEST(Dropout, TwoThreadsDrawTheSameMaskAsOne) {
  const Matrix X = Matrix::Random(37, 41);  // odd size
  Matrix one, two, d_one, d_two;
  Dropout serial(0.3), parallel(0.3);
  Rng a(5), b(5);
  serial.forward(X, one, /*training=*/true, a);
  parallel.forward(X, two, /*training=*/true, b, /*parallel=*/true);
  EXPECT_EQ(one, two);
  serial.backward(X, d_one);
  parallel.backward(X, d_two, /*parallel=*/true);
  EXPECT_EQ(d_one, d_two);
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
