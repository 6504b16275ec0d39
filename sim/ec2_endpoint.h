// The EC2 Query API endpoint of cloudvip-sim: POST / with a form body (or GET / with a query string), as
// botocore, the AWS CLI and cloudvip send it (aws-protocol.md §1). Checks, in the order AWS applies them:
// method and path, body size, SigV4 signature, form syntax, Action, throttling, injected faults; then the
// Model answers. Every request is logged (CallLog) and every answer, error or not, is an EC2 XML document;
// no input makes it throw.
#pragma once

#include "common/clock.h"
#include "common/log.h"
#include "sim/call_log.h"
#include "sim/faults.h"
#include "sim/http_reply.h"
#include "sim/id_source.h"
#include "sim/sigv4_verify.h"
#include "sim/simulation.h"
#include "sim/throttle.h"

namespace cloudvip::sim {

// RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") of `t`.
std::string http_date(TimePoint t);

class Ec2Endpoint {
 public:
  // Larger bodies get 413: the biggest legitimate EC2 request cloudvip or the SDKs send is a few KB.
  static constexpr size_t k_max_body_bytes = size_t{1} << 20;

  // Every collaborator must outlive the endpoint. `clock` dates signatures and takes the injected latency
  // (a FakeClock in tests, so they do not wait).
  Ec2Endpoint(Simulation& simulation, Faults& faults, Throttle& throttle, CallLog& log, Clock& clock,
              Logger& logger);

  // Safe to call from several threads.
  HttpReply handle(const IncomingRequest& request);

  // An EC2 error document reply (Content-Type text/xml, Server: AmazonEC2), with a fresh request id.
  HttpReply error_reply(const ApiError& error);

 private:
  HttpReply reply(int status, std::string body) const;

  Simulation& m_simulation;
  Faults& m_faults;
  Throttle& m_throttle;
  CallLog& m_log;
  Clock& m_clock;
  Logger& m_logger;
  RandomIdSource m_ids;
  SigV4Verifier m_verifier;
};

// True when every '%' in `text` starts a %XX escape with two hex digits.
bool well_formed_percent_encoding(std::string_view text);

}  // namespace cloudvip::sim
