#include "nn/embedding.h"

#include <cassert>
#include <cmath>

#include "nn/init.h"

namespace nn {

Embedding::Embedding(const std::string& name, Index vocab_size, Index dim) : table_(name, dim, vocab_size) {
  table_.make_sparse();
}

void Embedding::init(Rng& rng) {
  init_uniform(table_.value, static_cast<Real>(std::sqrt(3.0 / static_cast<double>(dim()))), rng);
}

void Embedding::forward(const std::vector<int>& ids, Eigen::Ref<Matrix> X) const {
  assert(X.rows() == dim() && X.cols() == static_cast<Index>(ids.size()));
  for (std::size_t j = 0; j < ids.size(); ++j) {
    assert(ids[j] >= 0 && ids[j] < vocab_size());
    X.col(static_cast<Index>(j)) = table_.values().col(ids[j]);
  }
}

void Embedding::backward(const std::vector<int>& ids, const Eigen::Ref<const Matrix>& dX) {
  assert(!table_.shared);
  assert(dX.cols() == static_cast<Index>(ids.size()));
  for (std::size_t j = 0; j < ids.size(); ++j) {
    table_.touch(ids[j]);
    table_.grad.col(ids[j]) += dX.col(static_cast<Index>(j));
  }
}

}  // namespace nn
