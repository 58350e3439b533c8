#include "nn/random.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace nn {

double Rng::uniform() {
  // The top 53 bits as a fraction in [0, 1).
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

double Rng::uniform(double low, double high) { return low + (high - low) * uniform(); }

double Rng::normal() {
  // Box–Muller: sqrt(-2 ln u1) cos(2π u2), with u1 in (0, 1].
  double u1 = 1.0 - uniform();
  double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

std::uint64_t Rng::below(std::uint64_t n) {
  // Rejection sampling keeps every value equally likely.
  std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
  std::uint64_t x;
  do x = engine_();
  while (x >= limit);
  return x % n;
}

std::string Rng::state() const {
  std::ostringstream out;
  out << engine_;
  return out.str();
}

void Rng::set_state(const std::string& state) {
  std::istringstream in(state);
  in >> engine_;
  if (!in) throw std::invalid_argument("malformed random-generator state");
}

}  // namespace nn
