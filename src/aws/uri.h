// URLs and RFC 3986 percent-encoding, as SigV4, the EC2 form encoder and the emulator's verifier need them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace cloudvip {

// An absolute http(s) URL split into its parts. The path and query are kept exactly as given (neither
// validated nor decoded): SigV4 signs them as they go on the wire.
struct Url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // as given; an IPv6 literal keeps its brackets ("[fd00:ec2::254]")
  uint16_t port = 0;   // the effective port: the explicit one, else 80 for http and 443 for https
  std::string path;    // "/" when the URL has none
  std::string query;   // without the '?'; empty when absent. A fragment is dropped.

  bool has_default_port() const { return port == (scheme == "https" ? 443 : 80); }
  // The Host header value: host, plus ":port" only when the port is not the scheme's default.
  std::string host_header() const;
};

// Parses `url`. Fails (ErrorCode::invalid_argument) when the scheme is not http or https, the host is
// empty, the port is not a number in 1-65535, or the URL carries user info ("user@host").
Result<Url> parse_url(std::string_view url);

// True for the RFC 3986 unreserved characters: A-Za-z0-9 and -_.~
bool is_unreserved(unsigned char c);
// The value of one hexadecimal digit (either case), or -1.
int hex_digit_value(char c);

// RFC 3986 percent-encoding: A-Za-z0-9 and -_.~ stay as they are, every other byte (UTF-8 bytes included)
// becomes %XX with upper-case hex. '/' is kept when `encode_slash` is false (for paths).
std::string uri_encode(std::string_view s, bool encode_slash = true);

// Decodes %XX sequences; a '%' not followed by two hex digits is kept as it is. '+' becomes a space only
// when `plus_is_space` (application/x-www-form-urlencoded bodies), otherwise it stays '+'.
std::string uri_decode(std::string_view s, bool plus_is_space = false);

// Splits a query string or form body ("a=1&b=&c") into decoded (key, value) pairs in order. Empty pieces
// ("a=1&&b=2") are skipped; a piece without '=' has an empty value.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query,
                                                             bool plus_is_space = false);

}  // namespace cloudvip
