// The profiler counts a nested region once (in the inner part), and nothing while disabled.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "nn/profile.h"

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

}  // namespace
}  // namespace nn::profile
