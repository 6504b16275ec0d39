// Form and query decoding: the simulator's (parse_query into Params, list and typed accessors, the pagination
// token decoder) and the client's form_decode, which must invert form_encode.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "aws/query.h"
#include "aws/uri.h"
#include "sim/ids.h"
#include "sim/params.h"

using namespace cloudvip;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  sim::Params params(parse_query(text, true));
  (void)params.list("RouteTableId");
  (void)params.list("Filter.1.Value");
  (void)params.required("Action");
  (void)params.boolean("DryRun", false);
  (void)params.integer("MaxResults");
  if (auto token = params.get("NextToken")) {
    (void)sim::base64url_decode(*token);
  }
  (void)sim::base64url_decode(text);
  (void)uri_decode(text, false);
  Result<QueryParams> decoded = form_decode(text);
  if (decoded) {
    // Round trip: what we decode, encoded and decoded again, is the same list.
    Result<QueryParams> again = form_decode(form_encode(*decoded));
    if (!again || form_encode(*again) != form_encode(*decoded)) {
      std::abort();
    }
  }
  return 0;
}
