// IMDS JSON documents (the instance identity document and role credentials) through the real Imds client,
// answered by a FakeTransport: the token PUT succeeds, every GET returns the input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/imds.h"
#include "testing/fake_transport.h"

using namespace cloudvip;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  testing::FakeTransport transport([&body](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.method == "PUT") {
      return testing::FakeTransport::response(200, "token");
    }
    return testing::FakeTransport::response(200, body);
  });
  FakeClock clock;
  Imds imds(transport, clock, ImdsOptions{.endpoint = "http://127.0.0.1:1", .attempts = 1});
  (void)imds.identity_document();
  (void)imds.role_credentials("role");
  (void)imds.region();
  (void)imds.macs();
  (void)imds.device_number("0e:00:00:00:00:01");
  return 0;
}
