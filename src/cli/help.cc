#include "cli/help.h"

namespace cloudvip::cli::help {

std::string_view footer_cloudvip() {
  return R"HELP(
DESCRIPTION
  cloudvip keeps a virtual IP (VIP) on the primary member of an HA pair whose members sit in different
  availability zones, by pointing the VIP's route in the VPC route tables at the primary's network
  interface (ENI) and, unless told otherwise, holding the VIP on a local interface. The cluster manager
  (IRIS ^ZMIRROR, Patroni, Pacemaker, keepalived) decides who is primary and calls `cloudvip acquire` there.

  Global options and VIP options may be given before or after the command. Every value (flags, the
  environment and the config file) is checked before any network call: a mistake exits 2 and calls nothing.

CONFIGURATION
  /etc/cloudvip/cloudvip.toml, or --config FILE, or CLOUDVIP_CONFIG. One [[vip]] table per VIP:
    [aws]
    region = "us-east-1"                 # optional; else AWS_REGION, the profile, then IMDS
    [[vip]]
    name = "iris"
    address = "10.109.10.254"            # in-VPC VIP: needs an empty subnet of its own
    route_tables = ["rtb-0a1b2c3d4e5f6aaa0", "rtb-0a1b2c3d4e5f6aaa1", "rtb-0a1b2c3d4e5f6aaa2"]
    interface = "eth0"
    label = "eth0:1"
  Without a file, --address VIP with --route-table (or --route-table-tag) describes one VIP.

EXIT STATUS
  0  success (status: this host holds the VIP; check: nothing failed)
  1  the command ran and something failed (an AWS error, a route table that could not be changed, ...)
  2  wrong usage or configuration: nothing was called
  3  status only: this host does not hold the VIP

ENVIRONMENT
  CLOUDVIP_CONFIG                 the config file when --config is not given
  CLOUDVIP_CACHE_DIR              where the identity and route view caches live (default /run/cloudvip)
  CLOUDVIP_CONTROL_SOCKET         cloudvip run's control socket when --control-socket is not given
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE, AWS_CONFIG_FILE,
  AWS_SHARED_CREDENTIALS_FILE     credentials (else the instance profile's role from IMDS)
  AWS_REGION, AWS_DEFAULT_REGION  the region when --region is not given
  AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL   the EC2 endpoint when --endpoint is not given
  AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_METADATA_SERVICE_TIMEOUT, AWS_METADATA_SERVICE_NUM_ATTEMPTS,
  AWS_EC2_METADATA_DISABLED       instance metadata (IMDSv2)
  AWS_MAX_ATTEMPTS                attempts per AWS call when the config sets no max_attempts
  AWS_CA_BUNDLE                   a PEM file of CA certificates to trust instead of the system's
  HTTPS_PROXY, NO_PROXY           proxies for the EC2 endpoint (IMDS is always reached directly)

LOGGING
  Logs go to stderr, one line each ("cloudvip: warn: ..."); results go to stdout. Under systemd
  (JOURNAL_STREAM set) journald records the same stderr lines; nothing else is needed.

EXAMPLES
  cloudvip acquire                              # every VIP of /etc/cloudvip/cloudvip.toml
  cloudvip status --vip iris --json
  cloudvip --address 192.168.100.10 --route-table rtb-0a1b2c3d4e5f6aaa0 acquire
  cloudvip check && cloudvip policy > cloudvip-policy.json

  `cloudvip COMMAND --help` describes each command.
)HELP";
}

std::string_view footer_acquire() {
  return R"HELP(
DESCRIPTION
  Makes this host the holder of each selected VIP (every VIP of the file unless --vip names one): points the
  VIP's route at this host's ENI in every configured route table at once (ReplaceRoute, or CreateRoute where
  the route is missing; never DeleteRoute, so there is no moment without a route), puts the VIP on the local
  interface, moves the Elastic IP if one is configured, then reads the tables again to verify. Tables that
  already point here are left alone: acquiring twice sends no write at all. Safe to run from a cluster
  manager's promotion hook.

  The identity of this instance (instance, ENI, VPC) comes from instance metadata and is cached under
  /run/cloudvip for the rest of the boot, so a failover costs one EC2 round trip plus verification.

  When a `cloudvip run` listens on the control socket ([daemon] control_socket, --control-socket), acquire
  hands the event to it and prints its answer (same report, same exit status): the daemon acts on its warm
  state. With --dry-run, or a VIP given by flags, acquire always acts itself.

OUTPUT
  One table per VIP: each route table with its route before, the action taken, the route after and whether
  it verified; then the local address, the Elastic IP, timings and a summary line. --json prints the same as
  one JSON object per VIP (several VIPs: {"command", "exit_code", "reports": [...]}).

EXIT STATUS
  0  every route table points here (verified unless --no-verify or --dry-run), the VIP is local, the
     Elastic IP is here
  1  anything failed, even one route table; the table says which and why
  2  wrong usage or configuration (nothing was called), or a VIP that cannot be routed in this VPC

EXAMPLES
  cloudvip acquire --vip iris
  cloudvip acquire --dry-run                    # may this host take over? (EC2 DryRun; changes nothing)
  cloudvip --address 10.109.10.254 --route-table vpc --label eth0:1 acquire
)HELP";
}

std::string_view footer_release() {
  return R"HELP(
DESCRIPTION
  Gives each selected VIP up on this host: takes it off the local interface. Routes are left as they are
  (the new primary's acquire re-points them) unless --delete-routes is given; then the routes that point at
  this host's ENI are deleted, and routes that point at the peer or elsewhere are never touched. The Elastic
  IP is not moved. Safe to run from a cluster manager's demotion hook; releasing twice is not an error.

  With a `cloudvip run` listening on the control socket, release hands the event to it and prints its
  answer; with --delete-routes or --dry-run it always acts itself (the daemon never deletes routes).

EXIT STATUS
  0  released (and with --delete-routes, no route points here any more)
  1  something failed; the table says what
  2  wrong usage or configuration: nothing was called

EXAMPLES
  cloudvip release --vip iris
  cloudvip release --delete-routes              # also remove this host's routes (planned shutdown)
)HELP";
}

std::string_view footer_status() {
  return R"HELP(
DESCRIPTION
  Reads, changes nothing: where each route table's VIP route points (this host, the peer, missing, another
  target), whether the VIP is on the local interface and where the Elastic IP is. Meant for monitoring and
  for cluster managers' monitor actions. With a `cloudvip run` listening on the control socket, status
  shows the daemon's view instead (the source's answer, the last reconcile, contested VIPs, each table).

EXIT STATUS
  0  this host holds every selected VIP everywhere (all routes point here and are active)
  3  it does not (some route points elsewhere, is missing or blackholed, or the VIP is not local)
  1  something could not be read
  2  wrong usage or configuration: nothing was called

EXAMPLES
  cloudvip status
  cloudvip status --vip iris --json | jq .owned
)HELP";
}

std::string_view footer_check() {
  return R"HELP(
DESCRIPTION
  Verifies, before a failover needs it, everything a failover will need, and prints one line per check with
  the fix for each problem: instance metadata (IMDSv2), credentials, the clock, the interface, the identity,
  where the VIP sits in the VPC (overlay or an in-VPC subnet of its own, empty of other ENIs), the route
  tables (in this VPC, covering the client subnets), the source/destination check of the ENI, and IAM (a
  DryRun of every write a failover makes). Changes nothing, except with --fix.

OPTIONS
  --fix   turn the source/destination check off on this host's ENI where it is on (the VIP's packets are
          dropped while it is on); needs ec2:ModifyNetworkInterfaceAttribute (cloudvip policy --allow-fix)

EXIT STATUS
  0  nothing failed (warnings allowed)
  1  at least one check failed
  2  wrong usage or configuration: nothing was called

EXAMPLES
  cloudvip check
  cloudvip check --fix --json
)HELP";
}

std::string_view footer_policy() {
  return R"HELP(
DESCRIPTION
  Prints the least-privilege IAM policy (JSON) for the selected VIPs, for the instance role of both members:
  the route writes on the configured route tables only, AssociateAddress on the configured Elastic IPs only,
  and the reads, which IAM cannot narrow by resource. The account id comes from --account or the instance
  identity document (IMDS), the region as for every command. The same configuration gives the same bytes,
  so the output can be kept in version control.

EXIT STATUS
  0  printed
  1  the account, region or VPC could not be learnt (IMDS unreachable: give --account and --region)
  2  wrong usage or configuration: nothing was called

EXAMPLES
  cloudvip policy > cloudvip-policy.json
  cloudvip policy --account 123456789012 --region eu-west-1 --allow-fix
  aws iam put-role-policy --role-name cloudvip --policy-name cloudvip \
    --policy-document "$(cloudvip policy)"
)HELP";
}

std::string_view footer_notify() {
  return R"HELP(
DESCRIPTION
  Tells the `cloudvip run` on this host that this host's role is now ROLE (primary or standby) and returns
  at once, without waiting for the routes to move: for hooks that must not block (Patroni kills slow
  callbacks; IRIS retries its hooks). The daemon then acts as on any leadership change: a primary points
  every route table at this host, a standby takes the VIP off the local interface. With no daemon on the
  control socket notify fails, unless --fallback is given: then it acts here as acquire (primary) or
  release (standby, the local address only) would, within --timeout, and prints their report. A daemon
  that is there but does not answer is never a reason to act here: it may be acting.

ARGUMENTS
  ROLE    primary or standby

EXIT STATUS
  0  the daemon took the event (it acts on it in the background; cloudvip status shows the outcome), or,
     with --fallback and no daemon, the acquire or release succeeded
  1  no cloudvip run listens on the control socket (without --fallback), it did not take the event, or the
     fallback acquire or release failed
  2  wrong usage or configuration: nothing was sent

EXAMPLES
  cloudvip notify primary                       # in a promotion hook, with cloudvip run active
  cloudvip notify standby --vip iris
  cloudvip notify primary --fallback --timeout 10   # IRIS's ^ZMIRROR: the daemon if it runs, else acquire
)HELP";
}

}  // namespace cloudvip::cli::help
