// The harness of the command-line tests: a real cloudvip-sim on port 0 with one IMDS listener per
// simulated instance, the real `cloudvip` binary run as a subprocess with an environment of our choosing,
// and the emulator's admin API (call log, state, faults) to assert on what reached "AWS".
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "testing/temp_dir.h"

namespace cloudvip::clitest {

// two-az.toml's names.
inline constexpr const char* k_instance_a = "i-0a1b2c3d4e5f6000a";
inline constexpr const char* k_instance_b = "i-0a1b2c3d4e5f6000b";
inline constexpr const char* k_eni_a = "eni-0a1b2c3d4e5f6000a";
inline constexpr const char* k_eni_b = "eni-0a1b2c3d4e5f6000b";
inline constexpr const char* k_rtb_main = "rtb-0a1b2c3d4e5f6aaa0";
inline constexpr const char* k_rtb_a = "rtb-0a1b2c3d4e5f6aaa1";
inline constexpr const char* k_rtb_b = "rtb-0a1b2c3d4e5f6aaa2";
inline constexpr const char* k_vpc = "vpc-0a1b2c3d4e5f60001";
inline constexpr const char* k_overlay_vip = "192.168.100.10";
inline constexpr const char* k_admin_key = "AKIACLOUDVIPADMIN001";
inline constexpr const char* k_admin_secret = "cloudvip-sim-admin-secret-not-a-real-key";
inline constexpr const char* k_read_key = "AKIACLOUDVIPREAD0001";
inline constexpr const char* k_read_secret = "cloudvip-sim-readonly-secret-not-a-real-key";
inline constexpr const char* k_routes_key = "AKIACLOUDVIPROUTES01";
inline constexpr const char* k_routes_secret = "cloudvip-sim-routes-secret-not-a-real-key";

// sim/scenarios/two-az.toml as text.
std::string two_az_text();
// `count` extra route tables in two-az's VPC (ids rtb-0c0c0c0c0c0c0NNNN), appended to two_az_text().
std::string with_extra_tables(std::string scenario, int count);
// The id of extra table `index` (0-based).
std::string extra_table_id(int index);

struct RunResult {
  int exit_code = -1;  // -1: killed at the time limit
  std::string out;
  std::string err;
};

using Env = std::map<std::string, std::string>;

// A running cloudvip-sim serving `scenario_text`, with IMDS for instances a and b. Stopped (SIGTERM) on
// destruction.
class Sim {
 public:
  explicit Sim(const std::string& scenario_text);
  ~Sim();
  Sim(const Sim&) = delete;
  Sim& operator=(const Sim&) = delete;

  const std::string& endpoint() const { return m_endpoint; }
  const std::string& imds(const std::string& instance_id) const { return m_imds.at(instance_id); }
  const testing::TempDir& dir() const { return m_dir; }

  nlohmann::json get(const std::string& path) const;
  nlohmann::json post(const std::string& path, const std::string& body) const;
  // EC2 calls in the log since the last clear_calls() (IMDS calls left out unless `with_imds`).
  nlohmann::json calls(bool with_imds = false) const;
  void clear_calls() const;
  // Actions of the EC2 calls logged since the last clear, in order.
  std::vector<std::string> actions() const;
  // Mutating EC2 calls (anything but Describe*) since the last clear.
  std::vector<std::string> mutating_actions() const;

  // The route for `destination` in `route_table`: its network interface id, "" when it has none
  // (another target), or "(none)" when the table has no such route.
  std::string route_target(const std::string& route_table, const std::string& destination) const;
  bool source_dest_check(const std::string& eni) const;

  // The environment for cloudvip running "on" `instance_id`: its IMDS, a cache directory of its own, HOME
  // in the temp dir, and the admin key unless `keys` says otherwise ({} = no keys: the IMDS role).
  Env env_for(const std::string& instance_id,
              const std::vector<std::string>& keys = {k_admin_key, k_admin_secret}) const;

 private:
  testing::TempDir m_dir;
  int m_pid = -1;
  std::string m_endpoint;
  std::map<std::string, std::string> m_imds;
};

// Where run_cloudvip points the control socket unless `env` sets CLOUDVIP_CONTROL_SOCKET: a path where no
// daemon can listen, so no test hands its command to a `cloudvip run` of this machine.
inline constexpr const char* k_no_daemon_socket = "/nonexistent/cloudvip-tests/control.sock";

// Runs the cloudvip binary with `args` and the environment `env` plus PATH (and
// CLOUDVIP_CONTROL_SOCKET=k_no_daemon_socket unless `env` sets it), over the offline defaults
// (testing::offline_defaults(): IMDS and EC2 at the process's tripwire) for what `env` does not name; killed
// after `timeout_ms`.
RunResult run_cloudvip(const std::vector<std::string>& args, const Env& env, int timeout_ms = 20000);

// "--endpoint URL --region us-east-1 --no-local --address VIP --route-table ..." for a flags-only VIP.
std::vector<std::string> vip_args(const Sim& sim, const std::string& address,
                                  const std::vector<std::string>& route_tables);

// For failure messages: the command's exit code, stdout and stderr.
std::string describe(const RunResult& result);

}  // namespace cloudvip::clitest
