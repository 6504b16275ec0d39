// The engine: for one VIP, plan (desired vs observed), apply (concurrently) and verify, and say per route
// table what happened. It owns no I/O: the cloud, the local address table, the clock and the log come in,
// so every rule below is unit-tested against FakeCloud, FakeAddressTable and FakeClock.
//
// acquire is the failover hot path: the identity (served from the boot-id cache in production), ONE route
// table read, ONE point_routes call for every table that needs it (sent concurrently by the Cloud), with
// the local address and the Elastic IP applied at the same time, then a verification read (repeated for
// tables that lag, until the deadline). It never deletes a route (that would open a window with no route)
// and writes nothing when everything already points at this host (confirmed by a second read, see below),
// so re-acquiring is idempotent.
//
// Write first when the view says so (issue 9): for named route tables, the Cloud's remembered view
// (Cloud::remembered_route_tables, the last reading or write, possibly of an earlier process) splits them.
// Those it says the peer holds get their ReplaceRoute at once, without a read (one round trip to the
// acknowledgement); the others (ours per the view, or unknown) are read at the same time and changed
// after, as above. A stale view costs at worst a redundant ReplaceRoute to the same target (a missing route
// is created by point_routes); a view that says ours leads to a read, so a repeated acquire still writes
// nothing. Tag and whole-VPC selectors, and dry runs, always read first.
//
// A read is not trusted to say "nothing to do" at once (issue 10, eventual consistency): a table it shows
// as ours is read once more after AcquireOptions::settle and written unless it is still ours, so a repeated
// acquire on the holder still writes nothing (it reads twice); and the verification reads lagging tables
// again until the deadline instead of failing on the first lagged answer.
#pragma once

#include "common/clock.h"
#include "common/log.h"
#include "netlink/address_table.h"
#include "vip/cloud.h"
#include "vip/config.h"
#include "vip/report.h"

namespace cloudvip {

struct AcquireOptions {
  bool verify = true;    // read the tables again after the change (skipped in a dry run)
  bool dry_run = false;  // ask the cloud whether we may (EC2 DryRun); change nothing, locally or remotely
  // EC2 reads are eventually consistent: a read just after the peer's takeover can still show the route on
  // our ENI. A table whose read says ours (and that nothing said the peer holds) is read again this much
  // later, and written unless that read still says ours; 0: the first read is trusted. See
  // docs/reliability.md ("A takeover does not trust a lagging read").
  Millis settle{1000};
  // The command's failover deadline (cli Wiring::failover_deadline). With it, the verification reads again
  // the tables that do not show our write yet until they do or the deadline passes, and a settle read that
  // could not end before it is replaced by the write. nullopt: one verification read.
  std::optional<TimePoint> deadline;
};

struct ReleaseOptions {
  bool delete_routes = false;  // also delete the routes that point at this host (never the peer's)
  bool dry_run = false;
};

// The Cloud's selector for the configuration's choice of route tables.
RouteTableSelector to_cloud_selector(const RouteTablesSetting& choice);

class Engine {
 public:
  // Keeps references: every collaborator must outlive the Engine. Safe to use from one thread at a time
  // (acquire starts and joins its own helper threads).
  Engine(Cloud& cloud, AddressTable& addresses, Clock& clock, Logger& log)
      : m_cloud(cloud), m_addresses(addresses), m_clock(clock), m_log(log) {}

  // Makes this host the holder of the VIP: routes -> our ENI (or the secondary IP onto our ENI), the VIP on
  // the local interface, the Elastic IP on our ENI. Never throws; every outcome is in the report.
  AcquireReport acquire(const VipSpec& spec, const AcquireOptions& options = {});

  // Gives the VIP up: takes it off the local interface; with delete_routes also deletes the routes that
  // point at our ENI (one read, then one delete_routes call). Never touches the peer's routes or the
  // Elastic IP.
  ReleaseReport release(const VipSpec& spec, const ReleaseOptions& options = {});

  // Reads, changes nothing: where each route points, whether the VIP is on the interface, where the Elastic
  // IP is.
  StatusReport status(const VipSpec& spec);

 private:
  // Who we are for `spec`: the interface (configured, else the default route's), its MAC, the identity;
  // with `need_destination` also the routed CIDR, calling cloud.subnets only for a VIP inside a VPC CIDR.
  // Fills in `context` as far as it gets.
  Result<Identity> resolve(const VipSpec& spec, bool need_destination, VipContext& context);
  Result<std::string> resolve_interface(const VipSpec& spec);

  // Route changes to send in one point_routes call, and the report row of each.
  struct RoutePlan {
    std::vector<RouteChange> changes;
    std::vector<size_t> rows;  // report.route_tables index of each change
  };

  void run_acquire(const VipSpec& spec, const Identity& identity, const AcquireOptions& options,
                   AcquireReport& report);
  // Named tables the remembered view says the peer holds go into `first` (rows added, written without a
  // read); returns the selector for what must still be read (the whole selector when the view is not used).
  RouteTableSelector split_by_view(const VipSpec& spec, const Identity& identity,
                                   const AcquireOptions& options, AcquireReport& report, RoutePlan& plan);
  // Rows for every table read; a change for every table whose route is not ours and active.
  void plan_from_view(const std::vector<RouteTableView>& tables, const std::string& eni,
                      AcquireReport& report, RoutePlan& plan);
  void apply_routes(const RoutePlan& plan, bool dry_run, AcquireReport& report);
  // Tables read as ours (settle above): read again after options.settle, written unless still ours.
  void settle_unchanged(const Identity& identity, const AcquireOptions& options, AcquireReport& report);
  void verify_routes(const Identity& identity, const AcquireOptions& options, AcquireReport& report);
  LocalAddressReport add_local_address(const VipSpec& spec, const std::string& interface, bool dry_run);
  ElasticIpReport move_elastic_ip(const std::string& allocation_id, const std::string& eni, bool dry_run);
  SecondaryIpReport assign_secondary_ip(const VipSpec& spec, const std::string& eni, bool dry_run);
  void delete_our_routes(const VipSpec& spec, const Identity& identity, bool dry_run, ReleaseReport& report);

  Millis since(TimePoint start) const;

  Cloud& m_cloud;
  AddressTable& m_addresses;
  Clock& m_clock;
  Logger& m_log;
};

// Classifies a route read from the cloud relative to our ENI.
RouteSeen classify_route(const std::optional<VipRoute>& route, const std::string& our_eni);

}  // namespace cloudvip
