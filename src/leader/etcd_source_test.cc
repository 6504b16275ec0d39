// The etcd source against a real etcd (Debian's etcd-server 3.4), started by each test on free loopback
// ports with a data directory of its own. etcdctl changes the key from outside, as Patroni would.
#include "leader/etcd_source.h"

#include <gtest/gtest.h>

#include <mutex>
#include <sstream>
#include <vector>

#include "common/log.h"
#include "testing/etcd_process.h"
#include "testing/etcd_test_support.h"
#include "testing/refusing_port.h"
#include "testing/tcp_proxy.h"

namespace cloudvip {
namespace {

using testing::EtcdProcess;
using testing::wait_for_role;

constexpr const char* k_key = "/service/pg/leader";

EtcdSourceOptions options_for(std::vector<std::string> endpoints, Millis interval = std::chrono::hours(1)) {
  EtcdSourceOptions options;
  options.client.endpoints = std::move(endpoints);
  options.client.timeout = Millis(2000);
  options.key = k_key;
  options.member = "pg-a";
  options.interval = interval;
  options.max_retry_delay = Millis(200);
  return options;
}

// Records every answer the source hands over.
struct Heard {
  std::mutex mutex;
  std::vector<LeaderAnswer> answers;
  LeaderSource::Listener listener() {
    return [this](const LeaderAnswer& answer) {
      std::lock_guard lock(mutex);
      answers.push_back(answer);
    };
  }
  bool any(Role role) {
    std::lock_guard lock(mutex);
    for (const LeaderAnswer& answer : answers) {
      if (answer.role == role) {
        return true;
      }
    }
    return false;
  }
};

#define ASSERT_OK(result) ASSERT_TRUE(result) << (result).error().message

TEST(EtcdSourceTest, FollowsALeaderChangeThroughTheWatch) {
  CLOUDVIP_REQUIRE_ETCD();
  EtcdProcess etcd;
  ASSERT_OK(etcd.start());
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-a"}));
  FakeClock clock;
  NullLogger logger;
  // An interval of an hour: only the watch can bring the change.
  EtcdSource source(options_for({etcd.endpoint()}), clock, logger);
  Heard heard;
  source.start(heard.listener());
  LeaderAnswer primary = wait_for_role(source, Role::primary);
  ASSERT_EQ(primary.role, Role::primary) << primary.why;
  EXPECT_EQ(primary.why, "etcd: /service/pg/leader names this member (pg-a)");
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-b"}));
  LeaderAnswer standby = wait_for_role(source, Role::standby);
  EXPECT_EQ(standby.role, Role::standby) << standby.why;
  EXPECT_EQ(standby.why, "etcd: /service/pg/leader names pg-b, not pg-a");
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-a"}));
  EXPECT_EQ(wait_for_role(source, Role::primary).role, Role::primary);
  EXPECT_EQ(source.reads(), 1);  // every change came through the one watch
  source.stop();
  EXPECT_FALSE(heard.any(Role::unknown));  // a healthy etcd never made it say "cannot tell"
}

TEST(EtcdSourceTest, AMissingKeyIsStandby) {
  CLOUDVIP_REQUIRE_ETCD();
  EtcdProcess etcd;
  ASSERT_OK(etcd.start());
  FakeClock clock;
  NullLogger logger;
  EtcdSource source(options_for({etcd.endpoint()}), clock, logger);
  source.start([](const LeaderAnswer&) {});
  LeaderAnswer answer = wait_for_role(source, Role::standby);
  EXPECT_EQ(answer.role, Role::standby) << answer.why;
  EXPECT_EQ(answer.why, "etcd: /service/pg/leader does not exist (no leader)");
  source.stop();
}

TEST(EtcdSourceTest, KeyDeletedByLeaseExpiryIsStandby) {
  CLOUDVIP_REQUIRE_ETCD();
  EtcdProcess etcd;
  ASSERT_OK(etcd.start());
  auto lease = etcd.ctl_ok({"lease", "grant", "2"});  // "lease 694d... granted with TTL(2s)"
  ASSERT_OK(lease);
  std::istringstream words(*lease);
  std::string word, id;
  words >> word >> id;
  ASSERT_EQ(word, "lease") << *lease;
  ASSERT_OK(etcd.ctl_ok({"put", "--lease=" + id, k_key, "pg-a"}));
  FakeClock clock;
  NullLogger logger;
  EtcdSource source(options_for({etcd.endpoint()}), clock, logger);
  source.start([](const LeaderAnswer&) {});
  ASSERT_EQ(wait_for_role(source, Role::primary).role, Role::primary);
  // Nobody refreshes the lease (a leader that died): etcd deletes the key, the watch sees the DELETE.
  LeaderAnswer answer = wait_for_role(source, Role::standby);
  EXPECT_EQ(answer.role, Role::standby) << answer.why;
  EXPECT_EQ(answer.why, "etcd: /service/pg/leader does not exist (no leader)");
  EXPECT_EQ(source.reads(), 1);
  source.stop();
}

TEST(EtcdSourceTest, EtcdRestartedUnderAWatchIsUnknownThenFollowedAgain) {
  CLOUDVIP_REQUIRE_ETCD();
  EtcdProcess etcd;
  ASSERT_OK(etcd.start());
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-a"}));
  FakeClock clock;
  NullLogger logger;
  EtcdSource source(options_for({etcd.endpoint()}), clock, logger);
  Heard heard;
  source.start(heard.listener());
  ASSERT_EQ(wait_for_role(source, Role::primary).role, Role::primary);
  etcd.stop();
  // The watch breaks, the re-read fails: "cannot tell", never "standby".
  LeaderAnswer down = wait_for_role(source, Role::unknown);
  EXPECT_EQ(down.role, Role::unknown);
  EXPECT_TRUE(down.why.starts_with("etcd: cannot read /service/pg/leader: ")) << down.why;
  EXPECT_FALSE(heard.any(Role::standby));
  ASSERT_OK(etcd.start());
  LeaderAnswer back = wait_for_role(source, Role::primary);
  EXPECT_EQ(back.role, Role::primary) << back.why;
  // And the new watch works: a change after the restart arrives.
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-b"}));
  EXPECT_EQ(wait_for_role(source, Role::standby).role, Role::standby);
  EXPECT_GE(source.breaks(), 1);
  EXPECT_GE(source.reads(), 2);
  source.stop();
}

TEST(EtcdSourceTest, ACompactedRevisionWhileDisconnectedIsReadAgainNotTrusted) {
  CLOUDVIP_REQUIRE_ETCD();
  EtcdProcess etcd;
  ASSERT_OK(etcd.start());
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-a"}));
  testing::TcpProxy proxy(etcd.client_port());
  FakeClock clock;
  NullLogger logger;
  EtcdSource source(options_for({proxy.url()}), clock, logger);
  source.start([](const LeaderAnswer&) {});
  ASSERT_EQ(wait_for_role(source, Role::primary).role, Role::primary);
  int reads = source.reads();
  proxy.cut();
  ASSERT_EQ(wait_for_role(source, Role::unknown).role, Role::unknown);
  // While the source cannot reach etcd: the leader changes, and history is compacted past its watch.
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-b"}));
  ASSERT_OK(etcd.ctl_ok({"put", "/other", "x"}));
  auto revision = etcd.revision();
  ASSERT_OK(revision);
  ASSERT_OK(etcd.ctl_ok({"compact", std::to_string(*revision)}));
  proxy.restore();
  LeaderAnswer answer = wait_for_role(source, Role::standby);
  EXPECT_EQ(answer.role, Role::standby) << answer.why;
  EXPECT_EQ(answer.why, "etcd: /service/pg/leader names pg-b, not pg-a");
  EXPECT_GT(source.reads(), reads);
  // Watching again from the new revision works.
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-a"}));
  EXPECT_EQ(wait_for_role(source, Role::primary).role, Role::primary);
  source.stop();
}

TEST(EtcdSourceTest, AWatchFromACompactedRevisionBreaksWithCompacted) {
  CLOUDVIP_REQUIRE_ETCD();
  EtcdProcess etcd;
  ASSERT_OK(etcd.start());
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-a"}));
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-b"}));
  auto revision = etcd.revision();
  ASSERT_OK(revision);
  ASSERT_OK(etcd.ctl_ok({"compact", std::to_string(*revision)}));
  EtcdClient client({.endpoints = {etcd.endpoint()}});
  int events = 0;
  auto watched = client.watch(
      k_key, 2, [&](const EtcdWatchEvent&, std::int64_t) { ++events; }, [] { return true; });
  ASSERT_FALSE(watched);
  EXPECT_EQ(watched.error().code, ErrorCode::not_found);
  EXPECT_NE(watched.error().message.find("has been compacted"), std::string::npos) << watched.error().message;
  EXPECT_EQ(events, 0);
}

TEST(EtcdSourceTest, AConfirmingReadEveryInterval) {
  CLOUDVIP_REQUIRE_ETCD();
  EtcdProcess etcd;
  ASSERT_OK(etcd.start());
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-a"}));
  FakeClock clock;
  NullLogger logger;
  EtcdSource source(options_for({etcd.endpoint()}, Millis(200)), clock, logger);
  source.start([](const LeaderAnswer&) {});
  ASSERT_EQ(wait_for_role(source, Role::primary).role, Role::primary);
  for (int i = 0; i < 300 && source.reads() < 4; ++i) {
    std::this_thread::sleep_for(Millis(50));
  }
  EXPECT_GE(source.reads(), 4);  // the key never changed: only the interval makes these reads
  EXPECT_EQ(source.breaks(), 0);
  EXPECT_EQ(source.current().role, Role::primary);
  source.stop();
}

TEST(EtcdSourceTest, ADeadConnectionIsNoticedWithinAnInterval) {
  CLOUDVIP_REQUIRE_ETCD();
  EtcdProcess etcd;
  ASSERT_OK(etcd.start());
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-a"}));
  testing::TcpProxy proxy(etcd.client_port());
  FakeClock clock;
  NullLogger logger;
  EtcdSourceOptions options = options_for({proxy.url()}, Millis(500));
  options.client.timeout = Millis(500);
  EtcdSource source(options, clock, logger);
  source.start([](const LeaderAnswer&) {});
  ASSERT_EQ(wait_for_role(source, Role::primary).role, Role::primary);
  // etcd stops answering but no connection is closed or reset (a hard-killed host: vip-manager #194).
  proxy.freeze();
  LeaderAnswer frozen = wait_for_role(source, Role::unknown);
  EXPECT_EQ(frozen.role, Role::unknown);
  EXPECT_TRUE(frozen.why.starts_with("etcd: cannot read /service/pg/leader: ")) << frozen.why;
  proxy.thaw();
  EXPECT_EQ(wait_for_role(source, Role::primary).role, Role::primary);
  source.stop();
}

TEST(EtcdSourceTest, FailsOverToTheNextEndpoint) {
  CLOUDVIP_REQUIRE_ETCD();
  EtcdProcess etcd;
  ASSERT_OK(etcd.start());
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-a"}));
  testing::RefusingPort dead;
  FakeClock clock;
  NullLogger logger;
  EtcdSource source(options_for({dead.url(), etcd.endpoint()}), clock, logger);
  source.start([](const LeaderAnswer&) {});
  LeaderAnswer answer = wait_for_role(source, Role::primary);
  EXPECT_EQ(answer.role, Role::primary) << answer.why;
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-b"}));  // the watch runs on the endpoint that answered
  EXPECT_EQ(wait_for_role(source, Role::standby).role, Role::standby);
  source.stop();
}

TEST(EtcdSourceTest, NoEndpointAnswersIsUnknown) {
  testing::RefusingPort dead;
  FakeClock clock;
  NullLogger logger;
  EtcdSource source(options_for({dead.url()}), clock, logger);
  source.start([](const LeaderAnswer&) {});
  LeaderAnswer answer = wait_for_role(source, Role::unknown, Millis(5000));
  for (int i = 0; i < 200 && answer.why == "no answer yet"; ++i) {
    std::this_thread::sleep_for(Millis(20));
    answer = source.current();
  }
  EXPECT_EQ(answer.role, Role::unknown);
  EXPECT_TRUE(answer.why.starts_with("etcd: cannot read /service/pg/leader: POST " + dead.url()))
      << answer.why;
  source.stop();
}

}  // namespace
}  // namespace cloudvip
