#include "aws/ec2_xml.h"

#include <charconv>
#include <pugixml.hpp>

#include "common/strings.h"

namespace cloudvip {
namespace {

// "ec2:routeTableId" -> "routeTableId".
std::string_view local_name(pugi::xml_node node) {
  std::string_view name = node.name();
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The first element child whose local name is `name`; a null node when there is none.
pugi::xml_node child(pugi::xml_node node, std::string_view name) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c) == name) {
      return c;
    }
  }
  return {};
}

std::string text(pugi::xml_node node, std::string_view name) {
  return child(node, name).child_value();
}

bool boolean(pugi::xml_node node, std::string_view name) {
  return text(node, name) == "true";
}

int integer(pugi::xml_node node, std::string_view name, int fallback) {
  std::string value = text(node, name);
  int out = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  return ec == std::errc() && end == value.data() + value.size() && !value.empty() ? out : fallback;
}

// Calls `f` on every element child of the set `name` under `node`, whatever the children's tag.
template <class F>
void for_each_item(pugi::xml_node node, std::string_view name, F f) {
  for (pugi::xml_node item = child(node, name).first_child(); item; item = item.next_sibling()) {
    if (item.type() == pugi::node_element) {
      f(item);
    }
  }
}

std::string status_text(int http_status) {
  return "HTTP " + std::to_string(http_status);
}

Error parse_error(std::string_view action, int http_status, std::string detail) {
  Error error(ErrorCode::parse, "EC2 " + std::string(action) + " answer (" + status_text(http_status) + ") " +
                                    std::move(detail));
  error.http_status = http_status;
  return error;
}

Error http_error(std::string_view action, int http_status, std::string_view what) {
  Error error(ErrorCode::http,
              std::string(action) + " failed: " + status_text(http_status) + " with " + std::string(what));
  error.http_status = http_status;
  return error;
}

// Loads `body`; the error names the action, the status and where the XML broke.
Result<void> load(pugi::xml_document& doc, std::string_view action, int http_status, std::string_view body) {
  if (trim(body).empty()) {
    return std::unexpected(parse_error(action, http_status, "has an empty body (expected an XML document)"));
  }
  pugi::xml_parse_result parsed = doc.load_buffer(body.data(), body.size());
  if (!parsed) {
    return std::unexpected(parse_error(action, http_status,
                                       std::string("is not well-formed XML: ") + parsed.description() +
                                           " at byte " + std::to_string(parsed.offset)));
  }
  if (!doc.document_element()) {
    return std::unexpected(parse_error(action, http_status, "has no XML root element"));
  }
  return ok();
}

// Loads a success body and checks its root is <ActionResponse>; returns the root.
Result<pugi::xml_node> load_success(pugi::xml_document& doc, const Ec2Response& response) {
  if (Result<void> loaded = load(doc, response.action, response.http_status, response.body); !loaded) {
    return std::unexpected(loaded.error());
  }
  pugi::xml_node root = doc.document_element();
  std::string expected = response.action + "Response";
  if (local_name(root) != expected) {
    return std::unexpected(
        parse_error(response.action, response.http_status,
                    "has root element <" + std::string(root.name()) + ">, expected <" + expected + ">"));
  }
  return root;
}

Tags parse_tags(pugi::xml_node node) {
  Tags tags;
  for_each_item(node, "tagSet", [&](pugi::xml_node item) {
    tags.push_back({text(item, "key"), text(item, "value")});
  });
  return tags;
}

Route parse_route(pugi::xml_node n) {
  Route r;
  r.destination_cidr = text(n, "destinationCidrBlock");
  r.destination_ipv6_cidr = text(n, "destinationIpv6CidrBlock");
  r.destination_prefix_list_id = text(n, "destinationPrefixListId");
  r.gateway_id = text(n, "gatewayId");
  r.instance_id = text(n, "instanceId");
  r.instance_owner_id = text(n, "instanceOwnerId");
  r.network_interface_id = text(n, "networkInterfaceId");
  r.nat_gateway_id = text(n, "natGatewayId");
  r.transit_gateway_id = text(n, "transitGatewayId");
  r.vpc_peering_connection_id = text(n, "vpcPeeringConnectionId");
  r.egress_only_internet_gateway_id = text(n, "egressOnlyInternetGatewayId");
  r.local_gateway_id = text(n, "localGatewayId");
  r.carrier_gateway_id = text(n, "carrierGatewayId");
  r.core_network_arn = text(n, "coreNetworkArn");
  r.state = text(n, "state");
  r.origin = text(n, "origin");
  return r;
}

RouteTable parse_route_table(pugi::xml_node n) {
  RouteTable t;
  t.id = text(n, "routeTableId");
  t.vpc_id = text(n, "vpcId");
  t.owner_id = text(n, "ownerId");
  for_each_item(n, "routeSet", [&](pugi::xml_node item) { t.routes.push_back(parse_route(item)); });
  for_each_item(n, "associationSet", [&](pugi::xml_node item) {
    RouteTableAssociation a;
    a.id = text(item, "routeTableAssociationId");
    a.route_table_id = text(item, "routeTableId");
    a.subnet_id = text(item, "subnetId");
    a.gateway_id = text(item, "gatewayId");
    a.main = boolean(item, "main");
    a.state = text(child(item, "associationState"), "state");
    t.associations.push_back(std::move(a));
  });
  t.tags = parse_tags(n);
  return t;
}

std::optional<NetworkInterfaceAssociation> parse_eni_association(pugi::xml_node parent) {
  pugi::xml_node n = child(parent, "association");
  if (!n) {
    return std::nullopt;
  }
  return NetworkInterfaceAssociation{text(n, "publicIp"), text(n, "allocationId"), text(n, "associationId"),
                                     text(n, "ipOwnerId")};
}

// Serves both DescribeNetworkInterfaces items and DescribeInstances' instance ENI items (a subset).
NetworkInterface parse_network_interface(pugi::xml_node n) {
  NetworkInterface eni;
  eni.id = text(n, "networkInterfaceId");
  eni.subnet_id = text(n, "subnetId");
  eni.vpc_id = text(n, "vpcId");
  eni.availability_zone = text(n, "availabilityZone");
  eni.description = text(n, "description");
  eni.owner_id = text(n, "ownerId");
  eni.interface_type = text(n, "interfaceType");
  eni.mac_address = text(n, "macAddress");
  eni.private_ip = text(n, "privateIpAddress");
  for_each_item(n, "privateIpAddressesSet", [&](pugi::xml_node item) {
    eni.private_ips.push_back(
        {text(item, "privateIpAddress"), boolean(item, "primary"), parse_eni_association(item)});
  });
  eni.source_dest_check = boolean(n, "sourceDestCheck");
  eni.status = text(n, "status");
  if (pugi::xml_node a = child(n, "attachment")) {
    eni.attachment = NetworkInterfaceAttachment{text(a, "attachmentId"), text(a, "instanceId"),
                                                integer(a, "deviceIndex", -1), text(a, "status"),
                                                boolean(a, "deleteOnTermination")};
  }
  eni.association = parse_eni_association(n);
  eni.tags = parse_tags(n);
  return eni;
}

Instance parse_instance(pugi::xml_node n) {
  Instance i;
  i.id = text(n, "instanceId");
  i.instance_type = text(n, "instanceType");
  i.image_id = text(n, "imageId");
  i.state = text(child(n, "instanceState"), "name");
  i.state_code = integer(child(n, "instanceState"), "code", -1);
  i.subnet_id = text(n, "subnetId");
  i.vpc_id = text(n, "vpcId");
  i.availability_zone = text(child(n, "placement"), "availabilityZone");
  i.private_ip = text(n, "privateIpAddress");
  i.public_ip = text(n, "ipAddress");
  for_each_item(n, "networkInterfaceSet",
                [&](pugi::xml_node item) { i.network_interfaces.push_back(parse_network_interface(item)); });
  i.source_dest_check = boolean(n, "sourceDestCheck");
  i.tags = parse_tags(n);
  return i;
}

Subnet parse_subnet(pugi::xml_node n) {
  Subnet s;
  s.id = text(n, "subnetId");
  s.vpc_id = text(n, "vpcId");
  s.cidr_block = text(n, "cidrBlock");
  s.availability_zone = text(n, "availabilityZone");
  s.availability_zone_id = text(n, "availabilityZoneId");
  s.state = text(n, "state");
  s.owner_id = text(n, "ownerId");
  s.default_for_az = boolean(n, "defaultForAz");
  s.tags = parse_tags(n);
  return s;
}

Vpc parse_vpc(pugi::xml_node n) {
  Vpc v;
  v.id = text(n, "vpcId");
  v.cidr_block = text(n, "cidrBlock");
  for_each_item(n, "cidrBlockAssociationSet", [&](pugi::xml_node item) {
    v.cidr_block_associations.push_back(
        {text(item, "associationId"), text(item, "cidrBlock"), text(child(item, "cidrBlockState"), "state")});
  });
  v.state = text(n, "state");
  v.owner_id = text(n, "ownerId");
  v.is_default = boolean(n, "isDefault");
  v.tags = parse_tags(n);
  return v;
}

Address parse_address(pugi::xml_node n) {
  Address a;
  a.allocation_id = text(n, "allocationId");
  a.association_id = text(n, "associationId");
  a.public_ip = text(n, "publicIp");
  a.private_ip = text(n, "privateIpAddress");
  a.instance_id = text(n, "instanceId");
  a.network_interface_id = text(n, "networkInterfaceId");
  a.network_interface_owner_id = text(n, "networkInterfaceOwnerId");
  a.domain = text(n, "domain");
  a.tags = parse_tags(n);
  return a;
}

// A paginated Describe answer: every item of `set_name`, parsed with `parse_item`, and nextToken.
template <class T, class F>
Result<Page<T>> parse_page(const Ec2Response& response, std::string_view set_name, F parse_item) {
  pugi::xml_document doc;
  Result<pugi::xml_node> root = load_success(doc, response);
  if (!root) {
    return std::unexpected(root.error());
  }
  Page<T> page;
  for_each_item(*root, set_name, [&](pugi::xml_node item) { page.items.push_back(parse_item(item)); });
  page.next_token = text(*root, "nextToken");
  return page;
}

bool looks_like_html(std::string_view body) {
  std::string head = to_lower(trim(body).substr(0, 16));
  return starts_with(head, "<html") || starts_with(head, "<!doctype html");
}

}  // namespace

Result<Ec2Response> check_response(std::string_view action, const HttpResponse& response) {
  if (response.status < 200 || response.status >= 300) {
    return std::unexpected(error_from_response(action, response.status, response.body));
  }
  return Ec2Response{std::string(action), response.status, response.body, find_request_id(response.body)};
}

Error error_from_response(std::string_view action, int http_status, std::string_view body) {
  std::string_view trimmed = trim(body);
  if (trimmed.empty()) {
    return http_error(action, http_status, "an empty body");
  }
  if (looks_like_html(trimmed)) {
    return http_error(action, http_status, "an HTML page (a proxy or load balancer answered, not EC2)");
  }
  if (trimmed.front() != '<') {
    return http_error(action, http_status, "a body that is not XML");
  }
  pugi::xml_document doc;
  if (Result<void> loaded = load(doc, action, http_status, body); !loaded) {
    if (http_status >= 500) {
      return http_error(action, http_status, "a body that is not well-formed XML");
    }
    return loaded.error();
  }
  pugi::xml_node root = doc.document_element();
  // EC2: <Response><Errors><Error>; other Query services: <ErrorResponse><Error>.
  pugi::xml_node error_node = child(child(root, "Errors"), "Error");
  if (!error_node) {
    error_node = child(root, "Error");
  }
  if (!error_node) {
    if (http_status >= 500) {
      return http_error(action, http_status, "an XML body that is not an EC2 error document");
    }
    return parse_error(action, http_status,
                       "has root element <" + std::string(root.name()) +
                           "> and no <Errors><Error>, so it is not an EC2 error document");
  }
  Error error;
  error.code = ErrorCode::aws;
  error.aws_code = text(error_node, "Code");
  error.aws_message = text(error_node, "Message");
  error.http_status = http_status;
  for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && iequals(local_name(c), "RequestID")) {
      error.request_id = c.child_value();
      break;
    }
  }
  if (error.aws_code.empty()) {
    error.aws_code = std::to_string(http_status);  // botocore's generic error: the status as the code
  }
  error.message = std::string(action) + " failed: " + error.aws_code + ": " + error.aws_message;
  return error;
}

std::string find_request_id(std::string_view body) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) {
    return "";
  }
  return text(doc.document_element(), "requestId");
}

Result<Page<RouteTable>> parse_describe_route_tables(const Ec2Response& response) {
  return parse_page<RouteTable>(response, "routeTableSet", parse_route_table);
}

Result<Page<Instance>> parse_describe_instances(const Ec2Response& response) {
  pugi::xml_document doc;
  Result<pugi::xml_node> root = load_success(doc, response);
  if (!root) {
    return std::unexpected(root.error());
  }
  Page<Instance> page;
  for_each_item(*root, "reservationSet", [&](pugi::xml_node reservation) {
    for_each_item(reservation, "instancesSet",
                  [&](pugi::xml_node item) { page.items.push_back(parse_instance(item)); });
  });
  page.next_token = text(*root, "nextToken");
  return page;
}

Result<Page<NetworkInterface>> parse_describe_network_interfaces(const Ec2Response& response) {
  return parse_page<NetworkInterface>(response, "networkInterfaceSet", parse_network_interface);
}

Result<Page<Subnet>> parse_describe_subnets(const Ec2Response& response) {
  return parse_page<Subnet>(response, "subnetSet", parse_subnet);
}

Result<Page<Vpc>> parse_describe_vpcs(const Ec2Response& response) {
  return parse_page<Vpc>(response, "vpcSet", parse_vpc);
}

Result<std::vector<Address>> parse_describe_addresses(const Ec2Response& response) {
  Result<Page<Address>> page = parse_page<Address>(response, "addressesSet", parse_address);
  if (!page) {
    return std::unexpected(page.error());
  }
  return std::move(page->items);
}

Result<std::string> parse_associate_address(const Ec2Response& response) {
  pugi::xml_document doc;
  Result<pugi::xml_node> root = load_success(doc, response);
  if (!root) {
    return std::unexpected(root.error());
  }
  return text(*root, "associationId");
}

Result<std::vector<std::string>> parse_assign_private_ip_addresses(const Ec2Response& response) {
  pugi::xml_document doc;
  Result<pugi::xml_node> root = load_success(doc, response);
  if (!root) {
    return std::unexpected(root.error());
  }
  std::vector<std::string> ips;
  for_each_item(*root, "assignedPrivateIpAddressesSet",
                [&](pugi::xml_node item) { ips.push_back(text(item, "privateIpAddress")); });
  return ips;
}

Result<void> parse_return(const Ec2Response& response) {
  pugi::xml_document doc;
  Result<pugi::xml_node> root = load_success(doc, response);
  if (!root) {
    return std::unexpected(root.error());
  }
  pugi::xml_node value = child(*root, "return");
  if (value && std::string_view(value.child_value()) != "true") {
    Error error(ErrorCode::aws, response.action + " failed: EC2 answered <return>" + value.child_value() +
                                    "</return> without an error document");
    error.http_status = response.http_status;
    error.request_id = response.request_id;
    return std::unexpected(std::move(error));
  }
  return ok();
}

}  // namespace cloudvip
