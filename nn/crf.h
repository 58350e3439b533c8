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

  ParamList params() { return {&trans_, &start_, &end_}; }
  Index num_tags() const { return trans_.value.rows(); }

 private:
  // Scores in double with −∞ where a constraint forbids.
  struct Scores {
    Eigen::MatrixXd trans;      // (L, L)
    Eigen::MatrixXd exp_trans;  // (L, L): exp(trans), 0 where forbidden
    Eigen::VectorXd start, end;  // (L)
  };
  Scores scores() const;
  // alpha_t(j) = log Σ over paths y_0..y_t = j; carried unchanged through padding.           (L, T*B)
  Eigen::MatrixXd forward_algorithm(const Matrix& E, const SequenceBatch& batch, const Scores& s) const;
  // beta_t(i) = log Σ over continuations y_{t+1}.. given y_t = i; end scores at each sentence's last step. (L, T*B)
  Eigen::MatrixXd backward_algorithm(const Matrix& E, const SequenceBatch& batch, const Scores& s) const;
  std::vector<double> log_z(const Eigen::MatrixXd& alpha, const SequenceBatch& batch, const Scores& s) const;

  Param trans_;  // (L, L)
  Param start_;  // (L, 1)
  Param end_;    // (L, 1)
  BoolMatrix allowed_;       // (L, L)
  BoolVector start_allowed_;  // (L)
  BoolVector end_allowed_;    // (L)
};

}  // namespace nn
