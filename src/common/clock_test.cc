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

TEST(FakeClockTest, SleepUntilSleepsWholeMillisecondsRoundedUpAndNotAtAllForAPassedTime) {
  FakeClock clock;
  TimePoint start = clock.now();
  clock.sleep_until(start + std::chrono::microseconds(2300));
  EXPECT_EQ(clock.now() - start, Millis(3));
  EXPECT_EQ(clock.sleep_calls(), 1);
  clock.sleep_until(start);  // passed
  clock.sleep_until(clock.now());
  EXPECT_EQ(clock.sleep_calls(), 1);
  EXPECT_EQ(clock.now() - start, Millis(3));
}

TEST(RealClockTest, SleepUntilReturnsNoSoonerThanTheTime) {
  RealClock clock;
  TimePoint when = clock.now() + std::chrono::microseconds(1500);
  clock.sleep_until(when);
  EXPECT_GE(clock.now(), when);
}

TEST(RealClockTest, NowMovesForward) {
  RealClock clock;
  TimePoint a = clock.now();
  clock.sleep_for(Millis(2));
  EXPECT_GT(clock.now(), a);
}

}  // namespace
}  // namespace cloudvip
