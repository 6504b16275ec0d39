#include "leader/source.h"

namespace cloudvip {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::primary:
      return "primary";
    case Role::standby:
      return "standby";
    case Role::unknown:
      break;
  }
  return "unknown";
}

}  // namespace cloudvip
