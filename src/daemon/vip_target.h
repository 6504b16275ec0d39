// From a configured VIP to what the reconciler runs (VipTarget): the local interface and its MAC (or, for a
// VIP without a local address and without an interface, the instance's primary ENI), this host's identity
// as the cloud sees it, and the routed CIDR. Done once at start and on reload, so the failover path never
// waits on IMDS.
#pragma once

#include <string>

#include "common/error.h"
#include "daemon/vip_machine.h"
#include "netlink/address_table.h"
#include "vip/cloud.h"
#include "vip/config.h"

namespace cloudvip {

struct ResolvedVip {
  VipTarget target;
  Identity identity;
};

// ErrorCode::config for what `cloudvip run` cannot follow (mode = "secondary-ip"), else the errors of the
// address table and the cloud, wrapped with the VIP's name.
Result<ResolvedVip> resolve_vip(const VipSpec& spec, Cloud& cloud, AddressTable& addresses);

}  // namespace cloudvip
