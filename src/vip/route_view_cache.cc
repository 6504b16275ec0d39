#include "vip/route_view_cache.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "vip/cache_file.h"

namespace cloudvip {
namespace {

using nlohmann::json;

constexpr int k_format_version = 1;

// FNV-1a: a stable 64-bit hash of the scope for the file name (the full key is checked inside the file).
uint64_t fnv1a(const std::string& text) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) {
    hash = (hash ^ c) * 1099511628211ULL;
  }
  return hash;
}

std::optional<std::string> string_field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

json views_to_json(const std::vector<RouteTableView>& views) {
  json out = json::array();
  for (const RouteTableView& v : views) {
    json route = nullptr;
    if (v.route) {
      route = {{"network_interface_id", v.route->network_interface_id},
               {"instance_id", v.route->instance_id},
               {"other_target", v.route->other_target},
               {"state", v.route->state}};
    }
    out.push_back({{"id", v.id}, {"vpc_id", v.vpc_id}, {"main", v.main}, {"route", route}});
  }
  return out;
}

std::optional<std::vector<RouteTableView>> views_from_json(const json& j) {
  if (!j.is_array()) {
    return std::nullopt;
  }
  std::vector<RouteTableView> out;
  for (const json& item : j) {
    if (!item.is_object()) {
      return std::nullopt;
    }
    RouteTableView view;
    std::optional<std::string> id = string_field(item, "id");
    std::optional<std::string> vpc = string_field(item, "vpc_id");
    auto main = item.find("main");
    auto route = item.find("route");
    if (!id || id->empty() || !vpc || main == item.end() || !main->is_boolean() || route == item.end()) {
      return std::nullopt;
    }
    view.id = *id;
    view.vpc_id = *vpc;
    view.main = main->get<bool>();
    if (!route->is_null()) {
      if (!route->is_object()) {
        return std::nullopt;
      }
      VipRoute r;
      for (auto [name, field] : {std::pair{"network_interface_id", &r.network_interface_id},
                                 std::pair{"instance_id", &r.instance_id},
                                 std::pair{"other_target", &r.other_target}, std::pair{"state", &r.state}}) {
        std::optional<std::string> value = string_field(*route, name);
        if (!value) {
          return std::nullopt;
        }
        *field = std::move(*value);
      }
      view.route = std::move(r);
    }
    out.push_back(std::move(view));
  }
  return out;
}

}  // namespace

std::string route_views_to_json(const std::vector<RouteTableView>& views) {
  return views_to_json(views).dump();
}

std::optional<std::vector<RouteTableView>> route_views_from_json(const std::string& text) {
  return views_from_json(json::parse(text, nullptr, false));
}

RouteViewCache::RouteViewCache(RouteViewCacheOptions options, Logger& logger)
    : m_options(std::move(options)), m_logger(logger) {}

std::string RouteViewCache::path(const Cidr& destination) const {
  return fmt::format("{}/routes-{}-{:016x}.json", m_options.directory,
                     file_safe(destination.canonical().to_string()), fnv1a(m_options.scope));
}

std::string RouteViewCache::key(const Cidr& destination) const {
  return m_options.scope + " " + destination.canonical().to_string();
}

std::optional<std::string> RouteViewCache::boot_id() {
  if (!m_boot_id_read) {
    m_boot_id_read = true;
    m_boot_id = read_boot_id(m_options.boot_id_path);
    if (!m_boot_id) {
      m_logger.debug("route view cache off: cannot read the boot id from {}", m_options.boot_id_path);
    }
  }
  return m_boot_id;
}

std::vector<RouteTableView> RouteViewCache::load_locked(const Cidr& destination, bool quiet) {
  std::optional<std::string> boot = boot_id();
  if (!boot) {
    return {};
  }
  const std::string file = path(destination);
  std::optional<std::string> text = read_small_file(file);
  if (!text) {
    if (!quiet) {
      m_logger.debug("route view cache miss: no {}", file);
    }
    return {};
  }
  json entry = json::parse(*text, nullptr, false);
  auto version = entry.is_object() ? entry.find("version") : entry.end();
  auto tables = entry.is_object() ? entry.find("tables") : entry.end();
  if (!entry.is_object() || version == entry.end() || *version != k_format_version || tables == entry.end()) {
    m_logger.debug("route view cache miss: {} is not a cache entry (corrupt or another version); ignoring it",
                   file);
    return {};
  }
  if (string_field(entry, "boot_id") != *boot) {
    m_logger.debug("route view cache miss: {} was written during another boot", file);
    return {};
  }
  if (string_field(entry, "key") != key(destination)) {
    m_logger.debug("route view cache miss: {} holds another endpoint or destination", file);
    return {};
  }
  std::optional<std::vector<RouteTableView>> views = views_from_json(*tables);
  if (!views) {
    m_logger.debug("route view cache miss: {} holds a malformed view; ignoring it", file);
    return {};
  }
  return *views;
}

std::vector<RouteTableView> RouteViewCache::load(const Cidr& destination) {
  std::lock_guard lock(m_mutex);
  return load_locked(destination, false);
}

void RouteViewCache::store(const Cidr& destination, const std::vector<RouteTableView>& seen) {
  if (seen.empty()) {
    return;
  }
  std::lock_guard lock(m_mutex);
  std::optional<std::string> boot = boot_id();
  if (!boot) {
    return;
  }
  std::vector<RouteTableView> views = load_locked(destination, true);
  for (const RouteTableView& table : seen) {
    auto it = std::ranges::find(views, table.id, &RouteTableView::id);
    RouteTableView kept{.id = table.id, .vpc_id = table.vpc_id, .main = table.main, .route = table.route};
    if (it == views.end()) {
      views.push_back(std::move(kept));
    } else {
      *it = std::move(kept);
    }
  }
  write_locked(destination, std::move(views), *boot);
}

void RouteViewCache::store_written(
    const Cidr& destination, const std::vector<std::pair<std::string, std::optional<VipRoute>>>& written) {
  if (written.empty()) {
    return;
  }
  std::lock_guard lock(m_mutex);
  std::optional<std::string> boot = boot_id();
  if (!boot) {
    return;
  }
  std::vector<RouteTableView> views = load_locked(destination, true);
  for (const auto& [id, route] : written) {
    auto it = std::ranges::find(views, id, &RouteTableView::id);
    if (it == views.end()) {
      views.push_back(RouteTableView{.id = id, .route = route});
    } else {
      it->route = route;
    }
  }
  write_locked(destination, std::move(views), *boot);
}

void RouteViewCache::write_locked(const Cidr& destination, std::vector<RouteTableView> views,
                                  const std::string& boot) {
  if (views.size() > k_max_tables) {
    views.erase(views.begin(), views.end() - static_cast<std::ptrdiff_t>(k_max_tables));
  }
  ensure_cache_directory(m_options.directory);
  json entry{{"version", k_format_version},
             {"boot_id", boot},
             {"key", key(destination)},
             {"tables", views_to_json(views)}};
  // Compact: a fresh acquire reads this before its writes and writes it after them (issue 9).
  Result<void> written = write_file_atomically(path(destination), entry.dump() + "\n");
  if (!written) {
    m_logger.debug("route view cache not written (ignored): {}", written.error().message);
  }
}

}  // namespace cloudvip
