#include "sim/params.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "common/strings.h"
#include "sim/ids.h"

namespace cloudvip::sim {

std::optional<std::string> Params::get(std::string_view key) const {
  for (const auto& [k, v] : m_entries) {
    if (k == key) {
      return v;
    }
  }
  return std::nullopt;
}

std::vector<std::string> Params::list(std::string_view prefix) const {
  std::map<long, std::string> by_index;
  for (const auto& [k, v] : m_entries) {
    if (k.size() <= prefix.size() + 1 || k.compare(0, prefix.size(), prefix) != 0 ||
        k[prefix.size()] != '.') {
      continue;
    }
    std::string_view index_text = std::string_view(k).substr(prefix.size() + 1);
    long index = 0;
    auto [end, ec] = std::from_chars(index_text.data(), index_text.data() + index_text.size(), index);
    if (ec == std::errc() && end == index_text.data() + index_text.size() && index > 0) {
      by_index.emplace(index, v);
    }
  }
  std::vector<std::string> out;
  for (auto& [index, value] : by_index) {
    out.push_back(std::move(value));
  }
  return out;
}

std::expected<std::string, ApiError> Params::required(std::string_view key) const {
  auto value = get(key);
  if (!value || value->empty()) {
    return std::unexpected(errors::missing_parameter(key));
  }
  return *value;
}

std::expected<bool, ApiError> Params::boolean(std::string_view key, bool fallback) const {
  auto value = get(key);
  if (!value) {
    return fallback;
  }
  if (iequals(*value, "true")) {
    return true;
  }
  if (iequals(*value, "false")) {
    return false;
  }
  return std::unexpected(errors::invalid_parameter_value("Value (" + *value + ") for parameter " +
                                                         std::string(key) +
                                                         " is invalid. Expected: 'true' or 'false'."));
}

std::expected<std::optional<long>, ApiError> Params::integer(std::string_view key) const {
  auto value = get(key);
  if (!value) {
    return std::optional<long>();
  }
  long number = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), number);
  if (ec != std::errc() || end != value->data() + value->size()) {
    return std::unexpected(errors::invalid_parameter_value(
        "Value (" + *value + ") for parameter " + std::string(key) + " is invalid. Expected an integer."));
  }
  return std::optional<long>(number);
}

std::expected<void, ApiError> check_id(std::string_view kind, std::string_view id) {
  if (!is_resource_id(id, kind)) {
    return std::unexpected(errors::malformed_id(kind, id));
  }
  return {};
}

}  // namespace cloudvip::sim
