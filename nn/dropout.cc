#include "nn/dropout.h"

#include <cassert>
#include <cmath>
#include <cstdint>

namespace nn {

void Dropout::forward(const Matrix& X, Matrix& Y, bool training, Rng& rng) {
  active_ = training && p_ > 0;
  if (!active_) {
    Y = X;
    return;
  }
  const Real keep_scale = Real(1) / (Real(1) - p_);
  mask_.resize(X.rows(), X.cols());
  // M(k) = 0 when a 32-bit uniform draw u_k < p·2³², else 1/(1−p); each 64-bit draw gives two (branch-free: a
  // data-dependent branch per entry mispredicts half the time at p = 0.5).
  const double scaled = std::ldexp(static_cast<double>(p_), 32);
  const std::uint64_t threshold = scaled >= 0x1.0p32 ? (std::uint64_t{1} << 32) : static_cast<std::uint64_t>(scaled);
  Real* mask = mask_.data();
  const Index n = mask_.size();
  for (Index k = 0; k < n; k += 2) {
    const std::uint64_t draw = rng.next();
    mask[k] = (draw & 0xffffffffu) < threshold ? Real(0) : keep_scale;
    if (k + 1 < n) mask[k + 1] = (draw >> 32) < threshold ? Real(0) : keep_scale;
  }
  Y = X.cwiseProduct(mask_);
}

void Dropout::backward(const Matrix& dY, Matrix& dX) const {
  // dX = dY ∘ M
  if (!active_) {
    dX = dY;
    return;
  }
  assert(dY.rows() == mask_.rows() && dY.cols() == mask_.cols());
  dX = dY.cwiseProduct(mask_);
}

}  // namespace nn
