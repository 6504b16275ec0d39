// send_all of every HttpTransport (http/transport_test_kinds.h): concurrency, order, per-request errors and
// connection reuse.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "http/curl_transport.h"
#include "http/transport_test_kinds.h"
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
class TransportSendAllTest : public ::testing::Test {};
TYPED_TEST_SUITE(TransportSendAllTest, testing::TransportKinds, testing::TransportKindNames);

TYPED_TEST(TransportSendAllTest, RunsRequestsConcurrently) {
  constexpr int k_requests = 20;
  constexpr auto k_handler_time = std::chrono::milliseconds(200);
  HttpTestServer server(
      [&](const httplib::Request& req, httplib::Response& res) {
        std::this_thread::sleep_for(k_handler_time);
        res.set_content(req.path, "text/plain");
      },
      64);
  MapEnvironment env;
  auto made = TypeParam::make(env);
  HttpTransport& transport = *made;
  std::vector<HttpRequest> requests;
  for (int i = 0; i < k_requests; ++i) {
    requests.push_back(get(server.url() + "/" + std::to_string(i)));
  }
  auto start = std::chrono::steady_clock::now();
  auto results = transport.send_all(requests);
  auto elapsed = std::chrono::steady_clock::now() - start;

  ASSERT_EQ(results.size(), requests.size());
  for (int i = 0; i < k_requests; ++i) {
    ASSERT_TRUE(results[i].has_value()) << results[i].error().to_string();
    EXPECT_EQ(results[i]->body, "/" + std::to_string(i));
  }
  // One after another would take 20 * 200 ms; a generous bound that still proves they overlapped.
  EXPECT_LT(elapsed, k_requests * k_handler_time / 2);
}

TYPED_TEST(TransportSendAllTest, KeepsInputOrderAndReportsErrorsPerRequest) {
  HttpTestServer server([](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/first") {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // finishes last
    }
    res.status = req.path == "/missing" ? 404 : 200;
    res.set_content(req.path, "text/plain");
  });
  RefusingPort refusing;
  MapEnvironment env;
  auto made = TypeParam::make(env);
  HttpTransport& transport = *made;
  HttpRequest bad_method = get(server.url() + "/never");
  bad_method.method = "GE T";
  HttpRequest slow = get(server.url() + "/first");
  auto results = transport.send_all({slow, get(refusing.url() + "/refused"), get(server.url() + "/missing"),
                                     bad_method, get(server.url() + "/ok")});

  ASSERT_EQ(results.size(), 5u);
  ASSERT_TRUE(results[0].has_value()) << results[0].error().to_string();
  EXPECT_EQ(results[0]->body, "/first");
  ASSERT_FALSE(results[1].has_value());
  EXPECT_EQ(results[1].error().code, ErrorCode::network);
  EXPECT_NE(results[1].error().message.find(refusing.url() + "/refused"), std::string::npos);
  ASSERT_TRUE(results[2].has_value()) << results[2].error().to_string();
  EXPECT_EQ(results[2]->status, 404);
  ASSERT_FALSE(results[3].has_value());
  EXPECT_EQ(results[3].error().code, ErrorCode::invalid_argument);
  ASSERT_TRUE(results[4].has_value()) << results[4].error().to_string();
  EXPECT_EQ(results[4]->body, "/ok");
  EXPECT_EQ(server.request_count(), 3u);
}

TYPED_TEST(TransportSendAllTest, TimeoutOfOneRequestDoesNotFailTheOthers) {
  HttpTestServer server([](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/slow") {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    res.set_content(req.path, "text/plain");
  });
  MapEnvironment env;
  auto made = TypeParam::make(env);
  HttpTransport& transport = *made;
  HttpRequest slow = get(server.url() + "/slow");
  slow.timeout = Millis{50};
  auto results = transport.send_all({slow, get(server.url() + "/fast")});
  ASSERT_EQ(results.size(), 2u);
  ASSERT_FALSE(results[0].has_value());
  EXPECT_EQ(results[0].error().code, ErrorCode::timeout);
  ASSERT_TRUE(results[1].has_value()) << results[1].error().to_string();
  EXPECT_EQ(results[1]->body, "/fast");
}

TYPED_TEST(TransportSendAllTest, MoreRequestsThanMaxParallelAllComplete) {
  HttpTestServer server(
      [](const httplib::Request& req, httplib::Response& res) { res.set_content(req.path, "text/plain"); });
  MapEnvironment env;
  auto made = TypeParam::make(env, CurlTransportOptions{.max_parallel = 2});
  HttpTransport& transport = *made;
  std::vector<HttpRequest> requests;
  for (int i = 0; i < 7; ++i) {
    requests.push_back(get(server.url() + "/" + std::to_string(i)));
  }
  auto results = transport.send_all(requests);
  ASSERT_EQ(results.size(), 7u);
  std::set<int> ports;
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(results[i].has_value()) << results[i].error().to_string();
    EXPECT_EQ(results[i]->body, "/" + std::to_string(i));
  }
  for (const auto& request : server.requests()) {
    ports.insert(request.remote_port);
  }
  EXPECT_LE(ports.size(), 2u) << "never more than max_parallel connections, reused as slots free up";
}

TYPED_TEST(TransportSendAllTest, LaterCallsReuseConnections) {
  HttpTestServer server(
      [](const httplib::Request& req, httplib::Response& res) { res.set_content(req.path, "text/plain"); });
  MapEnvironment env;
  auto made = TypeParam::make(env);
  HttpTransport& transport = *made;
  for (int round = 0; round < 3; ++round) {
    auto results = transport.send_all({get(server.url() + "/a"), get(server.url() + "/b")});
    for (const auto& result : results) {
      ASSERT_TRUE(result.has_value()) << result.error().to_string();
    }
  }
  std::set<int> ports;
  for (const auto& request : server.requests()) {
    ports.insert(request.remote_port);
  }
  EXPECT_EQ(server.request_count(), 6u);
  EXPECT_LE(ports.size(), 2u);
}

TYPED_TEST(TransportSendAllTest, EmptyInputGivesEmptyOutput) {
  MapEnvironment env;
  auto made = TypeParam::make(env);
  HttpTransport& transport = *made;
  EXPECT_TRUE(transport.send_all({}).empty());
}

}  // namespace
}  // namespace cloudvip
