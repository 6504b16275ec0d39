// Checks for single configuration values, shared by the TOML file (config.cc) and the command line
// (config_flags.cc) so both refuse the same inputs with the same words. Every function takes `key`, the name
// the user wrote ("vip[0].route_tables[1]", "--route-table"), and on failure returns Error{ErrorCode::config}
// whose message is "KEY: 'VALUE' <what is wrong> (<how to fix it>)".
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/cidr.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/toml_reader.h"  // closest_name, join_names
#include "vip/config.h"

namespace cloudvip {

// Longest accepted timeout: a failover command that waits longer than this is stuck, not slow.
inline constexpr Millis k_max_timeout{600'000};
// Linux IFNAMSIZ - 1: the longest interface name and the longest address label.
inline constexpr std::size_t k_max_ifname_length = 15;

// Error{config, "KEY: MESSAGE"}.
std::unexpected<Error> config_error(std::string_view key, std::string_view message);
// 'value' (single quotes), for messages.
std::string in_quotes(std::string_view value);

// A VIP name: 1-64 of letters, digits, '.', '_' and '-'.
Result<std::string> check_vip_name(std::string_view text, std::string_view key);
// A unicast IPv4 address usable as a VIP: refuses IPv6 (not supported yet), CIDR notation, 0.0.0.0/8,
// 127.0.0.0/8, 169.254.0.0/16 (link-local; AWS keeps 169.254.168.0/22 for IMDS and DNS), multicast,
// 240.0.0.0/4 and the broadcast address.
Result<Ipv4Address> check_vip_address(std::string_view text, std::string_view key);
// "rtb-" followed by 8 or 17 lower-case hex digits.
Result<std::string> check_route_table_id(std::string_view text, std::string_view key);
// "KEY=VALUE" with a non-empty tag key (at most 128 characters) and a value of at most 256 (may be empty).
Result<RouteTableTag> check_route_table_tag(std::string_view text, std::string_view key);
// "eipalloc-" followed by 8 or 17 lower-case hex digits (an allocation id, not the public address).
Result<std::string> check_elastic_ip(std::string_view text, std::string_view key);
// A Linux interface name: 1-15 characters, not "." or "..", no '/', ':' or whitespace.
Result<std::string> check_interface_name(std::string_view text, std::string_view key);
// An address label: at most 15 characters, "<interface>:<suffix>". With no interface (it is resolved from the
// default route later) only the form is checked; the prefix is checked once the interface is known.
Result<std::string> check_label(std::string_view text, const std::optional<std::string>& interface,
                                std::string_view key);
// "route" or "secondary-ip".
Result<VipMode> check_mode(std::string_view text, std::string_view key);
// A timeout in seconds, above 0 and at most k_max_timeout.
Result<Millis> check_timeout_seconds(double seconds, std::string_view shown, std::string_view key);
// "10", "2.5", "2.5s", "500ms", "1m" in seconds; nullopt when the text is not a duration.
std::optional<double> parse_seconds(std::string_view text);
// A timeout from text: "10", "2.5", "2.5s", "500ms", "1m".
Result<Millis> parse_timeout(std::string_view text, std::string_view key);
// A profile name of the AWS config file: not empty or blank.
Result<std::string> check_profile(std::string_view text, std::string_view key);
Result<std::string> check_region(std::string_view text, std::string_view key);
// The EC2 endpoint, normalized by parse_endpoint_url (aws/endpoint.h).
Result<std::string> check_endpoint(std::string_view text, std::string_view key);
// The IMDS base address: http(s)://host[:port], normalized, no path.
Result<std::string> check_imds_endpoint(std::string_view text, std::string_view key);
// 1..k_max_attempts_limit (aws/retry.h).
Result<int> check_max_attempts(long long value, std::string_view key);

}  // namespace cloudvip
