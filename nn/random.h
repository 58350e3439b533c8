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

}  // namespace nn
