// Dates from outside with a year a TimePoint cannot hold are refused, not overflowed (fuzz_sigv4_auth found
// parse_amz_date("60150830T123320Z") overflowing; the other two parsers had the same flaw).
#include <gtest/gtest.h>

#include "aws/credentials.h"
#include "aws/ec2_client.h"
#include "aws/sigv4.h"
#include "testing/fake_transport.h"

namespace cloudvip {
namespace {

TEST(DateRangeTest, AmzDateOutsideTheRepresentableYearsIsRefused) {
  EXPECT_FALSE(sigv4::parse_amz_date("60150830T123320Z").has_value());
  EXPECT_FALSE(sigv4::parse_amz_date("99991231T235959Z").has_value());
  EXPECT_FALSE(sigv4::parse_amz_date("00010101T000000Z").has_value());
  EXPECT_TRUE(sigv4::parse_amz_date("20150830T123600Z").has_value());
  EXPECT_TRUE(sigv4::parse_amz_date("22610101T000000Z").has_value());
}

TEST(DateRangeTest, CredentialExpirationOutsideTheRepresentableYearsIsRefused) {
  EXPECT_FALSE(parse_aws_timestamp("9999-05-17T15:09:54Z").has_value());
  EXPECT_TRUE(parse_aws_timestamp("2030-05-17T15:09:54Z").has_value());
}

TEST(DateRangeTest, ServerDateOutsideTheRepresentableYearsIsAParseError) {
  testing::FakeTransport transport([](const HttpRequest&) -> Result<HttpResponse> {
    HttpResponse response = testing::FakeTransport::response(200, "<R/>");
    response.headers.add("Date", "Sun, 06 Nov 9994 08:49:37 GMT");
    return response;
  });
  StaticCredentialsProvider credentials(Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, "test"});
  FakeClock clock;
  NullLogger logger;
  Ec2Client client(transport, credentials, clock, Ec2ClientOptions{"http://127.0.0.1:9", "us-east-1"},
                   logger);
  Result<TimePoint> time = client.server_time();
  ASSERT_FALSE(time.has_value());
  EXPECT_EQ(time.error().code, ErrorCode::parse);
}

}  // namespace
}  // namespace cloudvip
