#include "vip/route_view_cache.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "aws/uri.h"
#include "vip/cache_file.h"

namespace cloudvip {
namespace {

// Line-based, not JSON: a fresh acquire parses this before its first write and writes it after its last
// answer, and nlohmann's parse and dump of it were a measurable part of that (issue 9).
constexpr std::string_view k_magic = "cloudvip-route-view 2";

// FNV-1a: a stable 64-bit hash of the scope for the file name (the full key is checked inside the file).
uint64_t fnv1a(const std::string& text) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) {
    hash = (hash ^ c) * 1099511628211ULL;
  }
  return hash;
}

// A field is one space-free word: RFC 3986 percent-encoding with '/' kept; "%" alone is the empty string.
void append_field(std::string& out, std::string_view value) {
  out += ' ';
  out += value.empty() ? "%" : uri_encode(value, false);
}

std::optional<std::string> decode_field(std::string_view word) {
  if (word == "%") {
    return std::string();
  }
  if (word.empty()) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(word.size());
  for (size_t i = 0; i < word.size(); ++i) {
    if (word[i] != '%') {
      out += word[i];
      continue;
    }
    int high = i + 2 < word.size() ? hex_digit_value(word[i + 1]) : -1;
    int low = high >= 0 ? hex_digit_value(word[i + 2]) : -1;
    if (low < 0) {
      return std::nullopt;
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

// The words of one line, split at single spaces; the first is the line's kind.
std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> words;
  for (size_t at = 0;;) {
    size_t space = line.find(' ', at);
    words.push_back(line.substr(at, space == std::string_view::npos ? std::string_view::npos : space - at));
    if (space == std::string_view::npos) {
      return words;
    }
    at = space + 1;
  }
}

std::optional<RouteTableView> table_from_words(const std::vector<std::string_view>& words) {
  // table ID VPC MAIN, then the route's ENI INSTANCE OTHER STATE when there is one
  if (words.size() != 4 && words.size() != 8) {
    return std::nullopt;
  }
  std::optional<std::string> id = decode_field(words[1]);
  std::optional<std::string> vpc = decode_field(words[2]);
  if (!id || id->empty() || !vpc || (words[3] != "0" && words[3] != "1")) {
    return std::nullopt;
  }
  RouteTableView view{.id = std::move(*id), .vpc_id = std::move(*vpc), .main = words[3] == "1"};
  if (words.size() == 8) {
    VipRoute route;
    size_t i = 4;
    for (std::string* field :
         {&route.network_interface_id, &route.instance_id, &route.other_target, &route.state}) {
      std::optional<std::string> value = decode_field(words[i++]);
      if (!value) {
        return std::nullopt;
      }
      *field = std::move(*value);
    }
    view.route = std::move(route);
  }
  return view;
}

}  // namespace

std::string format_route_view_file(const RouteViewFile& file) {
  std::string out(k_magic);
  out += "\nboot";
  append_field(out, file.boot_id);
  out += "\nkey";
  append_field(out, file.key);
  out += '\n';
  for (const RouteTableView& v : file.tables) {
    out += "table";
    append_field(out, v.id);
    append_field(out, v.vpc_id);
    out += v.main ? " 1" : " 0";
    if (v.route) {
      append_field(out, v.route->network_interface_id);
      append_field(out, v.route->instance_id);
      append_field(out, v.route->other_target);
      append_field(out, v.route->state);
    }
    out += '\n';
  }
  return out;
}

std::optional<RouteViewFile> parse_route_view_file(std::string_view text) {
  if (!text.ends_with('\n')) {
    return std::nullopt;  // empty, or cut short
  }
  RouteViewFile file;
  bool boot_seen = false;
  bool key_seen = false;
  size_t line_number = 0;
  for (size_t at = 0; at < text.size(); ++line_number) {
    size_t end = text.find('\n', at);
    std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (line_number == 0) {
      if (line != k_magic) {
        return std::nullopt;
      }
      continue;
    }
    std::vector<std::string_view> words = words_of(line);
    if (words[0] == "table" && boot_seen && key_seen) {
      std::optional<RouteTableView> table = table_from_words(words);
      if (!table) {
        return std::nullopt;
      }
      file.tables.push_back(std::move(*table));
      continue;
    }
    bool* seen = words[0] == "boot" ? &boot_seen : words[0] == "key" ? &key_seen : nullptr;
    std::optional<std::string> value = words.size() == 2 ? decode_field(words[1]) : std::nullopt;
    if (seen == nullptr || *seen || !value || !file.tables.empty()) {
      return std::nullopt;
    }
    *seen = true;
    (words[0] == "boot" ? file.boot_id : file.key) = std::move(*value);
  }
  if (!boot_seen || !key_seen) {
    return std::nullopt;
  }
  return file;
}

RouteViewCache::RouteViewCache(RouteViewCacheOptions options, Logger& logger)
    : m_options(std::move(options)), m_logger(logger) {}

std::string RouteViewCache::path(const Cidr& destination) const {
  return fmt::format("{}/routes-{}-{:016x}.view", m_options.directory,
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
  std::optional<FileStamp> stamp = stamp_of(file);
  if (m_parsed && stamp && m_parsed->path == file && m_parsed->stamp == *stamp) {
    return m_parsed->views;  // not replaced since this process read or wrote it
  }
  m_parsed.reset();
  std::optional<std::string> text = stamp ? read_small_file(file) : std::nullopt;
  if (!text) {
    if (!quiet) {
      m_logger.debug("route view cache miss: no {}", file);
    }
    return {};
  }
  std::optional<RouteViewFile> entry = parse_route_view_file(*text);
  if (!entry) {
    m_logger.debug("route view cache miss: {} is not a route view of this version (corrupt?); ignoring it",
                   file);
    return {};
  }
  if (entry->boot_id != *boot) {
    m_logger.debug("route view cache miss: {} was written during another boot", file);
    return {};
  }
  if (entry->key != key(destination)) {
    m_logger.debug("route view cache miss: {} holds another endpoint or destination", file);
    return {};
  }
  // A file replaced between the stat and the read leaves a stamp older than the text: the next use
  // reads it again, never the reverse.
  m_parsed = Parsed{.path = file, .stamp = *stamp, .views = entry->tables};
  return std::move(entry->tables);
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
  RouteViewFile entry{.boot_id = boot, .key = key(destination), .tables = std::move(views)};
  std::string file = path(destination);
  Result<FileStamp> written = write_file_atomically(file, format_route_view_file(entry));
  if (!written) {
    m_parsed.reset();
    m_logger.debug("route view cache not written (ignored): {}", written.error().message);
    return;
  }
  m_parsed = Parsed{.path = std::move(file), .stamp = *written, .views = std::move(entry.tables)};
}

}  // namespace cloudvip
