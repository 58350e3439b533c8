// Data-parallel training's one exchange per step: the gradients of a parameter list summed over the group's ranks,
// in one flat buffer. Dense parameters travel whole; a sparse one (an embedding table) travels only in the columns
// some rank touched, so that every rank first learns the union of those columns (a gather of column lists of a few
// kilobytes) instead of sending a table of millions of zeros. Afterwards every rank holds the same gradients and the
// same touched columns, in ascending order, so their optimizers take the same step.
#pragma once

#include <string>
#include <vector>

#include "ner/training/distributed.h"
#include "nn/param.h"

namespace ner {

class GradientSum {
 public:
  explicit GradientSum(Group& group) : group_(group) {}

  // Sums the gradients of `params` over the ranks, and `scalars` (e.g. the loss) with them. `what` names the step in
  // messages.
  void operator()(const nn::ParamList& params, std::vector<double>& scalars, const std::string& what);

  // The bytes the last call sent: the column lists and the gradient buffer.
  std::size_t last_bytes() const { return last_bytes_; }
  // What the last call's buffer would have held with every sparse table sent whole.
  std::size_t last_dense_bytes() const { return last_dense_bytes_; }

 private:
  Group& group_;
  std::vector<nn::Real> buffer_;
  std::vector<std::int64_t> columns_;
  std::size_t last_bytes_ = 0, last_dense_bytes_ = 0;
};

// Sets every rank's parameter values to rank 0's (one broadcast): the start of a data-parallel run.
void broadcast_values(Group& group, const nn::ParamList& params);

}  // namespace ner
