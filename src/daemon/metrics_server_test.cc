#include "daemon/metrics_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

namespace cloudvip {
namespace {

TEST(ParseHostPortTest, AcceptsIpv4Ipv6AndNames) {
  Result<HostPort> v4 = parse_host_port("127.0.0.1:9464", "[daemon] metrics");
  ASSERT_TRUE(v4) << v4.error().to_string();
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 9464);
  Result<HostPort> v6 = parse_host_port("[::1]:0", "[daemon] metrics");
  ASSERT_TRUE(v6) << v6.error().to_string();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  Result<HostPort> name = parse_host_port("localhost:80", "[daemon] metrics");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->host, "localhost");
}

TEST(ParseHostPortTest, RejectsMalformedAddressesNamingKeyAndValue) {
  for (const char* bad : {"9464", "127.0.0.1", ":9464", "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:70000",
                          "::1:9464", "[::1]9464", "127.0.0.1:-1"}) {
    Result<HostPort> r = parse_host_port(bad, "[daemon] metrics");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::config) << bad;
    EXPECT_NE(r.error().message.find(std::string("[daemon] metrics: '") + bad + "'"), std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find("HOST:PORT"), std::string::npos) << r.error().message;
  }
}

TEST(MetricsServerTest, ServesTheRenderedRegistryOnGetMetrics) {
  Metrics metrics;
  metrics.declare_gauge("cloudvip_is_primary", "Primary.");
  metrics.set("cloudvip_is_primary", {{"vip", "iris"}}, 1);
  MetricsServer server(metrics, "127.0.0.1:0");
  Result<void> started = server.start();
  ASSERT_TRUE(started) << started.error().to_string();
  ASSERT_GT(server.port(), 0);

  httplib::Client client("127.0.0.1", server.port());
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  httplib::Result res = client.Get("/metrics");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), k_metrics_content_type);
  EXPECT_EQ(res->body, metrics.render());

  // Later changes show on the next scrape.
  metrics.set("cloudvip_is_primary", {{"vip", "iris"}}, 0);
  res = client.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_NE(res->body.find("cloudvip_is_primary{vip=\"iris\"} 0\n"), std::string::npos) << res->body;

  res = client.Get("/nothing");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  server.stop();
  server.stop();  // idempotent
}

TEST(MetricsServerTest, PortInUseIsANetworkErrorNamingTheAddressAndTheFix) {
  Metrics metrics;
  MetricsServer first(metrics, "127.0.0.1:0");
  ASSERT_TRUE(first.start());
  std::string address = "127.0.0.1:" + std::to_string(first.port());
  MetricsServer second(metrics, address);
  Result<void> r = second.start();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::network);
  EXPECT_NE(r.error().message.find("cannot listen on " + address), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("[daemon] metrics"), std::string::npos) << r.error().message;
}

TEST(MetricsServerTest, MalformedAddressIsAConfigError) {
  Metrics metrics;
  MetricsServer server(metrics, "localhost");
  Result<void> r = server.start();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::config);
  EXPECT_EQ(server.port(), 0);
}

}  // namespace
}  // namespace cloudvip
