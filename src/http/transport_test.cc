#include "http/transport.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

TEST(HttpHeadersTest, CaseInsensitiveGetSetRemove) {
  HttpHeaders h;
  h.add("Content-Type", "text/xml");
  h.add("X-Amz-Date", "20150830T123600Z");
  EXPECT_EQ(h.get("content-type"), "text/xml");
  h.set("CONTENT-TYPE", "application/json");
  EXPECT_EQ(h.get("Content-Type"), "application/json");
  EXPECT_EQ(h.items().size(), 2u);
  h.remove("x-amz-date");
  EXPECT_FALSE(h.has("X-Amz-Date"));
}

class CountingTransport : public HttpTransport {
 public:
  Result<HttpResponse> send(const HttpRequest& request) override {
    if (request.url == "bad") {
      return fail(ErrorCode::network, "refused");
    }
    HttpResponse r;
    r.status = 200;
    r.body = request.url;
    return r;
  }
};

TEST(HttpTransportTest, DefaultSendAllKeepsOrderAndErrors) {
  CountingTransport t;
  std::vector<HttpRequest> reqs(3);
  reqs[0].url = "a";
  reqs[1].url = "bad";
  reqs[2].url = "c";
  auto out = t.send_all(reqs);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0]->body, "a");
  EXPECT_FALSE(out[1].has_value());
  EXPECT_EQ(out[2]->body, "c");
}

}  // namespace
}  // namespace cloudvip
