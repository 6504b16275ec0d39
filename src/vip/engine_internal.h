// Helpers shared by engine.cc, acquire.cc, release.cc and status.cc; not part of the Engine's interface.
#pragma once

#include <string>

#include "vip/config.h"
#include "vip/report.h"

namespace cloudvip::engine_detail {

VipContext make_context(const VipSpec& spec, bool dry_run);
// The local address part of a report with outcome skipped, to be filled in.
LocalAddressReport local_address_skeleton(const VipSpec& spec, const std::string& interface);
// 2 for a configuration that does not fit this VPC (ErrorCode::config), else 1.
int exit_code_for(const Error& error);
// "eni-0a1 (peer i-0b2, active)", "no route", "igw-0c3 (active)": for notes and log lines.
std::string describe(const RouteSeen& seen);

}  // namespace cloudvip::engine_detail
