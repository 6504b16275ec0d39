#include "leader/leader_source_factory.h"

#include <gtest/gtest.h>

#include "leader/trigger_source.h"
#include "testing/fake_process_runner.h"
#include "testing/fake_transport.h"
#include "testing/temp_dir.h"

namespace cloudvip {
namespace {

struct World {
  testing::FakeTransport http;
  testing::FakeProcessRunner runner;
  FakeClock clock;
  NullLogger logger;
  LeaderSourceContext context() { return {http, runner, clock, logger, Millis(5000)}; }
};

TEST(LeaderSourceFactoryTest, BuildsTheSourceTheSettingsName) {
  World world;
  struct Case {
    LeaderSourceKind kind;
    std::string_view name;
  };
  for (Case c : {Case{LeaderSourceKind::patroni, "patroni"}, Case{LeaderSourceKind::iris, "iris"},
                 Case{LeaderSourceKind::command, "command"}, Case{LeaderSourceKind::trigger, "trigger"},
                 Case{LeaderSourceKind::etcd, "etcd"}}) {
    LeaderSettings settings;
    settings.source = c.kind;
    settings.url = "http://127.0.0.1:1";
    settings.command = {"/bin/true"};
    settings.endpoints = {"http://127.0.0.1:1"};
    settings.key = "/service/pg/leader";
    settings.member = "pg-a";
    auto source = make_leader_source(settings, world.context());
    ASSERT_TRUE(source) << source.error().message;
    EXPECT_EQ((*source)->kind(), c.name);
    EXPECT_EQ((*source)->current().role, Role::unknown);  // nothing is asked before start()
  }
}

TEST(LeaderSourceFactoryTest, TheTriggerSourceIsReachableForTheControlSocket) {
  World world;
  LeaderSettings settings;
  settings.source = LeaderSourceKind::trigger;
  auto source = make_leader_source(settings, world.context());
  ASSERT_TRUE(source);
  auto* trigger = dynamic_cast<TriggerSource*>(source->get());
  ASSERT_NE(trigger, nullptr);
  trigger->start([](const LeaderAnswer&) {});
  trigger->set(Role::primary, "cloudvip notify primary");
  EXPECT_EQ((*source)->current().role, Role::primary);
  trigger->stop();
}

TEST(LeaderSourceFactoryTest, AnUnreadablePasswordFileIsAConfigError) {
  World world;
  LeaderSettings settings;
  settings.source = LeaderSourceKind::etcd;
  settings.endpoints = {"http://127.0.0.1:1"};
  settings.key = "/k";
  settings.member = "a";
  settings.username = "cloudvip";
  settings.password_file = "/nonexistent/etcd.password";
  auto source = make_leader_source(settings, world.context());
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().code, ErrorCode::config);
  EXPECT_NE(source.error().message.find("/nonexistent/etcd.password: cannot read the etcd password file"),
            std::string::npos)
      << source.error().message;
  testing::TempDir dir;
  settings.password_file = dir.write("empty", "\n");
  auto empty = make_leader_source(settings, world.context());
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("is empty"), std::string::npos);
}

TEST(LeaderSourceFactoryTest, AMissingTlsFileIsAConfigError) {
  World world;
  LeaderSettings settings;
  settings.source = LeaderSourceKind::etcd;
  settings.endpoints = {"https://127.0.0.1:1"};
  settings.key = "/k";
  settings.member = "a";
  settings.ca_file = "/nonexistent/ca.pem";
  auto source = make_leader_source(settings, world.context());
  ASSERT_FALSE(source);
  EXPECT_NE(source.error().message.find("/nonexistent/ca.pem: cannot read the etcd CA file (ca_file)"),
            std::string::npos)
      << source.error().message;
}

}  // namespace
}  // namespace cloudvip
