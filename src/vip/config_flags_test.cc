#include "vip/config_flags.h"

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace cloudvip {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

ConfigFlags one_vip() {
  ConfigFlags flags;
  flags.address = "10.109.10.254";
  flags.route_tables = {"rtb-0a1b2c3d", "rtb-0123456789abcdef0"};
  return flags;
}

constexpr std::string_view k_file = R"(
[aws]
region = "eu-west-1"
endpoint = "http://127.0.0.1:8080"
max_attempts = 4
[[vip]]
name = "iris"
address = "10.109.10.254"
route_tables = "vpc"
[[vip]]
name = "pg"
address = "192.168.100.20"
route_tables = "vpc"
)";

TEST(ConfigFromFlagsTest, OneVipFromFlagsAlone) {
  ConfigFlags flags = one_vip();
  flags.interface = "eth0";
  flags.label = "eth0:1";
  flags.elastic_ip = "eipalloc-0a1b2c3d";
  flags.no_local = true;
  flags.region = "us-east-2";
  flags.timeout = "1500ms";
  auto config = config_from_flags(flags);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->source, "flags");
  EXPECT_EQ(config->aws.region, "us-east-2");
  EXPECT_EQ(config->aws.timeout, Millis(1500));
  ASSERT_EQ(config->vips.size(), 1u);
  const VipSpec& vip = config->vips[0];
  EXPECT_EQ(vip.name, "10.109.10.254");
  EXPECT_EQ(vip.address.to_string(), "10.109.10.254");
  EXPECT_EQ(vip.interface, "eth0");
  EXPECT_EQ(vip.label, "eth0:1");
  EXPECT_EQ(vip.route_tables,
            RouteTablesSetting(ExplicitRouteTables{{"rtb-0a1b2c3d", "rtb-0123456789abcdef0"}}));
  EXPECT_EQ(vip.elastic_ip, "eipalloc-0a1b2c3d");
  EXPECT_EQ(vip.mode, VipMode::route);
  EXPECT_FALSE(vip.local_address);
}

TEST(ConfigFromFlagsTest, RouteTableVpcAndTag) {
  ConfigFlags flags = one_vip();
  flags.route_tables = {"vpc"};
  auto whole = config_from_flags(flags);
  ASSERT_TRUE(whole.has_value()) << whole.error().message;
  EXPECT_EQ(whole->vips[0].route_tables, RouteTablesSetting(WholeVpcRouteTables{}));

  flags.route_tables.clear();
  flags.route_table_tag = "cloudvip=iris";
  auto tagged = config_from_flags(flags);
  ASSERT_TRUE(tagged.has_value()) << tagged.error().message;
  EXPECT_EQ(tagged->vips[0].route_tables, RouteTablesSetting(RouteTableTag{"cloudvip", "iris"}));
}

struct BadFlags {
  std::string name;
  ConfigFlags flags;
  std::vector<std::string> expected;
};

TEST(ConfigFromFlagsTest, BadFlagsNameFlagValueAndFix) {
  auto with = [](auto change) {
    ConfigFlags flags = one_vip();
    change(flags);
    return flags;
  };
  std::vector<BadFlags> cases = {
      {"bad route table",
       with([](ConfigFlags& f) { f.route_tables = {"rtb-xyz"}; }),
       {"--route-table", "'rtb-xyz'", "rtb- followed by 8 or 17"}},
      {"vpc mixed with ids",
       with([](ConfigFlags& f) { f.route_tables.push_back("vpc"); }),
       {"--route-table", "'vpc'", "give it alone"}},
      {"no route table",
       with([](ConfigFlags& f) { f.route_tables.clear(); }),
       {"--route-table", "not given", "--route-table vpc"}},
      {"table twice",
       with([](ConfigFlags& f) {
         f.route_tables = {"rtb-0a1b2c3d", "rtb-0a1b2c3d"};
       }),
       {"--route-table", "'rtb-0a1b2c3d' is given twice", "each route table once"}},
      {"bad address",
       with([](ConfigFlags& f) { f.address = "10.109.10.256"; }),
       {"--address", "'10.109.10.256'", "four numbers"}},
      {"bad label",
       with([](ConfigFlags& f) {
         f.interface = "ens5";
         f.label = "eth0:1";
       }),
       {"--label", "'eth0:1'", "ens5:1"}},
      {"bad interface",
       with([](ConfigFlags& f) { f.interface = "eth0/1"; }),
       {"--interface", "'eth0/1'", "eth0"}},
      {"bad elastic ip",
       with([](ConfigFlags& f) { f.elastic_ip = "eipassoc-0a1b2c3d"; }),
       {"--elastic-ip", "'eipassoc-0a1b2c3d'", "not an association id"}},
      {"bad region",
       with([](ConfigFlags& f) { f.region = "EU-WEST-1"; }),
       {"--region", "'EU-WEST-1'", "us-east-1"}},
      {"bad endpoint",
       with([](ConfigFlags& f) { f.endpoint = "ftp://x"; }),
       {"--endpoint", "'ftp://x'", "expected a form like"}},
      {"bad timeout", with([](ConfigFlags& f) { f.timeout = "0s"; }), {"--timeout", "'0s'", "more than 0"}},
      {"empty profile", with([](ConfigFlags& f) { f.profile = ""; }), {"--profile", "''", "leave it out"}},
      {"secondary-ip with route tables",
       with([](ConfigFlags& f) { f.mode = "secondary-ip"; }),
       {"--route-table", "'rtb-0a1b2c3d'", "--mode route"}},
      {"vip flag without --address",
       with([](ConfigFlags& f) { f.address.reset(); }),
       {"--route-table", "--address is missing", "[[vip]]"}},
  };
  for (const BadFlags& bad : cases) {
    auto config = config_from_flags(bad.flags);
    ASSERT_FALSE(config.has_value()) << bad.name;
    EXPECT_EQ(config.error().code, ErrorCode::config) << bad.name;
    for (const std::string& part : bad.expected) {
      EXPECT_TRUE(contains(config.error().message, part))
          << bad.name << ": '" << part << "' missing from: " << config.error().message;
    }
  }
}

TEST(LoadConfigTest, GlobalFlagsOverrideTheFileAws) {
  testing::TempDir dir;
  ConfigFlags flags;
  flags.config_path = dir.write("cloudvip.toml", std::string(k_file));
  flags.region = "us-west-2";
  flags.timeout = "3";
  auto config = load_config(flags, MapEnvironment{});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->source, *flags.config_path);
  EXPECT_EQ(config->aws.region, "us-west-2");                // the flag wins
  EXPECT_EQ(config->aws.endpoint, "http://127.0.0.1:8080");  // the file's, no flag
  EXPECT_EQ(config->aws.max_attempts, 4);
  EXPECT_EQ(config->aws.timeout, Millis(3000));
  EXPECT_EQ(config->vips.size(), 2u);
}

TEST(LoadConfigTest, CloudvipConfigNamesTheFile) {
  testing::TempDir dir;
  MapEnvironment env{{"CLOUDVIP_CONFIG", dir.write("from-env.toml", std::string(k_file))}};
  auto config = load_config(ConfigFlags{}, env);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->vips.size(), 2u);
}

TEST(LoadConfigTest, ConfigFlagWinsOverEnvironment) {
  testing::TempDir dir;
  MapEnvironment env{{"CLOUDVIP_CONFIG", dir.path() + "/absent.toml"}};
  ConfigFlags flags;
  flags.config_path = dir.write("cloudvip.toml", std::string(k_file));
  auto config = load_config(flags, env);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->source, *flags.config_path);
}

TEST(LoadConfigTest, AddressUsesFlagsVipAndExplicitFileAws) {
  testing::TempDir dir;
  ConfigFlags flags = one_vip();
  flags.address = "192.168.100.99";
  flags.config_path = dir.write("cloudvip.toml", std::string(k_file));
  flags.endpoint = "http://127.0.0.1:9090";
  auto config = load_config(flags, MapEnvironment{});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->source, "flags");
  ASSERT_EQ(config->vips.size(), 1u);  // the file's [[vip]] entries are ignored
  EXPECT_EQ(config->vips[0].address.to_string(), "192.168.100.99");
  EXPECT_EQ(config->aws.region, "eu-west-1");  // [aws] of the named file
  EXPECT_EQ(config->aws.endpoint, "http://127.0.0.1:9090");
}

TEST(LoadConfigTest, AddressWithoutNamedFileReadsNoFile) {
  // The default file may or may not exist on this machine: the result must not depend on it.
  auto config = load_config(one_vip(), MapEnvironment{});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->source, "flags");
  EXPECT_FALSE(config->aws.region.has_value());
}

TEST(LoadConfigTest, AddressWithVipNameIsRefused) {
  ConfigFlags flags = one_vip();
  flags.vip_name = "iris";
  auto config = load_config(flags, MapEnvironment{});
  ASSERT_FALSE(config.has_value());
  EXPECT_TRUE(contains(config.error().message, "--vip: 'iris'")) << config.error().message;
  EXPECT_TRUE(contains(config.error().message, "drop one")) << config.error().message;
}

TEST(LoadConfigTest, FileWithoutVipsIsNothingToDo) {
  testing::TempDir dir;
  ConfigFlags flags;
  flags.config_path = dir.write("cloudvip.toml", "[aws]\nregion = \"eu-west-1\"\n");
  auto config = load_config(flags, MapEnvironment{});
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code, ErrorCode::config);
  const std::string& message = config.error().message;
  EXPECT_TRUE(contains(message, *flags.config_path)) << message;
  EXPECT_TRUE(contains(message, "nothing to do")) << message;
  EXPECT_TRUE(contains(message, "[[vip]]")) << message;
  EXPECT_TRUE(contains(message, "--address")) << message;
}

TEST(LoadConfigTest, MissingNamedFileIsAnError) {
  testing::TempDir dir;
  MapEnvironment env{{"CLOUDVIP_CONFIG", dir.path() + "/absent.toml"}};
  auto config = load_config(ConfigFlags{}, env);
  ASSERT_FALSE(config.has_value());
  EXPECT_TRUE(contains(config.error().message, dir.path() + "/absent.toml")) << config.error().message;
  EXPECT_TRUE(contains(config.error().message, "--address")) << config.error().message;
}

TEST(LoadConfigTest, BadGlobalFlagOverFileIsAnError) {
  testing::TempDir dir;
  ConfigFlags flags;
  flags.config_path = dir.write("cloudvip.toml", std::string(k_file));
  flags.imds_endpoint = "169.254.169.254";
  auto config = load_config(flags, MapEnvironment{});
  ASSERT_FALSE(config.has_value());
  EXPECT_TRUE(contains(config.error().message, "--imds-endpoint: '169.254.169.254'"))
      << config.error().message;
}

}  // namespace
}  // namespace cloudvip
