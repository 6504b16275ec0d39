// Errors as values. Every I/O boundary returns Result<T>; an Error keeps what went wrong in words a person
// can act on, the AWS error code, message and request id where the service sent one, and the error that
// caused it.
#pragma once

#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace cloudvip {

enum class ErrorCode {
  invalid_argument,  // the caller passed something malformed (a region, a URL, a flag)
  config,            // a configuration or credentials file is wrong
  not_found,         // the thing asked for does not exist (an IMDS path, a profile, a route)
  network,           // could not connect, DNS failure, connection reset
  timeout,           // connect or total timeout
  http,              // an HTTP answer with an unexpected status and no AWS error document
  aws,               // an AWS error document (aws_code holds the code)
  parse,             // an answer that could not be parsed
  auth,              // no usable credentials, or expired ones
  unavailable,       // the service is disabled or switched off (e.g. AWS_EC2_METADATA_DISABLED)
  internal,          // a broken invariant of ours
};

std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;      // a sentence for a person: what failed and, where we know it, how to fix it
  std::string aws_code;     // e.g. "RequestLimitExceeded"; empty when the service sent no error document
  std::string aws_message;  // the service's own message
  std::string request_id;   // the service's request id, for support tickets
  int http_status = 0;      // 0 when no HTTP answer was received
  std::shared_ptr<const Error> cause;  // what led to this error, if anything

  Error() = default;
  Error(ErrorCode c, std::string msg) : code(c), message(std::move(msg)) {}

  // Returns a new error that says `context` and keeps this one as its cause. The code and AWS fields are
  // carried up so callers can still branch on them.
  Error wrap(std::string context) const;

  // One line: "context: message: cause ... [AwsCode, HTTP 503, request id ...]".
  std::string to_string() const;
};

template <class T>
using Result = std::expected<T, Error>;

// For Result<void>-returning functions: `return ok();`
inline Result<void> ok() {
  return {};
}

inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected(Error(code, std::move(message)));
}
inline std::unexpected<Error> fail(Error error) {
  return std::unexpected(std::move(error));
}

}  // namespace cloudvip
