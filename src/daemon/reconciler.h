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
};

// Declares the families the reconciler uses beyond declare_daemon_metrics (metrics.h):
//   cloudvip_frozen_total{vip}   counter: times the source's answer turned unknown (the VIP froze)
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
  std::map<std::string, std::optional<VipRoute>> select(const VipTarget& target,
                                                        const std::vector<RouteTableRoutes>& tables) const;

  Cloud& m_cloud;
  AddressTable& m_addresses;
  Clock& m_clock;
  Metrics& m_metrics;
  Logger& m_log;
  ReconcilerOptions m_options;
  std::function<double()> m_uniform01;
  std::string m_vpc_id;
  std::vector<VipMachine> m_vips;
  std::map<std::string, std::optional<bool>> m_local;  // vip -> what was last done to its address
  bool m_observe_now = true;
  TimePoint m_next_observe{};
  std::string m_last_read_error;  // logged once per streak
};

}  // namespace cloudvip
