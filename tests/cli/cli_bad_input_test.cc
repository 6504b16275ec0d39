// Bad flags, bad config files and bad environment values: each exits 2 with a message that names the
// problem, and nothing at all reaches "AWS" (no EC2 call, no IMDS call) because every value is checked
// before any client is built.
#include <gtest/gtest.h>

#include "cli_harness.h"
#include "testing/offline_environment.h"

namespace cloudvip::clitest {
namespace {

struct BadInput {
  std::string name;
  std::vector<std::string> args;  // "{endpoint}" and "{config}" are replaced
  std::string config;             // written to cloudvip.toml when not empty
  Env env;                        // added to instance a's environment
  std::string expect;             // a part of the error message: the field, value or fix
};

const std::string k_good_vip = R"(
[[vip]]
name = "iris"
address = "10.109.10.254"
route_tables = ["rtb-0a1b2c3d4e5f6aaa0"]
local_address = false
)";

std::vector<BadInput> cases() {
  std::vector<std::string> vip = {"--endpoint", "{endpoint}", "--no-local", "--address", "192.168.100.10"};
  auto flags = [&](std::vector<std::string> more) {
    std::vector<std::string> args = vip;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  std::vector<std::string> rtb = {"--route-table", "rtb-0a1b2c3d4e5f6aaa0"};
  auto flags_rtb = [&](std::vector<std::string> more) {
    std::vector<std::string> args = flags(rtb);
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  auto file = [](std::vector<std::string> more) {
    std::vector<std::string> args = {"--config", "{config}"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  return {
      {"NoCommand", {"--endpoint", "{endpoint}"}, "", {}, "no command given"},
      {"UnknownCommand", {"acquier"}, "", {}, "not expected: acquier"},
      {"UnknownFlag", flags_rtb({"acquire", "--frobnicate"}), "", {}, "not expected: --frobnicate"},
      {"AddressWithPrefix",
       {"--endpoint", "{endpoint}", "--address", "192.168.100.10/32", "--route-table",
        "rtb-0a1b2c3d4e5f6aaa0", "acquire"},
       "",
       {},
       "--address: '192.168.100.10/32' is a CIDR block"},
      {"AddressOutOfRange",
       {"--address", "300.1.1.1", "--route-table", "rtb-0a1b2c3d4e5f6aaa0", "acquire"},
       "",
       {},
       "--address: '300.1.1.1' is not an IPv4 address"},
      {"LoopbackAddress",
       {"--address", "127.0.0.5", "--route-table", "rtb-0a1b2c3d4e5f6aaa0", "status"},
       "",
       {},
       "--address: '127.0.0.5' is a loopback address"},
      {"MalformedRouteTable",
       flags({"--route-table", "rtb-xyz", "acquire"}),
       "",
       {},
       "--route-table: 'rtb-xyz' is not a route table id"},
      {"NoRouteTable", flags({"acquire"}), "", {}, "--route-table: not given"},
      {"VpcTogetherWithIds",
       flags_rtb({"--route-table", "vpc", "acquire"}),
       "",
       {},
       "--route-table: 'vpc' is given together with route table ids"},
      {"EmptyTagKey",
       flags({"--route-table-tag", "=iris", "acquire"}),
       "",
       {},
       "--route-table-tag: '=iris' is not a tag selector: the tag key is empty"},
      {"LabelTooLong",
       flags_rtb({"--label", "eth0:muchtoolongforalabel", "acquire"}),
       "",
       {},
       "--label: 'eth0:muchtoolongforalabel' is 25 characters long"},
      {"UnknownMode", flags_rtb({"--mode", "bgp", "acquire"}), "", {}, "--mode: 'bgp' is not a mode"},
      {"SecondaryIpWithRouteTables",
       flags_rtb({"--mode", "secondary-ip", "acquire"}),
       "",
       {},
       "--mode secondary-ip moves a private IP and changes no routes"},
      {"ElasticIpAsAddress",
       flags_rtb({"--elastic-ip", "203.0.113.10", "acquire"}),
       "",
       {},
       "--elastic-ip: '203.0.113.10' is not an Elastic IP allocation id"},
      {"InterfaceWithSlash",
       flags_rtb({"--interface", "eth/0", "acquire"}),
       "",
       {},
       "--interface: 'eth/0' contains '/'"},
      {"ZeroTimeout",
       flags_rtb({"--timeout", "0", "acquire"}),
       "",
       {},
       "--timeout: '0' is not a usable timeout"},
      {"TextTimeout",
       flags_rtb({"--timeout", "soon", "acquire"}),
       "",
       {},
       "--timeout: 'soon' is not a duration"},
      {"MalformedRegion",
       flags_rtb({"--region", "us_east_1", "acquire"}),
       "",
       {},
       "--region: 'us_east_1' is not an AWS region name"},
      {"FtpEndpoint",
       {"--endpoint", "ftp://127.0.0.1:1", "--address", "192.168.100.10", "--route-table",
        "rtb-0a1b2c3d4e5f6aaa0", "acquire"},
       "",
       {},
       "--endpoint: 'ftp://127.0.0.1:1' is not a valid EC2 endpoint URL: the scheme must be https or http"},
      {"MalformedImdsEndpoint",
       flags_rtb({"--imds-endpoint", "169.254.169.254", "acquire"}),
       "",
       {},
       "--imds-endpoint: '169.254.169.254' is not an IMDS endpoint URL"},
      {"UnknownLogLevel",
       flags_rtb({"--log-level", "loud", "acquire"}),
       "",
       {},
       "--log-level: 'loud' is not a log level"},
      {"MissingConfigFile",
       {"--config", "/nonexistent/cloudvip.toml", "acquire"},
       "",
       {},
       "/nonexistent/cloudvip.toml: no such configuration file"},
      {"ConfigSyntaxError",
       file({"acquire"}),
       "[[vip]\naddress = 1",
       {},
       "cloudvip.toml:1:7: line 1 is not valid TOML"},
      {"ConfigUnknownKey",
       file({"acquire"}),
       k_good_vip + "route_table = \"rtb-0a1b2c3d4e5f6aaa1\"\n",
       {},
       "vip[0].route_table: 'rtb-0a1b2c3d4e5f6aaa1' is not a known key"},
      {"ConfigDuplicateAddress",
       file({"acquire"}),
       k_good_vip + "\n[[vip]]\nname = \"two\"\naddress = \"10.109.10.254\"\nroute_tables = \"vpc\"\n",
       {},
       "vip[1].address: '10.109.10.254' is also the address of vip[0]"},
      {"ConfigMaxAttemptsZero",
       file({"acquire"}),
       "[aws]\nmax_attempts = 0\n" + k_good_vip,
       {},
       "aws.max_attempts: 0 is not a valid number of attempts"},
      {"ConfigWithoutVips",
       file({"acquire"}),
       "[aws]\nregion = \"us-east-1\"\n",
       {},
       "cloudvip.toml: has no [[vip]]"},
      {"UnknownVipName", file({"status", "--vip", "irsi"}), k_good_vip, {}, "--vip: 'irsi' is not a VIP of"},
      {"VipTogetherWithAddress",
       flags_rtb({"--vip", "iris", "acquire"}),
       "",
       {},
       "--vip: 'iris' selects a [[vip]] of the config file, but --address describes the only VIP"},
      {"BadMaxAttemptsVariable",
       flags_rtb({"acquire"}),
       "",
       {{"AWS_MAX_ATTEMPTS", "many"}},
       "AWS_MAX_ATTEMPTS: 'many' is not a number of attempts"},
      {"MissingCaBundle",
       flags_rtb({"acquire"}),
       "",
       {{"AWS_CA_BUNDLE", "/nonexistent/ca.pem"}},
       "AWS_CA_BUNDLE: '/nonexistent/ca.pem' is not a readable file"},
      {"BadImdsTimeoutVariable",
       flags_rtb({"acquire"}),
       "",
       {{"AWS_METADATA_SERVICE_TIMEOUT", "-1"}},
       "AWS_METADATA_SERVICE_TIMEOUT='-1' is not a number of seconds"},
      {"BadRegionVariable",
       flags({"--route-table", "rtb-0a1b2c3d4e5f6aaa0", "acquire"}),
       "",
       {{"AWS_REGION", "not a region"}},
       "AWS_REGION: 'not a region' is not an AWS region name"},
      {"UnknownProfile",
       flags_rtb({"--profile", "nosuchprofile", "acquire"}),
       "",
       {},
       "--profile: 'nosuchprofile' is not a profile"},
      {"MalformedAccount",
       flags_rtb({"policy", "--account", "12345"}),
       "",
       {},
       "--account: '12345' is not an AWS account id"},
      {"ExtraArgument", flags_rtb({"acquire", "now"}), "", {}, "not expected: now"},
  };
}

class CliBadInput : public ::testing::TestWithParam<BadInput> {
 protected:
  static void SetUpTestSuite() { s_sim = new Sim(two_az_text()); }
  static void TearDownTestSuite() {
    delete s_sim;
    s_sim = nullptr;
  }
  static Sim* s_sim;
};

Sim* CliBadInput::s_sim = nullptr;

TEST_P(CliBadInput, ExitsTwoNamingTheProblemAndCallsNothing) {
  const BadInput& input = GetParam();
  Sim& sim = *s_sim;
  sim.clear_calls();
  std::string config_path = sim.dir().path() + "/cloudvip.toml";
  if (!input.config.empty()) {
    sim.dir().write("cloudvip.toml", input.config);
  }
  std::vector<std::string> args;
  for (std::string arg : input.args) {
    if (arg == "{endpoint}") {
      arg = sim.endpoint();
    } else if (arg == "{config}") {
      arg = config_path;
    }
    args.push_back(arg);
  }
  Env env = sim.env_for(k_instance_a);
  env.insert(input.env.begin(), input.env.end());

  int tripwire_before = testing::offline_tripwire().attempts();
  RunResult run = run_cloudvip(args, env);
  EXPECT_EQ(run.exit_code, 2) << describe(run);
  EXPECT_NE(run.err.find("cloudvip: error:"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(input.expect), std::string::npos) << "expected '" << input.expect << "' in\n"
                                                           << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
  // Nothing reached any endpoint: neither the simulator (EC2 or IMDS) nor the tripwire that stands for
  // every endpoint the test did not name (the default IMDS and EC2 ones).
  EXPECT_EQ(sim.calls(true).size(), 0u) << sim.calls(true).dump(2);
  EXPECT_EQ(testing::offline_tripwire().attempts(), tripwire_before)
      << "cloudvip connected to the default endpoint " << testing::offline_tripwire().url();
}

INSTANTIATE_TEST_SUITE_P(Cases, CliBadInput, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<BadInput>& info) { return info.param.name; });

}  // namespace
}  // namespace cloudvip::clitest
