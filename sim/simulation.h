// The emulated world as the HTTP layer sees it: the Model built from the scenario, a way back to the
// scenario (reset), and eventual consistency (lag) for Describe* calls.
//
// How lag works (an honest approximation of EC2's eventual consistency): next to the primary Model there
// is a replica Model built from the same scenario. Every change that succeeds on the primary (a mutating
// call, or an admin hook such as stopping an instance) is queued with its time and replayed on the replica
// once it is `lag` old, in the original order. With lag > 0, Describe* calls are answered by the replica,
// so they see a change only `lag` after it happened; everything else (mutations, IAM, IMDS) uses the
// primary at once, as in EC2 where a write is durable when it returns. Ids the model invents (association
// ids) are derived deterministically, so the replica shows the same ids as the primary. With lag = 0 every
// call goes to the primary.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "sim/model.h"
#include "sim/scenario.h"

namespace cloudvip::sim {

class Simulation {
 public:
  using IdSourceFactory = std::function<std::unique_ptr<IdSource>()>;

  // `ids` makes the request-id and secret source of each Model (default: RandomIdSource).
  Simulation(Scenario scenario, const Clock& clock, IdSourceFactory ids = {});
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // The current primary model; reset() replaces it, so hold the pointer only for one request.
  std::shared_ptr<Model> model() const;
  const Scenario& scenario() const { return m_scenario; }

  // Model::call, with Describe* answered from `lag` ago (see above).
  ApiResponse call(std::string_view action, const Params& params, const Caller& caller, Millis lag);

  // The admin hooks, applied to the primary and (after the lag) to the replica.
  Result<void> start_instance(std::string_view instance_id);
  Result<void> stop_instance(std::string_view instance_id);
  Result<void> detach_interface(std::string_view interface_id);
  Result<void> attach_interface(std::string_view interface_id, std::string_view instance_id,
                                int device_index);

  // The world back to the scenario: a fresh primary and replica, nothing queued. Keys issued to instance
  // roles before the reset are no longer known.
  void reset();
  // Registered on the current primary and on every primary a reset() makes.
  void on_route_change(std::function<void(const RouteTableChange&)> listener);

 private:
  struct Generation;
  std::shared_ptr<Generation> make_generation() const;
  std::shared_ptr<Generation> current() const;
  // Runs `change` on the primary; when it succeeds, queues it for the replica.
  Result<void> admin_change(const std::function<Result<void>(Model&)>& change);

  Scenario m_scenario;
  const Clock& m_clock;
  IdSourceFactory m_ids;
  mutable std::mutex m_mutex;  // guards m_generation and m_listeners
  std::shared_ptr<Generation> m_generation;
  std::vector<std::function<void(const RouteTableChange&)>> m_listeners;
};

}  // namespace cloudvip::sim
