#include "nn/crf.h"

#include <cassert>
#include <cmath>
#include <limits>

#include "nn/init.h"

namespace nn {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// log Σ_i exp(v_i), stable for −∞ entries.
double log_sum_exp(const Eigen::VectorXd& v) {
  double m = v.maxCoeff();
  if (m == kNegInf) return kNegInf;
  return m + std::log((v.array() - m).exp().sum());
}

}  // namespace

Crf::Crf(const std::string& name, Index num_tags)
    : trans_(name + ".trans", num_tags, num_tags),
      start_(name + ".start", num_tags, 1),
      end_(name + ".end", num_tags, 1),
      allowed_(BoolMatrix::Constant(num_tags, num_tags, true)),
      start_allowed_(BoolVector::Constant(num_tags, true)),
      end_allowed_(BoolVector::Constant(num_tags, true)) {}

void Crf::init(Rng& rng) {
  init_uniform(trans_.value, Real(0.1), rng);
  init_uniform(start_.value, Real(0.1), rng);
  init_uniform(end_.value, Real(0.1), rng);
}

void Crf::constrain(const BoolMatrix& allowed, const BoolVector& start_allowed, const BoolVector& end_allowed) {
  assert(allowed.rows() == num_tags() && allowed.cols() == num_tags());
  assert(start_allowed.size() == num_tags() && end_allowed.size() == num_tags());
  allowed_ = allowed;
  start_allowed_ = start_allowed;
  end_allowed_ = end_allowed;
}

Crf::Scores Crf::scores() const {
  Scores s;
  s.trans = allowed_.select(trans_.value.cast<double>(), kNegInf);
  // Exactly 0 where forbidden: Eigen's vectorised exp clamps −∞ to a subnormal, and subnormals slow the products
  // that use exp_trans by an order of magnitude.
  s.exp_trans = allowed_.select(s.trans.array().exp(), 0.0);
  s.start = start_allowed_.select(start_.value.col(0).cast<double>(), kNegInf);
  s.end = end_allowed_.select(end_.value.col(0).cast<double>(), kNegInf);
  return s;
}

Eigen::MatrixXd Crf::forward_algorithm(const Matrix& E, const SequenceBatch& batch, const Scores& s) const {
  const Index L = num_tags(), B = batch.B, T = batch.T;
  assert(E.rows() == L && E.cols() == T * B);
  Eigen::MatrixXd alpha(L, T * B);
  // alpha_0 = start + E_0
  alpha.leftCols(B) = E.leftCols(B).cast<double>().colwise() + s.start;
  Eigen::MatrixXd scaled(L, B);
  Eigen::RowVectorXd m(B);
  for (Index t = 1; t < T; ++t) {
    auto prev = alpha.middleCols((t - 1) * B, B);
    auto cur = alpha.middleCols(t * B, B);
    // alpha_t(j) = log Σ_i exp(alpha_{t−1}(i) + trans(i, j)) + E_t(j), as m + log(exp(trans)ᵀ exp(alpha_{t−1} − m))
    m = prev.colwise().maxCoeff();
    scaled = (prev.rowwise() - m).array().exp();
    cur.noalias() = s.exp_trans.transpose() * scaled;
    cur = (cur.array().log().rowwise() + m.array()).matrix() + E.middleCols(t * B, B).cast<double>();
    for (Index b = 0; b < B; ++b)
      if (t >= batch.length(b)) cur.col(b) = prev.col(b);  // padding carries alpha
  }
  return alpha;
}

Eigen::MatrixXd Crf::backward_algorithm(const Matrix& E, const SequenceBatch& batch, const Scores& s) const {
  const Index L = num_tags(), B = batch.B, T = batch.T;
  Eigen::MatrixXd beta(L, T * B);
  beta.rightCols(B).colwise() = s.end;
  Eigen::MatrixXd q(L, B);
  Eigen::RowVectorXd m(B);
  for (Index t = T - 2; t >= 0; --t) {
    auto next = beta.middleCols((t + 1) * B, B);
    auto cur = beta.middleCols(t * B, B);
    // beta_t(i) = log Σ_j exp(trans(i, j) + E_{t+1}(j) + beta_{t+1}(j)), as m + log(exp(trans) exp(q − m))
    q = E.middleCols((t + 1) * B, B).cast<double>() + next;
    m = q.colwise().maxCoeff();
    q = (q.rowwise() - m).array().exp();
    cur.noalias() = s.exp_trans * q;
    cur = (cur.array().log().rowwise() + m.array()).matrix();
    for (Index b = 0; b < B; ++b)
      if (t + 1 >= batch.length(b)) cur.col(b) = s.end;  // the sentence's last step (or padding)
  }
  return beta;
}

std::vector<double> Crf::log_z(const Eigen::MatrixXd& alpha, const SequenceBatch& batch, const Scores& s) const {
  // log Z_b = log Σ_j exp(alpha_{n−1}(j) + end(j)); alpha is carried to the last column through padding.
  std::vector<double> result(static_cast<std::size_t>(batch.B));
  for (Index b = 0; b < batch.B; ++b)
    result[static_cast<std::size_t>(b)] = log_sum_exp(alpha.col((batch.T - 1) * batch.B + b) + s.end);
  return result;
}

std::vector<double> Crf::log_partition(const Matrix& E, const SequenceBatch& batch) const {
  Scores s = scores();
  return log_z(forward_algorithm(E, batch, s), batch, s);
}

Eigen::MatrixXd Crf::marginals(const Matrix& E, const SequenceBatch& batch) const {
  Scores s = scores();
  Eigen::MatrixXd alpha = forward_algorithm(E, batch, s);
  Eigen::MatrixXd beta = backward_algorithm(E, batch, s);
  std::vector<double> lz = log_z(alpha, batch, s);
  // P(y_t = j) = exp(alpha_t(j) + beta_t(j) − log Z)
  Eigen::MatrixXd p = Eigen::MatrixXd::Zero(num_tags(), batch.columns());
  for (Index t = 0; t < batch.T; ++t)
    for (Index b = 0; b < batch.B; ++b)
      if (t < batch.length(b)) {
        const Index col = t * batch.B + b;
        p.col(col) = (alpha.col(col) + beta.col(col)).array() - lz[static_cast<std::size_t>(b)];
        p.col(col) = p.col(col).array().exp();
      }
  return p;
}

double Crf::path_score(const Matrix& E, const SequenceBatch& batch, Index b, const std::vector<int>& tags) const {
  Scores s = scores();
  const Index B = batch.B;
  assert(static_cast<Index>(tags.size()) == batch.length(b));
  // score(y) = start[y_0] + Σ_t E[y_t, t] + Σ_{t≥1} trans[y_{t−1}, y_t] + end[y_{n−1}]
  double total = s.start(tags[0]) + s.end(tags.back());
  for (std::size_t t = 0; t < tags.size(); ++t) {
    total += static_cast<double>(E(tags[t], static_cast<Index>(t) * B + b));
    if (t > 0) total += s.trans(tags[t - 1], tags[t]);
  }
  return total;
}

double Crf::nll(const Matrix& E, const SequenceBatch& batch, const std::vector<int>& gold, Matrix* dE) {
  const Index L = num_tags(), B = batch.B, T = batch.T;
  assert(static_cast<Index>(gold.size()) == T * B);
  Scores s = scores();
  Eigen::MatrixXd alpha = forward_algorithm(E, batch, s);
  std::vector<double> lz = log_z(alpha, batch, s);

  // NLL = Σ_b log Z_b − score_b(gold)
  double loss = 0;
  std::vector<int> path;
  for (Index b = 0; b < B; ++b) {
    path.clear();
    for (Index t = 0; t < batch.length(b); ++t) path.push_back(gold[static_cast<std::size_t>(t * B + b)]);
    loss += lz[static_cast<std::size_t>(b)] - path_score(E, batch, b, path);
  }
  if (dE == nullptr || !std::isfinite(loss)) return loss;
  assert(dE->rows() == L && dE->cols() == T * B);

  Eigen::MatrixXd beta = backward_algorithm(E, batch, s);
  Eigen::MatrixXd d_trans = Eigen::MatrixXd::Zero(L, L);
  Eigen::VectorXd d_start = Eigen::VectorXd::Zero(L), d_end = Eigen::VectorXd::Zero(L);
  Eigen::MatrixXd u(L, B), v(L, B);
  Eigen::VectorXd p(L);
  Eigen::RowVectorXd m1(B), m2(B);
  for (Index t = 0; t < T; ++t) {
    // ∂/∂E_t(j) = P(y_t = j) − [gold_t = j]
    for (Index b = 0; b < B; ++b) {
      if (t >= batch.length(b)) continue;
      const Index col = t * B + b;
      const double lzb = lz[static_cast<std::size_t>(b)];
      p = ((alpha.col(col) + beta.col(col)).array() - lzb).exp();
      const int y = gold[static_cast<std::size_t>(col)];
      p(y) -= 1;
      dE->col(col) += p.cast<Real>();
      if (t == 0) d_start += p;
      if (t + 1 == batch.length(b)) d_end += p;
      if (t > 0) d_trans(gold[static_cast<std::size_t>(col - B)], y) -= 1;
    }
    if (t == 0) continue;
    // E[#(i → j) at t] = exp(alpha_{t−1}(i) + trans(i, j) + E_t(j) + beta_t(j) − log Z)
    //                  = exp(trans)(i, j) · u(i) · v(j) with u = exp(alpha_{t−1} − m1 + m1 + m2 − log Z), v = exp(q − m2)
    auto prev = alpha.middleCols((t - 1) * B, B);
    v = E.middleCols(t * B, B).cast<double>() + beta.middleCols(t * B, B);
    m1 = prev.colwise().maxCoeff();
    m2 = v.colwise().maxCoeff();
    u = (prev.rowwise() - m1).array().exp();
    v = (v.rowwise() - m2).array().exp();
    for (Index b = 0; b < B; ++b) {
      double scale = t < batch.length(b) ? std::exp(m1(b) + m2(b) - lz[static_cast<std::size_t>(b)]) : 0.0;
      u.col(b) *= scale;
    }
    d_trans.array() += s.exp_trans.array() * (u * v.transpose()).array();
  }
  trans_.grad += d_trans.cast<Real>();
  start_.grad.col(0) += d_start.cast<Real>();
  end_.grad.col(0) += d_end.cast<Real>();
  return loss;
}

std::vector<std::vector<int>> Crf::viterbi(const Matrix& E, const SequenceBatch& batch) const {
  const Index L = num_tags(), B = batch.B, T = batch.T;
  Scores s = scores();
  std::vector<std::vector<int>> paths(static_cast<std::size_t>(B));
  Eigen::VectorXd delta(L), next(L);
  std::vector<int> backpointer(static_cast<std::size_t>(L * T));  // backpointer[t*L + j]
  for (Index b = 0; b < B; ++b) {
    const Index n = batch.length(b);
    // delta_0 = start + E_0
    delta = s.start + E.col(b).cast<double>();
    for (Index t = 1; t < n; ++t) {
      // delta_t(j) = max_i (delta_{t−1}(i) + trans(i, j)) + E_t(j), remembering the best i
      for (Index j = 0; j < L; ++j) {
        Index best;
        next(j) = (delta + s.trans.col(j)).maxCoeff(&best) + static_cast<double>(E(j, t * B + b));
        backpointer[static_cast<std::size_t>(t * L + j)] = static_cast<int>(best);
      }
      delta.swap(next);
    }
    Index last;
    (delta + s.end).maxCoeff(&last);
    std::vector<int>& path = paths[static_cast<std::size_t>(b)];
    path.assign(static_cast<std::size_t>(n), 0);
    path[static_cast<std::size_t>(n - 1)] = static_cast<int>(last);
    for (Index t = n - 1; t > 0; --t)
      path[static_cast<std::size_t>(t - 1)] = backpointer[static_cast<std::size_t>(t * L + path[static_cast<std::size_t>(t)])];
  }
  return paths;
}

}  // namespace nn
