#include "http/selecting_transport.h"

#include <gtest/gtest.h>

#include "testing/http_test_server.h"

namespace cloudvip {
namespace {

using testing::HttpTestServer;

HttpRequest get(const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.timeout = Millis{5000};
  return request;
}

TEST(SelectingTransportTest, PlainHttpGoesDirectWithoutLibcurl) {
  MapEnvironment env;
  SelectingTransport transport(env);
  EXPECT_FALSE(transport.needs_curl(get("http://127.0.0.1:8080/")));
  EXPECT_FALSE(transport.needs_curl(get("HTTP://169.254.169.254/latest/api/token")));
  EXPECT_TRUE(transport.needs_curl(get("https://ec2.us-east-1.amazonaws.com/")));
}

TEST(SelectingTransportTest, AProxyForPlainHttpMeansLibcurlUnlessTheRequestBypassesIt) {
  MapEnvironment env({{"HTTP_PROXY", "http://127.0.0.1:3128"}});
  SelectingTransport transport(env);
  HttpRequest request = get("http://127.0.0.1:8080/");
  EXPECT_TRUE(transport.needs_curl(request));
  request.bypass_proxy = true;  // IMDS
  EXPECT_FALSE(transport.needs_curl(request));
  MapEnvironment https_only({{"HTTPS_PROXY", "http://127.0.0.1:3128"}});
  SelectingTransport transport2(https_only);
  EXPECT_FALSE(transport2.needs_curl(get("http://127.0.0.1:8080/")));
}

TEST(SelectingTransportTest, LoadsLibcurlOnlyWhenARequestNeedsIt) {
  HttpTestServer server(
      [](const httplib::Request&, httplib::Response& res) { res.set_content("x", "text/plain"); });
  MapEnvironment env;
  SelectingTransport transport(env);
  ASSERT_TRUE(transport.send(get(server.url() + "/")).has_value());
  auto all = transport.send_all({get(server.url() + "/1"), get(server.url() + "/2")});
  ASSERT_TRUE(all[0].has_value() && all[1].has_value());
  EXPECT_FALSE(transport.curl_loaded());
  // https to a plain-HTTP port: libcurl is created for it, and the TLS handshake fails: as a network error
  // when the server answers the ClientHello, as a timeout when it is still waiting for a request line (a
  // slow run, e.g. under TSan). Both are retryable; what matters here is that libcurl carried it.
  auto tls = transport.send(get("https://127.0.0.1:" + std::to_string(server.port()) + "/"));
  EXPECT_TRUE(transport.curl_loaded());
  ASSERT_FALSE(tls.has_value());
  EXPECT_TRUE(tls.error().code == ErrorCode::network || tls.error().code == ErrorCode::timeout)
      << tls.error().to_string();
}

TEST(SelectingTransportTest, MixedRoundKeepsOrder) {
  HttpTestServer server(
      [](const httplib::Request& req, httplib::Response& res) { res.set_content(req.path, "text/plain"); });
  MapEnvironment env;
  SelectingTransport transport(env);
  std::string tls_url = "https://127.0.0.1:" + std::to_string(server.port()) + "/tls";
  auto results = transport.send_all({get(server.url() + "/a"), get(tls_url), get(server.url() + "/b")});
  ASSERT_EQ(results.size(), 3u);
  ASSERT_TRUE(results[0].has_value());
  EXPECT_EQ(results[0]->body, "/a");
  EXPECT_FALSE(results[1].has_value());
  ASSERT_TRUE(results[2].has_value());
  EXPECT_EQ(results[2]->body, "/b");
}

}  // namespace
}  // namespace cloudvip
