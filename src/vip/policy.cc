#include "vip/policy.h"

#include <algorithm>
#include <map>
#include <set>

namespace cloudvip {
namespace {

using json = nlohmann::ordered_json;

// Sources for the resource types and condition keys below:
// - AWS Service Authorization Reference, "Actions, resources, and condition keys for Amazon EC2"
//   (docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html): CreateRoute,
//   ReplaceRoute and DeleteRoute take the resource type route-table,
//   arn:${Partition}:ec2:${Region}:${Account}:route-table/${RouteTableId}, whose condition keys include
//   ec2:ResourceTag/${TagKey} and ec2:Vpc (the ARN of the table's VPC); AssociateAddress takes elastic-ip
//   (arn:...:elastic-ip/${AllocationId}) and network-interface; the Describe* actions support no
//   resource-level permissions, so their Resource must be "*".
// - Amazon VPC User Guide, "Amazon VPC policy examples" (docs.aws.amazon.com/vpc/latest/userguide/
//   vpc-policy-examples.html): ec2:Vpc compared with StringEquals against
//   "arn:aws:ec2:REGION:ACCOUNT:vpc/ID".
// - IAM User Guide, "AWS global condition context keys": aws:RequestedRegion is the region the request is
//   sent to, usable with every action (the seed article's ec2:Region does the same for EC2 resources only).

std::string arn(const PolicyContext& c, std::string_view type, std::string_view id) {
  return "arn:" + c.partition + ":ec2:" + c.region + ":" + c.account_id + ":" + std::string(type) + "/" +
         std::string(id);
}

// One value stays a string (as people write policies); several become a sorted list.
json one_or_list(const std::set<std::string>& values) {
  if (values.size() == 1) {
    return *values.begin();
  }
  return json(std::vector<std::string>(values.begin(), values.end()));
}

json statement(std::string sid, std::vector<std::string> actions, json resource,
               std::optional<json> condition = std::nullopt) {
  json s;
  s["Sid"] = std::move(sid);
  s["Effect"] = "Allow";
  s["Action"] = actions.size() == 1 ? json(actions[0]) : json(std::move(actions));
  s["Resource"] = std::move(resource);
  if (condition) {
    s["Condition"] = std::move(*condition);
  }
  return s;
}

Result<void> check_context(const PolicyContext& c) {
  bool digits = c.account_id.size() == 12 && std::all_of(c.account_id.begin(), c.account_id.end(),
                                                         [](char ch) { return ch >= '0' && ch <= '9'; });
  if (!digits) {
    return fail(ErrorCode::invalid_argument, "account id '" + c.account_id +
                                                 "' is not 12 digits (e.g. '123456789012'; see the accountId "
                                                 "of the instance identity document)");
  }
  auto plain = [](const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
    });
  };
  if (!plain(c.region)) {
    return fail(ErrorCode::invalid_argument,
                "region '" + c.region + "' is not a region name (e.g. 'eu-west-1'; give --region)");
  }
  if (!plain(c.partition)) {
    return fail(ErrorCode::invalid_argument,
                "partition '" + c.partition + "' is not a partition name ('aws', 'aws-cn' or 'aws-us-gov')");
  }
  return ok();
}

// What the VIPs need, collected before any statement is written so each statement appears once.
struct Needs {
  std::set<std::string> route_table_ids;
  std::map<std::string, std::set<std::string>> route_table_tags;  // key -> values
  bool whole_vpc = false;
  std::set<std::string> elastic_ips;
  bool secondary_ip = false;
};

Needs collect(const std::vector<VipSpec>& vips) {
  Needs needs;
  for (const VipSpec& vip : vips) {
    if (vip.elastic_ip) {
      needs.elastic_ips.insert(*vip.elastic_ip);
    }
    if (vip.mode == VipMode::secondary_ip) {
      needs.secondary_ip = true;
    }
    if (!vip.route_tables) {
      continue;
    }
    if (const auto* ids = std::get_if<ExplicitRouteTables>(&*vip.route_tables)) {
      needs.route_table_ids.insert(ids->ids.begin(), ids->ids.end());
    } else if (const auto* tag = std::get_if<RouteTableTag>(&*vip.route_tables)) {
      needs.route_table_tags[tag->key].insert(tag->value);
    } else {
      needs.whole_vpc = true;
    }
  }
  return needs;
}

}  // namespace

Result<nlohmann::ordered_json> least_privilege_policy(const std::vector<VipSpec>& vips,
                                                      const PolicyContext& context) {
  if (Result<void> checked = check_context(context); !checked) {
    return fail(checked.error());
  }
  if (vips.empty()) {
    return fail(ErrorCode::invalid_argument,
                "no VIP configured: the policy is written for the VIPs of the "
                "configuration (give --config FILE or --address)");
  }
  Needs needs = collect(vips);
  if (needs.whole_vpc && !context.vpc_id) {
    return fail(ErrorCode::invalid_argument,
                "route_tables = \"vpc\" needs the VPC id to name its route tables in the policy (give --vpc "
                "vpc-..., or run `cloudvip policy` on the instance)");
  }

  json statements = json::array();
  // Reads: what AwsCloud and `cloudvip check` call. DescribeRouteTables also serves the clock check.
  std::vector<std::string> reads = {"ec2:DescribeNetworkInterfaces", "ec2:DescribeRouteTables",
                                    "ec2:DescribeSubnets"};
  if (!needs.elastic_ips.empty()) {
    reads.insert(reads.begin(), "ec2:DescribeAddresses");
  }
  statements.push_back(statement("CloudvipRead", reads, "*",
                                 json{{"StringEquals", {{"aws:RequestedRegion", context.region}}}}));

  std::vector<std::string> route_writes = {"ec2:CreateRoute", "ec2:ReplaceRoute"};
  if (context.include_delete) {
    route_writes.push_back("ec2:DeleteRoute");
  }
  if (!needs.route_table_ids.empty()) {
    std::set<std::string> arns;
    for (const std::string& id : needs.route_table_ids) {
      arns.insert(arn(context, "route-table", id));
    }
    statements.push_back(statement("CloudvipRoutes", route_writes, one_or_list(arns)));
  }
  int tag_number = 0;
  for (const auto& [key, values] : needs.route_table_tags) {
    // One statement per tag key: keys inside one condition would all have to match.
    statements.push_back(statement(
        "CloudvipRoutesByTag" + std::to_string(++tag_number), route_writes, arn(context, "route-table", "*"),
        json{{"StringEquals", {{"ec2:ResourceTag/" + key, one_or_list(values)}}}}));
  }
  if (needs.whole_vpc) {
    statements.push_back(
        statement("CloudvipRoutesInVpc", route_writes, arn(context, "route-table", "*"),
                  json{{"StringEquals", {{"ec2:Vpc", arn(context, "vpc", *context.vpc_id)}}}}));
  }
  if (!needs.elastic_ips.empty()) {
    // Either member's ENI may receive the address, and its id is not known here: any ENI of the account.
    json resources = json::array();
    for (const std::string& id : needs.elastic_ips) {
      resources.push_back(arn(context, "elastic-ip", id));
    }
    resources.push_back(arn(context, "network-interface", "*"));
    statements.push_back(statement("CloudvipElasticIp", {"ec2:AssociateAddress"}, resources));
  }
  if (needs.secondary_ip) {
    statements.push_back(statement("CloudvipSecondaryIp", {"ec2:AssignPrivateIpAddresses"},
                                   arn(context, "network-interface", "*")));
  }
  if (context.allow_fix) {
    statements.push_back(statement("CloudvipFixSourceDestCheck", {"ec2:ModifyNetworkInterfaceAttribute"},
                                   arn(context, "network-interface", "*")));
  }

  json policy;
  policy["Version"] = "2012-10-17";
  policy["Statement"] = std::move(statements);
  return policy;
}

std::string policy_text(const nlohmann::ordered_json& policy) {
  return policy.dump(2) + "\n";
}

}  // namespace cloudvip
