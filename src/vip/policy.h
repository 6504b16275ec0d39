// `cloudvip policy`: the least-privilege IAM policy for a configuration, to attach to the instance role of
// both members. It grants exactly the EC2 actions cloudvip calls for these VIPs, on the narrowest resources
// IAM can name: the route writes on the configured route tables only, AssociateAddress on the configured
// Elastic IPs only, the reads (which IAM cannot narrow by resource) in the one region.
//
// Pure: the same specs and context give the same document, byte for byte (statements and values in a fixed
// order), so it can be kept in version control and diffed.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "vip/config.h"

namespace cloudvip {

struct PolicyContext {
  std::string account_id;         // 12 digits, e.g. "123456789012"
  std::string region;             // e.g. "eu-west-1"
  std::string partition = "aws";  // "aws-cn", "aws-us-gov" elsewhere
  // Grant ec2:ModifyNetworkInterfaceAttribute, which only `cloudvip check --fix` needs (it turns the
  // source/destination check off once; the failover path never changes it).
  bool allow_fix = false;
  // Grant ec2:DeleteRoute, which only `cloudvip release --delete-routes` needs (acquire never deletes).
  bool include_delete = true;
  // The VPC, needed only when a VIP uses route_tables = "vpc": the policy then names that VPC's route tables
  // by the ec2:Vpc condition.
  std::optional<std::string> vpc_id;
};

// The policy document (Version 2012-10-17). Keys keep the conventional order (Version, Statement; Sid,
// Effect, Action, Resource, Condition). Errors (ErrorCode::invalid_argument) name the field and the fix: an
// account id that is not 12 digits, an empty region, a "vpc" selector without context.vpc_id, no VIPs.
Result<nlohmann::ordered_json> least_privilege_policy(const std::vector<VipSpec>& vips,
                                                      const PolicyContext& context);

// The document pretty-printed with two-space indentation and a final newline, as `cloudvip policy` prints it.
std::string policy_text(const nlohmann::ordered_json& policy);

}  // namespace cloudvip
