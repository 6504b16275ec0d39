// The bad inputs of a config file: each must be refused with an ErrorCode::config message that names the
// key, shows the value and says how to fix it.
#include <gtest/gtest.h>

#include <vector>

#include "vip/config.h"

namespace cloudvip {
namespace {

struct BadFile {
  std::string name;  // for the failure output
  std::string toml;
  std::vector<std::string> expected;  // the key, the value, a fix hint (each must appear in the message)
};

// A valid VIP table with `lines` added (or overriding, when they replace a key below).
std::string vip(const std::string& lines, const std::string& address = "address = \"10.109.10.254\"\n",
                const std::string& tables = "route_tables = [\"rtb-0a1b2c3d\"]\n") {
  return "[[vip]]\nname = \"iris\"\n" + address + tables + lines;
}

std::vector<BadFile> bad_files() {
  const std::string no_address;
  const std::string no_tables;
  return {
      {"syntax error", "[[vip]]\naddress = 10.109.10.254.1\n", {"test.toml:2:", "line 2", "double quotes"}},
      {"unterminated string", "[aws]\nregion = \"eu-west-1\n", {"test.toml:2", "line 2", "fix that line"}},
      {"unknown top-level key",
       "[vips]\nx = 1\n" + vip(""),
       {"test.toml:1: vips", "[vips] is not a known key", "did you mean 'vip'"}},
      {"unknown [[vip]] key",
       vip("adress = \"10.0.0.1\"\n", no_address),
       {"vip[0].adress", "'10.0.0.1'", "did you mean 'address'"}},
      {"unknown [aws] key",
       "[aws]\nregoin = \"eu-west-1\"\n" + vip(""),
       {"aws.regoin", "'eu-west-1'", "did you mean 'region'"}},
      {"credentials in the file",
       "[aws]\nsecret_access_key = \"wJalrXUtnFEMI\"\n" + vip(""),
       {"aws.secret_access_key", "(value hidden)", "instance profile"}},
      {"address of the wrong type",
       vip("", "address = 10\n"),
       {"vip[0].address", "10 is an integer", "double quotes"}},
      {"local_address as a string",
       vip("local_address = \"yes\"\n"),
       {"vip[0].local_address", "'yes' is a string", "true or false"}},
      {"max_attempts as a string",
       "[aws]\nmax_attempts = \"3\"\n" + vip(""),
       {"aws.max_attempts", "'3' is a string", "without quotes"}},
      {"[vip] as a single table",
       "[vip]\naddress = \"10.1.2.3\"\n",
       {"vip", "[vip] is a single table", "[[vip]]"}},
      {"missing address", vip("", no_address), {"test.toml:1: vip[0]", "no address", "address = \""}},
      {"address octet above 255",
       vip("", "address = \"10.109.10.256\"\n"),
       {"vip[0].address", "'10.109.10.256'", "four numbers 0-255"}},
      {"address with three octets",
       vip("", "address = \"10.109.10\"\n"),
       {"vip[0].address", "'10.109.10'", "four numbers"}},
      {"address not a number",
       vip("", "address = \"abc\"\n"),
       {"vip[0].address", "'abc'", "e.g. 10.109.10.254"}},
      {"IPv6 address",
       vip("", "address = \"2001:db8::10\"\n"),
       {"vip[0].address", "'2001:db8::10'", "not supported yet"}},
      {"CIDR instead of address",
       vip("", "address = \"10.109.10.254/27\"\n"),
       {"vip[0].address", "'10.109.10.254/27'", "'10.109.10.254'"}},
      {"address 0.0.0.0",
       vip("", "address = \"0.0.0.0\"\n"),
       {"vip[0].address", "'0.0.0.0'", "overlay address"}},
      {"broadcast address",
       vip("", "address = \"255.255.255.255\"\n"),
       {"vip[0].address", "'255.255.255.255'", "broadcast", "choose a private"}},
      {"loopback address",
       vip("", "address = \"127.0.0.5\"\n"),
       {"vip[0].address", "'127.0.0.5'", "loopback", "choose a private"}},
      {"link-local address",
       vip("", "address = \"169.254.169.254\"\n"),
       {"vip[0].address", "'169.254.169.254'", "169.254.168.0/22", "choose a private"}},
      {"multicast address",
       vip("", "address = \"239.1.1.1\"\n"),
       {"vip[0].address", "'239.1.1.1'", "multicast", "choose a private"}},
      {"malformed route table id",
       vip("", "address = \"10.1.2.3\"\n", "route_tables = [\"rtb-0a1b2c3d\", \"rtb-xyz\"]\n"),
       {"vip[0].route_tables[1]", "'rtb-xyz' is not a route table id",
        "rtb- followed by 8 or 17 lower-case hex"}},
      {"route table id not a string",
       vip("", "address = \"10.1.2.3\"\n", "route_tables = [42]\n"),
       {"vip[0].route_tables[0]", "42 is an integer", "\"rtb-0a1b2c3d\""}},
      {"repeated route table",
       vip("", "address = \"10.1.2.3\"\n", "route_tables = [\"rtb-0a1b2c3d\", \"rtb-0a1b2c3d\"]\n"),
       {"vip[0].route_tables[1]", "'rtb-0a1b2c3d' is listed twice", "remove"}},
      {"empty route_tables",
       vip("", "address = \"10.1.2.3\"\n", "route_tables = []\n"),
       {"vip[0].route_tables", "[] is empty", "route_tables = \"vpc\""}},
      {"route_tables string other than vpc",
       vip("", "address = \"10.1.2.3\"\n", "route_tables = \"all\"\n"),
       {"vip[0].route_tables", "'all'", "\"vpc\""}},
      {"route_tables and route_table_tag",
       vip("route_table_tag = \"cloudvip=iris\"\n"),
       {"vip[0].route_table_tag", "'cloudvip=iris'", "exactly one"}},
      {"no route tables at all",
       vip("", "address = \"10.1.2.3\"\n", no_tables),
       {"vip[0]", "no route_tables", "route_tables = \"vpc\"", "route_table_tag"}},
      {"tag selector without '='",
       vip("", "address = \"10.1.2.3\"\n", "route_table_tag = \"cloudvip\"\n"),
       {"vip[0].route_table_tag", "'cloudvip'", "KEY=VALUE"}},
      {"tag selector with empty key",
       vip("", "address = \"10.1.2.3\"\n", "route_table_tag = \"=iris\"\n"),
       {"vip[0].route_table_tag", "'=iris'", "KEY=VALUE"}},
      {"elastic ip as address",
       vip("elastic_ip = \"54.1.2.3\"\n"),
       {"vip[0].elastic_ip", "'54.1.2.3'", "describe-addresses --public-ips 54.1.2.3"}},
      {"elastic ip malformed",
       vip("elastic_ip = \"eipalloc-zz\"\n"),
       {"vip[0].elastic_ip", "'eipalloc-zz'", "eipalloc- followed by"}},
      {"bad mode", vip("mode = \"secondary_ip\"\n"), {"vip[0].mode", "'secondary_ip'", "\"secondary-ip\""}},
      {"secondary-ip with route tables",
       vip("mode = \"secondary-ip\"\n"),
       {"vip[0].route_tables", "secondary-ip", "remove it"}},
      {"label too long",
       vip("interface = \"eth0\"\nlabel = \"eth0:failover-vip\"\n"),
       {"vip[0].label", "'eth0:failover-vip'", "at most 15", "eth0:1"}},
      {"label of another interface",
       vip("interface = \"eth0\"\nlabel = \"eth1:1\"\n"),
       {"vip[0].label", "'eth1:1'", "'eth0:'", "eth0:1"}},
      {"label without interface part",
       vip("label = \"vip1\"\n"),
       {"vip[0].label", "'vip1'", "<interface>:<suffix>"}},
      {"empty interface", vip("interface = \"\"\n"), {"vip[0].interface", "'' is empty", "such as eth0"}},
      {"interface too long",
       vip("interface = \"averyveryverylongname\"\n"),
       {"vip[0].interface", "'averyveryverylongname'", "at most 15"}},
      {"interface with a slash",
       vip("interface = \"eth/0\"\n"),
       {"vip[0].interface", "'eth/0'", "'/'", "eth0"}},
      {"interface with whitespace",
       vip("interface = \"eth 0\"\n"),
       {"vip[0].interface", "'eth 0'", "whitespace", "eth0"}},
      {"interface given as a label",
       vip("interface = \"eth0:1\"\n"),
       {"vip[0].interface", "'eth0:1'", "label = \"eth0:1\""}},
      {"bad vip name",
       "[[vip]]\nname = \"my vip\"\naddress = \"10.1.2.3\"\nroute_tables = \"vpc\"\n",
       {"vip[0].name", "'my vip'", "letters, digits"}},
      {"duplicate names",
       vip("") + vip("", "address = \"192.168.100.20\"\n"),
       {"test.toml:6: vip[1].name", "'iris'", "vip[0]", "its own name"}},
      {"duplicate addresses",
       vip("") + "[[vip]]\nname = \"pg\"\naddress = \"10.109.10.254\"\nroute_tables = \"vpc\"\n",
       {"test.toml:7: vip[1].address", "'10.109.10.254'", "vip[0]", "its own address"}},
      {"bad region", "[aws]\nregion = \"eu-west\"\n" + vip(""), {"aws.region", "'eu-west'", "us-east-1"}},
      {"bad endpoint",
       "[aws]\nendpoint = \"ec2.eu-west-1.amazonaws.com\"\n" + vip(""),
       {"aws.endpoint", "'ec2.eu-west-1.amazonaws.com'", "expected a form like"}},
      {"bad imds endpoint",
       "[aws]\nimds_endpoint = \"169.254.169.254\"\n" + vip(""),
       {"aws.imds_endpoint", "'169.254.169.254'", "http://169.254.169.254"}},
      {"max_attempts zero", "[aws]\nmax_attempts = 0\n" + vip(""), {"aws.max_attempts", ": 0 is", "1 to 20"}},
      {"max_attempts huge",
       "[aws]\nmax_attempts = 1000\n" + vip(""),
       {"aws.max_attempts", ": 1000 is", "1 to 20"}},
      {"timeout zero", "[aws]\ntimeout = 0\n" + vip(""), {"aws.timeout", "'0'", "more than 0"}},
      {"timeout negative", "[aws]\ntimeout = -1.5\n" + vip(""), {"aws.timeout", "'-1.5'", "more than 0"}},
      {"timeout absurd", "[aws]\ntimeout = \"2h\"\n" + vip(""), {"aws.timeout", "'2h'", "500ms"}},
      {"timeout too long", "[aws]\ntimeout = 86400\n" + vip(""), {"aws.timeout", "'86400'", "at most 600"}},
      {"empty profile", "[aws]\nprofile = \" \"\n" + vip(""), {"aws.profile", "' '", "leave it out"}},
      {"[aws] not a table", "aws = \"eu-west-1\"\n" + vip(""), {"aws", "'eu-west-1' is a string", "[aws]"}},
      {"vip entries not tables",
       "vip = [\"10.1.2.3\"]\n",
       {"vip[0]", "'10.1.2.3' is a string", "[[vip]] table"}},
      {"imds_v1_fallback as a string",
       "[aws]\nimds_v1_fallback = \"true\"\n" + vip(""),
       {"aws.imds_v1_fallback", "'true' is a string", "without quotes"}},
  };
}

TEST(ConfigErrorsTest, EveryBadInputNamesKeyValueAndFix) {
  std::vector<BadFile> cases = bad_files();
  EXPECT_GE(cases.size(), 25u);
  for (const BadFile& bad : cases) {
    auto config = parse_config(bad.toml, "test.toml");
    ASSERT_FALSE(config.has_value()) << bad.name;
    EXPECT_EQ(config.error().code, ErrorCode::config) << bad.name;
    for (const std::string& part : bad.expected) {
      EXPECT_NE(config.error().message.find(part), std::string::npos)
          << bad.name << ": '" << part << "' missing from: " << config.error().message;
    }
  }
}

TEST(ConfigErrorsTest, ErrorsPointAtTheLine) {
  auto config = parse_config(
      "[[vip]]\naddress = \"10.1.2.3\"\nroute_tables = [\"rtb-0a1b2c3d\",\n  \"rtb-q\"]\n", "test.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_TRUE(config.error().message.starts_with("test.toml:4: vip[0].route_tables[1]: 'rtb-q'"))
      << config.error().message;
}

TEST(ConfigErrorsTest, SecretValuesNeverAppear) {
  auto config = parse_config("[aws]\naws_session_token = \"FQoGZXIvYXdzEXAMPLE\"\n", "test.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message.find("FQoGZXIvYXdzEXAMPLE"), std::string::npos) << config.error().message;
}

}  // namespace
}  // namespace cloudvip
