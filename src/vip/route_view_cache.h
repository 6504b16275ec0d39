// The last observed route view, kept on disk so a fresh process can act on it: for one VIP destination,
// each route table seen and where its route for that destination pointed. Every reading of the route
// tables (status, check, acquire's read and verification, later the daemon) and every write acquire makes
// updates it, through CachingCloud; acquire uses it to send ReplaceRoute at once to the tables it says the
// peer holds, skipping the read that would only confirm it (issue 9: a failover in one round trip).
//
// A hint, never a truth: a stale view costs at worst a redundant ReplaceRoute to the same target, and a
// route that turns out to be gone is created (AwsCloud::point_routes). Tables the view says are ours, or
// does not know, are read first.
//
// Stored beside the identity cache (default /run/cloudvip, a tmpfs emptied at boot), one file per
// destination and scope (a small line-based text file, format_route_view_file), keyed like IdentityCache: the
// kernel's boot id, plus `scope` (the EC2 endpoint and region the tables were read from) and the destination.
// An entry of another boot, scope or destination is a miss. Like IdentityCache it never fails its caller: an
// unreadable, corrupt or foreign file is a miss (logged at debug) and a store that cannot write is logged at
// debug and ignored. No secrets: table ids, ENI ids, instance ids and states only.
//
// What this object last read or wrote is kept with the file's stamp (cache_file.h), so a store after a load
// (acquire's write-first round, then its writes) does not read and parse the file again unless another
// process replaced it meanwhile.
//
// Safe to use from several threads (one mutex). Across processes, files are replaced atomically; two
// processes storing at the same instant can lose one's update (the next reading repairs it).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/cidr.h"
#include "common/log.h"
#include "vip/cache_file.h"
#include "vip/cloud.h"

namespace cloudvip {

struct RouteViewCacheOptions {
  std::string directory = "/run/cloudvip";
  std::string boot_id_path = "/proc/sys/kernel/random/boot_id";
  // What the views are views of: the EC2 endpoint URL and region ("" is a scope like any other).
  std::string scope;
};

class RouteViewCache {
 public:
  static constexpr size_t k_max_tables = 1000;  // per destination; the oldest entries go first

  RouteViewCache(RouteViewCacheOptions options, Logger& logger);

  // The tables last seen for `destination` (id, vpc_id, main and route; subnet_ids are not kept), in the
  // order they were first seen; empty when nothing is known.
  std::vector<RouteTableView> load(const Cidr& destination);
  // Merges `seen` into the stored view: each table's entry is replaced by the new one.
  void store(const Cidr& destination, const std::vector<RouteTableView>& seen);
  // Records routes this host just wrote (pointed: `route` set; deleted: nullopt), per table id: each entry
  // keeps the vpc and main flag the stored view had for it and takes the new route. One read and one write
  // of the file (a failover's writes are recorded before the process exits, so this is on its clock).
  void store_written(const Cidr& destination,
                     const std::vector<std::pair<std::string, std::optional<VipRoute>>>& written);

  // The file that holds the view of `destination` (for tests).
  std::string path(const Cidr& destination) const;

 private:
  std::optional<std::string> boot_id();
  std::string key(const Cidr& destination) const;
  std::vector<RouteTableView> load_locked(const Cidr& destination, bool quiet);
  // Writes `views` as the stored view. REQUIRES: m_mutex held.
  void write_locked(const Cidr& destination, std::vector<RouteTableView> views, const std::string& boot);

  struct Parsed {
    std::string path;
    FileStamp stamp;
    std::vector<RouteTableView> views;
  };

  RouteViewCacheOptions m_options;
  Logger& m_logger;
  std::mutex m_mutex;
  std::optional<Parsed> m_parsed;  // what the file at `path` held when it had `stamp`
  bool m_boot_id_read = false;
  std::optional<std::string> m_boot_id;
};

// The file's content, exposed for tests. One line per item, fields separated by one space, each field
// percent-encoded (uri_encode of aws/uri.h, '/' kept; "%" alone is empty):
//
//   cloudvip-route-view 2
//   boot BOOT_ID
//   key SCOPE+DESTINATION
//   table ID VPC_ID 0|1                          (1: the VPC's main table; no route for the destination)
//   table ID VPC_ID 0|1 ENI INSTANCE OTHER STATE (its route for the destination)
//
// parse_route_view_file returns nullopt for anything else (another version, a line cut short, a repeated
// or missing boot or key line, a malformed field).
struct RouteViewFile {
  std::string boot_id;
  std::string key;
  std::vector<RouteTableView> tables;
};
std::string format_route_view_file(const RouteViewFile& file);
std::optional<RouteViewFile> parse_route_view_file(std::string_view text);

}  // namespace cloudvip
