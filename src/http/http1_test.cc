#include "http/http1.h"

#include <gtest/gtest.h>

#include <string>

namespace cloudvip {
namespace {

constexpr size_t k_limit = 1 << 20;

// Feeds `wire` in pieces of `step` bytes (the way a socket may deliver it); returns the parser.
Http1ResponseParser parse(const std::string& wire, size_t step, bool head = false, size_t limit = k_limit) {
  Http1ResponseParser parser(head, limit);
  for (size_t i = 0; i < wire.size(); i += step) {
    Result<bool> done = parser.feed(std::string_view(wire).substr(i, step));
    EXPECT_TRUE(done.has_value()) << done.error().to_string();
    if (!done || *done) {
      break;
    }
  }
  return parser;
}

TEST(Http1ResponseParserTest, ContentLengthBodyInAnyPieces) {
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello";
  for (size_t step : {1u, 3u, 7u, 1000u}) {
    Http1ResponseParser parser = parse(wire, step);
    ASSERT_TRUE(parser.complete()) << "step " << step;
    EXPECT_TRUE(parser.keep_alive());
    HttpResponse response = parser.take();
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "hello");
    EXPECT_EQ(response.headers.get("x-a"), "1");
  }
}

TEST(Http1ResponseParserTest, ChunkedBodyWithExtensionsAndTrailers) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n";
  for (size_t step : {1u, 5u, 1000u}) {
    Http1ResponseParser parser = parse(wire, step);
    ASSERT_TRUE(parser.complete()) << "step " << step;
    EXPECT_EQ(parser.take().body, "Wikipedia");
  }
}

TEST(Http1ResponseParserTest, BodyToTheEndOfTheConnection) {
  Http1ResponseParser parser = parse("HTTP/1.1 200 OK\r\n\r\nall of it", 4);
  EXPECT_FALSE(parser.complete());
  ASSERT_TRUE(parser.finish_at_eof().has_value());
  EXPECT_TRUE(parser.complete());
  EXPECT_FALSE(parser.keep_alive());
  EXPECT_EQ(parser.take().body, "all of it");
}

TEST(Http1ResponseParserTest, NoBodyForHeadAnd204And304) {
  Http1ResponseParser head = parse("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", 1000, /*head=*/true);
  EXPECT_TRUE(head.complete());
  EXPECT_EQ(head.take().headers.get("Content-Length"), "99");
  EXPECT_TRUE(parse("HTTP/1.1 204 No Content\r\n\r\n", 1000).complete());
  EXPECT_TRUE(parse("HTTP/1.1 304 Not Modified\r\n\r\n", 1000).complete());
}

TEST(Http1ResponseParserTest, SkipsInterimAnswersAndUnfoldsHeaders) {
  Http1ResponseParser parser = parse(
      "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\nHTTP/1.1 201 Created\r\nX-F: a\r\n\tb\r\n"
      "Content-Length: 0\r\n\r\n",
      2);
  ASSERT_TRUE(parser.complete());
  HttpResponse response = parser.take();
  EXPECT_EQ(response.status, 201);
  EXPECT_FALSE(response.headers.has("X-Interim"));
  EXPECT_EQ(response.headers.get("X-F"), "a b");
}

TEST(Http1ResponseParserTest, ConnectionReuseRules) {
  EXPECT_FALSE(parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 1000).keep_alive());
  EXPECT_FALSE(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 1000).keep_alive());
  EXPECT_TRUE(
      parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", 1000).keep_alive());
  EXPECT_TRUE(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1000).keep_alive());
}

TEST(Http1ResponseParserTest, MalformedAnswersAreNetworkErrors) {
  for (const char* wire : {"SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n",
                           "HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n",
                           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}) {
    Http1ResponseParser parser(false, k_limit);
    Result<bool> done = parser.feed(wire);
    ASSERT_FALSE(done.has_value()) << wire;
    EXPECT_EQ(done.error().code, ErrorCode::network) << wire;
  }
}

TEST(Http1ResponseParserTest, BodyAboveTheLimitIsHttpError) {
  for (const char* wire :
       {"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n0123456789A",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nB\r\n0123456789A\r\n0\r\n\r\n"}) {
    Http1ResponseParser parser(false, 10);
    Result<bool> done = parser.feed(wire);
    ASSERT_FALSE(done.has_value()) << wire;
    EXPECT_EQ(done.error().code, ErrorCode::http) << wire;
  }
}

TEST(Http1ResponseParserTest, ConnectionClosedEarlyIsNetworkError) {
  Http1ResponseParser parser = parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 1000);
  Result<void> ended = parser.finish_at_eof();
  ASSERT_FALSE(ended.has_value());
  EXPECT_EQ(ended.error().code, ErrorCode::network);
}

TEST(Http1RequestTest, FormatsWhatCurlTransportSends) {
  HttpRequest request;
  request.method = "POST";
  request.url = "http://127.0.0.1:8080/path?a=1";
  request.body = "Action=X";
  request.headers.add("Content-Type", "application/x-www-form-urlencoded");
  request.headers.add("X-Empty", "");
  request.headers.add("Expect", "100-continue");
  Result<Url> url = parse_url(request.url);
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(format_request(request, *url),
            "POST /path?a=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nX-Empty:\r\n"
            "User-Agent: cloudvip/" CLOUDVIP_VERSION "\r\nAccept: */*\r\nContent-Length: 8\r\n\r\nAction=X");
  request.method = "GET";
  request.body.clear();
  request.headers = HttpHeaders{};
  EXPECT_EQ(format_request(request, *url),
            "GET /path?a=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: cloudvip/" CLOUDVIP_VERSION
            "\r\nAccept: */*\r\n\r\n");
}

TEST(Http1RequestTest, ValidationRefusesWhatCannotBeSent) {
  HttpRequest request;
  request.url = "http://127.0.0.1/x?secret=1";
  EXPECT_TRUE(validate_request(request).has_value());
  request.method = "GET X";
  EXPECT_EQ(validate_request(request).error().code, ErrorCode::invalid_argument);
  request.method = "GET";
  request.headers.add("X-Evil", "a\r\nX-Injected: 1");
  Result<void> refused = validate_request(request);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(refused.error().message.find("secret"), std::string::npos);
  request.headers = HttpHeaders{};
  request.timeout = Millis{0};
  EXPECT_EQ(validate_request(request).error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace cloudvip
