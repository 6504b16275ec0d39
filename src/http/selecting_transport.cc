#include "http/selecting_transport.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>

#include "common/strings.h"
#include "http/http1.h"

namespace cloudvip {

namespace {

PlainHttpTransportOptions plain_options(PlainHttpTransportOptions plain,
                                        const CurlTransportOptions& options) {
  plain.max_parallel = options.max_parallel;
  plain.max_body_bytes = options.max_body_bytes;
  return plain;
}

}  // namespace

SelectingTransport::SelectingTransport(const Environment& env, CurlTransportOptions options,
                                       PlainHttpTransportOptions plain)
    : m_env(env),
      m_options(std::move(options)),
      m_proxy(ProxySettings::from_environment(env)),
      m_plain(plain_options(plain, m_options)) {}

SelectingTransport::~SelectingTransport() = default;

bool SelectingTransport::needs_curl(const HttpRequest& request) const {
  if (!starts_with(to_lower(std::string_view(request.url).substr(0, 7)), "http://")) {
    return true;
  }
  return !request.bypass_proxy && !m_proxy.proxy_for(request.url).empty();
}

bool SelectingTransport::curl_loaded() const {
  std::lock_guard guard(m_mutex);
  return m_curl != nullptr;
}

Result<HttpTransport*> SelectingTransport::curl() {
  std::lock_guard guard(m_mutex);
  if (!m_curl) {
    try {
      m_curl = std::make_unique<CurlTransport>(m_env, m_options);
    } catch (const std::exception& e) {
      return fail(ErrorCode::internal,
                  fmt::format("{} (https endpoints and proxies need libcurl 4: install libcurl4)", e.what()));
    }
  }
  return m_curl.get();
}

void SelectingTransport::warm_up(const std::string& url, size_t connections) {
  HttpRequest probe;
  probe.url = url;
  if (!needs_curl(probe)) {
    m_plain.warm_up(url, connections);
  }
}

Result<HttpResponse> SelectingTransport::send(const HttpRequest& request) {
  if (!needs_curl(request)) {
    return m_plain.send(request);
  }
  Result<HttpTransport*> curl_transport = curl();
  if (!curl_transport) {
    return fail(curl_transport.error().wrap(describe_request(request)));
  }
  return (*curl_transport)->send(request);
}

std::vector<Result<HttpResponse>> SelectingTransport::send_all(const std::vector<HttpRequest>& requests) {
  std::vector<HttpRequest> plain;
  std::vector<HttpRequest> curled;
  std::vector<bool> by_curl(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    by_curl[i] = needs_curl(requests[i]);
  }
  bool any_curl = std::find(by_curl.begin(), by_curl.end(), true) != by_curl.end();
  bool any_plain = std::find(by_curl.begin(), by_curl.end(), false) != by_curl.end();
  if (!any_curl) {
    return m_plain.send_all(requests);
  }
  Result<HttpTransport*> curl_transport = curl();
  if (!any_plain && curl_transport) {
    return (*curl_transport)->send_all(requests);
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    (by_curl[i] ? curled : plain).push_back(requests[i]);
  }
  std::vector<Result<HttpResponse>> plain_results = m_plain.send_all(plain);
  std::vector<Result<HttpResponse>> curl_results;
  if (curl_transport) {
    curl_results = (*curl_transport)->send_all(curled);
  } else {
    for (const HttpRequest& request : curled) {
      curl_results.push_back(fail(curl_transport.error().wrap(describe_request(request))));
    }
  }
  std::vector<Result<HttpResponse>> out;
  out.reserve(requests.size());
  size_t p = 0;
  size_t c = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    out.push_back(by_curl[i] ? std::move(curl_results[c++]) : std::move(plain_results[p++]));
  }
  return out;
}

}  // namespace cloudvip
