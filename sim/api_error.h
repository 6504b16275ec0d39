// The errors the emulated EC2 API answers with: the real codes, HTTP statuses and message shapes
// (aws-protocol.md §2.2), and the <Response><Errors>... document they travel in (§2.1).
#pragma once

#include <string>
#include <string_view>

namespace cloudvip::sim {

struct ApiError {
  std::string code;     // the wire <Code>, e.g. "InvalidRouteTableID.NotFound"
  std::string message;  // the wire <Message>
  int http_status = 400;

  friend bool operator==(const ApiError&, const ApiError&) = default;
};

// The EC2 error document: <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>.
std::string error_response_xml(const ApiError& error, std::string_view request_id);

// Factories, one per error the model raises. Messages follow what real EC2 (or moto, where the real text
// is not documented) sends, naming the value the caller gave.
namespace errors {

ApiError invalid_action(std::string_view action);
ApiError missing_parameter(std::string_view name);
ApiError invalid_parameter_value(std::string message);
ApiError invalid_parameter_combination(std::string message);
ApiError invalid_filter(std::string_view name);
ApiError dry_run_operation();
ApiError unauthorized(std::string_view encoded_message);
ApiError auth_failure();
ApiError request_expired();
ApiError incorrect_state(std::string message);

// Malformed and unknown ids, by resource kind. `kind` is the id prefix without the dash: "rtb", "eni",
// "i", "subnet", "vpc", "eipalloc", "eipassoc".
ApiError malformed_id(std::string_view kind, std::string_view id);
ApiError not_found(std::string_view kind, std::string_view id);

ApiError route_already_exists(std::string_view destination);
ApiError route_not_found(std::string_view destination, std::string_view route_table_id);
ApiError no_route_to_replace(std::string_view destination);
ApiError instance_has_several_interfaces(std::string_view instance_id);
ApiError resource_already_associated(std::string message);
ApiError address_already_assigned(std::string_view address);

}  // namespace errors
}  // namespace cloudvip::sim
