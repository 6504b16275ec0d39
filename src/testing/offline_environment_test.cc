#include "testing/offline_environment.h"

#include <gtest/gtest.h>

#include "aws/endpoint.h"
#include "aws/imds.h"
#include "common/env.h"

namespace cloudvip::testing {
namespace {

// What the process environment says is what code reading RealEnvironment finds: the tripwire for IMDS and
// for EC2, so a test that names no endpoint of its own cannot reach 169.254.169.254 or AWS.
TEST(OfflineEnvironment, TheProcessEnvironmentPointsImdsAndEc2AtTheTripwire) {
  RealEnvironment env;
  for (const char* name : k_offline_variables) {
    EXPECT_EQ(env.get(name), offline_tripwire().url()) << name;
  }
  EXPECT_EQ(env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), std::nullopt);
  EXPECT_EQ(env.get("AWS_EC2_METADATA_DISABLED"), std::nullopt);

  Result<ImdsOptions> imds = Imds::options_from_env(env);
  ASSERT_TRUE(imds) << imds.error().to_string();
  EXPECT_EQ(imds->endpoint, offline_tripwire().url());
  EXPECT_FALSE(imds->disabled);

  Result<Endpoint> ec2 = resolve_ec2_endpoint({.env = env, .region = "us-east-1"});
  ASSERT_TRUE(ec2) << ec2.error().to_string();
  EXPECT_EQ(ec2->url, offline_tripwire().url());
  EXPECT_EQ(ec2->source, "AWS_ENDPOINT_URL_EC2");
}

TEST(OfflineEnvironment, DefaultsForASubprocessNameEveryVariable) {
  auto defaults = offline_defaults();
  ASSERT_EQ(defaults.size(), std::size(k_offline_variables));
  for (const char* name : k_offline_variables) {
    EXPECT_EQ(defaults.at(name), offline_tripwire().url()) << name;
  }
}

}  // namespace
}  // namespace cloudvip::testing
