#include "data/batching.h"

#include <algorithm>
#include <cassert>

namespace data {

std::vector<std::vector<std::size_t>> length_buckets(std::vector<std::size_t> order, const std::vector<std::size_t>& lengths,
                                                     std::size_t batch_size) {
  assert(batch_size > 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return lengths[a] < lengths[b]; });
  std::vector<std::vector<std::size_t>> batches;
  for (std::size_t start = 0; start < order.size(); start += batch_size)
    batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(start),
                         order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), start + batch_size)));
  return batches;
}

}  // namespace data
