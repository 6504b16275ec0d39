// The SigV4 Authorization header parser the simulator's verifier uses.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aws/sigv4.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = cloudvip::sigv4::parse_authorization(text);
  if (!parsed) {
    (void)parsed.error().to_string();
  }
  (void)cloudvip::sigv4::parse_amz_date(text);
  return 0;
}
