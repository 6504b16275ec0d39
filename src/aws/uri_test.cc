#include "aws/uri.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

TEST(UriEncode, KeepsTheUnreservedSet) {
  const std::string unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  EXPECT_EQ(uri_encode(unreserved), unreserved);
}

TEST(UriEncode, EncodesReservedCharactersWithUpperCaseHex) {
  EXPECT_EQ(uri_encode("a b+c=d&e/f:g*h%"), "a%20b%2Bc%3Dd%26e%2Ff%3Ag%2Ah%25");
  EXPECT_EQ(uri_encode("\x1f\x7f\xff"), "%1F%7F%FF");
}

TEST(UriEncode, EncodesEachUtf8Byte) {
  EXPECT_EQ(uri_encode("\xe1\x88\xb4"), "%E1%88%B4");  // U+1234
}

TEST(UriEncode, KeepsSlashOnlyWhenAskedTo) {
  EXPECT_EQ(uri_encode("/a b/c", false), "/a%20b/c");
  EXPECT_EQ(uri_encode("/a b/c", true), "%2Fa%20b%2Fc");
}

TEST(UriDecode, DecodesPercentSequencesInEitherCase) {
  EXPECT_EQ(uri_decode("%E1%88%b4%20x"), "\xe1\x88\xb4 x");
}

TEST(UriDecode, KeepsMalformedPercentSequences) {
  EXPECT_EQ(uri_decode("100%"), "100%");
  EXPECT_EQ(uri_decode("%zz%4"), "%zz%4");
}

TEST(UriDecode, TreatsPlusAsSpaceOnlyForForms) {
  EXPECT_EQ(uri_decode("a+b"), "a+b");
  EXPECT_EQ(uri_decode("a+b", true), "a b");
}

TEST(ParseQuery, SplitsAndDecodesPairsInOrder) {
  auto pairs = parse_query("b=2&a=%41&&flag&empty=");
  ASSERT_EQ(pairs.size(), 4u);
  EXPECT_EQ(pairs[0], (std::pair<std::string, std::string>{"b", "2"}));
  EXPECT_EQ(pairs[1], (std::pair<std::string, std::string>{"a", "A"}));
  EXPECT_EQ(pairs[2], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(pairs[3], (std::pair<std::string, std::string>{"empty", ""}));
  EXPECT_TRUE(parse_query("").empty());
}

TEST(ParseUrl, SplitsAnHttpsUrl) {
  auto url = parse_url("https://ec2.us-east-1.amazonaws.com/path/x?Action=DescribeRouteTables&V=1#frag");
  ASSERT_TRUE(url.has_value()) << url.error().to_string();
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "ec2.us-east-1.amazonaws.com");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->path, "/path/x");
  EXPECT_EQ(url->query, "Action=DescribeRouteTables&V=1");
  EXPECT_EQ(url->host_header(), "ec2.us-east-1.amazonaws.com");
}

TEST(ParseUrl, DefaultsPathToSlashAndKeepsItVerbatim) {
  EXPECT_EQ(parse_url("http://example.com")->path, "/");
  EXPECT_EQ(parse_url("http://example.com?a=b")->path, "/");
  EXPECT_EQ(parse_url("http://example.com?a=b")->query, "a=b");
  EXPECT_EQ(parse_url("http://example.com//a/../b%20c")->path, "//a/../b%20c");
}

TEST(ParseUrl, HostHeaderCarriesOnlyANonDefaultPort) {
  EXPECT_EQ(parse_url("http://127.0.0.1:8080/")->host_header(), "127.0.0.1:8080");
  EXPECT_EQ(parse_url("http://example.com:80/")->host_header(), "example.com");
  EXPECT_EQ(parse_url("https://example.com:443/")->host_header(), "example.com");
  EXPECT_EQ(parse_url("https://example.com:80/")->host_header(), "example.com:80");
}

TEST(ParseUrl, KeepsIpv6Brackets) {
  auto url = parse_url("http://[fd00:ec2::254]/latest/api/token");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "[fd00:ec2::254]");
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(parse_url("http://[::1]:9000/")->host_header(), "[::1]:9000");
}

TEST(ParseUrl, RejectsMalformedUrlsNamingThem) {
  for (const char* bad : {"example.com/", "ftp://example.com/", "https:///path", "https://:443/",
                          "https://host:0/", "https://host:99999/", "https://host:8x/", "https://host:/",
                          "https://user:pw@host/", "http://[::1/", "http://[::1]x/"}) {
    auto url = parse_url(bad);
    ASSERT_FALSE(url.has_value()) << bad;
    EXPECT_EQ(url.error().code, ErrorCode::invalid_argument) << bad;
    EXPECT_NE(url.error().message.find(bad), std::string::npos) << url.error().message;
  }
}

}  // namespace
}  // namespace cloudvip
