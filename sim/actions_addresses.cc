// AssociateAddress, DisassociateAddress, DescribeAddresses (Elastic IPs).
#include "sim/describe.h"
#include "sim/ids.h"
#include "sim/model.h"
#include "sim/resource_filters.h"
#include "sim/shapes.h"

namespace cloudvip::sim {
namespace {

ApiError address_not_found(std::string_view public_ip) {
  return ApiError{"InvalidAddress.NotFound", "Address '" + std::string(public_ip) + "' not found.", 400};
}

}  // namespace

Model::Outcome Model::associate_address_locked(const Params& p, const Caller& c,
                                               const std::string& request_id) {
  auto allocation_id = p.get("AllocationId");
  auto public_ip_text = p.get("PublicIp");
  if (!allocation_id && !public_ip_text) {
    return std::unexpected(errors::missing_parameter("AllocationId"));
  }
  if (allocation_id) {
    if (auto valid = check_id("eipalloc", *allocation_id); !valid) {
      return std::unexpected(valid.error());
    }
  }
  std::optional<Ipv4Address> public_ip;
  if (public_ip_text) {
    auto parsed = Ipv4Address::parse(*public_ip_text);
    if (!parsed) {
      return std::unexpected(
          ApiError{"InvalidAddress.Malformed", "Invalid address: " + *public_ip_text, 400});
    }
    public_ip = *parsed;
  }
  auto instance_id = p.get("InstanceId");
  auto eni_id = p.get("NetworkInterfaceId");
  if (instance_id && eni_id) {
    return std::unexpected(errors::invalid_parameter_combination(
        "Only one of InstanceId or NetworkInterfaceId can be specified"));
  }
  if (!instance_id && !eni_id) {
    return std::unexpected(errors::missing_parameter("InstanceId or NetworkInterfaceId"));
  }
  if (auto valid = instance_id ? check_id("i", *instance_id) : check_id("eni", *eni_id); !valid) {
    return std::unexpected(valid.error());
  }
  std::optional<Ipv4Address> private_ip;
  if (auto text = p.get("PrivateIpAddress")) {
    auto parsed = Ipv4Address::parse(*text);
    if (!parsed) {
      return std::unexpected(errors::invalid_parameter_value("Invalid IPv4 address: " + *text));
    }
    private_ip = *parsed;
  }
  auto allow_reassociation = p.boolean("AllowReassociation", true);
  if (!allow_reassociation) {
    return std::unexpected(allow_reassociation.error());
  }
  std::string resource = m_iam.arn("elastic-ip", allocation_id.value_or("*"));
  if (auto allowed = check_access(p, c, "AssociateAddress", resource); !allowed) {
    return std::unexpected(allowed.error());
  }
  Address* address =
      allocation_id ? m_world.find_address(*allocation_id) : m_world.find_address_by_public_ip(*public_ip);
  if (address == nullptr) {
    return std::unexpected(allocation_id ? errors::not_found("eipalloc", *allocation_id)
                                         : address_not_found(*public_ip_text));
  }
  const NetworkInterface* eni = nullptr;
  if (instance_id) {
    if (m_world.find_instance(*instance_id) == nullptr) {
      return std::unexpected(errors::not_found("i", *instance_id));
    }
    auto interfaces = m_world.interfaces_of(*instance_id);
    if (interfaces.size() != 1) {
      return std::unexpected(errors::instance_has_several_interfaces(*instance_id));
    }
    eni = interfaces.front();
  } else {
    eni = m_world.find_interface(*eni_id);
    if (eni == nullptr) {
      return std::unexpected(errors::not_found("eni", *eni_id));
    }
  }
  Ipv4Address target_ip = private_ip.value_or(eni->private_ips.front());
  if (std::find(eni->private_ips.begin(), eni->private_ips.end(), target_ip) == eni->private_ips.end()) {
    return std::unexpected(errors::invalid_parameter_value("The private IP address " + target_ip.to_string() +
                                                           " is not assigned to network interface " +
                                                           eni->id));
  }
  bool elsewhere = !address->association_id.empty() &&
                   (address->network_interface_id != eni->id || address->private_ip != target_ip);
  if (elsewhere && !*allow_reassociation) {
    return std::unexpected(errors::resource_already_associated("resource " + address->allocation_id +
                                                               " is already associated with associate-id " +
                                                               address->association_id));
  }
  // Another Elastic IP on the same private address is pushed off, as EC2 does.
  for (Address& other : m_world.addresses) {
    if (&other != address && !other.association_id.empty() && other.network_interface_id == eni->id &&
        other.private_ip == target_ip) {
      other.association_id.clear();
      other.network_interface_id.clear();
    }
  }
  address->association_id =
      derived_id("eipassoc", address->allocation_id + " " + std::to_string(++m_world.association_counter));
  address->network_interface_id = eni->id;
  address->private_ip = target_ip;
  XmlResponse response("AssociateAddress", request_id);
  add_bool(response.root(), "return", true);
  add_text(response.root(), "associationId", address->association_id);
  return response.str();
}

Model::Outcome Model::disassociate_address_locked(const Params& p, const Caller& c,
                                                  const std::string& request_id) {
  auto association_id = p.get("AssociationId");
  auto public_ip_text = p.get("PublicIp");
  if (!association_id && !public_ip_text) {
    return std::unexpected(errors::missing_parameter("AssociationId"));
  }
  if (association_id) {
    if (auto valid = check_id("eipassoc", *association_id); !valid) {
      return std::unexpected(valid.error());
    }
  }
  std::optional<Ipv4Address> public_ip;
  if (public_ip_text) {
    auto parsed = Ipv4Address::parse(*public_ip_text);
    if (!parsed) {
      return std::unexpected(
          ApiError{"InvalidAddress.Malformed", "Invalid address: " + *public_ip_text, 400});
    }
    public_ip = *parsed;
  }
  Address* address = association_id ? m_world.find_address_by_association(*association_id)
                                    : m_world.find_address_by_public_ip(*public_ip);
  std::string resource = m_iam.arn("elastic-ip", address ? address->allocation_id : "*");
  if (auto allowed = check_access(p, c, "DisassociateAddress", resource); !allowed) {
    return std::unexpected(allowed.error());
  }
  if (address == nullptr) {
    return std::unexpected(association_id ? errors::not_found("eipassoc", *association_id)
                                          : address_not_found(*public_ip_text));
  }
  address->association_id.clear();
  address->network_interface_id.clear();
  return return_true_response("DisassociateAddress", request_id);
}

Model::Outcome Model::describe_addresses_locked(const Params& p, const Caller& c,
                                                const std::string& request_id) {
  // PublicIp.N selects like AllocationId.N; it becomes one more filter after checking each address exists.
  Params params = p;
  std::vector<std::string> public_ips = p.list("PublicIp");
  if (!public_ips.empty()) {
    for (const std::string& text : public_ips) {
      auto ip = Ipv4Address::parse(text);
      if (!ip) {
        return std::unexpected(ApiError{"InvalidAddress.Malformed", "Invalid address: " + text, 400});
      }
      if (m_world.find_address_by_public_ip(*ip) == nullptr) {
        return std::unexpected(address_not_found(text));
      }
    }
    int next = 1;
    while (p.has("Filter." + std::to_string(next) + ".Name")) {
      ++next;
    }
    std::string prefix = "Filter." + std::to_string(next);
    params.add(prefix + ".Name", "public-ip");
    for (size_t i = 0; i < public_ips.size(); ++i) {
      params.add(prefix + ".Value." + std::to_string(i + 1), public_ips[i]);
    }
  }
  DescribeRequest<Address> request{
      "DescribeAddresses",
      "AllocationId",
      "eipalloc",
      "addressesSet",
      false,
      0,
      0,
      &address_filter_names(),
      [](const Address& a) { return a.allocation_id; },
      [](const Address& a) -> const Tags& { return a.tags; },
      [this](const Address& a, std::string_view name) { return address_filter_values(m_world, a, name); },
      [this](pugi::xml_node item, const Address& a) { write_address(item, m_world, a); }};
  return describe(
      m_world.addresses, request, params, [&] { return check_access(p, c, "DescribeAddresses", "*"); },
      request_id);
}

}  // namespace cloudvip::sim
