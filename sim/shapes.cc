#include "sim/shapes.h"

#include <algorithm>
#include <cctype>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "sim/ids.h"
#include "sim/xml_writer.h"

namespace cloudvip::sim {
namespace {

void write_public_association(pugi::xml_node parent, const Address* address) {
  if (address == nullptr) {
    return;
  }
  pugi::xml_node association = parent.append_child("association");
  add_text(association, "allocationId", address->allocation_id);
  add_text(association, "associationId", address->association_id);
  add_text(association, "ipOwnerId", "amazon");
  add_text(association, "publicDnsName", "");
  add_text(association, "publicIp", address->public_ip.to_string());
}

void write_attachment(pugi::xml_node parent, const World& world, const NetworkInterface& eni,
                      bool with_instance) {
  if (eni.instance_id.empty()) {
    return;
  }
  pugi::xml_node attachment = parent.append_child("attachment");
  add_text(attachment, "attachmentId", eni.attachment_id);
  if (with_instance) {
    add_text(attachment, "instanceId", eni.instance_id);
    add_text(attachment, "instanceOwnerId", world.account_id);
  }
  add_text(attachment, "deviceIndex", std::to_string(eni.device_index));
  add_text(attachment, "networkCardIndex", "0");
  add_text(attachment, "status", "attached");
  add_text(attachment, "attachTime", iso8601(eni.attach_time));
  add_bool(attachment, "deleteOnTermination", eni.device_index == 0);
}

void write_private_ips(pugi::xml_node parent, const World& world, const NetworkInterface& eni) {
  pugi::xml_node set = parent.append_child("privateIpAddressesSet");
  for (size_t i = 0; i < eni.private_ips.size(); ++i) {
    pugi::xml_node item = set.append_child("item");
    add_text(item, "privateIpAddress", eni.private_ips[i].to_string());
    add_text(item, "privateDnsName", world.private_dns_name(eni.private_ips[i]));
    add_bool(item, "primary", i == 0);
    write_public_association(item, world.address_on(eni.id, eni.private_ips[i]));
  }
}

}  // namespace

std::string iso8601(TimePoint time) {
  auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(time);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time - seconds).count();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", seconds, millis);
}

void write_route_table(pugi::xml_node item, const World& world, const RouteTable& table) {
  add_text(item, "routeTableId", table.id);
  add_text(item, "vpcId", table.vpc_id);
  add_text(item, "ownerId", world.account_id);
  pugi::xml_node routes = item.append_child("routeSet");
  for (const Route& route : table.routes) {
    pugi::xml_node r = routes.append_child("item");
    add_text(r, "destinationCidrBlock", route.destination.to_string());
    if (!route.gateway_id.empty()) {
      add_text(r, "gatewayId", route.gateway_id);
    }
    if (!route.nat_gateway_id.empty()) {
      add_text(r, "natGatewayId", route.nat_gateway_id);
    }
    if (!route.network_interface_id.empty()) {
      // EC2 names the instance behind an ENI route whenever the ENI is attached.
      const NetworkInterface* eni = world.find_interface(route.network_interface_id);
      if (eni != nullptr && !eni->instance_id.empty()) {
        add_text(r, "instanceId", eni->instance_id);
        add_text(r, "instanceOwnerId", world.account_id);
      }
      add_text(r, "networkInterfaceId", route.network_interface_id);
    }
    add_text(r, "state", world.route_state(route));
    add_text(r, "origin", route.origin);
  }
  pugi::xml_node associations = item.append_child("associationSet");
  for (const RouteTableAssociation& association : table.associations) {
    pugi::xml_node a = associations.append_child("item");
    add_bool(a, "main", association.main);
    add_text(a, "routeTableAssociationId", association.id);
    add_text(a, "routeTableId", table.id);
    if (!association.subnet_id.empty()) {
      add_text(a, "subnetId", association.subnet_id);
    }
    add_text(a.append_child("associationState"), "state", "associated");
  }
  item.append_child("propagatingVgwSet");
  add_tag_set(item, table.tags);
}

void write_interface(pugi::xml_node item, const World& world, const NetworkInterface& eni) {
  add_text(item, "networkInterfaceId", eni.id);
  add_text(item, "subnetId", eni.subnet_id);
  add_text(item, "vpcId", eni.vpc_id);
  add_text(item, "availabilityZone", eni.az);
  add_text(item, "availabilityZoneId", World::availability_zone_id(eni.az));
  add_text(item, "description", eni.description);
  add_text(item, "ownerId", world.account_id);
  add_bool(item, "requesterManaged", false);
  add_text(item, "status", World::interface_status(eni));
  add_text(item, "macAddress", eni.mac);
  add_text(item, "privateIpAddress", eni.private_ips.front().to_string());
  add_text(item, "privateDnsName", world.private_dns_name(eni.private_ips.front()));
  add_bool(item, "sourceDestCheck", eni.source_dest_check);
  add_text(item, "interfaceType", "interface");
  item.append_child("groupSet");
  write_attachment(item, world, eni, true);
  write_public_association(item, world.address_on(eni.id, eni.private_ips.front()));
  write_private_ips(item, world, eni);
  item.append_child("ipv6AddressesSet");
  add_tag_set(item, eni.tags);
}

void write_instance_interface(pugi::xml_node item, const World& world, const NetworkInterface& eni) {
  add_text(item, "networkInterfaceId", eni.id);
  add_text(item, "subnetId", eni.subnet_id);
  add_text(item, "vpcId", eni.vpc_id);
  add_text(item, "description", eni.description);
  add_text(item, "ownerId", world.account_id);
  add_text(item, "status", World::interface_status(eni));
  add_text(item, "macAddress", eni.mac);
  add_text(item, "privateIpAddress", eni.private_ips.front().to_string());
  add_text(item, "privateDnsName", world.private_dns_name(eni.private_ips.front()));
  add_bool(item, "sourceDestCheck", eni.source_dest_check);
  add_text(item, "interfaceType", "interface");
  item.append_child("groupSet");
  write_attachment(item, world, eni, false);
  write_public_association(item, world.address_on(eni.id, eni.private_ips.front()));
  write_private_ips(item, world, eni);
  item.append_child("ipv6AddressesSet");
}

void write_instance(pugi::xml_node item, const World& world, const Instance& instance) {
  bool running = instance.state == InstanceState::running;
  auto interfaces = world.interfaces_of(instance.id);
  const NetworkInterface* eth0 =
      interfaces.empty() || interfaces.front()->device_index != 0 ? nullptr : interfaces.front();
  add_text(item, "instanceId", instance.id);
  add_text(item, "imageId", instance.image_id);
  pugi::xml_node state = item.append_child("instanceState");
  add_text(state, "code", running ? "16" : "80");
  add_text(state, "name", running ? "running" : "stopped");
  add_text(item, "privateDnsName", eth0 ? world.private_dns_name(eth0->private_ips.front()) : "");
  add_text(item, "dnsName", "");
  add_text(item, "instanceType", instance.instance_type);
  add_text(item, "launchTime", iso8601(instance.launch_time));
  pugi::xml_node placement = item.append_child("placement");
  add_text(placement, "availabilityZone", instance.az);
  add_text(placement, "tenancy", "default");
  add_text(item.append_child("monitoring"), "state", "disabled");
  add_text(item, "subnetId", instance.subnet_id);
  add_text(item, "vpcId", instance.vpc_id);
  if (eth0 != nullptr) {
    add_text(item, "privateIpAddress", eth0->private_ips.front().to_string());
    if (const Address* address = world.address_on(eth0->id, eth0->private_ips.front()); address && running) {
      add_text(item, "ipAddress", address->public_ip.to_string());
    }
    add_bool(item, "sourceDestCheck", eth0->source_dest_check);
  }
  item.append_child("groupSet");
  add_text(item, "architecture", "x86_64");
  add_text(item, "rootDeviceType", "ebs");
  add_text(item, "rootDeviceName", "/dev/xvda");
  add_text(item, "hypervisor", "xen");
  add_text(item, "virtualizationType", "hvm");
  if (!instance.iam_role.empty()) {
    pugi::xml_node profile = item.append_child("iamInstanceProfile");
    add_text(profile, "arn", "arn:aws:iam::" + world.account_id + ":instance-profile/" + instance.iam_role);
    std::string profile_id = "AIPA" + derived_id("x", instance.iam_role).substr(2, 16);
    std::transform(profile_id.begin(), profile_id.end(), profile_id.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    add_text(profile, "id", profile_id);
  }
  pugi::xml_node set = item.append_child("networkInterfaceSet");
  for (const NetworkInterface* eni : interfaces) {
    write_instance_interface(set.append_child("item"), world, *eni);
  }
  add_tag_set(item, instance.tags);
}

void write_subnet(pugi::xml_node item, const World& world, const SubnetSpec& subnet) {
  std::uint64_t used = 0;
  for (const NetworkInterface& eni : world.interfaces) {
    if (eni.subnet_id == subnet.id) {
      used += eni.private_ips.size();
    }
  }
  add_text(item, "subnetId", subnet.id);
  add_text(item, "subnetArn",
           "arn:aws:ec2:" + world.region + ":" + world.account_id + ":subnet/" + subnet.id);
  add_text(item, "state", "available");
  add_text(item, "vpcId", subnet.vpc_id);
  add_text(item, "ownerId", world.account_id);
  add_text(item, "cidrBlock", subnet.cidr.to_string());
  add_text(item, "availableIpAddressCount", std::to_string(subnet.cidr.size() - 5 - used));
  add_text(item, "availabilityZone", subnet.az);
  add_text(item, "availabilityZoneId", World::availability_zone_id(subnet.az));
  add_bool(item, "defaultForAz", false);
  add_bool(item, "mapPublicIpOnLaunch", false);
  add_bool(item, "assignIpv6AddressOnCreation", false);
  item.append_child("ipv6CidrBlockAssociationSet");
  add_tag_set(item, subnet.tags);
}

void write_vpc(pugi::xml_node item, const World& world, const VpcSpec& vpc) {
  add_text(item, "vpcId", vpc.id);
  add_text(item, "ownerId", world.account_id);
  add_text(item, "state", "available");
  add_text(item, "cidrBlock", vpc.cidrs.front().to_string());
  pugi::xml_node set = item.append_child("cidrBlockAssociationSet");
  for (const Cidr& cidr : vpc.cidrs) {
    pugi::xml_node a = set.append_child("item");
    add_text(a, "associationId", derived_id("vpc-cidr-assoc", vpc.id + " " + cidr.to_string()));
    add_text(a, "cidrBlock", cidr.to_string());
    add_text(a.append_child("cidrBlockState"), "state", "associated");
  }
  add_text(item, "dhcpOptionsId", "default");
  add_text(item, "instanceTenancy", "default");
  add_bool(item, "isDefault", false);
  add_tag_set(item, vpc.tags);
}

void write_address(pugi::xml_node item, const World& world, const Address& address) {
  add_text(item, "publicIp", address.public_ip.to_string());
  add_text(item, "allocationId", address.allocation_id);
  add_text(item, "domain", "vpc");
  if (!address.association_id.empty()) {
    const NetworkInterface* eni = world.find_interface(address.network_interface_id);
    add_text(item, "associationId", address.association_id);
    if (eni != nullptr && !eni->instance_id.empty()) {
      add_text(item, "instanceId", eni->instance_id);
    }
    add_text(item, "networkInterfaceId", address.network_interface_id);
    add_text(item, "networkInterfaceOwnerId", world.account_id);
    add_text(item, "privateIpAddress", address.private_ip.to_string());
  }
  add_text(item, "publicIpv4Pool", "amazon");
  add_text(item, "networkBorderGroup", world.region);
  add_tag_set(item, address.tags);
}

}  // namespace cloudvip::sim
