// HTTP for the etcd source, on libcurl: unary POSTs, and the watch's long-lived streamed answer read line by
// line as it arrives (HttpTransport returns whole answers only, and has no TLS client certificates).
// TLS peers are always verified (against ca_file when given, else the system store); never via a proxy
// (etcd is the cluster's own store, reached directly). Used from one thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"
#include "http/transport.h"

namespace cloudvip {

struct EtcdTlsFiles {
  std::string ca_file;    // PEM CA bundle; empty: the system store
  std::string cert_file;  // client certificate (PEM); empty: none
  std::string key_file;   // its private key (PEM)
};

class EtcdHttp {
 public:
  explicit EtcdHttp(EtcdTlsFiles tls);
  ~EtcdHttp();
  EtcdHttp(const EtcdHttp&) = delete;
  EtcdHttp& operator=(const EtcdHttp&) = delete;

  // POST `body` (JSON) to `url`; `token`, when not empty, goes in the Authorization header. Any HTTP status
  // is a success; an Error means no complete answer (network, timeout).
  Result<HttpResponse> post(const std::string& url, const std::string& body, const std::string& token,
                            Millis timeout);

  // POST and hand each line of the answer to `on_line` as it arrives, until the server ends the answer
  // (success), `on_line` returns false or `keep_going` returns false (both: success; libcurl asks
  // `keep_going` about once a second while the stream is idle), or the connection fails (Error). A status
  // other than 200 is an Error with the body's words. TCP keepalives notice a dead peer even when no line
  // comes.
  Result<void> stream(const std::string& url, const std::string& body, const std::string& token,
                      Millis connect_timeout, const std::function<bool(std::string_view)>& on_line,
                      const std::function<bool()>& keep_going);

 private:
  struct Handle;
  EtcdTlsFiles m_tls;
  std::unique_ptr<Handle> m_unary;  // kept, so its connection is reused between reads
};

}  // namespace cloudvip
