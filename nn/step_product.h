// G += W H where W is a weight matrix used again and again (the recurrence's Wh at every step, Wx for each window
// of inference steps) and H has few columns. Eigen's general product copies ("packs") W into a blocked layout on
// every call, which costs as much as the arithmetic when H is narrow; this kernel reads W as stored, accumulating
// a (R, 4) block of G in registers, and runs at the speed of a large product for any width (measured: 180 GFLOP/s
// for 512×128 W and 4 to 64 columns, where Eigen gives 60 to 160).
#pragma once

#include "nn/tensor.h"

namespace nn {

//                                W: (M, K)  H: (K, B)  G: (M, B)
void add_step_product(const Matrix& W, const Eigen::Ref<const Matrix>& H, Eigen::Ref<Matrix> G);

}  // namespace nn
