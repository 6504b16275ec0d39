// An in-memory Cloud for the engine's unit tests: a small world (identities, route tables with routes,
// subnets, Elastic IPs, source/dest check, private IPs) that the Cloud calls read and change, a record of
// every call, switchable failures, and the batch sizes point_routes received, so a test can assert "one
// batch of N routes" and "zero mutating calls".
//
// Behaviour follows AwsCloud's contract: point_routes replaces or creates (never deletes) and ignores
// RouteChange::exists (the real one falls back either way); delete_routes treats a missing route as done;
// a dry run changes nothing and answers Applied::dry_run_allowed (except assign_private_ip, which like
// AwsCloud answers ErrorCode::unavailable: the EC2 action has no DryRun); route_tables by id fails on an
// unknown id or a table of another VPC. Safe to call from several threads.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "vip/cloud.h"

namespace cloudvip::testing {

struct FakeCall {
  std::string method;             // "point_routes", "identity", ...
  std::vector<std::string> args;  // one string per argument; point_routes/delete_routes: one per route
  bool mutating = false;          // a write that was not a dry run
  bool dry_run = false;           // a write asked as a dry run
};

struct FakeRouteTable {
  std::string id;
  std::string vpc_id;
  bool main = false;
  std::vector<std::string> subnet_ids;
  std::map<std::string, std::string> tags;
  std::map<Cidr, VipRoute> routes;  // keyed by canonical destination
};

class FakeCloud final : public Cloud {
 public:
  // --- the world (set up by the test) ---
  // The identity served for `mac` ("" is the primary interface).
  void set_identity(const Identity& identity, const std::string& mac = "");
  void add_route_table(FakeRouteTable table);
  // Sets (or overwrites) the route for `destination` in `table_id`; REQUIRES: the table exists.
  void set_route(const std::string& table_id, const Cidr& destination, VipRoute route);
  // The route for `destination` in `table_id` now; nullopt when there is none (or no such table).
  std::optional<VipRoute> route(const std::string& table_id, const Cidr& destination) const;
  void add_subnet(const std::string& vpc_id, SubnetView subnet);
  void add_elastic_ip(ElasticIpView eip);
  std::optional<ElasticIpView> elastic_ip_now(const std::string& allocation_id) const;
  // Registers an ENI: its instance (copied into routes that point at it) and source/dest check.
  void add_network_interface(const std::string& eni, const std::string& instance_id,
                             bool source_dest_check = true, std::vector<Ipv4Address> private_ips = {});
  std::vector<Ipv4Address> private_ips(const std::string& eni) const;

  // --- failures ---
  // Every later call of `method` (the Cloud method's name, e.g. "point_routes") returns `error` (for the
  // batch methods: for every route) until cleared.
  void fail_method(const std::string& method, Error error);
  // Writes to (and reads by id of) `route_table_id` return `error` until cleared.
  void fail_route_table(const std::string& route_table_id, Error error);
  void clear_failures();

  // --- the record ---
  std::vector<FakeCall> calls() const;
  std::vector<FakeCall> calls(const std::string& method) const;
  size_t mutating_call_count() const;
  // The number of routes each point_routes call received, in order (the "concurrency" of each batch).
  std::vector<size_t> point_routes_batches() const;
  void clear_calls();

  // --- Cloud ---
  Result<Identity> identity(const std::string& mac) override;
  Result<std::vector<RouteTableView>> route_tables(const RouteTableSelector& selector,
                                                   const std::string& vpc_id,
                                                   const Cidr& destination) override;
  Result<std::vector<RouteTableView>> all_route_tables(const std::string& vpc_id,
                                                       const Cidr& destination) override;
  Result<std::vector<SubnetView>> subnets(const std::string& vpc_id) override;
  // One recorded call "read_route_tables" (args: "vpc:VPC" or "ids:A,B", then the destinations).
  Result<std::vector<RouteTableRoutes>> read_route_tables(const RouteTableScope& scope,
                                                          const std::vector<Cidr>& destinations) override;
  std::vector<Result<Applied>> point_routes(const std::vector<RouteChange>& changes, bool dry_run) override;
  std::vector<Result<Applied>> delete_routes(const std::vector<RouteChange>& routes, bool dry_run) override;
  Result<ElasticIpView> elastic_ip(const std::string& allocation_id) override;
  Result<Applied> associate_elastic_ip(const std::string& allocation_id,
                                       const std::string& network_interface_id, const std::string& private_ip,
                                       bool dry_run) override;
  Result<bool> source_dest_check(const std::string& network_interface_id) override;
  Result<Applied> set_source_dest_check(const std::string& network_interface_id, bool enabled,
                                        bool dry_run) override;
  Result<Applied> assign_private_ip(const std::string& network_interface_id, Ipv4Address address,
                                    bool dry_run) override;

 private:
  struct Eni {
    std::string instance_id;
    bool source_dest_check = true;
    std::vector<Ipv4Address> private_ips;
  };

  // Records the call; returns the failure set for `method`, if any. REQUIRES: m_mutex held.
  std::optional<Error> record(std::string method, std::vector<std::string> args, bool write, bool dry_run);
  std::optional<Error> table_failure(const std::string& table_id) const;
  RouteTableView view(const FakeRouteTable& table, const Cidr& destination) const;

  mutable std::mutex m_mutex;
  std::map<std::string, Identity> m_identities;
  std::vector<FakeRouteTable> m_tables;  // in insertion order, as EC2 would list them
  std::map<std::string, std::vector<SubnetView>> m_subnets;
  std::map<std::string, ElasticIpView> m_eips;
  std::map<std::string, Eni> m_enis;
  std::map<std::string, Error> m_method_failures;
  std::map<std::string, Error> m_table_failures;
  std::vector<FakeCall> m_calls;
  std::vector<size_t> m_batches;
};

}  // namespace cloudvip::testing
