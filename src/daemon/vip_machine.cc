#include "daemon/vip_machine.h"

#include <algorithm>
#include <chrono>

#include "vip/engine.h"

namespace cloudvip {
namespace {

RouteSeen ours(const std::string& eni) {
  RouteSeen seen;
  seen.owner = RouteOwner::this_host;
  seen.network_interface_id = eni;
  seen.state = "active";
  return seen;
}

std::string describe(const RouteSeen& seen) {
  switch (seen.owner) {
    case RouteOwner::missing:
      return "no route";
    case RouteOwner::this_host:
      return "this host (" + seen.state + ")";
    case RouteOwner::peer:
      return seen.network_interface_id + (seen.instance_id.empty() ? "" : " (" + seen.instance_id + ")");
    case RouteOwner::other_target:
      break;
  }
  return (seen.other_target.empty() ? std::string("another target") : seen.other_target);
}

// (Not leader/source.h's to_string: this file needs nothing of the sources' code.)
std::string_view role_name(Role role) {
  switch (role) {
    case Role::primary:
      return "primary";
    case Role::standby:
      return "standby";
    case Role::unknown:
      break;
  }
  return "unknown";
}

double seconds(Millis d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

std::string_view to_string(VipPhase phase) {
  switch (phase) {
    case VipPhase::frozen:
      return "frozen";
    case VipPhase::standby:
      return "standby";
    case VipPhase::holding_down:
      return "holding-down";
    case VipPhase::primary:
      return "primary";
    case VipPhase::contested:
      return "contested";
  }
  return "?";
}

VipMachine::VipMachine(VipTarget target, const ReconcilerOptions& options, Metrics& metrics, Logger& log)
    : m_target(std::move(target)), m_options(options), m_metrics(metrics), m_log(log) {
  m_answer.why = "no answer yet";
  // Explicit ids are known before the first read, so a claim can write at once even if no read answered.
  if (const auto* ids = std::get_if<ExplicitRouteTables>(&m_target.tables)) {
    for (const std::string& id : ids->ids) {
      m_tables[id].knowledge.id = id;
      m_order.push_back(id);
    }
  }
  m_metrics.set("cloudvip_is_primary", {{"vip", m_target.name}}, 0);
  m_metrics.set("cloudvip_contested", {{"vip", m_target.name}}, 0);
  m_metrics.set("cloudvip_leader_source_up", {{"vip", m_target.name}, {"source", m_target.source}}, 0);
}

void VipMachine::on_answer(const LeaderAnswer& answer, TimePoint now) {
  Role before = m_answer.role;
  bool changed = !(answer == m_answer);
  m_answer = answer;
  m_metrics.set("cloudvip_leader_source_up", {{"vip", m_target.name}, {"source", m_target.source}},
                answer.role == Role::unknown ? 0 : 1);
  if (answer.role == before) {
    if (changed) {
      m_log.debug("vip {}: source still says {} ({})", m_target.name, role_name(answer.role), answer.why);
    }
    return;
  }
  m_log.info("vip {}: source says {} ({}), was {}", m_target.name, role_name(answer.role), answer.why,
             role_name(before));
  if (m_contested) {
    m_log.info("vip {}: the answer changed, so the contested VIP is tried again", m_target.name);
    m_contested = false;
    m_metrics.set("cloudvip_contested", {{"vip", m_target.name}}, 0);
  }
  for (auto& [id, table] : m_tables) {
    table.takes.clear();  // a new answer starts a new fight window
    table.knowledge.recent_takes = 0;
  }
  switch (answer.role) {
    case Role::unknown:
      m_metrics.add("cloudvip_frozen_total", {{"vip", m_target.name}});
      m_log.warn("vip {}: source cannot tell ({}): frozen, nothing is written or removed until it can",
                 m_target.name, answer.why);
      break;
    case Role::standby:
      m_signal.reset();
      if (m_claimed) {
        m_claimed = false;
        m_metrics.add("cloudvip_leadership_transitions_total", {{"vip", m_target.name}});
        m_metrics.set("cloudvip_is_primary", {{"vip", m_target.name}}, 0);
        m_log.info("vip {}: no longer primary: routes are left to the new primary", m_target.name);
      }
      break;
    case Role::primary:
      if (!m_claimed) {
        m_primary_since = now;
        m_signal = now;
      }
      break;
  }
  update(now);
}

void VipMachine::update(TimePoint now) {
  if (m_answer.role == Role::primary && !m_claimed && now - m_primary_since >= m_target.hold_down) {
    claim();
  }
  if (m_contested && now >= m_contested_until) {
    m_contested = false;
    m_metrics.set("cloudvip_contested", {{"vip", m_target.name}}, 0);
    m_log.warn("vip {}: contested pause over: writing again", m_target.name);
  }
  if (m_contest_level > 0 && !m_contested && now - m_last_take >= m_options.max_contested_backoff) {
    m_contest_level = 0;  // quiet for the longest pause: the next fight starts from the first back-off
  }
}

void VipMachine::claim() {
  m_claimed = true;
  m_metrics.add("cloudvip_leadership_transitions_total", {{"vip", m_target.name}});
  m_metrics.set("cloudvip_is_primary", {{"vip", m_target.name}}, 1);
  m_log.info("vip {}: primary{}: pointing every route table at {}", m_target.name,
             m_target.hold_down.count() > 0 ? " for the whole hold-down" : "", m_target.eni);
}

void VipMachine::contest(const std::string& table, TimePoint now) {
  Millis backoff = m_options.contested_backoff;
  for (int i = 0; i < m_contest_level && backoff < m_options.max_contested_backoff; ++i) {
    backoff *= 2;
  }
  backoff = std::min(backoff, m_options.max_contested_backoff);
  ++m_contest_level;
  m_contested = true;
  m_contested_until = now + backoff;
  m_metrics.set("cloudvip_contested", {{"vip", m_target.name}}, 1);
  m_log.error(
      "vip {}: CONTESTED: route table {} was taken from this host more than {} times in {} s; another "
      "member also believes it is primary. Not writing for {} s (or until the source's answer changes)",
      m_target.name, table, m_options.fight_takes, seconds(m_options.fight_window), seconds(backoff));
}

void VipMachine::on_observed(const std::map<std::string, std::optional<VipRoute>>& tables,
                             TimePoint read_started, TimePoint now) {
  m_read_error.reset();
  m_last_observed = now;
  std::vector<std::string> order;
  for (const auto& [id, route] : tables) {
    order.push_back(id);
  }
  // Keep the configured order for explicit ids; otherwise the cloud's (sorted) order.
  if (std::holds_alternative<ExplicitRouteTables>(m_target.tables)) {
    order = m_order;
  }
  for (auto it = m_tables.begin(); it != m_tables.end();) {
    it = tables.contains(it->first) ? std::next(it) : m_tables.erase(it);
  }
  for (const auto& [id, route] : tables) {
    Table& table = m_tables[id];
    table.knowledge.id = id;
    RouteSeen seen = classify_route(route, m_target.eni);
    TableKnowledge& k = table.knowledge;
    if (k.known && k.seen.ours_and_active() && read_started < k.known_at + m_options.consistency_grace &&
        !seen.ours_and_active()) {
      continue;  // our own write is newer than what this read could see
    }
    bool taken = false;
    if (m_claimed && k.known && k.seen.ours_and_active() && !seen.ours_and_active()) {
      table.drifted = true;
      if (seen.owner != RouteOwner::this_host) {
        table.takes.push_back(now);
        m_last_take = now;
        taken = true;
      }
      if (m_answer.role == Role::primary) {
        m_log.warn("vip {}: route table {} now points at {}: repairing", m_target.name, id, describe(seen));
      }
    }
    while (!table.takes.empty() && now - table.takes.front() > m_options.fight_window) {
      table.takes.pop_front();
    }
    k.recent_takes = static_cast<int>(table.takes.size());
    k.seen = seen;
    k.known = true;
    k.known_at = read_started;
    if (taken && !m_contested && k.recent_takes > m_options.fight_takes) {
      contest(id, now);
    }
  }
  m_order = order;
}

void VipMachine::on_read_failed(const Error& error) {
  m_read_error = error;
}

VipPhase VipMachine::phase() const {
  switch (m_answer.role) {
    case Role::unknown:
      return VipPhase::frozen;
    case Role::standby:
      return VipPhase::standby;
    case Role::primary:
      break;
  }
  if (!m_claimed) {
    return VipPhase::holding_down;
  }
  return m_contested ? VipPhase::contested : VipPhase::primary;
}

std::vector<RouteChange> VipMachine::plan(TimePoint now) const {
  std::vector<RouteChange> changes;
  if (phase() != VipPhase::primary) {
    return changes;
  }
  for (const std::string& id : m_order) {
    auto it = m_tables.find(id);
    if (it == m_tables.end()) {
      continue;
    }
    const Table& table = it->second;
    if (table.knowledge.seen.ours_and_active() || now < table.retry_at) {
      continue;
    }
    bool exists = !table.knowledge.known || table.knowledge.seen.owner != RouteOwner::missing;
    changes.push_back(RouteChange{id, m_target.destination, m_target.eni, exists});
  }
  return changes;
}

void VipMachine::on_written(const RouteChange& change, const Result<Applied>& result, TimePoint now) {
  auto it = m_tables.find(change.route_table_id);
  if (it == m_tables.end()) {
    return;
  }
  Table& table = it->second;
  m_metrics.add(
      "cloudvip_route_writes_total",
      {{"vip", m_target.name}, {"route_table", change.route_table_id}, {"result", result ? "ok" : "error"}});
  if (!result) {
    table.knowledge.last_error = result.error();
    table.retry_delay = table.retry_delay.count() == 0 ? m_options.write_retry
                                                       : std::min(table.retry_delay * 2, m_options.interval);
    table.retry_at = now + table.retry_delay;
    m_log.warn("vip {}: route table {}: {} (next try in {} ms)", m_target.name, change.route_table_id,
               result.error().to_string(), table.retry_delay.count());
    return;
  }
  if (table.drifted) {
    m_metrics.add("cloudvip_drift_repairs_total", {{"vip", m_target.name}});
    table.drifted = false;
  }
  table.knowledge.last_error.reset();
  table.knowledge.seen = ours(m_target.eni);
  table.knowledge.known = true;
  table.knowledge.known_at = now;
  table.retry_delay = Millis(0);
  table.retry_at = TimePoint{};
}

std::optional<bool> VipMachine::local_address_wanted() const {
  if (!m_target.local) {
    return std::nullopt;
  }
  switch (phase()) {
    case VipPhase::primary:
    case VipPhase::contested:
      return true;
    case VipPhase::standby:
      return false;
    case VipPhase::frozen:
    case VipPhase::holding_down:
      break;
  }
  return std::nullopt;
}

std::optional<Millis> VipMachine::take_failover(TimePoint now) {
  if (!m_signal || !m_claimed || m_tables.empty()) {
    return std::nullopt;
  }
  for (const auto& [id, table] : m_tables) {
    if (!table.knowledge.seen.ours_and_active()) {
      return std::nullopt;
    }
  }
  Millis took = std::chrono::duration_cast<Millis>(now - *m_signal);
  m_signal.reset();
  m_metrics.observe("cloudvip_failover_seconds", {}, seconds(took));
  m_log.info("vip {}: every route table ({}) points at {}, {} ms after the leader signal", m_target.name,
             m_tables.size(), m_target.eni, took.count());
  return took;
}

bool VipMachine::expire_failover(TimePoint now, Millis budget) {
  if (!m_signal || now < *m_signal + budget) {
    return false;
  }
  size_t ours = 0;
  for (const auto& [id, table] : m_tables) {
    ours += table.knowledge.seen.ours_and_active() ? 1 : 0;
  }
  Millis took = std::chrono::duration_cast<Millis>(now - *m_signal);
  m_signal.reset();
  m_metrics.add("cloudvip_failover_timeouts_total", {{"vip", m_target.name}});
  m_log.error(
      "vip {}: failover not complete {} ms after the leader signal ([daemon] failover_timeout = {} ms): {} "
      "of {} "
      "route tables point at {}; the rest is retried every interval with the standard bounded retries",
      m_target.name, took.count(), budget.count(), ours, m_tables.size(), m_target.eni);
  return true;
}

TimePoint VipMachine::next_due() const {
  TimePoint due = TimePoint::max();
  if (m_answer.role == Role::primary && !m_claimed) {
    due = std::min(due, m_primary_since + m_target.hold_down);
  }
  if (m_contested) {
    due = std::min(due, m_contested_until);
  }
  if (phase() == VipPhase::primary) {
    for (const auto& [id, table] : m_tables) {
      if (!table.knowledge.seen.ours_and_active() && table.retry_at != TimePoint{}) {
        due = std::min(due, table.retry_at);
      }
    }
  }
  return due;
}

const TableKnowledge* VipMachine::table(const std::string& id) const {
  auto it = m_tables.find(id);
  return it == m_tables.end() ? nullptr : &it->second.knowledge;
}

VipStatus VipMachine::status() const {
  VipStatus status{
      m_target,        m_answer,     phase(), m_claimed, m_contested ? m_contested_until : TimePoint{},
      m_last_observed, m_read_error, {}};
  for (const std::string& id : m_order) {
    if (auto it = m_tables.find(id); it != m_tables.end()) {
      status.tables.push_back(it->second.knowledge);
    }
  }
  return status;
}

}  // namespace cloudvip
