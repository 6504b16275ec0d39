// The production HttpTransport, on libcurl.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "common/env.h"
#include "http/proxy_settings.h"
#include "http/transport.h"

namespace cloudvip {

struct CurlTransportOptions {
  // A PEM file of CA certificates to trust instead of the system store (the caller passes AWS_CA_BUNDLE's
  // value); empty: the system store. There is deliberately no option to turn verification off.
  std::string ca_bundle;
  // send_all runs at most this many requests at once; the others wait for a free slot (a round trip each).
  // Above the 50 route tables a failover is benchmarked with, so all of them leave in one round.
  size_t max_parallel = 64;
  // An answer with a larger body fails (ErrorCode::http) rather than filling memory.
  size_t max_body_bytes = size_t{64} << 20;
};

// TLS peers are always verified. Proxies come from the environment given at construction (http_proxy,
// https_proxy, no_proxy, either case) and are set on every request, so libcurl's own reading of the
// environment never applies; HttpRequest::bypass_proxy always goes direct. Redirects are never followed.
// Connections (and DNS answers and TLS sessions) are kept and reused across calls.
// Safe to call from several threads at once: each call uses its own curl handles, taken from a pool.
class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(const Environment& env, CurlTransportOptions options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Result<HttpResponse> send(const HttpRequest& request) override;
  // All requests run at once on libcurl's multi interface (at most options.max_parallel at a time).
  std::vector<Result<HttpResponse>> send_all(const std::vector<HttpRequest>& requests) override;

  const ProxySettings& proxy_settings() const { return m_proxy; }

 private:
  struct Handles;  // libcurl handles and their pools; kept out of this header so includers need no curl.h

  ProxySettings m_proxy;
  CurlTransportOptions m_options;
  std::unique_ptr<Handles> m_handles;
};

}  // namespace cloudvip
