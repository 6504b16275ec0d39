#include "aws/ec2_client.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <map>

#include "common/env.h"
#include "common/strings.h"
#include "http/curl_transport.h"
#include "testing/http_test_server.h"
#include "testing/refusing_port.h"

namespace cloudvip {
namespace {

using cloudvip::testing::HttpTestServer;
using cloudvip::testing::RecordedRequest;
using cloudvip::testing::RefusingPort;

constexpr std::string_view k_secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view k_token = "SESSIONTOKENEXAMPLE";

std::string error_document(std::string_view code, std::string_view message, std::string_view request_id) {
  return fmt::format(
      "<?xml version=\"1.0\" "
      "encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{}</Code><Message>{}</Message>"
      "</Error></Errors><RequestID>{}</RequestID></Response>",
      code, message, request_id);
}

// A success answer for any action: requestId, return, and what AssociateAddress / AssignPrivateIpAddresses
// return.
std::string generic_success(const std::string& action) {
  return fmt::format(
      "<{0}Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>req-{0}</requestId>"
      "<return>true</return><associationId>eipassoc-1</associationId><assignedPrivateIpAddressesSet><item>"
      "<privateIpAddress>10.0.1.50</privateIpAddress></item></assignedPrivateIpAddressesSet></{0}Response>",
      action);
}

QueryParams params_of(const httplib::Request& req) {
  Result<QueryParams> params = form_decode(req.body);
  return params ? *params : QueryParams();
}

void reply(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "text/xml;charset=UTF-8");
}

// A client wired to a real HTTP server on 127.0.0.1:0. Jitter is fixed at 0.5 so backoff is predictable.
struct Harness {
  explicit Harness(HttpTestServer::Handler handler, RetryOptions retry = {})
      : server(std::move(handler)),
        credentials(
            Credentials{"AKIDEXAMPLE", std::string(k_secret), std::string(k_token), std::nullopt, "test"}),
        client(transport, credentials, clock,
               Ec2ClientOptions{server.url(), "us-east-1", retry, Millis(5000), Millis(1000),
                                [] { return 0.5; }},
               logger) {}

  HttpTestServer server;
  MapEnvironment env;  // no proxy variables: straight to 127.0.0.1
  CurlTransport transport{env};
  StaticCredentialsProvider credentials;
  FakeClock clock;
  CapturingLogger logger;
  Ec2Client client;
};

// Answers every action with generic_success.
void answer_success(const httplib::Request& req, httplib::Response& res) {
  reply(res, 200, generic_success(params_of(req).get("Action").value_or("Unknown")));
}

TEST(Ec2ClientTest, SendsSignedFormPostAndLogsNoSecrets) {
  Harness h([](const httplib::Request&, httplib::Response& res) {
    reply(res, 200,
          "<DescribeRouteTablesResponse><requestId>req-42</requestId><routeTableSet><item><routeTableId>rtb-1"
          "</routeTableId></item></routeTableSet></DescribeRouteTablesResponse>");
  });
  Result<std::vector<RouteTable>> tables =
      h.client.describe_route_tables({"rtb-1", "rtb-2"}, {{"tag:Name", {"a b"}}});
  ASSERT_TRUE(tables.has_value()) << tables.error().to_string();
  ASSERT_EQ(tables->size(), 1u);
  EXPECT_EQ((*tables)[0].id, "rtb-1");

  std::vector<RecordedRequest> requests = h.server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const RecordedRequest& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/");
  EXPECT_EQ(r.body,
            "Action=DescribeRouteTables&Version=2016-11-15&RouteTableId.1=rtb-1&RouteTableId.2=rtb-2&"
            "Filter.1.Name=tag%3AName&Filter.1.Value.1=a+b");
  EXPECT_EQ(r.header("Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(r.header("X-Amz-Date"), "20150819T160000Z");  // the FakeClock's time
  EXPECT_EQ(r.header("X-Amz-Security-Token"), k_token);
  std::string authorization = r.header("Authorization");
  EXPECT_TRUE(starts_with(authorization,
                          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150819/us-east-1/ec2/aws4_request"))
      << authorization;
  EXPECT_EQ(r.header("amz-sdk-request"), "attempt=1; max=3");

  std::string log = h.logger.text();
  EXPECT_NE(log.find("DescribeRouteTables: HTTP 200, request id req-42"), std::string::npos) << log;
  size_t signature_at = authorization.find("Signature=");
  ASSERT_NE(signature_at, std::string::npos);
  EXPECT_EQ(log.find(authorization.substr(signature_at + 10)), std::string::npos);
  EXPECT_EQ(log.find(k_secret), std::string::npos);
  EXPECT_EQ(log.find(k_token), std::string::npos);
  EXPECT_EQ(log.find("Authorization"), std::string::npos);
}

TEST(Ec2ClientTest, FollowsNextTokenAcrossThreePages) {
  Harness h([](const httplib::Request& req, httplib::Response& res) {
    std::string token = params_of(req).get("NextToken").value_or("");
    std::map<std::string, std::pair<std::string, std::string>> pages = {
        {"", {"rtb-1", "<nextToken>t2</nextToken>"}},
        {"t2", {"rtb-2", "<nextToken>t3</nextToken>"}},
        {"t3", {"rtb-3", ""}}};
    auto [id, next] = pages.at(token);
    reply(res, 200,
          "<DescribeRouteTablesResponse><routeTableSet><item><routeTableId>" + id +
              "</routeTableId></item></routeTableSet>" + next + "</DescribeRouteTablesResponse>");
  });
  Result<std::vector<RouteTable>> tables = h.client.describe_route_tables({}, {{"vpc-id", {"vpc-1"}}});
  ASSERT_TRUE(tables.has_value()) << tables.error().to_string();
  ASSERT_EQ(tables->size(), 3u);
  EXPECT_EQ((*tables)[2].id, "rtb-3");
  std::vector<RecordedRequest> requests = h.server.requests();
  ASSERT_EQ(requests.size(), 3u);
  const std::string base =
      "Action=DescribeRouteTables&Version=2016-11-15&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1";
  EXPECT_EQ(requests[0].body, base);
  EXPECT_EQ(requests[1].body, base + "&NextToken=t2");
  EXPECT_EQ(requests[2].body, base + "&NextToken=t3");
}

TEST(Ec2ClientTest, RepeatedNextTokenIsAnErrorNotALoop) {
  Harness h([](const httplib::Request&, httplib::Response& res) {
    reply(res, 200, "<DescribeVpcsResponse><vpcSet/><nextToken>same</nextToken></DescribeVpcsResponse>");
  });
  Result<std::vector<Vpc>> vpcs = h.client.describe_vpcs({});
  ASSERT_FALSE(vpcs.has_value());
  EXPECT_EQ(vpcs.error().code, ErrorCode::parse);
  EXPECT_EQ(h.server.request_count(), 2u);
}

TEST(Ec2ClientTest, RetriesThrottlingThenSucceedsSigningEachAttemptAnew) {
  std::atomic<int> calls{0};
  Harness h([&calls](const httplib::Request& req, httplib::Response& res) {
    if (++calls <= 2) {
      reply(res, 503, error_document("RequestLimitExceeded", "Request limit exceeded.", "req-throttled"));
    } else {
      answer_success(req, res);
    }
  });
  Result<Outcome> outcome = h.client.replace_route({"rtb-1", "192.168.100.10/32", "eni-1", "", false});
  ASSERT_TRUE(outcome.has_value()) << outcome.error().to_string();
  EXPECT_EQ(*outcome, Outcome::done);
  std::vector<RecordedRequest> requests = h.server.requests();
  ASSERT_EQ(requests.size(), 3u);
  // Jitter 0.5: 0.5 * 1 s after attempt 1, 0.5 * 2 s after attempt 2.
  EXPECT_EQ(h.clock.sleep_calls(), 2);
  EXPECT_EQ(h.clock.total_slept(), Millis(1500));
  EXPECT_EQ(requests[0].header("amz-sdk-request"), "attempt=1; max=3");
  EXPECT_EQ(requests[2].header("amz-sdk-request"), "attempt=3; max=3");
  EXPECT_EQ(requests[0].header("X-Amz-Date"), "20150819T160000Z");
  EXPECT_EQ(requests[2].header("X-Amz-Date"), "20150819T160001Z");
  EXPECT_NE(requests[0].header("Authorization"), requests[2].header("Authorization"));
  EXPECT_NE(h.logger.text().find("HTTP 503 RequestLimitExceeded, request id req-throttled"),
            std::string::npos)
      << h.logger.text();
}

TEST(Ec2ClientTest, GivesUpAfterMaxAttempts) {
  Harness h([](const httplib::Request&, httplib::Response& res) {
    reply(res, 503, error_document("RequestLimitExceeded", "Request limit exceeded.", "req-t"));
  });
  Result<Ec2Response> response = h.client.call("DescribeVpcs", {});
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().aws_code, "RequestLimitExceeded");
  EXPECT_EQ(h.server.request_count(), 3u);
}

TEST(Ec2ClientTest, ClientErrorIsNotRetriedAndKeepsEveryField) {
  Harness h([](const httplib::Request&, httplib::Response& res) {
    reply(res, 400,
          error_document(
              "InvalidParameterValue",
              "There is no route defined for '10.0.0.0/16' in the route table. Use CreateRoute instead.",
              "req-400"));
  });
  Result<Outcome> outcome = h.client.replace_route({"rtb-1", "10.0.0.0/16", "eni-1", "", false});
  ASSERT_FALSE(outcome.has_value());
  const Error& e = outcome.error();
  EXPECT_EQ(e.code, ErrorCode::aws);
  EXPECT_EQ(e.aws_code, "InvalidParameterValue");
  EXPECT_EQ(e.aws_message,
            "There is no route defined for '10.0.0.0/16' in the route table. Use CreateRoute instead.");
  EXPECT_EQ(e.request_id, "req-400");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.message, "ReplaceRoute failed: InvalidParameterValue: " + e.aws_message);
  EXPECT_EQ(h.server.request_count(), 1u);
  EXPECT_EQ(h.clock.sleep_calls(), 0);
}

TEST(Ec2ClientTest, BadGatewayHtmlIsRetried) {
  std::atomic<int> calls{0};
  Harness h([&calls](const httplib::Request& req, httplib::Response& res) {
    if (++calls == 1) {
      res.status = 502;
      res.set_content("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html");
    } else {
      answer_success(req, res);
    }
  });
  EXPECT_TRUE(h.client.delete_route("rtb-1", "192.168.100.10/32").has_value());
  EXPECT_EQ(h.server.request_count(), 2u);
}

TEST(Ec2ClientTest, NoAnswerIsANetworkErrorAndIsRetried) {
  RefusingPort refusing;
  const std::string dead_url = refusing.url();
  MapEnvironment env;
  CurlTransport transport(env);
  StaticCredentialsProvider credentials(
      Credentials{"AKIDEXAMPLE", std::string(k_secret), "", std::nullopt, "test"});
  FakeClock clock;
  NullLogger logger;
  Ec2Client client(transport, credentials, clock,
                   Ec2ClientOptions{dead_url, "us-east-1", {}, Millis(2000), Millis(500), [] { return 0.0; }},
                   logger);
  Result<Ec2Response> response = client.call("DescribeVpcs", {});
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::network) << response.error().to_string();
  EXPECT_NE(response.error().message.find("EC2 DescribeVpcs to " + dead_url), std::string::npos);
  EXPECT_EQ(clock.sleep_calls(), 2);  // 3 attempts
}

TEST(Ec2ClientTest, DryRunAllowedIsSuccessAndUnauthorizedIsError) {
  Harness h([](const httplib::Request& req, httplib::Response& res) {
    if (params_of(req).get("RouteTableId") == "rtb-allowed") {
      reply(res, 412,
            error_document("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", "r1"));
    } else {
      reply(res, 403,
            error_document("UnauthorizedOperation",
                           "You are not authorized to perform this operation. Encoded authorization failure "
                           "message: abc",
                           "r2"));
    }
  });
  Result<Outcome> allowed = h.client.create_route({"rtb-allowed", "192.168.100.10/32", "eni-1", "", true});
  ASSERT_TRUE(allowed.has_value()) << allowed.error().to_string();
  EXPECT_EQ(*allowed, Outcome::dry_run_allowed);
  Result<Outcome> denied = h.client.create_route({"rtb-denied", "192.168.100.10/32", "eni-1", "", true});
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().aws_code, "UnauthorizedOperation");
  EXPECT_EQ(denied.error().http_status, 403);
  std::vector<RecordedRequest> requests = h.server.requests();
  ASSERT_EQ(requests.size(), 2u);  // neither is retried
  EXPECT_EQ(requests[0].body,
            "Action=CreateRoute&Version=2016-11-15&RouteTableId=rtb-allowed&DestinationCidrBlock=192.168.100."
            "10%2F32&"
            "NetworkInterfaceId=eni-1&DryRun=true");

  // DryRunOperation without a dry run asked for is not success.
  Result<Outcome> not_dry = h.client.create_route({"rtb-allowed", "192.168.100.10/32", "eni-1", "", false});
  EXPECT_FALSE(not_dry.has_value());

  Result<AssociateAddressResult> eip =
      h.client.associate_address({"eipalloc-1", "eni-1", "", "", true, true});
  EXPECT_FALSE(eip.has_value());  // the handler denies everything but rtb-allowed
}

TEST(Ec2ClientTest, CallAllSendsEveryCallAtOnce) {
  constexpr int k_calls = 4;
  std::mutex mutex;
  std::condition_variable all_in;
  int in_flight = 0;
  int max_in_flight = 0;
  Harness h([&](const httplib::Request& req, httplib::Response& res) {
    {
      std::unique_lock lock(mutex);
      max_in_flight = std::max(max_in_flight, ++in_flight);
      all_in.notify_all();
      // Bounded: a serial client would make this wait time out and the assertion below fail.
      all_in.wait_for(lock, std::chrono::seconds(5), [&] { return max_in_flight == k_calls; });
      --in_flight;
    }
    answer_success(req, res);
  });
  std::vector<Ec2Call> calls;
  for (int i = 1; i <= k_calls; ++i) {
    calls.push_back(
        *replace_route_call({"rtb-" + std::to_string(i), "192.168.100.10/32", "eni-1", "", false}));
  }
  std::vector<Result<Ec2Response>> results = h.client.call_all(calls);
  {
    // Under the handlers' mutex: the answers order this read in practice, but TSan cannot see it.
    std::lock_guard lock(mutex);
    EXPECT_EQ(max_in_flight, k_calls);
  }
  ASSERT_EQ(results.size(), static_cast<size_t>(k_calls));
  for (const auto& r : results) {
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->action, "ReplaceRoute");
  }
}

TEST(Ec2ClientTest, CallAllRetriesOnlyTheRetryableFailures) {
  std::mutex mutex;
  std::map<std::string, int> seen;
  Harness h([&](const httplib::Request& req, httplib::Response& res) {
    std::string table = params_of(req).get("RouteTableId").value_or("");
    int n = 0;
    {
      std::lock_guard lock(mutex);
      n = ++seen[table];
    }
    if (table == "rtb-2" && n == 1) {
      reply(res, 503, error_document("RequestLimitExceeded", "Request limit exceeded.", "t"));
    } else if (table == "rtb-3") {
      reply(res, 400, error_document("InvalidParameterValue", "There is no route defined", "p"));
    } else {
      answer_success(req, res);
    }
  });
  std::vector<Ec2Call> calls;
  for (int i = 1; i <= 4; ++i) {
    calls.push_back(
        *replace_route_call({"rtb-" + std::to_string(i), "192.168.100.10/32", "eni-1", "", false}));
  }
  std::vector<Result<Ec2Response>> results = h.client.call_all(calls);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_TRUE(results[0].has_value());
  EXPECT_TRUE(results[1].has_value());
  ASSERT_FALSE(results[2].has_value());
  EXPECT_EQ(results[2].error().aws_code, "InvalidParameterValue");
  EXPECT_TRUE(results[3].has_value());
  EXPECT_EQ(h.server.request_count(), 5u);  // 4, then only rtb-2 again
  {
    std::lock_guard lock(mutex);  // the handler wrote `seen` on the server's threads
    EXPECT_EQ(seen["rtb-2"], 2);
    EXPECT_EQ(seen["rtb-3"], 1);
  }
  EXPECT_EQ(h.clock.sleep_calls(), 1);
  EXPECT_EQ(h.clock.total_slept(), Millis(500));
}

TEST(Ec2ClientTest, CallAllStopsAfterMaxAttempts) {
  Harness h([](const httplib::Request&, httplib::Response& res) {
    reply(res, 503, error_document("RequestLimitExceeded", "Request limit exceeded.", "t"));
  });
  std::vector<Result<Ec2Response>> results =
      h.client.call_all({Ec2Call{"DescribeVpcs", {}}, Ec2Call{"DescribeSubnets", {}}});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_FALSE(results[0].has_value());
  EXPECT_FALSE(results[1].has_value());
  EXPECT_EQ(h.server.request_count(), 6u);  // 2 calls x 3 attempts
  EXPECT_EQ(h.clock.sleep_calls(), 2);
}

TEST(Ec2ClientTest, TypedWritesPutTheirParametersOnTheWire) {
  Harness h(answer_success);
  EXPECT_EQ(h.client.create_route({"rtb-1", "10.0.9.0/24", "", "i-1", false}), Outcome::done);
  EXPECT_EQ(h.client.delete_route("rtb-1", "10.0.9.0/24", true), Outcome::done);
  EXPECT_EQ(h.client.modify_network_interface_attribute_source_dest_check("eni-1", false), Outcome::done);
  Result<AssociateAddressResult> eip =
      h.client.associate_address({"eipalloc-1", "eni-1", "", "10.0.1.10", false, false});
  ASSERT_TRUE(eip.has_value()) << eip.error().to_string();
  EXPECT_EQ(eip->association_id, "eipassoc-1");
  EXPECT_EQ(h.client.assign_private_ip_addresses("eni-1", {"10.0.1.50", "10.0.1.51"}, true),
            (std::vector<std::string>{"10.0.1.50"}));
  EXPECT_TRUE(h.client.unassign_private_ip_addresses("eni-2", {"10.0.1.50"}).has_value());

  std::vector<std::string> bodies;
  for (const RecordedRequest& r : h.server.requests()) {
    bodies.push_back(r.body);
  }
  const std::string v = "&Version=2016-11-15&";
  EXPECT_EQ(
      bodies,
      (std::vector<std::string>{
          "Action=CreateRoute" + v + "RouteTableId=rtb-1&DestinationCidrBlock=10.0.9.0%2F24&InstanceId=i-1",
          "Action=DeleteRoute" + v + "RouteTableId=rtb-1&DestinationCidrBlock=10.0.9.0%2F24&DryRun=true",
          "Action=ModifyNetworkInterfaceAttribute" + v +
              "NetworkInterfaceId=eni-1&SourceDestCheck.Value=false",
          "Action=AssociateAddress" + v +
              "AllocationId=eipalloc-1&NetworkInterfaceId=eni-1&PrivateIpAddress=10.0.1.10&"
              "AllowReassociation=false",
          "Action=AssignPrivateIpAddresses" + v +
              "NetworkInterfaceId=eni-1&PrivateIpAddress.1=10.0.1.50&PrivateIpAddress.2=10.0.1.51&"
              "AllowReassignment=true",
          "Action=UnassignPrivateIpAddresses" + v + "NetworkInterfaceId=eni-2&PrivateIpAddress.1=10.0.1.50",
      }));
}

TEST(Ec2ClientTest, TypedReadsPutTheirParametersOnTheWire) {
  Harness h([](const httplib::Request& req, httplib::Response& res) {
    reply(res, 200, "<" + params_of(req).get("Action").value_or("") + "Response/>");
  });
  std::vector<Filter> filters = {{"vpc-id", {"vpc-1"}}};
  EXPECT_TRUE(h.client.describe_instances({"i-1"}, filters).has_value());
  EXPECT_TRUE(h.client.describe_network_interfaces({"eni-1", "eni-2"}).has_value());
  EXPECT_TRUE(h.client.describe_subnets({}, filters).has_value());
  EXPECT_TRUE(h.client.describe_vpcs({"vpc-1"}).has_value());
  EXPECT_TRUE(h.client.describe_addresses({"eipalloc-1"}, {{"domain", {"vpc"}}}).has_value());
  std::vector<std::string> bodies;
  for (const RecordedRequest& r : h.server.requests()) {
    bodies.push_back(r.body);
  }
  const std::string v = "&Version=2016-11-15";
  const std::string f = "&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1";
  EXPECT_EQ(bodies, (std::vector<std::string>{
                        "Action=DescribeInstances" + v + "&InstanceId.1=i-1" + f,
                        "Action=DescribeNetworkInterfaces" + v +
                            "&NetworkInterfaceId.1=eni-1&NetworkInterfaceId.2=eni-2",
                        "Action=DescribeSubnets" + v + f,
                        "Action=DescribeVpcs" + v + "&VpcId.1=vpc-1",
                        "Action=DescribeAddresses" + v +
                            "&AllocationId.1=eipalloc-1&Filter.1.Name=domain&Filter.1.Value.1=vpc",
                    }));
}

TEST(Ec2ClientTest, InvalidRequestsAreRefusedBeforeSending) {
  Harness h(answer_success);
  Result<Outcome> both = h.client.replace_route({"rtb-1", "10.0.9.0/24", "eni-1", "i-1", false});
  ASSERT_FALSE(both.has_value());
  EXPECT_EQ(both.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(both.error().message.find("exactly one of network_interface_id and instance_id"),
            std::string::npos);
  EXPECT_FALSE(h.client.create_route({"", "10.0.9.0/24", "eni-1", "", false}).has_value());
  EXPECT_FALSE(h.client.associate_address({"", "eni-1", "", "", true, false}).has_value());
  EXPECT_FALSE(h.client.assign_private_ip_addresses("eni-1", {}, true).has_value());
  EXPECT_EQ(h.server.request_count(), 0u);
}

// --- server_time ---

TEST(Ec2ClientServerTimeTest, ReadsTheDateHeaderOfOneSignedDescribeRouteTables) {
  Harness h([](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Date", "Tue, 15 Nov 1994 08:12:31 GMT");
    answer_success(req, res);
  });
  Result<TimePoint> time = h.client.server_time();
  ASSERT_TRUE(time) << time.error().message;
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*time), 784887151);
  ASSERT_EQ(h.server.request_count(), 1u);
  RecordedRequest sent = h.server.requests()[0];
  Result<QueryParams> params = form_decode(sent.body);
  ASSERT_TRUE(params);
  EXPECT_EQ(params->get("Action"), "DescribeRouteTables");
  EXPECT_EQ(params->get("MaxResults"), "5");
  EXPECT_TRUE(starts_with(sent.header("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
}

TEST(Ec2ClientServerTimeTest, ReadsTheDateOfAnAuthFailureOnce) {
  Harness h([](const httplib::Request&, httplib::Response& res) {
    res.set_header("Date", "Thu, 01 Jan 2015 00:00:00 GMT");
    reply(res, 401,
          error_document("AuthFailure", "AWS was not able to validate the provided access credentials",
                         "req-skew"));
  });
  Result<TimePoint> time = h.client.server_time();
  ASSERT_TRUE(time) << time.error().message;
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*time), 1420070400);
  EXPECT_EQ(h.server.request_count(), 1u);  // no retry
}

TEST(Ec2ClientServerTimeTest, AnswerWithoutDateIsAParseErrorNamingTheEndpoint) {
  Harness h(answer_success);
  Result<TimePoint> time = h.client.server_time();
  ASSERT_FALSE(time);
  EXPECT_EQ(time.error().code, ErrorCode::parse);
  EXPECT_NE(time.error().message.find(h.server.url()), std::string::npos) << time.error().message;
  EXPECT_NE(time.error().message.find("without a Date header"), std::string::npos);
}

TEST(Ec2ClientServerTimeTest, RefusesDatesThatAreNotImfFixdate) {
  for (std::string bad :
       {"Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:49:37 GMT"}) {
    Harness h([bad](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Date", bad);
      answer_success(req, res);
    });
    Result<TimePoint> time = h.client.server_time();
    ASSERT_FALSE(time) << bad;
    EXPECT_EQ(time.error().code, ErrorCode::parse) << bad;
    EXPECT_NE(time.error().message.find(bad), std::string::npos) << time.error().message;
  }
}

TEST(Ec2ClientServerTimeTest, TransportErrorIsWrappedWithTheEndpoint) {
  RefusingPort refusing;
  MapEnvironment env;
  CurlTransport transport{env};
  StaticCredentialsProvider credentials(
      Credentials{"AKIDEXAMPLE", std::string(k_secret), "", std::nullopt, "test"});
  FakeClock clock;
  NullLogger logger;
  Ec2Client client(
      transport, credentials, clock,
      Ec2ClientOptions{refusing.url(), "us-east-1", {}, Millis(2000), Millis(1000), [] { return 0.5; }},
      logger);
  Result<TimePoint> time = client.server_time();
  ASSERT_FALSE(time);
  EXPECT_EQ(time.error().code, ErrorCode::network);
  EXPECT_NE(time.error().message.find(refusing.url()), std::string::npos) << time.error().message;
}

}  // namespace
}  // namespace cloudvip
