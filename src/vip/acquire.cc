// Engine::acquire: identity -> one read -> one concurrent apply (routes, local address, Elastic IP) -> the
// settle read of what read as ours -> the verification read(s).
#include <fmt/format.h>

#include <algorithm>
#include <future>
#include <system_error>

#include "vip/engine.h"
#include "vip/engine_internal.h"

namespace cloudvip {
namespace {

using namespace engine_detail;

// The verification's re-reads of tables that do not show our write yet (only with a deadline): the first
// after 200 ms, doubling up to 1 s, each needing about k_verify_read_time, at most k_verify_reads reads.
constexpr Millis k_verify_first_delay{200};
constexpr Millis k_verify_max_delay{1000};
constexpr Millis k_verify_read_time{250};
constexpr int k_verify_reads = 30;

// Runs `task` on a thread of its own; where no thread can be started, when its result is asked for.
template <class Task>
auto start(Task task) -> std::future<decltype(task())> {
  try {
    return std::async(std::launch::async, task);
  } catch (const std::system_error&) {
    return std::async(std::launch::deferred, task);
  }
}

bool table_ok(const RouteTableReport& table) {
  return table.action != RouteAction::failed && table.verified != Verified::no;
}

int acquire_exit_code(const AcquireReport& report) {
  if (report.error) {
    return exit_code_for(*report.error);
  }
  bool ok = std::ranges::all_of(report.route_tables, table_ok) &&
            report.local_address.outcome != LocalAddressOutcome::failed &&
            report.elastic_ip.outcome != ElasticIpOutcome::failed &&
            (!report.secondary_ip || report.secondary_ip->outcome != SecondaryIpOutcome::failed);
  return ok ? 0 : 1;
}

}  // namespace

AcquireReport Engine::acquire(const VipSpec& spec, const AcquireOptions& options) {
  TimePoint start_time = m_clock.now();
  AcquireReport report;
  report.context = make_context(spec, options.dry_run);
  report.elastic_ip.allocation_id = spec.elastic_ip.value_or("");
  auto identity = resolve(spec, spec.mode == VipMode::route, report.context);
  report.local_address = local_address_skeleton(spec, report.context.interface);
  report.timings.identity = since(start_time);
  if (identity) {
    run_acquire(spec, *identity, options, report);
  } else {
    report.error = identity.error();
  }
  report.timings.total = since(start_time);
  report.exit_code = acquire_exit_code(report);
  if (report.exit_code == 0) {
    m_log.info("{}", summary(report));
  } else {
    m_log.warn("{}", summary(report));
  }
  return report;
}

namespace {

// A remembered table acquire writes at once: its route (per the view) targets another ENI in our VPC.
bool held_by_peer(const RouteTableView& view, const Identity& identity) {
  return view.route && !view.route->network_interface_id.empty() &&
         view.route->network_interface_id != identity.network_interface_id &&
         (view.vpc_id.empty() || view.vpc_id == identity.vpc_id);
}

// The ids of an ids selector, each once, in order.
std::vector<std::string> unique_ids(const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  for (const std::string& id : ids) {
    if (std::ranges::find(out, id) == out.end()) {
      out.push_back(id);
    }
  }
  return out;
}

}  // namespace

void Engine::plan_from_view(const std::vector<RouteTableView>& tables, const std::string& eni,
                            AcquireReport& report, RoutePlan& plan) {
  for (const RouteTableView& view : tables) {
    RouteTableReport row{.id = view.id, .main = view.main, .before = classify_route(view.route, eni)};
    if (row.before.ours_and_active()) {
      row.action = RouteAction::unchanged;
      row.verified = Verified::yes;  // the read that just showed it is as fresh as a second one
    } else {
      plan.changes.push_back(RouteChange{view.id, *report.context.destination, eni, view.route.has_value()});
      plan.rows.push_back(report.route_tables.size());
      if (row.before.owner == RouteOwner::this_host) {
        row.note = "was " + row.before.state + " on this host's ENI";
      } else if (row.before.owner == RouteOwner::other_target) {
        row.note = "took over a route to " + describe(row.before);
      }
    }
    report.route_tables.push_back(std::move(row));
  }
}

void Engine::apply_routes(const RoutePlan& plan, bool dry_run, AcquireReport& report) {
  if (plan.changes.empty()) {
    return;
  }
  std::vector<Result<Applied>> results = m_cloud.point_routes(plan.changes, dry_run);
  for (size_t i = 0; i < plan.changes.size(); ++i) {
    RouteTableReport& row = report.route_tables[plan.rows[i]];
    if (i >= results.size()) {
      row.action = RouteAction::failed;
      row.error = Error(ErrorCode::internal, "the cloud returned no result for this route table");
    } else if (!results[i]) {
      row.action = RouteAction::failed;
      row.error = results[i].error();
    } else if (*results[i] == Applied::dry_run_allowed) {
      row.action = RouteAction::would_change;
    } else {
      row.action = plan.changes[i].exists ? RouteAction::replaced : RouteAction::created;
    }
  }
}

RouteTableSelector Engine::split_by_view(const VipSpec& spec, const Identity& identity,
                                         const AcquireOptions& options, AcquireReport& report,
                                         RoutePlan& first) {
  RouteTableSelector selector = to_cloud_selector(spec.route_tables.value_or(WholeVpcRouteTables{}));
  // Only named tables: a tag or whole-VPC selector is read, since only a reading says which tables it
  // takes in now. A dry run reads too: it reports what is there.
  if (selector.kind != RouteTableSelector::Kind::ids || options.dry_run) {
    return selector;
  }
  std::vector<RouteTableView> remembered = m_cloud.remembered_route_tables(*report.context.destination);
  if (remembered.empty()) {
    return selector;
  }
  std::vector<std::string> to_read;
  for (const std::string& id : unique_ids(selector.ids)) {
    auto view = std::ranges::find(remembered, id, &RouteTableView::id);
    if (view == remembered.end() || !held_by_peer(*view, identity)) {
      to_read.push_back(id);
      continue;
    }
    RouteTableReport row{.id = id,
                         .main = view->main,
                         .before = classify_route(view->route, identity.network_interface_id),
                         .written_first = true};
    row.note = "written without reading first: the last view said " + describe(row.before);
    first.changes.push_back(
        RouteChange{id, *report.context.destination, identity.network_interface_id, true});
    first.rows.push_back(report.route_tables.size());
    report.route_tables.push_back(std::move(row));
  }
  selector.ids = std::move(to_read);
  return selector;
}

void Engine::run_acquire(const VipSpec& spec, const Identity& identity, const AcquireOptions& options,
                         AcquireReport& report) {
  const std::string& eni = identity.network_interface_id;
  const std::string& vpc = identity.vpc_id;
  const Cidr* destination = report.context.destination ? &*report.context.destination : nullptr;
  RoutePlan first;    // tables the remembered view says the peer holds: written before (without) a read
  RoutePlan planned;  // tables read first, then changed where they are not ours
  RouteTableSelector to_read;
  bool read_needed = false;
  auto read = [&]() -> Result<std::vector<RouteTableView>> {
    TimePoint read_start = m_clock.now();
    auto tables = m_cloud.route_tables(to_read, vpc, *destination);
    report.timings.read = since(read_start);
    return tables;
  };
  // What a reading says, into rows and `planned`; false (with report.error) when it failed or found nothing.
  auto take_reading = [&](Result<std::vector<RouteTableView>> tables) {
    if (!tables) {
      report.error = tables.error().wrap("reading the route tables of " + vpc);
      return false;
    }
    if (tables->empty() && report.route_tables.empty()) {
      report.error = Error(ErrorCode::config, "no route table of " + vpc +
                                                  " matches the VIP's route_tables/route_table_tag, so no "
                                                  "client can reach it; check the tag or the ids");
      return false;
    }
    plan_from_view(*tables, eni, report, planned);
    return true;
  };

  if (spec.mode == VipMode::route) {
    to_read = split_by_view(spec, identity, options, report, first);
    read_needed = to_read.kind != RouteTableSelector::Kind::ids || !to_read.ids.empty();
    // Nothing to write before reading: read first, and apply nothing when the reading fails.
    if (first.changes.empty() && !take_reading(read())) {
      return;
    }
  }

  // Apply: the routes (or the secondary IP) on this thread, the local address and the Elastic IP beside it.
  TimePoint apply_start = m_clock.now();
  std::future<LocalAddressReport> local;
  if (spec.local_address) {
    local = start([&] { return add_local_address(spec, report.context.interface, options.dry_run); });
  }
  std::future<ElasticIpReport> eip;
  if (spec.elastic_ip) {
    eip = start([&] { return move_elastic_ip(*spec.elastic_ip, eni, options.dry_run); });
  }
  if (!first.changes.empty()) {
    // The writes the view allows leave now; the tables it does not vouch for are read at the same time.
    std::future<Result<std::vector<RouteTableView>>> reading;
    if (read_needed) {
      reading = start(read);
    }
    apply_routes(first, options.dry_run, report);
    if (reading.valid() && take_reading(reading.get())) {
      apply_routes(planned, options.dry_run, report);
    }
  } else {
    apply_routes(planned, options.dry_run, report);
  }
  if (spec.mode == VipMode::secondary_ip) {
    report.secondary_ip = assign_secondary_ip(spec, eni, options.dry_run);
  }
  if (local.valid()) {
    report.local_address = local.get();
  }
  if (eip.valid()) {
    report.elastic_ip = eip.get();
  }
  report.timings.apply = since(apply_start);
  if (!first.changes.empty() && to_read.kind == RouteTableSelector::Kind::ids) {
    // Rows in the order the configuration names the tables, whichever path each took.
    std::vector<std::string> order = unique_ids(std::get<ExplicitRouteTables>(*spec.route_tables).ids);
    std::ranges::stable_sort(report.route_tables, {}, [&](const RouteTableReport& row) {
      return std::ranges::find(order, row.id) - order.begin();
    });
  }

  if (spec.mode == VipMode::route && !options.dry_run) {
    settle_unchanged(identity, options, report);
  }
  if (options.verify && !options.dry_run) {
    verify_routes(identity, options, report);
  }
}

void Engine::verify_routes(const Identity& identity, const AcquireOptions& options, AcquireReport& report) {
  std::vector<RouteTableReport*> rows;
  for (RouteTableReport& row : report.route_tables) {
    if (row.action == RouteAction::replaced || row.action == RouteAction::created) {
      rows.push_back(&row);
    }
  }
  TimePoint verify_start = m_clock.now();
  Millis delay = k_verify_first_delay;
  // Bounded: by the deadline (no re-read without one) and by k_verify_reads.
  for (int read = 1; !rows.empty(); ++read) {
    RouteTableSelector selector{.kind = RouteTableSelector::Kind::ids};
    for (RouteTableReport* row : rows) {
      selector.ids.push_back(row->id);
    }
    auto tables = m_cloud.route_tables(selector, identity.vpc_id, *report.context.destination);
    report.timings.verify = since(verify_start);
    if (!tables) {
      report.error = tables.error().wrap("verifying the changed route tables");
      for (RouteTableReport* row : rows) {
        row->verified = Verified::no;
        row->note = "verification read failed";
      }
      return;
    }
    std::vector<RouteTableReport*> lagging;  // a route that is not ours (yet): the read may lag our write
    for (RouteTableReport* row : rows) {
      auto view = std::ranges::find(*tables, row->id, &RouteTableView::id);
      if (view == tables->end()) {
        row->verified = Verified::no;
        row->note = "verification: the table was not in the answer";
        continue;
      }
      row->after = classify_route(view->route, identity.network_interface_id);
      row->verified = row->after->ours_and_active() ? Verified::yes : Verified::no;
      if (row->verified == Verified::no) {
        row->note = "verification: " + describe(*row->after);
        lagging.push_back(row);
      } else if (read > 1) {
        row->note = fmt::format("verified by read {} (EC2 reads are eventually consistent)", read);
      }
    }
    rows = std::move(lagging);
    if (rows.empty() || !options.deadline || read >= k_verify_reads ||
        m_clock.now() + delay + k_verify_read_time > *options.deadline) {
      return;
    }
    m_clock.sleep_for(delay);
    delay = std::min(delay * 2, k_verify_max_delay);
  }
}

void Engine::settle_unchanged(const Identity& identity, const AcquireOptions& options,
                              AcquireReport& report) {
  const Cidr& destination = *report.context.destination;
  RouteTableSelector selector{.kind = RouteTableSelector::Kind::ids};
  std::vector<size_t> rows;
  for (size_t i = 0; i < report.route_tables.size(); ++i) {
    if (report.route_tables[i].action == RouteAction::unchanged) {
      rows.push_back(i);
      selector.ids.push_back(report.route_tables[i].id);
    }
  }
  if (rows.empty() || options.settle <= Millis(0)) {
    return;
  }
  std::optional<Result<std::vector<RouteTableView>>> again;
  if (!options.deadline || m_clock.now() + options.settle + k_verify_read_time <= *options.deadline) {
    m_clock.sleep_for(options.settle);
    again = m_cloud.route_tables(selector, identity.vpc_id, destination);
  }
  RoutePlan plan;
  for (size_t i : rows) {
    RouteTableReport& row = report.route_tables[i];
    const RouteTableView* view = nullptr;
    if (again && *again) {
      auto found = std::ranges::find(**again, row.id, &RouteTableView::id);
      view = found == (*again)->end() ? nullptr : &*found;
    }
    if (view) {
      RouteSeen seen = classify_route(view->route, identity.network_interface_id);
      if (seen.ours_and_active()) {
        continue;  // two reads settle apart agree: nothing to write
      }
      row.note = fmt::format("read as ours, then {} {} ms later (the first read lagged)", describe(seen),
                             options.settle.count());
    } else if (!again) {
      row.note = "read as ours; written to be sure (no time left to read it again before the deadline)";
    } else {
      row.note = "read as ours; written to be sure (the second read did not show it)";
    }
    row.verified = Verified::skipped;
    plan.changes.push_back(RouteChange{row.id, destination, identity.network_interface_id, true});
    plan.rows.push_back(i);
  }
  apply_routes(plan, false, report);
}

LocalAddressReport Engine::add_local_address(const VipSpec& spec, const std::string& interface,
                                             bool dry_run) {
  LocalAddressReport local = local_address_skeleton(spec, interface);
  if (dry_run) {
    auto present = m_addresses.has(interface, spec.address);
    if (!present) {
      local.outcome = LocalAddressOutcome::failed;
      local.error = present.error();
    } else {
      local.outcome = *present ? LocalAddressOutcome::present : LocalAddressOutcome::would_add;
    }
    return local;
  }
  auto added = m_addresses.add(AddressSpec{interface, spec.address, 32, spec.label});
  if (!added) {
    local.outcome = LocalAddressOutcome::failed;
    local.error = added.error();
  } else {
    local.outcome = *added ? LocalAddressOutcome::added : LocalAddressOutcome::present;
  }
  return local;
}

ElasticIpReport Engine::move_elastic_ip(const std::string& allocation_id, const std::string& eni,
                                        bool dry_run) {
  ElasticIpReport report{.allocation_id = allocation_id};
  auto now = m_cloud.elastic_ip(allocation_id);
  if (!now) {
    report.outcome = ElasticIpOutcome::failed;
    report.error = now.error();
    return report;
  }
  report.public_ip = now->public_ip;
  report.network_interface_id = now->network_interface_id;
  report.instance_id = now->instance_id;
  if (now->network_interface_id == eni) {
    report.outcome = ElasticIpOutcome::ours;
    return report;
  }
  auto applied = m_cloud.associate_elastic_ip(allocation_id, eni, "", dry_run);
  if (!applied) {
    report.outcome = ElasticIpOutcome::failed;
    report.error = applied.error();
  } else {
    report.outcome =
        *applied == Applied::changed ? ElasticIpOutcome::associated : ElasticIpOutcome::would_associate;
  }
  return report;
}

SecondaryIpReport Engine::assign_secondary_ip(const VipSpec& spec, const std::string& eni, bool dry_run) {
  SecondaryIpReport report;
  auto applied = m_cloud.assign_private_ip(eni, spec.address, dry_run);
  if (applied) {
    report.outcome =
        *applied == Applied::changed ? SecondaryIpOutcome::assigned : SecondaryIpOutcome::would_assign;
  } else if (dry_run && applied.error().code == ErrorCode::unavailable) {
    report.outcome = SecondaryIpOutcome::would_assign;
    report.note = "AssignPrivateIpAddresses has no dry run: permission not checked";
  } else {
    report.outcome = SecondaryIpOutcome::failed;
    report.error = applied.error();
  }
  return report;
}

}  // namespace cloudvip
