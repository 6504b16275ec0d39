#include "vip/caching_cloud.h"

#include <algorithm>
#include <map>
#include <system_error>

namespace cloudvip {

Result<Identity> CachingCloud::identity(const std::string& mac) {
  if (std::optional<Identity> cached = m_cache.load_identity(mac)) {
    if (m_check == nullptr) {
      return *cached;
    }
    Result<std::string> actual = m_check->instance_id();
    if (!actual) {
      m_logger->debug("identity cache: cannot check the cached instance {} ({}); trusting the entry",
                      cached->instance_id, actual.error().message);
      return *cached;
    }
    if (*actual == cached->instance_id) {
      return *cached;
    }
    m_logger->warn(
        "identity cache: {} names instance {} but the metadata service says {}; reading the "
        "identity again",
        m_cache.identity_path(mac), cached->instance_id, *actual);
  }
  Result<Identity> identity = m_inner.identity(mac);
  if (identity) {
    m_cache.store_identity(mac, *identity);
  }
  return identity;
}

Result<std::vector<SubnetView>> CachingCloud::subnets(const std::string& vpc_id) {
  if (std::optional<std::vector<SubnetView>> cached = m_cache.load_subnets(vpc_id)) {
    return *cached;
  }
  Result<std::vector<SubnetView>> subnets = m_inner.subnets(vpc_id);
  if (subnets) {
    m_cache.store_subnets(vpc_id, *subnets);
  }
  return subnets;
}

CachingCloud::~CachingCloud() {
  settle();
}

void CachingCloud::settle() {
  std::vector<std::future<void>> pending;
  {
    std::lock_guard guard(m_pending_mutex);
    pending.swap(m_pending);
  }
  for (std::future<void>& store : pending) {
    store.wait();
  }
}

Result<std::vector<RouteTableView>> CachingCloud::route_tables(const RouteTableSelector& selector,
                                                               const std::string& vpc_id,
                                                               const Cidr& destination) {
  Result<std::vector<RouteTableView>> seen = m_inner.route_tables(selector, vpc_id, destination);
  settle();  // the read ran beside any write store; its view is stored after it
  remember(destination, seen);
  return seen;
}

Result<std::vector<RouteTableView>> CachingCloud::all_route_tables(const std::string& vpc_id,
                                                                   const Cidr& destination) {
  Result<std::vector<RouteTableView>> seen = m_inner.all_route_tables(vpc_id, destination);
  settle();
  remember(destination, seen);
  return seen;
}

std::vector<Result<Applied>> CachingCloud::point_routes(const std::vector<RouteChange>& changes,
                                                        bool dry_run) {
  std::vector<Result<Applied>> results = m_inner.point_routes(changes, dry_run);
  settle();
  if (m_background && m_routes != nullptr) {
    try {
      std::lock_guard guard(m_pending_mutex);
      m_pending.push_back(std::async(std::launch::async,
                                     [this, changes, results] { remember_changes(changes, results, true); }));
      return results;
    } catch (const std::system_error&) {
      // No thread to be had: store in line, below.
    }
  }
  remember_changes(changes, results, true);
  return results;
}

std::vector<Result<Applied>> CachingCloud::delete_routes(const std::vector<RouteChange>& routes,
                                                         bool dry_run) {
  std::vector<Result<Applied>> results = m_inner.delete_routes(routes, dry_run);
  settle();
  remember_changes(routes, results, false);
  return results;
}

std::vector<RouteTableView> CachingCloud::remembered_route_tables(const Cidr& destination) {
  settle();
  return m_routes != nullptr ? m_routes->load(destination) : std::vector<RouteTableView>{};
}

void CachingCloud::remember(const Cidr& destination, const Result<std::vector<RouteTableView>>& seen) {
  if (m_routes != nullptr && seen) {
    m_routes->store(destination, *seen);
  }
}

void CachingCloud::remember_changes(const std::vector<RouteChange>& changes,
                                    const std::vector<Result<Applied>>& results, bool pointed) {
  if (m_routes == nullptr) {
    return;
  }
  // Per destination, only the changed tables are recorded (a reading stored at the same time by another
  // thread keeps its entries), each keeping its vpc and main flag from what was known. The state is left
  // empty: written, not read back (a reading fills it in).
  std::map<Cidr, std::vector<std::pair<std::string, std::optional<VipRoute>>>> changed;
  for (size_t i = 0; i < changes.size() && i < results.size(); ++i) {
    if (!results[i] || *results[i] != Applied::changed) {
      continue;
    }
    const RouteChange& change = changes[i];
    changed[change.destination.canonical()].emplace_back(
        change.route_table_id,
        pointed ? std::optional<VipRoute>(VipRoute{.network_interface_id = change.network_interface_id})
                : std::nullopt);
  }
  for (const auto& [destination, written] : changed) {
    m_routes->store_written(destination, written);
  }
}

}  // namespace cloudvip
