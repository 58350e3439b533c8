// Linear-chain CRF over emission scores E (L, T*B), with transition scores trans(i, j) for tag i followed by tag j,
// start and end scores. score(y) = start[y_0] + Σ_t E[y_t, t] + Σ_{t≥1} trans[y_{t−1}, y_t] + end[y_{n−1}].
// log Z by the forward algorithm, gradients from forward–backward marginals, Viterbi decoding; optional hard
// constraints (forbidden transitions, first and last tags) apply to training and decoding alike.
// The dynamic programmes run in double precision whatever Real is.
#pragma once

#include <string>
#include <vector>

#include "nn/param.h"
#include "nn/random.h"
#include "nn/sequence_batch.h"

namespace nn {

using BoolMatrix = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>;
using BoolVector = Eigen::Array<bool, Eigen::Dynamic, 1>;

class Crf {
 public:
  Crf(const std::string& name, Index num_tags);

  void init(Rng& rng);  // every score uniform in ±0.1

  // allowed(i, j): tag i may be followed by tag j; start_allowed(j) / end_allowed(j): a sentence may begin / end with j.
  void constrain(const BoolMatrix& allowed, const BoolVector& start_allowed, const BoolVector& end_allowed);
  bool constrained() const { return !allowed_.all() || !start_allowed_.all() || !end_allowed_.all(); }

  // Σ_b [log Z_b − score_b(gold_b)], with gold time-major (gold[t*B + b], padding ignored). +∞ when a gold path breaks
  // a constraint. When dE is given (L, T*B), adds ∂/∂E to it and ∂/∂(trans, start, end) to the gradients.
  double nll(const Matrix& E, const SequenceBatch& batch, const std::vector<int>& gold, Matrix* dE);

  // log Z_b for every sentence.
  std::vector<double> log_partition(const Matrix& E, const SequenceBatch& batch) const;
  // P(y_t = j) for every position (L, T*B); zero at padding.
  Eigen::MatrixXd marginals(const Matrix& E, const SequenceBatch& batch) const;
  // The best tag path of each sentence (ties go to the lower tag id).
  std::vector<std::vector<int>> viterbi(const Matrix& E, const SequenceBatch& batch) const;
  // score(y) of one sentence's path (−∞ if it breaks a constraint).
  double path_score(const Matrix& E, const SequenceBatch& batch, Index b, const std::vector<int>& tags) const;

  // A path and its score; its probability is exp(score − log Z).
  struct ScoredPath {
    std::vector<int> tags;
    double score;
  };
  // The k best paths of each sentence, best first (exact: a k-best list per tag and step; ties go to the lower
  // tag id, then the better-ranked predecessor, so the first path is viterbi()'s).
  std::vector<std::vector<ScoredPath>> nbest(const Matrix& E, const SequenceBatch& batch, int k) const;

  class Posterior;
  // The forward–backward lattice of a batch, for questions about the distribution over its sentences' paths.
  Posterior posterior(const Matrix& E, const SequenceBatch& batch) const;

  ParamList params() { return {&trans_, &start_, &end_}; }
  Index num_tags() const { return trans_.value.rows(); }

 private:
  // Scores in double with −∞ where a constraint forbids, and their exponentials (exactly 0 there).
  struct Scores {
    Eigen::MatrixXd trans;      // (L, L)
    Eigen::MatrixXd exp_trans;  // (L, L)
    Eigen::VectorXd start, end;          // (L)
    Eigen::VectorXd exp_start, exp_end;  // (L)
  };
  Scores scores() const;
  // The forward–backward lattice in probability space with per-step scaling (Rabiner 1989), as CRFsuite does: no
  // logarithm inside the recursions, and the pair expectations of all steps are one matrix product.
  struct Lattice {
    Eigen::MatrixXd potential;  // (L, T*B): e_t(j) = exp(E_t(j) − shift_t), shift_t = max_j E_t(j)
    Eigen::MatrixXd alpha;      // (L, T*B): scaled forward variables, each column sums to 1; carried through padding
    Eigen::MatrixXd beta;       // (L, T*B): scaled backward variables (filled by `backward`)
    Eigen::RowVectorXd scale;   // (T*B): c_t, the sum that normalised alpha_t (1 at padding)
    std::vector<double> log_z;  // (B): log Z_b
  };
  // alpha, scale and log Z.
  Lattice forward(const Matrix& E, const SequenceBatch& batch, const Scores& s) const;
  // beta, so that P(y_t = j) = alpha_t(j) beta_t(j).
  void backward(const SequenceBatch& batch, const Scores& s, Lattice& lattice) const;
  // P(y_t = j) = alpha_t(j) beta_t(j) for every position; zero at padding.     (L, T*B)
  static Eigen::MatrixXd posteriors(const SequenceBatch& batch, const Lattice& lattice);
  // score(y) of sentence b under scores s.
  static double score_of(const Matrix& E, const SequenceBatch& batch, Index b, const std::vector<int>& tags, const Scores& s);

  Param trans_;  // (L, L)
  Param start_;  // (L, 1)
  Param end_;    // (L, 1)
  BoolMatrix allowed_;       // (L, L)
  BoolVector start_allowed_;  // (L)
  BoolVector end_allowed_;    // (L)
};

class Crf::Posterior {
 public:
  // P(y_begin … y_{begin+k−1} = tags) in sentence b: an entity's probability is that of its tags.
  double probability(Index b, Index begin, const std::vector<int>& tags) const;
  double log_z(Index b) const { return lattice_.log_z[static_cast<std::size_t>(b)]; }

 private:
  friend class Crf;
  Index B_ = 0;
  Scores scores_;
  Lattice lattice_;
};

}  // namespace nn
