// The AWS shared config / credentials files (INI).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aws/shared_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  cloudvip::Result<cloudvip::IniFile> ini = cloudvip::parse_ini(text, "fuzz/config");
  if (!ini) {
    (void)ini.error().to_string();
  }
  return 0;
}
