// HTTP, behind a small interface. Abstract so that code which speaks HTTP (IMDS, EC2, credential endpoints)
// can be tested with a scripted fake or a wrapper that injects faults; CurlTransport is the production
// implementation.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/error.h"

namespace cloudvip {

// Header names compare case-insensitively; order is kept as added.
class HttpHeaders {
 public:
  void add(std::string name, std::string value) { m_items.emplace_back(std::move(name), std::move(value)); }
  // Replaces every header of that name (any case) with one.
  void set(std::string_view name, std::string value);
  void remove(std::string_view name);
  // The first value of that name, any case.
  std::optional<std::string> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& items() const { return m_items; }

 private:
  std::vector<std::pair<std::string, std::string>> m_items;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute: scheme://host[:port]/path[?query]
  HttpHeaders headers;
  std::string body;
  Millis connect_timeout{1000};
  Millis timeout{10000};      // the whole exchange
  bool bypass_proxy = false;  // IMDS and other link-local endpoints are never reached through a proxy
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Sends one request and waits for its answer. Any HTTP status is a success here; an Error means no complete
  // answer arrived (ErrorCode::network or ErrorCode::timeout, with the cause in the message).
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;

  // Sends every request at the same time and returns their outcomes in the same order. The total time is that
  // of the slowest request, not the sum. The default sends one after another; CurlTransport overrides it.
  virtual std::vector<Result<HttpResponse>> send_all(const std::vector<HttpRequest>& requests);

  // Opens up to `connections` connections to the host of `url` ahead of use, for a transport that keeps
  // connections, so a later send_all to it does not wait for connection set-up (acquire warms up one per
  // route table while it fetches credentials). Returns at once; never fails: a connection that cannot be
  // made is simply not there when a request comes. The default does nothing.
  virtual void warm_up(const std::string& url, size_t connections);
};

}  // namespace cloudvip
