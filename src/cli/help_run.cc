#include "cli/help.h"

namespace cloudvip::cli::help {

std::string_view footer_run() {
  return R"HELP(
DESCRIPTION
  Runs in the foreground until SIGTERM, for every [[vip]] of the configuration at once (only the one named
  by --vip, if given). Each VIP follows its [vip.leader] source (patroni, etcd, iris, command or trigger);
  cloudvip never decides who is primary, it reads the cluster manager's answer and acts on it:

  - primary (after hold_down): every route table of the VIP points at this host's ENI (ReplaceRoute, or
    CreateRoute where the route is missing; never DeleteRoute), and the VIP is on the local interface.
  - standby: the VIP comes off the local interface; routes are left to the new primary.
  - unknown (the source cannot tell: timeout, error, no answer yet): nothing changes. No write, no address
    removed, no flip, until the source can tell again.

  The daemon reads the route tables of all its VIPs in one DescribeRouteTables every `interval` (jittered),
  and at once after a leadership change. A route of ours found changed by hand, blackholed or gone is
  written back at once (drift repair). A route table taken from this host more than 3 times in 60 s means
  another member also believes it is primary: the VIP is reported CONTESTED and no longer written, until a
  back-off passes (1 min, doubling up to 10 min) or the source's answer changes.

  On a leadership change the writes leave at once, planned from the last read, with identity, credentials
  and connections already warm: one EC2 round trip to every table, concurrently.

CONFIGURATION
  [daemon]
  interval = "5s"                       # how often the tables are read (default 5 s)
  control_socket = "/run/cloudvip/control.sock"   # mode 0600: status, acquire, release, notify
  metrics = "127.0.0.1:9464"            # Prometheus /metrics; absent: off
  [[vip]]
  name = "iris"
  address = "10.109.10.254"
  route_tables = ["rtb-0a1b2c3d4e5f6aaa0", "rtb-0a1b2c3d4e5f6aaa1"]
  [vip.leader]
  source = "command"                    # patroni | etcd | iris | command | trigger
  command = ["/usr/local/bin/am-i-primary"]   # exit 0 primary, 3 standby, else unknown
  hold_down = "0s"
  A VIP without [vip.leader] is a trigger VIP: hooks tell the daemon (cloudvip acquire, release, notify).
  docs/daemon.md describes every key and every source.

SIGNALS
  SIGHUP   read the configuration again; a file with any error is logged and the running configuration
           is kept. [[vip]] changes apply; [aws] and [daemon] changes need a restart.
  SIGTERM, SIGINT   exit 0, leaving routes and addresses exactly as they are.

SYSTEMD
  Type=notify: READY=1 after the first reconcile, STATUS= with each VIP's state, WATCHDOG=1 as often as
  WatchdogSec= asks. Logs go to stderr; under systemd (JOURNAL_STREAM) with syslog priorities (<3> error,
  <4> warning, <6> info), which the journal records as such.

WITH A DAEMON RUNNING
  cloudvip status, acquire and release on the same host hand over to the daemon through the control socket
  (the daemon answers with the same report and exit code), and act themselves when no daemon runs.
  cloudvip notify primary|standby only tells a trigger VIP's daemon, and returns at once.

EXIT STATUS
  0  stopped by SIGTERM or SIGINT
  1  could not start (the identity, the route tables or a source could not be set up); nothing was written
  2  wrong usage or configuration: nothing was called

EXAMPLES
  cloudvip run
  cloudvip run --config /etc/cloudvip/cloudvip.toml --log-level info
  systemctl reload cloudvip          # SIGHUP
)HELP";
}

}  // namespace cloudvip::cli::help
