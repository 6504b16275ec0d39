// A test-only HttpTransport over cpp-httplib's client, plain HTTP only: enough to drive code that speaks HTTP
// against HttpTestServer on 127.0.0.1. send_all really sends in parallel (one thread and connection per
// request), so tests can prove calls overlap. Not for production: no TLS, no proxies.
#pragma once

#include <atomic>

#include "http/transport.h"

namespace cloudvip::testing {

class SimpleHttpTransport : public HttpTransport {
 public:
  Result<HttpResponse> send(const HttpRequest& request) override;
  std::vector<Result<HttpResponse>> send_all(const std::vector<HttpRequest>& requests) override;

  // How many requests were sent so far (every attempt counts).
  int sent() const { return m_sent.load(); }

 private:
  std::atomic<int> m_sent{0};
};

}  // namespace cloudvip::testing
