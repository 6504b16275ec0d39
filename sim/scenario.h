// A scenario: the world cloudvip-sim starts with, declared in a TOML file (sim/scenarios/*.toml).
//
// Scenario file reference. Unknown keys are errors (a typo never passes silently); every error names
// the file, the key (e.g. `subnet[2].cidr`) and the problem. Ids are EC2-shaped: the prefix, a dash and
// 8 or 17 lower-case hex digits (vpc-0a1b2c3d, rtb-0123456789abcdef0).
//
//   account_id = "123456789012"          required; 12 digits (ownerId in every answer, ARNs)
//   region     = "us-east-1"             required
//
//   [[vpc]]
//   id    = "vpc-..."                    required
//   cidr  = "10.109.10.0/24"             one of cidr / cidrs (network address, /16../28)
//   cidrs = ["10.109.10.0/24", ...]      the first is the primary CIDR
//   tags  = { Name = "lab" }             optional, on every resource below too (string values)
//
//   [[subnet]]
//   id, vpc, cidr, az, tags              all but tags required; cidr inside one of the VPC's CIDRs, not
//                                        overlapping another subnet; az = region + one letter
//
//   [[route_table]]
//   id, vpc                              required
//   main         = false                 exactly one main route table per VPC
//   associations = ["subnet-..."]        subnets explicitly associated (each subnet at most once)
//   tags
//   [[route_table.route]]                extra routes; the local route of every VPC CIDR is implicit
//   destination          = "192.168.100.10/32"   canonicalised (10.109.10.254/27 -> 10.109.10.224/27)
//   network_interface_id = "eni-..."     exactly one target: network_interface_id, instance_id (an
//   instance_id          = "i-..."       instance with one ENI), gateway_id (igw-/vgw-), nat_gateway_id
//   gateway_id           = "igw-..."     The rules of CreateRoute apply (an in-VPC destination must be a
//   nat_gateway_id       = "nat-..."     subnet's exact CIDR and target an ENI, instance or NAT gateway).
//
//   [[role]]                             an IAM role an instance can carry (IMDS hands out its credentials)
//   name      = "cloudvip-role"          required
//   allow     = ["ec2:Describe*", "ec2:ReplaceRoute"]   required; actions, `*` wildcards
//   resources = ["arn:aws:ec2:*:*:route-table/rtb-..."] optional; restricts mutating actions
//
//   [[instance]]
//   id, subnet                           required
//   az            = "us-east-1a"         optional; must be the subnet's
//   state         = "running"            "running" (default) or "stopped"
//   iam_role      = "cloudvip-role"      optional; a [[role]] name
//   private_ip    = "10.109.10.10"       optional; must be eth0's primary private IP
//   instance_type = "t3.medium", image_id = "ami-...", tags      optional
//   [[instance.eni]]                     at least one; the one with device_index 0 is eth0
//   id, mac ("0a:1b:2c:3d:4e:5f")        required
//   private_ips       = ["10.109.10.10"] required; the first is the primary; inside the ENI's subnet,
//                                        not reserved (network, +1..+3, broadcast), unique in the VPC
//   subnet            = "subnet-..."     optional; default the instance's; same AZ and VPC
//   source_dest_check = true             default true
//   device_index      = 0                default: position in the list
//   description, tags                    optional
//
//   [[elastic_ip]]
//   allocation_id = "eipalloc-...", public_ip = "203.0.113.10"   required
//   tags
//   [elastic_ip.association]             optional: associated at start
//   network_interface_id = "eni-..."     one of network_interface_id / instance_id (one-ENI instance)
//   instance_id          = "i-..."
//   private_ip           = "10.109.10.10"  optional; default the ENI's primary IP
//
//   [[credential]]                       an access key the emulator accepts (SigV4-verified by the HTTP
//   layer) access_key_id     = "AKIA..."        required; 16-128 upper-case letters and digits
//   secret_access_key = "..."            required
//   session_token     = "..."            optional
//   allow             = ["ec2:*"]        required; actions, `*` wildcards ("ec2:Describe*")
//   resources         = ["arn:aws:ec2:us-east-1:123456789012:route-table/rtb-..."]
//                                        optional; when present a mutating action is allowed only on a
//                                        matching resource ARN (`*` wildcards); Describe* are unrestricted
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/cidr.h"
#include "common/error.h"
#include "sim/routing.h"

namespace cloudvip::sim {

// Tags in key order.
using Tags = std::vector<std::pair<std::string, std::string>>;

struct VpcSpec {
  std::string id;
  std::vector<Cidr> cidrs;  // canonical; the first is the primary
  Tags tags;
};

struct SubnetSpec {
  std::string id;
  std::string vpc_id;
  Cidr cidr;
  std::string az;
  Tags tags;
};

struct RouteSpec {
  Cidr destination;  // canonical
  TargetKind target_kind = TargetKind::network_interface;
  std::string target_id;
};

struct RouteTableSpec {
  std::string id;
  std::string vpc_id;
  bool main = false;
  std::vector<std::string> subnet_ids;  // explicit associations
  Tags tags;
  std::vector<RouteSpec> routes;  // without the implicit local routes
};

struct PolicySpec {
  std::vector<std::string> allow;                     // "ec2:ReplaceRoute", "ec2:Describe*", "ec2:*", "*"
  std::optional<std::vector<std::string>> resources;  // ARN patterns restricting mutating actions
};

struct RoleSpec {
  std::string name;
  PolicySpec policy;
};

struct EniSpec {
  std::string id;
  std::string mac;
  std::string subnet_id;
  std::vector<Ipv4Address> private_ips;  // the first is the primary
  bool source_dest_check = true;
  int device_index = 0;
  std::string description;
  Tags tags;
};

enum class InstanceState { running, stopped };

struct InstanceSpec {
  std::string id;
  std::string subnet_id;
  std::string az;
  InstanceState state = InstanceState::running;
  std::string iam_role;  // empty: none
  std::string instance_type = "t3.medium";
  std::string image_id = "ami-0abcdef1234567890";
  Tags tags;
  std::vector<EniSpec> enis;  // sorted by device_index; enis[0] is eth0
};

struct ElasticIpSpec {
  std::string allocation_id;
  Ipv4Address public_ip;
  Tags tags;
  std::string network_interface_id;  // empty: not associated
  std::optional<Ipv4Address> private_ip;
};

struct CredentialSpec {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  PolicySpec policy;
};

struct Scenario {
  std::string source;  // the file it came from (for messages)
  std::string account_id;
  std::string region;
  std::vector<VpcSpec> vpcs;
  std::vector<SubnetSpec> subnets;
  std::vector<RouteTableSpec> route_tables;
  std::vector<RoleSpec> roles;
  std::vector<InstanceSpec> instances;
  std::vector<ElasticIpSpec> elastic_ips;
  std::vector<CredentialSpec> credentials;
};

// Reads and validates a scenario file. Errors (ErrorCode::config) read "FILE:LINE: KEY: PROBLEM".
Result<Scenario> load_scenario(const std::filesystem::path& path);
// The same from text; `source_name` stands for the file in messages.
Result<Scenario> parse_scenario(std::string_view toml_text, std::string_view source_name);

}  // namespace cloudvip::sim
