#include "daemon/metered_transport.h"

#include <gtest/gtest.h>

#include "testing/fake_transport.h"

namespace cloudvip {
namespace {

HttpRequest ec2(std::string action) {
  HttpRequest request;
  request.method = "POST";
  request.body = "Action=" + action + "&Version=2016-11-15&RouteTableId=rtb-1";
  return request;
}

TEST(MeteredTransportTest, CountsEveryCallByActionAndResult) {
  Metrics metrics;
  declare_daemon_metrics(metrics);
  testing::FakeTransport inner;
  inner.push(200, "<DescribeRouteTablesResponse/>");
  inner.push(503,
             "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>slow down</Message></Error>"
             "</Errors><RequestID>r-1</RequestID></Response>");
  inner.push(fail(ErrorCode::timeout, "no answer"));
  MeteredTransport metered(inner, metrics);
  EXPECT_TRUE(metered.send(ec2("DescribeRouteTables")).has_value());
  std::vector<Result<HttpResponse>> answers = metered.send_all({ec2("ReplaceRoute"), ec2("ReplaceRoute")});
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(metrics.value("cloudvip_ec2_calls_total", {{"action", "DescribeRouteTables"}, {"result", "ok"}}),
            1);
  EXPECT_EQ(metrics.value("cloudvip_ec2_calls_total",
                          {{"action", "ReplaceRoute"}, {"result", "RequestLimitExceeded"}}),
            1);
  EXPECT_EQ(metrics.value("cloudvip_ec2_calls_total", {{"action", "ReplaceRoute"}, {"result", "error"}}), 1);
}

TEST(MeteredTransportTest, InstanceMetadataIsNotCounted) {
  Metrics metrics;
  declare_daemon_metrics(metrics);
  testing::FakeTransport inner;
  inner.push(200, "i-0abc");
  MeteredTransport metered(inner, metrics);
  HttpRequest imds;
  imds.url = "http://127.0.0.1:1/latest/meta-data/instance-id";
  ASSERT_TRUE(metered.send(imds).has_value());
  EXPECT_EQ(metrics.render().find("cloudvip_ec2_calls_total{"), std::string::npos);
}

TEST(MeteredTransportTest, FindsTheActionAnywhereInTheBody) {
  EXPECT_EQ(query_action("Version=2016-11-15&Action=CreateRoute"), "CreateRoute");
  EXPECT_EQ(query_action("Version=2016-11-15"), "unknown");
  EXPECT_EQ(query_action(""), "unknown");
}

}  // namespace
}  // namespace cloudvip
