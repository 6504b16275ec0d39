// The iris source against a small real HTTP server standing in for the IRIS mirror status page.
#include "leader/iris_source.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "common/env.h"
#include "http/curl_transport.h"
#include "testing/http_test_server.h"
#include "testing/refusing_port.h"

namespace cloudvip {
namespace {

struct MirrorStatusPage {
  std::mutex mutex;
  int status = 200;
  std::string body = "SUCCESS";
  void set(int s, std::string b) {
    std::lock_guard lock(mutex);
    status = s;
    body = std::move(b);
  }
  testing::HttpTestServer server{[this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex);
    res.status = req.path == "/csp/user/mirror_status.cxw" ? status : 404;
    res.set_content(body, "text/plain");
  }};
  std::string url() const { return server.url() + "/csp/user/mirror_status.cxw"; }
};

MapEnvironment g_env;

TEST(IrisSourceTest, SuccessIsPrimary) {
  MirrorStatusPage page;
  CurlTransport http(g_env);
  LeaderAnswer answer = probe_iris(http, page.url(), Millis(2000));
  EXPECT_EQ(answer.role, Role::primary) << answer.why;
  EXPECT_EQ(answer.why, "GET " + page.url() + ": 200 SUCCESS");
}

TEST(IrisSourceTest, Status503IsStandby) {
  MirrorStatusPage page;
  page.set(503, "FAILED");
  CurlTransport http(g_env);
  EXPECT_EQ(probe_iris(http, page.url(), Millis(2000)).role, Role::standby);
}

TEST(IrisSourceTest, Status200WithoutSuccessIsUnknown) {
  MirrorStatusPage page;
  page.set(200, "<html>login</html>");
  CurlTransport http(g_env);
  LeaderAnswer answer = probe_iris(http, page.url(), Millis(2000));
  EXPECT_EQ(answer.role, Role::unknown);
  EXPECT_NE(answer.why.find("without SUCCESS"), std::string::npos) << answer.why;
}

TEST(IrisSourceTest, WrongPathOrNoAnswerIsUnknown) {
  MirrorStatusPage page;
  CurlTransport http(g_env);
  EXPECT_EQ(probe_iris(http, page.server.url() + "/csp/bin/mirror_status.cxw", Millis(2000)).role,
            Role::unknown);
  testing::RefusingPort port;
  LeaderAnswer answer = probe_iris(http, port.url() + "/csp/user/mirror_status.cxw", Millis(2000));
  EXPECT_EQ(answer.role, Role::unknown);
  EXPECT_NE(answer.why.find("no answer"), std::string::npos) << answer.why;
}

TEST(IrisSourceTest, PolledSourceFollowsThePage) {
  MirrorStatusPage page;
  page.set(503, "FAILED");
  CurlTransport http(g_env);
  FakeClock clock;
  LeaderSettings settings;
  settings.source = LeaderSourceKind::iris;
  settings.url = page.url();
  auto source = make_iris_source(settings, http, clock, Millis(20));
  EXPECT_EQ(source->kind(), "iris");
  source->start([](const LeaderAnswer&) {});
  auto wait_for = [&](Role role) {
    for (int i = 0; i < 500 && source->current().role != role; ++i) {
      std::this_thread::sleep_for(Millis(10));
    }
    return source->current().role;
  };
  EXPECT_EQ(wait_for(Role::standby), Role::standby);
  page.set(200, "SUCCESS");
  EXPECT_EQ(wait_for(Role::primary), Role::primary);
  source->stop();
}

}  // namespace
}  // namespace cloudvip
