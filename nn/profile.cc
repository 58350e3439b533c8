#include "nn/profile.h"

#include <atomic>
#include <cstdint>

namespace nn::profile {
namespace {

std::atomic<bool> g_enabled{false};
std::array<std::atomic<std::int64_t>, kParts> g_nanoseconds{};
thread_local Scope* t_innermost = nullptr;

}  // namespace

std::string part_name(Part part) {
  switch (part) {
    case Part::kLoading: return "loading the model";
    case Part::kTokenizing: return "tokenizing";
    case Part::kLexicon: return "lexicon matching";
    case Part::kEmbedding: return "embedding";
    case Part::kDropout: return "dropout";
    case Part::kInputProjection: return "input projection";
    case Part::kRecurrence: return "recurrence";
    case Part::kOutput: return "output layer";
    case Part::kCrf: return "CRF";
    case Part::kOptimizer: return "optimizer";
    case Part::kWriting: return "writing output";
    case Part::kCount: break;
  }
  return "?";
}

void set_enabled(bool enabled) { g_enabled = enabled; }

void reset() {
  for (auto& ns : g_nanoseconds) ns = 0;
}

std::array<double, kParts> seconds() {
  std::array<double, kParts> result{};
  for (std::size_t p = 0; p < kParts; ++p) result[p] = static_cast<double>(g_nanoseconds[p].load()) * 1e-9;
  return result;
}

std::optional<Part> current_part() {
  if (t_innermost == nullptr) return std::nullopt;
  return t_innermost->part();
}

Scope::Scope(Part part) : part_(part), active_(g_enabled.load(std::memory_order_relaxed)) {
  if (!active_) return;
  start_ = Clock::now();
  // The enclosing region pauses until this one ends.
  outer_ = t_innermost;
  if (outer_) outer_->add_until(start_);
  t_innermost = this;
}

Scope::~Scope() {
  if (!active_) return;
  const Clock::time_point now = Clock::now();
  add_until(now);
  t_innermost = outer_;
  if (outer_) outer_->start_ = now;
}

void Scope::add_until(Clock::time_point now) {
  g_nanoseconds[static_cast<std::size_t>(part_)] += std::chrono::duration_cast<std::chrono::nanoseconds>(now - start_).count();
}

}  // namespace nn::profile
