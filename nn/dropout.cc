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
  // M(k) = 0 when a 32-bit uniform draw u_k < p·2³², else 1/(1−p). The draws come from a SplitMix64 stream seeded
  // by one draw of rng; the j-th 64-bit value gives u_j (low half) and u_{j+half} (high half). Branch-free and
  // vectorised: a data-dependent branch per entry would mispredict half the time at p = 0.5.
  const double scaled = std::ldexp(static_cast<double>(p_), 32);
  const std::uint64_t threshold = scaled >= 0x1.0p32 ? (std::uint64_t{1} << 32) : static_cast<std::uint64_t>(scaled);
  const std::uint64_t seed = rng.next();
  Real* mask = mask_.data();
  const Index n = mask_.size(), half = (n + 1) / 2;
  for (Index j = 0; j < n / 2; ++j) {
    const std::uint64_t draw = splitmix64(seed, static_cast<std::uint64_t>(j) + 1);
    mask[j] = (draw & 0xffffffffu) < threshold ? Real(0) : keep_scale;
    mask[j + half] = (draw >> 32) < threshold ? Real(0) : keep_scale;
  }
  if (n % 2 == 1) mask[n / 2] = (splitmix64(seed, static_cast<std::uint64_t>(half)) & 0xffffffffu) < threshold ? Real(0) : keep_scale;
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
