// The decoded parameters of one EC2 Query API request (the form body, or the query string), in the
// order they came, and typed access to them with the errors EC2 answers for bad values.
#pragma once

#include <expected>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/api_error.h"

namespace cloudvip::sim {

class Params {
 public:
  Params() = default;
  Params(std::initializer_list<std::pair<std::string, std::string>> entries) : m_entries(entries) {}
  explicit Params(std::vector<std::pair<std::string, std::string>> entries) : m_entries(std::move(entries)) {}

  void add(std::string key, std::string value) { m_entries.emplace_back(std::move(key), std::move(value)); }
  // The first value given for `key`.
  std::optional<std::string> get(std::string_view key) const;
  bool has(std::string_view key) const { return get(key).has_value(); }
  // The values of "<prefix>.1", "<prefix>.2", ... ordered by index (gaps allowed).
  std::vector<std::string> list(std::string_view prefix) const;
  const std::vector<std::pair<std::string, std::string>>& entries() const { return m_entries; }

  // `key` must be present and non-empty, else MissingParameter naming it.
  std::expected<std::string, ApiError> required(std::string_view key) const;
  // "true"/"false" (any case); InvalidParameterValue otherwise. `fallback` when absent.
  std::expected<bool, ApiError> boolean(std::string_view key, bool fallback) const;
  // A decimal integer; InvalidParameterValue otherwise.
  std::expected<std::optional<long>, ApiError> integer(std::string_view key) const;

 private:
  std::vector<std::pair<std::string, std::string>> m_entries;
};

// Checks an id's shape for the resource kind ("rtb", "eni", "i", ...): the Malformed error otherwise.
std::expected<void, ApiError> check_id(std::string_view kind, std::string_view id);

}  // namespace cloudvip::sim
