// The seeded random source of the network (initialisation, dropout, shuffling). Portable: uniform and normal draws
// are computed here from the raw 64-bit engine, not by the standard library's distributions, and the state can be
// saved and restored exactly (checkpoints).
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "nn/tensor.h"

namespace nn {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 1) : engine_(seed) {}

  std::uint64_t next() { return engine_(); }
  double uniform();                     // [0, 1)
  double uniform(double low, double high);
  double normal();                      // standard normal (Box–Muller)
  std::uint64_t below(std::uint64_t n);  // uniform integer in [0, n)

  std::string state() const;            // the engine's full state as text
  void set_state(const std::string& state);  // throws std::invalid_argument on a malformed state

 private:
  std::mt19937_64 engine_;
};

// The k-th value (k ≥ 1) of the SplitMix64 stream (Steele, Lea, Flood 2014) that starts at `seed`: counter-based,
// so a loop over k vectorises. For bulk draws such as dropout masks, seeded with one Rng::next().
inline std::uint64_t splitmix64(std::uint64_t seed, std::uint64_t k) {
  std::uint64_t z = seed + k * 0x9e3779b97f4a7c15u;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

}  // namespace nn
