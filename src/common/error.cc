#include "common/error.h"

namespace cloudvip {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
      return "invalid argument";
    case ErrorCode::config:
      return "configuration error";
    case ErrorCode::not_found:
      return "not found";
    case ErrorCode::network:
      return "network error";
    case ErrorCode::timeout:
      return "timeout";
    case ErrorCode::http:
      return "HTTP error";
    case ErrorCode::aws:
      return "AWS error";
    case ErrorCode::parse:
      return "parse error";
    case ErrorCode::auth:
      return "authentication error";
    case ErrorCode::unavailable:
      return "unavailable";
    case ErrorCode::internal:
      return "internal error";
  }
  return "unknown error";
}

Error Error::wrap(std::string context) const {
  Error outer = *this;
  outer.message = std::move(context);
  outer.cause = std::make_shared<const Error>(*this);
  return outer;
}

std::string Error::to_string() const {
  std::string out = message;
  for (const Error* e = cause.get(); e != nullptr; e = e->cause.get()) {
    if (!e->message.empty()) {
      out += ": ";
      out += e->message;
    }
  }
  std::string details;
  auto add = [&details](std::string_view part) {
    details += details.empty() ? "" : ", ";
    details += part;
  };
  if (!aws_code.empty()) {
    add(aws_code);
  }
  if (!aws_message.empty() && out.find(aws_message) == std::string::npos) {
    add(aws_message);
  }
  if (http_status != 0) {
    add("HTTP " + std::to_string(http_status));
  }
  if (!request_id.empty()) {
    add("request id " + request_id);
  }
  if (!details.empty()) {
    out += " [" + details + "]";
  }
  return out;
}

}  // namespace cloudvip
