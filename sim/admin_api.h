// The admin API of cloudvip-sim under /_sim/ (JSON): world state, the call log, fault switches, reset, and
// events that AWS would cause (instance stop/start, ENI detach/attach, role credential rotation). It is a
// test harness: unauthenticated, served on the main listener, which binds to loopback unless told
// otherwise (docs/simulator.md).
#pragma once

#include <string>
#include <string_view>

#include "sim/call_log.h"
#include "sim/faults.h"
#include "sim/http_reply.h"
#include "sim/simulation.h"
#include "sim/throttle.h"

namespace cloudvip::sim {

class AdminApi {
 public:
  // Collaborators must outlive the API.
  AdminApi(Simulation& simulation, Faults& faults, Throttle& throttle, CallLog& log)
      : m_simulation(simulation), m_faults(faults), m_throttle(throttle), m_log(log) {}

  // `path` starts with /_sim; `query` is the raw query string. Safe to call from several threads.
  HttpReply handle(std::string_view method, std::string_view path, std::string_view query,
                   std::string_view body);

  // {"error": message} with `status` (and "field" when given).
  static HttpReply json_error(int status, std::string message, std::string field = {});

 private:
  HttpReply calls(std::string_view query);
  HttpReply post_faults(std::string_view body);
  HttpReply reset();
  HttpReply instance(std::string_view id, std::string_view verb);
  HttpReply interface(std::string_view id, std::string_view verb, std::string_view query);
  HttpReply rotate(std::string_view query);

  Simulation& m_simulation;
  Faults& m_faults;
  Throttle& m_throttle;
  CallLog& m_log;
};

}  // namespace cloudvip::sim
