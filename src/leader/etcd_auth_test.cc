// The etcd source with authentication and TLS, against a real etcd started by the test.
#include <gtest/gtest.h>

#include "common/log.h"
#include "leader/etcd_client.h"
#include "leader/etcd_source.h"
#include "leader/leader_source_factory.h"
#include "testing/etcd_process.h"
#include "testing/etcd_test_support.h"
#include "testing/fake_process_runner.h"
#include "testing/fake_transport.h"
#include "testing/temp_dir.h"

namespace cloudvip {
namespace {

using testing::EtcdProcess;
using testing::wait_for_role;

constexpr const char* k_key = "/service/pg/leader";
constexpr const char* k_root = "root:root-secret";

#define ASSERT_OK(result) ASSERT_TRUE(result) << (result).error().message

// A user allowed to read the leader key only, then auth switched on (etcd needs a root user for that).
void enable_auth(const EtcdProcess& etcd) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"user", "add", k_root, "--interactive=false"},
           {"role", "add", "root"},
           {"user", "grant-role", "root", "root"},
           {"user", "add", "cloudvip:pw-of-cloudvip", "--interactive=false"},
           {"role", "add", "leader-reader"},
           {"role", "grant-permission", "leader-reader", "read", k_key},
           {"user", "grant-role", "cloudvip", "leader-reader"},
           {"auth", "enable"}}) {
    auto done = etcd.ctl_ok(args);
    ASSERT_TRUE(done) << done.error().message;
  }
}

// A capturing logger: proves the password and token never reach a log line.
class CapturingLogger : public Logger {
 public:
  CapturingLogger() : Logger(LogLevel::debug) {}
  std::string all() {
    std::lock_guard lock(m_mutex);
    return m_text;
  }

 protected:
  void write(LogLevel, const std::string& message) override {
    std::lock_guard lock(m_mutex);
    m_text += message + "\n";
  }

 private:
  std::mutex m_mutex;
  std::string m_text;
};

TEST(EtcdAuthTest, UserAndPasswordFromTheFactory) {
  CLOUDVIP_REQUIRE_ETCD();
  EtcdProcess etcd;
  ASSERT_OK(etcd.start());
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-a"}));
  enable_auth(etcd);
  testing::TempDir dir;
  LeaderSettings settings;
  settings.source = LeaderSourceKind::etcd;
  settings.endpoints = {etcd.endpoint()};
  settings.key = k_key;
  settings.member = "pg-a";
  settings.username = "cloudvip";
  settings.password_file = dir.write("etcd.password", "pw-of-cloudvip\n");
  settings.poll_interval = Millis(300);
  testing::FakeTransport http;
  testing::FakeProcessRunner runner;
  FakeClock clock;
  CapturingLogger logger;
  auto source = make_leader_source(settings, {http, runner, clock, logger, Millis(5000)});
  ASSERT_OK(source);
  EXPECT_EQ((*source)->kind(), "etcd");
  (*source)->start([](const LeaderAnswer&) {});
  LeaderAnswer answer = wait_for_role(**source, Role::primary);
  EXPECT_EQ(answer.role, Role::primary) << answer.why;
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-b"}, k_root));  // the authenticated watch sees it
  EXPECT_EQ(wait_for_role(**source, Role::standby).role, Role::standby);
  (*source)->stop();
  EXPECT_EQ(logger.all().find("pw-of-cloudvip"), std::string::npos) << logger.all();
}

TEST(EtcdAuthTest, WithoutCredentialsOrWithAWrongPasswordIsUnknown) {
  CLOUDVIP_REQUIRE_ETCD();
  EtcdProcess etcd;
  ASSERT_OK(etcd.start());
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-a"}));
  enable_auth(etcd);
  EtcdClient anonymous({.endpoints = {etcd.endpoint()}});
  auto read = anonymous.range(k_key);
  ASSERT_FALSE(read);
  EtcdClient wrong({.endpoints = {etcd.endpoint()}, .username = "cloudvip", .password = "not-the-password"});
  auto refused = wrong.range(k_key);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::auth);
  EXPECT_NE(refused.error().message.find("as user 'cloudvip'"), std::string::npos) << refused.error().message;
  EXPECT_EQ(refused.error().message.find("not-the-password"), std::string::npos) << refused.error().message;

  FakeClock clock;
  NullLogger logger;
  EtcdSourceOptions options;
  options.client = {.endpoints = {etcd.endpoint()}, .username = "cloudvip", .password = "not-the-password"};
  options.key = k_key;
  options.member = "pg-a";
  EtcdSource source(options, clock, logger);
  source.start([](const LeaderAnswer&) {});
  LeaderAnswer answer = source.current();
  for (int i = 0; i < 500 && answer.why == "no answer yet"; ++i) {
    std::this_thread::sleep_for(Millis(20));
    answer = source.current();
  }
  EXPECT_EQ(answer.role, Role::unknown) << answer.why;
  EXPECT_NE(answer.why.find("check username"), std::string::npos) << answer.why;
  source.stop();
}

TEST(EtcdAuthTest, AnExpiredTokenIsReplaced) {
  CLOUDVIP_REQUIRE_ETCD();
  // Simple tokens live one second here, so the second read finds its token gone.
  EtcdProcess etcd({"--auth-token-ttl=1"});
  ASSERT_OK(etcd.start());
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-a"}));
  enable_auth(etcd);
  EtcdClient client({.endpoints = {etcd.endpoint()}, .username = "cloudvip", .password = "pw-of-cloudvip"});
  auto first = client.range(k_key);
  ASSERT_OK(first);
  EXPECT_EQ(client.authentications(), 1);
  std::this_thread::sleep_for(Millis(3000));  // the token expires (etcd checks about every second)
  auto second = client.range(k_key);
  ASSERT_OK(second);
  ASSERT_TRUE(second->kv.has_value());
  EXPECT_EQ(second->kv->value, "pg-a");
  EXPECT_EQ(client.authentications(), 2);
}

TEST(EtcdTlsTest, CaAndClientCertificate) {
  CLOUDVIP_REQUIRE_ETCD();
  testing::TempDir certs;
  auto tls = testing::make_test_certificates(certs.path());
  ASSERT_OK(tls);
  EtcdProcess etcd({}, *tls);
  ASSERT_OK(etcd.start());
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-a"}));
  EtcdClient client(
      {.endpoints = {etcd.endpoint()}, .tls = {tls->ca_file, tls->client_cert, tls->client_key}});
  auto read = client.range(k_key);
  ASSERT_OK(read);
  ASSERT_TRUE(read->kv.has_value());
  EXPECT_EQ(read->kv->value, "pg-a");

  // Without the client certificate etcd refuses; without the CA the server is not trusted.
  EtcdClient no_cert({.endpoints = {etcd.endpoint()}, .tls = {tls->ca_file, "", ""}});
  EXPECT_FALSE(no_cert.range(k_key));
  EtcdClient no_ca({.endpoints = {etcd.endpoint()}, .tls = {"", tls->client_cert, tls->client_key}});
  auto untrusted = no_ca.range(k_key);
  ASSERT_FALSE(untrusted);

  FakeClock clock;
  NullLogger logger;
  EtcdSourceOptions options;
  options.client = {.endpoints = {etcd.endpoint()}, .tls = {tls->ca_file, tls->client_cert, tls->client_key}};
  options.key = k_key;
  options.member = "pg-a";
  EtcdSource source(options, clock, logger);
  source.start([](const LeaderAnswer&) {});
  ASSERT_EQ(wait_for_role(source, Role::primary).role, Role::primary);
  ASSERT_OK(etcd.ctl_ok({"put", k_key, "pg-b"}));  // the watch over TLS
  EXPECT_EQ(wait_for_role(source, Role::standby).role, Role::standby);
  source.stop();
}

}  // namespace
}  // namespace cloudvip
