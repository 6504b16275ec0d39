// Resource ids: the shape EC2 uses ("rtb-" followed by 8 or 17 lower-case hex digits) and deterministic
// generation of the ids the emulator invents (association, attachment and reservation ids), so a
// scenario yields the same ids on every run.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cloudvip::sim {

// True when `id` is `prefix` + "-" + 8 or 17 lower-case hex digits, e.g. is_resource_id("rtb-0a1b2c3d",
// "rtb").
bool is_resource_id(std::string_view id, std::string_view prefix);

// "<prefix>-" + 17 hex digits derived from `seed` (stable across runs and platforms).
std::string derived_id(std::string_view prefix, std::string_view seed);

// Lower-case MAC address "0a:1b:2c:3d:4e:5f".
bool is_mac_address(std::string_view mac);

// Unpadded base64url, for opaque tokens (pagination, encoded authorization failure messages).
std::string base64url_encode(std::string_view bytes);
// nullopt when `text` holds a character outside the base64url alphabet.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace cloudvip::sim
