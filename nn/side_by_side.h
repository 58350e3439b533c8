// Two pieces of work at once: `here` on the calling thread and `there` on one helper thread that is started on
// first use and kept for the life of the process (starting a thread per call cost about 2% of training time).
// Used by training with two threads: the directions of a layer, the halves of the optimizer's parameters.
// Calls must not nest, and only one thread may call at a time.
#pragma once

#include <functional>

namespace nn {

// Returns when both are done; an exception thrown by either is rethrown (the helper's first).
void run_side_by_side(const std::function<void()>& here, const std::function<void()>& there);

}  // namespace nn
