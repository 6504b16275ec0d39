#include "vip/aws_cloud.h"

#include <algorithm>
#include <set>

#include "common/strings.h"
#include "vip/imds_identity.h"

namespace cloudvip {
namespace {

std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const std::string& item : items) {
    out += out.empty() ? "" : std::string(sep);
    out += item;
  }
  return out;
}

Result<Cidr> parse_cidr(const std::string& text, const std::string& what) {
  Result<Cidr> cidr = Cidr::parse(trim(text));
  if (!cidr) {
    return fail(cidr.error().wrap(what + " '" + text + "' is not an IPv4 CIDR block"));
  }
  return cidr;
}

Applied applied(Outcome outcome) {
  return outcome == Outcome::dry_run_allowed ? Applied::dry_run_allowed : Applied::changed;
}

std::string describe_change(const RouteChange& change) {
  return "route " + change.destination.canonical().to_string() + " in " + change.route_table_id + " -> " +
         change.network_interface_id;
}

// ReplaceRoute's answers when the route does not exist (aws-protocol.md §2.2).
bool is_missing_route(const Error& e) {
  return e.aws_code == "InvalidRoute.NotFound" ||
         (e.aws_code == "InvalidParameterValue" &&
          e.aws_message.find("no route defined") != std::string::npos);
}

}  // namespace

std::optional<VipRoute> find_vip_route(const RouteTable& table, const Cidr& destination) {
  const Cidr wanted = destination.canonical();
  for (const Route& route : table.routes) {
    Result<Cidr> cidr = Cidr::parse(route.destination_cidr);
    if (!cidr || cidr->canonical() != wanted) {
      continue;
    }
    VipRoute vip;
    vip.network_interface_id = route.network_interface_id;
    vip.instance_id = route.instance_id;
    for (const std::string* target :
         {&route.gateway_id, &route.nat_gateway_id, &route.transit_gateway_id,
          &route.vpc_peering_connection_id, &route.egress_only_internet_gateway_id, &route.local_gateway_id,
          &route.carrier_gateway_id, &route.core_network_arn}) {
      if (!target->empty()) {
        vip.other_target = *target;
        break;
      }
    }
    vip.state = route.state;
    return vip;
  }
  return std::nullopt;
}

RouteTableView to_view(const RouteTable& table, const Cidr& destination) {
  RouteTableView view;
  view.id = table.id;
  view.vpc_id = table.vpc_id;
  for (const RouteTableAssociation& a : table.associations) {
    if (a.state == "disassociated" || a.state == "disassociating" || a.state == "failed") {
      continue;
    }
    view.main = view.main || a.main;
    if (!a.subnet_id.empty()) {
      view.subnet_ids.push_back(a.subnet_id);
    }
  }
  view.route = find_vip_route(table, destination);
  return view;
}

AwsCloud::AwsCloud(Ec2Client& ec2, Imds& imds, Logger& logger) : m_ec2(ec2), m_imds(imds), m_logger(logger) {}

Result<Identity> AwsCloud::identity(const std::string& mac) {
  std::optional<RetryDeadline> deadline = m_ec2.retry_deadline();
  if (!deadline) {
    return identity_from_imds(m_imds, mac);  // Imds retries each request itself (ImdsOptions::attempts)
  }
  // Failover mode: an IMDS that is slow or silent for a while must not end the failover while its deadline
  // has time left. Its own strategy, so IMDS trouble does not charge the EC2 client's quota.
  RetryStrategy strategy;
  Clock& clock = m_ec2.clock();
  std::function<Result<Identity>()> once = [&] {
    Result<Identity> identity = identity_from_imds(m_imds, mac);
    if (!identity && is_retryable(identity.error())) {
      m_logger.debug("instance metadata: {}; retrying until the deadline", identity.error().message);
    }
    return identity;
  };
  return with_retries<Identity>(strategy, clock, once, deadline);
}

Result<std::vector<RouteTableView>> AwsCloud::describe(const std::vector<std::string>& ids,
                                                       const std::vector<Filter>& filters,
                                                       const Cidr& destination, const std::string& what) {
  Result<std::vector<RouteTable>> tables = m_ec2.describe_route_tables(ids, filters);
  if (!tables) {
    const Error& e = tables.error();
    if (e.aws_code == "InvalidRouteTableID.NotFound" || e.aws_code == "InvalidRouteTableId.Malformed") {
      return fail(e.wrap("EC2 does not know every route table of " + what +
                         " (check each id and that the region is right)"));
    }
    return fail(e.wrap("cannot read the route tables of " + what));
  }
  std::vector<RouteTableView> views;
  views.reserve(tables->size());
  for (const RouteTable& table : *tables) {
    views.push_back(to_view(table, destination));
  }
  return views;
}

Result<std::vector<RouteTableView>> AwsCloud::route_tables(const RouteTableSelector& selector,
                                                           const std::string& vpc_id,
                                                           const Cidr& destination) {
  switch (selector.kind) {
    case RouteTableSelector::Kind::vpc:
      return all_route_tables(vpc_id, destination);
    case RouteTableSelector::Kind::tag: {
      if (selector.tag_key.empty()) {
        return fail(ErrorCode::invalid_argument, "route table selector by tag has an empty tag key");
      }
      return describe({}, {{"tag:" + selector.tag_key, {selector.tag_value}}, {"vpc-id", {vpc_id}}},
                      destination, "tag " + selector.tag_key + "=" + selector.tag_value + " in " + vpc_id);
    }
    case RouteTableSelector::Kind::ids:
      break;
  }
  std::vector<std::string> ids;
  for (const std::string& id : selector.ids) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      ids.push_back(id);
    }
  }
  if (ids.empty()) {
    return fail(ErrorCode::invalid_argument, "route table selector by id lists no route table id");
  }
  Result<std::vector<RouteTableView>> found = describe(ids, {}, destination, "[" + join(ids) + "]");
  if (!found) {
    return found;
  }
  std::vector<RouteTableView> ordered;
  for (const std::string& id : ids) {
    auto it = std::find_if(found->begin(), found->end(), [&](const RouteTableView& v) { return v.id == id; });
    if (it == found->end()) {
      return fail(ErrorCode::not_found, "route table " + id +
                                            " was not returned by EC2 DescribeRouteTables; "
                                            "check the id and the region");
    }
    if (it->vpc_id != vpc_id) {
      return fail(ErrorCode::config, "route table " + id + " belongs to " + it->vpc_id + ", not to " +
                                         vpc_id + " (this instance's VPC); list only route tables of " +
                                         vpc_id);
    }
    ordered.push_back(*it);
  }
  return ordered;
}

Result<std::vector<RouteTableView>> AwsCloud::all_route_tables(const std::string& vpc_id,
                                                               const Cidr& destination) {
  return describe({}, {{"vpc-id", {vpc_id}}}, destination, vpc_id);
}

Result<std::vector<SubnetView>> AwsCloud::subnets(const std::string& vpc_id) {
  Result<std::vector<Subnet>> subnets = m_ec2.describe_subnets({}, {{"vpc-id", {vpc_id}}});
  if (!subnets) {
    return fail(subnets.error().wrap("cannot read the subnets of " + vpc_id));
  }
  std::vector<SubnetView> views;
  for (const Subnet& s : *subnets) {
    Result<Cidr> cidr = parse_cidr(s.cidr_block, "EC2 subnet " + s.id + " CIDR");
    if (!cidr) {
      return fail(cidr.error());
    }
    views.push_back(SubnetView{s.id, *cidr, s.availability_zone});
  }
  return views;
}

std::vector<Result<Applied>> AwsCloud::point_routes(const std::vector<RouteChange>& changes, bool dry_run) {
  std::vector<Result<Applied>> results(changes.size(), fail(ErrorCode::internal, "route not sent"));
  // Builds the call for change i (replace or create) into `calls`/`which`; a request error is its result.
  std::vector<bool> is_replace(changes.size());
  auto build = [&](size_t i, bool replace, std::vector<Ec2Call>& calls, std::vector<size_t>& which) {
    const RouteChange& c = changes[i];
    RouteRequest request{c.route_table_id, c.destination.canonical().to_string(), c.network_interface_id, "",
                         dry_run};
    Result<Ec2Call> call = replace ? replace_route_call(request) : create_route_call(request);
    if (!call) {
      results[i] = fail(call.error().wrap("cannot point " + describe_change(c)));
      return;
    }
    is_replace[i] = replace;
    calls.push_back(std::move(*call));
    which.push_back(i);
  };
  std::vector<Ec2Call> calls;
  std::vector<size_t> which;
  for (size_t i = 0; i < changes.size(); ++i) {
    build(i, changes[i].exists, calls, which);
  }
  // Round 1 as planned; round 2 flips what EC2 said was missing (or already there); round 3 flips once more,
  // for a write that took effect although its answer was an error (a 500 after the change) and then met
  // itself on the retry. Within each round call_all retries only the calls that failed retryably.
  constexpr int k_rounds = 3;
  for (int round = 1; round <= k_rounds && !calls.empty(); ++round) {
    std::vector<Result<Ec2Response>> answers = m_ec2.call_all(calls);
    std::vector<Ec2Call> next_calls;
    std::vector<size_t> next_which;
    for (size_t k = 0; k < which.size(); ++k) {
      size_t i = which[k];
      Result<Outcome> outcome = k < answers.size()
                                    ? mutation_outcome(answers[k], dry_run)
                                    : fail(ErrorCode::internal, "EC2 batch returned too few answers");
      if (outcome) {
        results[i] = applied(*outcome);
        continue;
      }
      const Error& e = outcome.error();
      bool flip =
          round < k_rounds && (is_replace[i] ? is_missing_route(e) : e.aws_code == "RouteAlreadyExists");
      if (flip) {
        m_logger.debug("{}: {} answered {}; trying {}", describe_change(changes[i]), calls[k].action,
                       e.aws_code, is_replace[i] ? "CreateRoute" : "ReplaceRoute");
        build(i, !is_replace[i], next_calls, next_which);
        continue;
      }
      results[i] = fail(e.wrap(calls[k].action + " failed for " + describe_change(changes[i])));
    }
    calls = std::move(next_calls);
    which = std::move(next_which);
  }
  return results;
}

std::vector<Result<Applied>> AwsCloud::delete_routes(const std::vector<RouteChange>& routes, bool dry_run) {
  std::vector<Ec2Call> calls;
  for (const RouteChange& r : routes) {
    calls.push_back(delete_route_call(r.route_table_id, r.destination.canonical().to_string(), dry_run));
  }
  std::vector<Result<Ec2Response>> answers = m_ec2.call_all(calls);
  std::vector<Result<Applied>> results;
  for (size_t i = 0; i < routes.size(); ++i) {
    std::string what =
        "route " + routes[i].destination.canonical().to_string() + " in " + routes[i].route_table_id;
    Result<Outcome> outcome =
        i < answers.size() ? mutation_outcome(answers[i], dry_run) : fail(ErrorCode::internal, "no answer");
    if (outcome) {
      results.emplace_back(applied(*outcome));
    } else if (outcome.error().aws_code == "InvalidRoute.NotFound") {
      m_logger.info("{} was already gone", what);
      results.emplace_back(dry_run ? Applied::dry_run_allowed : Applied::changed);
    } else {
      results.emplace_back(fail(outcome.error().wrap("DeleteRoute failed for " + what)));
    }
  }
  return results;
}

Result<ElasticIpView> AwsCloud::elastic_ip(const std::string& allocation_id) {
  Result<std::vector<Address>> addresses = m_ec2.describe_addresses({allocation_id});
  if (!addresses) {
    return fail(addresses.error().wrap("cannot read Elastic IP " + allocation_id +
                                       " (check the allocation id and the region)"));
  }
  for (const Address& a : *addresses) {
    if (a.allocation_id == allocation_id) {
      return ElasticIpView{a.allocation_id,        a.public_ip,   a.association_id,
                           a.network_interface_id, a.instance_id, a.private_ip};
    }
  }
  return fail(ErrorCode::not_found, "EC2 returned no Elastic IP with allocation id " + allocation_id +
                                        "; check the id and the region");
}

Result<Applied> AwsCloud::associate_elastic_ip(const std::string& allocation_id,
                                               const std::string& network_interface_id,
                                               const std::string& private_ip, bool dry_run) {
  Result<AssociateAddressResult> result =
      m_ec2.associate_address({allocation_id, network_interface_id, "", private_ip, true, dry_run});
  if (!result) {
    return fail(result.error().wrap("cannot associate Elastic IP " + allocation_id + " with " +
                                    network_interface_id));
  }
  return applied(result->outcome);
}

Result<bool> AwsCloud::source_dest_check(const std::string& network_interface_id) {
  Result<std::vector<NetworkInterface>> enis = m_ec2.describe_network_interfaces({network_interface_id});
  if (!enis) {
    return fail(enis.error().wrap("cannot read network interface " + network_interface_id));
  }
  for (const NetworkInterface& eni : *enis) {
    if (eni.id == network_interface_id) {
      return eni.source_dest_check;
    }
  }
  return fail(ErrorCode::not_found, "EC2 returned no network interface " + network_interface_id);
}

Result<Applied> AwsCloud::set_source_dest_check(const std::string& network_interface_id, bool enabled,
                                                bool dry_run) {
  Result<Outcome> outcome =
      m_ec2.modify_network_interface_attribute_source_dest_check(network_interface_id, enabled, dry_run);
  if (!outcome) {
    return fail(outcome.error().wrap(std::string("cannot turn source/destination check ") +
                                     (enabled ? "on" : "off") + " for " + network_interface_id));
  }
  return applied(*outcome);
}

Result<Applied> AwsCloud::assign_private_ip(const std::string& network_interface_id, Ipv4Address address,
                                            bool dry_run) {
  if (dry_run) {
    return fail(ErrorCode::unavailable, "AssignPrivateIpAddresses has no DryRun: cannot check moving " +
                                            address.to_string() + " to " + network_interface_id +
                                            " without moving it (check that the IAM policy allows "
                                            "ec2:AssignPrivateIpAddresses)");
  }
  Result<std::vector<std::string>> assigned =
      m_ec2.assign_private_ip_addresses(network_interface_id, {address.to_string()}, true);
  if (!assigned) {
    return fail(assigned.error().wrap("cannot move private IP " + address.to_string() + " to " +
                                      network_interface_id));
  }
  return Applied::changed;
}

}  // namespace cloudvip
