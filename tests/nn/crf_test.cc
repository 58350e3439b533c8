// The CRF against brute-force enumeration of every tag path (L = 3, T ≤ 4), free and constrained.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "nn/crf.h"
#include "tests/nn/nn_test_util.h"

namespace nn {
namespace {

struct BruteForce {
  std::vector<double> log_z;                 // per sentence
  Eigen::MatrixXd marginals;                 // (L, T*B)
  std::vector<std::vector<int>> best_paths;  // per sentence
  std::vector<std::vector<std::pair<std::vector<int>, double>>> scored;  // per sentence: every path and its score
};

// Enumerates all L^n paths of every sentence, scoring each with Crf::path_score (−∞ when a constraint forbids it).
BruteForce enumerate(const Crf& crf, const Matrix& E, const SequenceBatch& batch) {
  const Index L = crf.num_tags();
  BruteForce result;
  result.marginals = Eigen::MatrixXd::Zero(L, batch.columns());
  for (Index b = 0; b < batch.B; ++b) {
    const int n = batch.length(b);
    std::vector<std::pair<std::vector<int>, double>> scored;
    std::vector<int> path(static_cast<std::size_t>(n), 0);
    for (;;) {
      scored.emplace_back(path, crf.path_score(E, batch, b, path));
      int k = n - 1;
      while (k >= 0 && path[static_cast<std::size_t>(k)] == L - 1) path[static_cast<std::size_t>(k--)] = 0;
      if (k < 0) break;
      ++path[static_cast<std::size_t>(k)];
    }
    double max_score = -std::numeric_limits<double>::infinity();
    std::vector<int> best;
    for (auto& [p, score] : scored)
      if (score > max_score) max_score = score, best = p;
    double sum = 0;
    for (auto& [p, score] : scored) sum += std::exp(score - max_score);
    double lz = max_score + std::log(sum);
    for (auto& [p, score] : scored)
      for (int t = 0; t < n; ++t) result.marginals(p[static_cast<std::size_t>(t)], t * batch.B + b) += std::exp(score - lz);
    result.log_z.push_back(lz);
    result.best_paths.push_back(best);
    result.scored.push_back(scored);
  }
  return result;
}

void expect_matches_brute_force(const Crf& crf, const Matrix& E, const SequenceBatch& batch) {
  BruteForce expected = enumerate(crf, E, batch);
  std::vector<double> log_z = crf.log_partition(E, batch);
  for (Index b = 0; b < batch.B; ++b) EXPECT_NEAR(log_z[static_cast<std::size_t>(b)], expected.log_z[static_cast<std::size_t>(b)], 1e-10) << "log Z of sentence " << b;
  Eigen::MatrixXd marginals = crf.marginals(E, batch);
  EXPECT_LT((marginals - expected.marginals).cwiseAbs().maxCoeff(), 1e-10) << "marginals\n" << marginals << "\nexpected\n" << expected.marginals;
  EXPECT_EQ(crf.viterbi(E, batch), expected.best_paths);

  // The 6 best paths: the enumeration sorted by score (forbidden paths never appear).
  const auto nbest = crf.nbest(E, batch, 6);
  const Crf::Posterior posterior = crf.posterior(E, batch);
  for (Index b = 0; b < batch.B; ++b) {
    auto sorted = expected.scored[static_cast<std::size_t>(b)];
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
    while (!sorted.empty() && !std::isfinite(sorted.back().second)) sorted.pop_back();
    const auto& paths = nbest[static_cast<std::size_t>(b)];
    ASSERT_EQ(paths.size(), std::min<std::size_t>(6, sorted.size()));
    EXPECT_EQ(paths[0].tags, expected.best_paths[static_cast<std::size_t>(b)]) << "the first of the n best is Viterbi's";
    for (std::size_t r = 0; r < paths.size(); ++r) {
      EXPECT_EQ(paths[r].tags, sorted[r].first) << "sentence " << b << ", rank " << r;
      EXPECT_NEAR(paths[r].score, sorted[r].second, 1e-10);
    }
    // P(y_s … y_{s+k−1} = tags) for every start, length up to 3 and tag sequence: the summed probability of the
    // enumerated paths that carry those tags there.
    const Index n = batch.length(b), L = crf.num_tags();
    for (Index begin = 0; begin < n; ++begin)
      for (Index k = 1; k <= std::min<Index>(3, n - begin); ++k) {
        std::vector<int> tags(static_cast<std::size_t>(k), 0);
        for (;;) {
          double expected_p = 0;
          for (const auto& [path, score] : expected.scored[static_cast<std::size_t>(b)])
            if (std::equal(tags.begin(), tags.end(), path.begin() + begin))
              expected_p += std::exp(score - expected.log_z[static_cast<std::size_t>(b)]);
          EXPECT_NEAR(posterior.probability(b, begin, tags), expected_p, 1e-10) << "sentence " << b << " from " << begin;
          Index i = k - 1;
          while (i >= 0 && tags[static_cast<std::size_t>(i)] == L - 1) tags[static_cast<std::size_t>(i--)] = 0;
          if (i < 0) break;
          ++tags[static_cast<std::size_t>(i)];
        }
      }
    EXPECT_NEAR(posterior.log_z(b), expected.log_z[static_cast<std::size_t>(b)], 1e-10);
  }
}

TEST(Crf, MatchesBruteForce) {
  Rng rng(31);
  for (int trial = 0; trial < 20; ++trial) {
    Crf crf("crf", test::kL);
    test::randomize(crf.params(), rng, 1.0);
    SequenceBatch batch({4, 2, 1, 3});
    Matrix E = test::random_matrix(test::kL, batch.columns(), rng, 2.0);
    SCOPED_TRACE(trial);
    expect_matches_brute_force(crf, E, batch);
  }
}

TEST(Crf, ConstrainedMatchesBruteForce) {
  Rng rng(32);
  BoolMatrix allowed = BoolMatrix::Constant(3, 3, true);
  allowed(0, 2) = false;  // like O → I-X
  allowed(1, 1) = false;
  BoolVector start = BoolVector::Constant(3, true), end = BoolVector::Constant(3, true);
  start(2) = false;  // like a sentence starting with I-X
  end(1) = false;
  for (int trial = 0; trial < 20; ++trial) {
    Crf crf("crf", test::kL);
    test::randomize(crf.params(), rng, 1.0);
    crf.constrain(allowed, start, end);
    SequenceBatch batch({4, 3, 1, 2});
    Matrix E = test::random_matrix(test::kL, batch.columns(), rng, 2.0);
    SCOPED_TRACE(trial);
    expect_matches_brute_force(crf, E, batch);
    for (const auto& path : crf.viterbi(E, batch)) {
      EXPECT_NE(path.front(), 2);
      EXPECT_NE(path.back(), 1);
      for (std::size_t t = 1; t < path.size(); ++t) EXPECT_TRUE(allowed(path[t - 1], path[t]));
    }
  }
}

// Scores far beyond exp's range (emissions up to ±300, transitions ±100): the scaled recursions must neither
// overflow nor lose the unlikely tags' marginals.
TEST(Crf, LargeScoresMatchBruteForce) {
  Rng rng(34);
  BoolMatrix allowed = BoolMatrix::Constant(3, 3, true);
  allowed(0, 2) = false;
  BoolVector start = BoolVector::Constant(3, true), end = BoolVector::Constant(3, true);
  start(2) = false;
  for (int trial = 0; trial < 20; ++trial) {
    Crf crf("crf", test::kL);
    test::randomize(crf.params(), rng, 100.0);
    if (trial % 2 == 1) crf.constrain(allowed, start, end);
    SequenceBatch batch({4, 3, 1, 2});
    Matrix E = test::random_matrix(test::kL, batch.columns(), rng, 300.0);
    SCOPED_TRACE(trial);
    BruteForce expected = enumerate(crf, E, batch);
    std::vector<double> log_z = crf.log_partition(E, batch);
    for (Index b = 0; b < batch.B; ++b)
      EXPECT_NEAR(log_z[static_cast<std::size_t>(b)], expected.log_z[static_cast<std::size_t>(b)], 1e-9 * std::abs(expected.log_z[static_cast<std::size_t>(b)]));
    EXPECT_LT((crf.marginals(E, batch) - expected.marginals).cwiseAbs().maxCoeff(), 1e-10);
  }
}

TEST(Crf, NllIsLogZMinusGoldScoreAndInfiniteForForbiddenGold) {
  Rng rng(33);
  Crf crf("crf", test::kL);
  test::randomize(crf.params(), rng);
  SequenceBatch batch({3});
  Matrix E = test::random_matrix(test::kL, 3, rng);
  std::vector<int> gold = {0, 2, 1};
  double expected = crf.log_partition(E, batch)[0] - crf.path_score(E, batch, 0, gold);
  EXPECT_NEAR(crf.nll(E, batch, gold, nullptr), expected, 1e-12);
  EXPECT_GT(expected, 0);

  BoolMatrix allowed = BoolMatrix::Constant(3, 3, true);
  allowed(0, 2) = false;
  crf.constrain(allowed, BoolVector::Constant(3, true), BoolVector::Constant(3, true));
  EXPECT_TRUE(std::isinf(crf.nll(E, batch, gold, nullptr)));
}

}  // namespace
}  // namespace nn
