#include "sim/sigv4_verify.h"

#include "aws/crypto.h"
#include "aws/sigv4.h"

namespace cloudvip::sim {

namespace errors {

ApiError missing_authentication_token() {
  return ApiError{"MissingAuthenticationToken", "Request is missing Authentication Token", 403};
}

ApiError incomplete_signature(std::string message) {
  return ApiError{"IncompleteSignature", std::move(message), 400};
}

ApiError signature_does_not_match(std::string message) {
  if (message.empty()) {
    message =
        "The request signature we calculated does not match the signature you provided. Check your AWS "
        "Secret "
        "Access Key and signing method. Consult the service documentation for details.";
  }
  return ApiError{"SignatureDoesNotMatch", std::move(message), 403};
}

}  // namespace errors

std::expected<std::string, ApiError> SigV4Verifier::verify(const IncomingRequest& request) const {
  auto authorization = request.headers.get("Authorization");
  if (!authorization) {
    return std::unexpected(errors::missing_authentication_token());
  }
  auto parsed = sigv4::parse_authorization(*authorization);
  if (!parsed) {
    return std::unexpected(errors::incomplete_signature(parsed.error().message));
  }
  auto date_header = request.headers.get("X-Amz-Date");
  if (!date_header) {
    return std::unexpected(errors::incomplete_signature(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."));
  }
  auto date = sigv4::parse_amz_date(*date_header);
  if (!date) {
    return std::unexpected(errors::incomplete_signature("X-Amz-Date '" + *date_header +
                                                        "' is not in the form yyyymmddTHHMMSSZ"));
  }
  TimePoint now = m_clock.now();
  if (*date > now + k_max_skew || *date < now - k_max_skew) {
    return std::unexpected(errors::request_expired());
  }
  std::optional<CredentialRecord> credential = m_lookup(parsed->access_key_id);
  if (!credential) {
    return std::unexpected(errors::auth_failure());
  }
  if (parsed->date != date_header->substr(0, 8)) {
    return std::unexpected(errors::signature_does_not_match(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
        parsed->date + "' != '" + date_header->substr(0, 8) + "'"));
  }
  if (parsed->region != m_region) {
    return std::unexpected(
        errors::signature_does_not_match("Credential should be scoped to a valid region, not '" +
                                         parsed->region + "' (this endpoint is " + m_region + ")."));
  }
  if (parsed->service != m_service) {
    return std::unexpected(errors::signature_does_not_match(
        "Credential should be scoped to correct service: '" + m_service + "'."));
  }
  auto host = request.headers.get("Host");
  if (!host || host->empty()) {
    return std::unexpected(errors::incomplete_signature("the request has no Host header"));
  }
  HttpRequest copy;
  copy.method = request.method;
  copy.url = "http://" + *host + request.target;
  copy.headers = request.headers;
  copy.body = request.body;
  Credentials secret{credential->access_key_id, credential->secret_access_key, "", std::nullopt, "sim"};
  sigv4::SigningParams params{.region = m_region, .service = m_service, .time = *date};
  auto expected = sigv4::compute(copy, secret, params, parsed->signed_headers);
  if (!expected) {
    return std::unexpected(errors::incomplete_signature(expected.error().message));
  }
  if (!crypto::constant_time_equal(expected->signature, parsed->signature)) {
    return std::unexpected(errors::signature_does_not_match());
  }
  std::string token = request.headers.get("X-Amz-Security-Token").value_or("");
  if (!crypto::constant_time_equal(token, credential->session_token)) {
    return std::unexpected(errors::auth_failure());
  }
  return credential->access_key_id;
}

}  // namespace cloudvip::sim
