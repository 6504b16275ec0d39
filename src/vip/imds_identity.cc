#include "vip/imds_identity.h"

#include <future>

#include "common/strings.h"

namespace cloudvip {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    out += out.empty() ? "" : ", ";
    out += item;
  }
  return out;
}

// The non-empty lines of an IMDS list answer, trimmed.
std::vector<std::string> lines(std::string_view text) {
  std::vector<std::string> out;
  for (const std::string& line : split(text, '\n')) {
    std::string_view trimmed = trim(line);
    if (!trimmed.empty()) {
      out.emplace_back(trimmed);
    }
  }
  return out;
}

Result<Cidr> parse_cidr(const std::string& text, const std::string& what) {
  Result<Cidr> cidr = Cidr::parse(trim(text));
  if (!cidr) {
    return fail(cidr.error().wrap(what + " '" + text + "' is not an IPv4 CIDR block"));
  }
  return cidr;
}

}  // namespace

Result<Identity> identity_from_imds(Imds& imds, const std::string& requested_mac) {
  Identity id;
  if (requested_mac.empty()) {
    Result<std::string> mac = imds.get("/latest/meta-data/mac");
    if (!mac) {
      return fail(mac.error().wrap("cannot find the primary interface's MAC in IMDS (meta-data/mac)"));
    }
    id.mac = to_lower(trim(*mac));
  } else {
    id.mac = to_lower(trim(requested_mac));
  }
  // The interface id first: a 404 there means IMDS has no such MAC, worth its own message.
  Result<std::string> eni = imds.interface_id(id.mac);
  if (!eni) {
    if (eni.error().code != ErrorCode::not_found) {
      return fail(eni.error().wrap("cannot read the interface id of MAC " + id.mac + " from IMDS"));
    }
    Result<std::vector<std::string>> macs = imds.macs();
    return fail(eni.error().wrap("IMDS has no interface with MAC " + id.mac +
                                 " (it has: " + (macs ? join(*macs) : "unknown: " + macs.error().message) +
                                 "); set the VIP's interface to one of these MACs"));
  }
  id.network_interface_id = *eni;

  // The rest in parallel: each is one local IMDS request; together they cost the slowest, not the sum.
  const std::string base = "/latest/meta-data/network/interfaces/macs/" + id.mac + "/";
  auto get = [&imds](std::string path) {
    return std::async(std::launch::async, [&imds, path] { return imds.get(path); });
  };
  auto document = std::async(std::launch::async, [&imds] { return imds.identity_document(); });
  auto subnet_id = get(base + "subnet-id");
  auto subnet_cidr = get(base + "subnet-ipv4-cidr-block");
  auto vpc_id = get(base + "vpc-id");
  auto vpc_cidrs = get(base + "vpc-ipv4-cidr-blocks");
  auto ips = get(base + "local-ipv4s");

  Result<IdentityDocument> doc = document.get();
  std::vector<std::pair<std::string, Result<std::string>>> values;
  values.emplace_back("subnet-id", subnet_id.get());
  values.emplace_back("subnet-ipv4-cidr-block", subnet_cidr.get());
  values.emplace_back("vpc-id", vpc_id.get());
  values.emplace_back("vpc-ipv4-cidr-blocks", vpc_cidrs.get());
  Result<std::string> local_ips = ips.get();
  if (!doc) {
    return fail(doc.error().wrap("cannot read the instance identity document from IMDS"));
  }
  id.instance_id = doc->instance_id;
  id.region = doc->region;
  id.account_id = doc->account_id;
  id.availability_zone = doc->availability_zone;
  if (id.availability_zone.empty()) {
    Result<std::string> zone = imds.availability_zone();
    if (!zone) {
      return fail(zone.error().wrap("cannot read the availability zone from IMDS"));
    }
    id.availability_zone = *zone;
  }
  if (!values[3].second && values[3].second.error().code == ErrorCode::not_found) {
    values[3].second = imds.get(base + "vpc-ipv4-cidr-block");  // older IMDS: only the primary CIDR
  }
  for (auto& [name, value] : values) {
    if (!value) {
      return fail(value.error().wrap("cannot read " + name + " of MAC " + id.mac + " from IMDS"));
    }
  }
  id.subnet_id = std::string(trim(*values[0].second));
  Result<Cidr> subnet = parse_cidr(*values[1].second, "IMDS subnet-ipv4-cidr-block of MAC " + id.mac);
  if (!subnet) {
    return fail(subnet.error());
  }
  id.subnet_cidr = *subnet;
  id.vpc_id = std::string(trim(*values[2].second));
  for (const std::string& line : lines(*values[3].second)) {
    Result<Cidr> cidr = parse_cidr(line, "IMDS vpc-ipv4-cidr-blocks of MAC " + id.mac);
    if (!cidr) {
      return fail(cidr.error());
    }
    id.vpc_cidrs.push_back(*cidr);
  }
  if (!local_ips && local_ips.error().code != ErrorCode::not_found) {
    return fail(local_ips.error().wrap("cannot read local-ipv4s of MAC " + id.mac + " from IMDS"));
  }
  for (const std::string& line : local_ips ? lines(*local_ips) : std::vector<std::string>{}) {
    Result<Ipv4Address> ip = Ipv4Address::parse(line);
    if (!ip) {
      return fail(
          ip.error().wrap("IMDS local-ipv4s of MAC " + id.mac + " has '" + line + "', not an IPv4 address"));
    }
    id.private_ips.push_back(*ip);
  }
  if (id.instance_id.empty() || id.region.empty() || id.subnet_id.empty() || id.vpc_id.empty()) {
    return fail(ErrorCode::parse, "IMDS answered an empty instance id, region, subnet id or VPC id for MAC " +
                                      id.mac + "; is this an EC2 instance in a VPC?");
  }
  return id;
}

Result<std::string> ImdsInstanceIdCheck::instance_id() {
  Result<std::string> id = m_imds.instance_id();
  if (!id) {
    return id;
  }
  return std::string(trim(*id));
}

}  // namespace cloudvip
