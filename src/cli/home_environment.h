// The process environment with HOME filled in from the password database when it is unset, as the AWS CLI
// (expanduser) and the SDKs do. A systemd unit without User= runs with no HOME; without this the credentials
// chain could not even look for ~/.aws and would stop there instead of moving on to the instance role.
#pragma once

#include <optional>
#include <string>

#include "common/env.h"

namespace cloudvip::cli {

class HomeEnvironment final : public Environment {
 public:
  // `home` is what HOME reads as when `inner` has no HOME (nullopt: unset after all).
  HomeEnvironment(const Environment& inner, std::optional<std::string> home)
      : m_inner(inner), m_home(std::move(home)) {}

  std::optional<std::string> get(std::string_view name) const override {
    std::optional<std::string> value = m_inner.get(name);
    if (name == "HOME" && (!value || value->empty())) {
      return m_home;
    }
    return value;
  }

 private:
  const Environment& m_inner;
  std::optional<std::string> m_home;
};

// The home directory of the user running this process, from the password database.
std::optional<std::string> home_from_passwd();

}  // namespace cloudvip::cli
