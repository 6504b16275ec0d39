// A scripted HttpTransport for unit tests: answers from a queue of canned outcomes (then from a handler, or
// with a network error when neither is set) and records every request it was given, so a test can assert
// both what the code sent and how it reacts to each answer without any socket.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "http/transport.h"

namespace cloudvip::testing {

class FakeTransport : public HttpTransport {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;

  FakeTransport() = default;
  explicit FakeTransport(Handler handler) : m_handler(std::move(handler)) {}

  // Queued outcomes are served first, in order; then the handler answers.
  void push(Result<HttpResponse> outcome);
  void push(int status, std::string body = "");
  void set_handler(Handler handler);

  Result<HttpResponse> send(const HttpRequest& request) override;

  std::vector<HttpRequest> requests() const;
  size_t request_count() const;
  void clear_requests();

  static HttpResponse response(int status, std::string body = "");

 private:
  mutable std::mutex m_mutex;
  std::deque<Result<HttpResponse>> m_queue;
  Handler m_handler;
  std::vector<HttpRequest> m_requests;
};

}  // namespace cloudvip::testing
