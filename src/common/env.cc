#include "common/env.h"

#include <cstdlib>

#include "common/strings.h"

namespace cloudvip {

std::optional<std::string> Environment::get_nonempty(std::string_view name) const {
  auto value = get(name);
  if (!value || value->empty()) {
    return std::nullopt;
  }
  return value;
}

bool Environment::is_true(std::string_view name) const {
  auto value = get(name);
  return value && to_lower(trim(*value)) == "true";
}

std::optional<std::string> RealEnvironment::get(std::string_view name) const {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

std::optional<std::string> MapEnvironment::get(std::string_view name) const {
  auto it = m_values.find(name);
  if (it == m_values.end()) {
    return std::nullopt;
  }
  return it->second;
}

}  // namespace cloudvip
