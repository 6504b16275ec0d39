#include "vip/identity_cache.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "common/strings.h"
#include "vip/cache_file.h"

namespace cloudvip {
namespace {

using nlohmann::json;

constexpr int k_format_version = 2;  // 2: entries carry their source
constexpr std::string_view k_identity_prefix = "identity-";
constexpr std::string_view k_subnets_prefix = "subnets-";

// A short stable name for a source (an endpoint URL) in a file name: FNV-1a 64, 16 hex digits.
std::string source_key(const std::string& source) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : source) {
    hash = (hash ^ c) * 1099511628211ULL;
  }
  return fmt::format("{:016x}", hash);
}

std::optional<std::string> string_field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::optional<Cidr> cidr_field(const json& j, const char* name) {
  std::optional<std::string> text = string_field(j, name);
  if (!text) {
    return std::nullopt;
  }
  Result<Cidr> cidr = Cidr::parse(*text);
  return cidr ? std::optional<Cidr>(*cidr) : std::nullopt;
}

}  // namespace

std::string identity_to_json(const Identity& id) {
  json vpc_cidrs = json::array();
  for (const Cidr& c : id.vpc_cidrs) {
    vpc_cidrs.push_back(c.to_string());
  }
  json ips = json::array();
  for (Ipv4Address ip : id.private_ips) {
    ips.push_back(ip.to_string());
  }
  return json{{"instance_id", id.instance_id},
              {"region", id.region},
              {"availability_zone", id.availability_zone},
              {"account_id", id.account_id},
              {"mac", id.mac},
              {"network_interface_id", id.network_interface_id},
              {"subnet_id", id.subnet_id},
              {"subnet_cidr", id.subnet_cidr.to_string()},
              {"vpc_id", id.vpc_id},
              {"vpc_cidrs", vpc_cidrs},
              {"private_ips", ips}}
      .dump();
}

std::optional<Identity> identity_from_json(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) {
    return std::nullopt;
  }
  Identity id;
  for (auto [name, field] :
       {std::pair{"instance_id", &id.instance_id}, std::pair{"region", &id.region},
        std::pair{"availability_zone", &id.availability_zone}, std::pair{"account_id", &id.account_id},
        std::pair{"mac", &id.mac}, std::pair{"network_interface_id", &id.network_interface_id},
        std::pair{"subnet_id", &id.subnet_id}, std::pair{"vpc_id", &id.vpc_id}}) {
    std::optional<std::string> value = string_field(j, name);
    if (!value) {
      return std::nullopt;
    }
    *field = std::move(*value);
  }
  std::optional<Cidr> subnet = cidr_field(j, "subnet_cidr");
  auto vpc_cidrs = j.find("vpc_cidrs");
  auto ips = j.find("private_ips");
  if (!subnet || vpc_cidrs == j.end() || !vpc_cidrs->is_array() || ips == j.end() || !ips->is_array() ||
      id.instance_id.empty() || id.network_interface_id.empty() || id.vpc_id.empty()) {
    return std::nullopt;
  }
  id.subnet_cidr = *subnet;
  for (const json& c : *vpc_cidrs) {
    Result<Cidr> cidr = c.is_string() ? Cidr::parse(c.get<std::string>()) : Cidr::parse("");
    if (!cidr) {
      return std::nullopt;
    }
    id.vpc_cidrs.push_back(*cidr);
  }
  for (const json& i : *ips) {
    Result<Ipv4Address> ip =
        i.is_string() ? Ipv4Address::parse(i.get<std::string>()) : Ipv4Address::parse("");
    if (!ip) {
      return std::nullopt;
    }
    id.private_ips.push_back(*ip);
  }
  return id;
}

std::string subnets_to_json(const std::vector<SubnetView>& subnets) {
  json out = json::array();
  for (const SubnetView& s : subnets) {
    out.push_back({{"id", s.id}, {"cidr", s.cidr.to_string()}, {"availability_zone", s.availability_zone}});
  }
  return out.dump();
}

std::optional<std::vector<SubnetView>> subnets_from_json(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_array()) {
    return std::nullopt;
  }
  std::vector<SubnetView> out;
  for (const json& item : j) {
    if (!item.is_object()) {
      return std::nullopt;
    }
    std::optional<std::string> id = string_field(item, "id");
    std::optional<Cidr> cidr = cidr_field(item, "cidr");
    std::optional<std::string> zone = string_field(item, "availability_zone");
    if (!id || id->empty() || !cidr || !zone) {
      return std::nullopt;
    }
    out.push_back(SubnetView{*id, *cidr, *zone});
  }
  return out;
}

IdentityCache::IdentityCache(IdentityCacheOptions options, Logger& logger)
    : m_options(std::move(options)), m_logger(logger) {}

std::string IdentityCache::identity_path(const std::string& mac) const {
  return m_options.directory + "/" + std::string(k_identity_prefix) + source_key(m_options.imds_endpoint) +
         "-" + (mac.empty() ? "primary" : file_safe(mac)) + ".json";
}

std::string IdentityCache::subnets_path(const std::string& vpc_id) const {
  return m_options.directory + "/" + std::string(k_subnets_prefix) + source_key(m_options.ec2_endpoint) +
         "-" + file_safe(vpc_id) + ".json";
}

std::optional<std::string> IdentityCache::boot_id() {
  std::lock_guard lock(m_mutex);
  if (!m_boot_id_read) {
    m_boot_id_read = true;
    std::optional<std::string> text = read_small_file(m_options.boot_id_path);
    std::string id = text ? std::string(trim(*text)) : "";
    if (id.empty()) {
      m_logger.debug("identity cache off: cannot read the boot id from {}", m_options.boot_id_path);
    } else {
      m_boot_id = id;
    }
  }
  return m_boot_id;
}

std::optional<std::string> IdentityCache::read_entry(const std::string& path, const std::string& key,
                                                     const std::string& source) {
  std::optional<std::string> boot = boot_id();
  if (!boot) {
    return std::nullopt;
  }
  std::optional<std::string> text = read_small_file(path);
  if (!text) {
    m_logger.debug("identity cache miss: no {}", path);
    return std::nullopt;
  }
  json entry = json::parse(*text, nullptr, false);
  auto version = entry.is_object() ? entry.find("version") : entry.end();
  if (!entry.is_object() || version == entry.end() || *version != k_format_version ||
      !entry.contains("value")) {
    m_logger.debug("identity cache miss: {} is not a cache entry (corrupt or another version); ignoring it",
                   path);
    return std::nullopt;
  }
  if (string_field(entry, "boot_id") != *boot) {
    m_logger.debug("identity cache miss: {} was written during another boot", path);
    return std::nullopt;
  }
  if (string_field(entry, "key") != key) {
    m_logger.debug("identity cache miss: {} holds another key", path);
    return std::nullopt;
  }
  if (string_field(entry, "source") != source) {
    m_logger.debug("identity cache miss: {} was read from another service than {}", path, source);
    return std::nullopt;
  }
  return entry["value"].dump();
}

void IdentityCache::write_entry(const std::string& path, const std::string& key, const std::string& source,
                                const std::string& payload) {
  std::optional<std::string> boot = boot_id();
  if (!boot) {
    return;
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::create_directories(m_options.directory, ec)) {
    fs::permissions(m_options.directory, fs::perms(0755), ec);
  }
  json entry{{"version", k_format_version},
             {"boot_id", *boot},
             {"source", source},
             {"key", key},
             {"value", json::parse(payload)}};
  Result<FileStamp> written = write_file_atomically(path, entry.dump(2) + "\n");
  if (!written) {
    m_logger.debug("identity cache not written (ignored): {}", written.error().message);
  }
}

std::optional<Identity> IdentityCache::load_identity(const std::string& mac) {
  std::string path = identity_path(mac);
  std::optional<std::string> payload = read_entry(path, mac, m_options.imds_endpoint);
  if (!payload) {
    return std::nullopt;
  }
  std::optional<Identity> id = identity_from_json(*payload);
  if (!id) {
    m_logger.debug("identity cache miss: {} holds a malformed identity; ignoring it", path);
  }
  return id;
}

void IdentityCache::store_identity(const std::string& mac, const Identity& identity) {
  write_entry(identity_path(mac), mac, m_options.imds_endpoint, identity_to_json(identity));
}

std::optional<std::vector<SubnetView>> IdentityCache::load_subnets(const std::string& vpc_id) {
  std::string path = subnets_path(vpc_id);
  std::optional<std::string> payload = read_entry(path, vpc_id, m_options.ec2_endpoint);
  if (!payload) {
    return std::nullopt;
  }
  std::optional<std::vector<SubnetView>> subnets = subnets_from_json(*payload);
  if (!subnets) {
    m_logger.debug("identity cache miss: {} holds a malformed subnet list; ignoring it", path);
  }
  return subnets;
}

void IdentityCache::store_subnets(const std::string& vpc_id, const std::vector<SubnetView>& subnets) {
  write_entry(subnets_path(vpc_id), vpc_id, m_options.ec2_endpoint, subnets_to_json(subnets));
}

void IdentityCache::invalidate() {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::directory_iterator it(m_options.directory, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if ((starts_with(name, k_identity_prefix) || starts_with(name, k_subnets_prefix)) &&
        name.ends_with(".json")) {
      std::error_code ignored;
      fs::remove(it->path(), ignored);
    }
  }
}

}  // namespace cloudvip
