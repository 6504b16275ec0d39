#include "aws/imds.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "testing/fake_transport.h"
#include "testing/http_test_server.h"
#include "testing/httplib_transport.h"

namespace cloudvip {
namespace {

using namespace std::chrono_literals;
using testing::FakeTransport;
using testing::HttplibTransport;
using testing::HttpTestServer;

constexpr const char* k_mac = "0e:49:61:0f:c3:11";
constexpr const char* k_secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET";
constexpr const char* k_session = "IQoJb3JpZ2luX2VjENSESSIONTOKEN";

// A small IMDSv2 on a real socket: hands out numbered tokens, accepts only tokens it still considers valid,
// serves `paths`, and 404s the rest.
class FakeImdsServer {
 public:
  FakeImdsServer()
      : m_server([this](const httplib::Request& req, httplib::Response& res) { handle(req, res); }) {}

  std::string url() const { return m_server.url(); }
  HttpTestServer& server() { return m_server; }
  void set(const std::string& path, const std::string& body) {
    std::lock_guard lock(m_mutex);
    m_paths[path] = body;
  }
  void erase(const std::string& path) {
    std::lock_guard lock(m_mutex);
    m_paths.erase(path);
  }
  void revoke_tokens() {
    std::lock_guard lock(m_mutex);
    m_valid.clear();
  }
  void set_put_status(int status) { m_put_status = status; }
  int count(const std::string& method, const std::string& path = "") const {
    int n = 0;
    for (const auto& r : m_server.requests()) {
      n += r.method == method && (path.empty() || r.path == path) ? 1 : 0;
    }
    return n;
  }

 private:
  void handle(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    if (req.method == "PUT" && req.path == "/latest/api/token") {
      if (m_put_status != 200) {
        res.status = m_put_status;
        return;
      }
      if (!req.has_header("X-aws-ec2-metadata-token-ttl-seconds")) {
        res.status = 400;
        return;
      }
      std::string token = "TOKEN-" + std::to_string(++m_issued);
      m_valid.insert(token);
      res.set_header("X-aws-ec2-metadata-token-ttl-seconds",
                     req.get_header_value("X-aws-ec2-metadata-token-ttl-seconds"));
      res.set_content(token, "text/plain");
      return;
    }
    std::string token = req.get_header_value("X-aws-ec2-metadata-token");
    bool v1_allowed = m_put_status != 200;
    if (!(v1_allowed && token.empty()) && !m_valid.contains(token)) {
      res.status = 401;
      return;
    }
    auto it = m_paths.find(req.path);
    if (it == m_paths.end()) {
      res.status = 404;
      return;
    }
    res.set_content(it->second, "text/plain");
  }

  mutable std::mutex m_mutex;
  std::map<std::string, std::string> m_paths;
  std::set<std::string> m_valid;
  int m_issued = 0;
  std::atomic<int> m_put_status{200};
  HttpTestServer m_server;
};

ImdsOptions options_for(const std::string& url) {
  ImdsOptions options;
  options.endpoint = url;
  options.timeout = 2000ms;
  return options;
}

class ImdsServerTest : public ::testing::Test {
 protected:
  ImdsServerTest() { imds_server.set("/latest/meta-data/instance-id", "i-0123456789abcdef0"); }

  FakeImdsServer imds_server;
  HttplibTransport transport;
  FakeClock clock;
};

TEST_F(ImdsServerTest, TokenPutCarriesTtlHeaderAndIsReusedAcrossGets) {
  Imds imds(transport, clock, options_for(imds_server.url()));
  for (int i = 0; i < 3; ++i) {
    auto id = imds.instance_id();
    ASSERT_TRUE(id) << id.error().to_string();
    EXPECT_EQ(*id, "i-0123456789abcdef0");
  }
  EXPECT_EQ(imds_server.count("PUT"), 1);
  EXPECT_EQ(imds_server.count("GET"), 3);
  auto requests = imds_server.server().requests();
  EXPECT_EQ(requests[0].header("X-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(requests[1].header("X-aws-ec2-metadata-token"), "TOKEN-1");
  EXPECT_EQ(requests[3].header("X-aws-ec2-metadata-token"), "TOKEN-1");
}

TEST_F(ImdsServerTest, TokenIsRefreshedShortlyBeforeExpiryOnly) {
  ImdsOptions options = options_for(imds_server.url());
  options.token_ttl = 600s;  // refreshed 60 s before expiry
  Imds imds(transport, clock, options);
  ASSERT_TRUE(imds.instance_id());
  clock.advance(530s);
  ASSERT_TRUE(imds.instance_id());
  EXPECT_EQ(imds_server.count("PUT"), 1);
  clock.advance(20s);  // 550 s: inside the margin
  ASSERT_TRUE(imds.instance_id());
  EXPECT_EQ(imds_server.count("PUT"), 2);
  EXPECT_EQ(imds_server.server().requests().back().header("X-aws-ec2-metadata-token"), "TOKEN-2");
}

TEST_F(ImdsServerTest, A401FetchesOneNewTokenAndRetriesOnce) {
  Imds imds(transport, clock, options_for(imds_server.url()));
  ASSERT_TRUE(imds.instance_id());
  imds_server.revoke_tokens();
  auto id = imds.instance_id();
  ASSERT_TRUE(id) << id.error().to_string();
  EXPECT_EQ(imds_server.count("PUT"), 2);
  EXPECT_EQ(imds_server.count("GET"), 3);
}

TEST_F(ImdsServerTest, PersistentUnauthorizedStopsAfterOneRefreshWithoutLeakingTheToken) {
  imds_server.server().set_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "PUT") {
      res.set_content("SECRET-TOKEN-VALUE", "text/plain");
    } else {
      res.status = 401;
    }
  });
  Imds imds(transport, clock, options_for(imds_server.url()));
  auto id = imds.instance_id();
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().http_status, 401);
  EXPECT_EQ(imds_server.count("PUT"), 2);
  EXPECT_EQ(imds_server.count("GET"), 2);
  EXPECT_EQ(id.error().to_string().find("SECRET-TOKEN-VALUE"), std::string::npos);
}

TEST_F(ImdsServerTest, SlowAnswerTimesOutWithAClearBoundedError) {
  imds_server.server().set_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "PUT") {
      res.set_content("T", "text/plain");
      return;
    }
    std::this_thread::sleep_for(400ms);  // the server side is late; the client gives up after 100 ms
    res.set_content("late", "text/plain");
  });
  ImdsOptions options = options_for(imds_server.url());
  options.timeout = 100ms;
  options.attempts = 2;
  Imds imds(transport, clock, options);
  auto started = std::chrono::steady_clock::now();
  auto id = imds.instance_id();
  auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, ErrorCode::timeout);
  EXPECT_NE(id.error().message.find("IMDS GET /latest/meta-data/instance-id failed after 2 attempt(s)"),
            std::string::npos)
      << id.error().to_string();
  EXPECT_EQ(imds_server.count("GET"), 2);
  EXPECT_EQ(clock.total_slept(), options.retry_pause);
  EXPECT_LT(elapsed, 2s);
}

TEST_F(ImdsServerTest, SlowTokenPutIsAClearErrorWithoutFallback) {
  imds_server.server().set_handler([](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(300ms);
    res.set_content("T", "text/plain");
  });
  ImdsOptions options = options_for(imds_server.url());
  options.timeout = 100ms;
  options.attempts = 1;
  Imds imds(transport, clock, options);
  auto id = imds.instance_id();
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, ErrorCode::timeout);
  EXPECT_NE(id.error().message.find("IMDSv2 token request"), std::string::npos);
  EXPECT_NE(id.error().message.find("reachable and enabled"), std::string::npos);
  EXPECT_EQ(imds_server.count("GET"), 0);
}

TEST_F(ImdsServerTest, DisabledByEnvironmentSendsNothing) {
  MapEnvironment env{{"AWS_EC2_METADATA_DISABLED", "TRUE"},
                     {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_server.url()}};
  auto options = Imds::options_from_env(env);
  ASSERT_TRUE(options);
  Imds imds(transport, clock, *options);
  auto id = imds.instance_id();
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, ErrorCode::unavailable);
  EXPECT_NE(id.error().message.find("AWS_EC2_METADATA_DISABLED"), std::string::npos);
  EXPECT_FALSE(imds.role_credentials("r"));
  EXPECT_EQ(imds_server.server().request_count(), 0u);
}

TEST_F(ImdsServerTest, TokenRefusedWithoutV1FallbackIsAnError) {
  imds_server.set_put_status(403);
  Imds imds(transport, clock, options_for(imds_server.url()));
  auto id = imds.instance_id();
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().http_status, 403);
  EXPECT_NE(id.error().message.find("IMDSv2 token request"), std::string::npos);
  EXPECT_NE(id.error().message.find("IMDSv1 fallback is off"), std::string::npos);
  EXPECT_EQ(imds_server.count("GET"), 0);
}

TEST_F(ImdsServerTest, TokenRefusedWithV1FallbackUsesTokenlessGets) {
  imds_server.set_put_status(405);
  ImdsOptions options = options_for(imds_server.url());
  options.allow_v1_fallback = true;
  Imds imds(transport, clock, options);
  auto id = imds.instance_id();
  ASSERT_TRUE(id) << id.error().to_string();
  ASSERT_TRUE(imds.instance_id());
  EXPECT_EQ(imds_server.count("PUT"), 1);  // the fallback decision is remembered for a while
  EXPECT_EQ(imds_server.server().requests().back().header("X-aws-ec2-metadata-token"), "");
}

TEST_F(ImdsServerTest, BadRequestOnTokenPutNeverFallsBack) {
  imds_server.set_put_status(400);
  ImdsOptions options = options_for(imds_server.url());
  options.allow_v1_fallback = true;
  Imds imds(transport, clock, options);
  auto id = imds.instance_id();
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().http_status, 400);
  EXPECT_EQ(imds_server.count("GET"), 0);
}

TEST_F(ImdsServerTest, MissingPathIsNotFoundNamingIt) {
  Imds imds(transport, clock, options_for(imds_server.url()));
  auto value = imds.get("/latest/meta-data/nothing-here");
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().code, ErrorCode::not_found);
  EXPECT_NE(value.error().message.find("/latest/meta-data/nothing-here"), std::string::npos);
}

TEST_F(ImdsServerTest, TypedGetters) {
  std::string base = std::string("/latest/meta-data/network/interfaces/macs/") + k_mac + "/";
  imds_server.set("/latest/meta-data/placement/region", "eu-central-1");
  imds_server.set("/latest/meta-data/placement/availability-zone", "eu-central-1b");
  imds_server.set("/latest/meta-data/network/interfaces/macs/", std::string(k_mac) + "/\n0e:00:00:00:00:02/");
  imds_server.set(base + "interface-id", "eni-0a1b2c3d4e5f60718");
  imds_server.set(base + "subnet-id", "subnet-0abc");
  imds_server.set(base + "vpc-id", "vpc-0def");
  imds_server.set(base + "local-ipv4s", "10.0.1.10\n10.0.1.11");
  imds_server.set(base + "device-number", "1");
  imds_server.set("/latest/dynamic/instance-identity/document",
                  R"({"accountId":"123456789012","architecture":"x86_64","availabilityZone":"eu-central-1b",
                      "imageId":"ami-1","instanceId":"i-0123456789abcdef0","instanceType":"t3.micro",
                      "privateIp":"10.0.1.10","region":"eu-central-1","version":"2017-09-30"})");
  Imds imds(transport, clock, options_for(imds_server.url()));

  EXPECT_EQ(imds.instance_id().value(), "i-0123456789abcdef0");
  EXPECT_EQ(imds.region().value(), "eu-central-1");
  EXPECT_EQ(imds.availability_zone().value(), "eu-central-1b");
  EXPECT_EQ(imds.macs().value(), (std::vector<std::string>{k_mac, "0e:00:00:00:00:02"}));
  EXPECT_EQ(imds.interface_id(k_mac).value(), "eni-0a1b2c3d4e5f60718");
  EXPECT_EQ(imds.subnet_id(k_mac).value(), "subnet-0abc");
  EXPECT_EQ(imds.vpc_id(k_mac).value(), "vpc-0def");
  EXPECT_EQ(imds.local_ipv4s(k_mac).value(), (std::vector<std::string>{"10.0.1.10", "10.0.1.11"}));
  EXPECT_EQ(imds.device_number(k_mac).value(), 1);
  auto doc = imds.identity_document();
  ASSERT_TRUE(doc) << doc.error().to_string();
  EXPECT_EQ(doc->account_id, "123456789012");
  EXPECT_EQ(doc->region, "eu-central-1");
  EXPECT_EQ(doc->instance_id, "i-0123456789abcdef0");
  EXPECT_EQ(doc->availability_zone, "eu-central-1b");
  EXPECT_EQ(doc->private_ip, "10.0.1.10");
  EXPECT_EQ(doc->instance_type, "t3.micro");

  imds_server.erase("/latest/meta-data/placement/region");
  EXPECT_EQ(imds.region().value(), "eu-central-1");  // from the zone

  auto bad_mac = imds.interface_id("../../iam");
  ASSERT_FALSE(bad_mac);
  EXPECT_EQ(bad_mac.error().code, ErrorCode::invalid_argument);
}

TEST_F(ImdsServerTest, RoleNameAndCredentials) {
  imds_server.set("/latest/meta-data/iam/security-credentials/", "vip-role");
  imds_server.set(
      "/latest/meta-data/iam/security-credentials/vip-role",
      std::string(R"({"Code":"Success","LastUpdated":"2024-05-17T09:09:54Z","Type":"AWS-HMAC",)") +
          R"("AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":")" + k_secret + R"(","Token":")" + k_session +
          R"(","Expiration":"2024-05-17T15:09:54Z"})");
  Imds imds(transport, clock, options_for(imds_server.url()));
  EXPECT_EQ(imds.role_name().value(), "vip-role");
  auto credentials = imds.role_credentials("vip-role");
  ASSERT_TRUE(credentials) << credentials.error().to_string();
  EXPECT_EQ(credentials->access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(credentials->secret_access_key, k_secret);
  EXPECT_EQ(credentials->session_token, k_session);
  EXPECT_EQ(credentials->provider, "imds-role");
  ASSERT_TRUE(credentials->expiration);
  EXPECT_EQ(format_aws_timestamp(*credentials->expiration), "2024-05-17T15:09:54Z");
}

TEST_F(ImdsServerTest, NoRoleIsNotFound) {
  Imds imds(transport, clock, options_for(imds_server.url()));
  auto role = imds.role_name();
  ASSERT_FALSE(role);
  EXPECT_EQ(role.error().code, ErrorCode::not_found);
  EXPECT_NE(role.error().message.find("instance profile"), std::string::npos);
}

TEST_F(ImdsServerTest, RoleCredentialsErrorsNeverQuoteSecrets) {
  const std::string path = "/latest/meta-data/iam/security-credentials/r";
  Imds imds(transport, clock, options_for(imds_server.url()));

  imds_server.set(path, R"({"Code":"AssumeRoleUnauthorizedAccess","Message":"denied"})");
  auto refused = imds.role_credentials("r");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::auth);
  EXPECT_NE(refused.error().message.find("AssumeRoleUnauthorizedAccess"), std::string::npos);

  imds_server.set(path, std::string(R"({"Code":"Success","AccessKeyId":"A","SecretAccessKey":")") + k_secret +
                            R"(","Expiration":"2024-05-17T15:09:54Z"})");
  auto partial = imds.role_credentials("r");
  ASSERT_FALSE(partial);
  EXPECT_EQ(partial.error().code, ErrorCode::parse);
  EXPECT_NE(partial.error().message.find("lack Token"), std::string::npos);
  EXPECT_EQ(partial.error().to_string().find(k_secret), std::string::npos);

  imds_server.set(path, std::string("{not json ") + k_secret);
  auto garbage = imds.role_credentials("r");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().to_string().find(k_secret), std::string::npos);
}

TEST(ImdsTest, EveryRequestBypassesTheProxyWithTheConfiguredTimeout) {
  FakeTransport transport([](const HttpRequest& req) -> Result<HttpResponse> {
    return FakeTransport::response(200, req.method == "PUT" ? "tok" : "i-1");
  });
  FakeClock clock;
  ImdsOptions options;
  options.timeout = 250ms;
  Imds imds(transport, clock, options);
  ASSERT_TRUE(imds.instance_id());
  auto requests = transport.requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const auto& req : requests) {
    EXPECT_TRUE(req.bypass_proxy);
    EXPECT_EQ(req.timeout, 250ms);
  }
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].url, "http://169.254.169.254/latest/api/token");
  EXPECT_EQ(requests[1].url, "http://169.254.169.254/latest/meta-data/instance-id");
}

TEST(ImdsTest, ServerErrorsAreRetriedUpToAttemptsWithAPause) {
  FakeTransport transport;
  transport.push(200, "tok");
  transport.push(503);
  transport.push(200, "i-1");
  FakeClock clock;
  ImdsOptions options;
  options.attempts = 3;
  Imds imds(transport, clock, options);
  auto id = imds.instance_id();
  ASSERT_TRUE(id) << id.error().to_string();
  EXPECT_EQ(*id, "i-1");
  EXPECT_EQ(clock.sleep_calls(), 1);
  EXPECT_EQ(clock.total_slept(), options.retry_pause);

  // The cap: a server that answers 503 forever is asked `attempts` times, with a pause between each, and the
  // last 503 is the answer.
  FakeTransport failing([](const HttpRequest& req) -> Result<HttpResponse> {
    return FakeTransport::response(req.method == "PUT" ? 200 : 503, req.method == "PUT" ? "tok" : "");
  });
  FakeClock failing_clock;
  Imds capped(failing, failing_clock, options);
  auto none = capped.instance_id();
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().http_status, 503) << none.error().to_string();
  EXPECT_EQ(failing.request_count(), 1u + 3u) << "one token PUT, then three GETs";
  EXPECT_EQ(failing_clock.sleep_calls(), 2);
  EXPECT_EQ(failing_clock.total_slept(), 2 * options.retry_pause);
}

TEST(ImdsTest, TransportErrorsStopAfterAttempts) {
  FakeTransport transport([](const HttpRequest& req) -> Result<HttpResponse> {
    if (req.method == "PUT") {
      return FakeTransport::response(200, "tok");
    }
    return fail(ErrorCode::network, "connection refused");
  });
  FakeClock clock;
  Imds imds(transport, clock);  // default: 2 attempts
  auto id = imds.instance_id();
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, ErrorCode::network);
  EXPECT_EQ(transport.request_count(), 3u);
}

TEST(ImdsTest, TokenPutTimeoutFallsBackToV1OnlyWhenAllowed) {
  auto handler = [](const HttpRequest& req) -> Result<HttpResponse> {
    if (req.method == "PUT") {
      return fail(ErrorCode::timeout, "no answer within 1000 ms");
    }
    return FakeTransport::response(req.headers.has("X-aws-ec2-metadata-token") ? 401 : 200, "i-1");
  };
  FakeClock clock;
  FakeTransport strict(handler);
  Imds strict_imds(strict, clock);
  auto refused = strict_imds.instance_id();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::timeout);

  FakeTransport lenient(handler);
  ImdsOptions options;
  options.allow_v1_fallback = true;
  Imds lenient_imds(lenient, clock, options);
  auto id = lenient_imds.instance_id();
  ASSERT_TRUE(id) << id.error().to_string();
  EXPECT_EQ(*id, "i-1");
}

TEST(ImdsTest, OptionsFromEnvironment) {
  MapEnvironment env;
  auto defaults = Imds::options_from_env(env);
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->endpoint, "http://169.254.169.254");
  EXPECT_EQ(defaults->timeout, 1000ms);
  EXPECT_EQ(defaults->attempts, 2);
  EXPECT_EQ(defaults->token_ttl, 21600s);
  EXPECT_FALSE(defaults->allow_v1_fallback);
  EXPECT_FALSE(defaults->disabled);

  env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://[fd00:ec2::254]/");
  env.set("AWS_METADATA_SERVICE_TIMEOUT", "0.5");
  env.set("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3");
  auto custom = Imds::options_from_env(env);
  ASSERT_TRUE(custom) << custom.error().to_string();
  EXPECT_EQ(custom->endpoint, "http://[fd00:ec2::254]");
  EXPECT_EQ(custom->timeout, 500ms);
  EXPECT_EQ(custom->attempts, 3);
}

TEST(ImdsTest, OptionsFromEnvironmentRejectBadValuesNamingTheVariable) {
  for (auto [variable, value] : std::vector<std::pair<std::string, std::string>>{
           {"AWS_EC2_METADATA_SERVICE_ENDPOINT", "169.254.169.254"},
           {"AWS_EC2_METADATA_SERVICE_ENDPOINT", "ftp://169.254.169.254"},
           {"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://"},
           {"AWS_METADATA_SERVICE_TIMEOUT", "soon"},
           {"AWS_METADATA_SERVICE_TIMEOUT", "0"},
           {"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "0"},
           {"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2x"},
       }) {
    MapEnvironment env{{variable, value}};
    auto options = Imds::options_from_env(env);
    ASSERT_FALSE(options) << variable << "=" << value;
    EXPECT_EQ(options.error().code, ErrorCode::config);
    EXPECT_NE(options.error().message.find(variable + "='" + value + "'"), std::string::npos)
        << options.error().message;
  }
}

}  // namespace
}  // namespace cloudvip
