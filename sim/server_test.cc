#include "sim/server.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>

#include "sim/server_test_fixture.h"

namespace cloudvip::sim {
namespace {

class SimServerWireTest : public testing::SimServerTest {};

TEST_F(SimServerWireTest, ListensOnLoopbackWithAnyPortAndReportsImdsListeners) {
  EXPECT_TRUE(m_server->url().starts_with("http://127.0.0.1:"));
  EXPECT_GT(m_server->port(), 0);
  auto imds = m_server->imds_urls();
  ASSERT_EQ(imds.size(), 2u);
  EXPECT_EQ(imds[0].first, testing::k_instance_a);
  EXPECT_NE(imds[0].second, imds[1].second);
}

TEST_F(SimServerWireTest, ManyConcurrentCallsAreAllAnswered) {
  std::vector<HttpRequest> requests;
  for (int i = 0; i < 40; ++i) {
    requests.push_back(signed_post("Action=DescribeVpcs&Version=2016-11-15", admin_credentials()));
  }
  auto responses = m_transport.send_all(requests);
  for (const auto& response : responses) {
    ASSERT_TRUE(response) << response.error().to_string();
    EXPECT_EQ(response->status, 200);
  }
}

TEST_F(SimServerWireTest, AnUnparsableRequestLineGetsAnErrorDocument) {
  HttpRequest request = signed_post("Action=DescribeVpcs", admin_credentials());
  request.method = "BREW";
  HttpResponse response = send(request);
  EXPECT_GE(response.status, 400);
  EXPECT_FALSE(error_code(response).empty());
  EXPECT_EQ(ec2("Action=DescribeVpcs&Version=2016-11-15").status, 200);
}

// Sends `raw` on a new connection to 127.0.0.1:port and returns the answer (bounded by `wait` per read).
std::string raw_exchange(int port, const std::string& raw, std::chrono::milliseconds wait) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::send(fd, raw.data(), raw.size(), 0) == static_cast<ssize_t>(raw.size())) {
    timeval tv{static_cast<time_t>(wait.count() / 1000),
               static_cast<suseconds_t>((wait.count() % 1000) * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    // Read until the announced body is complete (headers and body may come in separate segments), the peer
    // closes, or `wait` passes without data; at most 64 reads.
    char buf[4096];
    for (int i = 0; i < 64; ++i) {
      size_t header_end = out.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        size_t length_at = out.find("Content-Length: ");
        size_t length = length_at == std::string::npos ? 0 : std::stoul(out.substr(length_at + 16));
        if (out.size() >= header_end + 4 + length) {
          break;
        }
      }
      ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) {
        break;
      }
      out.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

TEST(HttpListener, ARequestWithoutContentLengthHasAnEmptyBodyAndIsAnsweredAtOnce) {
  std::string seen_body = "unset";
  HttpListener listener("127.0.0.1", 0, 2, [&seen_body](const httplib::Request& req, httplib::Response& res) {
    seen_body = req.body;
    res.set_content("token", "text/plain");
  });
  // What `curl -X PUT` sends: no Content-Length, no body, and the connection stays open for the answer.
  std::string answer = raw_exchange(listener.port(),
                                    "PUT /latest/api/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    "X-aws-ec2-metadata-token-ttl-seconds: 60\r\n\r\n",
                                    std::chrono::milliseconds(3000));
  EXPECT_EQ(answer.substr(0, 15), "HTTP/1.1 200 OK") << answer;
  EXPECT_NE(answer.find("token"), std::string::npos);
  EXPECT_EQ(seen_body, "");
}

TEST(HttpListener, AnAnnouncedBodyIsStillRead) {
  std::string seen_body;
  HttpListener listener("127.0.0.1", 0, 2, [&seen_body](const httplib::Request& req, httplib::Response& res) {
    seen_body = req.body;
    res.set_content("ok", "text/plain");
  });
  std::string answer = raw_exchange(
      listener.port(), "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 11\r\n\r\nAction=Test",
      std::chrono::milliseconds(3000));
  EXPECT_EQ(answer.substr(0, 15), "HTTP/1.1 200 OK") << answer;
  EXPECT_EQ(seen_body, "Action=Test");
}

TEST(HttpListener, BindFailureThrowsNamingTheAddress) {
  HttpListener first("127.0.0.1", 0, 2, [](const httplib::Request&, httplib::Response&) {});
  try {
    HttpListener second("127.0.0.1", first.port(), 2, [](const httplib::Request&, httplib::Response&) {});
    FAIL() << "bound the same port twice";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(first.port())), std::string::npos);
  }
}

}  // namespace
}  // namespace cloudvip::sim
