// Integration-test support: a whole cloudvip-sim (EC2 endpoint, admin API, IMDS listeners) running in this
// process on 127.0.0.1:0, for testing our src/aws code over real HTTP against the real emulator. The sim
// runs on a FakeClock that the code under test shares: SigV4 dates, token and credential expiry, throttle
// refill and retry backoff all move together, and no test waits on the wall clock.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials.h"
#include "common/clock.h"
#include "common/env.h"
#include "common/log.h"
#include "http/curl_transport.h"
#include "sim/call_log.h"
#include "sim/faults.h"
#include "sim/scenario.h"
#include "sim/server.h"
#include "sim/simulation.h"
#include "sim/throttle.h"

namespace cloudvip::integration {

// The two-az scenario (sim/scenarios/two-az.toml).
inline constexpr char k_vpc[] = "vpc-0a1b2c3d4e5f60001";
inline constexpr char k_subnet_a[] = "subnet-0a1b2c3d4e5f6000a";
inline constexpr char k_subnet_b[] = "subnet-0a1b2c3d4e5f6000b";
inline constexpr char k_subnet_vip[] = "subnet-0a1b2c3d4e5f6000d";
inline constexpr char k_rtb_main[] = "rtb-0a1b2c3d4e5f6aaa0";
inline constexpr char k_rtb_a[] = "rtb-0a1b2c3d4e5f6aaa1";
inline constexpr char k_rtb_b[] = "rtb-0a1b2c3d4e5f6aaa2";
inline constexpr char k_instance_a[] = "i-0a1b2c3d4e5f6000a";
inline constexpr char k_instance_b[] = "i-0a1b2c3d4e5f6000b";
inline constexpr char k_eni_a[] = "eni-0a1b2c3d4e5f6000a";
inline constexpr char k_eni_b[] = "eni-0a1b2c3d4e5f6000b";
inline constexpr char k_mac_a[] = "0e:a1:00:00:00:0a";
inline constexpr char k_eip[] = "eipalloc-0a1b2c3d4e5f60e01";
inline constexpr char k_overlay_vip[] = "192.168.100.10/32";  // outside the VPC: routable to any ENI

inline Credentials admin_keys() {
  return {"AKIACLOUDVIPADMIN001", "cloudvip-sim-admin-secret-not-a-real-key", "", std::nullopt, "test"};
}
inline Credentials readonly_keys() {
  return {"AKIACLOUDVIPREAD0001", "cloudvip-sim-readonly-secret-not-a-real-key", "", std::nullopt, "test"};
}

// A path in the repository (this file is tests/integration/in_process_sim.h).
inline std::filesystem::path repo_path(std::string_view relative) {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / relative;
}
inline const char k_two_az[] = "sim/scenarios/two-az.toml";
inline const char k_paging[] = "tests/fidelity/paging.toml";  // 12 route tables, for pagination

class InProcessSim {
 public:
  // `scenario` is relative to the repository; an IMDS listener is started for each of `imds_instances`.
  // Throws std::runtime_error when the scenario does not load or the server cannot listen.
  explicit InProcessSim(std::string_view scenario, std::vector<std::string> imds_instances = {})
      : m_scenario(load(scenario)), m_simulation(m_scenario, m_clock), m_throttle(m_clock) {
    sim::SimServerOptions options;
    for (const std::string& instance : imds_instances) {
      options.imds.push_back({instance, "127.0.0.1", 0});
    }
    m_server = std::make_unique<sim::SimServer>(m_simulation, m_faults, m_throttle, m_log, m_clock, m_logger,
                                                options);
  }
  // The server stops in its own destructor, after m_admin_transport has closed its connections.
  ~InProcessSim() = default;
  InProcessSim(const InProcessSim&) = delete;
  InProcessSim& operator=(const InProcessSim&) = delete;

  FakeClock& clock() { return m_clock; }
  std::string url() const { return m_server->url(); }
  std::string imds_url(std::string_view instance) const {
    for (const auto& [id, url] : m_server->imds_urls()) {
      if (id == instance) {
        return url;
      }
    }
    throw std::runtime_error("no IMDS listener for " + std::string(instance));
  }

  // The admin API over HTTP, as the fidelity suite uses it: the parsed JSON answer (null when it is not
  // JSON or the request failed; tests then fail on what they read).
  nlohmann::json admin(const std::string& method, const std::string& path, const std::string& body = "") {
    HttpRequest request;
    request.method = method;
    request.url = url() + path;
    request.body = body;
    if (!body.empty()) {
      request.headers.set("Content-Type", "application/json");
    }
    auto response = m_admin_transport.send(request);
    if (!response) {
      return nullptr;
    }
    nlohmann::json parsed = nlohmann::json::parse(response->body, nullptr, false);
    return parsed.is_discarded() ? nlohmann::json(nullptr) : parsed;
  }
  nlohmann::json state() { return admin("GET", "/_sim/state"); }
  // The call log entries of `kind` ("ec2" or "imds"), oldest first.
  std::vector<nlohmann::json> calls(std::string_view kind) {
    std::vector<nlohmann::json> out;
    nlohmann::json log = admin("GET", "/_sim/calls");
    if (log.is_object() && log.contains("calls") && log["calls"].is_array()) {
      for (const nlohmann::json& call : log["calls"]) {
        if (call.value("kind", "") == kind) {
          out.push_back(call);
        }
      }
    }
    return out;
  }
  // The route table's routes in /_sim/state, destination -> target ENI ("" for other targets).
  std::map<std::string, std::string> routes(std::string_view rtb) {
    std::map<std::string, std::string> out;
    nlohmann::json world = state();
    for (const nlohmann::json& table : world["route_tables"]) {
      if (table["id"] == rtb) {
        for (const nlohmann::json& route : table["routes"]) {
          out[route["destination"].get<std::string>()] = route["network_interface_id"].get<std::string>();
        }
      }
    }
    return out;
  }
  nlohmann::json find(std::string_view collection, std::string_view key, std::string_view id) {
    nlohmann::json world = state();
    for (const nlohmann::json& item : world[std::string(collection)]) {
      if (item[std::string(key)] == id) {
        return item;
      }
    }
    return nullptr;
  }

 private:
  static sim::Scenario load(std::string_view scenario) {
    auto loaded = sim::load_scenario(repo_path(scenario));
    if (!loaded) {
      throw std::runtime_error(loaded.error().to_string());
    }
    return *loaded;
  }

  FakeClock m_clock;
  sim::Scenario m_scenario;
  sim::Simulation m_simulation;
  sim::Faults m_faults;
  sim::Throttle m_throttle;
  sim::CallLog m_log;
  NullLogger m_logger;
  std::unique_ptr<sim::SimServer> m_server;
  // After the server, so it is destroyed first: its kept-alive connections would hold server workers.
  MapEnvironment m_env;
  CurlTransport m_admin_transport{m_env};
};

}  // namespace cloudvip::integration
