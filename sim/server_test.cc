#include "sim/server.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <thread>

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

// 8 threads, started together, each send 5 calls at once (CurlTransport's send_all): 40 calls in flight
// against a 16-worker server. Every one gets its own 200 answer, and the call log saw all 40.
TEST_F(SimServerWireTest, ManyConcurrentCallsAreAllAnswered) {
  constexpr int k_threads = 8;
  constexpr int k_per_thread = 5;
  std::vector<HttpRequest> requests;
  for (int i = 0; i < k_per_thread; ++i) {
    requests.push_back(signed_post("Action=DescribeVpcs&Version=2016-11-15", admin_credentials()));
  }
  std::atomic<int> ready{0};
  std::atomic<int> answered{0};
  std::mutex mutex;
  std::set<std::string> request_ids;
  std::vector<std::string> problems;
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&] {
      ready.fetch_add(1);
      for (int spin = 0; spin < 10'000 && ready.load() < k_threads; ++spin) {  // a bounded start line
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
      auto responses = m_transport.send_all(requests);
      std::lock_guard lock(mutex);
      if (responses.size() != requests.size()) {
        problems.push_back(std::to_string(responses.size()) + " answers to " +
                           std::to_string(requests.size()));
      }
      for (const auto& response : responses) {
        if (!response) {
          problems.push_back(response.error().to_string());
        } else if (response->status != 200) {
          problems.push_back("HTTP " + std::to_string(response->status) + ": " + response->body);
        } else {
          answered.fetch_add(1);
          size_t at = response->body.find("<requestId>");
          size_t end = response->body.find("</requestId>");
          request_ids.insert(at == std::string::npos || end == std::string::npos
                                 ? std::string()
                                 : response->body.substr(at + 11, end - at - 11));
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);
  EXPECT_EQ(answered.load(), k_threads * k_per_thread);
  EXPECT_EQ(request_ids.size(), static_cast<size_t>(k_threads * k_per_thread)) << "one answer per call";
  EXPECT_EQ(m_log.since(0).size(), static_cast<size_t>(k_threads * k_per_thread));
}

TEST_F(SimServerWireTest, AnUnparsableRequestLineGetsAnErrorDocument) {
  HttpRequest request = signed_post("Action=DescribeVpcs", admin_credentials());
  request.method = "BREW";
  HttpResponse response = send(request);
  EXPECT_GE(response.status, 400);
  EXPECT_FALSE(error_code(response).empty());
  EXPECT_EQ(ec2("Action=DescribeVpcs&Version=2016-11-15").status, 200);
}

// Sends `raw` on a new connection to 127.0.0.1:port, keeps the connection open (no half-close: the server
// must answer without seeing the end of the stream) and returns what came back within `limit` in all: the
// whole answer once its announced body is complete, or what had arrived when the peer closed or the limit
// passed.
std::string raw_exchange(int port, const std::string& raw, std::chrono::milliseconds limit) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + limit;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::send(fd, raw.data(), raw.size(), 0) == static_cast<ssize_t>(raw.size())) {
    char buf[4096];
    for (int i = 0; i < 64; ++i) {  // headers and body may come in separate segments
      size_t header_end = out.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        size_t length_at = out.find("Content-Length: ");
        size_t length = length_at == std::string::npos ? 0 : std::stoul(out.substr(length_at + 16));
        if (out.size() >= header_end + 4 + length) {
          break;
        }
      }
      auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
      if (left.count() <= 0) {
        break;
      }
      timeval tv{static_cast<time_t>(left.count() / 1'000'000),
                 static_cast<suseconds_t>(left.count() % 1'000'000)};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
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

// "At once": a complete answer within 5 s on a connection that stays open. A server that waits for the
// body to end (what cpp-httplib does unaided) never answers, so the bound separates the two however slow
// the machine is; it asserts no speed.
TEST(HttpListener, ARequestWithoutContentLengthHasAnEmptyBodyAndIsAnsweredAtOnce) {
  std::mutex mutex;  // the handler runs on the listener's thread
  std::string seen_body = "unset";
  HttpListener listener("127.0.0.1", 0, 2, [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex);
    seen_body = req.body;
    res.set_content("token", "text/plain");
  });
  // What `curl -X PUT` sends: no Content-Length, no body, and the connection stays open for the answer.
  std::string answer = raw_exchange(listener.port(),
                                    "PUT /latest/api/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    "X-aws-ec2-metadata-token-ttl-seconds: 60\r\n\r\n",
                                    std::chrono::seconds(5));
  EXPECT_EQ(answer.substr(0, 15), "HTTP/1.1 200 OK") << "no complete answer within 5 s: '" << answer << "'";
  EXPECT_TRUE(answer.ends_with("\r\n\r\ntoken")) << answer;
  std::lock_guard lock(mutex);
  EXPECT_EQ(seen_body, "");
}

TEST(HttpListener, AnAnnouncedBodyIsStillRead) {
  std::mutex mutex;  // the handler runs on the listener's thread
  std::string seen_body;
  HttpListener listener("127.0.0.1", 0, 2, [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex);
    seen_body = req.body;
    res.set_content("ok", "text/plain");
  });
  std::string answer = raw_exchange(
      listener.port(), "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 11\r\n\r\nAction=Test",
      std::chrono::milliseconds(3000));
  EXPECT_EQ(answer.substr(0, 15), "HTTP/1.1 200 OK") << answer;
  std::lock_guard lock(mutex);
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
