#include "aws/endpoint.h"

#include <algorithm>
#include <charconv>

#include "common/strings.h"

namespace cloudvip {
namespace {

constexpr std::string_view k_region_example = "e.g. us-east-1 or eu-west-2";
constexpr std::string_view k_endpoint_form = "https://ec2.us-east-1.amazonaws.com or http://127.0.0.1:8080";

std::string quoted(std::string_view value) {
  return "'" + std::string(value) + "'";
}

Result<std::string> checked_region(std::string_view value, std::string_view source) {
  std::string region(trim(value));
  if (!is_valid_region(region)) {
    return fail(ErrorCode::invalid_argument,
                std::string(source) + ": " + quoted(value) +
                    " is not an AWS region name (expected lower-case letters, digits and dashes like "
                    "area-direction-number, " +
                    std::string(k_region_example) + ")");
  }
  return region;
}

// The URL with any user:password@ replaced by ***@, so an error message never carries a password.
std::string redacted(std::string_view url) {
  size_t authority_start = url.find("://");
  authority_start = authority_start == std::string_view::npos ? 0 : authority_start + 3;
  size_t authority_end = url.find_first_of("/?#", authority_start);
  std::string_view authority = url.substr(authority_start, authority_end - authority_start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) {
    return std::string(url);
  }
  return std::string(url.substr(0, authority_start)) + "***" + std::string(url.substr(authority_start + at));
}

std::unexpected<Error> bad_url(std::string_view setting, std::string_view url, std::string_view why) {
  return fail(ErrorCode::invalid_argument,
              std::string(setting) + ": " + quoted(redacted(url)) + " is not a valid EC2 endpoint URL: " +
                  std::string(why) + " (expected a form like " + std::string(k_endpoint_form) + ")");
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

}  // namespace

namespace {

bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}

// "-" [a-z]+ "-" [0-9]+, the whole of `s`.
bool is_direction_and_number(std::string_view s) {
  if (!s.starts_with('-')) {
    return false;
  }
  std::size_t dash = s.find('-', 1);
  if (dash == std::string_view::npos || dash == 1 || dash + 1 == s.size()) {
    return false;
  }
  return std::all_of(s.begin() + 1, s.begin() + static_cast<std::ptrdiff_t>(dash), is_lower) &&
         std::all_of(s.begin() + static_cast<std::ptrdiff_t>(dash) + 1, s.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool is_valid_region(std::string_view region) {
  // [a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+: partition prefix, optional gov/iso marker, direction, number
  // (us-east-1, us-gov-west-1, us-isob-east-1). By hand, not std::regex: compiling that pattern (and the
  // locale it builds) was a measurable part of a fresh process's start (issue 9).
  if (region.size() < 2 || !is_lower(region[0]) || !is_lower(region[1])) {
    return false;
  }
  std::string_view rest = region.substr(2);
  if (is_direction_and_number(rest)) {
    return true;
  }
  if (rest.starts_with("-gov") && is_direction_and_number(rest.substr(4))) {
    return true;
  }
  return rest.starts_with("-iso") &&
         (is_direction_and_number(rest.substr(4)) ||
          (rest.size() > 4 && is_lower(rest[4]) && is_direction_and_number(rest.substr(5))));
}

Result<std::string> resolve_region(const RegionSources& sources) {
  if (sources.flag) {
    return checked_region(*sources.flag, sources.flag_name);
  }
  for (std::string_view variable : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (auto value = sources.env.get_nonempty(variable)) {
      return checked_region(*value, variable);
    }
  }
  if (sources.profile_region && !trim(*sources.profile_region).empty()) {
    return checked_region(*sources.profile_region, "region of profile '" + sources.profile_name + "'");
  }
  std::string how = "pass " + sources.flag_name +
                    " (e.g. us-east-1), set AWS_REGION, or set 'region' in profile '" + sources.profile_name +
                    "' of the AWS config file";
  if (!sources.imds_region) {
    return fail(ErrorCode::invalid_argument, "no AWS region is configured: " + how);
  }
  Result<std::string> from_imds = sources.imds_region();
  if (!from_imds) {
    Error error = from_imds.error().wrap("no AWS region is configured and IMDS did not tell it: " + how);
    error.code = ErrorCode::invalid_argument;
    return fail(std::move(error));
  }
  return checked_region(*from_imds, "IMDS placement/region");
}

Result<Endpoint> parse_endpoint_url(std::string_view url, std::string_view setting) {
  std::string_view rest = trim(url);
  size_t scheme_end = rest.find("://");
  if (scheme_end == std::string_view::npos) {
    return bad_url(setting, url, "it has no scheme");
  }
  Endpoint endpoint;
  endpoint.scheme = to_lower(rest.substr(0, scheme_end));
  if (endpoint.scheme != "https" && endpoint.scheme != "http") {
    return bad_url(setting, url, "the scheme must be https or http");
  }
  endpoint.port = endpoint.scheme == "https" ? 443 : 80;
  rest.remove_prefix(scheme_end + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return bad_url(setting, url, "a query or fragment is not allowed");
  }
  size_t path_start = rest.find('/');
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  if (path != "" && path != "/") {
    return bad_url(setting, url, "a path is not allowed (EC2 is served at /)");
  }
  if (authority.find('@') != std::string_view::npos) {
    return bad_url(setting, url, "credentials in the URL are not allowed");
  }

  std::string host_part;
  std::string_view port_part;
  bool has_port = false;
  if (starts_with(authority, "[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return bad_url(setting, url, "the IPv6 address has no closing ']'");
    }
    host_part = to_lower(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      return bad_url(setting, url, "unexpected text after the IPv6 address");
    }
    has_port = !after.empty();
    port_part = has_port ? after.substr(1) : "";
    if (host_part.empty() || host_part.find_first_not_of("0123456789abcdef:.") != std::string::npos ||
        host_part.find(':') == std::string::npos) {
      return bad_url(setting, url, "the IPv6 address is malformed");
    }
  } else {
    size_t colon = authority.find(':');
    host_part = to_lower(authority.substr(0, colon));
    has_port = colon != std::string_view::npos;
    port_part = has_port ? authority.substr(colon + 1) : "";
    if (host_part.empty()) {
      return bad_url(setting, url, "it has no host");
    }
    for (char c : host_part) {
      if (!is_host_char(c)) {
        return bad_url(setting, url, "the host may hold only letters, digits, '-', '.' and '_'");
      }
    }
  }
  if (has_port) {
    int port = 0;
    auto [end, ec] = std::from_chars(port_part.data(), port_part.data() + port_part.size(), port);
    if (port_part.empty() || ec != std::errc() || end != port_part.data() + port_part.size() || port < 1 ||
        port > 65535) {
      return bad_url(setting, url, "the port must be a number from 1 to 65535");
    }
    endpoint.port = port;
  }
  bool ipv6 = host_part.find(':') != std::string::npos;
  endpoint.host = host_part;
  endpoint.url = endpoint.scheme + "://" + (ipv6 ? "[" + host_part + "]" : host_part);
  bool default_port = endpoint.port == (endpoint.scheme == "https" ? 443 : 80);
  if (!default_port) {
    endpoint.url += ":" + std::to_string(endpoint.port);
  }
  endpoint.source = std::string(setting);
  return endpoint;
}

Result<Endpoint> resolve_ec2_endpoint(const EndpointSources& sources) {
  if (sources.flag) {
    return parse_endpoint_url(*sources.flag, sources.flag_name);
  }
  if (!sources.env.is_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
    for (std::string_view variable : {"AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL"}) {
      if (auto value = sources.env.get_nonempty(variable)) {
        return parse_endpoint_url(*value, variable);
      }
    }
  }
  if (!is_valid_region(sources.region)) {
    return fail(ErrorCode::invalid_argument, "cannot form the EC2 endpoint: region " +
                                                 quoted(sources.region) + " is not an AWS region name (" +
                                                 std::string(k_region_example) + ")");
  }
  Endpoint endpoint;
  endpoint.scheme = "https";
  endpoint.port = 443;
  std::string suffix = starts_with(sources.region, "cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
  endpoint.host = "ec2." + sources.region + suffix;
  endpoint.url = "https://" + endpoint.host;
  endpoint.source = "default";
  return endpoint;
}

}  // namespace cloudvip
