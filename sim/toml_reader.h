// The scenario loader's view of common/toml_reader.h: the same strict reader, but a problem is thrown as a
// ScenarioProblem (the loader reads deep trees, and parse_scenario turns the first problem into a Result).
// Internal to the scenario loader.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/toml_reader.h"

namespace cloudvip::sim {

struct ScenarioProblem {
  std::string message;  // "FILE:LINE: KEY: PROBLEM"
};

class TomlReader {
 public:
  // `path` is the table's own key path ("subnet[2]", "" for the document root). Throws when the table
  // holds a key not in `known`.
  TomlReader(std::string_view source, const toml::table& table, std::string path,
             std::initializer_list<std::string_view> known);

  // "subnet[2].cidr"
  std::string key_path(std::string_view key) const { return m_reader.key_path(key); }

  std::string required_string(std::string_view key) const;
  std::optional<std::string> optional_string(std::string_view key) const;
  std::optional<bool> optional_bool(std::string_view key) const;
  std::optional<std::int64_t> optional_int(std::string_view key) const;
  std::optional<std::vector<std::string>> optional_strings(std::string_view key) const;
  // A table of string values; empty when absent.
  std::vector<std::pair<std::string, std::string>> tags(std::string_view key) const;
  // An array of tables ([[key]]); empty when absent.
  std::vector<const toml::table*> tables(std::string_view key) const;
  const toml::table* optional_table(std::string_view key) const;
  bool has(std::string_view key) const { return m_reader.has(key); }

  // Throws a ScenarioProblem about `key` (located at the key's value, else at this table).
  [[noreturn]] void fail(std::string_view key, std::string_view problem) const;
  // Throws a ScenarioProblem about this table as a whole.
  [[noreturn]] void fail_table(std::string_view problem) const;

 private:
  cloudvip::TomlReader m_reader;
};

}  // namespace cloudvip::sim
