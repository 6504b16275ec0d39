// The tables only `cloudvip run` reads: [daemon] and each VIP's [vip.leader] (config.h lists the keys).
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "common/strings.h"
#include "vip/config_sections.h"
#include "vip/config_values.h"

namespace cloudvip {
namespace {

constexpr std::array<std::string_view, 4> k_daemon_keys = {"metrics", "control_socket", "interval",
                                                           "failover_timeout"};
constexpr std::array<std::string_view, 14> k_leader_keys = {
    "source", "hold_down", "timeout",  "poll_interval", "url",     "command",   "endpoints",
    "key",    "member",    "username", "password_file", "ca_file", "cert_file", "key_file"};
constexpr std::string_view k_duration_example = "a duration such as \"5s\", \"500ms\" or \"1m\"";
// Longest path a unix socket address holds (sun_path is 108 bytes with the terminating NUL).
constexpr size_t k_max_socket_path = 107;

struct Span {
  Millis min;
  Millis max;
};

// "5s", "500ms", "1m", "2.5" (seconds) or a bare number of seconds, within `span`.
Result<std::optional<Millis>> duration(const TomlReader& reader, std::string_view name, Span span) {
  const toml::node* node = reader.get(name);
  if (node == nullptr) {
    return std::nullopt;
  }
  std::string key = reader.located(*node, reader.key_path(name));
  double seconds = 0;
  if (node->is_number()) {
    seconds = node->value<double>().value();
  } else if (node->is_string()) {
    std::optional<double> parsed = parse_seconds(node->as_string()->get());
    if (!parsed) {
      return config_error(
          key, toml_shown(*node) + " is not a duration (expected " + std::string(k_duration_example) + ")");
    }
    seconds = *parsed;
  } else {
    return reader.wrong_type(*node, reader.key_path(name), k_duration_example);
  }
  auto shown_ms = [](Millis ms) {
    return ms.count() % 1000 == 0 ? std::to_string(ms.count() / 1000) + "s"
                                  : std::to_string(ms.count()) + "ms";
  };
  double ms = seconds * 1000.0;
  if (!std::isfinite(ms) || ms < static_cast<double>(span.min.count()) ||
      ms > static_cast<double>(span.max.count()) ||
      (span.min.count() > 0 && std::llround(ms) < span.min.count())) {
    return config_error(key, toml_shown(*node) + " is out of range (expected " +
                                 (span.min.count() == 0 ? std::string("0") : shown_ms(span.min)) + " to " +
                                 shown_ms(span.max) + ", e.g. \"5s\")");
  }
  return Millis(std::llround(ms));
}

// "host:port" or "[v6]:port" with a port of 1-65535.
Result<std::string> check_listen_address(std::string_view text, std::string_view key) {
  size_t colon = text.rfind(':');
  std::string_view host = colon == std::string_view::npos ? "" : text.substr(0, colon);
  std::string_view port = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  int number = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  bool host_ok = !host.empty() && (bracketed || host.find(':') == std::string_view::npos) &&
                 std::ranges::none_of(host, [](char c) { return c == ' ' || c == '/'; });
  if (!host_ok || port.empty() || ec != std::errc() || end != port.data() + port.size() || number < 1 ||
      number > 65535) {
    return config_error(key, in_quotes(text) +
                                 " is not a listen address (expected HOST:PORT, e.g. \"127.0.0.1:9464\"; a "
                                 "host other than loopback exposes the metrics to the network)");
  }
  return std::string(text);
}

Result<std::string> check_absolute_path(std::string_view text, std::string_view key, std::string_view what) {
  if (text.empty() || text.front() != '/') {
    return config_error(key, in_quotes(text) + " is not an absolute path (give the full path of " +
                                 std::string(what) + ", starting with '/')");
  }
  return std::string(text);
}

Result<std::string> check_socket_path(std::string_view text, std::string_view key) {
  auto path = check_absolute_path(text, key, "the socket, e.g. \"/run/cloudvip/control.sock\"");
  if (path && path->size() > k_max_socket_path) {
    return config_error(key, in_quotes(text) + " is " + std::to_string(text.size()) +
                                 " characters long; a unix socket path has at most 107 (choose a shorter "
                                 "path, e.g. under /run/cloudvip)");
  }
  return path;
}

// An http:// or https:// URL with a host. `base` refuses a path (a path is appended to it).
Result<std::string> check_http_url(std::string_view text, std::string_view key, bool base,
                                   std::string_view example) {
  std::string_view rest = text;
  if (starts_with(rest, "http://")) {
    rest.remove_prefix(7);
  } else if (starts_with(rest, "https://")) {
    rest.remove_prefix(8);
  } else {
    return config_error(
        key, in_quotes(text) + " is not an http:// or https:// URL (e.g. \"" + std::string(example) + "\")");
  }
  size_t slash = rest.find('/');
  std::string_view host = rest.substr(0, slash);
  if (host.empty() || host.front() == ':') {
    return config_error(key, in_quotes(text) + " has no host (e.g. \"" + std::string(example) + "\")");
  }
  if (base && slash != std::string_view::npos && slash + 1 < rest.size()) {
    return config_error(key, in_quotes(text) + " has a path; give the base URL only (e.g. \"" +
                                 std::string(example) + "\"), the path is added by cloudvip");
  }
  std::string url(text);
  if (base && url.ends_with('/')) {
    url.pop_back();
  }
  return url;
}

struct SourceName {
  std::string_view name;
  LeaderSourceKind kind;
};
constexpr std::array<SourceName, 5> k_sources = {{{"patroni", LeaderSourceKind::patroni},
                                                  {"etcd", LeaderSourceKind::etcd},
                                                  {"iris", LeaderSourceKind::iris},
                                                  {"command", LeaderSourceKind::command},
                                                  {"trigger", LeaderSourceKind::trigger}}};

// Which sources a key belongs to; keys absent from this list (source, hold_down) belong to every source.
struct KeyOwners {
  std::string_view key;
  std::vector<LeaderSourceKind> sources;
  std::string_view said;  // "patroni or iris"
};

const std::vector<KeyOwners>& key_owners() {
  using K = LeaderSourceKind;
  static const std::vector<KeyOwners> owners = {
      {"url", {K::patroni, K::iris}, "patroni or iris"},
      {"command", {K::command}, "command"},
      {"timeout", {K::patroni, K::iris, K::command, K::etcd}, "patroni, iris, command or etcd"},
      {"poll_interval", {K::patroni, K::iris, K::command, K::etcd}, "patroni, iris, command or etcd"},
      {"endpoints", {K::etcd}, "etcd"},
      {"key", {K::etcd}, "etcd"},
      {"member", {K::etcd}, "etcd"},
      {"username", {K::etcd}, "etcd"},
      {"password_file", {K::etcd}, "etcd"},
      {"ca_file", {K::etcd}, "etcd"},
      {"cert_file", {K::etcd}, "etcd"},
      {"key_file", {K::etcd}, "etcd"},
  };
  return owners;
}

std::string hostname() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) {
    return "";
  }
  return name;
}

}  // namespace

Result<DaemonSettings> parse_daemon_table(const TomlReader& root, const toml::node& node) {
  DaemonSettings settings;
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return root.wrong_type(node, "daemon", "the table [daemon]");
  }
  TomlReader reader = root.nested(*table, "daemon");
  if (auto known = reader.only_keys(k_daemon_keys, "[daemon]"); !known) {
    return fail(known.error());
  }
  auto metrics = checked_text(reader, "metrics", check_listen_address);
  if (!metrics) {
    return fail(metrics.error());
  }
  settings.metrics = *metrics;
  auto socket = checked_text(reader, "control_socket", check_socket_path);
  if (!socket) {
    return fail(socket.error());
  }
  settings.control_socket = socket->value_or(settings.control_socket);
  auto interval = duration(reader, "interval", {Millis(100), Millis(3'600'000)});
  if (!interval) {
    return fail(interval.error());
  }
  settings.interval = interval->value_or(settings.interval);
  auto failover = duration(reader, "failover_timeout", {Millis(100), k_max_timeout});
  if (!failover) {
    return fail(failover.error());
  }
  settings.failover_timeout = failover->value_or(settings.failover_timeout);
  return settings;
}

Result<std::optional<LeaderSettings>> parse_leader_table(const TomlReader& vip) {
  auto table = vip.optional_table("leader", "the table [vip.leader], after its [[vip]]");
  if (!table) {
    return fail(table.error());
  }
  if (*table == nullptr) {
    return std::nullopt;
  }
  TomlReader reader = vip.nested(**table, "leader");
  if (auto known = reader.only_keys(k_leader_keys, "[vip.leader]",
                                    "a password goes in a file of its own, named by password_file");
      !known) {
    return fail(known.error());
  }
  LeaderSettings settings;
  auto source = reader.optional_string("source", "a string in double quotes");
  if (!source) {
    return fail(source.error());
  }
  if (!*source) {
    return reader.table_problem(
        "no source (add source = \"patroni\", \"etcd\", \"iris\", \"command\" or \"trigger\": where "
        "this member learns whether it is the primary)");
  }
  auto found = std::ranges::find(k_sources, **source, &SourceName::name);
  if (found == k_sources.end()) {
    return reader.problem("source", in_quotes(**source) +
                                        " is not a leader source (expected \"patroni\", \"etcd\", \"iris\", "
                                        "\"command\" or \"trigger\")");
  }
  settings.source = found->kind;
  for (const KeyOwners& owners : key_owners()) {
    if (reader.has(owners.key) &&
        std::ranges::find(owners.sources, settings.source) == owners.sources.end()) {
      return reader.problem(owners.key, "is for source " + std::string(owners.said) + ", not " +
                                            std::string(found->name) + " (remove it, or change source)");
    }
  }

  auto hold_down = duration(reader, "hold_down", {Millis(0), k_max_timeout});
  if (!hold_down) {
    return fail(hold_down.error());
  }
  settings.hold_down = hold_down->value_or(settings.hold_down);
  auto timeout = duration(reader, "timeout", {Millis(10), Millis(60'000)});
  if (!timeout) {
    return fail(timeout.error());
  }
  settings.timeout = timeout->value_or(settings.timeout);
  auto poll = duration(reader, "poll_interval", {Millis(100), Millis(3'600'000)});
  if (!poll) {
    return fail(poll.error());
  }
  settings.poll_interval = *poll;

  auto needs = [&](std::string_view key, std::string_view example) {
    return reader.table_problem("source = " + in_quotes(found->name) + " needs " + std::string(key) +
                                " (add " + std::string(key) + " = " + std::string(example) + ")");
  };
  switch (settings.source) {
    case LeaderSourceKind::patroni:
    case LeaderSourceKind::iris: {
      bool patroni = settings.source == LeaderSourceKind::patroni;
      std::string_view example =
          patroni ? "http://127.0.0.1:8008" : "http://127.0.0.1:52773/csp/user/mirror_status.cxw";
      auto url = checked_text(reader, "url", [&](std::string_view text, std::string_view key) {
        return check_http_url(text, key, patroni, example);
      });
      if (!url) {
        return fail(url.error());
      }
      if (!*url) {
        return needs("url", patroni ? "\"http://127.0.0.1:8008\", this member's own Patroni REST API"
                                    : "\"http://127.0.0.1:52773/csp/user/mirror_status.cxw\", this member's "
                                      "mirror status page");
      }
      settings.url = **url;
      break;
    }
    case LeaderSourceKind::command: {
      auto argv = reader.optional_strings("command", "a list like [\"/usr/local/bin/am-i-primary\"]");
      if (!argv) {
        return fail(argv.error());
      }
      if (!*argv) {
        return needs("command",
                     "[\"/usr/local/bin/am-i-primary\"], run without a shell: exit 0 primary, 3 "
                     "standby");
      }
      if ((*argv)->empty()) {
        return reader.problem("command",
                              "[] is empty (give the program and its arguments, e.g. "
                              "[\"/usr/local/bin/am-i-primary\", \"--vip\", \"iris\"])");
      }
      const std::string& program = (*argv)->front();
      if (program.empty() || program.front() != '/') {
        return config_error(
            reader.located(*reader.get("command")->as_array()->get(0), reader.key_path("command[0]")),
            in_quotes(program) +
                " is not an absolute path (the command runs without a shell and without a "
                "PATH search: give the program's full path, e.g. /usr/local/bin/am-i-primary)");
      }
      settings.command = std::move(**argv);
      break;
    }
    case LeaderSourceKind::etcd: {
      auto endpoints = reader.optional_strings("endpoints", "a list like [\"http://127.0.0.1:2379\"]");
      if (!endpoints) {
        return fail(endpoints.error());
      }
      if (!*endpoints || (*endpoints)->empty()) {
        return needs("endpoints", "[\"http://127.0.0.1:2379\"], etcd's client URLs");
      }
      const toml::array& list = *reader.get("endpoints")->as_array();
      for (size_t i = 0; i < (*endpoints)->size(); ++i) {
        std::string item = reader.key_path("endpoints") + "[" + std::to_string(i) + "]";
        auto url = check_http_url((**endpoints)[i], reader.located(*list.get(i), item), true,
                                  "http://127.0.0.1:2379");
        if (!url) {
          return fail(url.error());
        }
        settings.endpoints.push_back(*url);
      }
      auto key = reader.optional_string("key", "a string in double quotes");
      if (!key) {
        return fail(key.error());
      }
      if (!*key || (*key)->empty()) {
        return needs("key", "\"/service/<scope>/leader\", the key Patroni writes the leader's name to");
      }
      settings.key = **key;
      struct Text {
        std::string_view name;
        std::string* out;
        bool path;
      };
      for (const Text& text :
           {Text{"member", &settings.member, false}, Text{"username", &settings.username, false},
            Text{"password_file", &settings.password_file, true}, Text{"ca_file", &settings.ca_file, true},
            Text{"cert_file", &settings.cert_file, true}, Text{"key_file", &settings.key_file, true}}) {
        auto value = checked_text(
            reader, text.name, [&](std::string_view v, std::string_view k) -> Result<std::string> {
              if (text.path) {
                return check_absolute_path(v, k, "the file");
              }
              if (trim(v).empty()) {
                return config_error(k, in_quotes(v) + " is empty (give a name, or leave the key out)");
              }
              return std::string(v);
            });
        if (!value) {
          return fail(value.error());
        }
        *text.out = value->value_or("");
      }
      if (settings.member.empty()) {
        settings.member = hostname();
      }
      if (settings.username.empty() != settings.password_file.empty()) {
        return reader.problem(settings.username.empty() ? "password_file" : "username",
                              "username and password_file go together (give both for etcd's user/password "
                              "authentication, or neither)");
      }
      if (settings.cert_file.empty() != settings.key_file.empty()) {
        return reader.problem(
            settings.cert_file.empty() ? "key_file" : "cert_file",
            "cert_file and key_file go together (give both for a TLS client certificate, or "
            "neither)");
      }
      bool tls = !settings.ca_file.empty() || !settings.cert_file.empty();
      for (size_t i = 0; i < settings.endpoints.size(); ++i) {
        if (tls && starts_with(settings.endpoints[i], "http://")) {
          std::string item = reader.key_path("endpoints") + "[" + std::to_string(i) + "]";
          return config_error(
              reader.located(*list.get(i), item),
              in_quotes(settings.endpoints[i]) +
                  " is plain http, but ca_file or cert_file is set (use https:// endpoints, or "
                  "remove the TLS files)");
        }
      }
      break;
    }
    case LeaderSourceKind::trigger:
      break;
  }
  return settings;
}

}  // namespace cloudvip
