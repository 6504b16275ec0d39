#include "sim/simulation.h"

namespace cloudvip::sim {

namespace {
// The replica's own administrator key, known only to the replica: mutations are replayed and lagged reads
// answered under it after the primary has checked the real caller.
constexpr const char* k_replica_key = "AKIACLOUDVIPSIMREPLICA";
}  // namespace

struct Simulation::Generation {
  struct Pending {
    TimePoint at;
    std::function<void(Model&)> apply;
  };

  std::unique_ptr<IdSource> primary_ids;
  std::unique_ptr<IdSource> replica_ids;
  std::unique_ptr<Model> primary;
  std::unique_ptr<Model> replica;

  // Held while a change runs on the primary and is queued, so the queue has the primary's order, and while
  // the replica catches up.
  std::mutex order_mutex;
  std::deque<Pending> pending;

  // REQUIRES: order_mutex held.
  void catch_up(TimePoint until) {
    while (!pending.empty() && pending.front().at <= until) {
      pending.front().apply(*replica);
      pending.pop_front();
    }
  }
};

Simulation::Simulation(Scenario scenario, const Clock& clock, IdSourceFactory ids)
    : m_scenario(std::move(scenario)), m_clock(clock), m_ids(std::move(ids)) {
  if (!m_ids) {
    m_ids = [] { return std::make_unique<RandomIdSource>(); };
  }
  m_generation = make_generation();
}

Simulation::~Simulation() = default;

std::shared_ptr<Simulation::Generation> Simulation::make_generation() const {
  auto generation = std::make_shared<Generation>();
  generation->primary_ids = m_ids();
  generation->replica_ids = m_ids();
  generation->primary = std::make_unique<Model>(m_scenario, m_clock, *generation->primary_ids);
  Scenario replica_scenario = m_scenario;
  replica_scenario.credentials.push_back(CredentialSpec{k_replica_key, generation->replica_ids->secret(40),
                                                        "", PolicySpec{{"ec2:*"}, std::nullopt}});
  generation->replica = std::make_unique<Model>(replica_scenario, m_clock, *generation->replica_ids);
  return generation;
}

std::shared_ptr<Simulation::Generation> Simulation::current() const {
  std::lock_guard lock(m_mutex);
  return m_generation;
}

std::shared_ptr<Model> Simulation::model() const {
  std::shared_ptr<Generation> generation = current();
  return std::shared_ptr<Model>(generation, generation->primary.get());
}

ApiResponse Simulation::call(std::string_view action, const Params& params, const Caller& caller,
                             Millis lag) {
  std::shared_ptr<Generation> g = current();
  TimePoint now = m_clock.now();
  bool read = action.starts_with("Describe");
  if (read && lag.count() > 0) {
    // IAM is the primary's business (the replica does not know keys issued since); the answer is the
    // replica's.
    if (auto allowed = g->primary->authorize(caller.access_key_id, action, "*"); !allowed) {
      ApiResponse denied;
      denied.request_id = g->primary_ids->request_id();
      denied.result = std::unexpected(allowed.error());
      return denied;
    }
    {
      std::lock_guard lock(g->order_mutex);
      g->catch_up(now - lag);
    }
    return g->replica->call(action, params, Caller{k_replica_key});
  }
  if (read) {
    return g->primary->call(action, params, caller);
  }
  std::lock_guard lock(g->order_mutex);
  ApiResponse response = g->primary->call(action, params, caller);
  if (response.ok()) {
    g->pending.push_back({now, [action = std::string(action), params](Model& replica) {
                            replica.call(action, params, Caller{k_replica_key});
                          }});
  }
  g->catch_up(now - lag);
  return response;
}

Result<void> Simulation::admin_change(const std::function<Result<void>(Model&)>& change) {
  std::shared_ptr<Generation> g = current();
  std::lock_guard lock(g->order_mutex);
  Result<void> result = change(*g->primary);
  if (result) {
    g->pending.push_back({m_clock.now(), [change](Model& replica) { (void)change(replica); }});
  }
  return result;
}

Result<void> Simulation::start_instance(std::string_view instance_id) {
  std::string id(instance_id);
  return admin_change([id](Model& m) { return m.start_instance(id); });
}

Result<void> Simulation::stop_instance(std::string_view instance_id) {
  std::string id(instance_id);
  return admin_change([id](Model& m) { return m.stop_instance(id); });
}

Result<void> Simulation::detach_interface(std::string_view interface_id) {
  std::string id(interface_id);
  return admin_change([id](Model& m) { return m.detach_interface(id); });
}

Result<void> Simulation::attach_interface(std::string_view interface_id, std::string_view instance_id,
                                          int device_index) {
  std::string eni(interface_id);
  std::string instance(instance_id);
  return admin_change(
      [eni, instance, device_index](Model& m) { return m.attach_interface(eni, instance, device_index); });
}

void Simulation::reset() {
  std::shared_ptr<Generation> fresh = make_generation();
  std::lock_guard lock(m_mutex);
  for (const auto& listener : m_listeners) {
    fresh->primary->on_route_change(listener);
  }
  m_generation = std::move(fresh);
}

void Simulation::on_route_change(std::function<void(const RouteTableChange&)> listener) {
  std::lock_guard lock(m_mutex);
  m_generation->primary->on_route_change(listener);
  m_listeners.push_back(std::move(listener));
}

}  // namespace cloudvip::sim
