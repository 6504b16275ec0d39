// The daemon's reconcile loop for every VIP at once: one read of all their route tables per interval (one
// DescribeRouteTables, whatever the number of VIPs), one concurrent round of writes for whatever the VIPs'
// state machines (vip_machine.h) ask for, and the local addresses. On a leadership change the writes leave
// first, planned from the last view, and the read follows: no read stands between the leader signal and the
// writes when the last view already says the peer holds the tables.
//
// No threads and no waiting here: the caller (Daemon) calls tick() when it is due or when an answer arrived,
// so every rule is tested on a FakeClock with FakeCloud and FakeAddressTable. Safe to use from one thread at
// a time.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "daemon/metrics.h"
#include "daemon/retry_budget.h"
#include "daemon/vip_machine.h"
#include "netlink/address_table.h"
#include "vip/cloud.h"

namespace cloudvip {

// One route write of a tick: which VIP, which table, what it held before, what EC2 answered.
struct TableWrite {
  std::string vip;
  std::string route_table;
  RouteSeen before;
  bool exists = true;  // the write was a ReplaceRoute (else CreateRoute first)
  std::optional<Error> error;
};

// What one tick did, for logs, tests and the control socket's answers.
struct TickReport {
  bool observed = false;  // a read answered
  std::optional<Error> read_error;
  size_t writes = 0;  // route writes sent
  size_t write_errors = 0;
  std::vector<TableWrite> written;
  std::optional<TimePoint> retried_until;  // the tick's calls ran under this failover budget (retry_budget.h)
  size_t failovers_expired = 0;            // takeovers whose failover_timeout ran out in this tick
};

// Declares the families the reconciler uses beyond declare_daemon_metrics (metrics.h):
//   cloudvip_frozen_total{vip}              counter: times the source's answer turned unknown (the VIP froze)
//   cloudvip_failover_timeouts_total{vip}   counter: takeovers still incomplete after [daemon]
//   failover_timeout
void declare_reconciler_metrics(Metrics& metrics);

class Reconciler {
 public:
  // Keeps references: every collaborator must outlive the Reconciler. `uniform01` is the jitter source
  // (values in [0, 1)); empty: a random one.
  Reconciler(Cloud& cloud, AddressTable& addresses, Clock& clock, Metrics& metrics, Logger& log,
             ReconcilerOptions options, std::function<double()> uniform01 = {});

  // The VIPs to run, all in `vpc_id` (the instance's VPC). A VIP whose target is unchanged keeps its state
  // (answer, claim, view, fight record); others start afresh. Asks for a read at the next tick.
  void set_vips(const std::string& vpc_id, std::vector<VipTarget> vips);

  // A leader source's answer for VIP `vip` (unknown names are ignored). Call tick() afterwards: the writes
  // that the answer calls for leave then.
  void on_answer(const std::string& vip, const LeaderAnswer& answer);

  // Where the per-failover budget takes effect (the EC2 client's failover mode). While a VIP's takeover is
  // in progress (its answer turned primary, not every table ours yet), the tick's calls, the writes, the
  // reads that decide them and the verifying read, retry retryable errors until failover_timeout after
  // that VIP's leader signal (the latest such end when several VIPs are taking over: one call carries all
  // their writes); every other tick runs with the standard bounded retries, so a dead API cannot stall the
  // loop. A takeover still incomplete at its budget's end is reported (VipMachine::expire_failover) and left
  // to the periodic reconcile. Null (the default): no budget, every call has the standard retries. The
  // budget must outlive the Reconciler.
  void set_retry_budget(RetryBudget* budget) { m_budget = budget; }

  // Makes the next tick read the tables first.
  void request_observe() { m_observe_now = true; }

  // Does what is due: writes planned from the last view, the read when due, the writes that read calls for
  // (drift repair), the local addresses, the metrics. Returns the time of the next tick.
  TimePoint tick(TickReport* report = nullptr);

  std::vector<VipStatus> status() const;
  const ReconcilerOptions& options() const { return m_options; }

 private:
  // One point_routes for every VIP's plan; false when nothing was due.
  bool write_round(TickReport& report);
  void observe(TickReport& report);
  void apply_local_addresses();
  Millis jittered_interval();
  // The end of the budget of the takeovers in progress at `now`; nullopt when there is none.
  std::optional<TimePoint> failover_deadline(TimePoint now) const;
  std::map<std::string, std::optional<VipRoute>> select(const VipTarget& target,
                                                        const std::vector<RouteTableRoutes>& tables) const;

  Cloud& m_cloud;
  AddressTable& m_addresses;
  Clock& m_clock;
  Metrics& m_metrics;
  Logger& m_log;
  ReconcilerOptions m_options;
  std::function<double()> m_uniform01;
  RetryBudget* m_budget = nullptr;
  std::string m_vpc_id;
  std::vector<VipMachine> m_vips;
  std::map<std::string, std::optional<bool>> m_local;  // vip -> what was last done to its address
  bool m_observe_now = true;
  bool m_reread_after_change = false;       // the read after a leadership change is followed by one more
  std::optional<TimePoint> m_verify_until;  // a completed takeover's budget, for the read that verifies it
  TimePoint m_next_observe{};
  std::string m_last_read_error;  // logged once per streak
};

}  // namespace cloudvip
