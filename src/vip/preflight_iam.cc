// Preflight's write checks: the source/destination check of our ENI (optionally fixed), and every mutating
// call the configuration will make, proven with an EC2 DryRun: allowed -> DryRunOperation, not allowed ->
// UnauthorizedOperation (aws-protocol.md section 2.3). Nothing changes, except the --fix of src-dst.
#include <map>
#include <set>

#include "vip/preflight.h"

namespace cloudvip {
namespace {

bool unauthorized(const Error& e) {
  return e.aws_code == "UnauthorizedOperation";
}

}  // namespace

void Preflight::check_source_dest(const std::string& eni, bool fix) {
  Result<bool> enabled = m_cloud.source_dest_check(eni);
  if (!enabled) {
    add("src-dst", CheckStatus::fail,
        "cannot read the source/destination check of " + eni + ": " + enabled.error().to_string(),
        "the role needs ec2:DescribeNetworkInterfaces (see `cloudvip policy`)");
    return;
  }
  if (!*enabled) {
    add("src-dst", CheckStatus::ok, "source/destination check is off on " + eni);
    return;
  }
  std::string manual =
      "aws ec2 modify-network-interface-attribute --network-interface-id " + eni + " --no-source-dest-check";
  if (!fix) {
    add("src-dst", CheckStatus::fail,
        "source/destination check is on for " + eni + ": it drops the VIP's traffic (not one of its own IPs)",
        "cloudvip check --fix, or " + manual);
    return;
  }
  Result<Applied> changed = m_cloud.set_source_dest_check(eni, false, false);
  if (!changed) {
    add("src-dst", CheckStatus::fail,
        "source/destination check is on for " + eni +
            "; turning it off failed: " + changed.error().to_string(),
        unauthorized(changed.error())
            ? "the role needs ec2:ModifyNetworkInterfaceAttribute for --fix (cloudvip "
              "policy --allow-fix), or run: " +
                  manual
            : manual);
    return;
  }
  m_logger.info("turned the source/destination check off on {}", eni);
  add("src-dst", CheckStatus::fixed, "source/destination check was on for " + eni + "; turned it off");
}

void Preflight::check_iam(const std::vector<VipState>& vips, bool fix) {
  // Every route write, once per (table, destination).
  std::vector<RouteChange> routes;
  std::set<std::pair<std::string, Cidr>> seen;
  std::map<std::string, std::string> eips;  // allocation id -> ENI
  std::set<std::string> enis;
  bool secondary_ip = false;
  for (const VipState& vip : vips) {
    if (!vip.identity) {
      continue;
    }
    const std::string& eni = vip.identity->network_interface_id;
    if (vip.spec->elastic_ip) {
      eips.emplace(*vip.spec->elastic_ip, eni);
    }
    if (vip.spec->mode == VipMode::secondary_ip) {
      secondary_ip = true;
      continue;
    }
    enis.insert(eni);
    for (const RouteTableView& table : vip.tables) {
      if (seen.insert({table.id, vip.destination->canonical()}).second) {
        routes.push_back(RouteChange{table.id, *vip.destination, eni, table.route.has_value()});
      }
    }
  }

  if (!routes.empty()) {
    std::vector<Result<Applied>> point = m_cloud.point_routes(routes, true);
    std::vector<std::string> allowed;
    for (size_t i = 0; i < routes.size(); ++i) {
      const RouteChange& r = routes[i];
      std::string action = r.exists ? "ec2:ReplaceRoute" : "ec2:CreateRoute";
      if (i < point.size() && point[i]) {
        allowed.push_back(r.route_table_id);
        continue;
      }
      const Error error = i < point.size() ? point[i].error() : Error(ErrorCode::internal, "no answer");
      add("iam", CheckStatus::fail,
          unauthorized(error)
              ? action + " on " + r.route_table_id + " is not allowed (DryRun: UnauthorizedOperation)"
              : action + " on " + r.route_table_id + " failed its DryRun: " + error.to_string(),
          unauthorized(error)
              ? "grant " + action + " on route table " + r.route_table_id + " (see `cloudvip policy`)"
              : "");
    }
    if (!allowed.empty()) {
      add("iam", CheckStatus::ok,
          "ec2:ReplaceRoute/CreateRoute allowed on " + join_list(allowed) + " (DryRun)");
    }

    std::vector<Result<Applied>> deletes = m_cloud.delete_routes(routes, true);
    std::vector<std::string> refused;
    for (size_t i = 0; i < routes.size(); ++i) {
      if (i >= deletes.size() || !deletes[i]) {
        refused.push_back(routes[i].route_table_id);
      }
    }
    if (refused.empty()) {
      add("iam", CheckStatus::ok,
          "ec2:DeleteRoute allowed (DryRun): `cloudvip release --delete-routes` will work");
    } else {
      add("iam", CheckStatus::warn,
          "ec2:DeleteRoute not allowed on " + join_list(refused) +
              " (DryRun): `cloudvip release --delete-routes` will fail; failover does not need it",
          "grant ec2:DeleteRoute on those route tables if you release with --delete-routes");
    }
  }

  for (const auto& [eip, eni] : eips) {
    Result<Applied> associate = m_cloud.associate_elastic_ip(eip, eni, "", true);
    if (associate) {
      add("iam", CheckStatus::ok, "ec2:AssociateAddress allowed for " + eip + " to " + eni + " (DryRun)");
    } else {
      add("iam", CheckStatus::fail,
          unauthorized(associate.error()) ? "ec2:AssociateAddress of " + eip + " to " + eni +
                                                " is not allowed (DryRun: UnauthorizedOperation)"
                                          : "ec2:AssociateAddress of " + eip + " to " + eni +
                                                " failed its DryRun: " + associate.error().to_string(),
          "grant ec2:AssociateAddress on the elastic-ip " + eip +
              " and the network interfaces (see `cloudvip "
              "policy`); check that " +
              eip + " exists in this region");
    }
  }

  if (fix) {
    for (const std::string& eni : enis) {
      Result<Applied> modify = m_cloud.set_source_dest_check(eni, false, true);
      if (modify) {
        add("iam", CheckStatus::ok, "ec2:ModifyNetworkInterfaceAttribute allowed on " + eni + " (DryRun)");
      } else {
        add("iam", CheckStatus::fail,
            "ec2:ModifyNetworkInterfaceAttribute on " + eni + ": " + modify.error().to_string(),
            "grant ec2:ModifyNetworkInterfaceAttribute for --fix (cloudvip policy --allow-fix)");
      }
    }
  }

  if (secondary_ip) {
    add("iam", CheckStatus::warn,
        "ec2:AssignPrivateIpAddresses (mode secondary-ip) cannot be proven: the action has no DryRun",
        "make sure the role grants it (`cloudvip policy` includes it for secondary-ip VIPs)");
  }
}

}  // namespace cloudvip
