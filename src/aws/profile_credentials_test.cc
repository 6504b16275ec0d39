#include "aws/profile_credentials.h"

#include <gtest/gtest.h>

#include "testing/fake_process_runner.h"
#include "testing/temp_dir.h"

namespace cloudvip {
namespace {

using namespace std::chrono_literals;
using testing::FakeProcessRunner;
using testing::TempDir;

constexpr const char* k_secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET";

class ProfileCredentialsTest : public ::testing::Test {
 protected:
  ProfileCredentialsTest() : env{{"HOME", dir.path()}} {}

  void credentials_file(const std::string& text) { dir.write(".aws/credentials", text); }
  void config_file(const std::string& text) { dir.write(".aws/config", text); }
  Result<Credentials> get(std::optional<std::string> profile = std::nullopt) {
    return ProfileCredentialsProvider(env, clock, runner, std::move(profile)).get();
  }
  std::string process_output(const std::string& expiration = "") {
    return std::string(R"({"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": ")") + k_secret +
           R"(", "SessionToken": "tok")" +
           (expiration.empty() ? "" : R"(, "Expiration": ")" + expiration + "\"") + "}";
  }

  TempDir dir;
  MapEnvironment env;
  FakeClock clock{*parse_aws_timestamp("2024-05-17T12:00:00Z")};
  FakeProcessRunner runner;
};

TEST_F(ProfileCredentialsTest, DefaultProfileFromTheCredentialsFile) {
  credentials_file("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = " +
                   std::string(k_secret) + "\naws_session_token = tok\n");
  auto credentials = get();
  ASSERT_TRUE(credentials) << credentials.error().to_string();
  EXPECT_EQ(credentials->access_key_id, "AKIDFILE");
  EXPECT_EQ(credentials->secret_access_key, k_secret);
  EXPECT_EQ(credentials->session_token, "tok");
  EXPECT_EQ(credentials->provider, "shared-credentials-file");
}

TEST_F(ProfileCredentialsTest, CredentialsFileWinsOverConfigFile) {
  credentials_file("[dev]\naws_access_key_id = FROMCREDS\naws_secret_access_key = s\n");
  config_file("[profile dev]\naws_access_key_id = FROMCONFIG\naws_secret_access_key = s\n");
  EXPECT_EQ(get("dev")->access_key_id, "FROMCREDS");
}

TEST_F(ProfileCredentialsTest, ConfigFileKeysUnderProfileOrDefault) {
  config_file(
      "[default]\naws_access_key_id = DEF\naws_secret_access_key = s\n"
      "[profile dev]\naws_access_key_id = DEV\naws_secret_access_key = s\n");
  auto dev = get("dev");
  ASSERT_TRUE(dev) << dev.error().to_string();
  EXPECT_EQ(dev->access_key_id, "DEV");
  EXPECT_EQ(dev->provider, "config-file");
  EXPECT_EQ(get()->access_key_id, "DEF");
}

TEST_F(ProfileCredentialsTest, ProfileChosenByArgumentThenAwsProfileThenAwsDefaultProfile) {
  credentials_file(
      "[a]\naws_access_key_id = A\naws_secret_access_key = s\n"
      "[b]\naws_access_key_id = B\naws_secret_access_key = s\n"
      "[c]\naws_access_key_id = C\naws_secret_access_key = s\n");
  env.set("AWS_DEFAULT_PROFILE", "c");
  EXPECT_EQ(get()->access_key_id, "C");
  env.set("AWS_PROFILE", "b");
  EXPECT_EQ(get()->access_key_id, "B");
  EXPECT_EQ(get("a")->access_key_id, "A");
}

TEST_F(ProfileCredentialsTest, NamedProfileThatDoesNotExistIsAConfigErrorNamingBothFiles) {
  credentials_file("[default]\naws_access_key_id = A\naws_secret_access_key = s\n");
  auto credentials = get("prod");
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code, ErrorCode::config);
  const std::string& message = credentials.error().message;
  EXPECT_NE(message.find("'prod'"), std::string::npos) << message;
  EXPECT_NE(message.find(dir.path() + "/.aws/credentials"), std::string::npos) << message;
  EXPECT_NE(message.find("[profile prod] in " + dir.path() + "/.aws/config"), std::string::npos) << message;

  env.set("AWS_PROFILE", "prod");
  auto from_env = get();
  ASSERT_FALSE(from_env);
  EXPECT_EQ(from_env.error().code, ErrorCode::config);
}

TEST_F(ProfileCredentialsTest, ImplicitDefaultAbsentIsNotFound) {
  auto credentials = get();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code, ErrorCode::not_found);
}

TEST_F(ProfileCredentialsTest, ProfileWithoutCredentialsIsNotFound) {
  config_file("[default]\nregion = eu-west-1\n");
  auto credentials = get();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code, ErrorCode::not_found);
}

TEST_F(ProfileCredentialsTest, HalfAKeyPairNamesTheFileAndTheMissingKey) {
  credentials_file("[default]\naws_secret_access_key = " + std::string(k_secret) + "\n");
  auto credentials = get();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code, ErrorCode::config);
  EXPECT_NE(
      credentials.error().message.find(dir.path() + "/.aws/credentials [default] has aws_secret_access_key "
                                                    "but no aws_access_key_id"),
      std::string::npos)
      << credentials.error().message;
  EXPECT_EQ(credentials.error().message.find(k_secret), std::string::npos);
}

TEST_F(ProfileCredentialsTest, SyntaxErrorNamesFileAndLine) {
  config_file("[default]\nregion = x\nthis line is wrong\n");
  auto credentials = get();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code, ErrorCode::config);
  EXPECT_NE(credentials.error().message.find(dir.path() + "/.aws/config line 3"), std::string::npos)
      << credentials.error().message;
}

TEST_F(ProfileCredentialsTest, RoleArnIsReportedAsUnsupported) {
  config_file("[profile x]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = default\n");
  auto credentials = get("x");
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code, ErrorCode::config);
  EXPECT_NE(credentials.error().message.find("role_arn"), std::string::npos);
}

TEST_F(ProfileCredentialsTest, CredentialProcessIsRunAndParsed) {
  config_file("[profile ops]\ncredential_process = /usr/bin/get-creds --account ops\n");
  runner.set_outcome(ProcessResult{0, process_output("2024-05-17T13:00:00Z")});
  auto credentials = get("ops");
  ASSERT_TRUE(credentials) << credentials.error().to_string();
  EXPECT_EQ(credentials->access_key_id, "AKIDPROC");
  EXPECT_EQ(credentials->secret_access_key, k_secret);
  EXPECT_EQ(credentials->session_token, "tok");
  EXPECT_EQ(credentials->expiration, parse_aws_timestamp("2024-05-17T13:00:00Z"));
  EXPECT_EQ(credentials->provider, "credential-process");
  EXPECT_EQ(runner.commands(), std::vector<std::string>{"/usr/bin/get-creds --account ops"});
}

TEST_F(ProfileCredentialsTest, CredentialProcessResultIsCachedUntilNearExpiry) {
  config_file("[default]\ncredential_process = get-creds\n");
  runner.set_outcome(ProcessResult{0, process_output("2024-05-17T13:00:00Z")});
  ProfileCredentialsProvider provider(env, clock, runner);
  ASSERT_TRUE(provider.get());
  clock.advance(40min);
  ASSERT_TRUE(provider.get());
  EXPECT_EQ(runner.commands().size(), 1u);
  clock.advance(6min);
  ASSERT_TRUE(provider.get());
  EXPECT_EQ(runner.commands().size(), 2u);
}

TEST_F(ProfileCredentialsTest, CredentialProcessFailureNamesProfileAndCommandNotOutput) {
  config_file("[default]\ncredential_process = get-creds\n");
  runner.set_outcome(ProcessResult{2, std::string("half-written ") + k_secret});
  auto failed = get();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::config);
  EXPECT_NE(failed.error().message.find("profile 'default' (get-creds) exited with status 2"),
            std::string::npos)
      << failed.error().message;
  EXPECT_EQ(failed.error().to_string().find(k_secret), std::string::npos);

  runner.set_outcome(
      ProcessResult{0, std::string("{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"") + k_secret});
  auto garbage = get();
  ASSERT_FALSE(garbage);
  EXPECT_NE(garbage.error().to_string().find("output was not valid JSON"), std::string::npos)
      << garbage.error().to_string();
  EXPECT_NE(garbage.error().to_string().find("get-creds"), std::string::npos);
  EXPECT_EQ(garbage.error().to_string().find(k_secret), std::string::npos);

  runner.set_outcome(fail(ErrorCode::timeout, "the command did not finish within 60000 ms and was stopped"));
  auto slow = get();
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().code, ErrorCode::config);
  EXPECT_NE(slow.error().to_string().find("did not finish"), std::string::npos);
}

TEST_F(ProfileCredentialsTest, ExpiredProcessCredentialsAreAnAuthError) {
  config_file("[default]\ncredential_process = get-creds\n");
  runner.set_outcome(ProcessResult{0, process_output("2024-05-17T11:00:00Z")});
  auto credentials = get();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code, ErrorCode::auth);
  EXPECT_NE(
      credentials.error().message.find("credentials from credential-process expired at 2024-05-17T11:00:00Z"),
      std::string::npos)
      << credentials.error().message;
}

TEST_F(ProfileCredentialsTest, CredentialProcessThroughTheRealShell) {
  config_file(
      "[default]\ncredential_process = echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDSH\", "
      "\"SecretAccessKey\": \"s\"}'\n");
  RealProcessRunner real;
  auto credentials = ProfileCredentialsProvider(env, clock, real).get();
  ASSERT_TRUE(credentials) << credentials.error().to_string();
  EXPECT_EQ(credentials->access_key_id, "AKIDSH");
  EXPECT_EQ(credentials->expiration, std::nullopt);
}

TEST(CredentialProcessOutputTest, VersionAndKeysAreRequired) {
  EXPECT_FALSE(parse_credential_process_output(R"({"AccessKeyId": "A", "SecretAccessKey": "S"})"));
  EXPECT_FALSE(
      parse_credential_process_output(R"({"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "S"})"));
  auto missing = parse_credential_process_output(R"({"Version": 1, "AccessKeyId": "A"})");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("lacks SecretAccessKey"), std::string::npos);
  auto bad_time = parse_credential_process_output(
      R"({"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "S", "Expiration": "soon"})");
  ASSERT_FALSE(bad_time);
  EXPECT_NE(bad_time.error().message.find("Expiration 'soon'"), std::string::npos);
  EXPECT_TRUE(
      parse_credential_process_output(R"({"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "S"})"));
}

}  // namespace
}  // namespace cloudvip
