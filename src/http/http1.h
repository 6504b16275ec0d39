// HTTP/1.1 on the wire, for PlainHttpTransport: the request as bytes, and an incremental parser of the
// answer. Kept apart from the sockets so every framing rule (lengths, chunks, interim answers, folded
// headers) is tested without a network.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/uri.h"
#include "common/error.h"
#include "http/transport.h"

namespace cloudvip {

// "METHOD URL" without the query (which may carry signatures): how errors name a request.
std::string describe_request(const HttpRequest& request);

// Checks what CurlTransport also refuses before sending: non-positive timeouts, a method that is not an HTTP
// token, a header name that is not a token or a value with a line break (ErrorCode::invalid_argument).
Result<void> validate_request(const HttpRequest& request);

// The request's bytes for an origin server (no proxy). Sends what CurlTransport sends: Host (first), the
// caller's headers in order ("" values as "Name:"), User-Agent cloudvip/VERSION unless the caller set one,
// Accept: */* unless set, Content-Length for POST, PUT and PATCH (even 0) or any body; never Expect or a
// Content-Type the caller did not choose. REQUIRES: validate_request(request) succeeded.
std::string format_request(const HttpRequest& request, const Url& url);

// Reads one answer from the bytes of a connection, in as many pieces as they arrive. Interim 1xx answers are
// skipped (only the final answer's headers are kept); the body is framed by chunked transfer coding, else
// Content-Length, else the end of the connection. No body for HEAD, 1xx, 204 and 304.
class Http1ResponseParser {
 public:
  Http1ResponseParser(bool head_request, size_t max_body_bytes)
      : m_head_request(head_request), m_max_body(max_body_bytes) {}

  // Consumes `data`. Returns true once the answer is complete (later bytes are ignored). Fails with
  // ErrorCode::network for a malformed answer and ErrorCode::http for a body above the limit.
  Result<bool> feed(std::string_view data);
  // The connection ended: completes an answer whose body runs to the end of the connection; fails
  // (ErrorCode::network) for any other unfinished answer.
  Result<void> finish_at_eof();

  bool started() const { return m_received_any; }
  bool complete() const { return m_state == State::done; }
  // Whether the connection may carry another request after this answer.
  bool keep_alive() const { return m_keep_alive; }
  HttpResponse take() { return std::move(m_response); }

 private:
  enum class State {
    status_line,
    headers,
    body_length,
    body_to_eof,
    chunk_size,
    chunk_data,
    chunk_end,
    trailers,
    done
  };

  Result<void> on_line(std::string_view line);
  Result<void> on_status_line(std::string_view line);
  Result<void> on_header_line(std::string_view line);
  Result<void> end_of_headers();
  Result<void> append_body(std::string_view data);
  Result<bool> feed_body();

  bool m_head_request;
  size_t m_max_body;
  State m_state = State::status_line;
  std::string m_buffer;  // bytes not yet consumed
  bool m_received_any = false;
  bool m_http10 = false;
  bool m_keep_alive = true;
  size_t m_remaining = 0;  // of a Content-Length body or the current chunk
  std::vector<std::pair<std::string, std::string>> m_headers;  // of the answer being read
  HttpResponse m_response;
};

}  // namespace cloudvip
