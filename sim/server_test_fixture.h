// Test support: a whole cloudvip-sim (two-az scenario, EC2 endpoint, admin API, an IMDS listener per
// instance) on 127.0.0.1:0 in-process, on a FakeClock (injected latency does not wait; tokens expire when
// the test says), and helpers that send real signed requests through CurlTransport.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <memory>
#include <string>

#include "aws/credentials.h"
#include "aws/sigv4.h"
#include "common/env.h"
#include "common/log.h"
#include "http/curl_transport.h"
#include "sim/server.h"
#include "sim/sim_test_util.h"

namespace cloudvip::sim::testing {

inline constexpr char k_admin_secret[] = "cloudvip-sim-admin-secret-not-a-real-key";

class SimServerTest : public ::testing::Test {
 protected:
  explicit SimServerTest(bool imds_v1 = false)
      : m_scenario(load_or_die("two-az.toml")), m_simulation(m_scenario, m_clock), m_throttle(m_clock) {
    SimServerOptions options;
    options.threads = 16;
    options.imds_v1 = imds_v1;
    options.imds = {{k_instance_a, "127.0.0.1", 0}, {k_instance_b, "127.0.0.1", 0}};
    m_server =
        std::make_unique<SimServer>(m_simulation, m_faults, m_throttle, m_log, m_clock, m_logger, options);
  }

  static Credentials admin_credentials() {
    return Credentials{k_admin_key, k_admin_secret, "", std::nullopt, "test"};
  }

  // A POST / with `body`, signed with `credentials` at the sim's time (plus `skew`).
  HttpRequest signed_post(const std::string& body, const Credentials& credentials, Millis skew = Millis(0),
                          const std::string& region = "us-east-1") {
    HttpRequest request;
    request.method = "POST";
    request.url = m_server->url() + "/";
    request.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    request.body = body;
    sigv4::sign(request, credentials, {.region = region, .service = "ec2", .time = m_clock.now() + skew});
    return request;
  }

  HttpResponse send(const HttpRequest& request) {
    auto response = m_transport.send(request);
    EXPECT_TRUE(response) << response.error().to_string();
    return response ? *response : HttpResponse{};
  }

  HttpResponse ec2(const std::string& body, const Credentials& credentials = admin_credentials()) {
    return send(signed_post(body, credentials));
  }

  HttpResponse admin(const std::string& method, const std::string& path, const std::string& body = "") {
    HttpRequest request;
    request.method = method;
    request.url = m_server->url() + path;
    request.body = body;
    if (!body.empty()) {
      request.headers.set("Content-Type", "application/json");
    }
    return send(request);
  }

  nlohmann::json admin_json(const std::string& method, const std::string& path,
                            const std::string& body = "") {
    HttpResponse response = admin(method, path, body);
    nlohmann::json parsed = nlohmann::json::parse(response.body, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << response.body;
    return parsed;
  }

  // The <Code> of an EC2 error document; fails the test when the body is not one.
  static std::string error_code(const HttpResponse& response) {
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_string(response.body.c_str())) << response.body;
    pugi::xml_node error = doc.child("Response").child("Errors").child("Error");
    EXPECT_TRUE(error) << "not an EC2 error document: " << response.body;
    EXPECT_FALSE(std::string(doc.child("Response").child_value("RequestID")).empty()) << response.body;
    return error.child_value("Code");
  }

  std::string imds_url(size_t index) const { return m_server->imds_urls().at(index).second; }

  FakeClock m_clock;
  Scenario m_scenario;
  Simulation m_simulation;
  Faults m_faults;
  Throttle m_throttle;
  CallLog m_log;
  NullLogger m_logger;
  std::unique_ptr<SimServer> m_server;
  // After the server, so it goes first: closing its keep-alive connections lets the server stop at once
  // (an idle kept-alive connection holds a server worker for up to 5 s).
  MapEnvironment m_env;
  CurlTransport m_transport{m_env};
};

}  // namespace cloudvip::sim::testing
