#include "daemon/reconciler.h"

#include <algorithm>
#include <random>

#include "aws/retry.h"

namespace cloudvip {
namespace {

double seconds_between(TimePoint from, TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

void declare_reconciler_metrics(Metrics& metrics) {
  metrics.declare_counter("cloudvip_frozen_total",
                          "Times the leader source's answer turned unknown, freezing the VIP (no write, no "
                          "address change).");
  metrics.declare_counter("cloudvip_failover_timeouts_total",
                          "Takeovers whose route tables did not all point at this host within [daemon] "
                          "failover_timeout of the leader signal.");
}

Reconciler::Reconciler(Cloud& cloud, AddressTable& addresses, Clock& clock, Metrics& metrics, Logger& log,
                       ReconcilerOptions options, std::function<double()> uniform01)
    : m_cloud(cloud),
      m_addresses(addresses),
      m_clock(clock),
      m_metrics(metrics),
      m_log(log),
      m_options(options),
      m_uniform01(std::move(uniform01)) {
  if (!m_uniform01) {
    m_uniform01 = [engine = std::mt19937_64(jitter_seed())]() mutable {
      return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
  }
}

void Reconciler::set_vips(const std::string& vpc_id, std::vector<VipTarget> vips) {
  std::vector<VipMachine> next;
  for (VipTarget& target : vips) {
    auto kept = std::ranges::find_if(m_vips, [&](const VipMachine& m) { return m.target() == target; });
    if (kept != m_vips.end() && vpc_id == m_vpc_id) {
      next.push_back(std::move(*kept));
    } else {
      next.emplace_back(std::move(target), m_options, m_metrics, m_log);
    }
  }
  m_vips = std::move(next);
  m_vpc_id = vpc_id;
  std::erase_if(m_local, [&](const auto& entry) {
    return std::ranges::none_of(m_vips, [&](const VipMachine& m) { return m.target().name == entry.first; });
  });
  m_observe_now = true;
}

void Reconciler::on_answer(const std::string& vip, const LeaderAnswer& answer) {
  for (VipMachine& machine : m_vips) {
    if (machine.target().name == vip) {
      Role before = machine.status().answer.role;
      machine.on_answer(answer, m_clock.now());
      if (before != answer.role) {
        m_observe_now = true;  // at once on a leadership change (after the writes it calls for)
        // ...and once more after consistency_grace: EC2 reads are eventually consistent, and a read just
        // after the peer's takeover can still show the tables as ours (issue 10). A takeover must not
        // trust that one read until the next interval.
        m_reread_after_change = true;
      }
    }
  }
}

std::optional<TimePoint> Reconciler::failover_deadline(TimePoint now) const {
  std::optional<TimePoint> until;
  if (m_verify_until && *m_verify_until > now) {
    until = m_verify_until;
  }
  for (const VipMachine& machine : m_vips) {
    if (std::optional<TimePoint> signal = machine.failover_signal()) {
      TimePoint end = *signal + m_options.failover_timeout;
      if (end > now && (!until || end > *until)) {
        until = end;
      }
    }
  }
  return until;
}

Millis Reconciler::jittered_interval() {
  double factor = 1.0 + m_options.jitter * (m_uniform01() - 0.5);
  return std::max(Millis(1), Millis(static_cast<long long>(m_options.interval.count() * factor)));
}

std::map<std::string, std::optional<VipRoute>> Reconciler::select(
    const VipTarget& target, const std::vector<RouteTableRoutes>& tables) const {
  std::map<std::string, std::optional<VipRoute>> out;
  const Cidr destination = target.destination.canonical();
  for (const RouteTableRoutes& table : tables) {
    bool wanted = false;
    if (const auto* ids = std::get_if<ExplicitRouteTables>(&target.tables)) {
      wanted = std::ranges::find(ids->ids, table.id) != ids->ids.end();
    } else if (const auto* tag = std::get_if<RouteTableTag>(&target.tables)) {
      auto it = table.tags.find(tag->key);
      wanted = table.vpc_id == m_vpc_id && it != table.tags.end() && it->second == tag->value;
    } else {
      wanted = table.vpc_id == m_vpc_id;
    }
    if (wanted) {
      auto route = table.routes.find(destination);
      out[table.id] = route == table.routes.end() ? std::nullopt : std::optional<VipRoute>(route->second);
    }
  }
  return out;
}

void Reconciler::observe(TickReport& report) {
  RouteTableScope scope{.vpc_id = m_vpc_id};
  std::vector<Cidr> destinations;
  for (const VipMachine& machine : m_vips) {
    const VipTarget& target = machine.target();
    if (const auto* ids = std::get_if<ExplicitRouteTables>(&target.tables)) {
      for (const std::string& id : ids->ids) {
        if (std::ranges::find(scope.ids, id) == scope.ids.end()) {
          scope.ids.push_back(id);
        }
      }
    } else {
      scope.whole_vpc = true;
    }
    if (std::ranges::find(destinations, target.destination.canonical()) == destinations.end()) {
      destinations.push_back(target.destination.canonical());
    }
  }
  TimePoint started = m_clock.now();
  m_next_observe = started + jittered_interval();
  if (m_reread_after_change) {
    m_next_observe = std::min(m_next_observe, started + m_options.consistency_grace);
    m_reread_after_change = false;
  }
  m_observe_now = false;
  if (m_vips.empty()) {
    return;
  }
  Result<std::vector<RouteTableRoutes>> tables = m_cloud.read_route_tables(scope, destinations);
  TimePoint now = m_clock.now();
  if (!tables) {
    report.read_error = tables.error();
    std::string text = tables.error().to_string();
    if (text != m_last_read_error) {
      m_log.warn("cannot read the route tables: {} (routes are left as they are; trying again every {} ms)",
                 text, m_options.interval.count());
      m_last_read_error = text;
    }
    for (VipMachine& machine : m_vips) {
      machine.on_read_failed(tables.error());
    }
    return;
  }
  m_verify_until.reset();  // a read answered: the takeovers before it are verified
  if (!m_last_read_error.empty()) {
    m_log.info("route tables readable again");
    m_last_read_error.clear();
  }
  report.observed = true;
  double stamp = std::chrono::duration<double>(now.time_since_epoch()).count();
  for (VipMachine& machine : m_vips) {
    machine.on_observed(select(machine.target(), *tables), started, now);
    m_metrics.set("cloudvip_last_reconcile_timestamp_seconds", {{"vip", machine.target().name}}, stamp);
  }
}

bool Reconciler::write_round(TickReport& report) {
  TimePoint now = m_clock.now();
  std::vector<RouteChange> changes;
  std::vector<size_t> owner;  // m_vips index of each change
  for (size_t i = 0; i < m_vips.size(); ++i) {
    m_vips[i].update(now);
    for (RouteChange& change : m_vips[i].plan(now)) {
      changes.push_back(std::move(change));
      owner.push_back(i);
    }
  }
  if (changes.empty()) {
    return false;
  }
  std::vector<RouteSeen> before;
  for (size_t k = 0; k < changes.size(); ++k) {
    const TableKnowledge* table = m_vips[owner[k]].table(changes[k].route_table_id);
    before.push_back(table ? table->seen : RouteSeen{});
  }
  std::vector<Result<Applied>> results = m_cloud.point_routes(changes, false);
  TimePoint done = m_clock.now();
  for (size_t k = 0; k < changes.size(); ++k) {
    Result<Applied> result = k < results.size()
                                 ? results[k]
                                 : fail(ErrorCode::internal, "the cloud returned no result for this route");
    m_vips[owner[k]].on_written(changes[k], result, done);
    ++report.writes;
    report.write_errors += result ? 0 : 1;
    report.written.push_back(TableWrite{m_vips[owner[k]].target().name, changes[k].route_table_id, before[k],
                                        changes[k].exists,
                                        result ? std::nullopt : std::optional<Error>(result.error())});
  }
  // Verify by a read once EC2's answer can be trusted to show our writes.
  m_next_observe = std::min(m_next_observe, done + m_options.consistency_grace);
  return true;
}

void Reconciler::apply_local_addresses() {
  for (VipMachine& machine : m_vips) {
    const VipTarget& target = machine.target();
    std::optional<bool> wanted = machine.local_address_wanted();
    if (!wanted || !target.local) {
      continue;
    }
    Result<bool> changed = *wanted ? m_addresses.add(*target.local) : m_addresses.remove(*target.local);
    if (!changed) {
      m_log.warn("vip {}: cannot {} {}: {}", target.name, *wanted ? "add" : "remove",
                 to_string(*target.local), changed.error().to_string());
    } else if (*changed) {
      m_log.info("vip {}: {} {}", target.name, *wanted ? "added" : "removed", to_string(*target.local));
    }
    m_local[target.name] = wanted;
  }
}

TimePoint Reconciler::tick(TickReport* out) {
  TickReport local_report;
  TickReport& report = out ? *out : local_report;
  TimePoint start = m_clock.now();
  report.retried_until = failover_deadline(start);
  if (m_budget) {
    m_budget->retry_until(report.retried_until);
  }
  write_round(report);  // a leadership change: the writes leave before any read
  if (m_observe_now || m_clock.now() >= m_next_observe) {
    observe(report);
    write_round(report);  // drift repair, at once
  }
  if (m_budget && report.retried_until) {
    m_budget->retry_until(std::nullopt);
  }
  apply_local_addresses();
  TimePoint now = m_clock.now();
  TimePoint next = m_next_observe;
  for (VipMachine& machine : m_vips) {
    if (std::optional<Millis> took = machine.take_failover(now)) {
      // The verifying read (after consistency_grace) still belongs to the takeover: it keeps the budget.
      TimePoint end = now - *took + m_options.failover_timeout;
      if (!m_verify_until || end > *m_verify_until) {
        m_verify_until = end;
      }
    }
    if (machine.expire_failover(now, m_options.failover_timeout)) {
      ++report.failovers_expired;
    }
    if (std::optional<TimePoint> signal = machine.failover_signal()) {
      next = std::min(next, *signal + m_options.failover_timeout);  // to report it when it runs out
    }
    next = std::min(next, machine.next_due());
  }
  m_metrics.observe("cloudvip_reconcile_duration_seconds", {}, seconds_between(start, now));
  return std::max(next, now);
}

std::vector<VipStatus> Reconciler::status() const {
  std::vector<VipStatus> out;
  for (const VipMachine& machine : m_vips) {
    out.push_back(machine.status());
  }
  return out;
}

}  // namespace cloudvip
