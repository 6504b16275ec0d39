#include "cli/home_environment.h"

#include <pwd.h>
#include <unistd.h>

#include <vector>

namespace cloudvip::cli {

std::optional<std::string> home_from_passwd() {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr ||
      found->pw_dir == nullptr || *found->pw_dir == '\0') {
    return std::nullopt;
  }
  return std::string(found->pw_dir);
}

}  // namespace cloudvip::cli
