#include "vip/config_values.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "aws/endpoint.h"
#include "aws/retry.h"
#include "common/strings.h"

namespace cloudvip {
namespace {

constexpr std::string_view k_vip_fix =
    "choose a private unicast address: an overlay address outside every VPC CIDR such as 192.168.100.10, or "
    "one in a small subnet of its own inside the VPC";

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// PREFIX followed by 8 or 17 lower-case hex digits: the two lengths AWS has used for resource ids.
bool is_resource_id(std::string_view text, std::string_view prefix) {
  if (!starts_with(text, prefix)) {
    return false;
  }
  std::string_view digits = text.substr(prefix.size());
  return (digits.size() == 8 || digits.size() == 17) && std::ranges::all_of(digits, is_lower_hex);
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Why `text` cannot be a Linux interface name, or empty when it can.
std::string interface_name_problem(std::string_view text) {
  if (text.empty()) {
    return "is empty";
  }
  if (text.size() > k_max_ifname_length) {
    return "is " + std::to_string(text.size()) + " characters long; Linux interface names have at most 15";
  }
  if (text == "." || text == "..") {
    return "is not allowed as an interface name";
  }
  if (text.find('/') != std::string_view::npos) {
    return "contains '/', which Linux interface names cannot hold";
  }
  if (std::ranges::any_of(text, is_space)) {
    return "contains whitespace, which Linux interface names cannot hold";
  }
  return "";
}

}  // namespace

std::unexpected<Error> config_error(std::string_view key, std::string_view message) {
  return fail(ErrorCode::config, std::string(key) + ": " + std::string(message));
}

std::string in_quotes(std::string_view value) {
  return "'" + std::string(value) + "'";
}

Result<std::string> check_vip_name(std::string_view text, std::string_view key) {
  auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  };
  if (text.empty() || text.size() > 64 || !std::ranges::all_of(text, allowed)) {
    return config_error(key, in_quotes(text) +
                                 " is not a VIP name (use 1 to 64 letters, digits, '.', '_' and '-', e.g. "
                                 "\"iris\"; it is what --vip NAME selects)");
  }
  return std::string(text);
}

Result<Ipv4Address> check_vip_address(std::string_view text, std::string_view key) {
  if (text.find(':') != std::string_view::npos) {
    return config_error(key, in_quotes(text) +
                                 " is an IPv6 address; IPv6 VIPs are not supported yet (give an IPv4 address "
                                 "such as 10.109.10.254)");
  }
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    return config_error(key, in_quotes(text) + " is a CIDR block (give the VIP alone, e.g. " +
                                 in_quotes(text.substr(0, slash)) +
                                 "; the route destination is derived from the VPC's subnets)");
  }
  Result<Ipv4Address> parsed = Ipv4Address::parse(text);
  if (!parsed) {
    return config_error(key, in_quotes(text) +
                                 " is not an IPv4 address (expected four numbers 0-255 separated by dots, "
                                 "without leading zeros, e.g. 10.109.10.254)");
  }
  struct Reserved {
    const char* cidr;
    const char* what;
  };
  static constexpr Reserved k_reserved[] = {
      {"0.0.0.0/8", "in 0.0.0.0/8 (\"this network\")"},
      {"127.0.0.0/8", "a loopback address (127.0.0.0/8)"},
      {"169.254.0.0/16",
       "a link-local address (169.254.0.0/16, where AWS keeps 169.254.168.0/22 for IMDS and DNS and refuses "
       "routes)"},
      {"224.0.0.0/4", "a multicast address (224.0.0.0/4)"},
      {"255.255.255.255/32", "the broadcast address"},
      {"240.0.0.0/4", "in the reserved range 240.0.0.0/4"},
  };
  for (const Reserved& reserved : k_reserved) {
    if (Cidr::parse(reserved.cidr)->contains(*parsed)) {
      return config_error(key, in_quotes(text) + " is " + reserved.what + " and cannot be a VIP (" +
                                   std::string(k_vip_fix) + ")");
    }
  }
  return *parsed;
}

Result<std::string> check_route_table_id(std::string_view text, std::string_view key) {
  if (!is_resource_id(text, "rtb-")) {
    return config_error(key,
                        in_quotes(text) +
                            " is not a route table id (expected rtb- followed by 8 or 17 lower-case hex "
                            "digits, e.g. rtb-0a1b2c3d4e5f67890; aws ec2 describe-route-tables lists them)");
  }
  return std::string(text);
}

Result<RouteTableTag> check_route_table_tag(std::string_view text, std::string_view key) {
  size_t equals = text.find('=');
  std::string_view fix =
      "(expected KEY=VALUE, e.g. cloudvip=iris: the route tables of the VPC with that tag)";
  if (equals == std::string_view::npos) {
    return config_error(key, in_quotes(text) + " is not a tag selector: it has no '=' " + std::string(fix));
  }
  RouteTableTag tag{std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
  if (trim(tag.key).empty()) {
    return config_error(key,
                        in_quotes(text) + " is not a tag selector: the tag key is empty " + std::string(fix));
  }
  if (tag.key.size() > 128 || tag.value.size() > 256) {
    return config_error(key,
                        in_quotes(text) +
                            " is too long for a tag (AWS tag keys have at most 128 characters and values "
                            "at most 256)");
  }
  return tag;
}

Result<std::string> check_elastic_ip(std::string_view text, std::string_view key) {
  if (is_resource_id(text, "eipalloc-")) {
    return std::string(text);
  }
  std::string hint = "expected its allocation id: eipalloc- followed by 8 or 17 lower-case hex digits";
  if (Ipv4Address::parse(text)) {
    hint += "; aws ec2 describe-addresses --public-ips " + std::string(text) + " shows it";
  } else if (starts_with(text, "eipassoc-")) {
    hint += ", not an association id";
  }
  return config_error(key, in_quotes(text) + " is not an Elastic IP allocation id (" + hint + ")");
}

Result<std::string> check_interface_name(std::string_view text, std::string_view key) {
  std::string problem = interface_name_problem(text);
  if (!problem.empty()) {
    return config_error(key, in_quotes(text) + " " + problem +
                                 " (give an interface name such as eth0 or ens5, or leave it out to use the "
                                 "interface of the default route)");
  }
  if (text.find(':') != std::string_view::npos) {
    return config_error(key, in_quotes(text) +
                                 " is an address label, not an interface (give the interface, e.g. \"eth0\", "
                                 "and the label separately, e.g. label = \"eth0:1\" or --label eth0:1)");
  }
  return std::string(text);
}

Result<std::string> check_label(std::string_view text, const std::optional<std::string>& interface,
                                std::string_view key) {
  std::string example = interface ? *interface + ":1" : "eth0:1";
  std::string fix =
      " (Linux requires \"<interface>:<suffix>\" of at most 15 characters, e.g. " + example + ")";
  if (text.size() > k_max_ifname_length) {
    return config_error(key,
                        in_quotes(text) + " is " + std::to_string(text.size()) + " characters long" + fix);
  }
  size_t colon = text.find(':');
  if (interface && !starts_with(text, *interface + ":")) {
    return config_error(
        key, in_quotes(text) + " does not start with the interface name '" + *interface + ":'" + fix);
  }
  if (colon == std::string_view::npos || colon + 1 == text.size() ||
      !interface_name_problem(text.substr(0, colon)).empty() ||
      std::ranges::any_of(text.substr(colon + 1), is_space)) {
    return config_error(key, in_quotes(text) + " is not an address label" + fix);
  }
  return std::string(text);
}

Result<VipMode> check_mode(std::string_view text, std::string_view key) {
  if (text == "route") {
    return VipMode::route;
  }
  if (text == "secondary-ip") {
    return VipMode::secondary_ip;
  }
  return config_error(key,
                      in_quotes(text) +
                          " is not a mode (expected \"route\", the default, or \"secondary-ip\" when both "
                          "members share one subnet)");
}

Result<Millis> check_timeout_seconds(double seconds, std::string_view shown, std::string_view key) {
  double limit = std::chrono::duration<double>(k_max_timeout).count();
  if (!std::isfinite(seconds) || seconds > limit || std::llround(seconds * 1000.0) < 1) {
    return config_error(key,
                        in_quotes(shown) + " is not a usable timeout (expected more than 0 and at most " +
                            std::to_string(static_cast<int>(limit)) + " seconds, e.g. 10, 2.5s or 500ms)");
  }
  return Millis(std::llround(seconds * 1000.0));
}

std::optional<double> parse_seconds(std::string_view text) {
  std::string_view number = trim(text);
  double scale = 1.0;
  if (number.ends_with("ms")) {
    number.remove_suffix(2);
    scale = 0.001;
  } else if (number.ends_with("s")) {
    number.remove_suffix(1);
  } else if (number.ends_with("m")) {
    number.remove_suffix(1);
    scale = 60.0;
  }
  double value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size()) {
    return std::nullopt;
  }
  return value * scale;
}

Result<Millis> parse_timeout(std::string_view text, std::string_view key) {
  std::optional<double> seconds = parse_seconds(text);
  if (!seconds) {
    return config_error(key,
                        in_quotes(text) +
                            " is not a duration (expected seconds, or a number with ms, s or m, e.g. 10, "
                            "2.5s or 500ms)");
  }
  return check_timeout_seconds(*seconds, text, key);
}

Result<std::string> check_profile(std::string_view text, std::string_view key) {
  if (trim(text).empty()) {
    return config_error(
        key, in_quotes(text) + " is empty (give a profile name of the AWS config file, or leave it out)");
  }
  return std::string(text);
}

Result<std::string> check_region(std::string_view text, std::string_view key) {
  if (!is_valid_region(text)) {
    return config_error(key, in_quotes(text) +
                                 " is not an AWS region name (expected lower-case letters, digits and dashes "
                                 "like us-east-1 or eu-west-2)");
  }
  return std::string(text);
}

Result<std::string> check_endpoint(std::string_view text, std::string_view key) {
  Result<Endpoint> endpoint = parse_endpoint_url(text, key);
  if (!endpoint) {
    // parse_endpoint_url's message already names the setting, the value and the accepted form.
    return fail(ErrorCode::config, endpoint.error().message);
  }
  return endpoint->url;
}

Result<std::string> check_imds_endpoint(std::string_view text, std::string_view key) {
  Result<Endpoint> endpoint = parse_endpoint_url(text, key);
  if (!endpoint) {
    // Not parse_endpoint_url's message: it describes EC2 endpoints.
    return config_error(key,
                        in_quotes(text) +
                            " is not an IMDS endpoint URL (expected http://host[:port] with no path, e.g. "
                            "http://169.254.169.254 or http://[fd00:ec2::254]; leave it out for the "
                            "default)");
  }
  return endpoint->url;
}

Result<int> check_max_attempts(long long value, std::string_view key) {
  int clamped = static_cast<int>(std::clamp<long long>(value, -1, k_max_attempts_limit + 1));
  Result<RetryOptions> options = make_retry_options(clamped, key);
  if (!options) {
    std::string message = options.error().message;
    if (clamped != value) {  // show what was written, not the clamped number
      message =
          std::string(key) + ": " + std::to_string(value) + message.substr(message.find(' ', key.size() + 2));
    }
    return fail(ErrorCode::config, message);
  }
  return options->max_attempts;
}

}  // namespace cloudvip
