#include "http/curl_exchange.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string_view>

#include "common/strings.h"

namespace cloudvip {
namespace {

constexpr const char* k_user_agent = "cloudvip/" CLOUDVIP_VERSION;

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos || s.find('\0') != std::string_view::npos;
}

ErrorCode classify(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorCode::timeout;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return ErrorCode::invalid_argument;
    case CURLE_SSL_CACERT_BADFILE:
      return ErrorCode::config;
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_NOT_BUILT_IN:
      return ErrorCode::internal;
    default:  // resolve, connect, send, receive, TLS handshake, proxy failures
      return ErrorCode::network;
  }
}

}  // namespace

CurlExchange::~CurlExchange() {
  curl_slist_free_all(m_header_list);
}

Result<void> CurlExchange::prepare() {
  if (m_request.timeout.count() <= 0 || m_request.connect_timeout.count() <= 0) {
    return fail(ErrorCode::invalid_argument,
                fmt::format("{}: timeouts must be positive (connect {} ms, total {} ms)", describe(),
                            m_request.connect_timeout.count(), m_request.timeout.count()));
  }
  CURL* h = m_easy;
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, m_error);
  curl_easy_setopt(h, CURLOPT_URL, m_request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_request.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(m_request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!m_settings.options.ca_bundle.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, m_settings.options.ca_bundle.c_str());
  }
  if (m_settings.share != nullptr) {
    curl_easy_setopt(h, CURLOPT_SHARE, m_settings.share);
  }
  set_proxy();
  // Only the final answer's headers are wanted, not a proxy's answer to CONNECT.
  curl_easy_setopt(h, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &CurlExchange::on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &CurlExchange::on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, this);
  if (auto result = set_method(); !result) {
    return result;
  }
  return set_headers();
}

void CurlExchange::set_proxy() {
  // Set explicitly even when empty: "" disables libcurl's own reading of the environment.
  const std::string& proxy =
      m_request.bypass_proxy ? std::string() : m_settings.proxy.proxy_for(m_request.url);
  m_proxy_used = proxy;
  curl_easy_setopt(m_easy, CURLOPT_PROXY, proxy.c_str());
  curl_easy_setopt(m_easy, CURLOPT_NOPROXY, m_settings.proxy.no_proxy.c_str());
}

Result<void> CurlExchange::set_method() {
  const std::string& method = m_request.method;
  if (!is_token(method)) {
    return fail(ErrorCode::invalid_argument,
                fmt::format("{}: '{}' is not an HTTP method", describe(), method));
  }
  CURL* h = m_easy;
  if (method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    if (method != "POST") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    // POST and PUT always carry a body (maybe empty, sent as Content-Length: 0); others only when given.
    if (method == "POST" || method == "PUT" || method == "PATCH" || !m_request.body.empty()) {
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(m_request.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, m_request.body.data());
    }
  }
  return ok();
}

Result<void> CurlExchange::set_headers() {
  for (const auto& [name, value] : m_request.headers.items()) {
    if (!is_token(name) || has_line_break(value)) {
      return fail(
          ErrorCode::invalid_argument,
          fmt::format("{}: header '{}' has an invalid name or a line break in its value", describe(), name));
    }
    // "Name;" is libcurl's way to send a header with an empty value.
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    m_header_list = curl_slist_append(m_header_list, line.c_str());
  }
  // No "Expect: 100-continue" round trip; no Content-Type the caller did not choose (and did not sign).
  m_header_list = curl_slist_append(m_header_list, "Expect:");
  if (!m_request.headers.has("Content-Type")) {
    m_header_list = curl_slist_append(m_header_list, "Content-Type:");
  }
  if (!m_request.headers.has("User-Agent")) {
    curl_easy_setopt(m_easy, CURLOPT_USERAGENT, k_user_agent);
  }
  if (m_header_list == nullptr) {
    return fail(ErrorCode::internal, describe() + ": out of memory building the header list");
  }
  curl_easy_setopt(m_easy, CURLOPT_HTTPHEADER, m_header_list);
  return ok();
}

size_t CurlExchange::on_header(char* data, size_t size, size_t count, void* self) {
  auto* exchange = static_cast<CurlExchange*>(self);
  size_t bytes = size * count;
  std::string_view line(data, bytes);
  auto& headers = exchange->m_headers;
  if (starts_with(line, "HTTP/")) {
    // A new status line: whatever came before (100 Continue, a proxy's answer) is not the final answer.
    headers.clear();
    return bytes;
  }
  std::string_view trimmed = trim(line);
  if (trimmed.empty()) {
    return bytes;
  }
  if ((line[0] == ' ' || line[0] == '\t') && !headers.empty()) {
    headers.back().second += " " + std::string(trimmed);  // an obsolete folded continuation line
    return bytes;
  }
  auto colon = trimmed.find(':');
  if (colon == std::string_view::npos) {
    return bytes;  // not a header line; ignore rather than fail the exchange
  }
  headers.emplace_back(trim(trimmed.substr(0, colon)), trim(trimmed.substr(colon + 1)));
  return bytes;
}

size_t CurlExchange::on_body(char* data, size_t size, size_t count, void* self) {
  auto* exchange = static_cast<CurlExchange*>(self);
  size_t bytes = size * count;
  if (exchange->m_response.body.size() + bytes > exchange->m_settings.options.max_body_bytes) {
    exchange->m_body_too_large = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  exchange->m_response.body.append(data, bytes);
  return bytes;
}

Result<HttpResponse> CurlExchange::finish(CURLcode code) {
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(m_easy, CURLINFO_RESPONSE_CODE, &status);
    m_response.status = static_cast<int>(status);
    for (auto& [name, value] : m_headers) {
      m_response.headers.add(std::move(name), std::move(value));
    }
    return std::move(m_response);
  }
  if (m_body_too_large) {
    return fail(ErrorCode::http, fmt::format("{}: the answer's body is larger than {} bytes", describe(),
                                             m_settings.options.max_body_bytes));
  }
  std::string detail = m_error[0] != '\0' ? std::string(m_error) : std::string(curl_easy_strerror(code));
  ErrorCode kind = classify(code);
  std::string message = fmt::format("{}: {} (curl error {})", describe(), detail, static_cast<int>(code));
  if (kind == ErrorCode::config) {
    message += fmt::format("; check the CA bundle '{}' (AWS_CA_BUNDLE) exists and holds PEM certificates",
                           m_settings.options.ca_bundle);
  }
  return fail(kind, std::move(message));
}

std::string CurlExchange::describe() const {
  std::string_view url = m_request.url;
  url = url.substr(0, url.find('?'));
  std::string out = fmt::format("{} {}", m_request.method, url);
  if (!m_proxy_used.empty()) {
    out += fmt::format(" (proxy {}", redact_proxy_credentials(m_proxy_used));
    if (!m_settings.proxy.no_proxy.empty()) {
      out += fmt::format(", no_proxy '{}'", m_settings.proxy.no_proxy);
    }
    out += ")";
  }
  return out;
}

}  // namespace cloudvip
