// Embedding lookup: column id of the table for every position.
#pragma once

#include <string>
#include <vector>

#include "nn/param.h"
#include "nn/random.h"

namespace nn {

class Embedding {
 public:
  Embedding(const std::string& name, Index vocab_size, Index dim);

  void init(Rng& rng);  // uniform in ±sqrt(3 / E), so each entry has variance 1/E

  // X(:, j) = table(:, ids[j])                                   X: (E, N), sized by the caller (it may be a block)
  void forward(const std::vector<int>& ids, Eigen::Ref<Matrix> X) const;
  // dtable(:, ids[j]) += dX(:, j); touches only the columns used.  dX: (E, N)
  void backward(const std::vector<int>& ids, const Eigen::Ref<const Matrix>& dX);

  ParamList params() { return {&table_}; }
  Param& table() { return table_; }
  // Reads `source`'s table from now on (see Param::shared); construct this layer with vocab_size 0 for it.
  void share_table(const Embedding& source) { table_.shared = &source.table_; }
  Index dim() const { return table_.values().rows(); }
  Index vocab_size() const { return table_.values().cols(); }

 private:
  Param table_;  // (E, V)
};

}  // namespace nn
