// AWS Signature Version 4: header signing (what EC2 calls use) and the presigned query form. Proven against
// the official test suite in ../shared/testdata/sigv4 (sigv4_test.cc).
//
// The URL's path and query are signed as they go on the wire: the path is percent-encoded once more (the
// "double encoding" every service but S3 expects), query keys and values are decoded and re-encoded.
// Nothing here logs: signatures, keys and tokens are secrets.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials.h"
#include "common/clock.h"
#include "common/error.h"
#include "http/transport.h"

namespace cloudvip::sigv4 {

struct SigningParams {
  std::string region;          // "us-east-1"
  std::string service;         // "ec2"
  TimePoint time;              // the request's date (X-Amz-Date)
  bool normalize_path = true;  // true for every service but S3
  // Header signing only: also set and sign x-amz-content-sha256 (S3 wants it; the suite's "sign_body").
  bool add_content_sha256_header = false;
  // Add the session token after signing, unsigned (a few services want this; the suite's
  // "omit_session_token"). By default the token is signed, as botocore does.
  bool omit_session_token = false;
};

// Every intermediate step, for tests and for the emulator's verifier.
struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lower-case hex
  std::string authorization;  // the Authorization header value (empty for presign)
};

// Signs `request` in place: sets X-Amz-Date, X-Amz-Security-Token when the credentials have a session token,
// and Authorization. Every header present on the request is signed (Host is derived from the URL when
// absent), except the ones the SDKs never sign (user-agent, expect, ...). The body is hashed as sent.
// Signing again (a retry) replaces the previous Authorization, date and token.
// REQUIRES: request.url passes parse_url (endpoints are validated when they are configured). When it does
// not, the request is left unsigned and an empty Signature is returned; the transport then rejects the URL.
Signature sign(HttpRequest& request, const Credentials& credentials, const SigningParams& params);

// The presigned query form: appends X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders,
// X-Amz-Expires, X-Amz-Security-Token (with a session token) and X-Amz-Signature to request.url. Signs every
// header on the request as sign() does, adding Host when absent; the body is hashed as sent.
// Fails (invalid_argument) on a URL parse_url rejects or `expires` outside 1 s .. 7 days; the request is
// then unchanged.
Result<Signature> presign(HttpRequest& request, const Credentials& credentials, const SigningParams& params,
                          std::chrono::seconds expires);

// For a verifier: the header-form signature of `request` over exactly `signed_headers` (names in any case,
// as taken from the request's own Authorization header), dated params.time. The request is not changed;
// Host is derived from the URL when the request has none. Fails (invalid_argument) when the URL does not
// parse, the list is empty, or a named header is missing from the request. Compare the result with the
// request's signature through crypto::constant_time_equal. (Presigned URLs are not verified here.)
Result<Signature> compute(const HttpRequest& request, const Credentials& credentials,
                          const SigningParams& params, const std::vector<std::string>& signed_headers);

// An Authorization header value taken apart:
// "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date,
// Signature=<64 hex>".
struct AuthorizationHeader {
  std::string access_key_id;
  std::string date;  // yyyymmdd, from the credential scope
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // as listed
  std::string signature;                    // lower-case hex
};

// Fails (invalid_argument) with a message naming the part that is wrong: another algorithm, a missing or
// repeated Credential/SignedHeaders/Signature, a scope that is not AKID/yyyymmdd/region/service/aws4_request,
// an empty header list, or a signature that is not 64 lower-case hex digits.
Result<AuthorizationHeader> parse_authorization(std::string_view value);

// "20150830T123600Z" (UTC), the X-Amz-Date format, and back. parse_amz_date fails (invalid_argument) on
// anything else.
std::string amz_date(TimePoint time);
Result<TimePoint> parse_amz_date(std::string_view text);

// Building blocks, exposed for tests and the verifier.
// The canonical URI of a wire path: dot segments and empty segments removed when `normalize`, then encoded
// with '/' kept. An empty path is "/".
std::string canonical_uri(std::string_view path, bool normalize);
// The canonical query of a wire query string: pairs decoded, re-encoded, sorted by key then value.
std::string canonical_query(std::string_view query);
// A header value as it is signed: trimmed, inner runs of whitespace collapsed to one space.
std::string canonical_header_value(std::string_view value);

}  // namespace cloudvip::sigv4
