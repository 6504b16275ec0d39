// Small string helpers used across the code base.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cloudvip {

std::string_view trim(std::string_view s);
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool starts_with(std::string_view s, std::string_view prefix);
// Splits on every `sep`; keeps empty fields.
std::vector<std::string> split(std::string_view s, char sep);
std::string hex_encode(std::string_view bytes);

}  // namespace cloudvip
