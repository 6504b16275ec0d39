// What cloudvip needs from a cloud: who we are, the route tables that carry the VIP, and the few writes that
// move it. Abstract so the engine (plan -> apply -> verify) is unit-tested against FakeCloud, and so a later
// GCP or Azure provider can implement the same calls; AwsCloud (EC2 Query API + IMDS) is the production one.
//
// Every method that writes takes `dry_run`: the provider asks the cloud whether the caller may make the
// change (EC2 DryRun) and changes nothing; a permitted dry run returns Applied::dry_run_allowed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/cidr.h"
#include "common/error.h"

namespace cloudvip {

// This instance, as the cloud sees it, for the interface that will hold the VIP.
struct Identity {
  std::string instance_id;
  std::string region;
  std::string availability_zone;
  std::string account_id;
  std::string mac;                   // of the VIP's interface
  std::string network_interface_id;  // the ENI behind that MAC: the route target
  std::string subnet_id;
  Cidr subnet_cidr;
  std::string vpc_id;
  std::vector<Cidr> vpc_cidrs;
  std::vector<Ipv4Address> private_ips;  // of that ENI; the first is its primary
};

// Which route tables carry a VIP's route.
struct RouteTableSelector {
  enum class Kind { ids, tag, vpc };
  Kind kind = Kind::ids;
  std::vector<std::string> ids;  // Kind::ids
  std::string tag_key;           // Kind::tag
  std::string tag_value;         // Kind::tag
  // Kind::vpc: every route table of the instance's VPC (the seed article's behaviour).
};

// Where one route table's route for the VIP destination points now.
struct VipRoute {
  std::string
      network_interface_id;  // empty when the route targets something else (a gateway, an instance id only)
  std::string instance_id;   // the instance that owns the target ENI, when the cloud says
  std::string other_target;  // a non-ENI target (gateway id, NAT, ...), for status output
  std::string state;         // "active" | "blackhole" | ...
};

struct RouteTableView {
  std::string id;
  std::string vpc_id;
  bool main = false;
  std::vector<std::string> subnet_ids;  // explicitly associated subnets
  std::optional<VipRoute> route;        // the route for the destination asked about; nullopt: none
};

struct SubnetView {
  std::string id;
  Cidr cidr;
  std::string availability_zone;
};

struct ElasticIpView {
  std::string allocation_id;
  std::string public_ip;
  std::string association_id;        // empty when not associated
  std::string network_interface_id;  // empty when not associated
  std::string instance_id;
  std::string private_ip;
};

enum class Applied {
  changed,          // the cloud made the change
  dry_run_allowed,  // dry run: the caller is allowed to make it; nothing changed
};

// One route to point: `destination` in `route_table_id` -> `network_interface_id`.
struct RouteChange {
  std::string route_table_id;
  Cidr destination;
  std::string network_interface_id;
  bool exists = true;  // what the plan believes: true -> replace (create if it turns out missing), false ->
                       // create (replace if it turns out to exist)
};

// Which route tables one read_route_tables call covers (the daemon: every table of every VIP, in one call).
struct RouteTableScope {
  std::string vpc_id;
  std::vector<std::string> ids;  // these tables (each must exist and lie in vpc_id)
  bool whole_vpc = false;        // every table of vpc_id instead (tag selectors are matched on `tags`)
};

// A route table with its routes for several destinations at once.
struct RouteTableRoutes {
  std::string id;
  std::string vpc_id;
  bool main = false;
  std::map<std::string, std::string> tags;
  std::map<Cidr, VipRoute> routes;  // keyed by canonical destination; only the destinations asked for that
                                    // the table has a route for
};

class Cloud {
 public:
  virtual ~Cloud() = default;

  // Identity for the interface with MAC `mac` (empty: the primary interface, device 0).
  virtual Result<Identity> identity(const std::string& mac) = 0;

  // The route tables chosen by `selector` in `vpc_id`, each with its route for `destination` (one read for
  // all). Explicit ids that do not exist are an error naming them.
  virtual Result<std::vector<RouteTableView>> route_tables(const RouteTableSelector& selector,
                                                           const std::string& vpc_id,
                                                           const Cidr& destination) = 0;

  // Every route table of the VPC with its explicit subnet associations (for coverage checks) and its route
  // for `destination`.
  virtual Result<std::vector<RouteTableView>> all_route_tables(const std::string& vpc_id,
                                                               const Cidr& destination) = 0;

  virtual Result<std::vector<SubnetView>> subnets(const std::string& vpc_id) = 0;

  // The tables of `scope`, each with its routes for every one of `destinations`: the daemon's periodic
  // observation of all its VIPs. Providers answer with ONE read (AwsCloud: one DescribeRouteTables); this
  // default asks route_tables/all_route_tables once per destination and knows no tags, so that a Cloud
  // written before this method still works. Results: explicit ids in the order given, else the cloud's order.
  virtual Result<std::vector<RouteTableRoutes>> read_route_tables(const RouteTableScope& scope,
                                                                  const std::vector<Cidr>& destinations);

  // Points every route at once (the latency of one call, not of their sum). A replace that finds no route
  // creates it, and a create that finds one replaces it; never deletes. Results in input order.
  virtual std::vector<Result<Applied>> point_routes(const std::vector<RouteChange>& changes,
                                                    bool dry_run) = 0;

  // Deletes the routes, all at once. A route that is already gone counts as done (Applied::changed; the
  // implementation logs that it was gone), so a repeated release is not an error. Results in input order.
  virtual std::vector<Result<Applied>> delete_routes(const std::vector<RouteChange>& routes,
                                                     bool dry_run) = 0;

  virtual Result<ElasticIpView> elastic_ip(const std::string& allocation_id) = 0;
  // Associates the Elastic IP with `network_interface_id` (its primary private IP unless `private_ip` is
  // given), taking it from wherever it is now.
  virtual Result<Applied> associate_elastic_ip(const std::string& allocation_id,
                                               const std::string& network_interface_id,
                                               const std::string& private_ip, bool dry_run) = 0;

  virtual Result<bool> source_dest_check(const std::string& network_interface_id) = 0;
  virtual Result<Applied> set_source_dest_check(const std::string& network_interface_id, bool enabled,
                                                bool dry_run) = 0;

  // mode = "secondary-ip": moves `address` to `network_interface_id` as a secondary private IP
  // (AllowReassignment).
  virtual Result<Applied> assign_private_ip(const std::string& network_interface_id, Ipv4Address address,
                                            bool dry_run) = 0;
};

}  // namespace cloudvip
