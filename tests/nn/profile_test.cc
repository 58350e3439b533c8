// The profiler counts a nested region once (in the inner part), and nothing while disabled; the helper thread of
// run_side_by_side counts in the caller's part.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "nn/profile.h"
#include "nn/side_by_side.h"

namespace nn::profile {
namespace {

TEST(Profile, NestedRegionsCountOnceAndDisabledCountsNothing) {
  set_enabled(true);
  reset();
  {
    Scope outer(Part::kRecurrence);
    Scope inner(Part::kInputProjection);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  std::array<double, kParts> s = seconds();
  EXPECT_GE(s[static_cast<std::size_t>(Part::kInputProjection)], 0.029);
  EXPECT_LT(s[static_cast<std::size_t>(Part::kRecurrence)], 0.010);  // only the moments around the inner region
  set_enabled(false);
  reset();
  {
    Scope ignored(Part::kCrf);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (double part : seconds()) EXPECT_EQ(part, 0);
}

TEST(Profile, TheHelpersWorkCountsInTheCallersPart) {
  set_enabled(true);
  reset();
  {
    Scope caller(Part::kDropout);
    auto wait = [] { std::this_thread::sleep_for(std::chrono::milliseconds(30)); };
    run_side_by_side(wait, wait);
  }
  EXPECT_GE(seconds()[static_cast<std::size_t>(Part::kDropout)], 0.059) << "both threads' 30 ms";
  set_enabled(false);
  reset();
}

}  // namespace
}  // namespace nn::profile
