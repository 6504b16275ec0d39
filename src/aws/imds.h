// IMDSv2 client: the instance's identity, network interfaces and role credentials from the EC2 instance
// metadata service. Every request goes through the injected HttpTransport (direct, never via a proxy) and
// every wait through the injected Clock, so token expiry and retry pauses are tested without sleeping.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials.h"
#include "common/clock.h"
#include "common/env.h"
#include "common/error.h"
#include "http/transport.h"

namespace cloudvip {

struct ImdsOptions {
  std::string endpoint = "http://169.254.169.254";  // AWS_EC2_METADATA_SERVICE_ENDPOINT; no trailing '/'
  Millis timeout{1000};                             // per request; AWS_METADATA_SERVICE_TIMEOUT (seconds)
  // Tries per request (AWS_METADATA_SERVICE_NUM_ATTEMPTS). The SDKs default to 1; we use 2 because one lost
  // packet should not fail a failover, and 2 x 1 s plus a short pause still bounds the worst case.
  int attempts = 2;
  Millis retry_pause{100};  // between attempts, after a transport error or a 5xx
  std::chrono::seconds token_ttl{21600};
  // IMDSv1 (GET without a token) is only used when this is set AND the token PUT answered 403/404/405 or
  // timed out. Off by default: IMDSv1 is the weaker protocol and many accounts forbid it.
  bool allow_v1_fallback = false;
  bool disabled = false;  // AWS_EC2_METADATA_DISABLED=true: every call fails with ErrorCode::unavailable
};

// /latest/dynamic/instance-identity/document. The first three are always present.
struct IdentityDocument {
  std::string account_id;
  std::string region;
  std::string instance_id;
  std::string availability_zone;
  std::string private_ip;
  std::string instance_type;
  std::string image_id;
  std::string architecture;
};

// Safe to call from several threads: the token cache is locked; requests run in parallel.
class Imds {
 public:
  Imds(HttpTransport& transport, Clock& clock, ImdsOptions options = {});

  // Defaults overridden by the AWS_* variables named in ImdsOptions; an invalid value is an
  // ErrorCode::config error naming the variable, the value and what is expected.
  static Result<ImdsOptions> options_from_env(const Environment& env);
  const ImdsOptions& options() const { return m_options; }

  // The body of `path`, a path from the service root such as "/latest/meta-data/instance-id".
  // 404 -> ErrorCode::not_found naming the path.
  Result<std::string> get(std::string_view path);

  Result<std::string> instance_id();
  // placement/region, or when that is missing, the availability zone without its last letter.
  Result<std::string> region();
  Result<std::string> availability_zone();
  // The MACs of the attached interfaces, lower-case "0e:12:34:56:78:9a", as IMDS lists them.
  Result<std::vector<std::string>> macs();
  Result<std::string> interface_id(std::string_view mac);
  Result<std::string> subnet_id(std::string_view mac);
  Result<std::string> vpc_id(std::string_view mac);
  // Primary first, as IMDS lists them.
  Result<std::vector<std::string>> local_ipv4s(std::string_view mac);
  Result<int> device_number(std::string_view mac);
  Result<IdentityDocument> identity_document();
  // The instance profile's role; ErrorCode::not_found when the instance has none.
  Result<std::string> role_name();
  // Credentials::provider is "imds-role".
  Result<Credentials> role_credentials(std::string_view role);

 private:
  // The token to send: a string, or nullopt for an IMDSv1 request (fallback allowed and taken).
  Result<std::optional<std::string>> token();
  Result<std::optional<std::string>> fetch_token();
  void forget_token(const std::string& token);
  // One request with bounded retries on transport errors and 5xx answers.
  Result<HttpResponse> send(HttpRequest request);
  HttpRequest request(std::string method, std::string_view path) const;
  Result<std::string> meta(std::string_view path);
  Result<std::string> interface_value(std::string_view mac, std::string_view key);

  HttpTransport& m_transport;
  Clock& m_clock;
  ImdsOptions m_options;

  std::mutex m_mutex;
  std::optional<std::string> m_token;   // never logged, never in an error
  TimePoint m_token_refresh_at{};       // reuse the token until then
  std::optional<TimePoint> m_v1_until;  // fallback to IMDSv1 chosen; try a token again after this
};

}  // namespace cloudvip
