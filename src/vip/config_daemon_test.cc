// [daemon] and [vip.leader]: what `cloudvip run` reads. Good files give the settings; every bad value is
// refused with a message naming the key, the value and the fix.
#include <gtest/gtest.h>
#include <unistd.h>

#include <vector>

#include "vip/config.h"

namespace cloudvip {
namespace {

std::string vip_with_leader(const std::string& leader) {
  return "[[vip]]\nname = \"iris\"\naddress = \"10.109.10.254\"\nroute_tables = [\"rtb-0a1b2c3d\"]\n"
         "[vip.leader]\n" +
         leader;
}

LeaderSettings leader_of(const std::string& leader) {
  auto config = parse_config(vip_with_leader(leader), "cloudvip.toml");
  EXPECT_TRUE(config.has_value()) << config.error().message;
  if (!config || !config->vips[0].leader) {
    ADD_FAILURE() << "no [vip.leader] parsed";
    return {};
  }
  return *config->vips[0].leader;
}

TEST(ConfigDaemonTest, DaemonTableGivesTheSettings) {
  auto config = parse_config(
      "[daemon]\nmetrics = \"127.0.0.1:9464\"\ncontrol_socket = \"/run/cv/c.sock\"\ninterval = \"2s\"\n"
      "failover_timeout = \"1500ms\"\n",
      "cloudvip.toml");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->daemon.metrics, "127.0.0.1:9464");
  EXPECT_EQ(config->daemon.control_socket, "/run/cv/c.sock");
  EXPECT_EQ(config->daemon.interval, Millis(2000));
  EXPECT_EQ(config->daemon.failover_timeout, Millis(1500));
}

TEST(ConfigDaemonTest, DaemonDefaultsWhenAbsent) {
  auto config = parse_config("", "cloudvip.toml");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_FALSE(config->daemon.metrics.has_value());
  EXPECT_EQ(config->daemon.control_socket, k_default_control_socket);
  EXPECT_EQ(config->daemon.interval, Millis(5000));
  EXPECT_EQ(config->daemon.failover_timeout, Millis(10000));
}

TEST(ConfigDaemonTest, NoLeaderTableMeansNoLeaderSettings) {
  auto config = parse_config("[[vip]]\naddress = \"10.109.10.254\"\nroute_tables = \"vpc\"\n", "c.toml");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_FALSE(config->vips[0].leader.has_value());
}

TEST(ConfigDaemonTest, EachSourceGivesItsSettings) {
  LeaderSettings command = leader_of(
      "source = \"command\"\ncommand = [\"/usr/local/bin/am-i-primary\", \"--vip\", \"iris\"]\n"
      "hold_down = \"3s\"\ntimeout = 4\npoll_interval = \"250ms\"\n");
  EXPECT_EQ(command.source, LeaderSourceKind::command);
  EXPECT_EQ(command.command, (std::vector<std::string>{"/usr/local/bin/am-i-primary", "--vip", "iris"}));
  EXPECT_EQ(command.hold_down, Millis(3000));
  EXPECT_EQ(command.timeout, Millis(4000));
  EXPECT_EQ(command.poll_interval, Millis(250));

  LeaderSettings patroni = leader_of("source = \"patroni\"\nurl = \"http://127.0.0.1:8008/\"\n");
  EXPECT_EQ(patroni.source, LeaderSourceKind::patroni);
  EXPECT_EQ(patroni.url, "http://127.0.0.1:8008");  // the trailing slash goes: /primary is appended
  EXPECT_EQ(patroni.hold_down, Millis(0));
  EXPECT_EQ(patroni.timeout, Millis(2000));
  EXPECT_FALSE(patroni.poll_interval.has_value());

  LeaderSettings iris =
      leader_of("source = \"iris\"\nurl = \"http://127.0.0.1:52773/csp/user/mirror_status.cxw\"\n");
  EXPECT_EQ(iris.url, "http://127.0.0.1:52773/csp/user/mirror_status.cxw");

  LeaderSettings etcd = leader_of(
      "source = \"etcd\"\nendpoints = [\"https://10.0.0.1:2379\", \"https://10.0.0.2:2379\"]\n"
      "key = \"/service/pg/leader\"\nmember = \"pg-a\"\nusername = \"cloudvip\"\n"
      "password_file = \"/etc/cloudvip/etcd.password\"\nca_file = \"/etc/cloudvip/ca.pem\"\n"
      "cert_file = \"/etc/cloudvip/c.pem\"\nkey_file = \"/etc/cloudvip/c.key\"\n");
  EXPECT_EQ(etcd.source, LeaderSourceKind::etcd);
  EXPECT_EQ(etcd.endpoints, (std::vector<std::string>{"https://10.0.0.1:2379", "https://10.0.0.2:2379"}));
  EXPECT_EQ(etcd.key, "/service/pg/leader");
  EXPECT_EQ(etcd.member, "pg-a");
  EXPECT_EQ(etcd.username, "cloudvip");
  EXPECT_EQ(etcd.password_file, "/etc/cloudvip/etcd.password");
  EXPECT_EQ(etcd.ca_file, "/etc/cloudvip/ca.pem");
  EXPECT_EQ(etcd.cert_file, "/etc/cloudvip/c.pem");
  EXPECT_EQ(etcd.key_file, "/etc/cloudvip/c.key");

  LeaderSettings trigger = leader_of("source = \"trigger\"\nhold_down = 0\n");
  EXPECT_EQ(trigger.source, LeaderSourceKind::trigger);
}

TEST(ConfigDaemonTest, EtcdMemberDefaultsToTheHostname) {
  char name[256] = {};
  ASSERT_EQ(::gethostname(name, sizeof name - 1), 0);
  LeaderSettings etcd =
      leader_of("source = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\nkey = \"/service/pg/leader\"\n");
  EXPECT_EQ(etcd.member, name);
}

struct BadFile {
  std::string name;
  std::string toml;
  std::vector<std::string> expected;  // the key, the value, the fix
};

std::vector<BadFile> bad_files() {
  auto leader = vip_with_leader;
  const std::string etcd = "source = \"etcd\"\nkey = \"/service/pg/leader\"\n";
  return {
      {"unknown [daemon] key",
       "[daemon]\nintervall = \"5s\"\n",
       {"cloudvip.toml:2: daemon.intervall", "'5s' is not a known key", "did you mean 'interval'"}},
      {"metrics without a port",
       "[daemon]\nmetrics = \"127.0.0.1\"\n",
       {"daemon.metrics", "'127.0.0.1'", "HOST:PORT"}},
      {"metrics port out of range",
       "[daemon]\nmetrics = \"127.0.0.1:70000\"\n",
       {"daemon.metrics", "'127.0.0.1:70000'", "HOST:PORT"}},
      {"relative control socket",
       "[daemon]\ncontrol_socket = \"control.sock\"\n",
       {"daemon.control_socket", "'control.sock'", "absolute path"}},
      {"control socket path too long",
       "[daemon]\ncontrol_socket = \"/" + std::string(120, 'x') + "\"\n",
       {"daemon.control_socket", "at most 107"}},
      {"interval not a duration",
       "[daemon]\ninterval = \"5 sec\"\n",
       {"daemon.interval", "'5 sec'", "\"500ms\""}},
      {"interval zero",
       "[daemon]\ninterval = \"0s\"\n",
       {"daemon.interval", "'0s' is out of range", "100ms"}},
      {"interval as a boolean",
       "[daemon]\ninterval = true\n",
       {"daemon.interval", "true is a boolean", "\"5s\""}},
      {"failover_timeout too long",
       "[daemon]\nfailover_timeout = \"11m\"\n",
       {"daemon.failover_timeout", "'11m' is out of range", "600s"}},
      {"[daemon] not a table", "daemon = 1\n", {"daemon", "1 is an integer", "[daemon]"}},
      {"leader without source",
       leader("hold_down = \"1s\"\n"),
       {"cloudvip.toml:5: vip[0].leader", "no source", "\"patroni\""}},
      {"unknown source",
       leader("source = \"consul\"\n"),
       {"cloudvip.toml:6: vip[0].leader.source", "'consul' is not a leader source", "\"trigger\""}},
      {"unknown leader key",
       leader("source = \"trigger\"\nhold_dwn = \"1s\"\n"),
       {"vip[0].leader.hold_dwn", "'1s' is not a known key", "did you mean 'hold_down'"}},
      {"password in the config",
       leader(etcd + "password = \"hunter2\"\n"),
       {"vip[0].leader.password", "(value hidden)", "password_file"}},
      {"url for command",
       leader("source = \"command\"\ncommand = [\"/bin/true\"]\nurl = \"http://127.0.0.1:8008\"\n"),
       {"vip[0].leader.url", "is for source patroni or iris, not command"}},
      {"command for patroni",
       leader("source = \"patroni\"\nurl = \"http://127.0.0.1:8008\"\ncommand = [\"/bin/true\"]\n"),
       {"vip[0].leader.command", "is for source command, not patroni"}},
      {"endpoints for iris",
       leader("source = \"iris\"\nurl = \"http://127.0.0.1:1/m\"\nendpoints = [\"http://127.0.0.1:2379\"]\n"),
       {"vip[0].leader.endpoints", "is for source etcd, not iris"}},
      {"poll_interval for trigger",
       leader("source = \"trigger\"\npoll_interval = \"1s\"\n"),
       {"vip[0].leader.poll_interval", "not trigger"}},
      {"patroni without url", leader("source = \"patroni\"\n"), {"vip[0].leader", "needs url", "8008"}},
      {"patroni url with a path",
       leader("source = \"patroni\"\nurl = \"http://127.0.0.1:8008/primary\"\n"),
       {"vip[0].leader.url", "'http://127.0.0.1:8008/primary' has a path", "base URL"}},
      {"iris url without scheme",
       leader("source = \"iris\"\nurl = \"127.0.0.1:52773/csp/user/mirror_status.cxw\"\n"),
       {"vip[0].leader.url", "is not an http:// or https:// URL", "mirror_status.cxw"}},
      {"command missing",
       leader("source = \"command\"\n"),
       {"vip[0].leader", "needs command", "exit 0 primary"}},
      {"command empty",
       leader("source = \"command\"\ncommand = []\n"),
       {"vip[0].leader.command", "[] is empty"}},
      {"command as a string",
       leader("source = \"command\"\ncommand = \"/bin/true\"\n"),
       {"vip[0].leader.command", "'/bin/true' is a string", "a list like"}},
      {"command relative",
       leader("source = \"command\"\ncommand = [\"am-i-primary\"]\n"),
       {"vip[0].leader.command[0]", "'am-i-primary' is not an absolute path", "/usr/local/bin"}},
      {"command argument not a string",
       leader("source = \"command\"\ncommand = [\"/bin/x\", 3]\n"),
       {"vip[0].leader.command[1]", "3 is an integer", "a string"}},
      {"hold_down negative",
       leader("source = \"trigger\"\nhold_down = -1\n"),
       {"vip[0].leader.hold_down", "-1 is out of range"}},
      {"timeout zero",
       leader("source = \"patroni\"\nurl = \"http://127.0.0.1:8008\"\ntimeout = \"0ms\"\n"),
       {"vip[0].leader.timeout", "'0ms' is out of range", "10ms"}},
      {"etcd without endpoints", leader(etcd), {"vip[0].leader", "needs endpoints", "2379"}},
      {"etcd without key",
       leader("source = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\n"),
       {"vip[0].leader", "needs key", "/service/<scope>/leader"}},
      {"etcd endpoint not a URL",
       leader(etcd + "endpoints = [\"http://127.0.0.1:2379\", \"127.0.0.1:2380\"]\n"),
       {"vip[0].leader.endpoints[1]", "'127.0.0.1:2380'", "http://127.0.0.1:2379"}},
      {"etcd username without password_file",
       leader(etcd + "endpoints = [\"http://127.0.0.1:2379\"]\nusername = \"root\"\n"),
       {"vip[0].leader.username", "go together"}},
      {"etcd relative password_file",
       leader(etcd + "endpoints = [\"http://127.0.0.1:2379\"]\nusername = \"u\"\npassword_file = \"pw\"\n"),
       {"vip[0].leader.password_file", "'pw' is not an absolute path"}},
      {"etcd cert without key",
       leader(etcd + "endpoints = [\"https://127.0.0.1:2379\"]\ncert_file = \"/c.pem\"\n"),
       {"vip[0].leader.cert_file", "cert_file and key_file go together"}},
      {"etcd TLS files with http endpoints",
       leader(etcd + "endpoints = [\"http://127.0.0.1:2379\"]\nca_file = \"/ca.pem\"\n"),
       {"vip[0].leader.endpoints[0]", "'http://127.0.0.1:2379' is plain http", "https://"}},
  };
}

TEST(ConfigDaemonTest, EveryBadInputNamesKeyValueAndFix) {
  std::vector<BadFile> cases = bad_files();
  EXPECT_GE(cases.size(), 35u);
  for (const BadFile& bad : cases) {
    auto config = parse_config(bad.toml, "cloudvip.toml");
    ASSERT_FALSE(config.has_value()) << bad.name;
    EXPECT_EQ(config.error().code, ErrorCode::config) << bad.name;
    for (const std::string& part : bad.expected) {
      EXPECT_NE(config.error().message.find(part), std::string::npos)
          << bad.name << ": '" << part << "' missing from: " << config.error().message;
    }
  }
}

TEST(ConfigDaemonTest, LeaderMustBeATable) {
  auto config = parse_config(
      "[[vip]]\naddress = \"10.109.10.254\"\nroute_tables = \"vpc\"\nleader = \"etcd\"\n", "cloudvip.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message,
            "cloudvip.toml:4: vip[0].leader: 'etcd' is a string; expected the table "
            "[vip.leader], after its [[vip]]");
}

}  // namespace
}  // namespace cloudvip
