#include "http/http1.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/strings.h"

namespace cloudvip {
namespace {

constexpr const char* k_user_agent = "cloudvip/" CLOUDVIP_VERSION;
// A status line or header line longer than this is not an answer we want to buffer.
constexpr size_t k_max_line = 64 * 1024;

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos || s.find('\0') != std::string_view::npos;
}

bool has_token(std::string_view list, std::string_view token) {
  for (const std::string& item : split(list, ',')) {
    if (iequals(trim(item), token)) {
      return true;
    }
  }
  return false;
}

std::unexpected<Error> malformed(std::string_view what) {
  return fail(ErrorCode::network, fmt::format("malformed HTTP answer: {}", what));
}

}  // namespace

std::string describe_request(const HttpRequest& request) {
  std::string_view url = request.url;
  return fmt::format("{} {}", request.method, url.substr(0, url.find('?')));
}

Result<void> validate_request(const HttpRequest& request) {
  if (request.timeout.count() <= 0 || request.connect_timeout.count() <= 0) {
    return fail(
        ErrorCode::invalid_argument,
        fmt::format("{}: timeouts must be positive (connect {} ms, total {} ms)", describe_request(request),
                    request.connect_timeout.count(), request.timeout.count()));
  }
  if (!is_token(request.method)) {
    return fail(ErrorCode::invalid_argument,
                fmt::format("{}: '{}' is not an HTTP method", describe_request(request), request.method));
  }
  for (const auto& [name, value] : request.headers.items()) {
    if (!is_token(name) || has_line_break(value)) {
      return fail(ErrorCode::invalid_argument,
                  fmt::format("{}: header '{}' has an invalid name or a line break in its value",
                              describe_request(request), name));
    }
  }
  return ok();
}

std::string format_request(const HttpRequest& request, const Url& url) {
  std::string out;
  out.reserve(256 + request.body.size());
  out += request.method;
  out += ' ';
  out += url.path;
  if (!url.query.empty()) {
    out += '?';
    out += url.query;
  }
  out += " HTTP/1.1\r\n";
  auto header = [&out](std::string_view name, std::string_view value) {
    out += name;
    out += value.empty() ? ":" : ": ";
    out += value;
    out += "\r\n";
  };
  if (!request.headers.has("Host")) {
    header("Host", url.host_header());
  }
  for (const auto& [name, value] : request.headers.items()) {
    if (iequals(name, "Content-Length") || iequals(name, "Expect")) {
      continue;  // framing is ours, as with libcurl; no 100-continue round trip
    }
    header(name, value);
  }
  if (!request.headers.has("User-Agent")) {
    header("User-Agent", k_user_agent);
  }
  if (!request.headers.has("Accept")) {
    header("Accept", "*/*");
  }
  const std::string& m = request.method;
  bool has_body = m == "POST" || m == "PUT" || m == "PATCH" || (!request.body.empty() && m != "HEAD");
  if (has_body) {
    header("Content-Length", std::to_string(request.body.size()));
  }
  out += "\r\n";
  if (has_body) {
    out += request.body;
  }
  return out;
}

Result<bool> Http1ResponseParser::feed(std::string_view data) {
  if (m_state == State::done) {
    return true;
  }
  m_received_any = m_received_any || !data.empty();
  m_buffer.append(data);
  while (m_state != State::done) {
    if (m_state == State::body_length || m_state == State::body_to_eof || m_state == State::chunk_data) {
      Result<bool> progressed = feed_body();
      if (!progressed) {
        return std::unexpected(progressed.error());
      }
      if (!*progressed) {
        return false;
      }
      continue;
    }
    size_t end = m_buffer.find('\n');
    if (end == std::string::npos) {
      if (m_buffer.size() > k_max_line) {
        return malformed("a line longer than 64 KiB");
      }
      return false;
    }
    std::string line = m_buffer.substr(0, end);
    m_buffer.erase(0, end + 1);
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (auto handled = on_line(line); !handled) {
      return std::unexpected(handled.error());
    }
  }
  return true;
}

Result<void> Http1ResponseParser::finish_at_eof() {
  if (m_state == State::body_to_eof) {
    m_state = State::done;
    m_keep_alive = false;
    return ok();
  }
  if (m_state == State::done) {
    return ok();
  }
  return fail(ErrorCode::network, m_received_any ? "the connection closed in the middle of the answer"
                                                 : "the server closed the connection without answering");
}

Result<void> Http1ResponseParser::on_line(std::string_view line) {
  switch (m_state) {
    case State::status_line:
      return on_status_line(line);
    case State::headers:
      return on_header_line(line);
    case State::chunk_size: {
      std::string_view size = trim(line.substr(0, line.find(';')));  // chunk extensions are ignored
      size_t value = 0;
      auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), value, 16);
      if (size.empty() || ec != std::errc() || end != size.data() + size.size()) {
        return malformed(fmt::format("chunk size '{}'", size));
      }
      m_remaining = value;
      m_state = value == 0 ? State::trailers : State::chunk_data;
      return ok();
    }
    case State::chunk_end:
      if (!line.empty()) {
        return malformed("no line break after a chunk");
      }
      m_state = State::chunk_size;
      return ok();
    case State::trailers:
      if (line.empty()) {
        m_state = State::done;
      }
      return ok();  // trailer fields are not kept
    default:
      return fail(ErrorCode::internal, "HTTP parser: a line in a body state");
  }
}

Result<void> Http1ResponseParser::on_status_line(std::string_view line) {
  // "HTTP/1.1 200 OK"; the reason phrase may be empty or absent.
  if (!starts_with(line, "HTTP/1.") || line.size() < 12 || line[8] != ' ') {
    return malformed(fmt::format("status line '{}'", line.substr(0, 80)));
  }
  int status = 0;
  auto [end, ec] = std::from_chars(line.data() + 9, line.data() + 12, status);
  if (ec != std::errc() || end != line.data() + 12 || status < 100 || (line.size() > 12 && line[12] != ' ')) {
    return malformed(fmt::format("status line '{}'", line.substr(0, 80)));
  }
  m_http10 = line[7] == '0';
  m_response = HttpResponse{};
  m_response.status = status;
  m_state = State::headers;
  return ok();
}

Result<void> Http1ResponseParser::on_header_line(std::string_view line) {
  if (line.empty()) {
    return end_of_headers();
  }
  if (line[0] == ' ' || line[0] == '\t') {
    if (!m_headers.empty()) {
      m_headers.back().second += " " + std::string(trim(line));  // an obsolete folded continuation line
    }
    return ok();
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return ok();  // not a header line; ignore rather than fail the exchange (as with libcurl)
  }
  m_headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  return ok();
}

Result<void> Http1ResponseParser::end_of_headers() {
  int status = m_response.status;
  if (status >= 100 && status < 200) {
    m_headers.clear();
    m_state = State::status_line;  // an interim answer: the final one follows
    return ok();
  }
  for (auto& [name, value] : m_headers) {
    m_response.headers.add(std::move(name), std::move(value));
  }
  m_headers.clear();
  const HttpHeaders& headers = m_response.headers;
  std::optional<std::string> connection = headers.get("Connection");
  m_keep_alive = m_http10 ? (connection && has_token(*connection, "keep-alive"))
                          : !(connection && has_token(*connection, "close"));
  if (m_head_request || status == 204 || status == 304) {
    m_state = State::done;
    return ok();
  }
  if (std::optional<std::string> coding = headers.get("Transfer-Encoding")) {
    if (!has_token(*coding, "chunked")) {
      return malformed(fmt::format("Transfer-Encoding '{}'", *coding));
    }
    m_state = State::chunk_size;
    return ok();
  }
  if (std::optional<std::string> length = headers.get("Content-Length")) {
    std::string_view text = trim(*length);
    size_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      return malformed(fmt::format("Content-Length '{}'", *length));
    }
    if (value > m_max_body) {
      return fail(ErrorCode::http, fmt::format("the answer's body is larger than {} bytes", m_max_body));
    }
    m_remaining = value;
    m_state = value == 0 ? State::done : State::body_length;
    return ok();
  }
  m_keep_alive = false;
  m_state = State::body_to_eof;
  return ok();
}

Result<void> Http1ResponseParser::append_body(std::string_view data) {
  if (m_response.body.size() + data.size() > m_max_body) {
    return fail(ErrorCode::http, fmt::format("the answer's body is larger than {} bytes", m_max_body));
  }
  m_response.body.append(data);
  return ok();
}

Result<bool> Http1ResponseParser::feed_body() {
  if (m_buffer.empty()) {
    return false;
  }
  size_t take = m_state == State::body_to_eof ? m_buffer.size() : std::min(m_remaining, m_buffer.size());
  if (auto appended = append_body(std::string_view(m_buffer).substr(0, take)); !appended) {
    return std::unexpected(appended.error());
  }
  m_buffer.erase(0, take);
  if (m_state == State::body_to_eof) {
    return false;
  }
  m_remaining -= take;
  if (m_remaining == 0) {
    m_state = m_state == State::chunk_data ? State::chunk_end : State::done;
  }
  return true;
}

}  // namespace cloudvip
