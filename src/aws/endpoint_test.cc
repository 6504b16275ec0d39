#include "aws/endpoint.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// An IMDS stand-in that counts how often it is asked.
struct FakeImdsRegion {
  int calls = 0;
  Result<std::string> answer = std::string("eu-central-1");
  std::function<Result<std::string>()> fn() {
    return [this] {
      ++calls;
      return answer;
    };
  }
};

TEST(RegionTest, ValidNames) {
  for (const char* region : {"us-east-1", "eu-west-2", "ap-southeast-4", "us-gov-west-1", "us-iso-east-1",
                             "us-isob-east-1", "cn-northwest-1", "il-central-1",
                             // What the pattern also takes when its marker is read as the direction.
                             "us-gov-1", "us-isoz-1", "us-iso-b-1"}) {
    EXPECT_TRUE(is_valid_region(region)) << region;
  }
  for (const char* region :
       {"", "us-east1", "US-EAST-1", "us_east_1", "us-east-1a", "useast-1", "us-east-", "u-east-1",
        "us-east-1 ", "us--1", "us-gov--1", "us-gov-west-", "us-isobc-", "us-gov-west-1-1", "-us-east-1"}) {
    EXPECT_FALSE(is_valid_region(region)) << region;
  }
}

TEST(RegionTest, FlagWinsOverEverything) {
  MapEnvironment env{{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "eu-west-2"}};
  FakeImdsRegion imds;
  auto region = resolve_region(
      {.flag = "us-west-2", .env = env, .profile_region = "eu-west-3", .imds_region = imds.fn()});
  ASSERT_TRUE(region.has_value()) << region.error().to_string();
  EXPECT_EQ(*region, "us-west-2");
  EXPECT_EQ(imds.calls, 0);
}

TEST(RegionTest, AwsRegionBeatsAwsDefaultRegionAndProfile) {
  MapEnvironment env{{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "eu-west-2"}};
  FakeImdsRegion imds;
  auto region = resolve_region({.env = env, .profile_region = "eu-west-3", .imds_region = imds.fn()});
  EXPECT_EQ(region.value(), "eu-west-1");
  EXPECT_EQ(imds.calls, 0);
}

TEST(RegionTest, AwsDefaultRegionBeatsProfile) {
  MapEnvironment env{{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", "eu-west-2"}};
  FakeImdsRegion imds;
  auto region = resolve_region({.env = env, .profile_region = "eu-west-3", .imds_region = imds.fn()});
  EXPECT_EQ(region.value(), "eu-west-2");
  EXPECT_EQ(imds.calls, 0);
}

TEST(RegionTest, ProfileBeatsImds) {
  MapEnvironment env;
  FakeImdsRegion imds;
  auto region = resolve_region({.env = env, .profile_region = "eu-west-3", .imds_region = imds.fn()});
  EXPECT_EQ(region.value(), "eu-west-3");
  EXPECT_EQ(imds.calls, 0);
}

TEST(RegionTest, ImdsIsAskedLastAndOnce) {
  MapEnvironment env;
  FakeImdsRegion imds;
  auto region = resolve_region({.env = env, .imds_region = imds.fn()});
  EXPECT_EQ(region.value(), "eu-central-1");
  EXPECT_EQ(imds.calls, 1);
}

TEST(RegionTest, NoSourceSaysHowToSetOne) {
  MapEnvironment env;
  auto region = resolve_region({.env = env, .profile_name = "prod"});
  ASSERT_FALSE(region.has_value());
  EXPECT_EQ(region.error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(contains(region.error().message, "no AWS region is configured")) << region.error().message;
  EXPECT_TRUE(contains(region.error().message, "--region")) << region.error().message;
  EXPECT_TRUE(contains(region.error().message, "AWS_REGION")) << region.error().message;
  EXPECT_TRUE(contains(region.error().message, "profile 'prod'")) << region.error().message;
}

TEST(RegionTest, ImdsFailureIsKeptAsTheCause) {
  MapEnvironment env;
  FakeImdsRegion imds;
  imds.answer = std::unexpected(Error(ErrorCode::network, "cannot reach 169.254.169.254"));
  auto region = resolve_region({.env = env, .imds_region = imds.fn()});
  ASSERT_FALSE(region.has_value());
  EXPECT_EQ(region.error().code, ErrorCode::invalid_argument);
  ASSERT_NE(region.error().cause, nullptr);
  EXPECT_EQ(region.error().cause->code, ErrorCode::network);
  EXPECT_TRUE(contains(region.error().to_string(), "169.254.169.254")) << region.error().to_string();
}

struct BadRegionCase {
  RegionSources sources;
  std::string expected_source;
  std::string expected_value;
};

TEST(RegionTest, MalformedRegionsNameTheirSourceAndAValidExample) {
  MapEnvironment env_region{{"AWS_REGION", "US-EAST-1"}};
  MapEnvironment env_default{{"AWS_DEFAULT_REGION", "us_east_1"}};
  MapEnvironment empty_env;
  FakeImdsRegion imds;
  imds.answer = std::string("us-east-1a");
  std::vector<BadRegionCase> cases;
  cases.push_back({{.flag = "us-east1", .env = empty_env}, "--region", "'us-east1'"});
  cases.push_back({{.flag = "", .env = empty_env}, "--region", "''"});
  cases.push_back(
      {{.flag = "x", .flag_name = "config key 'region'", .env = empty_env}, "config key 'region'", "'x'"});
  cases.push_back({{.env = env_region}, "AWS_REGION", "'US-EAST-1'"});
  cases.push_back({{.env = env_default}, "AWS_DEFAULT_REGION", "'us_east_1'"});
  cases.push_back({{.env = empty_env, .profile_region = "eu west 1", .profile_name = "prod"},
                   "profile 'prod'",
                   "'eu west 1'"});
  cases.push_back({{.env = empty_env, .imds_region = imds.fn()}, "IMDS", "'us-east-1a'"});
  for (const BadRegionCase& c : cases) {
    auto region = resolve_region(c.sources);
    ASSERT_FALSE(region.has_value()) << c.expected_source;
    EXPECT_EQ(region.error().code, ErrorCode::invalid_argument);
    const std::string& message = region.error().message;
    EXPECT_TRUE(contains(message, c.expected_source)) << message;
    EXPECT_TRUE(contains(message, c.expected_value)) << message;
    EXPECT_TRUE(contains(message, "us-east-1")) << message;  // the example
  }
}

TEST(RegionTest, MalformedEarlierSourceDoesNotFallThrough) {
  MapEnvironment env{{"AWS_REGION", "us-east1"}};
  FakeImdsRegion imds;
  auto region = resolve_region({.env = env, .profile_region = "eu-west-3", .imds_region = imds.fn()});
  EXPECT_FALSE(region.has_value());
  EXPECT_EQ(imds.calls, 0);
}

TEST(EndpointTest, DefaultIsHttpsEc2InTheRegion) {
  MapEnvironment env;
  auto endpoint = resolve_ec2_endpoint({.env = env, .region = "eu-west-1"});
  ASSERT_TRUE(endpoint.has_value()) << endpoint.error().to_string();
  EXPECT_EQ(endpoint->url, "https://ec2.eu-west-1.amazonaws.com");
  EXPECT_EQ(endpoint->host, "ec2.eu-west-1.amazonaws.com");
  EXPECT_EQ(endpoint->port, 443);
  EXPECT_EQ(endpoint->scheme, "https");
  EXPECT_EQ(endpoint->source, "default");
}

TEST(EndpointTest, ChinaRegionsUseTheCnSuffix) {
  MapEnvironment env;
  auto endpoint = resolve_ec2_endpoint({.env = env, .region = "cn-north-1"});
  EXPECT_EQ(endpoint.value().url, "https://ec2.cn-north-1.amazonaws.com.cn");
}

TEST(EndpointTest, DefaultNeedsAValidRegion) {
  MapEnvironment env;
  auto endpoint = resolve_ec2_endpoint({.env = env, .region = ""});
  ASSERT_FALSE(endpoint.has_value());
  EXPECT_EQ(endpoint.error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(contains(endpoint.error().message, "region ''")) << endpoint.error().message;
}

TEST(EndpointTest, FlagBeatsEnvironment) {
  MapEnvironment env{{"AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:1"},
                     {"AWS_ENDPOINT_URL", "http://127.0.0.1:2"}};
  auto endpoint = resolve_ec2_endpoint({.flag = "http://127.0.0.1:8080/", .env = env, .region = "us-east-1"});
  ASSERT_TRUE(endpoint.has_value()) << endpoint.error().to_string();
  EXPECT_EQ(endpoint->url, "http://127.0.0.1:8080");
  EXPECT_EQ(endpoint->port, 8080);
  EXPECT_EQ(endpoint->source, "--endpoint-url");
}

TEST(EndpointTest, ServiceVariableBeatsGeneralVariable) {
  MapEnvironment env{{"AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:1"},
                     {"AWS_ENDPOINT_URL", "http://127.0.0.1:2"}};
  auto endpoint = resolve_ec2_endpoint({.env = env, .region = "us-east-1"});
  EXPECT_EQ(endpoint.value().url, "http://127.0.0.1:1");
  EXPECT_EQ(endpoint.value().source, "AWS_ENDPOINT_URL_EC2");
}

TEST(EndpointTest, GeneralVariableBeatsDefault) {
  MapEnvironment env{{"AWS_ENDPOINT_URL_EC2", ""}, {"AWS_ENDPOINT_URL", "https://Sim.Example:9443"}};
  auto endpoint = resolve_ec2_endpoint({.env = env, .region = "us-east-1"});
  ASSERT_TRUE(endpoint.has_value()) << endpoint.error().to_string();
  EXPECT_EQ(endpoint->url, "https://sim.example:9443");
  EXPECT_EQ(endpoint->host, "sim.example");
  EXPECT_EQ(endpoint->source, "AWS_ENDPOINT_URL");
}

TEST(EndpointTest, IgnoreSwitchSkipsTheEnvironmentButNotTheFlag) {
  MapEnvironment env{{"AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:1"},
                     {"AWS_ENDPOINT_URL", "http://127.0.0.1:2"},
                     {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"}};
  EXPECT_EQ(resolve_ec2_endpoint({.env = env, .region = "us-east-1"}).value().url,
            "https://ec2.us-east-1.amazonaws.com");
  EXPECT_EQ(
      resolve_ec2_endpoint({.flag = "http://localhost:3", .env = env, .region = "us-east-1"}).value().url,
      "http://localhost:3");
}

TEST(EndpointTest, NormalizesSchemeHostAndDefaultPort) {
  auto https = parse_endpoint_url("HTTPS://EC2.us-east-1.amazonaws.com:443/", "--endpoint-url");
  ASSERT_TRUE(https.has_value()) << https.error().to_string();
  EXPECT_EQ(https->url, "https://ec2.us-east-1.amazonaws.com");
  EXPECT_EQ(https->port, 443);
  auto http = parse_endpoint_url("http://localhost", "--endpoint-url");
  EXPECT_EQ(http.value().port, 80);
  EXPECT_EQ(http.value().url, "http://localhost");
  auto ipv6 = parse_endpoint_url("http://[::1]:8080", "--endpoint-url");
  ASSERT_TRUE(ipv6.has_value()) << ipv6.error().to_string();
  EXPECT_EQ(ipv6->host, "::1");
  EXPECT_EQ(ipv6->url, "http://[::1]:8080");
}

TEST(EndpointTest, MalformedUrlsNameTheSettingTheValueAndTheExpectedForm) {
  struct Case {
    std::string url;
    std::string why;
  };
  std::vector<Case> cases = {
      {"ec2.us-east-1.amazonaws.com", "no scheme"},
      {"ftp://127.0.0.1", "scheme must be https or http"},
      {"https://", "no host"},
      {"https://:8080", "no host"},
      {"http://127.0.0.1:0", "port must be"},
      {"http://127.0.0.1:65536", "port must be"},
      {"http://127.0.0.1:", "port must be"},
      {"http://127.0.0.1:80x", "port must be"},
      {"https://ec2.example/?Action=x", "query or fragment"},
      {"https://ec2.example#top", "query or fragment"},
      {"https://ec2.example/api", "path is not allowed"},
      {"https://ec2 example", "host may hold only"},
      {"http://[::1", "closing ']'"},
      {"http://[::1]x", "after the IPv6 address"},
      {"http://[zz]", "IPv6 address is malformed"},
  };
  for (const Case& c : cases) {
    MapEnvironment env{{"AWS_ENDPOINT_URL_EC2", c.url}};
    auto endpoint = resolve_ec2_endpoint({.env = env, .region = "us-east-1"});
    ASSERT_FALSE(endpoint.has_value()) << c.url;
    EXPECT_EQ(endpoint.error().code, ErrorCode::invalid_argument);
    const std::string& message = endpoint.error().message;
    EXPECT_TRUE(contains(message, "AWS_ENDPOINT_URL_EC2: '" + c.url + "'")) << message;
    EXPECT_TRUE(contains(message, c.why)) << message;
    EXPECT_TRUE(contains(message, "https://ec2.us-east-1.amazonaws.com or http://127.0.0.1:8080")) << message;
  }
}

TEST(EndpointTest, CredentialsInTheUrlAreRefusedAndNotEchoed) {
  MapEnvironment env{{"AWS_ENDPOINT_URL", "https://user:secret@ec2.example/"}};
  auto endpoint = resolve_ec2_endpoint({.env = env, .region = "us-east-1"});
  ASSERT_FALSE(endpoint.has_value());
  const std::string& message = endpoint.error().message;
  EXPECT_TRUE(contains(message, "AWS_ENDPOINT_URL: 'https://***@ec2.example/'")) << message;
  EXPECT_TRUE(contains(message, "credentials in the URL are not allowed")) << message;
  EXPECT_FALSE(contains(message, "secret")) << message;
}

TEST(EndpointTest, EmptyFlagIsAnErrorNotAFallThrough) {
  MapEnvironment env;
  auto endpoint = resolve_ec2_endpoint({.flag = "", .env = env, .region = "us-east-1"});
  ASSERT_FALSE(endpoint.has_value());
  EXPECT_TRUE(contains(endpoint.error().message, "--endpoint-url: ''")) << endpoint.error().message;
}

}  // namespace
}  // namespace cloudvip
