#include "sim/server.h"

#include <gtest/gtest.h>

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
