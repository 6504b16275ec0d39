// The few etcd v3 calls the etcd source makes, over the JSON gateway: a linearizable read of one key and a
// watch on it, against several endpoints (a failed call moves on to the next endpoint), with user/password
// authentication (a token from /v3/auth/authenticate, sent as `Authorization: TOKEN`, fetched again when etcd
// calls it invalid or old). The password never leaves this class except in the authenticate request body.
// Used from one thread (the etcd source's).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "leader/etcd_http.h"
#include "leader/etcd_json.h"

namespace cloudvip {

struct EtcdClientOptions {
  std::vector<std::string> endpoints;  // "http://127.0.0.1:2379", ...; at least one
  std::string username;                // empty: no authentication
  std::string password;                // a secret: never logged, never in an error
  EtcdTlsFiles tls;
  Millis timeout{2000};  // every unary call, and connecting the watch
};

class EtcdClient {
 public:
  explicit EtcdClient(EtcdClientOptions options);

  // POST /v3/kv/range for `key` (linearizable), on the current endpoint and then each other one until one
  // answers. The Error of the last endpoint tried, naming every endpoint's failure, when none does.
  Result<EtcdRangeAnswer> range(const std::string& key);

  // Watches `key` from `start_revision` (inclusive) on the endpoint of the last successful call, calling
  // `on_event` for each event in order. Returns success only when `keep_going` said stop; an Error whenever
  // the watch breaks: the connection failed or ended, etcd cancelled it, the start revision was compacted
  // (ErrorCode::not_found, "compacted"), or an auth error (the token is dropped for the next call).
  Result<void> watch(const std::string& key, std::int64_t start_revision,
                     const std::function<void(const EtcdWatchEvent&, std::int64_t revision)>& on_event,
                     const std::function<bool()>& keep_going);

  // How many tokens were fetched (for tests: re-authentication after an expired token).
  int authentications() const { return m_authentications; }

  // The endpoint calls go to now.
  const std::string& endpoint() const { return m_options.endpoints[m_current]; }

 private:
  // One call on one endpoint: authenticates first when needed, and once again when etcd refuses the token.
  Result<HttpResponse> call(const std::string& endpoint, const std::string& path, const std::string& body);
  Result<void> authenticate(const std::string& endpoint);

  EtcdClientOptions m_options;
  EtcdHttp m_http;
  size_t m_current = 0;
  std::string m_token;  // a secret: never logged
  int m_authentications = 0;
};

}  // namespace cloudvip
