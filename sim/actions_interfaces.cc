// ModifyNetworkInterfaceAttribute, ModifyInstanceAttribute (source/destination check),
// AssignPrivateIpAddresses, UnassignPrivateIpAddresses.
#include <algorithm>

#include "sim/model.h"
#include "sim/xml_writer.h"

namespace cloudvip::sim {
namespace {

constexpr std::string_view k_unsupported_interface_attributes[] = {
    "SecurityGroupId.1",
    "Attachment.AttachmentId",
    "AssociatePublicIpAddress",
    "EnablePrimaryIpv6",
    "AssociatedSubnetId.1",
    "EnaSrdSpecification.EnaSrdEnabled",
    "ConnectionTrackingSpecification.TcpEstablishedTimeout"};

bool reserved_in(const Cidr& subnet, Ipv4Address address) {
  std::uint32_t offset = address.value() - subnet.network().value();
  return offset <= 3 || address == subnet.last();
}

std::expected<std::vector<Ipv4Address>, ApiError> read_addresses(const Params& params) {
  std::vector<Ipv4Address> out;
  for (const std::string& text : params.list("PrivateIpAddress")) {
    auto ip = Ipv4Address::parse(text);
    if (!ip) {
      return std::unexpected(errors::invalid_parameter_value("Invalid IPv4 address: " + text));
    }
    out.push_back(*ip);
  }
  return out;
}

}  // namespace

Model::Outcome Model::modify_network_interface_attribute_locked(const Params& p, const Caller& c,
                                                                const std::string& request_id) {
  auto eni_id = p.required("NetworkInterfaceId");
  if (!eni_id) {
    return std::unexpected(eni_id.error());
  }
  if (auto valid = check_id("eni", *eni_id); !valid) {
    return std::unexpected(valid.error());
  }
  for (std::string_view unsupported : k_unsupported_interface_attributes) {
    if (p.has(unsupported)) {
      return std::unexpected(errors::invalid_parameter_value(
          "cloudvip-sim supports only SourceDestCheck.Value and Description.Value here, not " +
          std::string(unsupported)));
    }
  }
  bool has_check = p.has("SourceDestCheck.Value");
  bool has_description = p.has("Description.Value");
  if (has_check == has_description) {
    return std::unexpected(errors::invalid_parameter_combination(
        "Exactly one attribute may be modified at a time: give SourceDestCheck.Value or Description.Value"));
  }
  auto check = p.boolean("SourceDestCheck.Value", true);
  if (!check) {
    return std::unexpected(check.error());
  }
  if (auto allowed =
          check_access(p, c, "ModifyNetworkInterfaceAttribute", m_iam.arn("network-interface", *eni_id));
      !allowed) {
    return std::unexpected(allowed.error());
  }
  NetworkInterface* eni = m_world.find_interface(*eni_id);
  if (eni == nullptr) {
    return std::unexpected(errors::not_found("eni", *eni_id));
  }
  if (has_check) {
    eni->source_dest_check = *check;
  } else {
    eni->description = *p.get("Description.Value");
  }
  return return_true_response("ModifyNetworkInterfaceAttribute", request_id);
}

Model::Outcome Model::modify_instance_attribute_locked(const Params& p, const Caller& c,
                                                       const std::string& request_id) {
  auto instance_id = p.required("InstanceId");
  if (!instance_id) {
    return std::unexpected(instance_id.error());
  }
  if (auto valid = check_id("i", *instance_id); !valid) {
    return std::unexpected(valid.error());
  }
  // SourceDestCheck.Value=false, or the legacy Attribute=sourceDestCheck&Value=false.
  std::string key;
  if (p.has("SourceDestCheck.Value")) {
    key = "SourceDestCheck.Value";
  } else if (auto attribute = p.get("Attribute")) {
    if (*attribute != "sourceDestCheck") {
      return std::unexpected(errors::invalid_parameter_value(
          "cloudvip-sim supports only the sourceDestCheck attribute, not '" + *attribute + "'"));
    }
    key = "Value";
  } else {
    for (const auto& [name, value] : p.entries()) {
      if (name.ends_with(".Value") || name.starts_with("GroupId.")) {
        return std::unexpected(errors::invalid_parameter_value(
            "cloudvip-sim supports only SourceDestCheck.Value here, not " + name));
      }
    }
    return std::unexpected(errors::missing_parameter("SourceDestCheck.Value"));
  }
  auto check = p.boolean(key, true);
  if (!check) {
    return std::unexpected(check.error());
  }
  if (!p.has(key)) {
    return std::unexpected(errors::missing_parameter(key));
  }
  if (auto allowed = check_access(p, c, "ModifyInstanceAttribute", m_iam.arn("instance", *instance_id));
      !allowed) {
    return std::unexpected(allowed.error());
  }
  if (m_world.find_instance(*instance_id) == nullptr) {
    return std::unexpected(errors::not_found("i", *instance_id));
  }
  auto interfaces = m_world.interfaces_of(*instance_id);
  if (interfaces.size() > 1) {
    return std::unexpected(errors::instance_has_several_interfaces(*instance_id));
  }
  if (interfaces.empty()) {
    return std::unexpected(
        errors::incorrect_state("Instance '" + *instance_id + "' has no network interface attached."));
  }
  m_world.find_interface(interfaces.front()->id)->source_dest_check = *check;
  return return_true_response("ModifyInstanceAttribute", request_id);
}

Model::Outcome Model::assign_private_ip_addresses_locked(const Params& p, const Caller& c,
                                                         const std::string& request_id) {
  auto eni_id = p.required("NetworkInterfaceId");
  if (!eni_id) {
    return std::unexpected(eni_id.error());
  }
  if (auto valid = check_id("eni", *eni_id); !valid) {
    return std::unexpected(valid.error());
  }
  if (!p.list("Ipv4Prefix").empty() || p.has("Ipv4PrefixCount")) {
    return std::unexpected(
        errors::invalid_parameter_value("IPv4 prefixes are not supported by cloudvip-sim"));
  }
  auto addresses = read_addresses(p);
  if (!addresses) {
    return std::unexpected(addresses.error());
  }
  auto count = p.integer("SecondaryPrivateIpAddressCount");
  if (!count) {
    return std::unexpected(count.error());
  }
  if (addresses->empty() == !count->has_value()) {
    return std::unexpected(errors::invalid_parameter_combination(
        "Give either PrivateIpAddress.N or SecondaryPrivateIpAddressCount, not both and not neither"));
  }
  if (*count && (**count < 1 || **count > 50)) {
    return std::unexpected(
        errors::invalid_parameter_value("SecondaryPrivateIpAddressCount must be between 1 and 50"));
  }
  auto allow_reassignment = p.boolean("AllowReassignment", false);
  if (!allow_reassignment) {
    return std::unexpected(allow_reassignment.error());
  }
  if (auto allowed = check_access(p, c, "AssignPrivateIpAddresses", m_iam.arn("network-interface", *eni_id));
      !allowed) {
    return std::unexpected(allowed.error());
  }
  NetworkInterface* eni = m_world.find_interface(*eni_id);
  if (eni == nullptr) {
    return std::unexpected(errors::not_found("eni", *eni_id));
  }
  const Cidr subnet = m_world.find_subnet(eni->subnet_id)->cidr;
  if (*count) {
    for (std::uint64_t offset = 4;
         offset + 1 < subnet.size() && addresses->size() < static_cast<size_t>(**count); ++offset) {
      Ipv4Address candidate(subnet.network().value() + static_cast<std::uint32_t>(offset));
      if (m_world.interface_with_ip(eni->vpc_id, candidate) == nullptr) {
        addresses->push_back(candidate);
      }
    }
    if (addresses->size() < static_cast<size_t>(**count)) {
      return std::unexpected(
          ApiError{"InsufficientFreeAddressesInSubnet",
                   "The specified subnet does not have enough free addresses to satisfy the request.", 400});
    }
  }
  // Check everything before changing anything.
  for (Ipv4Address ip : *addresses) {
    if (!subnet.contains(ip) || reserved_in(subnet, ip)) {
      return std::unexpected(errors::invalid_parameter_value(
          "Address " + ip.to_string() + " does not fall within the subnet's address range"));
    }
    NetworkInterface* holder = m_world.interface_with_ip(eni->vpc_id, ip);
    if (holder != nullptr && holder != eni) {
      if (!*allow_reassignment) {
        return std::unexpected(errors::address_already_assigned(ip.to_string()));
      }
      if (holder->private_ips.front() == ip) {
        return std::unexpected(errors::invalid_parameter_value("Address " + ip.to_string() +
                                                               " is the primary private IP of " + holder->id +
                                                               " and cannot be reassigned"));
      }
    }
  }
  XmlResponse response("AssignPrivateIpAddresses", request_id);
  add_text(response.root(), "networkInterfaceId", eni->id);
  pugi::xml_node assigned = response.root().append_child("assignedPrivateIpAddressesSet");
  for (Ipv4Address ip : *addresses) {
    NetworkInterface* holder = m_world.interface_with_ip(eni->vpc_id, ip);
    if (holder == eni) {
      continue;  // already there: nothing to do
    }
    if (holder != nullptr) {
      std::erase(holder->private_ips, ip);
      // An Elastic IP on a moved secondary address moves with it.
      for (Address& address : m_world.addresses) {
        if (address.network_interface_id == holder->id && address.private_ip == ip) {
          address.network_interface_id = eni->id;
        }
      }
    }
    eni->private_ips.push_back(ip);
    add_text(assigned.append_child("item"), "privateIpAddress", ip.to_string());
  }
  response.root().append_child("assignedIpv4PrefixSet");
  add_bool(response.root(), "return", true);
  return response.str();
}

Model::Outcome Model::unassign_private_ip_addresses_locked(const Params& p, const Caller& c,
                                                           const std::string& request_id) {
  auto eni_id = p.required("NetworkInterfaceId");
  if (!eni_id) {
    return std::unexpected(eni_id.error());
  }
  if (auto valid = check_id("eni", *eni_id); !valid) {
    return std::unexpected(valid.error());
  }
  auto addresses = read_addresses(p);
  if (!addresses) {
    return std::unexpected(addresses.error());
  }
  if (addresses->empty()) {
    return std::unexpected(errors::missing_parameter("privateIpAddress"));
  }
  if (auto allowed =
          check_access(p, c, "UnassignPrivateIpAddresses", m_iam.arn("network-interface", *eni_id));
      !allowed) {
    return std::unexpected(allowed.error());
  }
  NetworkInterface* eni = m_world.find_interface(*eni_id);
  if (eni == nullptr) {
    return std::unexpected(errors::not_found("eni", *eni_id));
  }
  for (Ipv4Address ip : *addresses) {
    auto it = std::find(eni->private_ips.begin(), eni->private_ips.end(), ip);
    if (it == eni->private_ips.end()) {
      return std::unexpected(
          errors::invalid_parameter_value("Some of the specified addresses are not assigned to "
                                          "interface " +
                                          eni->id));
    }
    if (it == eni->private_ips.begin()) {
      return std::unexpected(errors::invalid_parameter_value(
          "The primary private IP address " + ip.to_string() + " of " + eni->id + " cannot be unassigned"));
    }
  }
  for (Ipv4Address ip : *addresses) {
    std::erase(eni->private_ips, ip);
    for (Address& address : m_world.addresses) {
      if (address.network_interface_id == eni->id && address.private_ip == ip) {
        address.association_id.clear();
        address.network_interface_id.clear();
      }
    }
  }
  return return_true_response("UnassignPrivateIpAddresses", request_id);
}

}  // namespace cloudvip::sim
