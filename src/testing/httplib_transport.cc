#include "testing/httplib_transport.h"

#include <httplib.h>

#include <chrono>

#include "common/strings.h"

namespace cloudvip::testing {

namespace {

struct SplitUrl {
  std::string origin;  // scheme://host:port
  std::string target;  // /path?query
};

Result<SplitUrl> split_url(const std::string& url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos || url.substr(0, scheme_end) != "http") {
    return fail(ErrorCode::invalid_argument,
                "HttplibTransport: only http:// URLs are supported, got '" + url + "'");
  }
  size_t path_start = url.find('/', scheme_end + 3);
  if (path_start == std::string::npos) {
    return SplitUrl{url, "/"};
  }
  return SplitUrl{url.substr(0, path_start), url.substr(path_start)};
}

}  // namespace

Result<HttpResponse> HttplibTransport::send(const HttpRequest& request) {
  auto parts = split_url(request.url);
  if (!parts) {
    return fail(parts.error());
  }
  httplib::Client client(parts->origin);
  client.set_connection_timeout(request.connect_timeout);
  client.set_read_timeout(request.timeout);
  client.set_write_timeout(request.timeout);

  httplib::Request req;
  req.method = request.method;
  req.path = parts->target;
  for (const auto& [name, value] : request.headers.items()) {
    req.headers.emplace(name, value);
  }
  req.body = request.body;
  if (!request.body.empty() && !request.headers.has("Content-Type")) {
    req.headers.emplace("Content-Type", "application/octet-stream");
  }

  auto started = std::chrono::steady_clock::now();
  httplib::Result result = client.send(req);
  if (!result) {
    auto elapsed = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started);
    auto error = result.error();
    // httplib reports a read timeout as a read error; tell them apart by how long we waited.
    bool timed_out = error == httplib::Error::ConnectionTimeout ||
                     (error == httplib::Error::Read && elapsed >= request.timeout - Millis(10));
    std::string what = request.method + " " + request.url + ": " + httplib::to_string(error);
    if (timed_out) {
      return fail(ErrorCode::timeout,
                  what + " (no answer within " + std::to_string(request.timeout.count()) + " ms)");
    }
    return fail(ErrorCode::network, what);
  }
  HttpResponse out;
  out.status = result->status;
  for (const auto& [name, value] : result->headers) {
    out.headers.add(name, value);
  }
  out.body = result->body;
  return out;
}

}  // namespace cloudvip::testing
