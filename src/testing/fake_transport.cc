#include "testing/fake_transport.h"

namespace cloudvip::testing {

void FakeTransport::push(Result<HttpResponse> outcome) {
  std::lock_guard lock(m_mutex);
  m_queue.push_back(std::move(outcome));
}

void FakeTransport::push(int status, std::string body) {
  push(response(status, std::move(body)));
}

void FakeTransport::set_handler(Handler handler) {
  std::lock_guard lock(m_mutex);
  m_handler = std::move(handler);
}

Result<HttpResponse> FakeTransport::send(const HttpRequest& request) {
  Handler handler;
  {
    std::lock_guard lock(m_mutex);
    m_requests.push_back(request);
    if (!m_queue.empty()) {
      auto outcome = std::move(m_queue.front());
      m_queue.pop_front();
      return outcome;
    }
    handler = m_handler;
  }
  if (handler) {
    return handler(request);
  }
  return fail(ErrorCode::network,
              "FakeTransport: no scripted answer for " + request.method + " " + request.url);
}

std::vector<HttpRequest> FakeTransport::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

size_t FakeTransport::request_count() const {
  std::lock_guard lock(m_mutex);
  return m_requests.size();
}

void FakeTransport::clear_requests() {
  std::lock_guard lock(m_mutex);
  m_requests.clear();
}

HttpResponse FakeTransport::response(int status, std::string body) {
  HttpResponse out;
  out.status = status;
  out.body = std::move(body);
  return out;
}

}  // namespace cloudvip::testing
