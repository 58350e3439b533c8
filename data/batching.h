// Length-bucketed minibatches: sentences of similar length share a batch, so padding stays small.
#pragma once

#include <cstddef>
#include <vector>

namespace data {

// Splits `order` (sentence indices, e.g. already shuffled) into batches of at most `batch_size` sentences: a stable
// sort by length, then consecutive runs. The caller shuffles the batches for training.
std::vector<std::vector<std::size_t>> length_buckets(std::vector<std::size_t> order, const std::vector<std::size_t>& lengths,
                                                     std::size_t batch_size);

}  // namespace data
