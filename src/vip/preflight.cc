#include "vip/preflight.h"

#include <cstdlib>
#include <set>

#include "vip/config_values.h"

namespace cloudvip {
namespace {

std::string vip_name(const VipSpec& spec) {
  return "VIP " + spec.name;
}

// "12 s", "4 min 5 s".
std::string seconds_text(std::chrono::seconds s) {
  long long total = std::llabs(s.count());
  if (total < 60) {
    return std::to_string(total) + " s";
  }
  return std::to_string(total / 60) + " min " + std::to_string(total % 60) + " s";
}

}  // namespace

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += i + 1 == items.size() ? " and " : ", ";
    }
    out += items[i];
  }
  return out;
}

Preflight::Preflight(Cloud& cloud, AddressTable& addresses, SystemProbes& probes, Logger& logger)
    : m_cloud(cloud), m_addresses(addresses), m_probes(probes), m_logger(logger) {}

void Preflight::add(std::string name, CheckStatus status, std::string found, std::string fix) {
  m_logger.debug("check {}: {}: {}", name, to_string(status), found);
  m_report.checks.push_back(CheckResult{std::move(name), status, std::move(found), std::move(fix)});
}

PreflightReport Preflight::run(const std::vector<VipSpec>& vips, PreflightOptions options) {
  m_report = {};
  m_identities.clear();
  m_subnets.clear();

  check_imds();
  check_credentials();
  check_clock();

  std::vector<VipState> states;
  for (const VipSpec& spec : vips) {
    VipState state;
    state.spec = &spec;
    check_interface(state);
    states.push_back(std::move(state));
  }
  for (VipState& state : states) {
    if (state.interface) {
      state.identity = check_identity(*state.interface);
    }
  }
  for (size_t i = 0; i < states.size(); ++i) {
    if (states[i].identity) {
      check_placement(states[i], std::vector<VipState>(states.begin(), states.begin() + i));
    }
  }
  std::set<std::string> route_enis;
  for (VipState& state : states) {
    if (state.identity && state.destination) {
      check_route_tables(state);
      check_coverage(state);
      route_enis.insert(state.identity->network_interface_id);
    }
  }
  for (const std::string& eni : route_enis) {
    check_source_dest(eni, options.fix);
  }
  check_iam(states, options.fix);
  return std::move(m_report);
}

void Preflight::check_imds() {
  Result<ImdsProbe> probe = m_probes.imds_v2();
  if (!probe) {
    add("imds", CheckStatus::fail, "instance metadata unreachable: " + probe.error().to_string(),
        "cloudvip learns the instance, its ENI and VPC from IMDS: make http://169.254.169.254 reachable "
        "(no proxy for it, no firewall rule against it, metadata endpoint enabled on the instance), or set "
        "[aws] imds_endpoint");
    return;
  }
  if (probe->access == ImdsAccess::v1_only) {
    add("imds", CheckStatus::warn,
        "only IMDSv1 answers at " + probe->endpoint + ": no IMDSv2 session token was issued",
        "enable IMDSv2 (aws ec2 modify-instance-metadata-options --http-tokens required); from a container "
        "also raise --http-put-response-hop-limit to 2; until then cloudvip needs [aws] imds_v1_fallback = "
        "true");
    return;
  }
  add("imds", CheckStatus::ok, "IMDSv2 token obtained from " + probe->endpoint);
}

void Preflight::check_credentials() {
  Result<std::string> provider = m_probes.credentials();
  if (!provider) {
    add("credentials", CheckStatus::fail, "no AWS credentials: " + provider.error().to_string(),
        "attach an instance profile (IAM role) to the instance, or give a profile (--profile, AWS_PROFILE) "
        "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; `cloudvip policy` prints the role's policy");
    return;
  }
  add("credentials", CheckStatus::ok, "found (provider: " + *provider + ")");
}

void Preflight::check_clock() {
  Result<Millis> skew = m_probes.clock_skew();
  if (!skew) {
    add("clock", CheckStatus::warn, "could not read EC2's time to compare: " + skew.error().to_string(),
        "see the credentials line and the lines below; the clock is compared with the Date of an EC2 answer");
    return;
  }
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*skew);
  std::string side = skew->count() > 0 ? "behind" : "ahead of";
  std::string found = "local clock " + seconds_text(seconds) + " " + side + " EC2 (HTTP Date header)";
  if (std::chrono::abs(seconds) <= k_clock_warn_skew) {
    add("clock", CheckStatus::ok,
        skew->count() == 0 ? "local clock agrees with EC2 (HTTP Date header)" : found);
    return;
  }
  std::string fix =
      "synchronise the clock (chrony or systemd-timesyncd; on EC2 the Amazon Time Sync Service at "
      "169.254.169.123): AWS refuses SigV4 requests more than 15 minutes off";
  add("clock", std::chrono::abs(seconds) > k_clock_fail_skew ? CheckStatus::fail : CheckStatus::warn, found,
      fix);
}

void Preflight::check_interface(VipState& vip) {
  const VipSpec& spec = *vip.spec;
  std::string interface;
  std::string how;
  if (spec.interface) {
    interface = *spec.interface;
  } else {
    Result<std::string> by_route = m_addresses.default_route_interface();
    if (!by_route) {
      add("interface", CheckStatus::fail,
          vip_name(spec) + ": no interface configured and none found by the default route: " +
              by_route.error().to_string(),
          "set interface = \"eth0\" (the interface that holds the VIP) in this [[vip]] table");
      return;
    }
    interface = *by_route;
    how = " (the default route's)";
  }
  Result<bool> exists = m_addresses.interface_exists(interface);
  if (!exists || !*exists) {
    add("interface", CheckStatus::fail,
        vip_name(spec) + ": interface " + interface + " " +
            (exists ? std::string("does not exist") : "cannot be looked up: " + exists.error().to_string()),
        "set interface to one of this host's interfaces (ip -br link)");
    return;
  }
  vip.interface = interface;
  if (spec.label) {
    const std::string& label = *spec.label;
    bool fits = label.size() <= k_max_ifname_length && label.size() > interface.size() + 1 &&
                label.starts_with(interface + ":");
    if (!fits) {
      add("interface", CheckStatus::fail,
          vip_name(spec) + ": label '" + label + "' does not fit interface " + interface + " (a label is '" +
              interface + ":<suffix>', at most " + std::to_string(k_max_ifname_length) + " characters)",
          "set label = \"" + interface + ":1\" or remove it");
      return;
    }
    how += ", label " + label;
  }
  add("interface", CheckStatus::ok, vip_name(spec) + ": " + interface + " exists" + how);
}

const Identity* Preflight::check_identity(const std::string& interface) {
  if (auto it = m_identities.find(interface); it != m_identities.end()) {
    return it->second ? &*it->second : nullptr;
  }
  std::optional<Identity>& slot = m_identities[interface];
  std::string note;
  Result<std::string> mac = m_probes.interface_mac(interface);
  if (!mac) {
    // Without the MAC the primary interface's identity is the best guess, and usually right (eth0).
    note = " (MAC of " + interface + " unknown, " + mac.error().message + "; used the primary interface)";
  }
  Result<Identity> identity = m_cloud.identity(mac ? *mac : "");
  if (!identity) {
    add("identity", CheckStatus::fail,
        "cannot tell which instance and ENI hold " + interface + ": " + identity.error().to_string() + note,
        "see the imds line: the identity comes from instance metadata");
    return nullptr;
  }
  slot = *identity;
  std::vector<std::string> cidrs;
  for (const Cidr& c : identity->vpc_cidrs) {
    cidrs.push_back(c.to_string());
  }
  add("identity", CheckStatus::ok,
      "instance " + identity->instance_id + ", ENI " + identity->network_interface_id + " (" + interface +
          "), VPC " + identity->vpc_id + " (" + join_list(cidrs) + "), subnet " + identity->subnet_id +
          " in " + identity->availability_zone + note);
  return &*slot;
}

}  // namespace cloudvip
