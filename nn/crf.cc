#include "nn/crf.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "nn/init.h"

namespace nn {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

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
  s.start = start_allowed_.select(start_.value.col(0).cast<double>(), kNegInf);
  s.end = end_allowed_.select(end_.value.col(0).cast<double>(), kNegInf);
  // Exactly 0 where forbidden: Eigen's vectorised exp clamps −∞ to a subnormal, and subnormals slow the products
  // that use exp_trans by an order of magnitude.
  s.exp_trans = allowed_.select(s.trans.array().exp(), 0.0);
  s.exp_start = start_allowed_.select(s.start.array().exp(), 0.0);
  s.exp_end = end_allowed_.select(s.end.array().exp(), 0.0);
  return s;
}

Crf::Lattice Crf::forward(const Matrix& E, const SequenceBatch& batch, const Scores& s) const {
  const Index L = num_tags(), B = batch.B, T = batch.T;
  assert(E.rows() == L && E.cols() == T * B);
  Lattice lattice;
  // shift_t = max_j E_t(j), e_t = exp(E_t − shift_t)
  const Eigen::RowVectorXd shift = E.colwise().maxCoeff().cast<double>();
  lattice.potential = (E.cast<double>().rowwise() - shift).array().exp();
  lattice.alpha.resize(L, T * B);
  lattice.scale.setOnes(T * B);
  lattice.log_z.assign(static_cast<std::size_t>(B), 0.0);
  // α~_0 = exp(start) ∘ e_0, α~_t = (exp(trans)ᵀ α_{t−1}) ∘ e_t;  c_t = Σ_j α~_t(j), α_t = α~_t / c_t
  lattice.alpha.leftCols(B) = lattice.potential.leftCols(B).array().colwise() * s.exp_start.array();
  for (Index t = 0; t < T; ++t) {
    auto cur = lattice.alpha.middleCols(t * B, B);
    if (t > 0) {
      cur.noalias() = s.exp_trans.transpose() * lattice.alpha.middleCols((t - 1) * B, B);
      cur.array() *= lattice.potential.middleCols(t * B, B).array();
    }
    for (Index b = 0; b < B; ++b) {
      const Index col = t * B + b;
      if (t >= batch.length(b)) {
        cur.col(b) = lattice.alpha.col(col - B);  // padding carries alpha (c_t = 1)
        continue;
      }
      const double c = cur.col(b).sum();
      lattice.scale(col) = c;
      cur.col(b) /= c;
      lattice.log_z[static_cast<std::size_t>(b)] += std::log(c) + shift(col);
    }
  }
  // log Z = Σ_t (log c_t + shift_t) + log Σ_j α_{n−1}(j) exp(end(j))
  for (Index b = 0; b < B; ++b)
    lattice.log_z[static_cast<std::size_t>(b)] += std::log(lattice.alpha.col((T - 1) * B + b).dot(s.exp_end));
  return lattice;
}

void Crf::backward(const SequenceBatch& batch, const Scores& s, Lattice& lattice) const {
  const Index L = num_tags(), B = batch.B, T = batch.T;
  lattice.beta.resize(L, T * B);
  // β_{n−1} = exp(end) / Σ_j α_{n−1}(j) exp(end(j)), also at padding (t ≥ n−1)
  for (Index b = 0; b < B; ++b) {
    const Index last = (T - 1) * B + b;
    lattice.beta.col(last) = s.exp_end / lattice.alpha.col(last).dot(s.exp_end);
  }
  Eigen::MatrixXd weighted(L, B);
  for (Index t = T - 2; t >= 0; --t) {
    auto cur = lattice.beta.middleCols(t * B, B);
    // β_t = exp(trans) (e_{t+1} ∘ β_{t+1}) / c_{t+1}
    weighted = lattice.potential.middleCols((t + 1) * B, B).cwiseProduct(lattice.beta.middleCols((t + 1) * B, B));
    cur.noalias() = s.exp_trans * weighted;
    for (Index b = 0; b < B; ++b) {
      if (t + 1 >= batch.length(b)) cur.col(b) = lattice.beta.col((t + 1) * B + b);  // the last step, or padding
      else cur.col(b) /= lattice.scale((t + 1) * B + b);
    }
  }
}

std::vector<double> Crf::log_partition(const Matrix& E, const SequenceBatch& batch) const {
  return forward(E, batch, scores()).log_z;
}

Eigen::MatrixXd Crf::marginals(const Matrix& E, const SequenceBatch& batch) const {
  Scores s = scores();
  Lattice lattice = forward(E, batch, s);
  backward(batch, s, lattice);
  return posteriors(batch, lattice);
}

Eigen::MatrixXd Crf::posteriors(const SequenceBatch& batch, const Lattice& lattice) {
  // P(y_t = j) = α_t(j) β_t(j)
  Eigen::MatrixXd p = lattice.alpha.cwiseProduct(lattice.beta);
  for (Index t = 0; t < batch.T; ++t)
    for (Index b = 0; b < batch.B; ++b)
      if (t >= batch.length(b)) p.col(t * batch.B + b).setZero();
  return p;
}

double Crf::path_score(const Matrix& E, const SequenceBatch& batch, Index b, const std::vector<int>& tags) const {
  return score_of(E, batch, b, tags, scores());
}

double Crf::score_of(const Matrix& E, const SequenceBatch& batch, Index b, const std::vector<int>& tags, const Scores& s) {
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
  Lattice lattice = forward(E, batch, s);

  // NLL = Σ_b log Z_b − score_b(gold)
  double loss = 0;
  std::vector<int> path;
  for (Index b = 0; b < B; ++b) {
    path.clear();
    for (Index t = 0; t < batch.length(b); ++t) path.push_back(gold[static_cast<std::size_t>(t * B + b)]);
    loss += lattice.log_z[static_cast<std::size_t>(b)] - score_of(E, batch, b, path, s);
  }
  if (dE == nullptr || !std::isfinite(loss)) return loss;
  assert(dE->rows() == L && dE->cols() == T * B);

  backward(batch, s, lattice);
  Eigen::MatrixXd d_trans = Eigen::MatrixXd::Zero(L, L);
  Eigen::VectorXd d_start = Eigen::VectorXd::Zero(L), d_end = Eigen::VectorXd::Zero(L);
  // ∂/∂E_t = P(y_t) − onehot(gold_t); the first and last steps also give ∂/∂start, ∂/∂end.
  Eigen::MatrixXd p = posteriors(batch, lattice);
  for (Index t = 0; t < T; ++t)
    for (Index b = 0; b < B; ++b) {
      const Index col = t * B + b;
      if (t >= batch.length(b)) continue;
      const int y = gold[static_cast<std::size_t>(col)];
      p(y, col) -= 1;
      if (t == 0) d_start += p.col(col);
      if (t + 1 == batch.length(b)) d_end += p.col(col);
      if (t > 0) d_trans(gold[static_cast<std::size_t>(col - B)], y) -= 1;
    }
  *dE += p.cast<Real>();
  // E[#(i → j)] = Σ_{1≤t<n} α_{t−1}(i) exp(trans)(i, j) e_t(j) β_t(j) / c_t = exp(trans) ∘ (A Wᵀ), where A holds the
  // columns α_{t−1} and W the columns w_t = e_t ∘ β_t / c_t (zero at padding): one product over all steps.
  if (T > 1) {
    const Index later = (T - 1) * B;
    Eigen::MatrixXd w = lattice.potential.rightCols(later).cwiseProduct(lattice.beta.rightCols(later));
    for (Index col = 0; col < later; ++col) {
      const Index t = col / B + 1, b = col % B;
      if (t < batch.length(b)) w.col(col) /= lattice.scale(B + col);
      else w.col(col).setZero();
    }
    d_trans.array() += s.exp_trans.array() * (lattice.alpha.leftCols(later) * w.transpose()).array();
  }
  trans_.grad += d_trans.cast<Real>();
  start_.grad.col(0) += d_start.cast<Real>();
  end_.grad.col(0) += d_end.cast<Real>();
  return loss;
}

std::vector<std::vector<int>> Crf::viterbi(const Matrix& E, const SequenceBatch& batch) const {
  const Index L = num_tags(), B = batch.B;
  Scores s = scores();
  const Eigen::MatrixXd from = s.trans.transpose();  // column i: trans(i, ·), the scores of leaving tag i
  std::vector<std::vector<int>> paths(static_cast<std::size_t>(B));
  Eigen::ArrayXd delta(L), best(L), candidate(L);
  Eigen::ArrayXi arg(L);
  Eigen::ArrayXXi backpointer(L, batch.T);  // backpointer(j, t): the best tag at t−1 given tag j at t
  for (Index b = 0; b < B; ++b) {
    const Index n = batch.length(b);
    // delta_0 = start + E_0
    delta = s.start.array() + E.col(b).cast<double>().array();
    for (Index t = 1; t < n; ++t) {
      // delta_t(j) = max_i (delta_{t−1}(i) + trans(i, j)) + E_t(j), remembering the best i (the lowest on ties);
      // vectorised over j.
      best = delta(0) + from.col(0).array();
      arg.setZero();
      for (Index i = 1; i < L; ++i) {
        candidate = delta(i) + from.col(i).array();
        arg = (candidate > best).select(static_cast<int>(i), arg);
        best = best.max(candidate);
      }
      backpointer.col(t) = arg;
      delta = best + E.col(t * B + b).cast<double>().array();
    }
    Index last;
    (delta + s.end.array()).maxCoeff(&last);
    std::vector<int>& path = paths[static_cast<std::size_t>(b)];
    path.assign(static_cast<std::size_t>(n), 0);
    path[static_cast<std::size_t>(n - 1)] = static_cast<int>(last);
    for (Index t = n - 1; t > 0; --t) path[static_cast<std::size_t>(t - 1)] = backpointer(path[static_cast<std::size_t>(t)], t);
  }
  return paths;
}

Crf::Posterior Crf::posterior(const Matrix& E, const SequenceBatch& batch) const {
  Posterior posterior;
  posterior.B_ = batch.B;
  posterior.scores_ = scores();
  posterior.lattice_ = forward(E, batch, posterior.scores_);
  backward(batch, posterior.scores_, posterior.lattice_);
  return posterior;
}

double Crf::Posterior::probability(Index b, Index begin, const std::vector<int>& tags) const {
  assert(!tags.empty());
  // P(y_s … y_{s+k−1}) = α_s(y_s) · Π_{t=s+1}^{s+k−1} exp(trans)(y_{t−1}, y_t) e_t(y_t) / c_t · β_{s+k−1}(y_{s+k−1})
  double p = lattice_.alpha(tags[0], begin * B_ + b);
  for (std::size_t j = 1; j < tags.size(); ++j) {
    const Index col = (begin + static_cast<Index>(j)) * B_ + b;
    p *= scores_.exp_trans(tags[j - 1], tags[j]) * lattice_.potential(tags[j], col) / lattice_.scale(col);
  }
  return p * lattice_.beta(tags.back(), (begin + static_cast<Index>(tags.size()) - 1) * B_ + b);
}

std::vector<std::vector<Crf::ScoredPath>> Crf::nbest(const Matrix& E, const SequenceBatch& batch, int k) const {
  assert(k >= 1);
  const Index L = num_tags(), B = batch.B;
  const std::size_t K = static_cast<std::size_t>(k);
  Scores s = scores();
  // kept[t][j]: the best (at most k) partial paths ending in tag j at step t, best first, each with its score and
  // where it came from (tag and rank at t − 1).
  struct Entry {
    double score;
    int from_tag, from_rank;
  };
  auto better = [](const Entry& a, const Entry& b) {
    return a.score != b.score ? a.score > b.score : a.from_tag != b.from_tag ? a.from_tag < b.from_tag : a.from_rank < b.from_rank;
  };
  std::vector<std::vector<ScoredPath>> result(static_cast<std::size_t>(B));
  std::vector<std::vector<std::vector<Entry>>> kept;
  std::vector<Entry> candidates;
  for (Index b = 0; b < B; ++b) {
    const Index n = batch.length(b);
    kept.assign(static_cast<std::size_t>(n), std::vector<std::vector<Entry>>(static_cast<std::size_t>(L)));
    // score_0(j) = start(j) + E_0(j)
    for (Index j = 0; j < L; ++j)
      if (s.start(j) > kNegInf) kept[0][static_cast<std::size_t>(j)].push_back({s.start(j) + static_cast<double>(E(j, b)), -1, -1});
    for (Index t = 1; t < n; ++t)
      for (Index j = 0; j < L; ++j) {
        // the k best of score_{t−1}(i, r) + trans(i, j) + E_t(j) over every tag i and rank r
        candidates.clear();
        for (Index i = 0; i < L; ++i) {
          if (s.trans(i, j) == kNegInf) continue;
          const auto& previous = kept[static_cast<std::size_t>(t - 1)][static_cast<std::size_t>(i)];
          for (std::size_t r = 0; r < previous.size(); ++r)
            candidates.push_back({previous[r].score + s.trans(i, j) + static_cast<double>(E(j, t * B + b)), static_cast<int>(i),
                                  static_cast<int>(r)});
        }
        const std::size_t keep = std::min(K, candidates.size());
        std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep), candidates.end(), better);
        candidates.resize(keep);
        kept[static_cast<std::size_t>(t)][static_cast<std::size_t>(j)] = candidates;
      }
    // the k best of score_{n−1}(j, r) + end(j)
    candidates.clear();
    for (Index j = 0; j < L; ++j) {
      if (s.end(j) == kNegInf) continue;
      const auto& last = kept[static_cast<std::size_t>(n - 1)][static_cast<std::size_t>(j)];
      for (std::size_t r = 0; r < last.size(); ++r) candidates.push_back({last[r].score + s.end(j), static_cast<int>(j), static_cast<int>(r)});
    }
    const std::size_t keep = std::min(K, candidates.size());
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep), candidates.end(), better);
    for (std::size_t c = 0; c < keep; ++c) {
      if (candidates[c].score == kNegInf) break;
      ScoredPath path{std::vector<int>(static_cast<std::size_t>(n)), candidates[c].score};
      int tag = candidates[c].from_tag, rank = candidates[c].from_rank;
      for (Index t = n - 1; t >= 0; --t) {
        path.tags[static_cast<std::size_t>(t)] = tag;
        const Entry& entry = kept[static_cast<std::size_t>(t)][static_cast<std::size_t>(tag)][static_cast<std::size_t>(rank)];
        tag = entry.from_tag;
        rank = entry.from_rank;
      }
      result[static_cast<std::size_t>(b)].push_back(std::move(path));
    }
  }
  return result;
}

}  // namespace nn
