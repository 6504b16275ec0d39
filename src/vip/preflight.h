// `cloudvip check`: everything a failover will need, verified before the failover needs it. Each check
// writes one line or more: what it found and, when that is a problem, how to fix it. Nothing changes,
// except with PreflightOptions::fix (the source/destination check is turned off).
//
// Checks, in order: imds, credentials, clock (host); interface, identity (per VIP / per interface);
// placement, route-table, coverage (per VIP, against the VPC); src-dst (per ENI); iam (DryRun of every
// write the configuration will make). A check whose inputs failed earlier (no identity, say) is skipped:
// the earlier FAIL line already says why.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.h"
#include "netlink/address_table.h"
#include "vip/cloud.h"
#include "vip/config.h"
#include "vip/system_probes.h"

namespace cloudvip {

enum class CheckStatus {
  ok,
  warn,   // works, but something is weaker or riskier than it should be
  fail,   // a failover would fail (or the VIP would not be reachable)
  fixed,  // was a failure; PreflightOptions::fix repaired it
};
// "ok", "warn", "FAIL", "fixed": as the text report shows them.
std::string_view to_string(CheckStatus status);

struct CheckResult {
  std::string name;  // "imds", "route-table", ...
  CheckStatus status = CheckStatus::ok;
  std::string found;  // what was found, one sentence
  std::string fix;    // how to fix it; empty when there is nothing to do
};

struct PreflightReport {
  std::vector<CheckResult> checks;

  bool failed() const;
  // 0 when nothing FAILs (warnings allowed), else 1.
  int exit_code() const { return failed() ? 1 : 0; }
};

// Aligned lines, one per check, a fix indented under its line:
//   ok    imds         IMDSv2 token obtained from http://169.254.169.254
//   FAIL  src-dst      source/destination check is on for eni-0a1b...
//                      fix: cloudvip check --fix, or ...
std::string render_text(const PreflightReport& report);
// {"ok": bool, "exit_code": n, "checks": [{"name", "status" ("ok"|"warn"|"fail"|"fixed"), "found", "fix"}]}
nlohmann::ordered_json to_json(const PreflightReport& report);

struct PreflightOptions {
  bool fix = false;  // turn the source/destination check off where it is on (and prove that right first)
};

// Thresholds of the clock check. SigV4 requests more than 15 minutes off the server's time are refused.
inline constexpr std::chrono::seconds k_clock_warn_skew{60};
inline constexpr std::chrono::seconds k_clock_fail_skew{300};

class Preflight {
 public:
  // Keeps references: every collaborator must outlive the Preflight.
  Preflight(Cloud& cloud, AddressTable& addresses, SystemProbes& probes, Logger& logger);

  PreflightReport run(const std::vector<VipSpec>& vips, PreflightOptions options = {});

 private:
  // What the checks learn about one VIP, for the checks after them.
  struct VipState {
    const VipSpec* spec = nullptr;
    std::optional<std::string> interface;      // resolved; nullopt when it could not be
    const Identity* identity = nullptr;        // of that interface; null when unknown
    std::optional<Cidr> destination;           // the route destination (route mode, placement known)
    std::optional<std::string> vip_subnet_id;  // in-VPC VIP: the VIP subnet
    std::vector<RouteTableView> tables;        // the route tables that carry its route
  };

  // --- host (preflight.cc) ---
  void check_imds();
  void check_credentials();
  void check_clock();
  // Resolves and checks the VIP's interface and label.
  void check_interface(VipState& vip);
  // The identity of `interface`, once per interface.
  const Identity* check_identity(const std::string& interface);

  // --- VPC (preflight_vpc.cc) ---
  void check_placement(VipState& vip, const std::vector<VipState>& earlier);
  void check_route_tables(VipState& vip);
  void check_coverage(const VipState& vip);
  // The VPC's subnets, read once per VPC; nullopt (and a FAIL line) when they cannot be read.
  const std::vector<SubnetView>* subnets(const std::string& vpc_id);

  // --- writes (preflight_iam.cc) ---
  void check_source_dest(const std::string& network_interface_id, bool fix);
  void check_iam(const std::vector<VipState>& vips, bool fix);

  void add(std::string name, CheckStatus status, std::string found, std::string fix = {});

  Cloud& m_cloud;
  AddressTable& m_addresses;
  SystemProbes& m_probes;
  Logger& m_logger;

  // Per run.
  PreflightReport m_report;
  std::map<std::string, std::optional<Identity>> m_identities;              // by interface
  std::map<std::string, std::optional<std::vector<SubnetView>>> m_subnets;  // by VPC
};

// "rtb-a, rtb-b and rtb-c".
std::string join_list(const std::vector<std::string>& items);

}  // namespace cloudvip
