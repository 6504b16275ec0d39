// Test-only: an AwsCloud wired to two real HTTP servers on 127.0.0.1:0 through the production CurlTransport:
// a scripted EC2 Query endpoint (one handler per Action, answering XML as aws-protocol.md §1.4 and §2.1) and
// a small IMDSv2 (token PUT, scripted GET paths, 404 for the rest). Shared by aws_cloud_*_test.cc.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "aws/credentials.h"
#include "aws/ec2_client.h"
#include "aws/imds.h"
#include "aws/query.h"
#include "common/env.h"
#include "common/log.h"
#include "http/curl_transport.h"
#include "testing/http_test_server.h"
#include "vip/aws_cloud.h"

namespace cloudvip::aws_cloud_test {

using testing::HttpTestServer;
using testing::RecordedRequest;

inline QueryParams params_of(const std::string& body) {
  Result<QueryParams> params = form_decode(body);
  return params ? *params : QueryParams();
}

inline std::string error_document(std::string_view code, std::string_view message,
                                  std::string_view request_id) {
  return fmt::format(
      "<?xml version=\"1.0\" "
      "encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{}</Code><Message>{}</Message>"
      "</Error></Errors><RequestID>{}</RequestID></Response>",
      code, message, request_id);
}

inline std::string success(std::string_view action, std::string_view inner = "<return>true</return>") {
  return fmt::format(
      "<{0}Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>req-{0}</requestId>{1}"
      "</{0}Response>",
      action, inner);
}

// One route table item. `routes` and `associations` are inner XML.
inline std::string route_table_xml(std::string_view id, std::string_view vpc, std::string_view routes,
                                   std::string_view associations = "") {
  return fmt::format(
      "<item><routeTableId>{0}</routeTableId><vpcId>{1}</vpcId><ownerId>111122223333</ownerId><routeSet>"
      "<item><destinationCidrBlock>10.0.0.0/16</destinationCidrBlock><gatewayId>local</"
      "gatewayId><state>active"
      "</state><origin>CreateRouteTable</origin></item>{2}</routeSet><associationSet>{3}</associationSet>"
      "<propagatingVgwSet/><tagSet/></item>",
      id, vpc, routes, associations);
}

inline std::string eni_route_xml(std::string_view destination, std::string_view eni,
                                 std::string_view instance, std::string_view state = "active") {
  return fmt::format(
      "<item><destinationCidrBlock>{}</destinationCidrBlock><instanceId>{}</instanceId><instanceOwnerId>"
      "111122223333</instanceOwnerId><networkInterfaceId>{}</networkInterfaceId><state>{}</state><origin>"
      "CreateRoute</origin></item>",
      destination, instance, eni, state);
}

inline std::string describe_route_tables_xml(std::string_view items) {
  return success("DescribeRouteTables", fmt::format("<routeTableSet>{}</routeTableSet>", items));
}

struct Answer {
  int status = 200;
  std::string body;
};

class Harness {
 public:
  using ActionHandler = std::function<Answer(const QueryParams&)>;

  Harness()
      : m_ec2([this](const httplib::Request& req, httplib::Response& res) { serve_ec2(req, res); }, 16),
        m_imds([this](const httplib::Request& req, httplib::Response& res) { serve_imds(req, res); }),
        m_credentials(
            Credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt, "test"}),
        m_client(m_transport, m_credentials, m_clock,
                 Ec2ClientOptions{m_ec2.url(), "us-east-1", RetryOptions{}, Millis(5000), Millis(1000),
                                  [] { return 0.5; }},
                 m_logger),
        m_imds_client(m_transport, m_clock, ImdsOptions{.endpoint = m_imds.url()}),
        m_cloud(m_client, m_imds_client, m_logger) {}

  AwsCloud& cloud() { return m_cloud; }
  Ec2Client& client() { return m_client; }
  FakeClock& clock() { return m_clock; }
  HttpTestServer& ec2() { return m_ec2; }
  HttpTestServer& imds() { return m_imds; }
  CapturingLogger& logger() { return m_logger; }

  // The answer to every call of `action`; unscripted actions answer 400 InvalidAction.
  void on(const std::string& action, ActionHandler handler) {
    std::lock_guard lock(m_mutex);
    m_actions[action] = std::move(handler);
  }
  void imds_path(const std::string& path, const std::string& body) {
    std::lock_guard lock(m_mutex);
    m_paths[path] = body;
  }
  void erase_imds_path(const std::string& path) {
    std::lock_guard lock(m_mutex);
    m_paths.erase(path);
  }
  // The decoded parameters of every EC2 request, in arrival order.
  std::vector<QueryParams> ec2_requests() const {
    std::vector<QueryParams> out;
    for (const RecordedRequest& r : m_ec2.requests()) {
      out.push_back(params_of(r.body));
    }
    return out;
  }

 private:
  void serve_ec2(const httplib::Request& req, httplib::Response& res) {
    QueryParams params = params_of(req.body);
    std::string action = params.get("Action").value_or("");
    ActionHandler handler;
    {
      std::lock_guard lock(m_mutex);
      auto it = m_actions.find(action);
      if (it != m_actions.end()) {
        handler = it->second;
      }
    }
    Answer answer = handler
                        ? handler(params)
                        : Answer{400, error_document("InvalidAction", "not scripted: " + action, "req-x")};
    res.status = answer.status;
    res.set_content(answer.body, "text/xml;charset=UTF-8");
  }

  void serve_imds(const httplib::Request& req, httplib::Response& res) {
    if (req.method == "PUT" && req.path == "/latest/api/token") {
      res.set_header("X-aws-ec2-metadata-token-ttl-seconds", "21600");
      res.set_content("TOKEN-1", "text/plain");
      return;
    }
    if (req.get_header_value("X-aws-ec2-metadata-token") != "TOKEN-1") {
      res.status = 401;
      return;
    }
    std::lock_guard lock(m_mutex);
    auto it = m_paths.find(req.path);
    if (it == m_paths.end()) {
      res.status = 404;
      return;
    }
    res.set_content(it->second, "text/plain");
  }

  mutable std::mutex m_mutex;
  std::map<std::string, ActionHandler> m_actions;
  std::map<std::string, std::string> m_paths;
  HttpTestServer m_ec2;
  HttpTestServer m_imds;
  MapEnvironment m_env;
  CurlTransport m_transport{m_env};
  StaticCredentialsProvider m_credentials;
  FakeClock m_clock;
  CapturingLogger m_logger;
  Ec2Client m_client;
  Imds m_imds_client;
  AwsCloud m_cloud;
};

}  // namespace cloudvip::aws_cloud_test
