// AWS Signature Version 4: header signing (what EC2 calls use) and the presigned query form. Proven against
// the official test suite in ../shared/testdata/sigv4 (sigv4_test.cc).
#pragma once

#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "common/clock.h"
#include "http/transport.h"

namespace cloudvip::sigv4 {

struct SigningParams {
  std::string region;          // "us-east-1"
  std::string service;         // "ec2"
  TimePoint time;              // the request's date (X-Amz-Date)
  bool normalize_path = true;  // true for every service but S3
};

// Every intermediate step, for tests and for the emulator's verifier.
struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lower-case hex
  std::string authorization;  // the Authorization header value
};

// Signs `request` in place: sets X-Amz-Date, X-Amz-Security-Token when the credentials have a session token,
// and Authorization. Every header present on the request is signed (Host is derived from the URL when
// absent), except the ones the SDKs never sign (user-agent, expect, ...). The body is hashed as sent.
Signature sign(HttpRequest& request, const Credentials& credentials, const SigningParams& params);

}  // namespace cloudvip::sigv4
