#include "aws/ec2_xml.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

Ec2Response ok_response(std::string action, std::string body) {
  return Ec2Response{std::move(action), 200, std::move(body), ""};
}

// The AWS API reference sample (aws-protocol.md §1.4).
constexpr std::string_view k_route_tables_sample =
    R"(<DescribeRouteTablesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>fe876446-c8c0-4f2d-a6df-ed506example</requestId>
  <routeTableSet><item>
    <routeTableId>rtb-1122334455667788a</routeTableId><vpcId>vpc-12345678912345678</vpcId><ownerId>111122223333</ownerId>
    <routeSet>
      <item><destinationCidrBlock>172.31.0.0/16</destinationCidrBlock><gatewayId>local</gatewayId><state>active</state><origin>CreateRouteTable</origin></item>
      <item><destinationCidrBlock>0.0.0.0/0</destinationCidrBlock><gatewayId>igw-012345678901abcdef</gatewayId><state>active</state><origin>CreateRoute</origin></item>
    </routeSet>
    <associationSet><item><routeTableAssociationId>rtbassoc-04ca27a6914a0b4fc</routeTableAssociationId><routeTableId>rtb-1122334455667788a</routeTableId><main>true</main></item></associationSet>
    <propagatingVgwSet/><tagSet/>
  </item></routeTableSet>
</DescribeRouteTablesResponse>)";

TEST(Ec2XmlTest, ParsesAwsRouteTableSample) {
  Result<Page<RouteTable>> page =
      parse_describe_route_tables(ok_response("DescribeRouteTables", std::string(k_route_tables_sample)));
  ASSERT_TRUE(page.has_value()) << page.error().to_string();
  ASSERT_EQ(page->items.size(), 1u);
  const RouteTable& t = page->items[0];
  EXPECT_EQ(t.id, "rtb-1122334455667788a");
  EXPECT_EQ(t.vpc_id, "vpc-12345678912345678");
  EXPECT_EQ(t.owner_id, "111122223333");
  ASSERT_EQ(t.routes.size(), 2u);
  EXPECT_EQ(t.routes[0].destination_cidr, "172.31.0.0/16");
  EXPECT_EQ(t.routes[0].gateway_id, "local");
  EXPECT_EQ(t.routes[0].origin, "CreateRouteTable");
  EXPECT_EQ(t.routes[1].gateway_id, "igw-012345678901abcdef");
  EXPECT_EQ(t.routes[1].state, "active");
  ASSERT_EQ(t.associations.size(), 1u);
  EXPECT_EQ(t.associations[0].id, "rtbassoc-04ca27a6914a0b4fc");
  EXPECT_TRUE(t.associations[0].main);
  EXPECT_TRUE(t.tags.empty());
  EXPECT_EQ(page->next_token, "");
  EXPECT_EQ(find_request_id(k_route_tables_sample), "fe876446-c8c0-4f2d-a6df-ed506example");
}

TEST(Ec2XmlTest, RouteToEniTagsNextTokenAndPrefixedNamespace) {
  std::string body = R"(<ec2:DescribeRouteTablesResponse xmlns:ec2="http://ec2.amazonaws.com/doc/2016-11-15/">
    <ec2:routeTableSet><ec2:member><ec2:routeTableId>rtb-1</ec2:routeTableId>
      <ec2:routeSet><ec2:item><ec2:destinationCidrBlock>192.168.100.10/32</ec2:destinationCidrBlock>
        <ec2:networkInterfaceId>eni-1</ec2:networkInterfaceId><ec2:instanceId>i-1</ec2:instanceId>
        <ec2:state>blackhole</ec2:state><ec2:origin>CreateRoute</ec2:origin></ec2:item></ec2:routeSet>
      <ec2:associationSet><ec2:item><ec2:routeTableAssociationId>rtbassoc-1</ec2:routeTableAssociationId>
        <ec2:subnetId>subnet-1</ec2:subnetId><ec2:main>True</ec2:main>
        <ec2:associationState><ec2:state>associated</ec2:state></ec2:associationState></ec2:item></ec2:associationSet>
      <ec2:tagSet><ec2:item><ec2:key>Name</ec2:key><ec2:value>a b</ec2:value></ec2:item></ec2:tagSet>
    </ec2:member></ec2:routeTableSet><ec2:nextToken>tok-2</ec2:nextToken></ec2:DescribeRouteTablesResponse>)";
  Result<Page<RouteTable>> page = parse_describe_route_tables(ok_response("DescribeRouteTables", body));
  ASSERT_TRUE(page.has_value()) << page.error().to_string();
  ASSERT_EQ(page->items.size(), 1u);  // any tag counts as an item, not only <item>
  const RouteTable& t = page->items[0];
  ASSERT_EQ(t.routes.size(), 1u);
  EXPECT_EQ(t.routes[0].network_interface_id, "eni-1");
  EXPECT_EQ(t.routes[0].instance_id, "i-1");
  EXPECT_EQ(t.routes[0].state, "blackhole");
  EXPECT_FALSE(t.associations[0].main);  // "True" is not "true"
  EXPECT_EQ(t.associations[0].subnet_id, "subnet-1");
  EXPECT_EQ(t.associations[0].state, "associated");
  EXPECT_EQ(find_tag(t.tags, "Name"), "a b");
  EXPECT_EQ(find_tag(t.tags, "Missing"), std::nullopt);
  EXPECT_EQ(page->next_token, "tok-2");
}

TEST(Ec2XmlTest, ParsesInstancesAcrossReservations) {
  std::string body = R"(<DescribeInstancesResponse><requestId>r</requestId><reservationSet>
    <item><reservationId>r-1</reservationId><instancesSet><item>
      <instanceId>i-1</instanceId><instanceType>t3.micro</instanceType><instanceState><code>16</code><name>running</name></instanceState>
      <privateIpAddress>10.0.1.10</privateIpAddress><ipAddress>3.3.3.3</ipAddress><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId>
      <placement><availabilityZone>us-east-1a</availabilityZone></placement><sourceDestCheck>false</sourceDestCheck>
      <networkInterfaceSet><item><networkInterfaceId>eni-1</networkInterfaceId><macAddress>0a:00:00:00:00:01</macAddress>
        <privateIpAddress>10.0.1.10</privateIpAddress><sourceDestCheck>false</sourceDestCheck><status>in-use</status>
        <attachment><attachmentId>eni-attach-1</attachmentId><deviceIndex>0</deviceIndex><status>attached</status>
          <deleteOnTermination>true</deleteOnTermination></attachment>
        <privateIpAddressesSet><item><privateIpAddress>10.0.1.10</privateIpAddress><primary>true</primary></item>
          <item><privateIpAddress>10.0.1.11</privateIpAddress><primary>false</primary></item></privateIpAddressesSet>
      </item></networkInterfaceSet>
      <tagSet><item><key>Name</key><value>iris-a</value></item></tagSet>
    </item></instancesSet></item>
    <item><reservationId>r-2</reservationId><instancesSet><item><instanceId>i-2</instanceId>
      <instanceState><code>80</code><name>stopped</name></instanceState><sourceDestCheck>true</sourceDestCheck></item></instancesSet></item>
  </reservationSet></DescribeInstancesResponse>)";
  Result<Page<Instance>> page = parse_describe_instances(ok_response("DescribeInstances", body));
  ASSERT_TRUE(page.has_value()) << page.error().to_string();
  ASSERT_EQ(page->items.size(), 2u);
  const Instance& a = page->items[0];
  EXPECT_EQ(a.id, "i-1");
  EXPECT_EQ(a.state, "running");
  EXPECT_EQ(a.state_code, 16);
  EXPECT_EQ(a.availability_zone, "us-east-1a");
  EXPECT_EQ(a.private_ip, "10.0.1.10");
  EXPECT_EQ(a.public_ip, "3.3.3.3");
  EXPECT_FALSE(a.source_dest_check);
  EXPECT_EQ(find_tag(a.tags, "Name"), "iris-a");
  ASSERT_EQ(a.network_interfaces.size(), 1u);
  const NetworkInterface& eni = a.network_interfaces[0];
  EXPECT_EQ(eni.id, "eni-1");
  EXPECT_EQ(eni.mac_address, "0a:00:00:00:00:01");
  ASSERT_TRUE(eni.attachment.has_value());
  EXPECT_EQ(eni.attachment->device_index, 0);
  EXPECT_TRUE(eni.attachment->delete_on_termination);
  ASSERT_EQ(eni.private_ips.size(), 2u);
  EXPECT_TRUE(eni.private_ips[0].primary);
  EXPECT_EQ(eni.private_ips[1].private_ip, "10.0.1.11");
  EXPECT_EQ(page->items[1].id, "i-2");
  EXPECT_EQ(page->items[1].state, "stopped");
  EXPECT_TRUE(page->items[1].source_dest_check);
  EXPECT_TRUE(page->items[1].network_interfaces.empty());
}

TEST(Ec2XmlTest, ParsesNetworkInterfaces) {
  std::string body = R"(<DescribeNetworkInterfacesResponse><networkInterfaceSet><item>
    <networkInterfaceId>eni-1</networkInterfaceId><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId>
    <availabilityZone>us-east-1b</availabilityZone><macAddress>0a:bb</macAddress><privateIpAddress>10.0.2.5</privateIpAddress>
    <sourceDestCheck>true</sourceDestCheck><status>in-use</status>
    <attachment><attachmentId>eni-attach-9</attachmentId><instanceId>i-9</instanceId><deviceIndex>1</deviceIndex><status>attached</status></attachment>
    <association><publicIp>1.2.3.4</publicIp><allocationId>eipalloc-1</allocationId><associationId>eipassoc-1</associationId></association>
    <privateIpAddressesSet><item><privateIpAddress>10.0.2.5</privateIpAddress><primary>true</primary>
      <association><publicIp>1.2.3.4</publicIp><allocationId>eipalloc-1</allocationId></association></item></privateIpAddressesSet>
    <tagSet><item><key>role</key><value>vip</value></item></tagSet>
  </item></networkInterfaceSet><nextToken>n2</nextToken></DescribeNetworkInterfacesResponse>)";
  Result<Page<NetworkInterface>> page =
      parse_describe_network_interfaces(ok_response("DescribeNetworkInterfaces", body));
  ASSERT_TRUE(page.has_value()) << page.error().to_string();
  ASSERT_EQ(page->items.size(), 1u);
  const NetworkInterface& eni = page->items[0];
  EXPECT_EQ(eni.availability_zone, "us-east-1b");
  EXPECT_TRUE(eni.source_dest_check);
  ASSERT_TRUE(eni.attachment.has_value());
  EXPECT_EQ(eni.attachment->instance_id, "i-9");
  EXPECT_EQ(eni.attachment->device_index, 1);
  ASSERT_TRUE(eni.association.has_value());
  EXPECT_EQ(eni.association->public_ip, "1.2.3.4");
  EXPECT_EQ(eni.association->allocation_id, "eipalloc-1");
  EXPECT_EQ(eni.association->association_id, "eipassoc-1");
  ASSERT_EQ(eni.private_ips.size(), 1u);
  ASSERT_TRUE(eni.private_ips[0].association.has_value());
  EXPECT_EQ(eni.private_ips[0].association->public_ip, "1.2.3.4");
  EXPECT_EQ(find_tag(eni.tags, "role"), "vip");
  EXPECT_EQ(page->next_token, "n2");
}

TEST(Ec2XmlTest, ParsesSubnetsVpcsAndAddresses) {
  Result<Page<Subnet>> subnets =
      parse_describe_subnets(ok_response("DescribeSubnets", R"(<DescribeSubnetsResponse>
    <subnetSet><item><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId><cidrBlock>10.0.1.0/24</cidrBlock>
      <availabilityZone>us-east-1a</availabilityZone><availabilityZoneId>use1-az1</availabilityZoneId><state>available</state>
      <defaultForAz>false</defaultForAz></item></subnetSet></DescribeSubnetsResponse>)"));
  ASSERT_TRUE(subnets.has_value()) << subnets.error().to_string();
  ASSERT_EQ(subnets->items.size(), 1u);
  EXPECT_EQ(subnets->items[0].cidr_block, "10.0.1.0/24");
  EXPECT_EQ(subnets->items[0].availability_zone_id, "use1-az1");

  Result<Page<Vpc>> vpcs =
      parse_describe_vpcs(ok_response("DescribeVpcs", R"(<DescribeVpcsResponse><vpcSet><item>
    <vpcId>vpc-1</vpcId><cidrBlock>10.0.0.0/16</cidrBlock><isDefault>false</isDefault><state>available</state>
    <cidrBlockAssociationSet>
      <item><associationId>a1</associationId><cidrBlock>10.0.0.0/16</cidrBlock><cidrBlockState><state>associated</state></cidrBlockState></item>
      <item><associationId>a2</associationId><cidrBlock>10.1.0.0/16</cidrBlock><cidrBlockState><state>associated</state></cidrBlockState></item>
      <item><associationId>a3</associationId><cidrBlock>10.2.0.0/16</cidrBlock><cidrBlockState><state>disassociated</state></cidrBlockState></item>
    </cidrBlockAssociationSet></item></vpcSet></DescribeVpcsResponse>)"));
  ASSERT_TRUE(vpcs.has_value()) << vpcs.error().to_string();
  ASSERT_EQ(vpcs->items.size(), 1u);
  EXPECT_EQ(vpcs->items[0].cidr_block_associations.size(), 3u);
  EXPECT_EQ(vpcs->items[0].cidr_blocks(), (std::vector<std::string>{"10.0.0.0/16", "10.1.0.0/16"}));

  Result<std::vector<Address>> addresses = parse_describe_addresses(
      ok_response("DescribeAddresses", R"(<DescribeAddressesResponse><addressesSet><item>
    <publicIp>3.3.3.3</publicIp><allocationId>eipalloc-1</allocationId><domain>vpc</domain><associationId>eipassoc-1</associationId>
    <instanceId>i-1</instanceId><networkInterfaceId>eni-1</networkInterfaceId><privateIpAddress>10.0.1.10</privateIpAddress>
    </item><item><publicIp>4.4.4.4</publicIp><allocationId>eipalloc-2</allocationId><domain>vpc</domain></item>
    </addressesSet></DescribeAddressesResponse>)"));
  ASSERT_TRUE(addresses.has_value()) << addresses.error().to_string();
  ASSERT_EQ(addresses->size(), 2u);
  EXPECT_EQ((*addresses)[0].association_id, "eipassoc-1");
  EXPECT_EQ((*addresses)[0].network_interface_id, "eni-1");
  EXPECT_EQ((*addresses)[0].private_ip, "10.0.1.10");
  EXPECT_EQ((*addresses)[1].association_id, "");
}

TEST(Ec2XmlTest, ParsesAssociateAssignAndReturn) {
  EXPECT_EQ(
      parse_associate_address(ok_response("AssociateAddress",
                                          "<AssociateAddressResponse><requestId>x</requestId><associationId>"
                                          "eipassoc-7</associationId></AssociateAddressResponse>")),
      "eipassoc-7");
  Result<std::vector<std::string>> ips = parse_assign_private_ip_addresses(
      ok_response("AssignPrivateIpAddresses",
                  "<AssignPrivateIpAddressesResponse><networkInterfaceId>eni-1</networkInterfaceId>"
                  "<assignedPrivateIpAddressesSet><item><privateIpAddress>10.0.1.50</privateIpAddress></item>"
                  "</assignedPrivateIpAddressesSet></AssignPrivateIpAddressesResponse>"));
  ASSERT_TRUE(ips.has_value());
  EXPECT_EQ(*ips, std::vector<std::string>{"10.0.1.50"});
  EXPECT_TRUE(parse_return(ok_response("ReplaceRoute",
                                       "<ReplaceRouteResponse><requestId>r</requestId>"
                                       "<return>true</return></ReplaceRouteResponse>")));
  EXPECT_TRUE(parse_return(ok_response("DeleteRoute",
                                       "<DeleteRouteResponse><requestId>r</requestId>"
                                       "</DeleteRouteResponse>")));
  Result<void> refused = parse_return(
      ok_response("CreateRoute", "<CreateRouteResponse><return>false</return></CreateRouteResponse>"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::aws);
  EXPECT_NE(refused.error().message.find("CreateRoute"), std::string::npos);
}

TEST(Ec2XmlTest, SuccessParseErrorsNameActionAndStatus) {
  struct Case {
    std::string body;
    std::string expect;
  };
  for (const Case& c : std::vector<Case>{
           {"", "empty body"},
           {"<DescribeRouteTablesResponse><routeTableSet><item>", "not well-formed XML"},
           {"<DescribeRouteTablesResponse><routeTableSet></item></routeTableSet>", "not well-formed XML"},
           {"<DescribeVpcsResponse/>", "expected <DescribeRouteTablesResponse>"},
           {"plain text", "No document element"},
       }) {
    Result<Page<RouteTable>> page = parse_describe_route_tables(ok_response("DescribeRouteTables", c.body));
    ASSERT_FALSE(page.has_value()) << c.body;
    EXPECT_EQ(page.error().code, ErrorCode::parse) << c.body;
    EXPECT_EQ(page.error().http_status, 200);
    EXPECT_NE(page.error().message.find("DescribeRouteTables answer (HTTP 200)"), std::string::npos)
        << page.error().message;
    EXPECT_NE(page.error().message.find(c.expect), std::string::npos) << page.error().message;
  }
}

TEST(Ec2XmlTest, ErrorDocumentBecomesAwsError) {
  // aws-protocol.md §2.1.
  std::string body =
      R"(<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID 'i-1a2b3c4d' does not exist</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>)";
  Error e = error_from_response("DescribeInstances", 400, body);
  EXPECT_EQ(e.code, ErrorCode::aws);
  EXPECT_EQ(e.aws_code, "InvalidInstanceID.NotFound");
  EXPECT_EQ(e.aws_message, "The instance ID 'i-1a2b3c4d' does not exist");
  EXPECT_EQ(e.request_id, "ea966190-f9aa-478e-9ede-example");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(
      e.message,
      "DescribeInstances failed: InvalidInstanceID.NotFound: The instance ID 'i-1a2b3c4d' does not exist");
}

TEST(Ec2XmlTest, CheckResponseSplitsSuccessFromError) {
  HttpResponse good{200, {}, std::string(k_route_tables_sample)};
  Result<Ec2Response> r = check_response("DescribeRouteTables", good);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->request_id, "fe876446-c8c0-4f2d-a6df-ed506example");
  EXPECT_EQ(r->action, "DescribeRouteTables");

  HttpResponse throttled{503,
                         {},
                         "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit "
                         "exceeded.</Message></Error></Errors><RequestID>req-1</RequestID></Response>"};
  Result<Ec2Response> t = check_response("ReplaceRoute", throttled);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, ErrorCode::aws);
  EXPECT_EQ(t.error().aws_code, "RequestLimitExceeded");
  EXPECT_EQ(t.error().http_status, 503);
  EXPECT_EQ(t.error().request_id, "req-1");
}

TEST(Ec2XmlTest, ServerErrorsWithoutErrorDocumentAreHttpErrors) {
  for (std::string_view body :
       {"", "  \n", "<html><body>502 Bad Gateway</body></html>", "<!DOCTYPE html><html></html>",
        "<Response><Err", "<Other/>", "Bad Gateway"}) {
    Error e = error_from_response("ReplaceRoute", 502, body);
    EXPECT_EQ(e.code, ErrorCode::http) << body;
    EXPECT_EQ(e.http_status, 502) << body;
    EXPECT_NE(e.message.find("ReplaceRoute failed: HTTP 502"), std::string::npos) << e.message;
  }
}

TEST(Ec2XmlTest, ClientErrorsWithBadXmlAreParseErrors) {
  Error truncated = error_from_response("CreateRoute", 400, "<Response><Errors><Error><Code>Invalid");
  EXPECT_EQ(truncated.code, ErrorCode::parse);
  EXPECT_EQ(truncated.http_status, 400);
  EXPECT_NE(truncated.message.find("CreateRoute answer (HTTP 400)"), std::string::npos) << truncated.message;

  Error other_root =
      error_from_response("CreateRoute", 403, "<AccessDenied><Reason>x</Reason></AccessDenied>");
  EXPECT_EQ(other_root.code, ErrorCode::parse);
  EXPECT_NE(other_root.message.find("<AccessDenied>"), std::string::npos) << other_root.message;

  Error empty = error_from_response("CreateRoute", 403, "");
  EXPECT_EQ(empty.code, ErrorCode::http);
  EXPECT_EQ(empty.http_status, 403);
}

TEST(Ec2XmlTest, ErrorDocumentVariants) {
  // Another Query service's shape, a namespace, a missing code and message.
  Error e = error_from_response(
      "DescribeVpcs", 400,
      "<ErrorResponse xmlns=\"urn:x\"><Error><Code>Throttling</Code><Message>slow</Message>"
      "</Error><RequestId>r-9</RequestId></ErrorResponse>");
  EXPECT_EQ(e.aws_code, "Throttling");
  EXPECT_EQ(e.request_id, "r-9");
  Error no_code = error_from_response("DescribeVpcs", 500, "<Response><Errors><Error/></Errors></Response>");
  EXPECT_EQ(no_code.code, ErrorCode::aws);
  EXPECT_EQ(no_code.aws_code, "500");
}

TEST(Ec2XmlTest, FindRequestIdToleratesGarbage) {
  EXPECT_EQ(find_request_id(""), "");
  EXPECT_EQ(find_request_id("<a><b"), "");
  EXPECT_EQ(find_request_id("<X><requestId>abc</requestId></X>"), "abc");
}

}  // namespace
}  // namespace cloudvip
