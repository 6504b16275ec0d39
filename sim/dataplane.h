// The lab's data plane: makes the kernel of the router network namespace (the one cloudvip-sim runs in)
// forward packets as the emulated VPC's route tables say, so real traffic follows ReplaceRoute.
//
// The picture (lab/up builds it): one router namespace stands for the VPC fabric, with one link per subnet
// that has something in it (the link holds the subnet's router address, e.g. 10.109.10.1/26); members and
// clients sit behind those links. Each EC2 route table becomes one kernel routing table (k_first_table +
// its position in the state), and each subnet with a link gets a policy rule "packets arriving on that link
// look up its route table's kernel table", so a subnet sees exactly its own route table. The VPC's local
// routes are the router's connected routes (main table), reached when a route table has no more specific
// route.
//
// What a route becomes (plan_dataplane, pure):
//   route to an ENI, active, source/dest check off   -> DEST via <ENI's primary IP> dev <link of ENI's
//   subnet> route state blackhole (instance stopped, ENI detached), ENI unknown, ENI's subnet without a link
//                                                    -> blackhole DEST
//   route to an ENI whose source/dest check is on    -> blackhole DEST (AWS drops traffic to an ENI for an
//                                                       address that is not its own while the check is on)
//   a subnet with no link (nothing in it, e.g. the VIP subnet) and no route of the same destination
//                                                    -> blackhole SUBNET (nothing answers there)
//   gateway and NAT targets, local routes            -> nothing (the lab has no gateways)
// A deleted route simply leaves the plan, so its kernel route is deleted (or falls back to the subnet's
// blackhole). Only the source/dest check drop of *forwarded* traffic is modelled, not of the replies an
// ENI sends from a foreign address (with the forward path dropped, no connection gets that far).
#pragma once

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/cidr.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "sim/simulation.h"

namespace cloudvip::sim {

// Kernel routing tables k_first_table.. and rule priorities k_first_rule_priority.. belong to the data
// plane: it deletes whatever it finds there that its plan does not hold, and touches nothing else.
inline constexpr uint32_t k_first_table = 1000;
inline constexpr uint32_t k_first_rule_priority = 1000;
inline constexpr uint32_t k_max_route_tables = 1000;
inline constexpr uint32_t k_max_subnets = 1000;

// An IPv4 address on a link of the router namespace, with its prefix: 10.109.10.1/26 on "r-a".
struct RouterLink {
  std::string name;
  int index = 0;
  Cidr address;

  friend bool operator==(const RouterLink&, const RouterLink&) = default;
};

struct KernelRoute {
  enum class Type { unicast, blackhole, other };
  uint32_t table = 0;
  Cidr destination;  // canonical
  Type type = Type::blackhole;
  Ipv4Address gateway;  // unicast only
  int link_index = 0;   // unicast only
  std::string reason;   // why the plan holds it, for the log; not part of equality

  // Same table, destination, type, gateway and link.
  bool same_as(const KernelRoute& other) const;
  // "table 1000 10.109.10.224/27 via 10.109.10.74 dev #3" or "table 1000 blackhole 10.109.10.224/27".
  std::string to_string() const;
};

struct KernelRule {
  uint32_t priority = 0;
  std::string input_link;  // iif
  uint32_t table = 0;

  friend bool operator==(const KernelRule&, const KernelRule&) = default;
  std::string to_string() const;  // "1000: iif r-a lookup 1001"
};

struct DataplanePlan {
  std::vector<KernelRule> rules;
  std::vector<KernelRoute> routes;
};

// What the kernel should hold for `state` (Model::state_json) given the router's `links`. Errors
// (ErrorCode::internal) when the state lacks a field it needs or has more route tables or subnets than the
// reserved ranges hold.
Result<DataplanePlan> plan_dataplane(const nlohmann::json& state, const std::vector<RouterLink>& links);

// The routing state of the namespace the data plane programs. Abstract so the reconcile logic is tested
// without root; the production class is NetlinkRouteProgrammer (sim/dataplane_netlink.h).
class RouteProgrammer {
 public:
  virtual ~RouteProgrammer() = default;
  virtual Result<std::vector<RouterLink>> links() = 0;
  // Routes in tables first..last (inclusive).
  virtual Result<std::vector<KernelRoute>> routes(uint32_t first_table, uint32_t last_table) = 0;
  // Creates the route, or replaces the one with the same table and destination.
  virtual Result<void> put_route(const KernelRoute& route) = 0;
  // Deletes the route with that table and destination; gone already is not an error.
  virtual Result<void> delete_route(const KernelRoute& route) = 0;
  // Rules with priorities first..last (inclusive).
  virtual Result<std::vector<KernelRule>> rules(uint32_t first_priority, uint32_t last_priority) = 0;
  virtual Result<void> add_rule(const KernelRule& rule) = 0;
  virtual Result<void> delete_rule(const KernelRule& rule) = 0;
};

struct ReconcileResult {
  int changes = 0;  // routes and rules put or deleted
};

// Keeps the kernel in step with a Simulation. Thread-safe: reconcile() may run on several threads at once
// (they are serialised; each plans from the state as it is when it runs, so the last one wins).
class Dataplane {
 public:
  static constexpr Millis k_default_poll{100};

  // Collaborators must outlive the Dataplane; the Simulation may outlive it (its listener then does nothing).
  Dataplane(Simulation& simulation, RouteProgrammer& kernel, Logger& logger);
  ~Dataplane();
  Dataplane(const Dataplane&) = delete;
  Dataplane& operator=(const Dataplane&) = delete;

  // One pass: plans from the simulation's state now and brings the kernel to it (rules, then routes).
  Result<ReconcileResult> reconcile();

  // Follows the simulation: a reconcile after every route change (on the thread that made it, so the change
  // is in the kernel before the EC2 call answers) and one every `poll` on a thread of its own, which catches
  // what has no change hook (source/dest check, reset) and repairs drift.
  void start(Millis poll = k_default_poll);
  // Stops following. Idempotent; leaves the kernel as it is.
  void stop();

 private:
  struct Hook;
  Result<ReconcileResult> reconcile_locked();

  Simulation& m_simulation;
  RouteProgrammer& m_kernel;
  Logger& m_logger;
  std::mutex m_mutex;  // serialises reconciles
  std::shared_ptr<Hook> m_hook;
  std::mutex m_stop_mutex;
  std::condition_variable m_stop_cv;
  bool m_stopping = false;
  std::thread m_poller;
};

}  // namespace cloudvip::sim
