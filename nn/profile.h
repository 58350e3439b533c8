// Where training and tagging time goes, for `ner train --profile`, `ner tag --profile` and scripts/bench.sh: CPU
// seconds per part of the network (and, for tagging, of the text's way in and out), summed over threads. Off unless enabled; then each timed region costs two clock reads. Regions nest: a region
// inside another (the input projection inside a recurrent layer) is not counted in the outer one.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>

namespace nn::profile {

enum class Part {
  kLoading, kTokenizing, kLexicon, kEmbedding, kDropout, kInputProjection, kRecurrence, kOutput, kCrf, kOptimizer, kWriting,
  kCount
};
inline constexpr std::size_t kParts = static_cast<std::size_t>(Part::kCount);

std::string part_name(Part part);  // "loading the model", "tokenizing", "lexicon matching", ...

void set_enabled(bool enabled);
void reset();
std::array<double, kParts> seconds();  // since the last reset
std::optional<Part> current_part();    // this thread's innermost region's part (while enabled)

// Times its own lifetime into `part` (while enabled), minus the regions nested inside it.
class Scope {
 public:
  explicit Scope(Part part);
  ~Scope();
  Part part() const { return part_; }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  using Clock = std::chrono::steady_clock;
  void add_until(Clock::time_point now);

  Part part_;
  bool active_;
  Scope* outer_ = nullptr;
  Clock::time_point start_;
};

}  // namespace nn::profile
