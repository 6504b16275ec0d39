// A real etcd for tests (Debian's etcd-server, 3.4): one member on free loopback ports with a data directory
// of its own, started and stopped by the test (also on failure: the destructor kills it). etcdctl (Debian's
// etcd-client) drives it from outside cloudvip's code, so what the tests check is not proven by the code
// under test alone.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/process_runner.h"
#include "testing/temp_dir.h"

namespace cloudvip::testing {

struct EtcdTls {
  std::string ca_file;
  std::string server_cert;
  std::string server_key;
  std::string client_cert;
  std::string client_key;
};

class EtcdProcess {
 public:
  // Why etcd tests cannot run here ("etcd not installed: apt-get install etcd-server etcd-client"), or
  // nullopt when they can.
  static std::optional<std::string> unavailable();

  // `extra_flags` are added to etcd's command line (e.g. "--auth-token-ttl=1"). With `tls`, clients must
  // speak https and present a certificate signed by tls->ca_file.
  explicit EtcdProcess(std::vector<std::string> extra_flags = {}, std::optional<EtcdTls> tls = std::nullopt);
  ~EtcdProcess();
  EtcdProcess(const EtcdProcess&) = delete;
  EtcdProcess& operator=(const EtcdProcess&) = delete;

  // Starts etcd (again, after stop(): same ports, same data) and waits until it answers (at most 30 s).
  Result<void> start();
  // SIGTERM, then SIGKILL after 10 s; waits for the process.
  void stop();

  // "http://127.0.0.1:PORT" (https with TLS).
  std::string endpoint() const;
  int client_port() const { return m_client_port; }
  // Runs etcdctl against this etcd with `args`; `user` is "name:password" or empty.
  Result<ProcessResult> ctl(const std::vector<std::string>& args, const std::string& user = "") const;
  // The same, but an Error unless it exits 0; returns its output.
  Result<std::string> ctl_ok(const std::vector<std::string>& args, const std::string& user = "") const;
  // The store's current revision (etcdctl endpoint status).
  Result<long long> revision(const std::string& user = "") const;
  // The last lines etcd wrote (for failure messages).
  std::string log_tail() const;

 private:
  TempDir m_dir;
  std::vector<std::string> m_extra_flags;
  std::optional<EtcdTls> m_tls;
  int m_client_port = 0;
  int m_peer_port = 0;
  pid_t m_pid = -1;
};

// Makes a CA, a server certificate for 127.0.0.1 and a client certificate with openssl in `dir`.
Result<EtcdTls> make_test_certificates(const std::string& dir);

}  // namespace cloudvip::testing
