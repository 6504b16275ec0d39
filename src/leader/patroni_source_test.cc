// The patroni source against a small real HTTP server standing in for this member's Patroni REST API.
#include "leader/patroni_source.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/env.h"
#include "http/curl_transport.h"
#include "testing/http_test_server.h"
#include "testing/refusing_port.h"

namespace cloudvip {
namespace {

using testing::HttpTestServer;

struct PatroniApi {
  std::atomic<int> status{200};
  std::atomic<int> delay_ms{0};
  HttpTestServer server{[this](const httplib::Request& req, httplib::Response& res) {
    if (delay_ms > 0) {
      std::this_thread::sleep_for(Millis(delay_ms.load()));
    }
    res.status = req.path == "/primary" ? status.load() : 404;
    res.set_content("{\"role\": \"x\"}", "application/json");
  }};
};

MapEnvironment g_env;

TEST(PatroniSourceTest, Status200IsPrimary) {
  PatroniApi api;
  CurlTransport http(g_env);
  LeaderAnswer answer = probe_patroni(http, api.server.url(), Millis(2000));
  EXPECT_EQ(answer.role, Role::primary) << answer.why;
  EXPECT_EQ(answer.why, "GET " + api.server.url() + "/primary: 200");
  ASSERT_EQ(api.server.request_count(), 1u);
  EXPECT_EQ(api.server.requests()[0].method, "GET");
  EXPECT_EQ(api.server.requests()[0].path, "/primary");
}

TEST(PatroniSourceTest, Status503IsStandby) {
  PatroniApi api;
  api.status = 503;
  CurlTransport http(g_env);
  EXPECT_EQ(probe_patroni(http, api.server.url(), Millis(2000)).role, Role::standby);
}

TEST(PatroniSourceTest, AnyOtherStatusIsUnknown) {
  PatroniApi api;
  CurlTransport http(g_env);
  for (int status : {404, 500, 502, 401}) {
    api.status = status;
    LeaderAnswer answer = probe_patroni(http, api.server.url(), Millis(2000));
    EXPECT_EQ(answer.role, Role::unknown) << status;
    EXPECT_NE(answer.why.find(": " + std::to_string(status) + " (Patroni answers 200"), std::string::npos)
        << answer.why;
  }
}

TEST(PatroniSourceTest, NoAnswerIsUnknownNotStandby) {
  testing::RefusingPort port;
  CurlTransport http(g_env);
  LeaderAnswer answer = probe_patroni(http, port.url(), Millis(2000));
  EXPECT_EQ(answer.role, Role::unknown);
  EXPECT_NE(answer.why.find("no answer"), std::string::npos) << answer.why;
}

TEST(PatroniSourceTest, ASlowAnswerTimesOutAsUnknown) {
  PatroniApi api;
  api.delay_ms = 1500;
  CurlTransport http(g_env);
  LeaderAnswer answer = probe_patroni(http, api.server.url(), Millis(200));
  EXPECT_EQ(answer.role, Role::unknown) << answer.why;
  EXPECT_NE(answer.why.find("no answer"), std::string::npos) << answer.why;
}

TEST(PatroniSourceTest, PolledSourceFollowsTheApi) {
  PatroniApi api;
  api.status = 503;
  CurlTransport http(g_env);
  FakeClock clock;
  LeaderSettings settings;
  settings.source = LeaderSourceKind::patroni;
  settings.url = api.server.url();
  auto source = make_patroni_source(settings, http, clock, Millis(20));
  EXPECT_EQ(source->kind(), "patroni");
  std::mutex mutex;
  std::vector<Role> heard;
  source->start([&](const LeaderAnswer& answer) {
    std::lock_guard lock(mutex);
    heard.push_back(answer.role);
  });
  auto wait_for = [&](Role role) {
    for (int i = 0; i < 500 && source->current().role != role; ++i) {
      std::this_thread::sleep_for(Millis(10));
    }
    return source->current().role;
  };
  EXPECT_EQ(wait_for(Role::standby), Role::standby);
  api.status = 200;
  EXPECT_EQ(wait_for(Role::primary), Role::primary);
  EXPECT_EQ(source->current().at, clock.now());
  source->stop();
  std::lock_guard lock(mutex);
  EXPECT_EQ(heard, (std::vector<Role>{Role::standby, Role::primary}));  // changes only, in order
}

}  // namespace
}  // namespace cloudvip
