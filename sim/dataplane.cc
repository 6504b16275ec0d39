#include "sim/dataplane.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace cloudvip::sim {

bool KernelRoute::same_as(const KernelRoute& other) const {
  if (table != other.table || destination != other.destination || type != other.type) {
    return false;
  }
  return type != Type::unicast || (gateway == other.gateway && link_index == other.link_index);
}

std::string KernelRoute::to_string() const {
  switch (type) {
    case Type::unicast:
      return fmt::format("table {} {} via {} dev #{}", table, destination.to_string(), gateway.to_string(),
                         link_index);
    case Type::blackhole:
      return fmt::format("table {} blackhole {}", table, destination.to_string());
    case Type::other:
      break;
  }
  return fmt::format("table {} {} (a type the data plane does not make)", table, destination.to_string());
}

std::string KernelRule::to_string() const {
  return fmt::format("{}: iif {} lookup {}", priority, input_link, table);
}

namespace {

struct Eni {
  std::string subnet_id;
  Ipv4Address primary_ip;
  bool source_dest_check = true;
};

Cidr parse_cidr(const nlohmann::json& value) {
  auto cidr = Cidr::parse(value.get<std::string>());
  if (!cidr) {
    throw std::invalid_argument("'" + value.get<std::string>() + "' is not a CIDR block");
  }
  return cidr->canonical();
}

DataplanePlan plan_or_throw(const nlohmann::json& state, const std::vector<RouterLink>& links) {
  // Subnet id -> the router link whose network is exactly the subnet.
  std::map<std::string, const RouterLink*> link_of;
  std::map<std::string, std::pair<std::string, Cidr>> subnets;  // id -> (vpc, cidr)
  const auto& subnet_list = state.at("subnets");
  if (subnet_list.size() > k_max_subnets) {
    throw std::invalid_argument(
        fmt::format("{} subnets; the data plane handles at most {}", subnet_list.size(), k_max_subnets));
  }
  for (const auto& subnet : subnet_list) {
    std::string id = subnet.at("id").get<std::string>();
    Cidr cidr = parse_cidr(subnet.at("cidr"));
    subnets[id] = {subnet.at("vpc_id").get<std::string>(), cidr};
    for (const RouterLink& link : links) {
      if (link.address.canonical() == cidr) {
        link_of[id] = &link;
      }
    }
  }

  std::map<std::string, Eni> enis;
  for (const auto& eni : state.at("network_interfaces")) {
    const auto& ips = eni.at("private_ips");
    auto primary =
        ips.empty() ? std::nullopt : std::optional(Ipv4Address::parse(ips.at(0).get<std::string>()));
    if (!primary || !*primary) {
      continue;  // an ENI without an IPv4 address cannot be a next hop
    }
    enis[eni.at("id").get<std::string>()] = {eni.at("subnet_id").get<std::string>(), **primary,
                                             eni.at("source_dest_check").get<bool>()};
  }

  DataplanePlan plan;
  const auto& tables = state.at("route_tables");
  if (tables.size() > k_max_route_tables) {
    throw std::invalid_argument(
        fmt::format("{} route tables; the data plane handles at most {}", tables.size(), k_max_route_tables));
  }
  std::map<std::string, uint32_t> table_of;     // route table id -> kernel table
  std::map<std::string, uint32_t> main_of;      // vpc -> kernel table of its main route table
  std::map<std::string, uint32_t> explicit_of;  // subnet -> kernel table of its associated route table
  for (size_t i = 0; i < tables.size(); ++i) {
    const auto& table = tables[i];
    uint32_t kernel_table = k_first_table + static_cast<uint32_t>(i);
    std::string id = table.at("id").get<std::string>();
    std::string vpc = table.at("vpc_id").get<std::string>();
    table_of[id] = kernel_table;
    if (table.at("main").get<bool>()) {
      main_of[vpc] = kernel_table;
    }
    for (const auto& association : table.at("associations")) {
      std::string subnet = association.at("subnet_id").get<std::string>();
      if (!subnet.empty()) {
        explicit_of[subnet] = kernel_table;
      }
    }

    std::set<Cidr> destinations;
    for (const auto& route : table.at("routes")) {
      std::string eni_id = route.at("network_interface_id").get<std::string>();
      if (eni_id.empty() || route.at("gateway_id").get<std::string>() == "local") {
        continue;
      }
      KernelRoute out;
      out.table = kernel_table;
      out.destination = parse_cidr(route.at("destination"));
      destinations.insert(out.destination);
      std::string label = fmt::format("{} {} -> {}", id, out.destination.to_string(), eni_id);
      auto eni = enis.find(eni_id);
      auto link = eni == enis.end() ? link_of.end() : link_of.find(eni->second.subnet_id);
      if (route.at("state").get<std::string>() != "active") {
        out.reason = label + ": the route is a blackhole (instance stopped or ENI detached)";
      } else if (eni == enis.end()) {
        out.reason = label + ": no such ENI";
      } else if (eni->second.source_dest_check) {
        out.reason = label + ": the ENI's source/destination check is on, so AWS drops the traffic";
      } else if (link == link_of.end()) {
        out.reason = label + ": the router has no link to the ENI's subnet " + eni->second.subnet_id;
      } else {
        out.type = KernelRoute::Type::unicast;
        out.gateway = eni->second.primary_ip;
        out.link_index = link->second->index;
        out.reason = label + " via " + out.gateway.to_string() + " dev " + link->second->name;
      }
      plan.routes.push_back(std::move(out));
    }
    // Subnets of this VPC with nothing behind them: what is sent there is lost, as in an empty subnet.
    for (const auto& [subnet_id, subnet] : subnets) {
      if (subnet.first != vpc || link_of.contains(subnet_id) || destinations.contains(subnet.second)) {
        continue;
      }
      plan.routes.push_back({kernel_table,
                             subnet.second,
                             KernelRoute::Type::blackhole,
                             {},
                             0,
                             id + ": subnet " + subnet_id + " has nothing in it"});
    }
  }

  for (size_t i = 0; i < subnet_list.size(); ++i) {
    std::string id = subnet_list[i].at("id").get<std::string>();
    auto link = link_of.find(id);
    if (link == link_of.end()) {
      continue;
    }
    auto chosen = explicit_of.find(id);
    std::optional<uint32_t> table;
    if (chosen != explicit_of.end()) {
      table = chosen->second;
    } else if (auto main = main_of.find(subnets[id].first); main != main_of.end()) {
      table = main->second;
    }
    if (table) {
      plan.rules.push_back({k_first_rule_priority + static_cast<uint32_t>(i), link->second->name, *table});
    }
  }
  return plan;
}

}  // namespace

Result<DataplanePlan> plan_dataplane(const nlohmann::json& state, const std::vector<RouterLink>& links) {
  try {
    return plan_or_throw(state, links);
  } catch (const std::exception& e) {
    return fail(ErrorCode::internal,
                std::string("cannot plan the data plane from the simulation's state: ") + e.what());
  }
}

// The listener registered on the Simulation holds this, not the Dataplane, so it is harmless once the
// Dataplane is gone (a Simulation cannot forget a listener).
struct Dataplane::Hook {
  std::mutex mutex;
  Dataplane* owner = nullptr;
};

Dataplane::Dataplane(Simulation& simulation, RouteProgrammer& kernel, Logger& logger)
    : m_simulation(simulation), m_kernel(kernel), m_logger(logger), m_hook(std::make_shared<Hook>()) {}

Dataplane::~Dataplane() {
  stop();
}

Result<ReconcileResult> Dataplane::reconcile() {
  std::lock_guard lock(m_mutex);
  return reconcile_locked();
}

Result<ReconcileResult> Dataplane::reconcile_locked() {
  auto links = m_kernel.links();
  if (!links) {
    return std::unexpected(links.error().wrap("listing the router's links"));
  }
  auto plan = plan_dataplane(m_simulation.model()->state_json(), *links);
  if (!plan) {
    return std::unexpected(plan.error());
  }
  ReconcileResult result;

  auto rules = m_kernel.rules(k_first_rule_priority, k_first_rule_priority + k_max_subnets - 1);
  if (!rules) {
    return std::unexpected(rules.error().wrap("listing the routing rules"));
  }
  for (const KernelRule& rule : *rules) {
    if (std::find(plan->rules.begin(), plan->rules.end(), rule) == plan->rules.end()) {
      if (auto deleted = m_kernel.delete_rule(rule); !deleted) {
        return std::unexpected(deleted.error().wrap("deleting rule " + rule.to_string()));
      }
      m_logger.info("dataplane: deleted rule {}", rule.to_string());
      ++result.changes;
    }
  }
  for (const KernelRule& rule : plan->rules) {
    if (std::find(rules->begin(), rules->end(), rule) == rules->end()) {
      if (auto added = m_kernel.add_rule(rule); !added) {
        return std::unexpected(added.error().wrap("adding rule " + rule.to_string()));
      }
      m_logger.info("dataplane: rule {}", rule.to_string());
      ++result.changes;
    }
  }

  auto routes = m_kernel.routes(k_first_table, k_first_table + k_max_route_tables - 1);
  if (!routes) {
    return std::unexpected(routes.error().wrap("listing the routes"));
  }
  for (const KernelRoute& route : *routes) {
    bool planned = std::any_of(plan->routes.begin(), plan->routes.end(), [&](const KernelRoute& p) {
      return p.table == route.table && p.destination == route.destination;
    });
    if (!planned) {
      if (auto deleted = m_kernel.delete_route(route); !deleted) {
        return std::unexpected(deleted.error().wrap("deleting route " + route.to_string()));
      }
      m_logger.info("dataplane: deleted {}", route.to_string());
      ++result.changes;
    }
  }
  for (const KernelRoute& route : plan->routes) {
    bool present = std::any_of(routes->begin(), routes->end(),
                               [&](const KernelRoute& current) { return current.same_as(route); });
    if (!present) {
      if (auto put = m_kernel.put_route(route); !put) {
        return std::unexpected(
            put.error().wrap("programming " + route.to_string() + " (" + route.reason + ")"));
      }
      m_logger.info("dataplane: {} ({})", route.to_string(), route.reason);
      ++result.changes;
    }
  }
  return result;
}

void Dataplane::start(Millis poll) {
  {
    std::lock_guard lock(m_hook->mutex);
    m_hook->owner = this;
  }
  m_simulation.on_route_change([hook = m_hook](const RouteTableChange&) {
    std::lock_guard lock(hook->mutex);
    if (hook->owner == nullptr) {
      return;
    }
    if (auto done = hook->owner->reconcile(); !done) {
      hook->owner->m_logger.error("dataplane: {}", done.error().message);
    }
  });
  m_poller = std::thread([this, poll] {
    std::unique_lock lock(m_stop_mutex);
    while (!m_stopping) {
      lock.unlock();
      if (auto done = reconcile(); !done) {
        m_logger.error("dataplane: {}", done.error().message);
      }
      lock.lock();
      m_stop_cv.wait_for(lock, poll, [this] { return m_stopping; });
    }
  });
}

void Dataplane::stop() {
  {
    std::lock_guard lock(m_hook->mutex);
    m_hook->owner = nullptr;
  }
  {
    std::lock_guard lock(m_stop_mutex);
    m_stopping = true;
  }
  m_stop_cv.notify_all();
  if (m_poller.joinable()) {
    m_poller.join();
  }
}

}  // namespace cloudvip::sim
