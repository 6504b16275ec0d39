// Counts the EC2 calls that leave the daemon into cloudvip_ec2_calls_total{action,result}: EC2's throttling
// budget is per account and Region, shared with everything else the account runs, so an operator must be
// able to see what the daemon spends. A transport decorator (every attempt counts, retries included, as
// EC2's budget counts them); the action comes from the Query body's Action=..., the result is "ok" for a 2xx
// answer, the AWS error code of an error document, or "error" when no answer came. Requests without an
// Action (instance metadata, credential endpoints) pass uncounted.
#pragma once

#include "daemon/metrics.h"
#include "http/transport.h"

namespace cloudvip {

class MeteredTransport final : public HttpTransport {
 public:
  // Keeps references: `inner` and `metrics` must outlive this object. REQUIRES: declare_daemon_metrics.
  MeteredTransport(HttpTransport& inner, Metrics& metrics) : m_inner(inner), m_metrics(metrics) {}

  Result<HttpResponse> send(const HttpRequest& request) override;
  std::vector<Result<HttpResponse>> send_all(const std::vector<HttpRequest>& requests) override;

 private:
  void count(const HttpRequest& request, const Result<HttpResponse>& response);

  HttpTransport& m_inner;
  Metrics& m_metrics;
};

// "ReplaceRoute" from a form-encoded Query body ("Action=ReplaceRoute&Version=..."); "unknown" without one.
std::string query_action(std::string_view body);

}  // namespace cloudvip
