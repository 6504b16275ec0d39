// A Cloud that serves identity() and subnets() from an IdentityCache and forwards everything else to the
// cloud it wraps (acquire's hot path: no IMDS round trips when this boot has already been seen). A miss asks
// the wrapped cloud and stores a successful answer; errors are never cached.
//
// With a RouteViewCache it also remembers the route view: every successful route table reading (whoever
// asks: status, check, acquire's read and verification) and every route point_routes or delete_routes
// changed is stored, and remembered_route_tables() serves it (acquire's write-first path, issue 9).
//
// A cached identity is checked, where that is cheap, against who the metadata service says we are
// (InstanceIdCheck): one local IMDS request, no EC2 call. When they disagree the entry is refused, the
// identity is read again and the entry rewritten; when the check cannot answer (IMDS slow or down) the entry
// is trusted, since it was keyed by this boot and this metadata service and serving failovers while IMDS is
// unwell is what the cache is for.
#pragma once

#include <future>
#include <mutex>
#include <vector>

#include "common/log.h"
#include "vip/cloud.h"
#include "vip/identity_cache.h"
#include "vip/route_view_cache.h"

namespace cloudvip {

// Who the metadata service says this instance is. Abstract so tests answer without an IMDS; production is
// ImdsInstanceIdCheck (imds_identity.h), one IMDS GET with a short timeout.
class InstanceIdCheck {
 public:
  virtual ~InstanceIdCheck() = default;
  // The instance id, or an error when the metadata service did not answer in time.
  virtual Result<std::string> instance_id() = 0;
};

class CachingCloud final : public Cloud {
 public:
  // Keeps references: `inner`, `cache` and `routes` (when given) must outlive this object.
  CachingCloud(Cloud& inner, IdentityCache& cache, RouteViewCache* routes = nullptr)
      : m_inner(inner), m_cache(cache), m_routes(routes) {}
  // With a check of cached identities (kept by reference; it and `logger` must outlive this object).
  CachingCloud(Cloud& inner, IdentityCache& cache, InstanceIdCheck& check, Logger& logger,
               RouteViewCache* routes = nullptr)
      : m_inner(inner), m_cache(cache), m_routes(routes), m_check(&check), m_logger(&logger) {}

  ~CachingCloud() override;  // waits for stores running in the background
  CachingCloud(const CachingCloud&) = delete;
  CachingCloud& operator=(const CachingCloud&) = delete;

  // From now on the routes point_routes changed are stored on a thread of their own, so the read that
  // follows the writes (acquire's verification) leaves the moment they are acknowledged instead of after a
  // file write. Every later use of the route view cache through this object waits for them first, so the
  // view is stored in the order things happened; settle() waits for them (a process that ends without
  // destructors calls it first).
  void store_writes_in_background() { m_background = true; }
  void settle();

  Result<Identity> identity(const std::string& mac) override;
  Result<std::vector<SubnetView>> subnets(const std::string& vpc_id) override;
  // Drops every cached entry: the next identity() and subnets() ask the wrapped cloud.
  void invalidate() { m_cache.invalidate(); }

  Result<std::vector<RouteTableView>> route_tables(const RouteTableSelector& selector,
                                                   const std::string& vpc_id,
                                                   const Cidr& destination) override;
  Result<std::vector<RouteTableView>> all_route_tables(const std::string& vpc_id,
                                                       const Cidr& destination) override;
  std::vector<Result<Applied>> point_routes(const std::vector<RouteChange>& changes, bool dry_run) override;
  std::vector<Result<Applied>> delete_routes(const std::vector<RouteChange>& routes, bool dry_run) override;
  std::vector<RouteTableView> remembered_route_tables(const Cidr& destination) override;
  Result<std::vector<RouteTableRoutes>> read_route_tables(const RouteTableScope& scope,
                                                          const std::vector<Cidr>& destinations) override {
    return m_inner.read_route_tables(scope, destinations);
  }
  Result<ElasticIpView> elastic_ip(const std::string& allocation_id) override {
    return m_inner.elastic_ip(allocation_id);
  }
  Result<Applied> associate_elastic_ip(const std::string& allocation_id,
                                       const std::string& network_interface_id, const std::string& private_ip,
                                       bool dry_run) override {
    return m_inner.associate_elastic_ip(allocation_id, network_interface_id, private_ip, dry_run);
  }
  Result<bool> source_dest_check(const std::string& network_interface_id) override {
    return m_inner.source_dest_check(network_interface_id);
  }
  Result<Applied> set_source_dest_check(const std::string& network_interface_id, bool enabled,
                                        bool dry_run) override {
    return m_inner.set_source_dest_check(network_interface_id, enabled, dry_run);
  }
  Result<Applied> assign_private_ip(const std::string& network_interface_id, Ipv4Address address,
                                    bool dry_run) override {
    return m_inner.assign_private_ip(network_interface_id, address, dry_run);
  }

 private:
  // Stores what a successful reading saw.
  void remember(const Cidr& destination, const Result<std::vector<RouteTableView>>& seen);
  // Stores, for each change whose result is a real change, the route it leaves (`pointed`: to its ENI;
  // else no route), keeping what was known of the table itself.
  void remember_changes(const std::vector<RouteChange>& changes, const std::vector<Result<Applied>>& results,
                        bool pointed);

  Cloud& m_inner;
  IdentityCache& m_cache;
  RouteViewCache* m_routes;
  InstanceIdCheck* m_check = nullptr;
  Logger* m_logger = nullptr;
  bool m_background = false;
  std::mutex m_pending_mutex;
  std::vector<std::future<void>> m_pending;  // background stores not yet waited for
};

}  // namespace cloudvip
