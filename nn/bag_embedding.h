// Weighted bags of embeddings in groups: for every position and group g, the weighted sum of the table columns of
// the bag's ids, stacked over the groups. Used for lexicon features (groups: the words a character begins, is
// inside, ends, or is by itself).
#pragma once

#include <string>
#include <vector>

#include "nn/param.h"
#include "nn/random.h"

namespace nn {

// Bags for N positions × G groups in CSR form: bag k = (position n, group g) with k = n*G + g holds
// ids[offsets[k] .. offsets[k+1]) and the same range of weights.
struct Bags {
  Index groups = 0;
  std::vector<int> offsets = {0};  // (N*G + 1)
  std::vector<int> ids;
  std::vector<Real> weights;

  Index positions() const { return groups ? static_cast<Index>(offsets.size() - 1) / groups : 0; }
  void add_bag(const std::vector<std::pair<int, Real>>& members);  // appends the next bag
  void add_bag(const Bags& from, std::size_t bag);                 // appends a copy of `from`'s bag
  void add_empty_bag();
};

class BagEmbedding {
 public:
  BagEmbedding(const std::string& name, Index vocab_size, Index dim);

  void init(Rng& rng);  // uniform in ±sqrt(3 / D)

  // X(g*D .. g*D+D−1, n) = Σ_{k in bag (n, g)} w_k table(:, id_k)        X: (G*D, N), sized by the caller
  void forward(const Bags& bags, Eigen::Ref<Matrix> X) const;
  // dtable(:, id_k) += w_k dX(g*D .., n), only the columns used.          dX: (G*D, N)
  void backward(const Bags& bags, const Eigen::Ref<const Matrix>& dX);

  ParamList params() { return {&table_}; }
  Param& table() { return table_; }
  // Reads `source`'s table from now on (see Param::shared); construct this layer with vocab_size 0 for it.
  void share_table(const BagEmbedding& source) { table_.shared = &source.table_; }
  Index dim() const { return table_.values().rows(); }

 private:
  Param table_;  // (D, W)
};

}  // namespace nn
