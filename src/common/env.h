// The process environment, injected. Abstract so tests can set AWS_* variables without touching the real
// environment (which is shared by every test in the binary). RealEnvironment reads getenv(); MapEnvironment
// is for tests.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cloudvip {

class Environment {
 public:
  virtual ~Environment() = default;
  // The variable's value, or nullopt when it is unset. An empty value is returned as an empty string.
  virtual std::optional<std::string> get(std::string_view name) const = 0;
  // The value when set and not empty.
  std::optional<std::string> get_nonempty(std::string_view name) const;
  // True when the variable is set to "true" in any letter case.
  bool is_true(std::string_view name) const;
};

class RealEnvironment : public Environment {
 public:
  std::optional<std::string> get(std::string_view name) const override;
};

class MapEnvironment : public Environment {
 public:
  MapEnvironment() = default;
  MapEnvironment(std::initializer_list<std::pair<const std::string, std::string>> values)
      : m_values(values) {}
  std::optional<std::string> get(std::string_view name) const override;
  void set(std::string name, std::string value) { m_values[std::move(name)] = std::move(value); }
  void unset(const std::string& name) { m_values.erase(name); }

 private:
  std::map<std::string, std::string, std::less<>> m_values;
};

}  // namespace cloudvip
