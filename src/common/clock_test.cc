#include "common/clock.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

TEST(FakeClockTest, SleepAdvancesTimeAndIsCounted) {
  FakeClock clock;
  TimePoint start = clock.now();
  clock.sleep_for(Millis(1500));
  clock.advance(Millis(500));
  EXPECT_EQ(clock.now() - start, Millis(2000));
  EXPECT_EQ(clock.total_slept(), Millis(1500));
  EXPECT_EQ(clock.sleep_calls(), 1);
}

TEST(RealClockTest, NowMovesForward) {
  RealClock clock;
  TimePoint a = clock.now();
  clock.sleep_for(Millis(2));
  EXPECT_GT(clock.now(), a);
}

}  // namespace
}  // namespace cloudvip
