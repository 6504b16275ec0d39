#include "aws/imds.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/strings.h"

namespace cloudvip {

namespace {

constexpr std::string_view k_token_path = "/latest/api/token";
constexpr std::string_view k_ttl_header = "X-aws-ec2-metadata-token-ttl-seconds";
constexpr std::string_view k_token_header = "X-aws-ec2-metadata-token";
constexpr std::chrono::seconds k_max_token_refresh_margin{60};
// After choosing the IMDSv1 fallback, ask for a token again after this long (the instance's metadata
// options may change; asking every time would cost a timeout per call when the PUT is being dropped).
constexpr std::chrono::minutes k_v1_recheck{5};
constexpr std::string_view k_reachability_hint =
    "is the instance metadata service reachable and enabled (instance metadata option HttpEndpoint=enabled; "
    "HttpPutResponseHopLimit of 2 or more inside containers)? When not running on EC2, set "
    "AWS_EC2_METADATA_DISABLED=true";

Result<std::string> parse_endpoint(std::string_view value) {
  std::string text(trim(value));
  auto bad = [&](std::string_view why) {
    return fail(ErrorCode::config,
                "AWS_EC2_METADATA_SERVICE_ENDPOINT='" + std::string(value) + "' " + std::string(why) +
                    " (expected an http:// or https:// URL such as http://169.254.169.254)");
  };
  size_t scheme_end = text.find("://");
  if (scheme_end == std::string::npos) {
    return bad("is not a URL");
  }
  std::string scheme = to_lower(text.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return bad("has the scheme '" + scheme + "'");
  }
  std::string_view rest = std::string_view(text).substr(scheme_end + 3);
  std::string_view host = rest.substr(0, rest.find('/'));
  if (host.empty() || host.front() == ':') {
    return bad("has no host");
  }
  if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) || c < 0x20; })) {
    return bad("contains white space");
  }
  while (text.ends_with('/')) {
    text.pop_back();
  }
  return text;
}

bool is_mac(std::string_view mac) {
  if (mac.size() != 17) {
    return false;
  }
  for (size_t i = 0; i < mac.size(); ++i) {
    bool ok = (i % 3 == 2) ? mac[i] == ':' : std::isxdigit(static_cast<unsigned char>(mac[i])) != 0;
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> lines_of(std::string_view body) {
  std::vector<std::string> out;
  for (const auto& line : split(body, '\n')) {
    auto item = trim(line);
    if (!item.empty()) {
      out.emplace_back(item);
    }
  }
  return out;
}

}  // namespace

Result<ImdsOptions> Imds::options_from_env(const Environment& env) {
  ImdsOptions options;
  options.disabled = env.is_true("AWS_EC2_METADATA_DISABLED");
  if (auto endpoint = env.get_nonempty("AWS_EC2_METADATA_SERVICE_ENDPOINT")) {
    auto parsed = parse_endpoint(*endpoint);
    if (!parsed) {
      return fail(parsed.error());
    }
    options.endpoint = *parsed;
  }
  if (auto timeout = env.get_nonempty("AWS_METADATA_SERVICE_TIMEOUT")) {
    std::string text(trim(*timeout));
    double seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size() || !(seconds > 0) || seconds > 300) {
      return fail(ErrorCode::config, "AWS_METADATA_SERVICE_TIMEOUT='" + *timeout +
                                         "' is not a number of seconds between 0 and 300 (e.g. 1 or 0.5)");
    }
    options.timeout = Millis(std::max<long>(1, static_cast<long>(seconds * 1000)));
  }
  if (auto attempts = env.get_nonempty("AWS_METADATA_SERVICE_NUM_ATTEMPTS")) {
    std::string text(trim(*attempts));
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 10) {
      return fail(ErrorCode::config,
                  "AWS_METADATA_SERVICE_NUM_ATTEMPTS='" + *attempts + "' is not a whole number from 1 to 10");
    }
    options.attempts = value;
  }
  return options;
}

Imds::Imds(HttpTransport& transport, Clock& clock, ImdsOptions options)
    : m_transport(transport), m_clock(clock), m_options(std::move(options)) {
  m_options.attempts = std::clamp(m_options.attempts, 1, 10);
  while (m_options.endpoint.ends_with('/')) {
    m_options.endpoint.pop_back();
  }
}

HttpRequest Imds::request(std::string method, std::string_view path) const {
  HttpRequest req;
  req.method = std::move(method);
  req.url = m_options.endpoint + std::string(path);
  req.connect_timeout = m_options.timeout;
  req.timeout = m_options.timeout;
  req.bypass_proxy = true;
  return req;
}

Result<HttpResponse> Imds::send(HttpRequest request) {
  for (int attempt = 1;; ++attempt) {
    auto outcome = m_transport.send(request);
    bool retry = !outcome || outcome->status >= 500;
    if (!retry || attempt >= m_options.attempts) {
      return outcome;
    }
    m_clock.sleep_for(m_options.retry_pause);
  }
}

Result<std::optional<std::string>> Imds::fetch_token() {
  HttpRequest req = request("PUT", k_token_path);
  req.headers.set(k_ttl_header, std::to_string(m_options.token_ttl.count()));
  TimePoint sent_at = m_clock.now();
  auto outcome = send(req);

  const std::string what = "IMDSv2 token request (PUT " + req.url + ") failed";
  const std::string fallback_note = m_options.allow_v1_fallback ? "" : " (IMDSv1 fallback is off)";
  if (!outcome) {
    if (outcome.error().code == ErrorCode::timeout && m_options.allow_v1_fallback) {
      m_v1_until = m_clock.now() + k_v1_recheck;
      return std::optional<std::string>();
    }
    return fail(outcome.error().wrap(what + fallback_note + "; " + std::string(k_reachability_hint)));
  }
  int status = outcome->status;
  if (status == 200 && !trim(outcome->body).empty()) {
    std::chrono::seconds ttl = m_options.token_ttl;
    if (auto echoed = outcome->headers.get(k_ttl_header)) {
      long seconds = 0;
      auto text = trim(*echoed);
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
      if (ec == std::errc() && end == text.data() + text.size() && seconds > 0) {
        ttl = std::min(ttl, std::chrono::seconds(seconds));
      }
    }
    auto margin = std::min<std::chrono::seconds>(k_max_token_refresh_margin, ttl / 10);
    m_token = std::string(trim(outcome->body));
    m_token_refresh_at = sent_at + ttl - margin;
    m_v1_until.reset();
    return m_token;
  }
  bool no_token_service = status == 403 || status == 404 || status == 405;
  if (no_token_service && m_options.allow_v1_fallback) {
    m_v1_until = m_clock.now() + k_v1_recheck;
    return std::optional<std::string>();
  }
  std::string detail = status == 200 ? "HTTP 200 with an empty token" : "HTTP " + std::to_string(status);
  Error error(ErrorCode::http,
              what + ": " + detail + fallback_note + "; " + std::string(k_reachability_hint));
  error.http_status = status;
  return fail(std::move(error));
}

Result<std::optional<std::string>> Imds::token() {
  std::lock_guard lock(m_mutex);
  TimePoint now = m_clock.now();
  if (m_token && now < m_token_refresh_at) {
    return m_token;
  }
  if (!m_token && m_v1_until && now < *m_v1_until) {
    return std::optional<std::string>();
  }
  m_token.reset();
  return fetch_token();
}

void Imds::forget_token(const std::string& token) {
  std::lock_guard lock(m_mutex);
  if (m_token == token) {
    m_token.reset();
  }
}

Result<std::string> Imds::get(std::string_view path) {
  if (m_options.disabled) {
    return fail(ErrorCode::unavailable,
                "the instance metadata service is disabled by AWS_EC2_METADATA_DISABLED=true (wanted " +
                    std::string(path) + "); unset it to read instance metadata and role credentials");
  }
  std::string full_path = path.starts_with('/') ? std::string(path) : "/" + std::string(path);
  Result<HttpResponse> outcome;
  // At most two rounds: the second only after a 401 with a token we then replace.
  for (int round = 0; round < 2; ++round) {
    auto token = this->token();
    if (!token) {
      return fail(token.error());
    }
    HttpRequest req = request("GET", full_path);
    if (*token) {
      req.headers.set(k_token_header, **token);
    }
    outcome = send(std::move(req));
    if (!outcome) {
      return fail(outcome.error().wrap("IMDS GET " + full_path + " failed after " +
                                       std::to_string(m_options.attempts) + " attempt(s)"));
    }
    if (outcome->status == 401 && *token && round == 0) {
      forget_token(**token);
      continue;
    }
    break;
  }
  int status = outcome->status;
  if (status == 200) {
    return std::move(outcome->body);
  }
  Error error;
  error.http_status = status;
  if (status == 404) {
    error.code = ErrorCode::not_found;
    error.message = "IMDS has nothing at " + full_path + " (HTTP 404)";
  } else if (status == 401) {
    error.code = ErrorCode::http;
    error.message = "IMDS refused GET " + full_path +
                    " (HTTP 401: the session token was missing or refused, also after fetching a new one)";
  } else {
    error.code = ErrorCode::http;
    error.message = "IMDS answered GET " + full_path + " with HTTP " + std::to_string(status);
  }
  return fail(std::move(error));
}

Result<std::string> Imds::meta(std::string_view path) {
  auto body = get("/latest/meta-data/" + std::string(path));
  if (!body) {
    return body;
  }
  std::string value(trim(*body));
  if (value.empty()) {
    return fail(ErrorCode::parse, "IMDS returned an empty value for /latest/meta-data/" + std::string(path));
  }
  return value;
}

Result<std::string> Imds::instance_id() {
  return meta("instance-id");
}

Result<std::string> Imds::availability_zone() {
  return meta("placement/availability-zone");
}

Result<std::string> Imds::region() {
  auto region = meta("placement/region");
  if (region || region.error().code != ErrorCode::not_found) {
    return region;
  }
  auto zone = availability_zone();
  if (!zone) {
    return fail(zone.error().wrap("cannot tell the region: IMDS has no placement/region"));
  }
  if (zone->size() < 2 || !std::isalpha(static_cast<unsigned char>(zone->back()))) {
    return fail(ErrorCode::parse, "cannot tell the region from the availability zone '" + *zone +
                                      "' (expected a region name followed by a letter, e.g. eu-west-1a)");
  }
  zone->pop_back();
  return *zone;
}

Result<std::vector<std::string>> Imds::macs() {
  auto body = get("/latest/meta-data/network/interfaces/macs/");
  if (!body) {
    return fail(body.error());
  }
  std::vector<std::string> out;
  for (auto& line : lines_of(*body)) {
    while (line.ends_with('/')) {
      line.pop_back();
    }
    if (!line.empty()) {
      out.push_back(std::move(line));
    }
  }
  return out;
}

Result<std::string> Imds::interface_value(std::string_view mac, std::string_view key) {
  if (!is_mac(mac)) {
    return fail(
        ErrorCode::invalid_argument,
        "'" + std::string(mac) + "' is not a MAC address (expected six hex pairs such as 0e:12:34:56:78:9a)");
  }
  return meta("network/interfaces/macs/" + std::string(mac) + "/" + std::string(key));
}

Result<std::string> Imds::interface_id(std::string_view mac) {
  return interface_value(mac, "interface-id");
}

Result<std::string> Imds::subnet_id(std::string_view mac) {
  return interface_value(mac, "subnet-id");
}

Result<std::string> Imds::vpc_id(std::string_view mac) {
  return interface_value(mac, "vpc-id");
}

Result<std::vector<std::string>> Imds::local_ipv4s(std::string_view mac) {
  auto body = interface_value(mac, "local-ipv4s");
  if (!body) {
    return fail(body.error());
  }
  return lines_of(*body);
}

Result<int> Imds::device_number(std::string_view mac) {
  auto text = interface_value(mac, "device-number");
  if (!text) {
    return fail(text.error());
  }
  int value = -1;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 0) {
    return fail(ErrorCode::parse,
                "IMDS device-number for " + std::string(mac) + " is '" + *text + "', not a whole number");
  }
  return value;
}

Result<IdentityDocument> Imds::identity_document() {
  const std::string path = "/latest/dynamic/instance-identity/document";
  auto body = get(path);
  if (!body) {
    return fail(body.error());
  }
  auto json = nlohmann::json::parse(*body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return fail(ErrorCode::parse, "IMDS " + path + " is not a JSON object");
  }
  auto text = [&json](const char* key) {
    auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  IdentityDocument doc{text("accountId"), text("region"),       text("instanceId"), text("availabilityZone"),
                       text("privateIp"), text("instanceType"), text("imageId"),    text("architecture")};
  std::string missing;
  for (auto [key, value] : {std::pair{"accountId", &doc.account_id}, std::pair{"region", &doc.region},
                            std::pair{"instanceId", &doc.instance_id}}) {
    if (value->empty()) {
      missing += missing.empty() ? key : std::string(", ") + key;
    }
  }
  if (!missing.empty()) {
    return fail(ErrorCode::parse, "IMDS " + path + " lacks " + missing);
  }
  return doc;
}

Result<std::string> Imds::role_name() {
  auto body = get("/latest/meta-data/iam/security-credentials/");
  if (!body && body.error().code == ErrorCode::not_found) {
    return fail(body.error().wrap("this instance has no IAM role (attach an instance profile to it)"));
  }
  if (!body) {
    return body;
  }
  auto names = lines_of(*body);
  if (names.empty()) {
    return fail(ErrorCode::not_found, "this instance has no IAM role (attach an instance profile to it)");
  }
  return names.front();
}

Result<Credentials> Imds::role_credentials(std::string_view role) {
  if (role.empty() || role.find_first_of("/ \t\r\n?#") != std::string_view::npos) {
    return fail(ErrorCode::invalid_argument, "'" + std::string(role) + "' is not an IAM role name");
  }
  const std::string what = "IMDS credentials for role '" + std::string(role) + "'";
  auto body = get("/latest/meta-data/iam/security-credentials/" + std::string(role));
  if (!body) {
    return fail(body.error());
  }
  auto json = nlohmann::json::parse(*body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return fail(ErrorCode::parse, what + " are not a JSON object");
  }
  auto text = [&json](const char* key) -> std::optional<std::string> {
    auto it = json.find(key);
    if (it == json.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      return std::nullopt;
    }
    return it->get<std::string>();
  };
  if (auto code = text("Code"); code && *code != "Success") {
    return fail(ErrorCode::auth,
                what + " are unavailable: Code=" + *code + (text("Message") ? ": " + *text("Message") : ""));
  }
  std::string missing;
  for (const char* key : {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}) {
    if (!text(key)) {
      missing += missing.empty() ? key : std::string(", ") + key;
    }
  }
  if (!missing.empty()) {
    return fail(ErrorCode::parse, what + " lack " + missing);
  }
  auto expiration = parse_aws_timestamp(*text("Expiration"));
  if (!expiration) {
    return fail(ErrorCode::parse, what + " have Expiration '" + *text("Expiration") +
                                      "', expected the form 2017-05-17T15:09:54Z");
  }
  Credentials credentials;
  credentials.access_key_id = *text("AccessKeyId");
  credentials.secret_access_key = *text("SecretAccessKey");
  credentials.session_token = *text("Token");
  credentials.expiration = *expiration;
  credentials.provider = "imds-role";
  return credentials;
}

}  // namespace cloudvip
