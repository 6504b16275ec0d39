// CurlTransport and HTTP proxies: an in-test HttpTestServer plays a forward proxy for plain http:// URLs
// (libcurl sends it the absolute URL as the request target; it answers itself instead of forwarding).
#include <gtest/gtest.h>

#include "http/curl_transport.h"
#include "testing/http_test_server.h"

namespace cloudvip {
namespace {

using testing::HttpTestServer;

class CurlTransportProxyTest : public ::testing::Test {
 protected:
  static HttpRequest get(const std::string& url) {
    HttpRequest request;
    request.url = url;
    request.timeout = Millis{5000};
    return request;
  }

  HttpTestServer m_origin{
      [](const httplib::Request&, httplib::Response& res) { res.set_content("from origin", "text/plain"); }};
  HttpTestServer m_proxy{
      [](const httplib::Request&, httplib::Response& res) { res.set_content("from proxy", "text/plain"); }};
};

TEST_F(CurlTransportProxyTest, HttpProxyFromEnvironmentCarriesPlainHttp) {
  MapEnvironment env{{"HTTP_PROXY", m_proxy.url()}};
  CurlTransport transport(env);
  // The name need not resolve: the proxy, not us, would look it up.
  auto response = transport.send(get("http://origin.invalid/latest/meta-data"));
  ASSERT_TRUE(response.has_value()) << response.error().to_string();
  EXPECT_EQ(response->body, "from proxy");
  auto seen = m_proxy.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "http://origin.invalid/latest/meta-data");
  EXPECT_EQ(seen[0].header("Host"), "origin.invalid");
}

TEST_F(CurlTransportProxyTest, LowerCaseProxyVariableIsUsed) {
  MapEnvironment env{{"http_proxy", m_proxy.url()}};
  CurlTransport transport(env);
  auto response = transport.send(get(m_origin.url() + "/x"));
  ASSERT_TRUE(response.has_value()) << response.error().to_string();
  EXPECT_EQ(response->body, "from proxy");
  EXPECT_EQ(m_origin.request_count(), 0u);
}

TEST_F(CurlTransportProxyTest, NoProxyHostGoesDirect) {
  MapEnvironment env{{"HTTP_PROXY", m_proxy.url()}, {"NO_PROXY", "example.com,127.0.0.1"}};
  CurlTransport transport(env);
  auto response = transport.send(get(m_origin.url() + "/x"));
  ASSERT_TRUE(response.has_value()) << response.error().to_string();
  EXPECT_EQ(response->body, "from origin");
  EXPECT_EQ(m_proxy.request_count(), 0u);
}

TEST_F(CurlTransportProxyTest, BypassProxyRequestGoesDirect) {
  MapEnvironment env{{"HTTP_PROXY", m_proxy.url()}};
  CurlTransport transport(env);
  HttpRequest request = get(m_origin.url() + "/latest/api/token");
  request.bypass_proxy = true;
  auto response = transport.send(request);
  ASSERT_TRUE(response.has_value()) << response.error().to_string();
  EXPECT_EQ(response->body, "from origin");
  EXPECT_EQ(m_proxy.request_count(), 0u);
}

TEST_F(CurlTransportProxyTest, HttpsProxyIsNotUsedForPlainHttp) {
  MapEnvironment env{{"HTTPS_PROXY", m_proxy.url()}};
  CurlTransport transport(env);
  auto response = transport.send(get(m_origin.url() + "/x"));
  ASSERT_TRUE(response.has_value()) << response.error().to_string();
  EXPECT_EQ(response->body, "from origin");
  EXPECT_EQ(m_proxy.request_count(), 0u);
}

TEST_F(CurlTransportProxyTest, HttpsGoesThroughHttpsProxyWithConnect) {
  // cpp-httplib answers CONNECT with 400, so the tunnel fails; what matters is that the proxy was asked for a
  // tunnel (curl's message says so) and the failure is a clean network error naming the URL and the proxy.
  MapEnvironment env{{"HTTPS_PROXY", "http://user:secret@127.0.0.1:" + std::to_string(m_proxy.port())}};
  CurlTransport transport(env);
  auto response = transport.send(get("https://ec2.us-east-1.amazonaws.com/"));
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::network);
  const std::string& message = response.error().message;
  EXPECT_NE(message.find("https://ec2.us-east-1.amazonaws.com/"), std::string::npos) << message;
  EXPECT_NE(message.find("proxy http://***@127.0.0.1:"), std::string::npos) << message;
  EXPECT_NE(message.find("CONNECT"), std::string::npos) << message;
  EXPECT_EQ(message.find("secret"), std::string::npos) << message;
}

TEST_F(CurlTransportProxyTest, SendAllHonoursProxySettingsPerRequest) {
  MapEnvironment env{{"HTTP_PROXY", m_proxy.url()}};
  CurlTransport transport(env);
  HttpRequest direct = get(m_origin.url() + "/direct");
  direct.bypass_proxy = true;
  auto results = transport.send_all({get("http://origin.invalid/proxied"), direct});
  ASSERT_EQ(results.size(), 2u);
  ASSERT_TRUE(results[0].has_value()) << results[0].error().to_string();
  ASSERT_TRUE(results[1].has_value()) << results[1].error().to_string();
  EXPECT_EQ(results[0]->body, "from proxy");
  EXPECT_EQ(results[1]->body, "from origin");
}

}  // namespace
}  // namespace cloudvip
