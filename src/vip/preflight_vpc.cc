// Preflight's VPC checks: where the VIP sits (placement), the route tables that carry it, and whether every
// subnet's route table is among them (coverage). The rules are aws-protocol.md section 7.
#include <algorithm>
#include <set>

#include "vip/engine.h"
#include "vip/preflight.h"
#include "vip/route_destination.h"

namespace cloudvip {
namespace {

const Cidr k_link_local = *Cidr::parse("169.254.0.0/16");

std::string vip_name(const VipSpec& spec) {
  return "VIP " + spec.name;
}

std::string route_text(const RouteTableView& table, const Cidr& destination) {
  if (!table.route) {
    return "no route for " + destination.to_string() + " yet";
  }
  const VipRoute& r = *table.route;
  std::string target = !r.network_interface_id.empty() ? r.network_interface_id : r.other_target;
  return "route " + destination.to_string() + " -> " + (target.empty() ? "?" : target) +
         (r.state.empty() ? "" : " (" + r.state + ")");
}

}  // namespace

const std::vector<SubnetView>* Preflight::subnets(const std::string& vpc_id) {
  auto it = m_subnets.find(vpc_id);
  if (it == m_subnets.end()) {
    Result<std::vector<SubnetView>> read = m_cloud.subnets(vpc_id);
    if (!read) {
      add("placement", CheckStatus::fail,
          "cannot read the subnets of " + vpc_id + ": " + read.error().to_string(),
          "the role needs ec2:DescribeSubnets (see `cloudvip policy`)");
    }
    it = m_subnets.emplace(vpc_id, read ? std::optional(std::move(*read)) : std::nullopt).first;
  }
  return it->second ? &*it->second : nullptr;
}

void Preflight::check_placement(VipState& vip, const std::vector<VipState>& earlier) {
  const VipSpec& spec = *vip.spec;
  const Identity& id = *vip.identity;
  std::string address = spec.address.to_string();
  if (k_link_local.contains(spec.address)) {
    add("placement", CheckStatus::fail,
        vip_name(spec) + ": " + address +
            " is link-local (169.254.0.0/16; AWS keeps 169.254.168.0/22 for IMDS "
            "and DNS and refuses routes into it)",
        "pick an address outside 169.254.0.0/16, e.g. an overlay address such as 192.168.100.10");
    return;
  }
  if (spec.mode == VipMode::secondary_ip) {
    if (id.subnet_cidr.contains(spec.address)) {
      add("placement", CheckStatus::ok,
          vip_name(spec) + ": " + address + " is in subnet " + id.subnet_id + " (" +
              id.subnet_cidr.to_string() + ") of " + id.network_interface_id +
              "; moved as a secondary private IP");
    } else {
      add("placement", CheckStatus::fail,
          vip_name(spec) + ": " + address + " is outside subnet " + id.subnet_id + " (" +
              id.subnet_cidr.to_string() + ") of " + id.network_interface_id +
              ": a secondary private IP must be in the ENI's subnet",
          "use mode = \"route\" for members in different subnets, or an address of " +
              id.subnet_cidr.to_string());
    }
    return;
  }
  const std::vector<SubnetView>* all = subnets(id.vpc_id);
  if (!all) {
    return;
  }
  std::vector<Cidr> cidrs;
  for (const SubnetView& s : *all) {
    cidrs.push_back(s.cidr);
  }
  Result<Cidr> destination = route_destination(spec.address, id.vpc_cidrs, cidrs);
  if (!destination) {
    add("placement", CheckStatus::fail, vip_name(spec) + ": " + destination.error().message,
        "pick an address outside every VPC CIDR (an overlay VIP, e.g. 192.168.100.10), or create a small "
        "subnet "
        "for it that holds nothing else");
    return;
  }
  bool in_vpc = std::any_of(id.vpc_cidrs.begin(), id.vpc_cidrs.end(),
                            [&](const Cidr& c) { return c.contains(spec.address); });
  if (!in_vpc) {
    vip.destination = *destination;
    add("placement", CheckStatus::ok,
        vip_name(spec) + ": overlay VIP " + address + " (outside the VPC's CIDRs); route " +
            destination->to_string());
    return;
  }
  auto subnet = std::find_if(all->begin(), all->end(), [&](const SubnetView& s) {
    return s.cidr.canonical() == destination->canonical();
  });
  std::string subnet_text =
      (subnet == all->end() ? std::string("?") : subnet->id) + " (" + destination->to_string() + ")";
  for (const VipState& other : earlier) {
    if (other.destination && other.destination->canonical() == destination->canonical()) {
      add("placement", CheckStatus::fail,
          vip_name(spec) + " and " + vip_name(*other.spec) + " are both in VIP subnet " + subnet_text +
              ": the whole subnet follows one primary, so it holds one VIP",
          "give each in-VPC VIP a small subnet of its own, or use overlay addresses outside the VPC's CIDRs");
      return;
    }
  }
  vip.destination = *destination;
  if (subnet == all->end()) {
    return;  // route_destination found the subnet among the same CIDRs; unreachable in practice
  }
  vip.vip_subnet_id = subnet->id;
  Result<std::vector<std::string>> enis = m_probes.interfaces_in_subnet(subnet->id);
  if (!enis) {
    add("placement", CheckStatus::warn,
        vip_name(spec) + ": in-VPC VIP in subnet " + subnet_text +
            "; could not list its ENIs: " + enis.error().to_string(),
        "the role needs ec2:DescribeNetworkInterfaces (see `cloudvip policy`)");
    return;
  }
  if (!enis->empty()) {
    add("placement", CheckStatus::fail,
        vip_name(spec) + ": VIP subnet " + subnet_text + " holds " + join_list(*enis) +
            ": its whole CIDR is routed to the primary, so their traffic would go there too",
        "move those interfaces out of the VIP subnet; it must hold nothing but the VIP");
    return;
  }
  add("placement", CheckStatus::ok,
      vip_name(spec) + ": in-VPC VIP in subnet " + subnet_text + ", which holds no ENI; route " +
          destination->to_string());
}

void Preflight::check_route_tables(VipState& vip) {
  const VipSpec& spec = *vip.spec;
  const Identity& id = *vip.identity;
  if (!spec.route_tables) {
    return;
  }
  RouteTableSelector selector = to_cloud_selector(*spec.route_tables);
  if (selector.kind == RouteTableSelector::Kind::ids) {
    // One read per table, so each gets its own line and a bad one does not hide the others.
    for (const std::string& table_id : selector.ids) {
      RouteTableSelector one = selector;
      one.ids = {table_id};
      Result<std::vector<RouteTableView>> read = m_cloud.route_tables(one, id.vpc_id, *vip.destination);
      if (!read || read->empty()) {
        add("route-table", CheckStatus::fail,
            vip_name(spec) + ": " + table_id + ": " + (read ? "not found" : read.error().to_string()),
            "list only route tables of " + id.vpc_id + " (this instance's VPC) that exist in " + id.region);
        continue;
      }
      const RouteTableView& table = read->front();
      if (!table.vpc_id.empty() && table.vpc_id != id.vpc_id) {
        add("route-table", CheckStatus::fail,
            vip_name(spec) + ": " + table_id + " belongs to " + table.vpc_id + ", not to " + id.vpc_id +
                " (this instance's VPC)",
            "list only route tables of " + id.vpc_id);
        continue;
      }
      add("route-table", CheckStatus::ok,
          vip_name(spec) + ": " + table_id + " in " + id.vpc_id + ", " + route_text(table, *vip.destination));
      vip.tables.push_back(table);
    }
    return;
  }
  std::string what = selector.kind == RouteTableSelector::Kind::tag
                         ? "tagged " + selector.tag_key + "=" + selector.tag_value
                         : "of the VPC";
  Result<std::vector<RouteTableView>> read = m_cloud.route_tables(selector, id.vpc_id, *vip.destination);
  if (!read) {
    add("route-table", CheckStatus::fail,
        vip_name(spec) + ": cannot read the route tables " + what + ": " + read.error().to_string(),
        "the role needs ec2:DescribeRouteTables (see `cloudvip policy`)");
    return;
  }
  if (read->empty()) {
    add("route-table", CheckStatus::fail, vip_name(spec) + ": no route table of " + id.vpc_id + " is " + what,
        selector.kind == RouteTableSelector::Kind::tag ? "tag the route tables the clients' subnets use: aws "
                                                         "ec2 create-tags --resources rtb-... --tags Key=" +
                                                             selector.tag_key + ",Value=" + selector.tag_value
                                                       : "check the VPC");
    return;
  }
  std::vector<std::string> ids;
  for (const RouteTableView& t : *read) {
    ids.push_back(t.id);
  }
  add("route-table", CheckStatus::ok,
      vip_name(spec) + ": " + std::to_string(read->size()) + " route table(s) " + what + ": " +
          join_list(ids));
  vip.tables = std::move(*read);
}

void Preflight::check_coverage(const VipState& vip) {
  const VipSpec& spec = *vip.spec;
  const Identity& id = *vip.identity;
  if (vip.tables.empty()) {
    return;  // the route-table lines already FAIL
  }
  Result<std::vector<RouteTableView>> all = m_cloud.all_route_tables(id.vpc_id, *vip.destination);
  const std::vector<SubnetView>* subnet_list = subnets(id.vpc_id);
  if (!all || !subnet_list) {
    add("coverage", CheckStatus::warn,
        vip_name(spec) + ": cannot read every route table of " + id.vpc_id +
            (all ? std::string() : ": " + all.error().to_string()),
        "the role needs ec2:DescribeRouteTables and ec2:DescribeSubnets (see `cloudvip policy`)");
    return;
  }
  std::set<std::string> configured;
  for (const RouteTableView& t : vip.tables) {
    configured.insert(t.id);
  }
  std::string main_table;
  for (const RouteTableView& t : *all) {
    if (t.main) {
      main_table = t.id;
    }
  }
  std::vector<std::string> uncovered;
  size_t counted = 0;
  for (const SubnetView& subnet : *subnet_list) {
    if (vip.vip_subnet_id && subnet.id == *vip.vip_subnet_id) {
      continue;  // holds no clients
    }
    ++counted;
    // A subnet uses its explicitly associated table, else the main one.
    std::string used = main_table;
    for (const RouteTableView& t : *all) {
      if (std::find(t.subnet_ids.begin(), t.subnet_ids.end(), subnet.id) != t.subnet_ids.end()) {
        used = t.id;
      }
    }
    if (!configured.contains(used)) {
      uncovered.push_back(subnet.id + " (" + (used.empty() ? "no route table" : used) + ")");
    }
  }
  if (!uncovered.empty()) {
    add("coverage", CheckStatus::warn,
        vip_name(spec) + ": " + join_list(uncovered) +
            " use route tables without the VIP route: clients there will not reach the VIP",
        "add those route tables to route_tables (or tag them), or use route_tables = \"vpc\"");
    return;
  }
  add("coverage", CheckStatus::ok,
      vip_name(spec) + ": all " + std::to_string(counted) + " client subnet(s) of " + id.vpc_id +
          " use a configured route table");
}

}  // namespace cloudvip
