#include "leader/polled_source.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace cloudvip {
namespace {

// A probe whose answer the test sets; counts its calls.
struct ScriptedProbe {
  std::mutex mutex;
  LeaderAnswer answer{Role::standby, "standby", {}};
  std::atomic<int> calls{0};
  LeaderProbe probe() {
    return [this] {
      ++calls;
      std::lock_guard lock(mutex);
      return answer;
    };
  }
  void set(Role role, std::string why) {
    std::lock_guard lock(mutex);
    answer = {role, std::move(why), {}};
  }
};

template <class Predicate>
bool eventually(Predicate predicate) {
  for (int i = 0; i < 1000; ++i) {
    if (predicate()) {
      return true;
    }
    std::this_thread::sleep_for(Millis(5));
  }
  return predicate();
}

TEST(PolledSourceTest, UnknownBeforeTheFirstProbe) {
  ScriptedProbe probe;
  FakeClock clock;
  PolledSource source("command", probe.probe(), Millis(10), clock);
  EXPECT_EQ(source.current().role, Role::unknown);
  EXPECT_EQ(source.current().why, "no answer yet");
  EXPECT_EQ(probe.calls, 0);
}

TEST(PolledSourceTest, ProbesAtOnceAndStampsWithTheInjectedClock) {
  ScriptedProbe probe;
  FakeClock clock;
  PolledSource source("command", probe.probe(), std::chrono::hours(1), clock);
  std::atomic<int> heard{0};
  source.start([&](const LeaderAnswer& answer) {
    EXPECT_EQ(answer.role, Role::standby);
    ++heard;
  });
  ASSERT_TRUE(eventually([&] { return heard == 1; }));
  EXPECT_EQ(source.current().at, clock.now());
  source.stop();
}

TEST(PolledSourceTest, RefreshProbesAgainWithoutWaitingForTheInterval) {
  ScriptedProbe probe;
  FakeClock clock;
  PolledSource source("command", probe.probe(), std::chrono::hours(1), clock);
  source.start([](const LeaderAnswer&) {});
  ASSERT_TRUE(eventually([&] { return source.probes() == 1; }));
  probe.set(Role::primary, "primary");
  source.refresh();
  ASSERT_TRUE(eventually([&] { return source.current().role == Role::primary; }));
  EXPECT_EQ(source.probes(), 2);
  source.stop();
}

TEST(PolledSourceTest, ListenerHearsChangesOnlyInOrder) {
  ScriptedProbe probe;
  FakeClock clock;
  PolledSource source("command", probe.probe(), Millis(1), clock);
  std::mutex mutex;
  std::vector<std::string> heard;
  source.start([&](const LeaderAnswer& answer) {
    std::lock_guard lock(mutex);
    heard.push_back(answer.why);
  });
  ASSERT_TRUE(eventually([&] { return source.probes() >= 5; }));
  probe.set(Role::unknown, "no answer");
  ASSERT_TRUE(eventually([&] { return source.current().role == Role::unknown; }));
  int probes = source.probes();
  ASSERT_TRUE(eventually([&] { return source.probes() >= probes + 5; }));
  source.stop();
  std::lock_guard lock(mutex);
  EXPECT_EQ(heard, (std::vector<std::string>{"standby", "no answer"}));
}

TEST(PolledSourceTest, StopJoinsAndNoListenerCallFollows) {
  ScriptedProbe probe;
  FakeClock clock;
  PolledSource source("command", probe.probe(), Millis(1), clock);
  std::atomic<int> heard{0};
  std::atomic<bool> stopped{false};
  source.start([&](const LeaderAnswer&) {
    EXPECT_FALSE(stopped.load());
    ++heard;
  });
  ASSERT_TRUE(eventually([&] { return heard == 1; }));
  source.stop();
  stopped = true;
  int calls = probe.calls;
  probe.set(Role::primary, "primary");
  std::this_thread::sleep_for(Millis(50));
  EXPECT_EQ(probe.calls, calls);
  EXPECT_EQ(heard, 1);
  source.stop();  // idempotent
}

}  // namespace
}  // namespace cloudvip
