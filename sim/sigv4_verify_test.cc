#include "sim/sigv4_verify.h"

#include <gtest/gtest.h>

#include "aws/sigv4.h"

namespace cloudvip::sim {
namespace {

constexpr const char* k_key = "AKIACLOUDVIPTEST0001";
constexpr const char* k_secret = "test-secret-not-a-real-key";

class SigV4VerifierTest : public ::testing::Test {
 protected:
  SigV4VerifierTest()
      : verifier("us-east-1", "ec2", clock, [this](std::string_view id) -> std::optional<CredentialRecord> {
          for (const CredentialRecord& r : records) {
            if (r.access_key_id == id) {
              return r;
            }
          }
          return std::nullopt;
        }) {
    records.push_back({.access_key_id = k_key, .secret_access_key = k_secret});
    records.push_back({.access_key_id = "ASIACLOUDVIPROLE0001",
                       .secret_access_key = "role-secret",
                       .session_token = "role-token"});
  }

  // A request signed as botocore would: form body, Host, X-Amz-Date, Authorization.
  IncomingRequest signed_request(Credentials credentials, std::string region = "us-east-1",
                                 std::string service = "ec2", TimePoint when = {}) {
    HttpRequest request;
    request.method = "POST";
    request.url = "http://127.0.0.1:4566/";
    request.headers.set("Host", "127.0.0.1:4566");
    request.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    request.body = "Action=DescribeRouteTables&Version=2016-11-15";
    sigv4::sign(request, credentials,
                {.region = region, .service = service, .time = when == TimePoint{} ? clock.now() : when});
    return IncomingRequest{request.method, "/", request.headers, request.body};
  }

  FakeClock clock;
  std::vector<CredentialRecord> records;
  SigV4Verifier verifier;
};

Credentials creds(std::string id, std::string secret, std::string token = "") {
  return Credentials{std::move(id), std::move(secret), std::move(token), std::nullopt, "test"};
}

TEST_F(SigV4VerifierTest, AcceptsAGoodSignatureAndReturnsTheKeyId) {
  auto who = verifier.verify(signed_request(creds(k_key, k_secret)));
  ASSERT_TRUE(who) << who.error().code << ": " << who.error().message;
  EXPECT_EQ(*who, k_key);
}

TEST_F(SigV4VerifierTest, WrongSecretIsSignatureDoesNotMatch403) {
  auto who = verifier.verify(signed_request(creds(k_key, "wrong")));
  ASSERT_FALSE(who);
  EXPECT_EQ(who.error().code, "SignatureDoesNotMatch");
  EXPECT_EQ(who.error().http_status, 403);
}

TEST_F(SigV4VerifierTest, ATamperedBodyIsSignatureDoesNotMatch) {
  IncomingRequest request = signed_request(creds(k_key, k_secret));
  request.body = "Action=DeleteRoute&Version=2016-11-15";
  EXPECT_EQ(verifier.verify(request).error().code, "SignatureDoesNotMatch");
}

TEST_F(SigV4VerifierTest, UnknownKeyIsAuthFailure401) {
  auto who = verifier.verify(signed_request(creds("AKIAUNKNOWN000000001", k_secret)));
  ASSERT_FALSE(who);
  EXPECT_EQ(who.error().code, "AuthFailure");
  EXPECT_EQ(who.error().http_status, 401);
}

TEST_F(SigV4VerifierTest, ADateMoreThanFifteenMinutesOffIsRequestExpired) {
  auto old = verifier.verify(
      signed_request(creds(k_key, k_secret), "us-east-1", "ec2", clock.now() - Millis(16 * 60'000)));
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code, "RequestExpired");
  EXPECT_EQ(old.error().http_status, 400);
  auto future = verifier.verify(
      signed_request(creds(k_key, k_secret), "us-east-1", "ec2", clock.now() + Millis(16 * 60'000)));
  EXPECT_EQ(future.error().code, "RequestExpired");
  EXPECT_TRUE(verifier.verify(
      signed_request(creds(k_key, k_secret), "us-east-1", "ec2", clock.now() - Millis(14 * 60'000))));
}

TEST_F(SigV4VerifierTest, WrongRegionOrServiceIsRefusedNamingTheExpectedValue) {
  auto region = verifier.verify(signed_request(creds(k_key, k_secret), "eu-west-1"));
  ASSERT_FALSE(region);
  EXPECT_EQ(region.error().code, "SignatureDoesNotMatch");
  EXPECT_NE(region.error().message.find("us-east-1"), std::string::npos);
  auto service = verifier.verify(signed_request(creds(k_key, k_secret), "us-east-1", "s3"));
  ASSERT_FALSE(service);
  EXPECT_NE(service.error().message.find("'ec2'"), std::string::npos);
}

TEST_F(SigV4VerifierTest, MissingOrGarbageAuthorization) {
  IncomingRequest request = signed_request(creds(k_key, k_secret));
  request.headers.remove("Authorization");
  EXPECT_EQ(verifier.verify(request).error().code, "MissingAuthenticationToken");
  request.headers.set("Authorization", "Basic dXNlcjpwYXNz");
  auto garbage = verifier.verify(request);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, "IncompleteSignature");
  EXPECT_EQ(garbage.error().http_status, 400);
}

TEST_F(SigV4VerifierTest, MissingDateIsIncompleteSignature) {
  IncomingRequest request = signed_request(creds(k_key, k_secret));
  request.headers.remove("X-Amz-Date");
  EXPECT_EQ(verifier.verify(request).error().code, "IncompleteSignature");
}

TEST_F(SigV4VerifierTest, SessionCredentialsNeedTheirOwnToken) {
  EXPECT_TRUE(verifier.verify(signed_request(creds("ASIACLOUDVIPROLE0001", "role-secret", "role-token"))));
  auto wrong = verifier.verify(signed_request(creds("ASIACLOUDVIPROLE0001", "role-secret", "other-token")));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "AuthFailure");
  auto missing = verifier.verify(signed_request(creds("ASIACLOUDVIPROLE0001", "role-secret")));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "AuthFailure");
  auto extra = verifier.verify(signed_request(creds(k_key, k_secret, "a-token")));
  ASSERT_FALSE(extra);
  EXPECT_EQ(extra.error().code, "AuthFailure");
}

}  // namespace
}  // namespace cloudvip::sim
