// Two pieces of work at once: `here` on the calling thread and `there` on one helper thread that is started on
// first use and kept for the life of the process (starting a thread per call cost about 2% of training time).
// Used by training with two threads: the directions of a layer, the halves of the optimizer's parameters, the
// column halves of dropout and the output layer. Calls must not nest, and only one thread may call at a time.
// The helper's work counts in the caller's profile part (nn/profile.h), unless it opens its own.
#pragma once

#include <functional>

#include "nn/tensor.h"

namespace nn {

// Returns when both are done; an exception thrown by either is rethrown (the helper's first).
void run_side_by_side(const std::function<void()>& here, const std::function<void()>& there);

// visit(begin, end) over [0, n): with `parallel`, [0, n/2) here and [n/2, n) on the helper; else one call visit(0, n).
void run_in_halves(bool parallel, Index n, const std::function<void(Index, Index)>& visit);

}  // namespace nn
