#include "sim/api_error.h"

#include <pugixml.hpp>

#include <sstream>

namespace cloudvip::sim {

std::string error_response_xml(const ApiError& error, std::string_view request_id) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto response = doc.append_child("Response");
  auto item = response.append_child("Errors").append_child("Error");
  item.append_child("Code").text().set(error.code.c_str());
  item.append_child("Message").text().set(error.message.c_str());
  response.append_child("RequestID").text().set(std::string(request_id).c_str());
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

namespace errors {
namespace {

ApiError bad_request(std::string code, std::string message) {
  return ApiError{std::move(code), std::move(message), 400};
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

struct IdKind {
  std::string_view prefix;
  std::string_view malformed_code;
  std::string_view not_found_code;
  std::string_view noun;  // as EC2 writes it in "The <noun> ID '...' does not exist"
};

constexpr IdKind k_id_kinds[] = {
    {"rtb", "InvalidRouteTableId.Malformed", "InvalidRouteTableID.NotFound", "routeTable"},
    {"eni", "InvalidNetworkInterfaceId.Malformed", "InvalidNetworkInterfaceID.NotFound", "networkInterface"},
    {"i", "InvalidInstanceID.Malformed", "InvalidInstanceID.NotFound", "instance"},
    {"subnet", "InvalidSubnetID.Malformed", "InvalidSubnetID.NotFound", "subnet"},
    {"vpc", "InvalidVpcID.Malformed", "InvalidVpcID.NotFound", "vpc"},
    {"eipalloc", "InvalidAllocationID.Malformed", "InvalidAllocationID.NotFound", "allocation"},
    {"eipassoc", "InvalidAssociationID.Malformed", "InvalidAssociationID.NotFound", "association"},
};

const IdKind& id_kind(std::string_view prefix) {
  for (const auto& kind : k_id_kinds) {
    if (kind.prefix == prefix) {
      return kind;
    }
  }
  return k_id_kinds[0];  // unreachable for the prefixes the model uses
}

}  // namespace

ApiError invalid_action(std::string_view action) {
  return bad_request("InvalidAction",
                     "The action " + std::string(action) + " is not valid for this web service.");
}

ApiError missing_parameter(std::string_view name) {
  return bad_request("MissingParameter", "The request must contain the parameter " + std::string(name));
}

ApiError invalid_parameter_value(std::string message) {
  return bad_request("InvalidParameterValue", std::move(message));
}

ApiError invalid_parameter_combination(std::string message) {
  return bad_request("InvalidParameterCombination", std::move(message));
}

ApiError invalid_filter(std::string_view name) {
  return invalid_parameter_value("The filter " + quoted(name) + " is invalid");
}

ApiError dry_run_operation() {
  return ApiError{"DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412};
}

ApiError unauthorized(std::string_view encoded_message) {
  return ApiError{
      "UnauthorizedOperation",
      "You are not authorized to perform this operation. Encoded authorization failure message: " +
          std::string(encoded_message),
      403};
}

ApiError auth_failure() {
  return ApiError{"AuthFailure", "AWS was not able to validate the provided access credentials", 401};
}

ApiError request_expired() {
  return bad_request("RequestExpired", "Request has expired.");
}

ApiError incorrect_state(std::string message) {
  return bad_request("IncorrectState", std::move(message));
}

ApiError malformed_id(std::string_view kind, std::string_view id) {
  return bad_request(std::string(id_kind(kind).malformed_code), "Invalid id: \"" + std::string(id) + "\"");
}

ApiError not_found(std::string_view kind, std::string_view id) {
  const IdKind& k = id_kind(kind);
  return bad_request(std::string(k.not_found_code),
                     "The " + std::string(k.noun) + " ID " + quoted(id) + " does not exist");
}

ApiError route_already_exists(std::string_view destination) {
  return bad_request("RouteAlreadyExists",
                     "The route identified by " + std::string(destination) + " already exists.");
}

ApiError route_not_found(std::string_view destination, std::string_view route_table_id) {
  return bad_request("InvalidRoute.NotFound", "no route with destination-cidr-block " +
                                                  std::string(destination) + " in route table " +
                                                  std::string(route_table_id));
}

ApiError no_route_to_replace(std::string_view destination) {
  return invalid_parameter_value("There is no route defined for " + quoted(destination) +
                                 " in the route table. Use CreateRoute instead.");
}

ApiError instance_has_several_interfaces(std::string_view instance_id) {
  return bad_request("InvalidInstanceID", "There are multiple interfaces attached to instance " +
                                              quoted(instance_id) +
                                              ". Please specify an interface ID for the operation instead.");
}

ApiError resource_already_associated(std::string message) {
  return bad_request("Resource.AlreadyAssociated", std::move(message));
}

ApiError address_already_assigned(std::string_view address) {
  return bad_request("Resource.AlreadyAssigned", "The private IP address " + std::string(address) +
                                                     " is already assigned to another network interface. "
                                                     "Pass AllowReassignment=true to move it.");
}

}  // namespace errors
}  // namespace cloudvip::sim
