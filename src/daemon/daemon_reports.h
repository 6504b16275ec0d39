// What the control socket answers (control.h): the daemon's view for `cloudvip status`, and for
// `cloudvip acquire`/`release` handed to the daemon the same per-table reports the CLI prints when it acts
// itself (vip/report.h), so a hook sees the same output and exit codes either way.
#pragma once

#include <string>
#include <vector>

#include "daemon/control.h"
#include "daemon/reconciler.h"

namespace cloudvip {

// Exit 0 when this host holds every selected VIP everywhere, 3 when it does not, as `cloudvip status`.
// JSON: {"command": "status", "daemon": true, "exit_code", "vips": [{"vip", "address", "destination",
// "network_interface_id", "source", "answer", "why", "phase", "contested_until" (or null),
// "last_observed" (Unix seconds, or null), "read_error" (or null), "route_tables": [{"id", "owner",
// "network_interface_id", "state", "recent_takes", "error"}]}]}
ControlAnswer status_answer(const std::vector<VipStatus>& status, const std::vector<std::string>& vips,
                            TimePoint now);

// An AcquireReport per VIP from the tick that followed the hook: tables written in it (replaced, created or
// failed; verified "skipped": EC2 acknowledged the write, the next read confirms it) and the others as
// last seen (unchanged when ours and active). A VIP the daemon does not act as primary for (frozen,
// holding down, contested) carries an error saying why, and exit code 1.
ControlAnswer acquire_answer(const std::vector<VipStatus>& status, const std::vector<std::string>& vips,
                             const TickReport& tick, Millis took);

// A ReleaseReport per VIP: the routes are left to the new primary; the local address as the daemon left it.
ControlAnswer release_answer(const std::vector<VipStatus>& status, const std::vector<std::string>& vips,
                             Millis took);

}  // namespace cloudvip
