#include "aws/credentials.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "aws/imds.h"
#include "testing/fake_process_runner.h"
#include "testing/fake_transport.h"
#include "testing/temp_dir.h"

namespace cloudvip {
namespace {

using namespace std::chrono_literals;
using testing::FakeProcessRunner;
using testing::FakeTransport;
using testing::TempDir;

constexpr const char* k_secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET";
constexpr const char* k_token = "FwoGZXIvYXdzSESSIONTOKEN";

TEST(AwsTimestampTest, ParsesTheFormsAwsWrites) {
  auto base = parse_aws_timestamp("2017-05-17T15:09:54Z");
  ASSERT_TRUE(base);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*base), 1495033794);
  EXPECT_EQ(parse_aws_timestamp("2017-05-17T15:09:54.123Z"), base);
  EXPECT_EQ(parse_aws_timestamp("2017-05-17T17:09:54+02:00"), base);
  EXPECT_EQ(parse_aws_timestamp("2017-05-17T14:39:54-0030"), base);
  EXPECT_EQ(format_aws_timestamp(*base), "2017-05-17T15:09:54Z");
}

TEST(AwsTimestampTest, RejectsMalformedTimes) {
  for (const char* text :
       {"", "2017-05-17", "2017-05-17T15:09:54", "2017-02-30T00:00:00Z", "2017-05-17T24:00:00Z",
        "2017-05-17T15:09:54Zjunk", "17-05-17T15:09:54Z", "2017-05-17 15:09:54Z"}) {
    EXPECT_EQ(parse_aws_timestamp(text), std::nullopt) << text;
  }
}

TEST(EnvironmentCredentialsProviderTest, ReadsKeysAndSessionToken) {
  FakeClock clock;
  MapEnvironment env{
      {"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", k_secret}, {"AWS_SESSION_TOKEN", k_token}};
  EnvironmentCredentialsProvider provider(env, clock);
  auto credentials = provider.get();
  ASSERT_TRUE(credentials) << credentials.error().to_string();
  EXPECT_EQ(credentials->access_key_id, "AKIDENV");
  EXPECT_EQ(credentials->secret_access_key, k_secret);
  EXPECT_EQ(credentials->session_token, k_token);
  EXPECT_EQ(credentials->provider, "environment");
  EXPECT_EQ(credentials->expiration, std::nullopt);
}

TEST(EnvironmentCredentialsProviderTest, AcceptsTheOlderSecurityTokenName) {
  FakeClock clock;
  MapEnvironment env{
      {"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "S"}, {"AWS_SECURITY_TOKEN", "old"}};
  EnvironmentCredentialsProvider provider(env, clock);
  EXPECT_EQ(provider.get()->session_token, "old");
}

TEST(EnvironmentCredentialsProviderTest, NothingSetIsNotFound) {
  FakeClock clock;
  MapEnvironment env{{"AWS_ACCESS_KEY_ID", ""}};
  EnvironmentCredentialsProvider provider(env, clock);
  auto credentials = provider.get();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code, ErrorCode::not_found);
}

TEST(EnvironmentCredentialsProviderTest, HalfAKeyPairIsAConfigErrorNamingWhatIsMissing) {
  FakeClock clock;
  MapEnvironment id_only{{"AWS_ACCESS_KEY_ID", "A"}};
  auto a = EnvironmentCredentialsProvider(id_only, clock).get();
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::config);
  EXPECT_NE(a.error().message.find("AWS_SECRET_ACCESS_KEY is not"), std::string::npos) << a.error().message;

  MapEnvironment secret_only{{"AWS_SECRET_ACCESS_KEY", k_secret}};
  auto b = EnvironmentCredentialsProvider(secret_only, clock).get();
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("AWS_ACCESS_KEY_ID is not"), std::string::npos) << b.error().message;
  EXPECT_EQ(b.error().message.find(k_secret), std::string::npos);
}

TEST(EnvironmentCredentialsProviderTest, ExpirationIsHonoured) {
  FakeClock clock(*parse_aws_timestamp("2024-05-17T12:00:00Z"));
  MapEnvironment env{{"AWS_ACCESS_KEY_ID", "A"},
                     {"AWS_SECRET_ACCESS_KEY", "S"},
                     {"AWS_CREDENTIAL_EXPIRATION", "2024-05-17T13:00:00Z"}};
  EnvironmentCredentialsProvider provider(env, clock);
  auto valid = provider.get();
  ASSERT_TRUE(valid);
  EXPECT_EQ(valid->expiration, parse_aws_timestamp("2024-05-17T13:00:00Z"));

  clock.advance(61min);
  auto expired = provider.get();
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::auth);
  EXPECT_NE(expired.error().message.find("credentials from environment expired at 2024-05-17T13:00:00Z"),
            std::string::npos);

  env.set("AWS_CREDENTIAL_EXPIRATION", "tomorrow");
  auto malformed = provider.get();
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code, ErrorCode::config);
  EXPECT_NE(malformed.error().message.find("AWS_CREDENTIAL_EXPIRATION='tomorrow'"), std::string::npos);
}

// IMDS on a FakeTransport serving one role whose credentials expire `lifetime` after each fetch.
class ImdsCredentialsTest : public ::testing::Test {
 protected:
  ImdsCredentialsTest()
      : transport([this](const HttpRequest& req) -> Result<HttpResponse> {
          if (req.method == "PUT") {
            return FakeTransport::response(200, "tok");
          }
          if (req.url.ends_with("/iam/security-credentials/")) {
            return FakeTransport::response(200, "vip-role");
          }
          ++fetches;
          return FakeTransport::response(
              200, std::string(R"({"Code":"Success","AccessKeyId":"ASIA)") + std::to_string(fetches) +
                       R"(","SecretAccessKey":")" + k_secret + R"(","Token":")" + k_token +
                       R"(","Expiration":")" + format_aws_timestamp(clock.now() + lifetime) + R"("})");
        }),
        imds(transport, clock) {}

  FakeClock clock;
  std::chrono::minutes lifetime{60};
  int fetches = 0;
  FakeTransport transport;
  Imds imds;
  CapturingLogger logger;
};

TEST_F(ImdsCredentialsTest, CachedUntilFifteenMinutesBeforeExpiry) {
  ImdsCredentialsProvider provider(imds, clock, logger);
  auto first = provider.get();
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(first->access_key_id, "ASIA1");
  EXPECT_EQ(first->provider, "imds-role");
  size_t after_first = transport.request_count();
  EXPECT_EQ(after_first, 3u);  // token, role name, credentials

  clock.advance(44min);
  auto second = provider.get();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->access_key_id, "ASIA1");
  EXPECT_EQ(transport.request_count(), after_first);

  clock.advance(2min);  // 46 min: inside the 15-minute window
  auto third = provider.get();
  ASSERT_TRUE(third);
  EXPECT_EQ(third->access_key_id, "ASIA2");
  EXPECT_GT(transport.request_count(), after_first);
}

TEST_F(ImdsCredentialsTest, FailedRefreshKeepsStillValidCredentialsAndLogsNoSecret) {
  ImdsCredentialsProvider provider(imds, clock, logger);
  ASSERT_TRUE(provider.get());
  clock.advance(50min);
  transport.set_handler(
      [](const HttpRequest&) -> Result<HttpResponse> { return FakeTransport::response(500); });
  auto stale = provider.get();
  ASSERT_TRUE(stale) << stale.error().to_string();
  EXPECT_EQ(stale->access_key_id, "ASIA1");
  EXPECT_NE(logger.text().find("could not refresh"), std::string::npos);
  EXPECT_EQ(logger.text().find(k_secret), std::string::npos);
  EXPECT_EQ(logger.text().find(k_token), std::string::npos);

  clock.advance(10min);  // past expiry: nothing usable left
  EXPECT_FALSE(provider.get());
}

TEST_F(ImdsCredentialsTest, NoRoleIsNotFound) {
  transport.set_handler([](const HttpRequest& req) -> Result<HttpResponse> {
    return FakeTransport::response(req.method == "PUT" ? 200 : 404, "tok");
  });
  ImdsCredentialsProvider provider(imds, clock, logger);
  auto credentials = provider.get();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code, ErrorCode::not_found);
}

// A provider that answers what it is told and counts its calls.
class ScriptedProvider : public CredentialsProvider {
 public:
  explicit ScriptedProvider(Result<Credentials> answer, int* calls)
      : m_answer(std::move(answer)), m_calls(calls) {}
  Result<Credentials> get() override {
    ++*m_calls;
    return m_answer;
  }

 private:
  Result<Credentials> m_answer;
  int* m_calls;
};

Credentials keys(std::string id, std::string provider = "") {
  Credentials c;
  c.access_key_id = std::move(id);
  c.secret_access_key = k_secret;
  c.session_token = k_token;
  c.provider = std::move(provider);
  return c;
}

TEST(ChainCredentialsProviderTest, ReturnsTheFirstThatAnswersAndNamesIt) {
  int calls[3] = {0, 0, 0};
  std::vector<ChainCredentialsProvider::Link> links;
  links.push_back(
      {"environment", std::make_unique<ScriptedProvider>(fail(ErrorCode::not_found, "unset"), &calls[0])});
  links.push_back(
      {"profile 'default'", std::make_unique<ScriptedProvider>(keys("B", "config-file"), &calls[1])});
  links.push_back({"imds-role", std::make_unique<ScriptedProvider>(keys("C"), &calls[2])});
  CapturingLogger logger;
  ChainCredentialsProvider chain(std::move(links), logger);
  auto credentials = chain.get();
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->access_key_id, "B");
  EXPECT_EQ(credentials->provider, "config-file");
  EXPECT_EQ(calls[2], 0);
  EXPECT_NE(logger.text().find("config-file"), std::string::npos);
  EXPECT_EQ(logger.text().find(k_secret), std::string::npos);
  EXPECT_EQ(logger.text().find(k_token), std::string::npos);
}

TEST(ChainCredentialsProviderTest, SetsTheLinkNameWhenTheProviderDidNot) {
  int calls = 0;
  std::vector<ChainCredentialsProvider::Link> links;
  links.push_back({"imds-role", std::make_unique<ScriptedProvider>(keys("C"), &calls)});
  CapturingLogger logger;
  EXPECT_EQ(ChainCredentialsProvider(std::move(links), logger).get()->provider, "imds-role");
}

TEST(ChainCredentialsProviderTest, NothingFoundIsAnAuthErrorListingEverySource) {
  int calls[3] = {0, 0, 0};
  std::vector<ChainCredentialsProvider::Link> links;
  links.push_back({"environment",
                   std::make_unique<ScriptedProvider>(fail(ErrorCode::not_found, "env unset"), &calls[0])});
  links.push_back({"profile 'default'",
                   std::make_unique<ScriptedProvider>(fail(ErrorCode::not_found, "no file"), &calls[1])});
  links.push_back(
      {"imds-role", std::make_unique<ScriptedProvider>(fail(ErrorCode::unavailable, "disabled"), &calls[2])});
  CapturingLogger logger;
  auto credentials = ChainCredentialsProvider(std::move(links), logger).get();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code, ErrorCode::auth);
  EXPECT_NE(credentials.error().message.find(
                "environment: env unset; profile 'default': no file; imds-role: disabled"),
            std::string::npos)
      << credentials.error().message;
}

TEST(ChainCredentialsProviderTest, AMisconfiguredSourceStopsTheChain) {
  int calls[2] = {0, 0};
  std::vector<ChainCredentialsProvider::Link> links;
  links.push_back({"environment", std::make_unique<ScriptedProvider>(
                                      fail(ErrorCode::config, "AWS_ACCESS_KEY_ID is set but"), &calls[0])});
  links.push_back({"imds-role", std::make_unique<ScriptedProvider>(keys("C"), &calls[1])});
  CapturingLogger logger;
  auto credentials = ChainCredentialsProvider(std::move(links), logger).get();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code, ErrorCode::auth);
  EXPECT_EQ(calls[1], 0);
  EXPECT_NE(credentials.error().to_string().find("AWS_ACCESS_KEY_ID is set but"), std::string::npos);
}

// Answers from a list, one per call (the last one again when the list runs out).
class SequenceProvider : public CredentialsProvider {
 public:
  SequenceProvider(std::vector<Result<Credentials>> answers, int* calls)
      : m_answers(std::move(answers)), m_calls(calls) {}
  Result<Credentials> get() override {
    size_t i = std::min(static_cast<size_t>((*m_calls)++), m_answers.size() - 1);
    return m_answers[i];
  }

 private:
  std::vector<Result<Credentials>> m_answers;
  int* m_calls;
};

TEST(ChainCredentialsProviderTest, LaterCallsGoStraightToTheLinkThatAnswered) {
  int calls[3] = {0, 0, 0};
  std::vector<ChainCredentialsProvider::Link> links;
  links.push_back(
      {"environment", std::make_unique<ScriptedProvider>(fail(ErrorCode::not_found, "unset"), &calls[0])});
  links.push_back({"profile 'default'",
                   std::make_unique<ScriptedProvider>(fail(ErrorCode::not_found, "none"), &calls[1])});
  links.push_back({"imds-role", std::make_unique<ScriptedProvider>(keys("C"), &calls[2])});
  CapturingLogger logger;
  ChainCredentialsProvider chain(std::move(links), logger);
  for (int i = 0; i < 5; ++i) {
    auto credentials = chain.get();
    ASSERT_TRUE(credentials);
    EXPECT_EQ(credentials->access_key_id, "C");
    EXPECT_EQ(credentials->provider, "imds-role");
  }
  EXPECT_EQ(calls[0], 1) << "the environment is looked at once";
  EXPECT_EQ(calls[1], 1) << "the profile's files are read once";
  EXPECT_EQ(calls[2], 5);
}

TEST(ChainCredentialsProviderTest, WhenTheLinkThatAnsweredRunsDryTheWholeChainIsWalkedAgain) {
  int calls[2] = {0, 0};
  std::vector<ChainCredentialsProvider::Link> links;
  links.push_back(
      {"profile 'default'",
       std::make_unique<SequenceProvider>(
           std::vector<Result<Credentials>>{fail(ErrorCode::not_found, "none"), keys("P")}, &calls[0])});
  links.push_back({"imds-role", std::make_unique<SequenceProvider>(
                                    std::vector<Result<Credentials>>{
                                        keys("C"), fail(ErrorCode::unavailable, "IMDS disabled now")},
                                    &calls[1])});
  CapturingLogger logger;
  ChainCredentialsProvider chain(std::move(links), logger);
  ASSERT_EQ(chain.get()->access_key_id, "C");
  // imds-role has nothing any more: the profile (which now has keys) is found again, first in the chain.
  auto second = chain.get();
  ASSERT_TRUE(second) << second.error().to_string();
  EXPECT_EQ(second->access_key_id, "P");
  EXPECT_EQ(calls[0], 2);
  EXPECT_EQ(calls[1], 2);
  ASSERT_EQ(chain.get()->access_key_id, "P");
  EXPECT_EQ(calls[1], 2) << "now the profile is the link that answered";
}

TEST(ChainCredentialsProviderTest, AnErrorFromTheLinkThatAnsweredIsAnAuthErrorNamingIt) {
  int calls[2] = {0, 0};
  std::vector<ChainCredentialsProvider::Link> links;
  links.push_back(
      {"environment", std::make_unique<ScriptedProvider>(fail(ErrorCode::not_found, "unset"), &calls[0])});
  links.push_back({"imds-role", std::make_unique<SequenceProvider>(
                                    std::vector<Result<Credentials>>{
                                        keys("C"), fail(ErrorCode::network, "IMDS timed out")},
                                    &calls[1])});
  CapturingLogger logger;
  ChainCredentialsProvider chain(std::move(links), logger);
  ASSERT_TRUE(chain.get());
  auto second = chain.get();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::auth);
  EXPECT_NE(second.error().to_string().find("imds-role"), std::string::npos) << second.error().to_string();
  EXPECT_NE(second.error().to_string().find("IMDS timed out"), std::string::npos)
      << second.error().to_string();
  EXPECT_EQ(calls[0], 1);
}

// The real chain over real files, a fake IMDS and a fake process runner.
class DefaultChainTest : public ::testing::Test {
 protected:
  DefaultChainTest()
      : env{{"HOME", dir.path()}},
        transport([this](const HttpRequest& req) -> Result<HttpResponse> {
          if (!imds_has_role) {
            return FakeTransport::response(req.method == "PUT" ? 200 : 404, "tok");
          }
          if (req.method == "PUT") {
            return FakeTransport::response(200, "tok");
          }
          if (req.url.ends_with("/iam/security-credentials/")) {
            return FakeTransport::response(200, "vip-role");
          }
          return FakeTransport::response(
              200, R"({"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"s",)"
                   R"("Token":"t","Expiration":"2099-01-01T00:00:00Z"})");
        }),
        imds(transport, clock) {}

  Result<Credentials> get(CredentialsChainOptions options = {}) {
    return make_default_credentials_chain(env, clock, imds, runner, logger, options)->get();
  }

  TempDir dir;
  MapEnvironment env;
  bool imds_has_role = true;
  FakeClock clock;
  FakeTransport transport;
  Imds imds;
  FakeProcessRunner runner;
  CapturingLogger logger;
};

TEST_F(DefaultChainTest, EnvironmentThenProfileThenImds) {
  dir.write(".aws/credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n");
  env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
  env.set("AWS_SECRET_ACCESS_KEY", "s");
  EXPECT_EQ(get()->provider, "environment");

  env.unset("AWS_ACCESS_KEY_ID");
  env.unset("AWS_SECRET_ACCESS_KEY");
  EXPECT_EQ(get()->provider, "shared-credentials-file");
  EXPECT_EQ(transport.request_count(), 0u);

  dir.write(".aws/credentials", "");
  auto from_imds = get();
  ASSERT_TRUE(from_imds) << from_imds.error().to_string();
  EXPECT_EQ(from_imds->provider, "imds-role");
  EXPECT_EQ(from_imds->access_key_id, "ASIAIMDS");
}

TEST_F(DefaultChainTest, ExplicitProfileSkipsTheEnvironment) {
  dir.write(".aws/config", "[profile ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = s\n");
  env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
  env.set("AWS_SECRET_ACCESS_KEY", "s");
  auto credentials = get({.profile = "ops"});
  ASSERT_TRUE(credentials) << credentials.error().to_string();
  EXPECT_EQ(credentials->access_key_id, "AKIDOPS");
  EXPECT_EQ(credentials->provider, "config-file");
}

TEST_F(DefaultChainTest, NothingAnywhereListsWhatWasTried) {
  imds_has_role = false;
  auto credentials = get();
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code, ErrorCode::auth);
  const std::string& message = credentials.error().message;
  EXPECT_NE(message.find("environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("profile 'default': there is no [default] in " + dir.path() + "/.aws/credentials"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("imds-role: "), std::string::npos) << message;
}

TEST_F(DefaultChainTest, AMissingNamedProfileStopsBeforeImds) {
  auto credentials = get({.profile = "prod"});
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code, ErrorCode::auth);
  EXPECT_NE(credentials.error().to_string().find("the AWS profile 'prod' does not exist"), std::string::npos);
  EXPECT_EQ(transport.request_count(), 0u);
}

}  // namespace
}  // namespace cloudvip
