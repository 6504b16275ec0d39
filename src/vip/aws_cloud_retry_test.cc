// AwsCloud in failover mode (Ec2Client::set_retry_deadline): a partial failure retries only the tables that
// failed, and the identity read from IMDS is retried until the deadline.
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "testing/fake_transport.h"
#include "vip/aws_cloud.h"
#include "vip/aws_cloud_test_harness.h"

namespace cloudvip {
namespace {

using aws_cloud_test::Answer;
using aws_cloud_test::error_document;
using aws_cloud_test::Harness;
using aws_cloud_test::success;

const Cidr k_vip = *Cidr::parse("192.168.100.10/32");

std::vector<RouteChange> changes(int n, bool exists = true) {
  std::vector<RouteChange> out;
  for (int i = 1; i <= n; ++i) {
    out.push_back(RouteChange{"rtb-" + std::to_string(i), k_vip, "eni-0aaa", exists});
  }
  return out;
}

TEST(AwsCloudRetryTest, APartialFailureRetriesOnlyTheTablesThatFailed) {
  Harness h;
  std::mutex mutex;
  std::map<std::string, int> seen;
  h.on("ReplaceRoute", [&](const QueryParams& p) {
    std::string table = p.get("RouteTableId").value_or("");
    int n = 0;
    {
      std::lock_guard lock(mutex);
      n = ++seen[table];
    }
    if (table == "rtb-2" && n <= 4) {
      return Answer{500, error_document("InternalError", "An internal error has occurred", "r2")};
    }
    if (table == "rtb-3" && n <= 2) {
      return Answer{503, error_document("RequestLimitExceeded", "Request limit exceeded.", "r3")};
    }
    return Answer{200, success("ReplaceRoute")};
  });
  h.client().set_retry_deadline(RetryDeadline{.at = h.clock().now() + Millis(10000)});
  std::vector<Result<Applied>> results = h.cloud().point_routes(changes(4), false);
  ASSERT_EQ(results.size(), 4u);
  for (const auto& r : results) {
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
  }
  {
    std::lock_guard lock(mutex);  // the handlers wrote `seen` on the server's threads
    EXPECT_EQ(seen["rtb-1"], 1);
    EXPECT_EQ(seen["rtb-2"], 5);
    EXPECT_EQ(seen["rtb-3"], 3);
    EXPECT_EQ(seen["rtb-4"], 1);
  }
  for (const QueryParams& p : h.ec2_requests()) {
    EXPECT_EQ(p.get("Action"), "ReplaceRoute");  // never DeleteRoute, never a table outside the plan
  }
}

TEST(AwsCloudRetryTest, InStandardModeThePartialFailureEndsAfterThreeAttempts) {
  Harness h;
  h.on("ReplaceRoute", [&](const QueryParams& p) {
    if (p.get("RouteTableId") == "rtb-2") {
      return Answer{500, error_document("InternalError", "An internal error has occurred", "r2")};
    }
    return Answer{200, success("ReplaceRoute")};
  });
  std::vector<Result<Applied>> results = h.cloud().point_routes(changes(2), false);
  EXPECT_TRUE(results[0].has_value());
  ASSERT_FALSE(results[1].has_value());
  EXPECT_EQ(results[1].error().aws_code, "InternalError");
  EXPECT_EQ(h.ec2_requests().size(), 4u);  // rtb-1 once, rtb-2 three times
}

TEST(AwsCloudRetryTest, ACreateWhoseErrorHidItsSuccessIsReplacedInAThirdRound) {
  Harness h;
  std::mutex mutex;
  int replaces = 0;
  h.on("ReplaceRoute", [&](const QueryParams&) {
    std::lock_guard lock(mutex);
    if (++replaces == 1) {
      return Answer{400,
                    error_document("InvalidRoute.NotFound", "no route with destination-cidr-block", "r")};
    }
    return Answer{200, success("ReplaceRoute")};
  });
  h.on("CreateRoute", [](const QueryParams&) {
    return Answer{400, error_document("RouteAlreadyExists",
                                      "The route identified by 192.168.100.10/32 already "
                                      "exists.",
                                      "c")};
  });
  std::vector<Result<Applied>> results = h.cloud().point_routes(changes(1), false);
  ASSERT_TRUE(results[0].has_value()) << results[0].error().to_string();
  std::vector<QueryParams> requests = h.ec2_requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].get("Action"), "ReplaceRoute");
  EXPECT_EQ(requests[1].get("Action"), "CreateRoute");
  EXPECT_EQ(requests[2].get("Action"), "ReplaceRoute");
}

// An IMDS (over a FakeTransport) that answers 503 to the first `failures` GETs, then as an instance would.
struct ImdsWorld {
  explicit ImdsWorld(int failures)
      : credentials(Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, "test"}),
        ec2(ec2_transport, credentials, clock,
            Ec2ClientOptions{"http://127.0.0.1:9", "us-east-1", RetryOptions{}, Millis(5000), Millis(1000),
                             [] { return 0.5; }},
            logger),
        imds(imds_transport, clock, ImdsOptions{.endpoint = "http://127.0.0.1:8", .attempts = 1}),
        cloud(ec2, imds, logger) {
    const std::string mac = "0e:00:00:00:00:0b";
    const std::string base = "/latest/meta-data/network/interfaces/macs/" + mac + "/";
    paths = {{"/latest/meta-data/mac", mac},
             {base + "interface-id", "eni-0b"},
             {base + "subnet-id", "subnet-0b"},
             {base + "subnet-ipv4-cidr-block", "10.0.2.0/24"},
             {base + "vpc-id", "vpc-01"},
             {base + "vpc-ipv4-cidr-blocks", "10.0.0.0/16"},
             {base + "local-ipv4s", "10.0.2.10"},
             {"/latest/dynamic/instance-identity/document",
              R"({"accountId":"111122223333","region":"us-east-1","instanceId":"i-0b",)"
              R"("availabilityZone":"us-east-1b"})"}};
    imds_transport.set_handler([this, failures](const HttpRequest& request) -> Result<HttpResponse> {
      if (request.method == "PUT") {
        return testing::FakeTransport::response(200, "TOKEN");
      }
      std::string path = request.url.substr(request.url.find('/', 7));
      {
        std::lock_guard lock(mutex);
        if (++gets <= failures) {
          return testing::FakeTransport::response(503, "");
        }
      }
      auto it = paths.find(path);
      return it == paths.end() ? testing::FakeTransport::response(404, "")
                               : testing::FakeTransport::response(200, it->second);
    });
  }

  testing::FakeTransport ec2_transport;
  testing::FakeTransport imds_transport;
  StaticCredentialsProvider credentials;
  FakeClock clock;
  CapturingLogger logger;
  Ec2Client ec2;
  Imds imds;
  AwsCloud cloud;
  std::map<std::string, std::string> paths;
  std::mutex mutex;
  int gets = 0;
};

TEST(AwsCloudRetryTest, InFailoverModeTheIdentityReadOutlastsAnUnwellImds) {
  ImdsWorld world(12);
  world.ec2.set_retry_deadline(RetryDeadline{.at = world.clock.now() + Millis(10000)});
  Result<Identity> identity = world.cloud.identity("");
  ASSERT_TRUE(identity.has_value()) << identity.error().to_string();
  EXPECT_EQ(identity->instance_id, "i-0b");
  EXPECT_EQ(identity->network_interface_id, "eni-0b");
  EXPECT_GT(world.clock.sleep_calls(), 0);
}

TEST(AwsCloudRetryTest, InStandardModeAnUnwellImdsFailsTheIdentityRead) {
  ImdsWorld world(12);
  EXPECT_FALSE(world.cloud.identity("").has_value());
}

}  // namespace
}  // namespace cloudvip
