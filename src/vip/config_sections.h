// Internal to the config loader (config_parse.cc, config_daemon.cc): reading the file's tables with the
// strict TomlReader, and the [daemon] and [vip.leader] tables of `cloudvip run`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/toml_reader.h"
#include "daemon/daemon_settings.h"
#include "leader/leader_settings.h"

namespace cloudvip {

// The string at `name` passed through `check(text, located_key)`; nullopt when the key is absent.
template <class Check>
auto checked_text(const TomlReader& reader, std::string_view name, Check check) -> Result<
    std::optional<typename std::invoke_result_t<Check, std::string_view, std::string>::value_type>> {
  auto text = reader.optional_string(name, "a string in double quotes");
  if (!text) {
    return fail(text.error());
  }
  if (!*text) {
    return std::nullopt;
  }
  auto checked = check(**text, reader.located(*reader.get(name), reader.key_path(name)));
  if (!checked) {
    return fail(checked.error());
  }
  return std::move(*checked);
}

// [daemon]; `node` is the value of the top-level key "daemon".
Result<DaemonSettings> parse_daemon_table(const TomlReader& root, const toml::node& node);
// [vip.leader] of the VIP read by `vip`; nullopt when the VIP has none.
Result<std::optional<LeaderSettings>> parse_leader_table(const TomlReader& vip);

}  // namespace cloudvip
