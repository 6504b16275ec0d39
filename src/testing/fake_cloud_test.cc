#include "testing/fake_cloud.h"

#include <gtest/gtest.h>

namespace cloudvip::testing {
namespace {

const Cidr k_vip = *Cidr::parse("192.168.100.10/32");

void build_world(FakeCloud& cloud) {
  cloud.add_route_table({"rtb-a", "vpc-1", true, {}, {{"cloudvip", "prod"}}, {}});
  cloud.add_route_table({"rtb-b", "vpc-1", false, {"subnet-b"}, {}, {}});
  cloud.add_route_table({"rtb-x", "vpc-2", true, {}, {{"cloudvip", "prod"}}, {}});
  cloud.add_network_interface("eni-1", "i-1", true, {*Ipv4Address::parse("10.0.1.10")});
  cloud.add_network_interface("eni-2", "i-2", true, {*Ipv4Address::parse("10.0.2.20")});
  cloud.set_route("rtb-a", k_vip, VipRoute{"eni-2", "i-2", "", "active"});
}

std::vector<RouteChange> to_eni1(std::vector<std::string> tables) {
  std::vector<RouteChange> out;
  for (const std::string& t : tables) {
    out.push_back(RouteChange{t, k_vip, "eni-1", true});
  }
  return out;
}

TEST(FakeCloudTest, PointRoutesIsOneRecordedBatchAndChangesTheWorld) {
  FakeCloud cloud;
  build_world(cloud);
  auto results = cloud.point_routes(to_eni1({"rtb-a", "rtb-b"}), false);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].value(), Applied::changed);
  EXPECT_EQ(results[1].value(), Applied::changed);
  EXPECT_EQ(cloud.point_routes_batches(), std::vector<size_t>{2});
  EXPECT_EQ(cloud.mutating_call_count(), 1u);
  std::vector<FakeCall> calls = cloud.calls("point_routes");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].args, (std::vector<std::string>{"rtb-a 192.168.100.10/32 -> eni-1",
                                                     "rtb-b 192.168.100.10/32 -> eni-1"}));
  ASSERT_TRUE(cloud.route("rtb-b", k_vip).has_value());
  EXPECT_EQ(cloud.route("rtb-b", k_vip)->network_interface_id, "eni-1");
  EXPECT_EQ(cloud.route("rtb-b", k_vip)->instance_id, "i-1");
}

TEST(FakeCloudTest, DryRunChangesNothingAndIsNotMutating) {
  FakeCloud cloud;
  build_world(cloud);
  auto results = cloud.point_routes(to_eni1({"rtb-a"}), true);
  EXPECT_EQ(results[0].value(), Applied::dry_run_allowed);
  EXPECT_EQ(cloud.set_source_dest_check("eni-1", false, true).value(), Applied::dry_run_allowed);
  EXPECT_EQ(cloud.mutating_call_count(), 0u);
  EXPECT_TRUE(cloud.calls()[0].dry_run);
  EXPECT_EQ(cloud.route("rtb-a", k_vip)->network_interface_id, "eni-2");
  EXPECT_TRUE(cloud.source_dest_check("eni-1").value());
}

TEST(FakeCloudTest, FailuresPerMethodAndPerRouteTable) {
  FakeCloud cloud;
  build_world(cloud);
  Error throttled(ErrorCode::aws, "ReplaceRoute failed: RequestLimitExceeded");
  throttled.aws_code = "RequestLimitExceeded";
  cloud.fail_route_table("rtb-b", throttled);
  auto results = cloud.point_routes(to_eni1({"rtb-a", "rtb-b", "rtb-nope"}), false);
  EXPECT_TRUE(results[0].has_value());
  ASSERT_FALSE(results[1].has_value());
  EXPECT_EQ(results[1].error().aws_code, "RequestLimitExceeded");
  ASSERT_FALSE(results[2].has_value());
  EXPECT_EQ(results[2].error().aws_code, "InvalidRouteTableID.NotFound");

  cloud.fail_method("elastic_ip", Error(ErrorCode::timeout, "timed out"));
  EXPECT_EQ(cloud.elastic_ip("eipalloc-1").error().code, ErrorCode::timeout);
  cloud.clear_failures();
  EXPECT_EQ(cloud.elastic_ip("eipalloc-1").error().aws_code, "InvalidAllocationID.NotFound");
  EXPECT_TRUE(cloud.point_routes(to_eni1({"rtb-b"}), false)[0].has_value());
}

TEST(FakeCloudTest, RouteTablesBySelector) {
  FakeCloud cloud;
  build_world(cloud);
  auto by_ids =
      cloud.route_tables({RouteTableSelector::Kind::ids, {"rtb-b", "rtb-a"}, "", ""}, "vpc-1", k_vip);
  ASSERT_TRUE(by_ids.has_value());
  ASSERT_EQ(by_ids->size(), 2u);
  EXPECT_EQ((*by_ids)[0].id, "rtb-b");
  EXPECT_EQ((*by_ids)[0].subnet_ids, std::vector<std::string>{"subnet-b"});
  EXPECT_FALSE((*by_ids)[0].route.has_value());
  EXPECT_EQ((*by_ids)[1].route->network_interface_id, "eni-2");

  auto by_tag = cloud.route_tables({RouteTableSelector::Kind::tag, {}, "cloudvip", "prod"}, "vpc-1", k_vip);
  ASSERT_EQ(by_tag.value().size(), 1u);
  EXPECT_EQ(by_tag.value()[0].id, "rtb-a");
  EXPECT_EQ(cloud.route_tables({RouteTableSelector::Kind::vpc, {}, "", ""}, "vpc-1", k_vip).value().size(),
            2u);
  EXPECT_EQ(cloud.all_route_tables("vpc-2", k_vip).value().size(), 1u);

  EXPECT_EQ(cloud.route_tables({RouteTableSelector::Kind::ids, {"rtb-zz"}, "", ""}, "vpc-1", k_vip)
                .error()
                .aws_code,
            "InvalidRouteTableID.NotFound");
  auto other_vpc = cloud.route_tables({RouteTableSelector::Kind::ids, {"rtb-x"}, "", ""}, "vpc-1", k_vip);
  ASSERT_FALSE(other_vpc.has_value());
  EXPECT_NE(other_vpc.error().message.find("vpc-2"), std::string::npos);
  EXPECT_EQ(cloud.calls("route_tables")[0].args[0], "ids:rtb-b,rtb-a");
  EXPECT_EQ(cloud.mutating_call_count(), 0u);
}

TEST(FakeCloudTest, DeleteRoutesTreatsMissingAsDone) {
  FakeCloud cloud;
  build_world(cloud);
  auto results = cloud.delete_routes(to_eni1({"rtb-a", "rtb-b"}), false);
  EXPECT_EQ(results[0].value(), Applied::changed);
  EXPECT_EQ(results[1].value(), Applied::changed);
  EXPECT_FALSE(cloud.route("rtb-a", k_vip).has_value());
}

TEST(FakeCloudTest, ElasticIpSourceDestCheckAndPrivateIp) {
  FakeCloud cloud;
  build_world(cloud);
  cloud.add_elastic_ip({"eipalloc-1", "203.0.113.7", "eipassoc-0", "eni-2", "i-2", "10.0.2.20"});
  EXPECT_EQ(cloud.associate_elastic_ip("eipalloc-1", "eni-1", "", false).value(), Applied::changed);
  ElasticIpView eip = cloud.elastic_ip("eipalloc-1").value();
  EXPECT_EQ(eip.network_interface_id, "eni-1");
  EXPECT_EQ(eip.instance_id, "i-1");
  EXPECT_EQ(eip.private_ip, "10.0.1.10");

  EXPECT_EQ(cloud.set_source_dest_check("eni-1", false, false).value(), Applied::changed);
  EXPECT_FALSE(cloud.source_dest_check("eni-1").value());

  Ipv4Address moved = *Ipv4Address::parse("10.0.2.20");
  EXPECT_EQ(cloud.assign_private_ip("eni-1", moved, false).value(), Applied::changed);
  EXPECT_EQ(cloud.private_ips("eni-2"), std::vector<Ipv4Address>{});
  EXPECT_EQ(cloud.private_ips("eni-1").back(), moved);
  EXPECT_EQ(cloud.mutating_call_count(), 3u);
  cloud.clear_calls();
  EXPECT_TRUE(cloud.calls().empty());
}

TEST(FakeCloudTest, IdentityPerMac) {
  FakeCloud cloud;
  Identity primary;
  primary.network_interface_id = "eni-1";
  cloud.set_identity(primary);
  EXPECT_EQ(cloud.identity("").value().network_interface_id, "eni-1");
  EXPECT_EQ(cloud.identity("0e:00:00:00:00:01").error().code, ErrorCode::not_found);
}

TEST(FakeCloudTest, ReadRouteTablesIsOneRecordedCallForManyDestinations) {
  FakeCloud cloud;
  build_world(cloud);
  const Cidr other = *Cidr::parse("192.168.100.20/32");
  cloud.set_route("rtb-b", other, VipRoute{"eni-1", "i-1", "", "active"});
  auto tables = cloud.read_route_tables({.vpc_id = "vpc-1", .ids = {"rtb-b", "rtb-a"}}, {k_vip, other});
  ASSERT_TRUE(tables.has_value()) << tables.error().to_string();
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[0].id, "rtb-b");
  EXPECT_EQ((*tables)[0].routes.size(), 1u);
  EXPECT_EQ((*tables)[1].routes.at(k_vip).network_interface_id, "eni-2");
  EXPECT_EQ((*tables)[1].tags.at("cloudvip"), "prod");
  auto whole = cloud.read_route_tables({.vpc_id = "vpc-1", .whole_vpc = true}, {k_vip});
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(whole->size(), 2u);  // not rtb-x of vpc-2
  EXPECT_EQ(cloud.calls("read_route_tables").size(), 2u);
  EXPECT_FALSE(cloud.read_route_tables({.vpc_id = "vpc-1", .ids = {"rtb-x"}}, {k_vip}).has_value());
  EXPECT_FALSE(cloud.read_route_tables({.vpc_id = "vpc-1", .ids = {"rtb-nope"}}, {k_vip}).has_value());
}

// A Cloud that does not override read_route_tables still answers it, through route_tables (no tags).
class OnlyRouteTables final : public Cloud {
 public:
  explicit OnlyRouteTables(FakeCloud& inner) : m_inner(inner) {}
  Result<Identity> identity(const std::string& mac) override { return m_inner.identity(mac); }
  Result<std::vector<RouteTableView>> route_tables(const RouteTableSelector& s, const std::string& v,
                                                   const Cidr& d) override {
    return m_inner.route_tables(s, v, d);
  }
  Result<std::vector<RouteTableView>> all_route_tables(const std::string& v, const Cidr& d) override {
    return m_inner.all_route_tables(v, d);
  }
  Result<std::vector<SubnetView>> subnets(const std::string& v) override { return m_inner.subnets(v); }
  std::vector<Result<Applied>> point_routes(const std::vector<RouteChange>& c, bool d) override {
    return m_inner.point_routes(c, d);
  }
  std::vector<Result<Applied>> delete_routes(const std::vector<RouteChange>& c, bool d) override {
    return m_inner.delete_routes(c, d);
  }
  Result<ElasticIpView> elastic_ip(const std::string& a) override { return m_inner.elastic_ip(a); }
  Result<Applied> associate_elastic_ip(const std::string& a, const std::string& e, const std::string& p,
                                       bool d) override {
    return m_inner.associate_elastic_ip(a, e, p, d);
  }
  Result<bool> source_dest_check(const std::string& e) override { return m_inner.source_dest_check(e); }
  Result<Applied> set_source_dest_check(const std::string& e, bool on, bool d) override {
    return m_inner.set_source_dest_check(e, on, d);
  }
  Result<Applied> assign_private_ip(const std::string& e, Ipv4Address a, bool d) override {
    return m_inner.assign_private_ip(e, a, d);
  }

 private:
  FakeCloud& m_inner;
};

TEST(CloudTest, TheDefaultReadRouteTablesAsksOncePerDestination) {
  FakeCloud fake;
  build_world(fake);
  const Cidr other = *Cidr::parse("192.168.100.20/32");
  fake.set_route("rtb-b", other, VipRoute{"eni-1", "i-1", "", "active"});
  OnlyRouteTables cloud(fake);
  auto tables = cloud.read_route_tables({.vpc_id = "vpc-1", .ids = {"rtb-a", "rtb-b"}}, {k_vip, other});
  ASSERT_TRUE(tables.has_value()) << tables.error().to_string();
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[0].routes.at(k_vip).network_interface_id, "eni-2");
  EXPECT_EQ((*tables)[1].routes.at(other).network_interface_id, "eni-1");
  EXPECT_EQ(fake.calls("route_tables").size(), 2u);
}

}  // namespace
}  // namespace cloudvip::testing
