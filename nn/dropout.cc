#include "nn/dropout.h"

#include <cassert>
#include <cmath>
#include <cstdint>

#include "nn/side_by_side.h"

namespace nn {
namespace {

// Entries j and j + half of the mask for j in [begin, end), from the j-th value of the stream (see Dropout::forward).
// The scalars are parameters, not a lambda's captured references, which the float stores could alias: so the loop
// vectorises.
void draw_mask(Real* mask, Index begin, Index end, Index half, std::uint64_t seed, std::uint64_t threshold, Real keep_scale) {
  for (Index j = begin; j < end; ++j) {
    const std::uint64_t draw = splitmix64(seed, static_cast<std::uint64_t>(j) + 1);
    mask[j] = (draw & 0xffffffffu) < threshold ? Real(0) : keep_scale;
    mask[j + half] = (draw >> 32) < threshold ? Real(0) : keep_scale;
  }
}

}  // namespace

void Dropout::forward(const Matrix& X, Matrix& Y, bool training, Rng& rng, bool parallel) {
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
  const Index n = mask_.size(), half = (n + 1) / 2;
  run_in_halves(parallel, n / 2, [&](Index begin, Index end) {
    draw_mask(mask_.data(), begin, end, half, seed, threshold, keep_scale);
  });
  if (n % 2 == 1) mask_(n / 2) = (splitmix64(seed, static_cast<std::uint64_t>(half)) & 0xffffffffu) < threshold ? Real(0) : keep_scale;
  multiply_by_mask(X, Y, parallel);
}

void Dropout::backward(const Matrix& dY, Matrix& dX, bool parallel) const {
  if (!active_) {
    dX = dY;
    return;
  }
  multiply_by_mask(dY, dX, parallel);
}

void Dropout::multiply_by_mask(const Matrix& X, Matrix& Y, bool parallel) const {
  assert(X.rows() == mask_.rows() && X.cols() == mask_.cols());
  Y.resize(X.rows(), X.cols());
  // Y = X ∘ M
  run_in_halves(parallel, X.size(), [&](Index begin, Index end) {
    Y.reshaped().segment(begin, end - begin) =
        X.reshaped().segment(begin, end - begin).cwiseProduct(mask_.reshaped().segment(begin, end - begin));
  });
}

}  // namespace nn
