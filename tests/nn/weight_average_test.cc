// The bias-corrected moving average of the weights: after t steps, Σₖ (1 − d) d^(t−k) wₖ / (1 − d^t), computed
// lazily for the columns of a sparse parameter that a step does not touch, swapped in and out of the parameters,
// and continued from a checkpoint.
#include <gtest/gtest.h>

#include <cmath>

#include "nn/weight_average.h"

namespace nn {
namespace {

// The weights after each step, for one column: the average written out term by term.
double corrected_average(const std::vector<double>& weights, double d) {
  double sum = 0;
  const std::size_t t = weights.size();
  for (std::size_t k = 1; k <= t; ++k) sum += (1 - d) * std::pow(d, static_cast<double>(t - k)) * weights[k - 1];
  return sum / (1 - std::pow(d, static_cast<double>(t)));
}

TEST(WeightAverage, IsTheBiasCorrectedAverageOfTheStepsWeights) {
  const double d = 0.9;
  Param dense("dense", 1, 1), sparse("sparse", 1, 2);
  dense.value << 100;  // the initial weights, which the average must not remember
  sparse.value << 100, 7;
  sparse.make_sparse();
  WeightAverage average({&dense, &sparse}, d);
  EXPECT_EQ(average.averages()[0](0, 0), 100) << "before any step: the weights themselves";
  // Steps 1-4 change the dense weight and the sparse parameter's column 0; column 1 is touched only at step 3.
  const std::vector<double> values{1, 2, 4, 8};
  const std::vector<double> column1{7, 7, 9, 9};
  for (std::size_t k = 0; k < values.size(); ++k) {
    sparse.touched.clear();
    sparse.is_touched.assign(2, 0);
    sparse.touch(0);
    if (k == 2) sparse.touch(1);
    average.before_step();
    dense.value(0, 0) = values[k];
    sparse.value(0, 0) = values[k];
    if (k == 2) sparse.value(0, 1) = 9;
    average.after_step();
  }
  // By hand for d = 0.9: (0.1·0.729·1 + 0.1·0.81·2 + 0.1·0.9·4 + 0.1·8) / (1 − 0.6561) = 1.3949 / 0.3439
  EXPECT_NEAR(corrected_average(values, d), 1.3949 / 0.3439, 1e-12);
  EXPECT_NEAR(average.averages()[0](0, 0), 1.3949 / 0.3439, 1e-12);
  EXPECT_NEAR(average.averages()[1](0, 0), 1.3949 / 0.3439, 1e-12);
  // Column 1 was 7 for steps 1-2 and 9 for steps 3-4 (caught up lazily at step 3 and when read):
  // (0.1·0.729·7 + 0.1·0.81·7 + 0.1·0.9·9 + 0.1·9) / 0.3439 = 2.7873 / 0.3439
  EXPECT_NEAR(average.averages()[1](0, 1), 2.7873 / 0.3439, 1e-12);
  EXPECT_NEAR(corrected_average(column1, d), 2.7873 / 0.3439, 1e-12);
}

TEST(WeightAverage, LazySparseColumnsEqualTheDenseAverage) {
  const double d = 0.9;
  Param dense("dense", 2, 3), sparse("sparse", 2, 3);
  dense.value.setRandom();
  sparse.value = dense.value;
  sparse.make_sparse();
  WeightAverage average({&dense, &sparse}, d);
  Matrix uncorrected = Matrix::Zero(2, 3);
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
    uncorrected = d * uncorrected + (1 - d) * dense.value;
  }
  const Matrix expected = uncorrected / (1 - std::pow(d, 7));
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
  average.set_state(1, {saved});
  average.before_step();
  p.value << 5, 6;
  average.after_step();
  EXPECT_EQ(average.steps(), 2);
  // Step 2 weighs the new values by (1 − 0.5) / (1 − 0.25) = 2/3: (3, 4) / 3 + 2 (5, 6) / 3
  EXPECT_DOUBLE_EQ(average.averages()[0](0, 0), 13.0 / 3);
  EXPECT_DOUBLE_EQ(average.averages()[0](0, 1), 16.0 / 3);
}

}  // namespace
}  // namespace nn
