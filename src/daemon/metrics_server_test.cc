#include "daemon/metrics_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

namespace cloudvip {
namespace {

// An HTTP client for 127.0.0.1:port with 5 s timeouts, as Prometheus scrapes.
httplib::Client scraper(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  return client;
}

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

  httplib::Client client = scraper(server.port());
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

// A raw TCP connection to 127.0.0.1:port (the tests need requests no HTTP client would send). -1 on failure.
int connect_raw(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval five{.tv_sec = 5, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof(five));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends `request` and reads until the server closes (or 5 s pass).
std::string exchange_raw(int port, const std::string& request) {
  int fd = connect_raw(port);
  if (fd < 0) {
    return "connect failed";
  }
  (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string answer;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) {
    answer.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return answer;
}

TEST(MetricsHttpAnswerTest, AnswersEachKindOfRequest) {
  Metrics metrics;
  metrics.declare_counter("cloudvip_ec2_calls_total", "Calls.");
  metrics.add("cloudvip_ec2_calls_total", {{"action", "ReplaceRoute"}}, 2);
  std::string body = metrics.render();

  std::string get = metrics_http_answer(metrics, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(get.starts_with("HTTP/1.1 200 OK\r\n")) << get;
  EXPECT_NE(get.find(std::string("Content-Type: ") + k_metrics_content_type + "\r\n"), std::string::npos);
  EXPECT_NE(get.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos) << get;
  EXPECT_NE(get.find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(get.ends_with("\r\n\r\n" + body)) << get;

  // A query string (some scrapers add one) does not change the page.
  EXPECT_EQ(metrics_http_answer(metrics, "GET /metrics?x=1 HTTP/1.0\r\n\r\n"), get);

  std::string head = metrics_http_answer(metrics, "HEAD /metrics HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n")) << head;
  EXPECT_NE(head.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos);
  EXPECT_TRUE(head.ends_with("\r\n\r\n")) << head;

  EXPECT_TRUE(metrics_http_answer(metrics, "GET / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_TRUE(metrics_http_answer(metrics, "GET /metricsx HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404 "));
  std::string post = metrics_http_answer(metrics, "POST /metrics HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(post.starts_with("HTTP/1.1 405 ")) << post;
  EXPECT_NE(post.find("Allow: GET, HEAD\r\n"), std::string::npos) << post;
  for (const char* bad : {"GET\r\n\r\n", "GET /metrics\r\n\r\n", "GET /metrics HTTP/1.1 x\r\n\r\n",
                          " /metrics HTTP/1.1\r\n\r\n", "GET /metrics SPDY/3\r\n\r\n"}) {
    EXPECT_TRUE(metrics_http_answer(metrics, bad).starts_with("HTTP/1.1 400 ")) << bad;
  }
}

TEST(MetricsServerTest, AnswersMalformedAndOversizedRequestsAndCloses) {
  Metrics metrics;
  MetricsServer server(metrics, "127.0.0.1:0");
  ASSERT_TRUE(server.start());
  EXPECT_TRUE(exchange_raw(server.port(), "hello\r\n\r\n").starts_with("HTTP/1.1 400 "));
  EXPECT_TRUE(exchange_raw(server.port(), "DELETE /metrics HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405 "));
  std::string huge = "GET /metrics HTTP/1.1\r\nX: " + std::string(20000, 'a');
  EXPECT_TRUE(exchange_raw(server.port(), huge).starts_with("HTTP/1.1 431 "));
  // A request that arrives in pieces is answered once it is whole.
  std::string head = exchange_raw(server.port(), "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n")) << head;
  EXPECT_TRUE(head.ends_with("\r\n\r\n")) << head;
}

TEST(MetricsServerTest, AnIdleClientHoldsUpNeitherAScrapeNorStop) {
  Metrics metrics;
  metrics.declare_gauge("cloudvip_is_primary", "Primary.");
  MetricsServer server(metrics, "127.0.0.1:0");
  ASSERT_TRUE(server.start());
  int idle = connect_raw(server.port());  // connects, then says nothing
  ASSERT_GE(idle, 0);
  int half = connect_raw(server.port());  // half a request line
  ASSERT_GE(half, 0);
  (void)::send(half, "GET /met", 8, MSG_NOSIGNAL);

  httplib::Client client = scraper(server.port());
  httplib::Result res = client.Get("/metrics");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, metrics.render());

  auto before = std::chrono::steady_clock::now();
  server.stop();
  // Bounded by the poll's wake-up, not by the clients' 5 s timeout.
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(4));
  char byte = 0;
  EXPECT_EQ(::recv(idle, &byte, 1, 0), 0) << "the idle connection is closed at stop";
  ::close(idle);
  ::close(half);
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
