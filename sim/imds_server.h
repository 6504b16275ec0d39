// The instance metadata service of cloudvip-sim (aws-protocol.md §4): IMDSv2 tokens (PUT /latest/api/token),
// the metadata tree of one instance, its role credentials (issued by the Model, so the EC2 endpoint accepts
// them) and the identity document. ImdsService is the protocol; which instance a request is about is the
// caller's business: one listener per instance (ImdsListener with a fixed instance), or one listener that
// tells instances apart by the client's source address (for the network-namespace lab).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "http/transport.h"
#include "sim/call_log.h"
#include "sim/faults.h"
#include "sim/http_reply.h"
#include "sim/id_source.h"
#include "sim/simulation.h"

namespace cloudvip::sim {

struct ImdsRequest {
  std::string method;  // GET, HEAD, PUT, ...
  std::string path;    // without the query
  HttpHeaders headers;
};

class ImdsService {
 public:
  static constexpr int k_max_token_ttl_seconds = 21600;
  // During a "no-answer" outage a request is held at most this long, then its connection is dropped.
  static constexpr Millis k_hold_limit{10'000};
  static constexpr size_t k_max_tokens = 10'000;

  // `allow_v1`: GETs without a token are answered (HttpTokens=optional); otherwise they get 401.
  // Collaborators must outlive the service.
  ImdsService(Simulation& simulation, Faults& faults, CallLog& log, Clock& clock, bool allow_v1);

  // Answers `request` for `instance_id`. Safe to call from several threads.
  HttpReply handle(std::string_view instance_id, const ImdsRequest& request);

  // Ends any request held by a "no-answer" outage (server shutdown).
  void shutdown() { m_shutdown = true; }

 private:
  HttpReply answer(std::string_view instance_id, const ImdsRequest& request);
  HttpReply issue_token(std::string_view instance_id, const ImdsRequest& request);
  // nullopt when the request may go on; the 401 reply otherwise.
  std::optional<HttpReply> check_token(std::string_view instance_id, const ImdsRequest& request);
  HttpReply metadata(std::string_view instance_id, std::string_view path);
  // Holds the request while the outage lasts (bounded), for the "no-answer" fault.
  void hold();

  struct Token {
    std::string instance_id;
    TimePoint expires;
  };

  Simulation& m_simulation;
  Faults& m_faults;
  CallLog& m_log;
  Clock& m_clock;
  bool m_allow_v1;
  std::atomic<bool> m_shutdown{false};
  RandomIdSource m_ids;
  std::mutex m_mutex;
  std::map<std::string, Token> m_tokens;  // never logged
};

// The metadata leaves of `view` under /latest/meta-data/ (relative path -> value), without the role
// credentials (which are issued on demand). Directories are implied by the paths.
std::map<std::string, std::string> metadata_leaves(const InstanceView& view);

class HttpListener;

// One IMDS listener on its own port. Either every request is about one instance, or the instance is found
// by the client's source address (`by_source_address`: "10.109.10.10" -> "i-..."; unknown addresses get 404).
class ImdsListener {
 public:
  ImdsListener(ImdsService& service, std::string host, int port, std::string instance_id);
  ImdsListener(ImdsService& service, std::string host, int port,
               std::map<std::string, std::string> by_source_address);
  ~ImdsListener();
  ImdsListener(const ImdsListener&) = delete;
  ImdsListener& operator=(const ImdsListener&) = delete;

  int port() const;
  std::string url() const;  // "http://HOST:PORT"
  void stop();

 private:
  std::unique_ptr<HttpListener> m_listener;
};

}  // namespace cloudvip::sim
