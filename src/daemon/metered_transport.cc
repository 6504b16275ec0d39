#include "daemon/metered_transport.h"

#include "aws/ec2_xml.h"

namespace cloudvip {

std::string query_action(std::string_view body) {
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    std::string_view pair = body.substr(start, end == std::string_view::npos ? body.npos : end - start);
    if (pair.starts_with("Action=")) {
      std::string action(pair.substr(7));
      return action.empty() ? "unknown" : action;
    }
    if (end == std::string_view::npos) {
      break;
    }
    start = end + 1;
  }
  return "unknown";
}

void MeteredTransport::count(const HttpRequest& request, const Result<HttpResponse>& response) {
  std::string action = query_action(request.body);
  if (action == "unknown") {
    return;  // not an EC2 Query call (instance metadata, credentials)
  }
  std::string result = "error";
  if (response && response->status >= 200 && response->status < 300) {
    result = "ok";
  } else if (response) {
    Error error = error_from_response(action, response->status, response->body);
    result = !error.aws_code.empty() ? error.aws_code : "HTTP " + std::to_string(response->status);
  }
  m_metrics.add("cloudvip_ec2_calls_total", {{"action", action}, {"result", result}});
}

Result<HttpResponse> MeteredTransport::send(const HttpRequest& request) {
  Result<HttpResponse> response = m_inner.send(request);
  count(request, response);
  return response;
}

std::vector<Result<HttpResponse>> MeteredTransport::send_all(const std::vector<HttpRequest>& requests) {
  std::vector<Result<HttpResponse>> responses = m_inner.send_all(requests);
  for (size_t i = 0; i < requests.size() && i < responses.size(); ++i) {
    count(requests[i], responses[i]);
  }
  return responses;
}

}  // namespace cloudvip
