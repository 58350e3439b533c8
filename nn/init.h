// Initialisers, all drawing from a seeded Rng.
#pragma once

#include "nn/random.h"
#include "nn/tensor.h"

namespace nn {

// Every entry uniform in [-scale, scale].
void init_uniform(Matrix& m, Real scale, Rng& rng);

// Glorot/Xavier uniform: scale sqrt(6 / (fan_in + fan_out)) with fan_in = cols, fan_out = rows.
void init_xavier(Matrix& m, Rng& rng);

// Each (H, H) block of a fused (k*H, H) recurrent matrix orthogonal (QR of a Gaussian matrix).
void init_orthogonal_blocks(Matrix& m, Rng& rng);

}  // namespace nn
