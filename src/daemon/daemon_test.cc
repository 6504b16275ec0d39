// The Daemon's loop on real threads (a RealClock, short intervals) over FakeCloud, FakeAddressTable and fake
// sources: answers, hooks through handle(), reload and stop. Every wait is bounded; no timing is asserted.
#include "daemon/daemon.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "testing/fake_address_table.h"
#include "testing/fake_cloud.h"
#include "testing/fake_leader_source.h"

namespace cloudvip {
namespace {

const Cidr k_vip = *Cidr::parse("192.168.100.10/32");

class CapturingNotifier final : public Notifier {
 public:
  void notify(std::string_view state) override {
    std::lock_guard lock(m_mutex);
    m_sent.emplace_back(state);
  }
  std::optional<Millis> watchdog_interval() const override { return Millis(20); }
  std::string sent() const {
    std::lock_guard lock(m_mutex);
    std::string out;
    for (const std::string& s : m_sent) {
      out += s + "\n";
    }
    return out;
  }

 private:
  mutable std::mutex m_mutex;
  std::vector<std::string> m_sent;
};

// Hands the daemon a source the test keeps (the daemon destroys its own on reload and stop).
class SharedSource final : public LeaderSource {
 public:
  explicit SharedSource(std::shared_ptr<testing::FakeLeaderSource> inner) : m_inner(std::move(inner)) {}
  std::string_view kind() const override { return m_inner->kind(); }
  void start(Listener on_change) override { m_inner->start(std::move(on_change)); }
  void stop() override { m_inner->stop(); }
  LeaderAnswer current() const override { return m_inner->current(); }
  void refresh() override { m_inner->refresh(); }

 private:
  std::shared_ptr<testing::FakeLeaderSource> m_inner;
};

template <class Condition>
bool eventually(Condition condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

class DaemonTest : public ::testing::Test {
 protected:
  DaemonTest() {
    declare_daemon_metrics(metrics);
    declare_reconciler_metrics(metrics);
    Identity identity;
    identity.instance_id = "i-ours";
    identity.network_interface_id = "eni-ours";
    identity.vpc_id = "vpc-1";
    identity.vpc_cidrs = {*Cidr::parse("10.0.0.0/16")};
    cloud.set_identity(identity, "0e:00:00:00:00:02");  // FakeAddressTable's MAC of eth0
    cloud.add_network_interface("eni-ours", "i-ours");
    cloud.add_network_interface("eni-peer", "i-peer");
    for (const char* id : {"rtb-1", "rtb-2"}) {
      cloud.add_route_table({id, "vpc-1", false, {}, {}, {}});
      cloud.set_route(id, k_vip, VipRoute{"eni-peer", "i-peer", "", "active"});
    }
    options.interval = Millis(50);
    options.consistency_grace = Millis(10);
  }
  ~DaemonTest() override {
    if (loop.joinable()) {
      daemon->stop();
      loop.join();
    }
  }

  VipSpec spec(std::optional<LeaderSourceKind> source) {
    VipSpec vip;
    vip.name = "iris";
    vip.address = *Ipv4Address::parse("192.168.100.10");
    vip.interface = "eth0";
    vip.label = "eth0:1";
    vip.route_tables = ExplicitRouteTables{{"rtb-1", "rtb-2"}};
    if (source) {
      vip.leader = LeaderSettings{.source = *source};
    }
    return vip;
  }

  void start(Config config) {
    daemon = std::make_unique<Daemon>(
        DaemonParts{cloud, addresses, clock, metrics, log, notifier,
                    [this](const VipSpec&) -> Result<std::unique_ptr<LeaderSource>> {
                      auto source = std::make_shared<testing::FakeLeaderSource>("command");
                      std::lock_guard lock(sources_mutex);
                      sources.push_back(source);
                      return std::unique_ptr<LeaderSource>(std::make_unique<SharedSource>(source));
                    },
                    [this] { return next_config; }},
        options);
    Result<void> started = daemon->start(config);
    ASSERT_TRUE(started.has_value()) << started.error().to_string();
    loop = std::thread([this] { exit_code = daemon->run(); });
  }

  bool ours(const char* table) const {
    auto route = cloud.route(table, k_vip);
    return route && route->network_interface_id == "eni-ours";
  }
  bool local() const { return !addresses.addresses("eth0").empty(); }

  testing::FakeCloud cloud;
  testing::FakeAddressTable addresses;
  RealClock clock;
  Metrics metrics;
  CapturingLogger log;
  CapturingNotifier notifier;
  ReconcilerOptions options;
  // The factory runs on the daemon's thread (start, reload) while the test reads: both under the mutex.
  std::shared_ptr<testing::FakeLeaderSource> source(std::size_t i) {
    std::lock_guard lock(sources_mutex);
    return sources.at(i);
  }
  std::size_t source_count() {
    std::lock_guard lock(sources_mutex);
    return sources.size();
  }
  std::mutex sources_mutex;
  std::vector<std::shared_ptr<testing::FakeLeaderSource>> sources;
  Result<Config> next_config = fail(ErrorCode::config, "cloudvip.toml:3: vip[0].address: broken");
  std::unique_ptr<Daemon> daemon;
  std::thread loop;
  int exit_code = -1;
};

TEST_F(DaemonTest, FollowsItsSourceAndTellsSystemd) {
  start(Config{.vips = {spec(LeaderSourceKind::command)}});
  ASSERT_EQ(source_count(), 1u);
  EXPECT_TRUE(source(0)->started());
  source(0)->set(Role::primary);
  EXPECT_TRUE(eventually([&] { return ours("rtb-1") && ours("rtb-2") && local(); }));
  source(0)->set(Role::standby);
  EXPECT_TRUE(eventually([&] { return !local(); }));
  EXPECT_TRUE(eventually([&] { return notifier.sent().find("WATCHDOG=1") != std::string::npos; }));
  EXPECT_NE(notifier.sent().find("READY=1"), std::string::npos);
  EXPECT_NE(notifier.sent().find("STATUS=iris"), std::string::npos);
  EXPECT_TRUE(cloud.calls("delete_routes").empty());
}

TEST_F(DaemonTest, StopLeavesRoutesAndAddressesAsTheyAre) {
  start(Config{.vips = {spec(LeaderSourceKind::command)}});
  source(0)->set(Role::primary);
  ASSERT_TRUE(eventually([&] { return ours("rtb-1") && ours("rtb-2") && local(); }));
  size_t mutating = cloud.mutating_call_count();
  daemon->stop();
  loop.join();
  EXPECT_EQ(exit_code, 0);
  EXPECT_EQ(cloud.mutating_call_count(), mutating);
  EXPECT_TRUE(local());
  EXPECT_TRUE(source(0)->stopped());
  EXPECT_NE(notifier.sent().find("STOPPING=1"), std::string::npos);
}

TEST_F(DaemonTest, ABrokenReloadKeepsTheRunningConfiguration) {
  start(Config{.vips = {spec(LeaderSourceKind::command)}});
  source(0)->set(Role::primary);
  ASSERT_TRUE(eventually([&] { return ours("rtb-1") && ours("rtb-2"); }));
  daemon->reload();
  ASSERT_TRUE(eventually([&] { return log.text().find("reload failed") != std::string::npos; }));
  EXPECT_NE(log.text().find("vip[0].address: broken"), std::string::npos);
  EXPECT_FALSE(source(0)->stopped());
  cloud.set_route("rtb-2", k_vip, VipRoute{"eni-peer", "i-peer", "", "active"});  // still repaired
  EXPECT_TRUE(eventually([&] { return ours("rtb-2"); }));
}

TEST_F(DaemonTest, AGoodReloadReplacesTheSources) {
  start(Config{.vips = {spec(LeaderSourceKind::command)}});
  VipSpec second = spec(LeaderSourceKind::command);
  second.name = "second";
  second.address = *Ipv4Address::parse("192.168.100.20");
  second.interface.reset();
  second.local_address = false;
  Identity primary_eni;
  primary_eni.network_interface_id = "eni-ours";
  primary_eni.vpc_id = "vpc-1";
  cloud.set_identity(primary_eni, "");
  next_config = Config{.vips = {spec(LeaderSourceKind::command), second}};
  daemon->reload();
  ASSERT_TRUE(eventually([&] { return source_count() == 3; }));
  EXPECT_TRUE(source(0)->stopped());
  source(2)->set(Role::primary);
  EXPECT_TRUE(eventually([&] {
    auto route = cloud.route("rtb-1", *Cidr::parse("192.168.100.20/32"));
    return route && route->network_interface_id == "eni-ours";
  }));
}

TEST_F(DaemonTest, AHookOnATriggerVipIsAnsweredWithThePerTableReport) {
  start(Config{.vips = {spec(std::nullopt)}});
  ControlAnswer status = daemon->handle(ControlRequest{.op = "status"});
  EXPECT_EQ(status.exit_code, 3);
  EXPECT_NE(status.text.find("unknown"), std::string::npos) << status.text;
  ControlAnswer acquired = daemon->handle(ControlRequest{.op = "acquire", .vip = "iris"});
  EXPECT_EQ(acquired.exit_code, 0) << acquired.text << acquired.error;
  EXPECT_TRUE(ours("rtb-1") && ours("rtb-2"));
  EXPECT_EQ(acquired.json["route_tables"][0]["action"], "replaced") << acquired.json.dump(2);
  EXPECT_NE(acquired.text.find("rtb-2"), std::string::npos);
  ControlAnswer noted = daemon->handle(ControlRequest{.op = "notify", .role = "standby"});
  EXPECT_EQ(noted.exit_code, 0);
  EXPECT_TRUE(eventually([&] { return !local(); }));
  ControlAnswer released = daemon->handle(ControlRequest{.op = "release"});
  EXPECT_EQ(released.exit_code, 0) << released.text << released.error;
  ControlAnswer unknown = daemon->handle(ControlRequest{.op = "status", .vip = "nope"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.error.find("iris"), std::string::npos);
}

TEST_F(DaemonTest, StartFailsOnAVipItCannotFollow) {
  VipSpec secondary = spec(std::nullopt);
  secondary.mode = VipMode::secondary_ip;
  secondary.route_tables.reset();
  Daemon d(DaemonParts{cloud, addresses, clock, metrics, log, notifier, nullptr, nullptr}, options);
  Result<void> started = d.start(Config{.vips = {secondary}});
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, ErrorCode::config);
  EXPECT_NE(started.error().message.find("secondary-ip"), std::string::npos);
}

}  // namespace
}  // namespace cloudvip
