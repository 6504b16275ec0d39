#include "sim/resource_filters.h"

namespace cloudvip::sim {
namespace {

using Values = std::vector<std::string>;

std::string bool_text(bool value) {
  return value ? "true" : "false";
}

Values ip_texts(const std::vector<Ipv4Address>& ips) {
  Values out;
  for (Ipv4Address ip : ips) {
    out.push_back(ip.to_string());
  }
  return out;
}

void append(Values& out, const Values& more) {
  out.insert(out.end(), more.begin(), more.end());
}

}  // namespace

const std::set<std::string_view>& route_table_filter_names() {
  static const std::set<std::string_view> k_names = {"association.gateway-id",
                                                     "association.route-table-association-id",
                                                     "association.route-table-id",
                                                     "association.subnet-id",
                                                     "association.main",
                                                     "owner-id",
                                                     "route-table-id",
                                                     "route.destination-cidr-block",
                                                     "route.destination-ipv6-cidr-block",
                                                     "route.destination-prefix-list-id",
                                                     "route.egress-only-internet-gateway-id",
                                                     "route.gateway-id",
                                                     "route.instance-id",
                                                     "route.nat-gateway-id",
                                                     "route.network-interface-id",
                                                     "route.transit-gateway-id",
                                                     "route.origin",
                                                     "route.state",
                                                     "route.vpc-peering-connection-id",
                                                     "vpc-id"};
  return k_names;
}

Values route_table_filter_values(const World& world, const RouteTable& table, std::string_view name) {
  Values out;
  if (name == "route-table-id") {
    out.push_back(table.id);
  } else if (name == "vpc-id") {
    out.push_back(table.vpc_id);
  } else if (name == "owner-id") {
    out.push_back(world.account_id);
  } else if (name.starts_with("association.")) {
    for (const RouteTableAssociation& association : table.associations) {
      if (name == "association.route-table-association-id") {
        out.push_back(association.id);
      } else if (name == "association.route-table-id") {
        out.push_back(table.id);
      } else if (name == "association.subnet-id" && !association.subnet_id.empty()) {
        out.push_back(association.subnet_id);
      } else if (name == "association.main") {
        out.push_back(bool_text(association.main));
      }
    }
  } else if (name.starts_with("route.")) {
    for (const Route& route : table.routes) {
      if (name == "route.destination-cidr-block") {
        out.push_back(route.destination.to_string());
      } else if (name == "route.gateway-id" && !route.gateway_id.empty()) {
        out.push_back(route.gateway_id);
      } else if (name == "route.nat-gateway-id" && !route.nat_gateway_id.empty()) {
        out.push_back(route.nat_gateway_id);
      } else if (name == "route.network-interface-id" && !route.network_interface_id.empty()) {
        out.push_back(route.network_interface_id);
      } else if (name == "route.instance-id" && !route.network_interface_id.empty()) {
        const NetworkInterface* eni = world.find_interface(route.network_interface_id);
        if (eni != nullptr && !eni->instance_id.empty()) {
          out.push_back(eni->instance_id);
        }
      } else if (name == "route.origin") {
        out.push_back(route.origin);
      } else if (name == "route.state") {
        out.push_back(world.route_state(route));
      }
    }
  }
  return out;
}

const std::set<std::string_view>& interface_filter_names() {
  static const std::set<std::string_view> k_names = {"network-interface-id",
                                                     "vpc-id",
                                                     "subnet-id",
                                                     "private-ip-address",
                                                     "addresses.private-ip-address",
                                                     "addresses.primary",
                                                     "attachment.instance-id",
                                                     "attachment.instance-owner-id",
                                                     "attachment.device-index",
                                                     "attachment.status",
                                                     "attachment.attachment-id",
                                                     "mac-address",
                                                     "source-dest-check",
                                                     "status",
                                                     "description",
                                                     "association.public-ip",
                                                     "association.allocation-id",
                                                     "association.association-id",
                                                     "interface-type",
                                                     "availability-zone",
                                                     "owner-id",
                                                     "requester-managed",
                                                     "group-id",
                                                     "group-name",
                                                     "private-dns-name"};
  return k_names;
}

Values interface_filter_values(const World& world, const NetworkInterface& eni, std::string_view name) {
  bool attached = !eni.instance_id.empty();
  if (name == "network-interface-id") {
    return {eni.id};
  }
  if (name == "vpc-id") {
    return {eni.vpc_id};
  }
  if (name == "subnet-id") {
    return {eni.subnet_id};
  }
  if (name == "availability-zone") {
    return {eni.az};
  }
  if (name == "private-ip-address" || name == "addresses.private-ip-address") {
    return name == "private-ip-address" ? Values{eni.private_ips.front().to_string()}
                                        : ip_texts(eni.private_ips);
  }
  if (name == "addresses.primary") {
    return eni.private_ips.size() > 1 ? Values{"true", "false"} : Values{"true"};
  }
  if (name == "private-dns-name") {
    return {world.private_dns_name(eni.private_ips.front())};
  }
  if (name == "attachment.instance-id") {
    return attached ? Values{eni.instance_id} : Values{};
  }
  if (name == "attachment.instance-owner-id") {
    return attached ? Values{world.account_id} : Values{};
  }
  if (name == "attachment.device-index") {
    return attached ? Values{std::to_string(eni.device_index)} : Values{};
  }
  if (name == "attachment.status") {
    return attached ? Values{"attached"} : Values{};
  }
  if (name == "attachment.attachment-id") {
    return attached ? Values{eni.attachment_id} : Values{};
  }
  if (name == "mac-address") {
    return {eni.mac};
  }
  if (name == "source-dest-check") {
    return {bool_text(eni.source_dest_check)};
  }
  if (name == "status") {
    return {World::interface_status(eni)};
  }
  if (name == "description") {
    return {eni.description};
  }
  if (name == "interface-type") {
    return {"interface"};
  }
  if (name == "owner-id") {
    return {world.account_id};
  }
  if (name == "requester-managed") {
    return {"false"};
  }
  Values out;
  if (name.starts_with("association.")) {
    for (Ipv4Address ip : eni.private_ips) {
      if (const Address* address = world.address_on(eni.id, ip)) {
        out.push_back(name == "association.public-ip"       ? address->public_ip.to_string()
                      : name == "association.allocation-id" ? address->allocation_id
                                                            : address->association_id);
      }
    }
  }
  return out;  // group-id, group-name: no security groups modelled
}

const std::set<std::string_view>& instance_filter_names() {
  static const std::set<std::string_view> k_names = {"instance-id",
                                                     "instance-state-name",
                                                     "instance-state-code",
                                                     "instance-type",
                                                     "image-id",
                                                     "subnet-id",
                                                     "vpc-id",
                                                     "availability-zone",
                                                     "private-ip-address",
                                                     "ip-address",
                                                     "private-dns-name",
                                                     "owner-id",
                                                     "reservation-id",
                                                     "source-dest-check",
                                                     "iam-instance-profile.arn",
                                                     "network-interface.network-interface-id",
                                                     "network-interface.mac-address",
                                                     "network-interface.subnet-id",
                                                     "network-interface.vpc-id",
                                                     "network-interface.source-dest-check",
                                                     "network-interface.addresses.private-ip-address",
                                                     "network-interface.attachment.device-index",
                                                     "network-interface.status"};
  return k_names;
}

Values instance_filter_values(const World& world, const Instance& instance, std::string_view name) {
  auto interfaces = world.interfaces_of(instance.id);
  const NetworkInterface* eth0 = interfaces.empty() ? nullptr : interfaces.front();
  bool running = instance.state == InstanceState::running;
  if (name == "instance-id") {
    return {instance.id};
  }
  if (name == "instance-state-name") {
    return {running ? "running" : "stopped"};
  }
  if (name == "instance-state-code") {
    return {running ? "16" : "80"};
  }
  if (name == "instance-type") {
    return {instance.instance_type};
  }
  if (name == "image-id") {
    return {instance.image_id};
  }
  if (name == "subnet-id") {
    return {instance.subnet_id};
  }
  if (name == "vpc-id") {
    return {instance.vpc_id};
  }
  if (name == "availability-zone") {
    return {instance.az};
  }
  if (name == "owner-id") {
    return {world.account_id};
  }
  if (name == "reservation-id") {
    return {instance.reservation_id};
  }
  if (name == "iam-instance-profile.arn") {
    return instance.iam_role.empty()
               ? Values{}
               : Values{"arn:aws:iam::" + world.account_id + ":instance-profile/" + instance.iam_role};
  }
  Values out;
  if (eth0 != nullptr && (name == "private-ip-address" || name == "private-dns-name" ||
                          name == "source-dest-check" || name == "ip-address")) {
    if (name == "private-ip-address") {
      out.push_back(eth0->private_ips.front().to_string());
    } else if (name == "private-dns-name") {
      out.push_back(world.private_dns_name(eth0->private_ips.front()));
    } else if (name == "source-dest-check") {
      out.push_back(bool_text(eth0->source_dest_check));
    } else if (const Address* address = world.address_on(eth0->id, eth0->private_ips.front())) {
      out.push_back(address->public_ip.to_string());
    }
    return out;
  }
  for (const NetworkInterface* eni : interfaces) {
    if (name == "network-interface.network-interface-id") {
      out.push_back(eni->id);
    } else if (name == "network-interface.mac-address") {
      out.push_back(eni->mac);
    } else if (name == "network-interface.subnet-id") {
      out.push_back(eni->subnet_id);
    } else if (name == "network-interface.vpc-id") {
      out.push_back(eni->vpc_id);
    } else if (name == "network-interface.source-dest-check") {
      out.push_back(bool_text(eni->source_dest_check));
    } else if (name == "network-interface.addresses.private-ip-address") {
      append(out, ip_texts(eni->private_ips));
    } else if (name == "network-interface.attachment.device-index") {
      out.push_back(std::to_string(eni->device_index));
    } else if (name == "network-interface.status") {
      out.push_back(World::interface_status(*eni));
    }
  }
  return out;
}

const std::set<std::string_view>& subnet_filter_names() {
  static const std::set<std::string_view> k_names = {"subnet-id",
                                                     "vpc-id",
                                                     "cidr-block",
                                                     "cidr",
                                                     "cidrBlock",
                                                     "availability-zone",
                                                     "availabilityZone",
                                                     "availability-zone-id",
                                                     "state",
                                                     "owner-id",
                                                     "default-for-az",
                                                     "defaultForAz",
                                                     "subnet-arn"};
  return k_names;
}

Values subnet_filter_values(const World& world, const SubnetSpec& subnet, std::string_view name) {
  if (name == "subnet-id") {
    return {subnet.id};
  }
  if (name == "vpc-id") {
    return {subnet.vpc_id};
  }
  if (name == "cidr-block" || name == "cidr" || name == "cidrBlock") {
    return {subnet.cidr.to_string()};
  }
  if (name == "availability-zone" || name == "availabilityZone") {
    return {subnet.az};
  }
  if (name == "availability-zone-id") {
    return {World::availability_zone_id(subnet.az)};
  }
  if (name == "state") {
    return {"available"};
  }
  if (name == "owner-id") {
    return {world.account_id};
  }
  if (name == "subnet-arn") {
    return {"arn:aws:ec2:" + world.region + ":" + world.account_id + ":subnet/" + subnet.id};
  }
  return {"false"};  // default-for-az, defaultForAz
}

const std::set<std::string_view>& vpc_filter_names() {
  static const std::set<std::string_view> k_names = {"vpc-id",
                                                     "cidr",
                                                     "cidr-block-association.cidr-block",
                                                     "cidr-block-association.state",
                                                     "state",
                                                     "owner-id",
                                                     "is-default",
                                                     "dhcp-options-id"};
  return k_names;
}

Values vpc_filter_values(const World& world, const VpcSpec& vpc, std::string_view name) {
  if (name == "vpc-id") {
    return {vpc.id};
  }
  if (name == "cidr") {
    return {vpc.cidrs.front().to_string()};
  }
  if (name == "cidr-block-association.cidr-block") {
    Values out;
    for (const Cidr& cidr : vpc.cidrs) {
      out.push_back(cidr.to_string());
    }
    return out;
  }
  if (name == "cidr-block-association.state") {
    return {"associated"};
  }
  if (name == "state") {
    return {"available"};
  }
  if (name == "owner-id") {
    return {world.account_id};
  }
  if (name == "dhcp-options-id") {
    return {"default"};
  }
  return {"false"};  // is-default
}

const std::set<std::string_view>& address_filter_names() {
  static const std::set<std::string_view> k_names = {"allocation-id",
                                                     "association-id",
                                                     "instance-id",
                                                     "network-interface-id",
                                                     "network-interface-owner-id",
                                                     "private-ip-address",
                                                     "public-ip",
                                                     "domain",
                                                     "network-border-group",
                                                     "public-ipv4-pool"};
  return k_names;
}

Values address_filter_values(const World& world, const Address& address, std::string_view name) {
  bool associated = !address.association_id.empty();
  if (name == "allocation-id") {
    return {address.allocation_id};
  }
  if (name == "public-ip") {
    return {address.public_ip.to_string()};
  }
  if (name == "domain") {
    return {"vpc"};
  }
  if (name == "network-border-group") {
    return {world.region};
  }
  if (name == "public-ipv4-pool") {
    return {"amazon"};
  }
  if (!associated) {
    return {};
  }
  if (name == "association-id") {
    return {address.association_id};
  }
  if (name == "network-interface-id") {
    return {address.network_interface_id};
  }
  if (name == "network-interface-owner-id") {
    return {world.account_id};
  }
  if (name == "private-ip-address") {
    return {address.private_ip.to_string()};
  }
  const NetworkInterface* eni = world.find_interface(address.network_interface_id);  // instance-id
  return eni != nullptr && !eni->instance_id.empty() ? Values{eni->instance_id} : Values{};
}

}  // namespace cloudvip::sim
