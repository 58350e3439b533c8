// The shape of a padded batch: B sentences of the given lengths, padded to T steps, time-major (column t*B + b).
#pragma once

#include <algorithm>
#include <cassert>
#include <vector>

#include "nn/tensor.h"

namespace nn {

struct SequenceBatch {
  explicit SequenceBatch(std::vector<int> lengths_in) : lengths(std::move(lengths_in)) {
    assert(!lengths.empty());
    B = static_cast<Index>(lengths.size());
    T = *std::max_element(lengths.begin(), lengths.end());
    mask.resize(T * B);
    // mask(t*B + b) = 1 if t < length_b else 0
    for (Index t = 0; t < T; ++t)
      for (Index b = 0; b < B; ++b) mask(t * B + b) = t < lengths[static_cast<std::size_t>(b)] ? Real(1) : Real(0);
  }

  Index columns() const { return T * B; }
  int length(Index b) const { return lengths[static_cast<std::size_t>(b)]; }

  std::vector<int> lengths;
  Index T = 0, B = 0;
  RowArray mask;  // (1, T*B)
};

}  // namespace nn
