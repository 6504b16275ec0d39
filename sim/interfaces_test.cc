// Interface and instance attributes, secondary private IPs, Elastic IPs, and the admin/IMDS views.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "sim/sim_test_util.h"

namespace cloudvip::sim::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class InterfacesTest : public SimTest {
 protected:
  nlohmann::json eni_state(const std::string& id) {
    nlohmann::json state = m_model.state_json();
    for (const auto& eni : state["network_interfaces"]) {
      if (eni["id"] == id) {
        return eni;
      }
    }
    ADD_FAILURE() << "no " << id;
    return {};
  }
  nlohmann::json address_state() { return m_model.state_json()["addresses"][0]; }
};

TEST_F(InterfacesTest, ModifyNetworkInterfaceAttributeFlipsSourceDestCheck) {
  auto doc = ok("ModifyNetworkInterfaceAttribute",
                {{"NetworkInterfaceId", k_eni_a}, {"SourceDestCheck.Value", "true"}});
  EXPECT_STREQ(doc->child("ModifyNetworkInterfaceAttributeResponse").child_value("return"), "true");
  EXPECT_EQ(eni_state(k_eni_a)["source_dest_check"], true);
  ok("ModifyNetworkInterfaceAttribute",
     {{"NetworkInterfaceId", k_eni_a}, {"SourceDestCheck.Value", "false"}});
  EXPECT_EQ(eni_state(k_eni_a)["source_dest_check"], false);
  ok("ModifyNetworkInterfaceAttribute", {{"NetworkInterfaceId", k_eni_a}, {"Description.Value", "primary"}});
  doc = ok("DescribeNetworkInterfaces", {{"NetworkInterfaceId.1", k_eni_a}});
  EXPECT_STREQ(doc->child("DescribeNetworkInterfacesResponse")
                   .child("networkInterfaceSet")
                   .child("item")
                   .child_value("description"),
               "primary");
}

TEST_F(InterfacesTest, ModifyNetworkInterfaceAttributeErrors) {
  error("ModifyNetworkInterfaceAttribute", {{"SourceDestCheck.Value", "true"}}, "MissingParameter", 400);
  error("ModifyNetworkInterfaceAttribute",
        {{"NetworkInterfaceId", "eni-00000000"}, {"SourceDestCheck.Value", "true"}},
        "InvalidNetworkInterfaceID.NotFound", 400);
  error("ModifyNetworkInterfaceAttribute",
        {{"NetworkInterfaceId", "eni-zz"}, {"SourceDestCheck.Value", "true"}},
        "InvalidNetworkInterfaceId.Malformed", 400);
  error("ModifyNetworkInterfaceAttribute", {{"NetworkInterfaceId", k_eni_a}}, "InvalidParameterCombination",
        400);
  error("ModifyNetworkInterfaceAttribute",
        {{"NetworkInterfaceId", k_eni_a}, {"SourceDestCheck.Value", "true"}, {"Description.Value", "x"}},
        "InvalidParameterCombination", 400);
  error("ModifyNetworkInterfaceAttribute",
        {{"NetworkInterfaceId", k_eni_a}, {"SourceDestCheck.Value", "yes"}}, "InvalidParameterValue", 400);
}

TEST_F(InterfacesTest, ModifyInstanceAttributeTakesBothWireForms) {
  ok("ModifyInstanceAttribute", {{"InstanceId", k_instance_b}, {"SourceDestCheck.Value", "true"}});
  EXPECT_EQ(eni_state(k_eni_b)["source_dest_check"], true);
  auto doc = ok("ModifyInstanceAttribute",
                {{"InstanceId", k_instance_b}, {"Attribute", "sourceDestCheck"}, {"Value", "false"}});
  EXPECT_STREQ(doc->child("ModifyInstanceAttributeResponse").child_value("return"), "true");
  EXPECT_EQ(eni_state(k_eni_b)["source_dest_check"], false);
  doc = ok("DescribeInstances", {{"InstanceId.1", k_instance_b}});
  EXPECT_STREQ(doc->child("DescribeInstancesResponse")
                   .child("reservationSet")
                   .child("item")
                   .child("instancesSet")
                   .child("item")
                   .child_value("sourceDestCheck"),
               "false");
}

TEST_F(InterfacesTest, ModifyInstanceAttributeErrors) {
  error("ModifyInstanceAttribute", {{"InstanceId", k_instance_a}}, "MissingParameter", 400);
  error("ModifyInstanceAttribute",
        {{"InstanceId", k_instance_a}, {"Attribute", "instanceType"}, {"Value", "t3.large"}},
        "InvalidParameterValue", 400);
  error("ModifyInstanceAttribute", {{"InstanceId", "i-00000000"}, {"SourceDestCheck.Value", "true"}},
        "InvalidInstanceID.NotFound", 400);
  error("ModifyInstanceAttribute", {{"InstanceId", "i-0"}, {"SourceDestCheck.Value", "true"}},
        "InvalidInstanceID.Malformed", 400);
}

TEST_F(InterfacesTest, ModifyInstanceAttributeWithSeveralInterfacesIsInvalidInstanceId) {
  Scenario scenario = m_scenario;
  EniSpec second{"eni-0a1b2c3d4e5f6001a",
                 "0e:a1:00:00:01:0a",
                 k_subnet_a,
                 {*Ipv4Address::parse("10.109.10.11")},
                 true,
                 1,
                 "",
                 {}};
  scenario.instances[0].enis.push_back(second);
  Model model(scenario, m_clock, m_ids);
  ApiResponse response = model.modify_instance_attribute(
      {{"InstanceId", k_instance_a}, {"SourceDestCheck.Value", "true"}}, admin());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.result.error().code, "InvalidInstanceID");
  EXPECT_THAT(response.result.error().message, HasSubstr("multiple interfaces"));
  ApiResponse associate =
      model.associate_address({{"AllocationId", k_eip}, {"InstanceId", k_instance_a}}, admin());
  ASSERT_FALSE(associate.ok());
  EXPECT_EQ(associate.result.error().code, "InvalidInstanceID");
}

TEST_F(InterfacesTest, AssignMovesASecondaryIpOnlyWithAllowReassignment) {
  auto doc = ok("AssignPrivateIpAddresses",
                {{"NetworkInterfaceId", k_eni_a}, {"PrivateIpAddress.1", "10.109.10.12"}});
  pugi::xml_node root = doc->child("AssignPrivateIpAddressesResponse");
  EXPECT_STREQ(root.child_value("networkInterfaceId"), k_eni_a);
  EXPECT_STREQ(root.child("assignedPrivateIpAddressesSet").child("item").child_value("privateIpAddress"),
               "10.109.10.12");
  EXPECT_THAT(eni_state(k_eni_a)["private_ips"], ElementsAre("10.109.10.10", "10.109.10.12"));

  // A second ENI in the same subnet, to move the address to.
  Scenario scenario = m_scenario;
  scenario.instances[0].enis.push_back(EniSpec{"eni-0a1b2c3d4e5f6001a",
                                               "0e:a1:00:00:01:0a",
                                               k_subnet_a,
                                               {*Ipv4Address::parse("10.109.10.20")},
                                               true,
                                               1,
                                               "",
                                               {}});
  Model model(scenario, m_clock, m_ids);
  ASSERT_TRUE(model
                  .assign_private_ip_addresses(
                      {{"NetworkInterfaceId", k_eni_a}, {"PrivateIpAddress.1", "10.109.10.12"}}, admin())
                  .ok());
  ApiResponse refused = model.assign_private_ip_addresses(
      {{"NetworkInterfaceId", "eni-0a1b2c3d4e5f6001a"}, {"PrivateIpAddress.1", "10.109.10.12"}}, admin());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.result.error().code, "Resource.AlreadyAssigned");
  ASSERT_TRUE(model
                  .assign_private_ip_addresses({{"NetworkInterfaceId", "eni-0a1b2c3d4e5f6001a"},
                                                {"PrivateIpAddress.1", "10.109.10.12"},
                                                {"AllowReassignment", "true"}},
                                               admin())
                  .ok());
  auto state = model.state_json();
  for (const auto& eni : state["network_interfaces"]) {
    if (eni["id"] == k_eni_a) {
      EXPECT_THAT(eni["private_ips"], ElementsAre("10.109.10.10"));
    } else if (eni["id"] == "eni-0a1b2c3d4e5f6001a") {
      EXPECT_THAT(eni["private_ips"], ElementsAre("10.109.10.20", "10.109.10.12"));
    }
  }
  // A primary address never moves.
  ApiResponse primary = model.assign_private_ip_addresses({{"NetworkInterfaceId", "eni-0a1b2c3d4e5f6001a"},
                                                           {"PrivateIpAddress.1", "10.109.10.10"},
                                                           {"AllowReassignment", "true"}},
                                                          admin());
  ASSERT_FALSE(primary.ok());
  EXPECT_EQ(primary.result.error().code, "InvalidParameterValue");
}

TEST_F(InterfacesTest, AssignByCountPicksFreeAddressesAndChecksTheSubnet) {
  auto doc = ok("AssignPrivateIpAddresses",
                {{"NetworkInterfaceId", k_eni_b}, {"SecondaryPrivateIpAddressCount", "2"}});
  auto items =
      doc->child("AssignPrivateIpAddressesResponse").child("assignedPrivateIpAddressesSet").children("item");
  std::vector<std::string> assigned;
  for (auto item : items) {
    assigned.push_back(item.child_value("privateIpAddress"));
  }
  EXPECT_THAT(assigned, ElementsAre("10.109.10.68", "10.109.10.69"));
  EXPECT_THAT(error("AssignPrivateIpAddresses",
                    {{"NetworkInterfaceId", k_eni_b}, {"PrivateIpAddress.1", "10.109.10.12"}},
                    "InvalidParameterValue", 400),
              HasSubstr("does not fall within the subnet"));
  error("AssignPrivateIpAddresses", {{"NetworkInterfaceId", k_eni_b}}, "InvalidParameterCombination", 400);
  error("AssignPrivateIpAddresses", {{"PrivateIpAddress.1", "10.109.10.70"}}, "MissingParameter", 400);
}

TEST_F(InterfacesTest, UnassignRemovesSecondaryAddressesOnly) {
  ok("AssignPrivateIpAddresses", {{"NetworkInterfaceId", k_eni_a}, {"PrivateIpAddress.1", "10.109.10.12"}});
  ok("UnassignPrivateIpAddresses", {{"NetworkInterfaceId", k_eni_a}, {"PrivateIpAddress.1", "10.109.10.12"}});
  EXPECT_THAT(eni_state(k_eni_a)["private_ips"], ElementsAre("10.109.10.10"));
  error("UnassignPrivateIpAddresses",
        {{"NetworkInterfaceId", k_eni_a}, {"PrivateIpAddress.1", "10.109.10.12"}}, "InvalidParameterValue",
        400);
  error("UnassignPrivateIpAddresses",
        {{"NetworkInterfaceId", k_eni_a}, {"PrivateIpAddress.1", "10.109.10.10"}}, "InvalidParameterValue",
        400);
  error("UnassignPrivateIpAddresses", {{"NetworkInterfaceId", k_eni_a}}, "MissingParameter", 400);
}

TEST_F(InterfacesTest, AssociateDescribeAndDisassociateAnElasticIp) {
  auto doc = ok("AssociateAddress", {{"AllocationId", k_eip}, {"InstanceId", k_instance_a}});
  std::string association = doc->child("AssociateAddressResponse").child_value("associationId");
  EXPECT_THAT(association, StartsWith("eipassoc-"));
  doc = ok("DescribeAddresses", {{"AllocationId.1", k_eip}});
  pugi::xml_node item = doc->child("DescribeAddressesResponse").child("addressesSet").child("item");
  EXPECT_STREQ(item.child_value("publicIp"), "203.0.113.10");
  EXPECT_STREQ(item.child_value("allocationId"), k_eip);
  EXPECT_STREQ(item.child_value("domain"), "vpc");
  EXPECT_EQ(item.child_value("associationId"), association);
  EXPECT_STREQ(item.child_value("instanceId"), k_instance_a);
  EXPECT_STREQ(item.child_value("networkInterfaceId"), k_eni_a);
  EXPECT_STREQ(item.child_value("privateIpAddress"), "10.109.10.10");
  EXPECT_STREQ(item.child("tagSet").child("item").child_value("value"), "db-public");
  // The instance and its ENI show the public address too.
  doc = ok("DescribeInstances", {{"InstanceId.1", k_instance_a}});
  EXPECT_STREQ(doc->child("DescribeInstancesResponse")
                   .child("reservationSet")
                   .child("item")
                   .child("instancesSet")
                   .child("item")
                   .child_value("ipAddress"),
               "203.0.113.10");

  // Re-association moves it (AllowReassociation defaults to true); false refuses.
  error("AssociateAddress",
        {{"AllocationId", k_eip}, {"NetworkInterfaceId", k_eni_b}, {"AllowReassociation", "false"}},
        "Resource.AlreadyAssociated", 400);
  ok("AssociateAddress", {{"AllocationId", k_eip}, {"NetworkInterfaceId", k_eni_b}});
  EXPECT_EQ(address_state()["network_interface_id"], k_eni_b);
  doc = ok("DescribeAddresses", {{"Filter.1.Name", "instance-id"}, {"Filter.1.Value.1", k_instance_b}});
  EXPECT_TRUE(doc->child("DescribeAddressesResponse").child("addressesSet").child("item"));
  error("DisassociateAddress", {{"AssociationId", association}}, "InvalidAssociationID.NotFound", 400);
  ok("DisassociateAddress", {{"AssociationId", address_state()["association_id"].get<std::string>()}});
  EXPECT_EQ(address_state()["association_id"], "");
  doc = ok("DescribeAddresses", {{"PublicIp.1", "203.0.113.10"}});
  EXPECT_FALSE(
      doc->child("DescribeAddressesResponse").child("addressesSet").child("item").child("associationId"));
}

TEST_F(InterfacesTest, AddressErrors) {
  error("AssociateAddress", {{"InstanceId", k_instance_a}}, "MissingParameter", 400);
  error("AssociateAddress", {{"AllocationId", "eipalloc-00000000"}, {"InstanceId", k_instance_a}},
        "InvalidAllocationID.NotFound", 400);
  error("AssociateAddress",
        {{"AllocationId", k_eip}, {"InstanceId", k_instance_a}, {"NetworkInterfaceId", k_eni_a}},
        "InvalidParameterCombination", 400);
  error("AssociateAddress",
        {{"AllocationId", k_eip}, {"NetworkInterfaceId", k_eni_a}, {"PrivateIpAddress", "10.109.10.11"}},
        "InvalidParameterValue", 400);
  error("DescribeAddresses", {{"PublicIp.1", "198.51.100.1"}}, "InvalidAddress.NotFound", 400);
  error("DescribeAddresses", {{"AllocationId.1", "eipalloc-00000000"}}, "InvalidAllocationID.NotFound", 400);
  // DescribeAddresses has no pagination: MaxResults is not one of its parameters and is ignored.
  EXPECT_FALSE(
      ok("DescribeAddresses", {{"MaxResults", "1"}})->child("DescribeAddressesResponse").child("nextToken"));
}

TEST_F(InterfacesTest, InstanceViewIsWhatImdsNeeds) {
  ok("AssociateAddress", {{"AllocationId", k_eip}, {"InstanceId", k_instance_b}});
  auto view = m_model.instance_view(k_instance_b);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->account_id, "123456789012");
  EXPECT_EQ(view->region, "us-east-1");
  EXPECT_EQ(view->az, "us-east-1b");
  EXPECT_EQ(view->iam_role, "cloudvip-role");
  EXPECT_TRUE(view->running);
  ASSERT_EQ(view->interfaces.size(), 1u);
  const InterfaceView& eth0 = view->interfaces[0];
  EXPECT_EQ(eth0.id, k_eni_b);
  EXPECT_EQ(eth0.mac, "0e:a1:00:00:00:0b");
  EXPECT_EQ(eth0.subnet_cidr.to_string(), "10.109.10.64/26");
  EXPECT_EQ(eth0.vpc_cidrs.at(0).to_string(), "10.109.10.0/24");
  EXPECT_EQ(eth0.private_ips.at(0).to_string(), "10.109.10.74");
  ASSERT_EQ(eth0.public_ips.size(), 1u);
  EXPECT_EQ(eth0.public_ips[0].first.to_string(), "203.0.113.10");
  EXPECT_FALSE(m_model.instance_view("i-00000000").has_value());
}

TEST_F(InterfacesTest, StateJsonDescribesTheWholeWorld) {
  auto state = m_model.state_json();
  EXPECT_EQ(state["account_id"], "123456789012");
  EXPECT_EQ(state["vpcs"].size(), 1u);
  EXPECT_EQ(state["subnets"].size(), 4u);
  EXPECT_EQ(state["route_tables"].size(), 3u);
  EXPECT_EQ(state["route_tables"][0]["main"], true);
  EXPECT_EQ(state["route_tables"][0]["routes"][0]["destination"], "10.109.10.0/24");
  EXPECT_EQ(state["route_tables"][0]["routes"][0]["gateway_id"], "local");
  EXPECT_EQ(state["instances"][1]["state"], "running");
  EXPECT_EQ(state["network_interfaces"][0]["status"], "in-use");
  EXPECT_EQ(state["addresses"][0]["public_ip"], "203.0.113.10");
  // No secrets in the dump.
  EXPECT_EQ(state.dump().find("secret"), std::string::npos);
}

TEST_F(InterfacesTest, ConcurrentCallersSeeAConsistentModel) {
  // Two threads flip routes while two read; every CreateRoute/ReplaceRoute must succeed and reads parse.
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (t < 2) {
          std::string destination = "192.168." + std::to_string(100 + t) + ".10/32";
          Params params{{"RouteTableId", k_rtb_a},
                        {"DestinationCidrBlock", destination},
                        {"NetworkInterfaceId", i % 2 == 0 ? k_eni_a : k_eni_b}};
          ApiResponse response =
              i == 0 ? m_model.create_route(params, admin()) : m_model.replace_route(params, admin());
          failures += response.ok() ? 0 : 1;
        } else {
          ApiResponse response = m_model.describe_route_tables({}, admin());
          pugi::xml_document doc;
          failures += response.ok() && doc.load_string(response.body().c_str()) ? 0 : 1;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace cloudvip::sim::testing
