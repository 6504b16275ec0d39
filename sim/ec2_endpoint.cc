#include "sim/ec2_endpoint.h"

#include <cstdio>
#include <ctime>

#include <cctype>

#include "aws/uri.h"

namespace cloudvip::sim {
namespace {

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::string_view query_of(std::string_view target) {
  size_t q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

}  // namespace

bool well_formed_percent_encoding(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
        return false;
      }
      i += 2;
    }
  }
  return true;
}

Ec2Endpoint::Ec2Endpoint(Simulation& simulation, Faults& faults, Throttle& throttle, CallLog& log,
                         Clock& clock, Logger& logger)
    : m_simulation(simulation),
      m_faults(faults),
      m_throttle(throttle),
      m_log(log),
      m_clock(clock),
      m_logger(logger),
      m_verifier(simulation.scenario().region, "ec2", clock,
                 [&simulation](std::string_view id) { return simulation.model()->find_credential(id); }) {}

// RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") of `t`, by the simulator's clock.
std::string http_date(TimePoint t) {
  static const char* const k_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT", k_days[utc.tm_wday], utc.tm_mday,
                k_months[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return buf;
}

HttpReply Ec2Endpoint::reply(int status, std::string body) const {
  HttpReply out;
  out.status = status;
  out.content_type = "text/xml;charset=UTF-8";
  out.body = std::move(body);
  out.headers.emplace_back("Server", "AmazonEC2");
  out.headers.emplace_back("Date",
                           http_date(m_clock.now()));  // as EC2 sends it; `cloudvip check` reads skew from it
  return out;
}

HttpReply Ec2Endpoint::error_reply(const ApiError& error) {
  return reply(error.http_status, error_response_xml(error, m_ids.request_id()));
}

HttpReply Ec2Endpoint::handle(const IncomingRequest& request) {
  TimePoint started = m_clock.now();
  // The injected latency is the network's and the service's, not this machine's: the call is handled when
  // it arrives and answered `latency` after its arrival (or when handled, if that took longer). Sleeping
  // first made every call of a burst wake at the same moment and queue for this machine's CPUs, which a real
  // endpoint's own hardware does not do (issue 9: a burst of 50 writes at 50 ms was answered over ~5 ms).
  const Millis latency = m_faults.next_latency();

  CallRecord record;
  record.time = started;
  record.kind = "ec2";
  auto finish = [&](HttpReply out, const std::string& request_id, const std::string& error_code) {
    m_clock.sleep_until(started + latency);  // at once when handling took longer
    record.status = out.status;
    record.error_code = error_code;
    record.request_id = request_id;
    record.latency_us = std::chrono::duration_cast<std::chrono::microseconds>(m_clock.now() - started);
    record.latency = std::chrono::duration_cast<Millis>(record.latency_us);
    m_logger.debug("ec2 {} {} -> {} {}", record.access_key_id, record.action, out.status, error_code);
    m_log.append(std::move(record));
    return out;
  };
  auto refuse = [&](const ApiError& error) {
    std::string request_id = m_ids.request_id();
    return finish(reply(error.http_status, error_response_xml(error, request_id)), request_id, error.code);
  };

  std::string_view path = path_of(request.target);
  if (path != "/") {
    return refuse(ApiError{
        "InvalidAction",
        "The path " + std::string(path) + " is not an EC2 endpoint; send EC2 Query API calls to /", 404});
  }
  if (request.method != "POST" && request.method != "GET") {
    HttpReply out = refuse(ApiError{
        "MethodNotAllowed",
        "The HTTP method " + request.method + " is not allowed; the EC2 Query API takes POST (or GET) on /",
        405});
    out.headers.emplace_back("Allow", "GET, POST");
    return out;
  }
  if (request.body.size() > k_max_body_bytes) {
    return refuse(ApiError{"RequestEntityTooLarge",
                           "The request body of " + std::to_string(request.body.size()) +
                               " bytes is larger than the limit of " + std::to_string(k_max_body_bytes) +
                               " bytes",
                           413});
  }

  auto caller = m_verifier.verify(request);
  if (!caller) {
    return refuse(caller.error());
  }
  record.access_key_id = *caller;

  std::string_view query = query_of(request.target);
  if (!well_formed_percent_encoding(query) || !well_formed_percent_encoding(request.body)) {
    // The documented status of MalformedQueryString is 404 (AWS "Common Errors").
    return refuse(ApiError{"MalformedQueryString", "The query string contains a syntax error.", 404});
  }
  Params params;
  for (auto& [key, value] : parse_query(query, true)) {
    params.add(std::move(key), std::move(value));
  }
  if (request.method == "POST") {
    for (auto& [key, value] : parse_query(request.body, true)) {
      params.add(std::move(key), std::move(value));
    }
  }
  record.params = redact_params(params.entries());

  std::optional<std::string> action = params.get("Action");
  if (!action || action->empty()) {
    return refuse(
        ApiError{"MissingAction", "The request is missing an action or a required parameter.", 400});
  }
  record.action = *action;

  if (m_faults.throttle() && !m_throttle.admit(*action, params)) {
    return refuse(ApiError{"RequestLimitExceeded", "Request limit exceeded.", 503});
  }
  if (std::optional<ApiError> injected = m_faults.injected_error(*action)) {
    return refuse(*injected);
  }

  ApiResponse response = m_simulation.call(*action, params, Caller{*caller}, m_faults.lag());
  return finish(reply(response.http_status(), response.body()), response.request_id,
                response.ok() ? "" : response.result.error().code);
}

}  // namespace cloudvip::sim
