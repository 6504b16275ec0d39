// Where the VPC route for a VIP points from, given the VPC's CIDRs (known only at run time, from AWS).
// Pure, so every placement rule of aws-protocol.md §7 is tested without a VPC.
#pragma once

#include <vector>

#include "common/cidr.h"
#include "common/error.h"

namespace cloudvip {

// - Outside every VPC CIDR (an overlay VIP): VIP/32.
// - Inside a VPC CIDR: the canonical CIDR of the subnet that holds the VIP. AWS accepts an ENI route inside
//   the VPC range only when its destination is exactly a subnet's CIDR, so such a VIP needs a small subnet of
//   its own holding nothing else; the whole subnet follows the primary.
// Errors (ErrorCode::config): inside a VPC CIDR but in no subnet; one of the five addresses AWS reserves in
// its subnet; in 169.254.0.0/16 (link-local: AWS refuses routes into 169.254.168.0/22, IMDS and DNS).
Result<Cidr> route_destination(Ipv4Address vip, const std::vector<Cidr>& vpc_cidrs,
                               const std::vector<Cidr>& subnet_cidrs);

}  // namespace cloudvip
