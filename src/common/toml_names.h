// How a TOML value's type is named in error messages ("expected a string, found an integer"), shared by the
// configuration loader (src/vip) and the simulator's scenario loader (sim/).
#pragma once

#include <toml++/toml.h>

#include <string_view>

namespace cloudvip {

// "a string", "an integer", "a number", "a boolean", "an array", "a table", "a date or time", or "nothing".
std::string_view toml_type_name(toml::node_type type);

}  // namespace cloudvip
