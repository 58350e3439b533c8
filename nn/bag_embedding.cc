#include "nn/bag_embedding.h"

#include <cassert>
#include <cmath>

#include "nn/init.h"

namespace nn {

void Bags::add_bag(const std::vector<std::pair<int, Real>>& members) {
  for (const auto& [id, weight] : members) {
    ids.push_back(id);
    weights.push_back(weight);
  }
  offsets.push_back(static_cast<int>(ids.size()));
}

void Bags::add_bag(const Bags& from, std::size_t bag) {
  const auto begin = static_cast<std::ptrdiff_t>(from.offsets[bag]), end = static_cast<std::ptrdiff_t>(from.offsets[bag + 1]);
  ids.insert(ids.end(), from.ids.begin() + begin, from.ids.begin() + end);
  weights.insert(weights.end(), from.weights.begin() + begin, from.weights.begin() + end);
  offsets.push_back(static_cast<int>(ids.size()));
}

void Bags::add_empty_bag() { offsets.push_back(static_cast<int>(ids.size())); }

BagEmbedding::BagEmbedding(const std::string& name, Index vocab_size, Index dim) : table_(name, dim, vocab_size) {
  table_.make_sparse();
}

void BagEmbedding::init(Rng& rng) {
  init_uniform(table_.value, static_cast<Real>(std::sqrt(3.0 / static_cast<double>(dim()))), rng);
}

void BagEmbedding::forward(const Bags& bags, Eigen::Ref<Matrix> X) const {
  const Index D = dim(), G = bags.groups, N = bags.positions();
  assert(X.rows() == G * D && X.cols() == N);
  X.setZero();
  for (Index n = 0; n < N; ++n)
    for (Index g = 0; g < G; ++g) {
      const std::size_t bag = static_cast<std::size_t>(n * G + g);
      // X(gD.., n) = Σ_k w_k table(:, id_k)
      for (int k = bags.offsets[bag]; k < bags.offsets[bag + 1]; ++k)
        X.col(n).segment(g * D, D) += bags.weights[static_cast<std::size_t>(k)] * table_.values().col(bags.ids[static_cast<std::size_t>(k)]);
    }
}

void BagEmbedding::backward(const Bags& bags, const Eigen::Ref<const Matrix>& dX) {
  const Index D = dim(), G = bags.groups, N = bags.positions();
  assert(dX.rows() == G * D && dX.cols() == N);
  for (Index n = 0; n < N; ++n)
    for (Index g = 0; g < G; ++g) {
      const std::size_t bag = static_cast<std::size_t>(n * G + g);
      // dtable(:, id_k) += w_k dX(gD.., n)
      for (int k = bags.offsets[bag]; k < bags.offsets[bag + 1]; ++k) {
        const int id = bags.ids[static_cast<std::size_t>(k)];
        table_.touch(id);
        table_.grad.col(id) += bags.weights[static_cast<std::size_t>(k)] * dX.col(n).segment(g * D, D);
      }
    }
}

}  // namespace nn
