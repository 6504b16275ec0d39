// One VIP of `cloudvip run` as a state machine: what the leader source says, what the route tables were last
// seen (or written) to hold, and from those alone what must be written now. No I/O: the Reconciler
// (reconciler.h) reads the tables, writes the routes and moves the local address; this class only decides,
// so every rule of docs/daemon.md is a unit test on a FakeClock. The rules, each from an incident of
// ../shared/daemon-notes.md:
//   - only a claimed primary writes, and only ReplaceRoute/CreateRoute, and only for tables whose route is
//     not ours and active;
//   - an unknown answer freezes: no write, no address change, no flip (vip-manager #411);
//   - a claim needs a positive answer, held for hold_down (kube-vip's lease wait);
//   - drift (a table of ours taken, blackhole or gone) is repaired at once (keepalived #950);
//   - a table taken more than `fight_takes` times in `fight_window` makes the VIP contested: no writes until
//   a
//     back-off (doubling up to max_contested_backoff) passes or the answer changes (vip-manager #336).
// Safe to use from one thread at a time.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "daemon/metrics.h"
#include "leader/source.h"
#include "netlink/address_table.h"
#include "vip/cloud.h"
#include "vip/config.h"
#include "vip/report.h"

namespace cloudvip {

struct ReconcilerOptions {
  Millis interval{5000};  // observe every table this often, jittered by ±jitter/2
  double jitter = 0.2;
  int fight_takes = 3;                   // a table taken from us more than this many times...
  Millis fight_window{60000};            // ...within this long is a fight
  Millis contested_backoff{60000};       // the first pause of a contested VIP; doubles each time
  Millis max_contested_backoff{600000};  // the longest pause (10 min)
  Millis write_retry{500};               // first retry of a failed write; doubles up to `interval`
  Millis consistency_grace{1000};        // a read this soon after our own write may be stale: not trusted
                                         // for that table (EC2 reads are eventually consistent)
  Millis failover_timeout{10000};        // [daemon] failover_timeout: a takeover's calls retry retryable
                                         // errors until this long after the leader signal
};

// A VIP as the daemon runs it, resolved at start (identity, destination) from its VipSpec.
struct VipTarget {
  std::string name;
  Ipv4Address address;
  Cidr destination;  // the routed CIDR (route_destination.h)
  std::string eni;   // our ENI: the route target
  RouteTablesSetting tables = WholeVpcRouteTables{};
  std::optional<AddressSpec> local;  // held on the interface while primary; nullopt: local_address = false
  Millis hold_down{0};
  std::string source;  // the leader source's kind, for status and metrics

  friend bool operator==(const VipTarget&, const VipTarget&) = default;
};

enum class VipPhase {
  frozen,        // the source answers unknown: nothing changes
  standby,       // the source says standby: no writes; the local address comes off
  holding_down,  // primary, but not for hold_down yet
  primary,       // claimed: writes what is not ours
  contested,     // claimed, but fighting: no writes until the back-off passes or the answer changes
};
std::string_view to_string(VipPhase phase);

// What the daemon knows of one route table of a VIP.
struct TableKnowledge {
  std::string id;
  RouteSeen seen;                   // as last read or written
  bool known = false;               // false: never read nor written (an id from the config, not yet seen)
  TimePoint known_at{};             // when `seen` became true (read start, or our write's answer)
  int recent_takes = 0;             // taken from us within the fight window
  std::optional<Error> last_error;  // the last write's, cleared by a success
};

struct VipStatus {
  VipTarget target;
  LeaderAnswer answer;
  VipPhase phase = VipPhase::frozen;
  bool claimed = false;
  TimePoint contested_until{};
  TimePoint last_observed{};             // the last read that answered
  std::optional<Error> last_read_error;  // since the last read that answered
  std::vector<TableKnowledge> tables;
};

class VipMachine {
 public:
  // Keeps references: metrics and log must outlive the machine.
  VipMachine(VipTarget target, const ReconcilerOptions& options, Metrics& metrics, Logger& log);

  const VipTarget& target() const { return m_target; }

  // The source's answer (also when equal to the last one: idempotent).
  void on_answer(const LeaderAnswer& answer, TimePoint now);
  // Moves time-based states on: the claim after hold-down, the end of a contested pause.
  void update(TimePoint now);

  // A read of this VIP's tables (the selected ones; nullopt route: none for the destination) that started at
  // `read_started`. Tables the selection no longer has are forgotten.
  void on_observed(const std::map<std::string, std::optional<VipRoute>>& tables, TimePoint read_started,
                   TimePoint now);
  void on_read_failed(const Error& error);

  // The routes to write now: empty unless claimed, not contested and not frozen.
  std::vector<RouteChange> plan(TimePoint now) const;
  // The answer to one change plan() asked for.
  void on_written(const RouteChange& change, const Result<Applied>& result, TimePoint now);

  // true: the VIP belongs on the interface; false: it must come off; nullopt: leave it as it is.
  std::optional<bool> local_address_wanted() const;

  // Once per claim, when every table is ours and active: how long since the leader signal.
  std::optional<Millis> take_failover(TimePoint now);
  // The leader signal of the takeover in progress (the answer turned primary, not every table ours yet);
  // nullopt when none is.
  std::optional<TimePoint> failover_signal() const { return m_signal; }
  // When the takeover in progress is still incomplete `budget` after its leader signal: logs it (naming
  // failover_timeout), counts it in cloudvip_failover_timeouts_total{vip} and ends the takeover, so that what
  // is still not ours is left to the standard bounded retries of the periodic reconcile. True when it did.
  bool expire_failover(TimePoint now, Millis budget);

  VipPhase phase() const;
  bool claimed() const { return m_claimed; }
  // The earliest time something is due (hold-down end, contested pause end, a write retry); max() if none.
  TimePoint next_due() const;
  VipStatus status() const;
  // What is known of table `id`; nullptr when the VIP has no such table.
  const TableKnowledge* table(const std::string& id) const;

 private:
  struct Table {
    TableKnowledge knowledge;
    std::deque<TimePoint> takes;
    bool drifted = false;  // was ours, then seen otherwise: the next write is a repair
    TimePoint retry_at{};  // no write before this (after a failed one)
    Millis retry_delay{0};
  };

  void claim();
  void contest(const std::string& table, TimePoint now);

  VipTarget m_target;
  ReconcilerOptions m_options;
  Metrics& m_metrics;
  Logger& m_log;
  LeaderAnswer m_answer;  // "no answer yet" until the source speaks
  bool m_claimed = false;
  TimePoint m_primary_since{};        // when the answer turned primary
  std::optional<TimePoint> m_signal;  // the leader signal of the claim in progress (failover timing)
  bool m_contested = false;
  TimePoint m_contested_until{};
  int m_contest_level = 0;  // back-offs so far: contested_backoff * 2^level
  TimePoint m_last_take{};
  TimePoint m_last_observed{};
  std::optional<Error> m_read_error;
  std::map<std::string, Table> m_tables;
  std::vector<std::string> m_order;  // table ids in the order the cloud (or the config) lists them
};

}  // namespace cloudvip
