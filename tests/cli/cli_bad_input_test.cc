// Bad flags, bad config files and bad environment values: each exits 2 with a message that names the
// problem, and nothing at all reaches "AWS" (no EC2 call, no IMDS call) because every value is checked
// before any client is built.
#include <gtest/gtest.h>

#include "cli_harness.h"

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
      {"UnknownCommand", {"acquier"}, "", {}, "acquier"},
      {"UnknownFlag", flags_rtb({"acquire", "--frobnicate"}), "", {}, "--frobnicate"},
      {"AddressWithPrefix",
       {"--endpoint", "{endpoint}", "--address", "192.168.100.10/32", "--route-table",
        "rtb-0a1b2c3d4e5f6aaa0", "acquire"},
       "",
       {},
       "--address"},
      {"AddressOutOfRange",
       {"--address", "300.1.1.1", "--route-table", "rtb-0a1b2c3d4e5f6aaa0", "acquire"},
       "",
       {},
       "300.1.1.1"},
      {"LoopbackAddress",
       {"--address", "127.0.0.5", "--route-table", "rtb-0a1b2c3d4e5f6aaa0", "status"},
       "",
       {},
       "127.0.0.5"},
      {"MalformedRouteTable", flags({"--route-table", "rtb-xyz", "acquire"}), "", {}, "rtb-xyz"},
      {"NoRouteTable", flags({"acquire"}), "", {}, "--route-table"},
      {"VpcTogetherWithIds", flags_rtb({"--route-table", "vpc", "acquire"}), "", {}, "vpc"},
      {"EmptyTagKey", flags({"--route-table-tag", "=iris", "acquire"}), "", {}, "--route-table-tag"},
      {"LabelTooLong", flags_rtb({"--label", "eth0:muchtoolongforalabel", "acquire"}), "", {}, "--label"},
      {"UnknownMode", flags_rtb({"--mode", "bgp", "acquire"}), "", {}, "bgp"},
      {"SecondaryIpWithRouteTables",
       flags_rtb({"--mode", "secondary-ip", "acquire"}),
       "",
       {},
       "secondary-ip"},
      {"ElasticIpAsAddress", flags_rtb({"--elastic-ip", "203.0.113.10", "acquire"}), "", {}, "eipalloc-"},
      {"InterfaceWithSlash", flags_rtb({"--interface", "eth/0", "acquire"}), "", {}, "eth/0"},
      {"ZeroTimeout", flags_rtb({"--timeout", "0", "acquire"}), "", {}, "--timeout"},
      {"TextTimeout", flags_rtb({"--timeout", "soon", "acquire"}), "", {}, "soon"},
      {"MalformedRegion", flags_rtb({"--region", "us_east_1", "acquire"}), "", {}, "us_east_1"},
      {"FtpEndpoint",
       {"--endpoint", "ftp://127.0.0.1:1", "--address", "192.168.100.10", "--route-table",
        "rtb-0a1b2c3d4e5f6aaa0", "acquire"},
       "",
       {},
       "ftp://127.0.0.1:1"},
      {"MalformedImdsEndpoint",
       flags_rtb({"--imds-endpoint", "169.254.169.254", "acquire"}),
       "",
       {},
       "--imds-endpoint"},
      {"UnknownLogLevel", flags_rtb({"--log-level", "loud", "acquire"}), "", {}, "loud"},
      {"MissingConfigFile",
       {"--config", "/nonexistent/cloudvip.toml", "acquire"},
       "",
       {},
       "/nonexistent/cloudvip.toml"},
      {"ConfigSyntaxError", file({"acquire"}), "[[vip]\naddress = 1", {}, "cloudvip.toml"},
      {"ConfigUnknownKey",
       file({"acquire"}),
       k_good_vip + "route_table = \"rtb-0a1b2c3d4e5f6aaa1\"\n",
       {},
       "route_table"},
      {"ConfigDuplicateAddress",
       file({"acquire"}),
       k_good_vip + "\n[[vip]]\nname = \"two\"\naddress = \"10.109.10.254\"\nroute_tables = \"vpc\"\n",
       {},
       "10.109.10.254"},
      {"ConfigMaxAttemptsZero",
       file({"acquire"}),
       "[aws]\nmax_attempts = 0\n" + k_good_vip,
       {},
       "max_attempts"},
      {"ConfigWithoutVips", file({"acquire"}), "[aws]\nregion = \"us-east-1\"\n", {}, "[[vip]]"},
      {"UnknownVipName", file({"status", "--vip", "irsi"}), k_good_vip, {}, "irsi"},
      {"VipTogetherWithAddress", flags_rtb({"--vip", "iris", "acquire"}), "", {}, "--vip"},
      {"BadMaxAttemptsVariable",
       flags_rtb({"acquire"}),
       "",
       {{"AWS_MAX_ATTEMPTS", "many"}},
       "AWS_MAX_ATTEMPTS"},
      {"MissingCaBundle",
       flags_rtb({"acquire"}),
       "",
       {{"AWS_CA_BUNDLE", "/nonexistent/ca.pem"}},
       "AWS_CA_BUNDLE"},
      {"BadImdsTimeoutVariable",
       flags_rtb({"acquire"}),
       "",
       {{"AWS_METADATA_SERVICE_TIMEOUT", "-1"}},
       "AWS_METADATA_SERVICE_TIMEOUT"},
      {"BadRegionVariable",
       flags({"--route-table", "rtb-0a1b2c3d4e5f6aaa0", "acquire"}),
       "",
       {{"AWS_REGION", "not a region"}},
       "AWS_REGION"},
      {"UnknownProfile", flags_rtb({"--profile", "nosuchprofile", "acquire"}), "", {}, "nosuchprofile"},
      {"MalformedAccount", flags_rtb({"policy", "--account", "12345"}), "", {}, "--account"},
      {"ExtraArgument", flags_rtb({"acquire", "now"}), "", {}, "now"},
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

  RunResult run = run_cloudvip(args, env);
  EXPECT_EQ(run.exit_code, 2) << describe(run);
  EXPECT_NE(run.err.find("cloudvip: error:"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(input.expect), std::string::npos) << "expected '" << input.expect << "' in\n"
                                                           << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
  EXPECT_EQ(sim.calls(true).size(), 0u) << sim.calls(true).dump(2);
}

INSTANTIATE_TEST_SUITE_P(Cases, CliBadInput, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<BadInput>& info) { return info.param.name; });

}  // namespace
}  // namespace cloudvip::clitest
