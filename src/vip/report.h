// What acquire, release and status did or found for one VIP, and the two ways to show it: an aligned table a
// person can scan, and JSON for machines (--json). Plain values: the Engine fills them, the CLI prints them.
// Nothing in a report is secret (ids, addresses, AWS error codes and request ids); credentials never reach
// it.
//
// JSON keys (stable; absent optional values are null, never missing):
//   every report   "command" ("acquire" | "release" | "status"), "vip" (name), "address", "mode" ("route" |
//                  "secondary-ip"), "dry_run", "interface", "instance_id", "network_interface_id",
//                  "destination" (the routed CIDR, or null), "route_tables" (list, below), "local_address",
//                  "error" (what stopped the command before or outside the per-table work, or null),
//                  "exit_code", "summary", "timings_ms" {"identity", "read", "apply", "verify", "total"}
//   acquire        "elastic_ip", "secondary_ip"
//   release        "delete_routes"
//   status         "elastic_ip", "secondary_ip", "owned" (this host holds the VIP everywhere)
//   route table    "id", "main", "before" (acquire, release) / "route" (status): a route object, "action"
//                  (acquire, release: a RouteAction name), "after" (acquire: a route object as verification
//                  read it, or null), "verified" ("yes" | "no" | "skipped"), "error", "note";
//                  acquire also "written_first" (true: "before" is the remembered view, the route was
//                  written without a read first)
//   route object   "owner" ("this-host" | "peer" | "missing" | "other-target"), "network_interface_id",
//                  "instance_id", "other_target", "state" (e.g. "active", "blackhole"; "" when missing)
//   local_address  "interface", "address", "label" (or null), "outcome" (a LocalAddressOutcome name), "error"
//   elastic_ip     "allocation_id" ("" when none is configured), "public_ip", "network_interface_id" and
//                  "instance_id" (where it was before, for status where it is), "outcome", "error"
//   secondary_ip   null outside mode secondary-ip; else "outcome", "error", "note"
//   error          {"code", "message", "aws_code", "aws_message", "request_id", "http_status"} or null
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/cidr.h"
#include "common/clock.h"
#include "common/error.h"
#include "vip/config.h"

namespace cloudvip {

// Who a route table's route for the VIP's destination points at, seen from this host.
enum class RouteOwner {
  this_host,     // our ENI
  peer,          // another ENI (normally the other member of the pair)
  missing,       // no route for the destination
  other_target,  // a gateway, NAT, peering connection...: not an ENI
};

struct RouteSeen {
  RouteOwner owner = RouteOwner::missing;
  std::string network_interface_id;
  std::string instance_id;
  std::string other_target;
  std::string state;  // "active" | "blackhole" | ...; empty when missing

  // Our ENI with state active: the only state in which traffic for the VIP reaches this host.
  bool ours_and_active() const { return owner == RouteOwner::this_host && state == "active"; }
};

enum class RouteAction {
  unchanged,     // acquire: already ours and active, nothing sent
  replaced,      // acquire: an existing route re-pointed at our ENI
  created,       // acquire: the route was missing and now exists
  would_change,  // acquire dry run: the cloud says we may change it
  failed,        // the change (or deletion) was refused or not answered; see error
  deleted,       // release --delete-routes: our route removed
  would_delete,  // release dry run: the cloud says we may delete it
  left,          // release: the route is not ours (peer, other target), so it was left alone
  absent,        // release: there was no route to delete
};

enum class Verified { yes, no, skipped };

struct RouteTableReport {
  std::string id;
  bool main = false;
  RouteSeen before;  // status: the route as it is now
  // acquire: `before` is the remembered view, not a reading; the route was written without a read first.
  bool written_first = false;
  RouteAction action = RouteAction::unchanged;
  std::optional<RouteSeen> after;  // acquire: what verification read; nullopt when not read
  Verified verified = Verified::skipped;
  std::optional<Error> error;
  std::string note;
};

enum class LocalAddressOutcome {
  added,         // acquire: put on the interface now
  present,       // acquire/status: already there
  removed,       // release: taken off now
  absent,        // release/status: not there
  would_add,     // acquire dry run: not there, would be added
  would_remove,  // release dry run: there, would be removed
  skipped,       // local_address = false: something else manages it
  failed,        // see error
};

struct LocalAddressReport {
  std::string interface;
  Ipv4Address address;
  std::optional<std::string> label;
  LocalAddressOutcome outcome = LocalAddressOutcome::skipped;
  std::optional<Error> error;
};

enum class ElasticIpOutcome {
  not_configured,   // no elastic_ip in the configuration
  ours,             // already associated with our ENI (acquire: nothing sent)
  associated,       // acquire: moved to our ENI now
  would_associate,  // acquire dry run: the cloud says we may associate it
  elsewhere,        // status: associated with another ENI
  unassociated,     // status: associated with nothing
  failed,           // see error
};

struct ElasticIpReport {
  std::string allocation_id;  // empty when not configured
  std::string public_ip;
  std::string network_interface_id;  // acquire: where it was before; status: where it is
  std::string instance_id;
  ElasticIpOutcome outcome = ElasticIpOutcome::not_configured;
  std::optional<Error> error;
};

// mode = "secondary-ip": the VIP as a secondary private IP of our ENI.
enum class SecondaryIpOutcome {
  assigned,      // acquire: moved to our ENI now
  would_assign,  // acquire dry run (AssignPrivateIpAddresses has no DryRun: permission not checked)
  ours,          // status: on our ENI
  not_ours,      // status: not on our ENI
  failed,        // see error
};

struct SecondaryIpReport {
  SecondaryIpOutcome outcome = SecondaryIpOutcome::failed;
  std::optional<Error> error;
  std::string note;
};

// Phases measured on the Engine's Clock; zero for a phase that did not run.
struct Timings {
  Millis identity{0};  // interface, MAC, identity and (in-VPC VIPs) subnets
  Millis read{0};      // the one route-table read
  Millis apply{0};     // routes, local address and Elastic IP, concurrently
  Millis verify{0};    // the verification read
  Millis total{0};
};

// What every report starts with: which VIP, where, as whom.
struct VipContext {
  std::string vip_name;
  Ipv4Address address;
  VipMode mode = VipMode::route;
  bool dry_run = false;
  std::string interface;             // empty when it could not be resolved
  std::string instance_id;           // empty when identity failed (or was not needed)
  std::string network_interface_id;  // our ENI
  std::optional<Cidr> destination;   // the routed CIDR (mode route)
};

// Exit codes: 0 done and (unless --no-verify or a dry run) verified; 1 any failure, also of one table; 2 the
// configuration is wrong for this VPC (error.code == config, e.g. an in-VPC VIP without its own subnet).
struct AcquireReport {
  VipContext context;
  std::vector<RouteTableReport> route_tables;  // in the order the cloud listed them
  std::optional<SecondaryIpReport> secondary_ip;
  LocalAddressReport local_address;
  ElasticIpReport elastic_ip;
  Timings timings;
  std::optional<Error> error;
  int exit_code = 0;
};

// Exit codes as for acquire. Routes are only read and touched with delete_routes.
struct ReleaseReport {
  VipContext context;
  bool delete_routes = false;
  std::vector<RouteTableReport> route_tables;
  LocalAddressReport local_address;
  Timings timings;
  std::optional<Error> error;
  int exit_code = 0;
};

// Exit codes: 0 this host holds the VIP everywhere (owned), 3 it does not, 1 something could not be read.
struct StatusReport {
  VipContext context;
  std::vector<RouteTableReport> route_tables;  // `before` is the route now; action/after unused
  std::optional<SecondaryIpReport> secondary_ip;
  LocalAddressReport local_address;
  ElasticIpReport elastic_ip;
  Timings timings;
  std::optional<Error> error;
  bool owned = false;
  int exit_code = 0;
};

// The names used in the table and in JSON: "this-host", "would-change", "would-add", "not-configured", ...
std::string_view to_string(RouteOwner owner);
std::string_view to_string(RouteAction action);
std::string_view to_string(Verified verified);
std::string_view to_string(LocalAddressOutcome outcome);
std::string_view to_string(ElasticIpOutcome outcome);
std::string_view to_string(SecondaryIpOutcome outcome);

// One line a person reads first, e.g. "acquired 192.168.100.10: 3 route tables -> eni-0a1 (this host),
// verified, 42 ms" or "FAILED to acquire 192.168.100.10: 1 of 3 route tables failed".
std::string summary(const AcquireReport& report);
std::string summary(const ReleaseReport& report);
std::string summary(const StatusReport& report);

// The aligned table (columns ROUTE TABLE, MAIN, BEFORE, ACTION, AFTER/VERIFIED, NOTE; status: ROUTE TABLE,
// MAIN, TARGET, STATE, OWNER, NOTE), then lines for the local address, the Elastic IP, the timings and the
// summary. Ends with a newline.
std::string render_table(const AcquireReport& report);
std::string render_table(const ReleaseReport& report);
std::string render_table(const StatusReport& report);

// Every field, under the keys documented above.
nlohmann::json to_json(const AcquireReport& report);
nlohmann::json to_json(const ReleaseReport& report);
nlohmann::json to_json(const StatusReport& report);

}  // namespace cloudvip
