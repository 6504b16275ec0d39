#include "vip/route_destination.h"

#include <algorithm>

namespace cloudvip {

Result<Cidr> route_destination(Ipv4Address vip, const std::vector<Cidr>& vpc_cidrs,
                               const std::vector<Cidr>& subnet_cidrs) {
  std::string shown = vip.to_string();
  if (Cidr::parse("169.254.0.0/16")->contains(vip)) {
    return fail(
        ErrorCode::config,
        "VIP " + shown +
            " is link-local (169.254.0.0/16): AWS refuses routes into 169.254.168.0/22 (IMDS and the "
            "Amazon DNS server) and link-local traffic never crosses a router (choose an overlay address "
            "outside every VPC CIDR, e.g. 192.168.100.10)");
  }
  for (const Cidr& subnet : subnet_cidrs) {
    Cidr block = subnet.canonical();
    if (!block.contains(vip)) {
      continue;
    }
    std::uint32_t offset = vip.value() - block.network().value();
    if (block.prefix() <= 28 && (offset < 4 || vip == block.last())) {
      return fail(ErrorCode::config,
                  "VIP " + shown + " is one of the five addresses AWS reserves in subnet " +
                      block.to_string() +
                      " (the first four and the last; choose another address of that subnet, e.g. " +
                      Ipv4Address(block.last().value() - 1).to_string() + ")");
    }
    return block;
  }
  auto vpc = std::ranges::find_if(vpc_cidrs, [&](const Cidr& cidr) { return cidr.contains(vip); });
  if (vpc == vpc_cidrs.end()) {
    return Cidr::host(vip);
  }
  Cidr suggestion = Cidr(vip, 28).canonical();
  bool suggestion_free =
      vpc->contains(suggestion) &&
      std::ranges::none_of(subnet_cidrs, [&](const Cidr& subnet) { return subnet.overlaps(suggestion); });
  return fail(ErrorCode::config,
              "VIP " + shown + " lies inside the VPC CIDR " + vpc->canonical().to_string() +
                  " but in no subnet: AWS accepts a route inside the VPC range only when its destination is "
                  "exactly a subnet's CIDR (create a small subnet of its own for the VIP that holds nothing "
                  "else" +
                  (suggestion_free ? ", e.g. " + suggestion.to_string() : std::string()) +
                  ", or choose an overlay address outside every VPC CIDR, e.g. 192.168.100.10)");
}

}  // namespace cloudvip
