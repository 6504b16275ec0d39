// The production Cloud: identity from IMDS, everything else through the EC2 Query API.
//
// Latency is the design goal (ARCHITECTURE.md, "acquire, the hot path"): identity() makes no EC2 call,
// route_tables() is one DescribeRouteTables whatever the selector, and point_routes() sends every route
// write in one concurrent round (a second concurrent round only for routes that turned out to be missing or
// present when the plan believed otherwise). It never deletes a route to point it elsewhere.
#pragma once

#include <string>
#include <vector>

#include "aws/ec2_client.h"
#include "aws/imds.h"
#include "common/log.h"
#include "vip/cloud.h"

namespace cloudvip {

class AwsCloud final : public Cloud {
 public:
  // Keeps references: the client, IMDS and logger must outlive this object.
  AwsCloud(Ec2Client& ec2, Imds& imds, Logger& logger);

  // From IMDS only: identity_from_imds (imds_identity.h).
  Result<Identity> identity(const std::string& mac) override;

  // One DescribeRouteTables. Kind::ids asks for the ids (RouteTableId.N, no filter) and then checks that each
  // came back and lies in `vpc_id`; results follow the order of the ids. Kind::tag filters on tag:KEY=VALUE
  // and vpc-id, Kind::vpc on vpc-id; results in EC2's order.
  Result<std::vector<RouteTableView>> route_tables(const RouteTableSelector& selector,
                                                   const std::string& vpc_id,
                                                   const Cidr& destination) override;
  Result<std::vector<RouteTableView>> all_route_tables(const std::string& vpc_id,
                                                       const Cidr& destination) override;
  Result<std::vector<SubnetView>> subnets(const std::string& vpc_id) override;
  // One DescribeRouteTables (aws_cloud_read.cc): scope.whole_vpc filters on vpc-id (tags come back with each
  // table), else RouteTableId.N for the ids, each checked to have come back and to lie in scope.vpc_id.
  Result<std::vector<RouteTableRoutes>> read_route_tables(const RouteTableScope& scope,
                                                          const std::vector<Cidr>& destinations) override;

  // Round 1: one ReplaceRoute per change (CreateRoute where change.exists is false), all at once through
  // Ec2Client::call_all. Round 2, only when needed, again all at once: CreateRoute for the replaces EC2
  // answered "no such route" (InvalidParameterValue "There is no route defined..." or InvalidRoute.NotFound),
  // ReplaceRoute for the creates it answered RouteAlreadyExists; a third round may flip once more (a create
  // whose error answer hid that it took effect). In each round only the calls that failed retryably are sent
  // again (Ec2Client::call_all; until the retry deadline in failover mode). The destination is sent in
  // canonical form.
  // Errors keep the AWS code, message and request id, wrapped with the route table and destination.
  std::vector<Result<Applied>> point_routes(const std::vector<RouteChange>& changes, bool dry_run) override;

  // Concurrent DeleteRoute. A route that is already gone (InvalidRoute.NotFound) is not an error: it returns
  // Applied::changed like a deleted one (Applied::dry_run_allowed in a dry run), because the caller asked for
  // "no route" and that is what holds; the log says which were already gone.
  std::vector<Result<Applied>> delete_routes(const std::vector<RouteChange>& routes, bool dry_run) override;

  // DescribeAddresses by allocation id; an unknown allocation id is ErrorCode::not_found (or the AWS error
  // InvalidAllocationID.NotFound, wrapped).
  Result<ElasticIpView> elastic_ip(const std::string& allocation_id) override;
  // AssociateAddress with AllowReassociation=true, NetworkInterfaceId and, when given, PrivateIpAddress.
  Result<Applied> associate_elastic_ip(const std::string& allocation_id,
                                       const std::string& network_interface_id, const std::string& private_ip,
                                       bool dry_run) override;

  // DescribeNetworkInterfaces by id.
  Result<bool> source_dest_check(const std::string& network_interface_id) override;
  // ModifyNetworkInterfaceAttribute SourceDestCheck.Value.
  Result<Applied> set_source_dest_check(const std::string& network_interface_id, bool enabled,
                                        bool dry_run) override;

  // AssignPrivateIpAddresses with AllowReassignment=true. That action has no DryRun member, so a dry run
  // cannot ask EC2 whether the move is allowed without making it: with dry_run this makes no call and returns
  // an ErrorCode::unavailable error that says so (the caller reports it as "not checked").
  Result<Applied> assign_private_ip(const std::string& network_interface_id, Ipv4Address address,
                                    bool dry_run) override;

 private:
  Result<std::vector<RouteTableView>> describe(const std::vector<std::string>& ids,
                                               const std::vector<Filter>& filters, const Cidr& destination,
                                               const std::string& what);

  Ec2Client& m_ec2;
  Imds& m_imds;
  Logger& m_logger;
};

// The route of `table` whose destination equals `destination` (both compared in canonical form), as a
// VipRoute; nullopt when the table has none. Exposed for tests and the verify step.
std::optional<VipRoute> find_vip_route(const RouteTable& table, const Cidr& destination);

// The view cloudvip uses of an EC2 route table (main flag, explicitly associated subnets, the VIP route).
RouteTableView to_view(const RouteTable& table, const Cidr& destination);

}  // namespace cloudvip
