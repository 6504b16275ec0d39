// The HttpTransport contract, run against every implementation (http/transport_test_kinds.h): what goes on
// the wire, what comes back, timeouts and errors, connection reuse, threads. CurlTransport-only cases (TLS)
// are plain TESTs at the end.
#include "http/curl_transport.h"
#include "http/transport_test_kinds.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "testing/http_test_server.h"
#include "testing/refusing_port.h"

namespace cloudvip {
namespace {

using testing::HttpTestServer;
using testing::RefusingPort;

HttpRequest get(const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.timeout = Millis{5000};
  return request;
}

template <class Kind>
class TransportContractTest : public ::testing::Test {};
TYPED_TEST_SUITE(TransportContractTest, testing::TransportKinds, testing::TransportKindNames);

// Accepts one connection, reads the request head and answers with `reply` verbatim: for answers that
// cpp-httplib will not produce (an interim 100 Continue, folded headers). Every wait is bounded.
class RawReplyServer {
 public:
  explicit RawReplyServer(std::string reply) : m_reply(std::move(reply)) {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(m_fd, 1) != 0 ||
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("RawReplyServer: cannot listen on 127.0.0.1:0");
    }
    m_port = ntohs(addr.sin_port);
    m_thread = std::thread([this] { serve_one(); });
  }
  ~RawReplyServer() {
    m_thread.join();
    ::close(m_fd);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

 private:
  void serve_one() {
    pollfd listening{m_fd, POLLIN, 0};
    if (::poll(&listening, 1, 5000) != 1) {
      return;
    }
    int conn = ::accept(m_fd, nullptr, nullptr);
    std::string head;
    char buf[1024];
    pollfd readable{conn, POLLIN, 0};
    while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536 &&
           ::poll(&readable, 1, 5000) == 1) {
      ssize_t n = ::read(conn, buf, sizeof(buf));
      if (n <= 0) {
        break;
      }
      head.append(buf, static_cast<size_t>(n));
    }
    (void)!::write(conn, m_reply.data(), m_reply.size());
    ::close(conn);
  }

  std::string m_reply;
  int m_fd = -1;
  int m_port = 0;
  std::thread m_thread;
};

TYPED_TEST(TransportContractTest, RoundTripsStatusHeadersAndBody) {
  HttpTestServer server([](const httplib::Request&, httplib::Response& res) {
    res.status = 201;
    res.set_header("X-Answer", "forty-two");
    res.set_content("hello", "text/plain");
  });
  MapEnvironment env;
  auto made = TypeParam::make(env);
  HttpTransport& transport = *made;
  auto response = transport.send(get(server.url() + "/latest/meta-data?x=1"));
  ASSERT_TRUE(response.has_value()) << response.error().to_string();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(response->headers.get("x-answer"), "forty-two");
  EXPECT_EQ(response->headers.get("Content-Type"), "text/plain");
  for (const auto& [name, value] : response->headers.items()) {
    EXPECT_FALSE(name.starts_with("HTTP/")) << "status line kept as a header: " << name;
  }
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/latest/meta-data?x=1");
  EXPECT_EQ(seen[0].header("User-Agent"), "cloudvip/" CLOUDVIP_VERSION);
}

TYPED_TEST(TransportContractTest, PostBodyAndHeadersReachTheServer) {
  HttpTestServer server([](const httplib::Request&, httplib::Response& res) { res.status = 200; });
  MapEnvironment env;
  auto made = TypeParam::make(env);
  HttpTransport& transport = *made;
  HttpRequest request = get(server.url() + "/");
  request.method = "POST";
  request.body = "Action=DescribeRouteTables&Version=2016-11-15";
  request.headers.add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  request.headers.add("X-Amz-Date", "20150830T123600Z");
  request.headers.add("User-Agent", "caller/1.0");
  ASSERT_TRUE(transport.send(request).has_value());
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].body, request.body);
  EXPECT_EQ(seen[0].header("Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(seen[0].header("X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(seen[0].header("User-Agent"), "caller/1.0");
  EXPECT_EQ(seen[0].header("Expect"), "");
}

TYPED_TEST(TransportContractTest, PutDeleteAndHeadUseTheirMethods) {
  HttpTestServer server([](const httplib::Request&, httplib::Response& res) {
    res.set_header("X-aws-ec2-metadata-token-ttl-seconds", "21600");
    res.set_content("token", "text/plain");
  });
  MapEnvironment env;
  auto made = TypeParam::make(env);
  HttpTransport& transport = *made;
  HttpRequest put = get(server.url() + "/latest/api/token");
  put.method = "PUT";
  put.headers.add("X-aws-ec2-metadata-token-ttl-seconds", "21600");
  auto token = transport.send(put);
  ASSERT_TRUE(token.has_value()) << token.error().to_string();
  EXPECT_EQ(token->body, "token");

  HttpRequest del = get(server.url() + "/thing");
  del.method = "DELETE";
  ASSERT_TRUE(transport.send(del).has_value());

  HttpRequest head = get(server.url() + "/thing");
  head.method = "HEAD";
  auto headed = transport.send(head);
  ASSERT_TRUE(headed.has_value()) << headed.error().to_string();
  EXPECT_EQ(headed->status, 200);
  EXPECT_EQ(headed->body, "");
  EXPECT_EQ(headed->headers.get("X-aws-ec2-metadata-token-ttl-seconds"), "21600");

  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].method, "PUT");
  EXPECT_EQ(seen[0].header("Content-Length"), "0");
  EXPECT_EQ(seen[0].header("Content-Type"), "");  // none that the caller did not choose
  EXPECT_EQ(seen[1].method, "DELETE");
  EXPECT_EQ(seen[2].method, "HEAD");
}

TYPED_TEST(TransportContractTest, DoesNotFollowRedirects) {
  HttpTestServer server([](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/old") {
      res.set_redirect("/new", 302);
    }
  });
  MapEnvironment env;
  auto made = TypeParam::make(env);
  HttpTransport& transport = *made;
  auto response = transport.send(get(server.url() + "/old"));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 302);
  EXPECT_EQ(response->headers.get("Location"), "/new");
  EXPECT_EQ(server.request_count(), 1u);
}

TYPED_TEST(TransportContractTest, KeepsOnlyTheFinalResponsesHeaders) {
  RawReplyServer server(
      "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n"
      "HTTP/1.1 200 OK\r\nX-Final: one\r\nX-Folded: first\r\n  second\r\nContent-Length: 2\r\n\r\nok");
  MapEnvironment env;
  auto made = TypeParam::make(env);
  HttpTransport& transport = *made;
  auto response = transport.send(get(server.url() + "/"));
  ASSERT_TRUE(response.has_value()) << response.error().to_string();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "ok");
  EXPECT_FALSE(response->headers.has("X-Interim"));
  EXPECT_EQ(response->headers.get("X-Final"), "one");
  EXPECT_EQ(response->headers.get("X-Folded"), "first second");
}

TYPED_TEST(TransportContractTest, TotalTimeoutIsErrorTimeout) {
  HttpTestServer server([](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    res.set_content("late", "text/plain");
  });
  MapEnvironment env;
  auto made = TypeParam::make(env);
  HttpTransport& transport = *made;
  HttpRequest request = get(server.url() + "/slow");
  request.timeout = Millis{50};
  auto response = transport.send(request);
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::timeout);
  EXPECT_NE(response.error().message.find(server.url() + "/slow"), std::string::npos)
      << response.error().message;
}

TYPED_TEST(TransportContractTest, RefusedConnectionIsNetworkErrorNamingTheUrl) {
  RefusingPort port;
  MapEnvironment env;
  auto made = TypeParam::make(env);
  HttpTransport& transport = *made;
  auto response = transport.send(get(port.url() + "/latest/api/token?secret=1"));
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::network);
  EXPECT_NE(response.error().message.find("GET " + port.url() + "/latest/api/token"), std::string::npos)
      << response.error().message;
  EXPECT_EQ(response.error().message.find("secret"), std::string::npos)
      << "the query is left out of messages";
}

TYPED_TEST(TransportContractTest, BodyLargerThanTheLimitFails) {
  HttpTestServer server([](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(1000, 'x'), "text/plain");
  });
  MapEnvironment env;
  auto made = TypeParam::make(env, CurlTransportOptions{.max_body_bytes = 100});
  HttpTransport& transport = *made;
  auto response = transport.send(get(server.url() + "/big"));
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::http);
}

TYPED_TEST(TransportContractTest, RejectsHeaderInjectionWithoutSending) {
  HttpTestServer server([](const httplib::Request&, httplib::Response& res) { res.status = 200; });
  MapEnvironment env;
  auto made = TypeParam::make(env);
  HttpTransport& transport = *made;
  HttpRequest request = get(server.url() + "/");
  request.headers.add("X-Evil", "a\r\nX-Injected: 1");
  auto response = transport.send(request);
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(server.request_count(), 0u);
}

TYPED_TEST(TransportContractTest, SequentialRequestsReuseOneConnection) {
  HttpTestServer server(
      [](const httplib::Request&, httplib::Response& res) { res.set_content("x", "text/plain"); });
  MapEnvironment env;
  auto made = TypeParam::make(env);
  HttpTransport& transport = *made;
  // Four: cpp-httplib closes a keep-alive connection after five requests.
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(transport.send(get(server.url() + "/" + std::to_string(i))).has_value());
  }
  std::set<int> ports;
  for (const auto& request : server.requests()) {
    ports.insert(request.remote_port);
  }
  EXPECT_EQ(server.request_count(), 4u);
  EXPECT_EQ(ports.size(), 1u);
}

TYPED_TEST(TransportContractTest, SendFromManyThreadsAtOnce) {
  HttpTestServer server(
      [](const httplib::Request& req, httplib::Response& res) { res.set_content(req.path, "text/plain"); },
      16);
  MapEnvironment env;
  auto made = TypeParam::make(env);
  HttpTransport& transport = *made;
  constexpr int k_threads = 8;
  constexpr int k_each = 5;
  std::vector<std::string> problems(k_threads);  // one slot per thread: no sharing
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < k_each; ++i) {
        std::string path = "/" + std::to_string(t) + "/" + std::to_string(i);
        auto response = transport.send(get(server.url() + path));
        if (!response.has_value()) {
          problems[t] += response.error().to_string() + "\n";
        } else if (response->body != path) {
          problems[t] += path + " answered with " + response->body + "\n";
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (int t = 0; t < k_threads; ++t) {
    EXPECT_EQ(problems[t], "") << "thread " << t;
  }
  EXPECT_EQ(server.request_count(), static_cast<size_t>(k_threads * k_each));
}

TEST(CurlTransportTest, HttpsToPlainHttpPortFailsCleanly) {
  HttpTestServer server([](const httplib::Request&, httplib::Response& res) { res.status = 200; });
  MapEnvironment env;
  CurlTransport transport(env);
  std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
  auto response = transport.send(get(url));
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::network);
  EXPECT_NE(response.error().message.find(url), std::string::npos) << response.error().message;
}

TEST(CurlTransportTest, UnreadableCaBundleIsConfigErrorNamingIt) {
  HttpTestServer server([](const httplib::Request&, httplib::Response& res) { res.status = 200; });
  MapEnvironment env;
  CurlTransport transport(env, CurlTransportOptions{.ca_bundle = "/nonexistent/cloudvip-ca.pem"});
  auto response = transport.send(get("https://127.0.0.1:" + std::to_string(server.port()) + "/"));
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::config);
  EXPECT_NE(response.error().message.find("/nonexistent/cloudvip-ca.pem"), std::string::npos)
      << response.error().message;
}

}  // namespace
}  // namespace cloudvip
