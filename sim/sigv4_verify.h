// Verifies the SigV4 signature of an incoming EC2 request the way AWS does: over the headers the request's
// own Authorization header lists (SDKs sign different sets), with the secret of the access key it names,
// the scope's region and service checked, and the date within 15 minutes of the emulator's clock.
// Answers with the EC2 error a real endpoint would send. Never logs or returns secrets or signatures.
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "http/transport.h"
#include "sim/api_error.h"
#include "sim/iam.h"

namespace cloudvip::sim {

// The parts of an HTTP request a signature covers.
struct IncomingRequest {
  std::string method;
  std::string target;  // the path and query exactly as they came on the request line
  HttpHeaders headers;
  std::string body;
};

class SigV4Verifier {
 public:
  static constexpr std::chrono::minutes k_max_skew{15};
  using CredentialLookup = std::function<std::optional<CredentialRecord>(std::string_view access_key_id)>;

  // `region` is the scenario's, `service` "ec2". `lookup` finds a key's secret (Model::find_credential).
  SigV4Verifier(std::string region, std::string service, const Clock& clock, CredentialLookup lookup)
      : m_region(std::move(region)),
        m_service(std::move(service)),
        m_clock(clock),
        m_lookup(std::move(lookup)) {}

  // The verified access key id, or the error to answer with:
  //   no Authorization header                     MissingAuthenticationToken 403
  //   malformed Authorization, missing X-Amz-Date IncompleteSignature 400 (the message says what is wrong)
  //   date more than 15 minutes off               RequestExpired 400
  //   unknown access key id                       AuthFailure 401
  //   wrong region, service or scope date         SignatureDoesNotMatch 403 (naming the expected value)
  //   a signature that does not match             SignatureDoesNotMatch 403
  //   session token missing, extra or wrong       AuthFailure 401
  std::expected<std::string, ApiError> verify(const IncomingRequest& request) const;

 private:
  std::string m_region;
  std::string m_service;
  const Clock& m_clock;
  CredentialLookup m_lookup;
};

namespace errors {
ApiError missing_authentication_token();
ApiError incomplete_signature(std::string message);
ApiError signature_does_not_match(std::string message = {});
}  // namespace errors

}  // namespace cloudvip::sim
