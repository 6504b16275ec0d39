#include "vip/system_probes.h"

#include <gtest/gtest.h>

#include <atomic>

#include "testing/http_test_server.h"
#include "testing/httplib_transport.h"
#include "testing/refusing_port.h"
#include "testing/temp_dir.h"

namespace cloudvip {
namespace {

using testing::HttplibTransport;
using testing::HttpTestServer;
using testing::RefusingPort;
using testing::TempDir;

// IMDS answering instance-id; `token_status` is what PUT /latest/api/token answers (200: a token).
// A GET without a token is answered only when `v1_allowed`.
struct FakeImds {
  explicit FakeImds(int token_status, bool v1_allowed)
      : server([=](const httplib::Request& req, httplib::Response& res) {
          if (req.method == "PUT" && req.path == "/latest/api/token") {
            res.status = token_status;
            res.set_content(token_status == 200 ? "TOKEN" : "", "text/plain");
            return;
          }
          bool has_token = req.get_header_value("X-aws-ec2-metadata-token") == "TOKEN";
          if (req.path == "/latest/meta-data/instance-id" && (has_token || v1_allowed)) {
            res.set_content("i-0123456789abcdef0", "text/plain");
            return;
          }
          res.status = 401;
        }) {}
  HttpTestServer server;
};

struct ProbesHarness {
  explicit ProbesHarness(std::string imds_url, std::string ec2_url = "http://127.0.0.1:9")
      : ec2(transport, credentials, clock,
            Ec2ClientOptions{
                std::move(ec2_url), "eu-west-1", {}, Millis(2000), Millis(1000), [] { return 0.5; }},
            logger),
        probes(transport, ImdsOptions{.endpoint = std::move(imds_url), .attempts = 1}, credentials, ec2,
               clock, sysfs.path()) {}

  HttplibTransport transport;
  StaticCredentialsProvider credentials{
      Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, "shared-credentials-file"}};
  FakeClock clock;
  NullLogger logger;
  TempDir sysfs;
  Ec2Client ec2;
  RealSystemProbes probes;
};

TEST(RealSystemProbesTest, ImdsWithATokenIsV2) {
  FakeImds imds(200, false);
  ProbesHarness h(imds.server.url());
  Result<ImdsProbe> probe = h.probes.imds_v2();
  ASSERT_TRUE(probe) << probe.error().to_string();
  EXPECT_EQ(probe->access, ImdsAccess::v2);
  EXPECT_EQ(probe->endpoint, imds.server.url());
}

TEST(RealSystemProbesTest, ImdsThatRefusesTokensButAnswersPlainGetsIsV1Only) {
  FakeImds imds(403, true);
  ProbesHarness h(imds.server.url());
  Result<ImdsProbe> probe = h.probes.imds_v2();
  ASSERT_TRUE(probe) << probe.error().to_string();
  EXPECT_EQ(probe->access, ImdsAccess::v1_only);
}

TEST(RealSystemProbesTest, ImdsThatAnswersNeitherWayIsAnErrorNamingTheEndpoint) {
  FakeImds imds(403, false);
  ProbesHarness h(imds.server.url());
  Result<ImdsProbe> probe = h.probes.imds_v2();
  ASSERT_FALSE(probe);
  EXPECT_NE(probe.error().message.find(imds.server.url()), std::string::npos) << probe.error().message;
}

TEST(RealSystemProbesTest, UnreachableImdsIsANetworkError) {
  RefusingPort refusing;
  ProbesHarness h(refusing.url());
  Result<ImdsProbe> probe = h.probes.imds_v2();
  ASSERT_FALSE(probe);
  EXPECT_EQ(probe.error().code, ErrorCode::network) << probe.error().to_string();
}

TEST(RealSystemProbesTest, CredentialsNameTheirProvider) {
  ProbesHarness h("http://127.0.0.1:9");
  Result<std::string> provider = h.probes.credentials();
  ASSERT_TRUE(provider);
  EXPECT_EQ(*provider, "shared-credentials-file");
}

TEST(RealSystemProbesTest, ClockSkewIsServerTimeMinusLocalTime) {
  HttpTestServer ec2([](const httplib::Request&, httplib::Response& res) {
    res.set_header("Date", "Thu, 01 Jan 2015 00:10:00 GMT");
    res.status = 401;
    res.set_content(
        "<Response><Errors><Error><Code>AuthFailure</Code><Message>skew</Message></Error></Errors>"
        "</Response>",
        "text/xml");
  });
  ProbesHarness h("http://127.0.0.1:9", ec2.url());
  h.clock.set(TimePoint(std::chrono::seconds(1420070400)));  // 2015-01-01 00:00:00Z: 10 minutes behind
  Result<Millis> skew = h.probes.clock_skew();
  ASSERT_TRUE(skew) << skew.error().to_string();
  EXPECT_EQ(*skew, Millis(600'000));
}

TEST(RealSystemProbesTest, InterfaceMacIsReadFromSysfsInLowerCase) {
  ProbesHarness h("http://127.0.0.1:9");
  h.sysfs.write("eth1/address", "0E:49:61:0F:C3:11\n");
  Result<std::string> mac = h.probes.interface_mac("eth1");
  ASSERT_TRUE(mac) << mac.error().to_string();
  EXPECT_EQ(*mac, "0e:49:61:0f:c3:11");

  Result<std::string> missing = h.probes.interface_mac("eth7");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  EXPECT_NE(missing.error().message.find("eth7"), std::string::npos);
  EXPECT_FALSE(h.probes.interface_mac("../etc"));  // never a path outside sysfs
}

TEST(RealSystemProbesTest, InterfacesInSubnetFilterDescribeNetworkInterfacesBySubnet) {
  HttpTestServer ec2([](const httplib::Request&, httplib::Response& res) {
    res.set_content(
        "<DescribeNetworkInterfacesResponse><requestId>r</requestId><networkInterfaceSet>"
        "<item><networkInterfaceId>eni-0aaa</networkInterfaceId><subnetId>subnet-0vip</subnetId></item>"
        "<item><networkInterfaceId>eni-0bbb</networkInterfaceId><subnetId>subnet-0vip</subnetId></item>"
        "</networkInterfaceSet></DescribeNetworkInterfacesResponse>",
        "text/xml");
  });
  ProbesHarness h("http://127.0.0.1:9", ec2.url());
  Result<std::vector<std::string>> enis = h.probes.interfaces_in_subnet("subnet-0vip");
  ASSERT_TRUE(enis) << enis.error().to_string();
  EXPECT_EQ(*enis, (std::vector<std::string>{"eni-0aaa", "eni-0bbb"}));
  std::string body = ec2.requests().at(0).body;
  EXPECT_NE(body.find("Filter.1.Name=subnet-id"), std::string::npos) << body;
  EXPECT_NE(body.find("Filter.1.Value.1=subnet-0vip"), std::string::npos) << body;
}

}  // namespace
}  // namespace cloudvip
