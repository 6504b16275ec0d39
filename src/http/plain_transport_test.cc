// What only PlainHttpTransport does; the shared contract is in transport_contract_test.cc and
// transport_send_all_test.cc.
#include "http/plain_transport.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include "testing/http_test_server.h"

namespace cloudvip {
namespace {

HttpRequest get(const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.timeout = Millis{5000};
  return request;
}

// Answers `connections` connections one after another, each with one keep-alive answer (no Connection:
// close), then closes it: a server that drops idle connections. Every wait is bounded.
class OneAnswerPerConnectionServer {
 public:
  explicit OneAnswerPerConnectionServer(int connections) {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(m_fd, 4) != 0 ||
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1:0");
    }
    m_port = ntohs(addr.sin_port);
    m_thread = std::thread([this, connections] {
      for (int i = 0; i < connections; ++i) {
        serve_one(i);
      }
    });
  }
  ~OneAnswerPerConnectionServer() {
    m_thread.join();
    ::close(m_fd);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

 private:
  void serve_one(int index) {
    pollfd listening{m_fd, POLLIN, 0};
    if (::poll(&listening, 1, 5000) != 1) {
      return;
    }
    int conn = ::accept(m_fd, nullptr, nullptr);
    std::string head;
    char buf[1024];
    pollfd readable{conn, POLLIN, 0};
    while (head.find("\r\n\r\n") == std::string::npos && ::poll(&readable, 1, 5000) == 1) {
      ssize_t n = ::read(conn, buf, sizeof(buf));
      if (n <= 0) {
        break;
      }
      head.append(buf, static_cast<size_t>(n));
    }
    std::string body = "answer " + std::to_string(index);
    std::string reply =
        "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    (void)!::write(conn, reply.data(), reply.size());
    ::close(conn);
  }

  int m_fd = -1;
  int m_port = 0;
  std::thread m_thread;
};

TEST(PlainHttpTransportTest, RefusesHttpsWithoutConnecting) {
  PlainHttpTransport transport;
  auto response = transport.send(get("https://127.0.0.1:1/x"));
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(response.error().message.find("https://127.0.0.1:1/x"), std::string::npos)
      << response.error().message;
}

TEST(PlainHttpTransportTest, AConnectionTheServerClosedIsNotReused) {
  OneAnswerPerConnectionServer server(2);
  PlainHttpTransport transport;
  auto first = transport.send(get(server.url() + "/1"));
  ASSERT_TRUE(first.has_value()) << first.error().to_string();
  EXPECT_EQ(first->body, "answer 0");
  auto second = transport.send(get(server.url() + "/2"));
  ASSERT_TRUE(second.has_value()) << second.error().to_string();
  EXPECT_EQ(second->body, "answer 1");
}

TEST(PlainHttpTransportTest, WarmUpOpensConnectionsThatRequestsThenUse) {
  testing::HttpTestServer server(
      [](const httplib::Request& req, httplib::Response& res) { res.set_content(req.path, "text/plain"); },
      16);
  PlainHttpTransport transport;
  transport.warm_up(server.url() + "/", 3);
  transport.warm_up(server.url() + "/", 3);  // already there: no more
  const std::string key = "127.0.0.1:" + std::to_string(server.port());
  std::set<int> warmed;  // the local ports of the pooled connections
  std::vector<int> fds;
  for (int fd = transport.take_idle(key); fd >= 0 && fds.size() < 10; fd = transport.take_idle(key)) {
    sockaddr_in local{};
    socklen_t len = sizeof local;
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len), 0);
    warmed.insert(ntohs(local.sin_port));
    fds.push_back(fd);
  }
  ASSERT_EQ(fds.size(), 3u) << "warm_up pools exactly the connections asked for";
  for (int fd : fds) {
    transport.give_back(key, fd, false);
  }
  auto results =
      transport.send_all({get(server.url() + "/a"), get(server.url() + "/b"), get(server.url() + "/c")});
  for (const auto& result : results) {
    ASSERT_TRUE(result.has_value()) << result.error().to_string();
  }
  std::set<int> used;
  for (const auto& request : server.requests()) {
    used.insert(request.remote_port);
  }
  EXPECT_EQ(used, warmed) << "the requests went on the warmed connections";
}

TEST(PlainHttpTransportTest, KeepsOnlyTheIdleConnectionsPerHostItIsToldToAfterAnswers) {
  testing::HttpTestServer server(
      [](const httplib::Request& req, httplib::Response& res) { res.set_content(req.path, "text/plain"); },
      16);
  PlainHttpTransport transport(PlainHttpTransportOptions{.max_idle_per_host_after_answer = 2});
  transport.warm_up(server.url() + "/", 5);
  std::vector<HttpRequest> five;
  for (int i = 0; i < 5; ++i) {
    five.push_back(get(server.url() + "/" + std::to_string(i)));
  }
  for (const auto& result : transport.send_all(five)) {
    ASSERT_TRUE(result.has_value()) << result.error().to_string();
  }
  const std::string key = "127.0.0.1:" + std::to_string(server.port());
  std::vector<int> kept;
  for (int fd = transport.take_idle(key); fd >= 0 && kept.size() < 10; fd = transport.take_idle(key)) {
    kept.push_back(fd);
  }
  EXPECT_EQ(kept.size(), 2u) << "three of the five answered connections were closed as they finished";
  for (int fd : kept) {
    transport.give_back(key, fd, false);
  }
  // The kept ones carry the next requests.
  std::set<int> before;
  for (const auto& request : server.requests()) {
    before.insert(request.remote_port);
  }
  auto again = transport.send_all({get(server.url() + "/x"), get(server.url() + "/y")});
  for (const auto& result : again) {
    ASSERT_TRUE(result.has_value()) << result.error().to_string();
  }
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 7u);
  EXPECT_TRUE(before.contains(requests[5].remote_port));
  EXPECT_TRUE(before.contains(requests[6].remote_port));
}

TEST(PlainHttpTransportTest, WarmedConnectionsThatFailedAreNotUsed) {
  PlainHttpTransport transport;
  std::string url;
  {
    testing::HttpTestServer gone([](const httplib::Request&, httplib::Response&) {});
    url = gone.url();
  }
  transport.warm_up(url + "/", 2);  // nothing listens there now: these connections are refused
  auto refused = transport.send(get(url + "/y"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::network) << refused.error().to_string();
  EXPECT_NE(refused.error().message.find("failed to connect"), std::string::npos) << refused.error().message;
}

}  // namespace
}  // namespace cloudvip
