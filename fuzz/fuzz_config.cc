// The config file reader (TOML): any text either loads or is one Error; never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vip/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  cloudvip::Result<cloudvip::Config> config = cloudvip::parse_config(text, "fuzz.toml");
  if (config) {
    for (const auto& name : {std::optional<std::string>{}, std::optional<std::string>{"a"}}) {
      (void)cloudvip::select_vips(*config, name);
    }
  } else {
    (void)config.error().to_string();
  }
  return 0;
}
