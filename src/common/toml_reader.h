// Strict reading of one TOML table, shared by the configuration loader (src/vip/config*) and the simulator's
// scenario loader (sim/scenario*): typed getters that refuse a value of the wrong type, a refusal of every
// key the caller did not declare, and errors that say where ("cloudvip.toml:7: vip[0].route_tables[1]: ...").
//
// Every error is Error{ErrorCode::config} with the message "SOURCE:LINE: PATH: PROBLEM", where LINE is that
// of the offending value (of the table when the key is absent) and PATH the key as a person would write it
// from the top of the file. Values of keys that may hold a secret never appear in a message.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace cloudvip {

// The value as a person would recognise it from the file: strings in single quotes, the rest as TOML
// (at most 60 characters).
std::string toml_shown(const toml::node& node);
// Keys that may carry a secret (password, token, secret, access_key, session): their values are never shown.
bool toml_key_looks_secret(std::string_view key);
// The known name closest to `unknown` (a typo of one or two letters), if any.
std::optional<std::string_view> closest_name(std::string_view unknown,
                                             std::span<const std::string_view> known);
// "a, b and c".
std::string join_names(std::span<const std::string_view> names);

class TomlReader {
 public:
  // `source` names the file in messages; `path` is the table's own key path ("vip[0].leader", "" for the
  // document root). `table` must outlive the reader.
  TomlReader(std::string_view source, const toml::table& table, std::string path);

  // A reader of `table`, the value of this table's `key`, with the same source: path "PATH.KEY".
  TomlReader nested(const toml::table& table, std::string_view key) const {
    return TomlReader(m_source, table, key_path(key));
  }

  const std::string& source() const { return m_source; }
  const toml::table& table() const { return m_table; }
  const std::string& path() const { return m_path; }
  // "vip[0].leader.url"
  std::string key_path(std::string_view key) const;
  // "SOURCE:LINE: PATH" at `node`'s line.
  std::string located(const toml::node& node, std::string_view path) const;
  const toml::node* get(std::string_view key) const { return m_table.get(key); }
  bool has(std::string_view key) const { return m_table.contains(key); }

  // "SOURCE:LINE: PATH.KEY: PROBLEM", at the key's value (at this table when absent).
  std::unexpected<Error> problem(std::string_view key, std::string_view problem) const;
  // "SOURCE:LINE: PATH: PROBLEM" about this table as a whole ("(top level)" for the root).
  std::unexpected<Error> table_problem(std::string_view problem) const;
  // "SOURCE:LINE: PATH: 'VALUE' is a string; expected EXPECTED", for a value at any depth (list elements).
  std::unexpected<Error> wrong_type(const toml::node& node, std::string_view path,
                                    std::string_view expected) const;

  // Refuses the first key not in `known`: "'x' is not a known key (did you mean 'y'? the keys of NAME are
  // a, b and c)". `secret_hint` is added when the unknown key looks like a secret.
  Result<void> only_keys(std::span<const std::string_view> known, std::string_view table_name,
                         std::string_view secret_hint = "") const;

  // Typed getters: nullopt (or empty) when the key is absent, an error naming the expected type when the
  // value has another. `expected` overrides the default wording of the expected type.
  Result<std::optional<std::string>> optional_string(std::string_view key,
                                                     std::string_view expected = "a string") const;
  // A string that must be present and not empty: "missing required key 'K' (PATH.K)" otherwise.
  Result<std::string> required_string(std::string_view key) const;
  Result<std::optional<bool>> optional_bool(std::string_view key,
                                            std::string_view expected = "a boolean (true or false)") const;
  Result<std::optional<std::int64_t>> optional_int(std::string_view key,
                                                   std::string_view expected = "an integer") const;
  // A list of strings; elements are named "PATH.KEY[i]" in errors.
  Result<std::optional<std::vector<std::string>>> optional_strings(
      std::string_view key, std::string_view expected = "an array of strings") const;
  // A table of string values (e.g. tags = { Name = "db-a" }); empty when absent.
  Result<std::vector<std::pair<std::string, std::string>>> string_table(std::string_view key) const;
  // An array of tables ([[key]]); empty when absent.
  Result<std::vector<const toml::table*>> tables(std::string_view key) const;
  // A table ([key]); nullptr when absent. `expected` defaults to "a table ([PATH.KEY])".
  Result<const toml::table*> optional_table(std::string_view key, std::string_view expected = "") const;

 private:
  std::string m_source;
  const toml::table& m_table;
  std::string m_path;
};

}  // namespace cloudvip
