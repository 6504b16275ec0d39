// Which AWS region and which EC2 endpoint a call goes to, decided from explicit inputs (flag, environment,
// profile, IMDS) in the AWS CLI's order of precedence (aws-protocol.md §4.3). Pure functions: every input
// comes in as an argument, so each precedence step is tested without touching the process.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/env.h"
#include "common/error.h"

namespace cloudvip {

// True for names like "us-east-1", "us-gov-west-1", "us-isob-east-1", "cn-north-1".
bool is_valid_region(std::string_view region);

struct RegionSources {
  std::optional<std::string> flag;     // the command line or config value; set but empty is an error
  std::string flag_name = "--region";  // how to name the flag in messages (e.g. "config key 'region'")
  const Environment& env;              // AWS_REGION, then AWS_DEFAULT_REGION (empty values count as unset)
  std::optional<std::string> profile_region;  // `region` of the active profile in the AWS config file
  std::string profile_name = "default";
  // Asked only when nothing earlier gave a region (IMDS may be slow or unreachable). Empty: IMDS not asked.
  std::function<Result<std::string>()> imds_region;
};

// The region from the first source that gives one: flag > AWS_REGION > AWS_DEFAULT_REGION > profile > IMDS.
// A malformed value is an invalid_argument error naming its source (a later source is not tried: a typo must
// not silently send calls elsewhere). No source at all is an invalid_argument error saying how to set one.
Result<std::string> resolve_region(const RegionSources& sources);

struct Endpoint {
  std::string url;     // scheme://host[:port], lower-case, no trailing slash, default port left out
  std::string host;    // without brackets for IPv6 literals
  int port = 443;      // always filled in (the scheme's default when none was given)
  std::string scheme;  // "https" or "http"
  std::string source;  // which setting gave it: "--endpoint-url", "AWS_ENDPOINT_URL_EC2", ... or "default"
};

struct EndpointSources {
  std::optional<std::string> flag;  // set but empty is an error
  std::string flag_name = "--endpoint-url";
  const Environment& env;  // AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
  std::string region;      // for the default endpoint; checked with is_valid_region()
};

// The EC2 endpoint: flag > AWS_ENDPOINT_URL_EC2 > AWS_ENDPOINT_URL > https://ec2.REGION.amazonaws.com
// (".amazonaws.com.cn" for cn- regions). AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true skips the environment
// variables, not the flag. An explicit URL must be http(s)://host[:port][/] with no credentials, query or
// fragment; plain http is accepted only there (an emulator, a proxy), never for the default.
Result<Endpoint> resolve_ec2_endpoint(const EndpointSources& sources);

// Checks and normalizes one explicit endpoint URL; `setting` names its source in errors and in `source`.
Result<Endpoint> parse_endpoint_url(std::string_view url, std::string_view setting);

}  // namespace cloudvip
