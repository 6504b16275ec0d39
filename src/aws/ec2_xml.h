// Reading EC2 Query answers (aws-protocol.md §1.4-1.6, §2.1): telling a success from an error document,
// turning error documents into Error values, and parsing each response shape cloudvip uses into the types of
// ec2_types.h. Like botocore: namespaces and element prefixes are ignored, every child of an `xxxSet` is an
// item whatever its tag, and a boolean is true only for the exact text `true`. Nothing here throws or
// crashes on hostile input; a bad document is an ErrorCode::parse error naming the action and HTTP status.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aws/ec2_types.h"
#include "common/error.h"
#include "http/transport.h"

namespace cloudvip {

// One successful (2xx) HTTP answer to one EC2 action.
struct Ec2Response {
  std::string action;  // "DescribeRouteTables"
  int http_status = 0;
  std::string body;
  std::string request_id;  // the body's requestId; empty when absent
};

// A 2xx answer becomes an Ec2Response; anything else becomes the Error it carries (see error_from_response).
Result<Ec2Response> check_response(std::string_view action, const HttpResponse& response);

// The Error for a non-2xx answer:
// - an EC2 error document (`<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>`, any
// root
//   name, namespaces ignored): ErrorCode::aws with aws_code, aws_message, request_id, http_status and the
//   message "<action> failed: <Code>: <Message>";
// - an empty, HTML or non-XML body, or (for HTTP >= 500) any body that is not an error document:
//   ErrorCode::http with the status (is_retryable() retries 500/502/503/504);
// - malformed XML or an XML document that is not an error document (HTTP < 500): ErrorCode::parse.
Error error_from_response(std::string_view action, int http_status, std::string_view body);

// The text of the first `requestId` element directly under the root of a success body; "" when absent or
// when the body is not XML.
std::string find_request_id(std::string_view body);

// Typed parsers of success bodies. Each checks the root is `<ActionResponse>`.
Result<Page<RouteTable>> parse_describe_route_tables(const Ec2Response& response);
// The instances of every reservation, in document order.
Result<Page<Instance>> parse_describe_instances(const Ec2Response& response);
Result<Page<NetworkInterface>> parse_describe_network_interfaces(const Ec2Response& response);
Result<Page<Subnet>> parse_describe_subnets(const Ec2Response& response);
Result<Page<Vpc>> parse_describe_vpcs(const Ec2Response& response);
// DescribeAddresses has no pagination.
Result<std::vector<Address>> parse_describe_addresses(const Ec2Response& response);
// AssociateAddress: the associationId (empty when the answer has none, e.g. EC2-Classic).
Result<std::string> parse_associate_address(const Ec2Response& response);
// AssignPrivateIpAddresses: the private IPs assigned (assignedPrivateIpAddressesSet/item/privateIpAddress).
Result<std::vector<std::string>> parse_assign_private_ip_addresses(const Ec2Response& response);
// Answers with no output shape or only `<return>` (CreateRoute, ReplaceRoute, DeleteRoute, Modify*,
// Unassign*): ok when `return` is absent or `true`; `<return>false</return>` is an ErrorCode::aws error.
Result<void> parse_return(const Ec2Response& response);

}  // namespace cloudvip
