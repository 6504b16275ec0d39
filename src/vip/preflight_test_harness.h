// Shared by the preflight tests: FakeProbes and the seed article's two-AZ world (sim/scenarios/two-az.toml)
// in a FakeCloud, in which every check passes until a test breaks one thing.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "testing/fake_address_table.h"
#include "testing/fake_cloud.h"
#include "vip/preflight.h"

namespace cloudvip::testing {

class FakeProbes : public SystemProbes {
 public:
  Result<ImdsProbe> imds = ImdsProbe{ImdsAccess::v2, "http://169.254.169.254"};
  Result<std::string> provider = std::string("imds-role");
  Result<Millis> skew = Millis(1200);
  std::map<std::string, std::string> macs = {{"eth0", "0e:49:61:0f:c3:11"}};
  std::map<std::string, std::vector<std::string>> subnet_enis;  // subnet id -> ENIs; absent: none
  std::optional<Error> subnet_enis_error;
  std::vector<std::string> subnets_asked;

  Result<ImdsProbe> imds_v2() override { return imds; }
  Result<std::string> credentials() override { return provider; }
  Result<Millis> clock_skew() override { return skew; }
  Result<std::string> interface_mac(const std::string& interface) override {
    auto it = macs.find(interface);
    if (it == macs.end()) {
      return fail(ErrorCode::not_found, "no interface " + interface);
    }
    return it->second;
  }
  Result<std::vector<std::string>> interfaces_in_subnet(const std::string& subnet_id) override {
    subnets_asked.push_back(subnet_id);
    if (subnet_enis_error) {
      return fail(*subnet_enis_error);
    }
    return subnet_enis[subnet_id];
  }
};

inline const std::string k_vpc = "vpc-0a1b2c3d4e5f60001";
inline const std::string k_eni = "eni-0a1b2c3d4e5f6000a";
inline const std::string k_rtb_main = "rtb-0a1b2c3d4e5f6aaa0";
inline const std::string k_rtb_a = "rtb-0a1b2c3d4e5f6aaa1";
inline const std::string k_rtb_b = "rtb-0a1b2c3d4e5f6aaa2";
inline const std::string k_subnet_vip = "subnet-0a1b2c3d4e5f6000d";

inline Cidr cidr(std::string_view text) {
  return *Cidr::parse(text);
}

inline Error unauthorized_error(std::string action) {
  Error e(ErrorCode::aws,
          action + " failed: UnauthorizedOperation: You are not authorized to perform this operation.");
  e.aws_code = "UnauthorizedOperation";
  e.http_status = 403;
  return e;
}

struct PreflightWorld {
  PreflightWorld() {
    Identity id;
    id.instance_id = "i-0a1b2c3d4e5f6000a";
    id.region = "us-east-1";
    id.availability_zone = "us-east-1a";
    id.account_id = "123456789012";
    id.mac = "0e:49:61:0f:c3:11";
    id.network_interface_id = k_eni;
    id.subnet_id = "subnet-0a1b2c3d4e5f6000a";
    id.subnet_cidr = cidr("10.109.10.0/26");
    id.vpc_id = k_vpc;
    id.vpc_cidrs = {cidr("10.109.10.0/24")};
    id.private_ips = {*Ipv4Address::parse("10.109.10.10")};
    cloud.set_identity(id, id.mac);
    cloud.add_subnet(k_vpc, {"subnet-0a1b2c3d4e5f6000a", cidr("10.109.10.0/26"), "us-east-1a"});
    cloud.add_subnet(k_vpc, {"subnet-0a1b2c3d4e5f6000b", cidr("10.109.10.64/26"), "us-east-1b"});
    cloud.add_subnet(k_vpc, {"subnet-0a1b2c3d4e5f6000c", cidr("10.109.10.128/26"), "us-east-1a"});
    cloud.add_subnet(k_vpc, {k_subnet_vip, cidr("10.109.10.224/27"), "us-east-1c"});
    cloud.add_route_table({k_rtb_main, k_vpc, true, {}, {{"cloudvip", "iris"}}, {}});
    cloud.add_route_table({k_rtb_a, k_vpc, false, {"subnet-0a1b2c3d4e5f6000a"}, {{"cloudvip", "iris"}}, {}});
    cloud.add_route_table({k_rtb_b, k_vpc, false, {"subnet-0a1b2c3d4e5f6000b"}, {{"cloudvip", "iris"}}, {}});
    cloud.add_route_table({"rtb-0f0f0f0f0f0f0f0f0", "vpc-0ffffffffffffffff", true, {}, {}, {}});
    cloud.add_network_interface(k_eni, "i-0a1b2c3d4e5f6000a", false);
  }

  // The seed article's VIP: 10.109.10.254 on eth0:1, routed in the three tables of the VPC.
  static VipSpec iris() {
    VipSpec v;
    v.name = "iris";
    v.address = *Ipv4Address::parse("10.109.10.254");
    v.interface = "eth0";
    v.label = "eth0:1";
    v.route_tables = ExplicitRouteTables{{k_rtb_main, k_rtb_a, k_rtb_b}};
    return v;
  }
  static VipSpec overlay(std::string name, std::string address) {
    VipSpec v = iris();
    v.name = std::move(name);
    v.address = *Ipv4Address::parse(address);
    v.label.reset();
    return v;
  }

  PreflightReport run(const std::vector<VipSpec>& vips, PreflightOptions options = {}) {
    return preflight.run(vips, options);
  }

  FakeCloud cloud;
  FakeAddressTable addresses{{"eth0"}};
  FakeProbes probes;
  CapturingLogger logger;
  Preflight preflight{cloud, addresses, probes, logger};
};

// The lines of `report` called `name`.
inline std::vector<CheckResult> lines(const PreflightReport& report, const std::string& name) {
  std::vector<CheckResult> out;
  std::copy_if(report.checks.begin(), report.checks.end(), std::back_inserter(out),
               [&](const CheckResult& c) { return c.name == name; });
  return out;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace cloudvip::testing
