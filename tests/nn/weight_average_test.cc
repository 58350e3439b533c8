// The moving average of the weights: a ← d a + (1 − d) w after every step, computed lazily for the columns of a
// sparse parameter that a step does not touch, and swapped in and out of the parameters.
#include <gtest/gtest.h>

#include "nn/weight_average.h"

namespace nn {
namespace {

TEST(WeightAverage, LazySparseColumnsEqualTheDenseAverage) {
  const double d = 0.9;
  Param dense("dense", 2, 3), sparse("sparse", 2, 3);
  dense.value.setRandom();
  sparse.value = dense.value;
  sparse.make_sparse();
  WeightAverage average({&dense, &sparse}, d);
  Matrix expected = dense.value;
  // Step k changes column k % 3 of both parameters; the sparse one says so through touch().
  for (int k = 0; k < 7; ++k) {
    const Index col = k % 3;
    sparse.touched.clear();
    sparse.is_touched.assign(3, 0);
    sparse.touch(col);
    average.before_step();
    dense.value.col(col).array() += 0.5 * (k + 1);
    sparse.value.col(col).array() += 0.5 * (k + 1);
    average.after_step();
    expected = d * expected + (1 - d) * dense.value;
  }
  EXPECT_EQ(average.steps(), 7);
  ASSERT_EQ(average.averages().size(), 2u);
  EXPECT_TRUE(average.averages()[0].isApprox(expected, 1e-12));
  EXPECT_TRUE(average.averages()[1].isApprox(expected, 1e-12)) << average.averages()[1] << "\n\n" << expected;
  // Swapping puts the averages into the parameters and back.
  const Matrix trained = sparse.value;
  average.swap_with_params();
  EXPECT_TRUE(sparse.value.isApprox(expected, 1e-12));
  average.swap_with_params();
  EXPECT_EQ(sparse.value, trained);
}

TEST(WeightAverage, SetStateContinuesFromACheckpoint) {
  Param p("p", 1, 2);
  p.value << 1, 2;
  WeightAverage average({&p}, 0.5);
  Matrix saved(1, 2);
  saved << 3, 4;
  average.set_state(10, {saved});
  average.before_step();
  p.value << 5, 6;
  average.after_step();
  EXPECT_EQ(average.steps(), 11);
  // a ← 0.5 · (3, 4) + 0.5 · (5, 6)
  EXPECT_DOUBLE_EQ(average.averages()[0](0, 0), 4);
  EXPECT_DOUBLE_EQ(average.averages()[0](0, 1), 5);
}

}  // namespace
}  // namespace nn
