#include "vip/config.h"

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace cloudvip {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

Config parsed(std::string_view text) {
  auto config = parse_config(text, "test.toml");
  EXPECT_TRUE(config.has_value()) << config.error().message;
  return config.value_or(Config{});
}

TEST(ParseConfigTest, FullFile) {
  Config config = parsed(R"(
[aws]
region = "eu-west-1"
endpoint = "HTTP://127.0.0.1:8080/"
profile = "ha"
imds_endpoint = "http://169.254.169.254"
imds_v1_fallback = true
max_attempts = 5
timeout = 2.5

[[vip]]
name = "iris"
address = "10.109.10.254"
interface = "eth0"
label = "eth0:1"
route_tables = ["rtb-0a1b2c3d", "rtb-0123456789abcdef0"]
elastic_ip = "eipalloc-0123456789abcdef0"
mode = "route"
local_address = false
)");
  EXPECT_EQ(config.source, "test.toml");
  EXPECT_EQ(config.aws.region, "eu-west-1");
  EXPECT_EQ(config.aws.endpoint, "http://127.0.0.1:8080");
  EXPECT_EQ(config.aws.profile, "ha");
  EXPECT_EQ(config.aws.imds_endpoint, "http://169.254.169.254");
  EXPECT_TRUE(config.aws.imds_v1_fallback);
  EXPECT_EQ(config.aws.max_attempts, 5);
  EXPECT_EQ(config.aws.timeout, Millis(2500));
  ASSERT_EQ(config.vips.size(), 1u);
  const VipSpec& vip = config.vips[0];
  EXPECT_EQ(vip.name, "iris");
  EXPECT_EQ(vip.address.to_string(), "10.109.10.254");
  EXPECT_EQ(vip.interface, "eth0");
  EXPECT_EQ(vip.label, "eth0:1");
  EXPECT_EQ(vip.route_tables,
            RouteTablesSetting(ExplicitRouteTables{{"rtb-0a1b2c3d", "rtb-0123456789abcdef0"}}));
  EXPECT_EQ(vip.elastic_ip, "eipalloc-0123456789abcdef0");
  EXPECT_EQ(vip.mode, VipMode::route);
  EXPECT_FALSE(vip.local_address);
}

TEST(ParseConfigTest, MinimalFileTakesDefaults) {
  Config config = parsed("[[vip]]\naddress = \"192.168.100.10\"\nroute_tables = [\"rtb-0a1b2c3d\"]\n");
  EXPECT_FALSE(config.aws.region || config.aws.endpoint || config.aws.profile || config.aws.imds_endpoint ||
               config.aws.max_attempts || config.aws.timeout);
  EXPECT_FALSE(config.aws.imds_v1_fallback);
  ASSERT_EQ(config.vips.size(), 1u);
  const VipSpec& vip = config.vips[0];
  EXPECT_EQ(vip.name, "192.168.100.10");  // the address names an unnamed VIP
  EXPECT_FALSE(vip.interface || vip.label || vip.elastic_ip);
  EXPECT_EQ(vip.mode, VipMode::route);
  EXPECT_TRUE(vip.local_address);
}

TEST(ParseConfigTest, RouteTablesVpcSelectsTheWholeVpc) {
  Config config = parsed("[[vip]]\naddress = \"10.1.2.3\"\nroute_tables = \"vpc\"\n");
  ASSERT_EQ(config.vips.size(), 1u);
  EXPECT_EQ(config.vips[0].route_tables, RouteTablesSetting(WholeVpcRouteTables{}));
}

TEST(ParseConfigTest, TagSelector) {
  Config config = parsed("[[vip]]\naddress = \"10.1.2.3\"\nroute_table_tag = \"cloudvip=iris\"\n");
  ASSERT_EQ(config.vips.size(), 1u);
  EXPECT_EQ(config.vips[0].route_tables, RouteTablesSetting(RouteTableTag{"cloudvip", "iris"}));
}

TEST(ParseConfigTest, SecondaryIpModeTakesNoRouteTables) {
  // Whether the VIP lies in the members' shared subnet can only be checked against AWS: accepted here.
  Config config = parsed("[[vip]]\naddress = \"10.0.1.50\"\nmode = \"secondary-ip\"\n");
  ASSERT_EQ(config.vips.size(), 1u);
  EXPECT_EQ(config.vips[0].mode, VipMode::secondary_ip);
  EXPECT_FALSE(config.vips[0].route_tables.has_value());
}

TEST(ParseConfigTest, SeveralVipsAndTimeoutAsText) {
  Config config = parsed(R"(
[aws]
timeout = "500ms"
[[vip]]
name = "iris"
address = "10.109.10.254"
route_tables = "vpc"
[[vip]]
name = "pg"
address = "192.168.100.20"
route_table_tag = "cloudvip=pg"
)");
  EXPECT_EQ(config.aws.timeout, Millis(500));
  ASSERT_EQ(config.vips.size(), 2u);
  EXPECT_EQ(config.vips[1].name, "pg");
}

TEST(ParseConfigTest, FileWithOnlyAwsParses) {
  Config config = parsed("[aws]\nregion = \"us-east-1\"\n");
  EXPECT_TRUE(config.vips.empty());
}

TEST(SelectVipsTest, ByNameOrAll) {
  Config config = parsed(R"(
[[vip]]
name = "iris"
address = "10.109.10.254"
route_tables = "vpc"
[[vip]]
name = "pg"
address = "192.168.100.20"
route_tables = "vpc"
)");
  auto all = select_vips(config, std::nullopt);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), 2u);
  auto pg = select_vips(config, "pg");
  ASSERT_TRUE(pg.has_value());
  ASSERT_EQ(pg->size(), 1u);
  EXPECT_EQ((*pg)[0].name, "pg");
}

TEST(SelectVipsTest, UnknownNameListsTheKnownOnes) {
  Config config = parsed(R"(
[[vip]]
name = "iris"
address = "10.109.10.254"
route_tables = "vpc"
[[vip]]
name = "pg"
address = "192.168.100.20"
route_tables = "vpc"
)");
  auto selected = select_vips(config, "irsi");
  ASSERT_FALSE(selected.has_value());
  EXPECT_EQ(selected.error().code, ErrorCode::config);
  const std::string& message = selected.error().message;
  EXPECT_TRUE(contains(message, "--vip")) << message;
  EXPECT_TRUE(contains(message, "'irsi'")) << message;
  EXPECT_TRUE(contains(message, "iris and pg")) << message;
  EXPECT_TRUE(contains(message, "leave --vip out")) << message;
}

TEST(LoadConfigFileTest, ReadsTheFile) {
  testing::TempDir dir;
  std::string path = dir.write("cloudvip.toml", "[[vip]]\naddress = \"10.1.2.3\"\nroute_tables = \"vpc\"\n");
  auto config = load_config_file(path);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->source, path);
  EXPECT_EQ(config->vips.size(), 1u);
}

TEST(LoadConfigFileTest, MissingFileNamesThePathAndTheAlternatives) {
  testing::TempDir dir;
  std::string path = dir.path() + "/absent.toml";
  auto config = load_config_file(path);
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code, ErrorCode::config);
  const std::string& message = config.error().message;
  EXPECT_TRUE(contains(message, path)) << message;
  EXPECT_TRUE(contains(message, "--config")) << message;
  EXPECT_TRUE(contains(message, "CLOUDVIP_CONFIG")) << message;
  EXPECT_TRUE(contains(message, "--address")) << message;
}

TEST(LoadConfigFileTest, DirectoryIsAnError) {
  testing::TempDir dir;
  auto config = load_config_file(dir.path());
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code, ErrorCode::config);
  EXPECT_TRUE(contains(config.error().message, dir.path() + ": is a directory")) << config.error().message;
}

TEST(LoadConfigFileTest, ErrorsCarryThePath) {
  testing::TempDir dir;
  std::string path =
      dir.write("bad.toml", "[[vip]]\naddress = \"10.1.2.3\"\nroute_tables = \"vpc\"\nmode = \"x\"\n");
  auto config = load_config_file(path);
  ASSERT_FALSE(config.has_value());
  EXPECT_TRUE(contains(config.error().message, path + ":4: vip[0].mode")) << config.error().message;
}

}  // namespace
}  // namespace cloudvip
