#include "leader/trigger_source.h"

#include <gtest/gtest.h>

#include <vector>

namespace cloudvip {
namespace {

TEST(TriggerSourceTest, UnknownUntilAHookSpeaks) {
  FakeClock clock;
  TriggerSource source(clock);
  source.start([](const LeaderAnswer&) {});
  EXPECT_EQ(source.kind(), "trigger");
  EXPECT_EQ(source.current().role, Role::unknown);
  EXPECT_EQ(source.current().why, "no hook has reported since the daemon started");
  source.stop();
}

TEST(TriggerSourceTest, SetIsHeardAtOnceAndOnlyWhenItChanges) {
  FakeClock clock;
  TriggerSource source(clock);
  std::vector<LeaderAnswer> heard;
  source.start([&](const LeaderAnswer& answer) { heard.push_back(answer); });
  source.set(Role::primary, "cloudvip notify primary");
  ASSERT_EQ(heard.size(), 1u);  // before set() returned
  EXPECT_EQ(heard[0].role, Role::primary);
  EXPECT_EQ(heard[0].at, clock.now());
  source.set(Role::primary, "cloudvip notify primary");  // a hook retrying (IRIS every 30 s)
  EXPECT_EQ(heard.size(), 1u);
  clock.advance(Millis(5));
  source.set(Role::standby, "cloudvip notify standby");
  ASSERT_EQ(heard.size(), 2u);
  EXPECT_EQ(heard[1].role, Role::standby);
  EXPECT_EQ(source.current().role, Role::standby);
  EXPECT_EQ(source.current().at, clock.now());
  source.stop();
}

TEST(TriggerSourceTest, ANewSourceForgetsWhatTheOldOneWasTold) {
  FakeClock clock;
  {
    TriggerSource before_restart(clock);
    before_restart.start([](const LeaderAnswer&) {});
    before_restart.set(Role::primary, "hook");
    before_restart.stop();
  }
  TriggerSource after_restart(clock);
  after_restart.start([](const LeaderAnswer&) {});
  EXPECT_EQ(after_restart.current().role, Role::unknown);
  after_restart.stop();
}

TEST(TriggerSourceTest, NothingIsHeardAfterStop) {
  FakeClock clock;
  TriggerSource source(clock);
  int heard = 0;
  source.start([&](const LeaderAnswer&) { ++heard; });
  source.stop();
  source.set(Role::primary, "late hook");
  EXPECT_EQ(heard, 0);
  EXPECT_EQ(source.current().role, Role::unknown);
}

}  // namespace
}  // namespace cloudvip
