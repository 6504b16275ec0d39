// A small on-disk cache so the hot path (acquire) can skip IMDS: this instance's Identity per MAC, and the
// subnets of a VPC, stored as JSON files in a directory (default /run/cloudvip, a tmpfs emptied at boot).
//
// Every entry is keyed by the kernel's boot id (/proc/sys/kernel/random/boot_id), by the service it was read
// from (the IMDS endpoint for an identity, the EC2 endpoint for subnets) and by its MAC or VPC id, so two
// processes that talk to two metadata services never share an entry. An entry written during another boot
// or read from another service is a miss (and is replaced by the next store), so an instance stopped and
// started elsewhere, or an ENI attached after a reboot, is re-read from IMDS. Within one boot an identity
// cannot change except by attaching or detaching an ENI, and a subnet's CIDR never changes, but new subnets
// can appear: call invalidate() when a reading suggests the cache is stale (an association with a subnet the
// cached list lacks, a route that points at our ENI but is blackhole).
//
// The cache never fails its caller: a missing, unreadable, corrupt or foreign file is a miss (logged at
// debug), and a store that cannot write (read-only /run, no permission) is logged at debug and ignored. Files
// hold no secrets (Identity has none); they are written atomically (temp file + rename), mode 0644, in a
// directory created with mode 0755.
//
// Safe to use from several threads and processes: readers see either the old file or the new one.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/log.h"
#include "vip/cloud.h"

namespace cloudvip {

struct IdentityCacheOptions {
  std::string directory = "/run/cloudvip";
  std::string boot_id_path = "/proc/sys/kernel/random/boot_id";
  std::string imds_endpoint;  // where identities come from (ImdsOptions::endpoint)
  std::string ec2_endpoint;   // where subnet lists come from (the EC2 endpoint URL)
};

class IdentityCache {
 public:
  IdentityCache(IdentityCacheOptions options, Logger& logger);

  // `mac` as the caller passes it to Cloud::identity ("" for the primary interface).
  std::optional<Identity> load_identity(const std::string& mac);
  void store_identity(const std::string& mac, const Identity& identity);

  std::optional<std::vector<SubnetView>> load_subnets(const std::string& vpc_id);
  void store_subnets(const std::string& vpc_id, const std::vector<SubnetView>& subnets);

  // Removes every entry (identity and subnets) this cache wrote in its directory.
  void invalidate();

  const IdentityCacheOptions& options() const { return m_options; }

  // The file that holds an entry (for tests and `cloudvip status`).
  std::string identity_path(const std::string& mac) const;
  std::string subnets_path(const std::string& vpc_id) const;

 private:
  // The boot id, read once; nullopt (cache off) when it cannot be read.
  std::optional<std::string> boot_id();
  // The entry's payload when the file exists, parses, and carries this boot id and `key`.
  std::optional<std::string> read_entry(const std::string& path, const std::string& key,
                                        const std::string& source);
  void write_entry(const std::string& path, const std::string& key, const std::string& source,
                   const std::string& payload_json);

  IdentityCacheOptions m_options;
  Logger& m_logger;
  std::mutex m_mutex;
  bool m_boot_id_read = false;
  std::optional<std::string> m_boot_id;
};

// JSON forms of the cached values, exposed for tests. from_json returns nullopt for anything malformed.
std::string identity_to_json(const Identity& identity);
std::optional<Identity> identity_from_json(const std::string& json);
std::string subnets_to_json(const std::vector<SubnetView>& subnets);
std::optional<std::vector<SubnetView>> subnets_from_json(const std::string& json);

}  // namespace cloudvip
