// The world the Engine tests run in: a VPC 10.0.0.0/16 with this host (i-0aaa, eni-0aaa, on eth0) and its
// peer (i-0bbb, eni-0bbb), route tables rtb-0..rtb-N tagged cloudvip=iris, FakeCloud, FakeAddressTable and
// FakeClock. Included by the engine's *_test.cc files only.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "common/log.h"
#include "testing/fake_address_table.h"
#include "testing/fake_cloud.h"
#include "vip/engine.h"

namespace cloudvip::engine_test {

inline Cidr cidr(std::string_view text) {
  return *Cidr::parse(text);
}
inline Ipv4Address ip(std::string_view text) {
  return *Ipv4Address::parse(text);
}

inline const std::string k_mac = "0e:aa:00:00:00:01";
inline const std::string k_our_eni = "eni-0aaa";
inline const std::string k_peer_eni = "eni-0bbb";
inline const Ipv4Address k_overlay_vip = ip("192.168.100.10");
inline const Cidr k_overlay_destination = cidr("192.168.100.10/32");
inline const Ipv4Address k_in_vpc_vip = ip("10.0.255.10");
inline const Cidr k_in_vpc_destination = cidr("10.0.255.0/28");

inline VipRoute route_to(const std::string& eni, std::string state = "active") {
  return VipRoute{eni, eni == k_our_eni ? "i-0aaa" : "i-0bbb", "", std::move(state)};
}

inline Error aws_error(std::string code, std::string message, std::string request_id) {
  Error error(ErrorCode::aws, message);
  error.aws_code = std::move(code);
  error.aws_message = std::move(message);
  error.request_id = std::move(request_id);
  error.http_status = 403;
  return error;
}

// Forwards every call to a FakeCloud; a test can hook in after point_routes (e.g. to make a route go
// blackhole before verification) and make reads and writes take time on the FakeClock.
class HookedCloud final : public Cloud {
 public:
  HookedCloud(testing::FakeCloud& inner, FakeClock& clock) : m_inner(inner), m_clock(clock) {}

  std::function<void()> before_point_routes;
  std::function<void()> after_point_routes;
  Millis read_time{0};   // each route_tables call
  Millis write_time{0};  // each point_routes call
  // Rewrites the answer of a route_tables read (number `read`, from 1): a lagging replica's view.
  std::function<void(int read, std::vector<RouteTableView>&)> lag;
  int reads = 0;

  Result<Identity> identity(const std::string& mac) override { return m_inner.identity(mac); }
  Result<std::vector<RouteTableView>> route_tables(const RouteTableSelector& selector,
                                                   const std::string& vpc_id,
                                                   const Cidr& destination) override {
    m_clock.advance(read_time);
    auto tables = m_inner.route_tables(selector, vpc_id, destination);
    ++reads;
    if (tables && lag) {
      lag(reads, *tables);
    }
    return tables;
  }
  Result<std::vector<RouteTableView>> all_route_tables(const std::string& vpc_id,
                                                       const Cidr& destination) override {
    return m_inner.all_route_tables(vpc_id, destination);
  }
  Result<std::vector<SubnetView>> subnets(const std::string& vpc_id) override {
    return m_inner.subnets(vpc_id);
  }
  std::vector<Result<Applied>> point_routes(const std::vector<RouteChange>& changes, bool dry_run) override {
    m_clock.advance(write_time);
    if (before_point_routes) {
      before_point_routes();
    }
    auto results = m_inner.point_routes(changes, dry_run);
    if (after_point_routes) {
      after_point_routes();
    }
    return results;
  }
  std::vector<Result<Applied>> delete_routes(const std::vector<RouteChange>& routes, bool dry_run) override {
    return m_inner.delete_routes(routes, dry_run);
  }
  Result<ElasticIpView> elastic_ip(const std::string& allocation_id) override {
    return m_inner.elastic_ip(allocation_id);
  }
  Result<Applied> associate_elastic_ip(const std::string& allocation_id, const std::string& eni,
                                       const std::string& private_ip, bool dry_run) override {
    return m_inner.associate_elastic_ip(allocation_id, eni, private_ip, dry_run);
  }
  Result<bool> source_dest_check(const std::string& eni) override { return m_inner.source_dest_check(eni); }
  Result<Applied> set_source_dest_check(const std::string& eni, bool enabled, bool dry_run) override {
    return m_inner.set_source_dest_check(eni, enabled, dry_run);
  }
  Result<Applied> assign_private_ip(const std::string& eni, Ipv4Address address, bool dry_run) override {
    return m_inner.assign_private_ip(eni, address, dry_run);
  }

 private:
  testing::FakeCloud& m_inner;
  FakeClock& m_clock;
};

class EngineWorld : public ::testing::Test {
 protected:
  EngineWorld() {
    addresses.set_link_address("eth0", k_mac);
    Identity identity{.instance_id = "i-0aaa",
                      .region = "eu-west-1",
                      .availability_zone = "eu-west-1a",
                      .account_id = "123456789012",
                      .mac = k_mac,
                      .network_interface_id = k_our_eni,
                      .subnet_id = "subnet-a",
                      .subnet_cidr = cidr("10.0.1.0/24"),
                      .vpc_id = "vpc-1",
                      .vpc_cidrs = {cidr("10.0.0.0/16")},
                      .private_ips = {ip("10.0.1.10")}};
    cloud.set_identity(identity, k_mac);
    cloud.add_network_interface(k_our_eni, "i-0aaa", false, {ip("10.0.1.10")});
    cloud.add_network_interface(k_peer_eni, "i-0bbb", false, {ip("10.0.2.10")});
    cloud.add_subnet("vpc-1", SubnetView{"subnet-a", cidr("10.0.1.0/24"), "eu-west-1a"});
    cloud.add_subnet("vpc-1", SubnetView{"subnet-b", cidr("10.0.2.0/24"), "eu-west-1b"});
    cloud.add_subnet("vpc-1", SubnetView{"subnet-vip", k_in_vpc_destination, "eu-west-1a"});
    // A table of another VPC with the tag: never selected.
    cloud.add_route_table({.id = "rtb-other", .vpc_id = "vpc-2", .tags = {{"cloudvip", "iris"}}});
  }

  // Route tables rtb-0 .. rtb-(n-1) of vpc-1 tagged cloudvip=iris (rtb-0 the main one), each with a route for
  // `destination` to `eni` when `eni` is not empty.
  void add_tables(int n, const std::string& eni, const Cidr& destination = k_overlay_destination) {
    for (int i = 0; i < n; ++i) {
      std::string id = "rtb-" + std::to_string(i);
      cloud.add_route_table({.id = id, .vpc_id = "vpc-1", .main = i == 0, .tags = {{"cloudvip", "iris"}}});
      if (!eni.empty()) {
        cloud.set_route(id, destination, route_to(eni));
      }
    }
  }

  static VipSpec overlay_spec() {
    VipSpec spec;
    spec.name = "iris";
    spec.address = k_overlay_vip;
    spec.label = "eth0:1";
    spec.route_tables = RouteTableTag{"cloudvip", "iris"};
    return spec;
  }

  std::string our_route(const std::string& table, const Cidr& destination = k_overlay_destination) const {
    auto route = cloud.route(table, destination);
    return route ? route->network_interface_id + " " + route->state : "missing";
  }

  testing::FakeCloud cloud;
  testing::FakeAddressTable addresses;
  FakeClock clock;
  CapturingLogger log;
  HookedCloud hooked{cloud, clock};
  Engine engine{hooked, addresses, clock, log};
};

}  // namespace cloudvip::engine_test
