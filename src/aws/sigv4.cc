#include "aws/sigv4.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <utility>

#include "aws/crypto.h"
#include "aws/uri.h"
#include "common/strings.h"

namespace cloudvip::sigv4 {
namespace {

constexpr std::string_view k_algorithm = "AWS4-HMAC-SHA256";
constexpr std::chrono::seconds k_max_expires{7 * 24 * 3600};

// Hop-by-hop and tracing headers that proxies may change or drop; botocore never signs them. Authorization
// is the result of signing, so it is never part of it either.
constexpr std::array<std::string_view, 12> k_unsigned_headers = {"authorization",
                                                                 "connection",
                                                                 "expect",
                                                                 "keep-alive",
                                                                 "proxy-authenticate",
                                                                 "proxy-authorization",
                                                                 "te",
                                                                 "trailer",
                                                                 "transfer-encoding",
                                                                 "upgrade",
                                                                 "user-agent",
                                                                 "x-amzn-trace-id"};

bool is_unsigned(std::string_view lower_name) {
  return std::find(k_unsigned_headers.begin(), k_unsigned_headers.end(), lower_name) !=
         k_unsigned_headers.end();
}

// Lower-case header name -> canonical value; values of repeated headers joined with ',' in order.
using CanonicalHeaders = std::map<std::string, std::string>;

void add_header(CanonicalHeaders& headers, const std::string& lower_name, std::string_view value) {
  auto [it, inserted] = headers.try_emplace(lower_name, canonical_header_value(value));
  if (!inserted) {
    it->second += ",";
    it->second += canonical_header_value(value);
  }
}

// Every header on the request that the SDKs sign.
CanonicalHeaders signable_headers(const HttpHeaders& headers) {
  CanonicalHeaders out;
  for (const auto& [name, value] : headers.items()) {
    std::string lower = to_lower(name);
    if (!is_unsigned(lower)) {
      add_header(out, lower, value);
    }
  }
  return out;
}

std::string signed_header_list(const CanonicalHeaders& headers) {
  std::string out;
  for (const auto& [name, value] : headers) {
    out += out.empty() ? "" : ";";
    out += name;
  }
  return out;
}

std::string canonical_query_of(std::vector<std::pair<std::string, std::string>> pairs) {
  for (auto& [key, value] : pairs) {
    key = uri_encode(key);
    value = uri_encode(value);
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [key, value] : pairs) {
    out += out.empty() ? "" : "&";
    out += key + "=" + value;
  }
  return out;
}

std::string canonical_request(const HttpRequest& request, const Url& url, const std::string& query,
                              const CanonicalHeaders& headers, bool normalize_path) {
  std::string out = request.method + "\n" + canonical_uri(url.path, normalize_path) + "\n" + query + "\n";
  for (const auto& [name, value] : headers) {
    out += name + ":" + value + "\n";
  }
  out += "\n" + signed_header_list(headers) + "\n" + crypto::sha256_hex(request.body);
  return out;
}

std::string date_stamp(TimePoint time) {
  return amz_date(time).substr(0, 8);
}

std::string scope(const SigningParams& params) {
  return date_stamp(params.time) + "/" + params.region + "/" + params.service + "/aws4_request";
}

// The signing key, HMAC("AWS4" + secret, date) -> region -> service -> "aws4_request". It only changes with
// the date, so each thread keeps the last one: a write round signs every request with the same key, and
// deriving it is four of a signature's five HMACs. (The secret is compared, never logged.)
std::string signing_key(const std::string& secret, const std::string& date, const std::string& region,
                        const std::string& service) {
  struct Derived {
    std::string secret, date, region, service, key;
  };
  thread_local Derived last;
  if (last.key.empty() || last.secret != secret || last.date != date || last.region != region ||
      last.service != service) {
    std::string key = crypto::hmac_sha256("AWS4" + secret, date);
    key = crypto::hmac_sha256(key, region);
    key = crypto::hmac_sha256(key, service);
    last = Derived{secret, date, region, service, crypto::hmac_sha256(key, "aws4_request")};
  }
  return last.key;
}

// Fills string_to_sign and signature from an already built canonical request.
Signature finish(std::string canonical, const Credentials& credentials, const SigningParams& params) {
  Signature out;
  out.canonical_request = std::move(canonical);
  out.string_to_sign = std::string(k_algorithm) + "\n" + amz_date(params.time) + "\n" + scope(params) + "\n" +
                       crypto::sha256_hex(out.canonical_request);
  out.signature = hex_encode(crypto::hmac_sha256(
      signing_key(credentials.secret_access_key, date_stamp(params.time), params.region, params.service),
      out.string_to_sign));
  return out;
}

std::string authorization_value(const Credentials& credentials, const SigningParams& params,
                                const CanonicalHeaders& headers, const std::string& signature) {
  return std::string(k_algorithm) + " Credential=" + credentials.access_key_id + "/" + scope(params) +
         ", SignedHeaders=" + signed_header_list(headers) + ", Signature=" + signature;
}

std::string normalize(std::string_view path) {
  std::vector<std::string> kept;
  for (std::string& segment : split(path, '/')) {
    if (segment.empty() || segment == ".") {
      continue;
    }
    if (segment == "..") {
      if (!kept.empty()) {
        kept.pop_back();
      }
      continue;
    }
    kept.push_back(std::move(segment));
  }
  std::string out;
  for (const std::string& segment : kept) {
    out += "/" + segment;
  }
  if (out.empty() || path.ends_with('/')) {
    out += "/";
  }
  return out;
}

}  // namespace

std::string canonical_uri(std::string_view path, bool normalize_path) {
  std::string out = normalize_path ? normalize(path) : std::string(path);
  return out.empty() ? "/" : uri_encode(out, false);
}

std::string canonical_query(std::string_view query) {
  return canonical_query_of(parse_query(query));
}

std::string canonical_header_value(std::string_view value) {
  std::string out;
  bool in_space = false;
  for (char c : trim(value)) {
    bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
    if (space && !in_space) {
      out.push_back(' ');
    } else if (!space) {
      out.push_back(c);
    }
    in_space = space;
  }
  return out;
}

std::string amz_date(TimePoint time) {
  using namespace std::chrono;
  auto seconds = floor<std::chrono::seconds>(time);
  auto day = floor<days>(seconds);
  year_month_day ymd{day};
  hh_mm_ss hms{seconds - day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return text;
}

Result<TimePoint> parse_amz_date(std::string_view text) {
  auto bad = [&] {
    return fail(ErrorCode::invalid_argument,
                "date '" + std::string(text) + "' is not in the X-Amz-Date format yyyymmddThhmmssZ");
  };
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') {
    return bad();
  }
  auto number = [&](size_t at, size_t length) {
    int value = 0;
    for (size_t i = at; i < at + length; ++i) {
      if (text[i] < '0' || text[i] > '9') {
        return -1;
      }
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  int year = number(0, 4), month = number(4, 2), day = number(6, 2);
  int hour = number(9, 2), minute = number(11, 2), second = number(13, 2);
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)};
  if (!is_representable_year(year) || month < 0 || day < 0 || !ymd.ok() || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 59) {
    return bad();
  }
  return TimePoint(std::chrono::sys_days(ymd) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
                   std::chrono::seconds(second));
}

Signature sign(HttpRequest& request, const Credentials& credentials, const SigningParams& params) {
  auto url = parse_url(request.url);
  if (!url) {
    return {};
  }
  HttpHeaders& headers = request.headers;
  headers.remove("Authorization");
  headers.remove("X-Amz-Security-Token");
  if (!headers.has("Host")) {
    headers.set("Host", url->host_header());
  }
  headers.set("X-Amz-Date", amz_date(params.time));
  bool token = !credentials.session_token.empty();
  if (token && !params.omit_session_token) {
    headers.set("X-Amz-Security-Token", credentials.session_token);
  }
  if (params.add_content_sha256_header) {
    headers.set("x-amz-content-sha256", crypto::sha256_hex(request.body));
  }

  CanonicalHeaders canonical = signable_headers(headers);
  Signature out =
      finish(canonical_request(request, *url, canonical_query(url->query), canonical, params.normalize_path),
             credentials, params);
  out.authorization = authorization_value(credentials, params, canonical, out.signature);
  headers.set("Authorization", out.authorization);
  if (token && params.omit_session_token) {
    headers.set("X-Amz-Security-Token", credentials.session_token);
  }
  return out;
}

Result<Signature> presign(HttpRequest& request, const Credentials& credentials, const SigningParams& params,
                          std::chrono::seconds expires) {
  if (expires < std::chrono::seconds(1) || expires > k_max_expires) {
    return fail(ErrorCode::invalid_argument, "presign: expiry of " + std::to_string(expires.count()) +
                                                 " s is outside 1 s .. 604800 s (7 days)");
  }
  auto url = parse_url(request.url);
  if (!url) {
    return fail(url.error().wrap("presign"));
  }
  if (!request.headers.has("Host")) {
    request.headers.set("Host", url->host_header());
  }
  CanonicalHeaders canonical = signable_headers(request.headers);
  // In the order the suite's signed URLs list them; the canonical query sorts them anyway.
  std::vector<std::pair<std::string, std::string>> added = {
      {"X-Amz-Algorithm", std::string(k_algorithm)},
      {"X-Amz-Credential", credentials.access_key_id + "/" + scope(params)},
      {"X-Amz-Date", amz_date(params.time)},
      {"X-Amz-SignedHeaders", signed_header_list(canonical)},
      {"X-Amz-Expires", std::to_string(expires.count())},
  };
  bool token = !credentials.session_token.empty();
  if (token && !params.omit_session_token) {
    added.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  auto pairs = parse_query(url->query);
  pairs.insert(pairs.end(), added.begin(), added.end());
  Signature out = finish(canonical_request(request, *url, canonical_query_of(std::move(pairs)), canonical,
                                           params.normalize_path),
                         credentials, params);

  if (token && params.omit_session_token) {
    added.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  added.emplace_back("X-Amz-Signature", out.signature);
  std::string suffix;
  for (const auto& [key, value] : added) {
    suffix += (suffix.empty() ? "" : "&") + key + "=" + uri_encode(value);
  }
  std::string& target = request.url;
  target = target.substr(0, target.find('#'));
  if (target.find('?') == std::string::npos) {
    target += "?";
  } else if (!target.ends_with('?') && !target.ends_with('&')) {
    target += "&";
  }
  target += suffix;
  return out;
}

Result<Signature> compute(const HttpRequest& request, const Credentials& credentials,
                          const SigningParams& params, const std::vector<std::string>& signed_headers) {
  auto url = parse_url(request.url);
  if (!url) {
    return fail(url.error().wrap("SigV4 verification"));
  }
  if (signed_headers.empty()) {
    return fail(ErrorCode::invalid_argument, "SigV4 verification: the signed header list is empty");
  }
  CanonicalHeaders canonical;
  for (const std::string& wanted : signed_headers) {
    std::string lower = to_lower(wanted);
    if (canonical.contains(lower)) {
      continue;
    }
    for (const auto& [name, value] : request.headers.items()) {
      if (iequals(name, lower)) {
        add_header(canonical, lower, value);
      }
    }
    if (!canonical.contains(lower)) {
      if (lower != "host") {
        return fail(ErrorCode::invalid_argument,
                    "SigV4 verification: signed header '" + lower + "' is not on the request");
      }
      add_header(canonical, lower, url->host_header());
    }
  }
  Signature out =
      finish(canonical_request(request, *url, canonical_query(url->query), canonical, params.normalize_path),
             credentials, params);
  out.authorization = authorization_value(credentials, params, canonical, out.signature);
  return out;
}

Result<AuthorizationHeader> parse_authorization(std::string_view value) {
  auto bad = [](std::string why) {
    return fail(ErrorCode::invalid_argument, "Authorization header: " + std::move(why));
  };
  std::string_view rest = trim(value);
  size_t space = rest.find(' ');
  std::string_view algorithm = rest.substr(0, space);
  if (algorithm != k_algorithm) {
    return bad("algorithm '" + std::string(algorithm) + "' is not " + std::string(k_algorithm));
  }
  rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);

  std::map<std::string, std::string, std::less<>> fields;
  for (const std::string& part : split(rest, ',')) {
    std::string_view field = trim(part);
    size_t equals = field.find('=');
    std::string_view key = field.substr(0, equals);
    if (equals == std::string_view::npos ||
        (key != "Credential" && key != "SignedHeaders" && key != "Signature")) {
      return bad("'" + std::string(field) + "' is not Credential=, SignedHeaders= or Signature=");
    }
    if (!fields.emplace(std::string(key), std::string(field.substr(equals + 1))).second) {
      return bad(std::string(key) + " appears twice");
    }
  }
  for (const char* key : {"Credential", "SignedHeaders", "Signature"}) {
    if (!fields.contains(key)) {
      return bad(std::string("has no ") + key + "=");
    }
  }

  AuthorizationHeader out;
  std::vector<std::string> scope_parts = split(fields["Credential"], '/');
  bool date_ok =
      scope_parts.size() == 5 && scope_parts[1].size() == 8 &&
      std::all_of(scope_parts[1].begin(), scope_parts[1].end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!date_ok || scope_parts[0].empty() || scope_parts[2].empty() || scope_parts[3].empty() ||
      scope_parts[4] != "aws4_request") {
    return bad("Credential '" + fields["Credential"] +
               "' is not ACCESS_KEY_ID/yyyymmdd/region/service/aws4_request");
  }
  out.access_key_id = scope_parts[0];
  out.date = scope_parts[1];
  out.region = scope_parts[2];
  out.service = scope_parts[3];

  out.signed_headers = split(fields["SignedHeaders"], ';');
  if (std::any_of(out.signed_headers.begin(), out.signed_headers.end(),
                  [](const std::string& name) { return name.empty(); })) {
    return bad("SignedHeaders '" + fields["SignedHeaders"] + "' has an empty header name");
  }

  out.signature = fields["Signature"];
  bool hex = out.signature.size() == 64 &&
             std::all_of(out.signature.begin(), out.signature.end(),
                         [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  if (!hex) {
    return bad("Signature is not 64 lower-case hex digits");
  }
  return out;
}

}  // namespace cloudvip::sigv4
