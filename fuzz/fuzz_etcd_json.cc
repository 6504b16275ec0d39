// The etcd v3 JSON gateway's answers (src/leader/etcd_json.h): the input goes whole through the range,
// token and error parsers, and line by line through the watch stream parser (the gateway streams one JSON
// object per line). base64 must round-trip: what decodes re-encodes to text that decodes to the same bytes,
// and any bytes encode to text that decodes back to them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "leader/etcd_json.h"

using namespace cloudvip;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)parse_etcd_range(input);
  (void)parse_etcd_token(input);
  (void)parse_etcd_error(input);
  std::string_view rest = input;
  for (int lines = 0; !rest.empty() && lines < 64; ++lines) {
    size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    (void)parse_etcd_watch_line(line);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  if (std::optional<std::string> decoded = base64_decode(input)) {
    std::optional<std::string> again = base64_decode(base64_encode(*decoded));
    if (!again || *again != *decoded) {
      std::abort();
    }
  }
  std::optional<std::string> round_trip = base64_decode(base64_encode(input));
  if (!round_trip || *round_trip != input) {
    std::abort();
  }
  return 0;
}
