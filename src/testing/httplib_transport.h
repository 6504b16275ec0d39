// A minimal real HttpTransport over cpp-httplib's client, for tests only: it lets unit tests exercise
// wire-level behaviour (timeouts, status codes, headers) against HttpTestServer without the production
// libcurl transport. Plain http only; no proxy support (every request is sent directly); one connection per
// request. Timeouts: connect_timeout bounds the connect, timeout bounds each read and write.
#pragma once

#include "http/transport.h"

namespace cloudvip::testing {

class HttplibTransport : public HttpTransport {
 public:
  Result<HttpResponse> send(const HttpRequest& request) override;
};

}  // namespace cloudvip::testing
