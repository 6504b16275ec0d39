#include "aws/uri.h"

#include <charconv>

#include "common/strings.h"

namespace cloudvip {
namespace {

std::unexpected<Error> bad_url(std::string_view url, std::string_view why) {
  return fail(ErrorCode::invalid_argument, "URL '" + std::string(url) + "' " + std::string(why) +
                                               " (expected https://host[:port][/path])");
}

}  // namespace

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::string Url::host_header() const {
  if (has_default_port()) {
    return host;
  }
  return host + ":" + std::to_string(port);
}

Result<Url> parse_url(std::string_view url) {
  Url out;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return bad_url(url, "has no scheme");
  }
  out.scheme = to_lower(url.substr(0, scheme_end));
  if (out.scheme != "http" && out.scheme != "https") {
    return bad_url(url, "has scheme '" + out.scheme + "', not http or https");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view target = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return bad_url(url, "carries user info; credentials do not belong in URLs");
  }

  std::string_view port_text;
  if (starts_with(authority, "[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return bad_url(url, "has an IPv6 host without its closing ']'");
    }
    out.host = std::string(authority.substr(0, close + 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') {
        return bad_url(url, "has text after its IPv6 host");
      }
      port_text = after.substr(1);
      if (port_text.empty()) {
        return bad_url(url, "has an empty port");
      }
    }
  } else {
    size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) {
        return bad_url(url, "has an empty port");
      }
    }
  }
  if (out.host.empty() || out.host == "[]") {
    return bad_url(url, "has no host");
  }
  if (port_text.empty()) {
    out.port = out.scheme == "https" ? 443 : 80;
  } else {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 || value > 65535) {
      return bad_url(url, "has port '" + std::string(port_text) + "', not a number in 1-65535");
    }
    out.port = static_cast<uint16_t>(value);
  }

  size_t question = target.find('?');
  out.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) {
    out.query = std::string(target.substr(question + 1));
  }
  if (out.path.empty()) {
    out.path = "/";
  }
  return out;
}

std::string uri_encode(std::string_view s, bool encode_slash) {
  static const char* k_hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (is_unreserved(c) || (c == '/' && !encode_slash)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(k_hex[c >> 4]);
      out.push_back(k_hex[c & 0xf]);
    }
  }
  return out;
}

std::string uri_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit_value(s[i + 1]) >= 0 && hex_digit_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit_value(s[i + 1]) * 16 + hex_digit_value(s[i + 2])));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query, bool plus_is_space) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& piece : split(query, '&')) {
    if (piece.empty()) {
      continue;
    }
    size_t equals = piece.find('=');
    std::string_view key = std::string_view(piece).substr(0, equals);
    std::string_view value =
        equals == std::string::npos ? std::string_view() : std::string_view(piece).substr(equals + 1);
    out.emplace_back(uri_decode(key, plus_is_space), uri_decode(value, plus_is_space));
  }
  return out;
}

}  // namespace cloudvip
