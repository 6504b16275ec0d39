// The production HttpTransport: plain http:// requests that go direct (instance metadata, cloudvip-sim, a
// local endpoint) over PlainHttpTransport, everything else (https, or any request a proxy applies to) over
// CurlTransport, which is created, and libcurl loaded, at the first such request. A fresh process that talks
// only to plain-HTTP endpoints therefore never loads libcurl and its TLS stack (http/curl_library.cc).
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "common/env.h"
#include "http/curl_transport.h"
#include "http/plain_transport.h"
#include "http/proxy_settings.h"
#include "http/transport.h"

namespace cloudvip {

class SelectingTransport final : public HttpTransport {
 public:
  // `env` is read here (proxies) and again by CurlTransport when it is created; it must outlive this object.
  // `plain`: PlainHttpTransport's own options; its max_parallel and max_body_bytes are taken from `options`.
  SelectingTransport(const Environment& env, CurlTransportOptions options = {},
                     PlainHttpTransportOptions plain = {});
  ~SelectingTransport() override;

  Result<HttpResponse> send(const HttpRequest& request) override;
  // Requests for the two transports are sent as two rounds, the plain ones first; every request of one round
  // leaves at once. (A caller's rounds go to one endpoint, so in practice there is one round.)
  std::vector<Result<HttpResponse>> send_all(const std::vector<HttpRequest>& requests) override;
  // Plain-HTTP endpoints only (PlainHttpTransport::warm_up); for libcurl's it does nothing.
  void warm_up(const std::string& url, size_t connections) override;

  // True when this request goes over libcurl: https, or a proxy applies (NO_PROXY is left to libcurl).
  bool needs_curl(const HttpRequest& request) const;
  // Whether libcurl's transport was created (for tests and the bench's claims).
  bool curl_loaded() const;

 private:
  // CurlTransport, created on first use; an Error when libcurl could not be loaded or initialised.
  Result<HttpTransport*> curl();

  const Environment& m_env;
  CurlTransportOptions m_options;
  ProxySettings m_proxy;
  PlainHttpTransport m_plain;
  mutable std::mutex m_mutex;
  std::unique_ptr<CurlTransport> m_curl;
};

}  // namespace cloudvip
