// cloudvip policy: the least-privilege IAM policy for the selected VIPs.
#include <variant>

#include "cli/commands.h"
#include "cli/output.h"
#include "vip/policy.h"

namespace cloudvip::cli {
namespace {

std::string partition_of(const std::string& region) {
  if (region.starts_with("cn-")) {
    return "aws-cn";
  }
  if (region.starts_with("us-gov-")) {
    return "aws-us-gov";
  }
  return "aws";
}

bool needs_vpc(const std::vector<VipSpec>& vips) {
  for (const VipSpec& spec : vips) {
    if (spec.route_tables && std::holds_alternative<WholeVpcRouteTables>(*spec.route_tables)) {
      return true;
    }
  }
  return false;
}

// The account, region and (for route_tables = "vpc") VPC: from the flags where given, else from IMDS.
Result<PolicyContext> policy_context(Wiring& wiring, const Settings& settings, const PolicyArgs& args) {
  PolicyContext context;
  context.allow_fix = args.allow_fix;
  context.include_delete = !args.no_delete;
  if (args.account) {
    context.account_id = *args.account;
  } else {
    Result<IdentityDocument> document = wiring.imds().identity_document();
    if (!document) {
      return fail(document.error().wrap(
          "cannot read the account id from the instance identity document (give --account 123456789012)"));
    }
    context.account_id = document->account_id;
  }
  Result<std::string> region = wiring.region();
  if (!region) {
    return fail(region.error());
  }
  context.region = *region;
  context.partition = partition_of(*region);
  if (needs_vpc(settings.vips)) {
    Result<Cloud*> cloud = wiring.cloud();
    Result<Identity> identity = cloud ? (*cloud)->identity("") : fail(cloud.error());
    if (!identity) {
      return fail(identity.error().wrap("route_tables = \"vpc\" needs this instance's VPC"));
    }
    context.vpc_id = identity->vpc_id;
  }
  return context;
}

}  // namespace

int run_policy(Wiring& wiring, const Settings& settings, const PolicyArgs& args) {
  Result<PolicyContext> context = policy_context(wiring, settings, args);
  Result<nlohmann::ordered_json> policy =
      context ? least_privilege_policy(settings.vips, *context) : fail(context.error());
  if (!policy) {
    if (settings.json) {
      print_stdout(error_json("policy", policy.error(), 1).dump(2) + "\n");
    }
    print_error(policy.error());
    return 1;
  }
  print_stdout(policy_text(*policy));
  return 0;
}

}  // namespace cloudvip::cli
