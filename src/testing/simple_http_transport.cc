#include "testing/simple_http_transport.h"

#include <httplib.h>

#include <thread>

namespace cloudvip::testing {

Result<HttpResponse> SimpleHttpTransport::send(const HttpRequest& request) {
  ++m_sent;
  const std::string scheme = "http://";
  if (request.url.rfind(scheme, 0) != 0) {
    return fail(ErrorCode::invalid_argument,
                "SimpleHttpTransport: only http:// URLs, got '" + request.url + "'");
  }
  size_t slash = request.url.find('/', scheme.size());
  std::string base = slash == std::string::npos ? request.url : request.url.substr(0, slash);
  std::string target = slash == std::string::npos ? "/" : request.url.substr(slash);

  httplib::Client client(base);
  auto seconds = [](Millis m) { return std::chrono::duration_cast<std::chrono::microseconds>(m); };
  client.set_connection_timeout(seconds(request.connect_timeout));
  client.set_read_timeout(seconds(request.timeout));
  client.set_write_timeout(seconds(request.timeout));

  httplib::Request req;
  req.method = request.method;
  req.path = target;
  for (const auto& [name, value] : request.headers.items()) {
    req.headers.emplace(name, value);
  }
  req.body = request.body;
  httplib::Result result = client.send(req);
  if (!result) {
    ErrorCode code =
        result.error() == httplib::Error::ConnectionTimeout ? ErrorCode::timeout : ErrorCode::network;
    return fail(code, request.method + " " + request.url + ": " + httplib::to_string(result.error()));
  }
  HttpResponse response;
  response.status = result->status;
  for (const auto& [name, value] : result->headers) {
    response.headers.add(name, value);
  }
  response.body = result->body;
  return response;
}

std::vector<Result<HttpResponse>> SimpleHttpTransport::send_all(const std::vector<HttpRequest>& requests) {
  std::vector<Result<HttpResponse>> out(requests.size(), fail(ErrorCode::internal, "not sent"));
  std::vector<std::thread> threads;
  threads.reserve(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    threads.emplace_back([this, &requests, &out, i] { out[i] = send(requests[i]); });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  return out;
}

}  // namespace cloudvip::testing
