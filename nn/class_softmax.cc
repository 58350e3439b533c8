#include "nn/class_softmax.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "nn/init.h"
#include "nn/profile.h"

namespace nn {
namespace {

// The column's logits z become softmax(z); returns log Σ_k exp(z_k) (through the largest logit, so nothing
// overflows).
template <typename Column>
double softmax_in_place(Column&& z) {
  const Real top = z.maxCoeff();
  z.array() = (z.array() - top).exp();
  const double sum = static_cast<double>(z.sum());
  z /= static_cast<Real>(sum);
  return static_cast<double>(top) + std::log(sum);
}

// log softmax of the segment z in place: z_k − log Σ_i exp(z_i).
template <typename Segment>
void log_softmax_in_place(Segment&& z) {
  const Real top = z.maxCoeff();
  z.array() -= top + static_cast<Real>(std::log(static_cast<double>((z.array() - top).exp().sum())));
}

}  // namespace

ClassSoftmax::ClassSoftmax(const std::string& name, Index in, Index V, std::vector<Index> class_begins)
    : class_begins_(std::move(class_begins)),
      weight_(name + ".weight", V, in),
      bias_(name + ".bias", V, 1),
      class_weight_(name + ".class_weight", static_cast<Index>(class_begins_.size()), in),
      class_bias_(name + ".class_bias", static_cast<Index>(class_begins_.size()), 1) {
  assert(!class_begins_.empty() && class_begins_.front() == 0 && std::is_sorted(class_begins_.begin(), class_begins_.end()));
  class_of_.resize(static_cast<std::size_t>(V));
  for (Index c = 0; c < classes(); ++c)
    for (Index id = class_begins_[static_cast<std::size_t>(c)]; id < class_begins_[static_cast<std::size_t>(c)] + class_size(c); ++id)
      class_of_[static_cast<std::size_t>(id)] = c;
}

ParamList ClassSoftmax::params() {
  if (full()) return {&weight_, &bias_};
  return {&weight_, &bias_, &class_weight_, &class_bias_};
}

void ClassSoftmax::init(Rng& rng) {
  init_xavier(weight_.value, rng);
  bias_.value.setZero();
  if (full()) return;
  init_xavier(class_weight_.value, rng);
  class_bias_.value.setZero();
}

Index ClassSoftmax::class_of(int id) const { return class_of_[static_cast<std::size_t>(id)]; }

Index ClassSoftmax::class_size(Index c) const {
  const std::size_t k = static_cast<std::size_t>(c);
  return (k + 1 < class_begins_.size() ? class_begins_[k + 1] : size()) - class_begins_[k];
}

double ClassSoftmax::forward(const Matrix& X, const std::vector<int>& targets) {
  profile::Scope scope(profile::Part::kOutput);
  const Index N = X.cols();
  assert(X.rows() == in() && static_cast<Index>(targets.size()) == N);
  double loss = 0;
  if (full()) {
    // Z = W X + b; loss_j = log Σ_k exp(Z_kj) − Z_yj
    word_p_.resize(size(), N);
    word_p_.colwise() = bias_.value.col(0);
    word_p_.noalias() += weight_.value * X;
    for (Index j = 0; j < N; ++j) {
      const Real target_logit = word_p_(targets[static_cast<std::size_t>(j)], j);
      loss += softmax_in_place(word_p_.col(j)) - static_cast<double>(target_logit);
    }
    return loss;
  }
  // Zc = Wc X + bc, one product for every column; P(c | h_j) = softmax(Zc_j)
  class_p_.resize(classes(), N);
  class_p_.colwise() = class_bias_.value.col(0);
  class_p_.noalias() += class_weight_.value * X;
  Index largest = 0;
  for (Index c = 0; c < classes(); ++c) largest = std::max(largest, class_size(c));
  word_p_.resize(largest, N);
  for (Index j = 0; j < N; ++j) {
    const int y = targets[static_cast<std::size_t>(j)];
    const Index c = class_of(y), begin = class_begins_[static_cast<std::size_t>(c)], n = class_size(c);
    const Real class_logit = class_p_(c, j);
    loss += softmax_in_place(class_p_.col(j)) - static_cast<double>(class_logit);
    // z = W_c h_j + b_c over class c's rows; loss_j += log Σ_{k∈c} exp(z_k) − z_y
    auto z = word_p_.col(j).head(n);
    z.noalias() = weight_.value.middleRows(begin, n) * X.col(j);
    z += bias_.value.col(0).segment(begin, n);
    const Real target_logit = z(y - begin);
    loss += softmax_in_place(z) - static_cast<double>(target_logit);
  }
  return loss;
}

void ClassSoftmax::backward(const Matrix& X, const std::vector<int>& targets, Matrix& dX, Real scale) {
  profile::Scope scope(profile::Part::kOutput);
  const Index N = X.cols();
  assert(dX.rows() == in() && dX.cols() == N);
  if (full()) {
    // dZ = scale · (P − onehot(y)); dW += dZ Xᵀ; db += Σ_j dZ_j; dX += Wᵀ dZ
    dlogits_ = word_p_;
    for (Index j = 0; j < N; ++j) dlogits_(targets[static_cast<std::size_t>(j)], j) -= 1;
    dlogits_ *= scale;
    weight_.grad.noalias() += dlogits_ * X.transpose();
    bias_.grad.col(0) += dlogits_.rowwise().sum();
    dX.noalias() += weight_.value.transpose() * dlogits_;
    return;
  }
  // dZc = scale · (P(c | h) − onehot(c(y))); dWc += dZc Xᵀ; dbc += Σ_j dZc_j; dX += Wcᵀ dZc
  dlogits_ = class_p_;
  for (Index j = 0; j < N; ++j) dlogits_(class_of(targets[static_cast<std::size_t>(j)]), j) -= 1;
  dlogits_ *= scale;
  class_weight_.grad.noalias() += dlogits_ * X.transpose();
  class_bias_.grad.col(0) += dlogits_.rowwise().sum();
  dX.noalias() += class_weight_.value.transpose() * dlogits_;
  dword_.resize(word_p_.rows());
  for (Index j = 0; j < N; ++j) {
    const int y = targets[static_cast<std::size_t>(j)];
    const Index c = class_of(y), begin = class_begins_[static_cast<std::size_t>(c)], n = class_size(c);
    // dz = scale · (P(· | c, h_j) − onehot(y)); dW_c += dz h_jᵀ; db_c += dz; dh_j += W_cᵀ dz
    auto dz = dword_.head(n);
    dz = word_p_.col(j).head(n);
    dz(y - begin) -= 1;
    dz *= scale;
    weight_.grad.middleRows(begin, n).noalias() += dz * X.col(j).transpose();
    bias_.grad.col(0).segment(begin, n) += dz;
    dX.col(j).noalias() += weight_.value.middleRows(begin, n).transpose() * dz;
  }
}

void ClassSoftmax::log_probabilities(const Eigen::Ref<const Vector>& x, Vector& log_p) {
  // z = W x + b; log P(y) = log softmax over y's class (all of V for the full softmax) + log P(c(y))
  log_p.noalias() = weight_.value * x;
  log_p += bias_.value.col(0);
  if (full()) {
    log_softmax_in_place(log_p);
    return;
  }
  auto& class_log_p = class_log_p_;
  class_log_p.noalias() = class_weight_.value * x;
  class_log_p += class_bias_.value.col(0);
  log_softmax_in_place(class_log_p);
  for (Index c = 0; c < classes(); ++c) {
    auto segment = log_p.segment(class_begins_[static_cast<std::size_t>(c)], class_size(c));
    log_softmax_in_place(segment);
    segment.array() += class_log_p(c);
  }
}

}  // namespace nn
