// etcd v3 JSON gateway messages (etcd 3.4, /v3): the request bodies cloudvip sends and the answers it reads.
// Pure functions, so the protocol's quirks are unit-tested without an etcd: keys and values are base64,
// int64 fields are JSON strings, and fields holding their default value are left out (no `kvs` for a
// missing key, no `type` for a PUT event, no `revision` in a fresh cluster's header...).
// Source: etcd-io/website content/en/docs/v3.4/dev-guide/api_grpc_gateway.md, ../shared/daemon-notes.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace cloudvip {

std::string base64_encode(std::string_view bytes);
// Standard alphabet, padding optional; nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);

struct EtcdKeyValue {
  std::string key;
  std::string value;
  std::int64_t mod_revision = 0;
  std::int64_t version = 0;
  std::int64_t lease = 0;
};

struct EtcdRangeAnswer {
  std::int64_t revision = 0;       // the store's revision when the read was served
  std::optional<EtcdKeyValue> kv;  // nullopt: the key does not exist
};

struct EtcdWatchEvent {
  bool deleted = false;  // DELETE (the lease expired or the leader released the key); else PUT
  EtcdKeyValue kv;       // for a DELETE, only key and mod_revision
};

// One line of a watch stream.
struct EtcdWatchMessage {
  bool created = false;
  bool canceled = false;
  std::int64_t compact_revision = 0;  // > 0: the start revision was compacted (the watch is cancelled)
  std::int64_t revision = 0;          // header.revision (progress notifications carry only this)
  std::string cancel_reason;
  std::vector<EtcdWatchEvent> events;
};

// An answer's {"error": ...} or a gRPC status body ({"code": 16, "message": "..."}).
struct EtcdErrorBody {
  int code = 0;  // gRPC code: 16 unauthenticated, 3 invalid argument, 14 unavailable...
  std::string message;
};

std::string etcd_range_request(std::string_view key);
std::string etcd_watch_request(std::string_view key, std::int64_t start_revision);
// The password is put in the body only; the body must never be logged.
std::string etcd_authenticate_request(std::string_view name, std::string_view password);

Result<EtcdRangeAnswer> parse_etcd_range(std::string_view body);
// The token of an authenticate answer.
Result<std::string> parse_etcd_token(std::string_view body);
// One line of a watch stream: {"result": {...}}, or an error ({"error": {...}}: ErrorCode::unavailable
// with the server's words; grpc code 16 gives ErrorCode::auth).
Result<EtcdWatchMessage> parse_etcd_watch_line(std::string_view line);
// An error body, if `body` is one.
std::optional<EtcdErrorBody> parse_etcd_error(std::string_view body);

}  // namespace cloudvip
