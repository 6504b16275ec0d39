// Typed shapes of the EC2 resources cloudvip reads and writes (aws-protocol.md §1.4-1.5, §6). Field names
// follow the wire's lower-camel-case names in snake case; only the members cloudvip uses are kept. Strings
// are empty and booleans false when the answer omitted the element.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cloudvip {

// A request filter: `Filter.N.Name` / `Filter.N.Value.M`. Values within one filter are ORed, filters ANDed.
struct Filter {
  std::string name;  // "vpc-id", "tag:Name", "route.destination-cidr-block", ...
  std::vector<std::string> values;
};

struct Tag {
  std::string key;
  std::string value;
};
using Tags = std::vector<Tag>;

// The value of tag `key`, or nullopt when the resource has no such tag.
std::optional<std::string> find_tag(const Tags& tags, std::string_view key);

struct Route {
  std::string destination_cidr;  // destinationCidrBlock
  std::string destination_ipv6_cidr;
  std::string destination_prefix_list_id;
  std::string gateway_id;  // "local" for the VPC's own CIDR
  std::string instance_id;
  std::string instance_owner_id;
  std::string network_interface_id;
  std::string nat_gateway_id;
  std::string transit_gateway_id;
  std::string vpc_peering_connection_id;
  std::string egress_only_internet_gateway_id;
  std::string local_gateway_id;
  std::string carrier_gateway_id;
  std::string core_network_arn;
  std::string state;   // active | blackhole | filtered
  std::string origin;  // CreateRouteTable | CreateRoute | EnableVgwRoutePropagation | Advertisement
};

struct RouteTableAssociation {
  std::string id;  // routeTableAssociationId
  std::string route_table_id;
  std::string subnet_id;   // empty for the main association and gateway associations
  std::string gateway_id;  // for edge associations
  bool main = false;
  std::string state;  // associationState/state: associating | associated | disassociating | ...
};

struct RouteTable {
  std::string id;  // routeTableId
  std::string vpc_id;
  std::string owner_id;
  std::vector<Route> routes;
  std::vector<RouteTableAssociation> associations;
  Tags tags;
};

struct NetworkInterfaceAttachment {
  std::string id;  // attachmentId
  std::string instance_id;
  int device_index = -1;  // -1 when absent
  std::string status;     // attaching | attached | detaching | detached
  bool delete_on_termination = false;
};

// The Elastic IP (or public IP) associated with an ENI or with one of its private IPs.
struct NetworkInterfaceAssociation {
  std::string public_ip;
  std::string allocation_id;   // empty for an auto-assigned public IP
  std::string association_id;  // empty for an auto-assigned public IP
  std::string ip_owner_id;
};

struct PrivateIpAddress {
  std::string private_ip;
  bool primary = false;
  std::optional<NetworkInterfaceAssociation> association;
};

struct NetworkInterface {
  std::string id;  // networkInterfaceId
  std::string subnet_id;
  std::string vpc_id;
  std::string availability_zone;
  std::string description;
  std::string owner_id;
  std::string interface_type;
  std::string mac_address;
  std::string private_ip;                     // the primary private IPv4 address
  std::vector<PrivateIpAddress> private_ips;  // primary and secondary, privateIpAddressesSet
  bool source_dest_check = false;
  std::string status;  // available | associated | attaching | in-use | detaching
  std::optional<NetworkInterfaceAttachment> attachment;
  std::optional<NetworkInterfaceAssociation> association;
  Tags tags;
};

// In DescribeInstances the instance's own ENI items carry no availabilityZone and their attachment no
// instanceId: those fields are then empty (the instance has them).
struct Instance {
  std::string id;  // instanceId
  std::string instance_type;
  std::string image_id;
  std::string
      state;  // instanceState/name: pending | running | shutting-down | terminated | stopping | stopped
  int state_code = -1;  // instanceState/code
  std::string subnet_id;
  std::string vpc_id;
  std::string availability_zone;  // placement/availabilityZone
  std::string private_ip;         // privateIpAddress
  std::string public_ip;          // ipAddress
  std::vector<NetworkInterface> network_interfaces;
  bool source_dest_check = false;
  Tags tags;
};

struct Subnet {
  std::string id;  // subnetId
  std::string vpc_id;
  std::string cidr_block;
  std::string availability_zone;
  std::string availability_zone_id;
  std::string state;  // pending | available | unavailable
  std::string owner_id;
  bool default_for_az = false;
  Tags tags;
};

struct VpcCidrBlockAssociation {
  std::string association_id;
  std::string cidr_block;
  std::string state;  // cidrBlockState/state: associating | associated | disassociating | ...
};

struct Vpc {
  std::string id;                                                // vpcId
  std::string cidr_block;                                        // the primary IPv4 CIDR
  std::vector<VpcCidrBlockAssociation> cidr_block_associations;  // cidrBlockAssociationSet, primary included
  std::string state;
  std::string owner_id;
  bool is_default = false;
  Tags tags;

  // Every IPv4 CIDR the VPC routes locally: the primary one and each association in state "associated" (or
  // with no state), without duplicates, primary first.
  std::vector<std::string> cidr_blocks() const;
};

struct Address {
  std::string allocation_id;
  std::string association_id;  // empty when the address is not associated
  std::string public_ip;
  std::string private_ip;  // privateIpAddress
  std::string instance_id;
  std::string network_interface_id;
  std::string network_interface_owner_id;
  std::string domain;  // vpc | standard
  Tags tags;
};

// One page of a paginated Describe answer.
template <class T>
struct Page {
  std::vector<T> items;
  std::string next_token;  // empty on the last page
};

}  // namespace cloudvip
