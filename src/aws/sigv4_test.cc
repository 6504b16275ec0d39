// Runs every v4 case of the aws-c-auth signing suite (../shared/testdata/sigv4/v4), read at test time,
// through sign(), presign(), and the verifier's parse_authorization() + compute().
#include "aws/sigv4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "aws/crypto.h"
#include "common/env.h"
#include "common/strings.h"

namespace cloudvip::sigv4 {
namespace {

namespace fs = std::filesystem;

constexpr size_t k_expected_cases = 38;

// CLOUDVIP_SHARED_DIR in the environment overrides the folder CMake compiled in.
fs::path suite_dir() {
  RealEnvironment env;
  std::string shared = env.get_nonempty("CLOUDVIP_SHARED_DIR").value_or(CLOUDVIP_SHARED_DIR);
  return fs::path(shared) / "testdata" / "sigv4" / "v4";
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(suite_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory()) {
      names.push_back(it->path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return {};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A raw HTTP/1.1 request as the suite writes it: request line (the target may hold spaces), headers
// (repeated names kept in order; an indented line continues the previous value), a blank line, the body.
HttpRequest parse_raw_request(const std::string& text) {
  HttpRequest request;
  size_t head_end = text.find("\n\n");
  std::string head = text.substr(0, head_end);
  request.body = head_end == std::string::npos ? "" : text.substr(head_end + 2);
  std::vector<std::string> lines = split(head, '\n');
  const std::string& start = lines.at(0);
  request.method = start.substr(0, start.find(' '));
  std::string target = start.substr(start.find(' ') + 1, start.rfind(' ') - start.find(' ') - 1);

  std::vector<std::pair<std::string, std::string>> headers;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty()) {
      continue;  // the file's last newline
    }
    if (line[0] == ' ' || line[0] == '\t') {
      headers.back().second += " " + std::string(trim(line));
      continue;
    }
    size_t colon = line.find(':');
    headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  for (auto& [name, value] : headers) {
    request.headers.add(name, value);
  }
  request.url = "https://" + std::string(trim(request.headers.get("Host").value_or(""))) + target;
  return request;
}

// What the wire would carry, order-insensitively: "METHOD target", sorted "name:value" lines, the body.
std::string wire_form(const HttpRequest& request) {
  std::string target = request.url.substr(request.url.find('/', request.url.find("://") + 3));
  std::vector<std::string> lines;
  for (const auto& [name, value] : request.headers.items()) {
    lines.push_back(to_lower(name) + ":" + canonical_header_value(value));
  }
  std::sort(lines.begin(), lines.end());
  std::string out = request.method + " " + target + "\n";
  for (const std::string& line : lines) {
    out += line + "\n";
  }
  return out + "\n" + request.body;
}

struct SuiteCase {
  fs::path dir;
  HttpRequest request;
  Credentials credentials;
  SigningParams params;
  std::chrono::seconds expires{0};

  std::string file(const std::string& name) const { return read_text(dir / name); }
};

SuiteCase load_case(const std::string& name) {
  SuiteCase c;
  c.dir = suite_dir() / name;
  c.request = parse_raw_request(c.file("request.txt"));
  auto context = nlohmann::json::parse(c.file("context.json"));
  c.credentials.access_key_id = context.at("credentials").at("access_key_id");
  c.credentials.secret_access_key = context.at("credentials").at("secret_access_key");
  c.credentials.session_token = context.at("credentials").value("token", "");
  c.params.region = context.at("region");
  c.params.service = context.at("service");
  c.params.normalize_path = context.at("normalize");
  c.params.add_content_sha256_header = context.at("sign_body");
  c.params.omit_session_token = context.value("omit_session_token", false);
  c.expires = std::chrono::seconds(context.at("expiration_in_seconds").get<int>());
  // "2015-08-30T12:36:00Z" -> "20150830T123600Z"
  std::string stamp = context.at("timestamp");
  std::erase_if(stamp, [](char ch) { return ch == '-' || ch == ':'; });
  auto time = parse_amz_date(stamp);
  EXPECT_TRUE(time.has_value()) << name << ": timestamp " << stamp;
  c.params.time = time.value_or(TimePoint{});
  return c;
}

TEST(Sigv4SuiteFolder, HoldsExactly38V4Cases) {
  ASSERT_TRUE(fs::is_directory(suite_dir()))
      << "the SigV4 suite is missing: no folder " << suite_dir()
      << " (set CLOUDVIP_SHARED_DIR to the shared/ folder that holds testdata/sigv4/v4)";
  EXPECT_EQ(case_names().size(), k_expected_cases) << "in " << suite_dir();
}

class Sigv4Suite : public ::testing::TestWithParam<std::string> {};

TEST_P(Sigv4Suite, HeaderSigningMatchesEveryStep) {
  SuiteCase c = load_case(GetParam());
  HttpRequest request = c.request;
  Signature signature = sign(request, c.credentials, c.params);
  EXPECT_EQ(signature.canonical_request, c.file("header-canonical-request.txt"));
  EXPECT_EQ(signature.string_to_sign, c.file("header-string-to-sign.txt"));
  EXPECT_EQ(signature.signature, c.file("header-signature.txt"));
  HttpRequest expected = parse_raw_request(c.file("header-signed-request.txt"));
  EXPECT_EQ(request.headers.get("Authorization"), expected.headers.get("Authorization"));
  EXPECT_EQ(signature.authorization, expected.headers.get("Authorization").value_or("(none)"));
  EXPECT_EQ(wire_form(request), wire_form(expected));
}

TEST_P(Sigv4Suite, QuerySigningMatchesEveryStep) {
  SuiteCase c = load_case(GetParam());
  HttpRequest request = c.request;
  auto signature = presign(request, c.credentials, c.params, c.expires);
  ASSERT_TRUE(signature.has_value()) << signature.error().to_string();
  EXPECT_EQ(signature->canonical_request, c.file("query-canonical-request.txt"));
  EXPECT_EQ(signature->string_to_sign, c.file("query-string-to-sign.txt"));
  EXPECT_EQ(signature->signature, c.file("query-signature.txt"));
  EXPECT_EQ(wire_form(request), wire_form(parse_raw_request(c.file("query-signed-request.txt"))));
}

// The emulator's path: take the signed request apart and recompute its signature from what it carries.
TEST_P(Sigv4Suite, VerifierRecomputesTheHeaderSignature) {
  SuiteCase c = load_case(GetParam());
  HttpRequest signed_request = parse_raw_request(c.file("header-signed-request.txt"));
  auto header = parse_authorization(signed_request.headers.get("Authorization").value_or(""));
  ASSERT_TRUE(header.has_value()) << header.error().to_string();
  EXPECT_EQ(header->access_key_id, c.credentials.access_key_id);
  EXPECT_EQ(header->region, c.params.region);
  EXPECT_EQ(header->service, c.params.service);
  auto time = parse_amz_date(signed_request.headers.get("X-Amz-Date").value_or(""));
  ASSERT_TRUE(time.has_value()) << time.error().to_string();
  SigningParams params = c.params;
  params.time = *time;
  auto signature = compute(signed_request, c.credentials, params, header->signed_headers);
  ASSERT_TRUE(signature.has_value()) << signature.error().to_string();
  EXPECT_EQ(signature->canonical_request, c.file("header-canonical-request.txt"));
  EXPECT_EQ(signature->signature, header->signature);
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(V4, Sigv4Suite, ::testing::ValuesIn(case_names()), test_name);

// --- Behaviour the suite does not pin down.

Credentials test_credentials(std::string token = "") {
  Credentials c;
  c.access_key_id = "AKIDEXAMPLE";
  c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  c.session_token = std::move(token);
  return c;
}

SigningParams ec2_params() {
  SigningParams p;
  p.region = "eu-west-1";
  p.service = "ec2";
  p.time = parse_amz_date("20240229T235959Z").value();
  return p;
}

size_t count_headers(const HttpRequest& request, std::string_view name) {
  return std::count_if(request.headers.items().begin(), request.headers.items().end(),
                       [&](const auto& item) { return iequals(item.first, name); });
}

TEST(Sigv4Sign, DerivesHostFromTheUrlWithItsNonDefaultPort) {
  HttpRequest request;
  request.url = "http://127.0.0.1:8080/x";
  Signature s = sign(request, test_credentials(), ec2_params());
  EXPECT_EQ(request.headers.get("Host"), "127.0.0.1:8080");
  EXPECT_NE(s.canonical_request.find("\nhost:127.0.0.1:8080\n"), std::string::npos) << s.canonical_request;
}

TEST(Sigv4Sign, LeavesTheHeadersSdksNeverSignOut) {
  HttpRequest request;
  request.url = "https://ec2.eu-west-1.amazonaws.com/";
  for (const char* name : {"User-Agent", "Expect", "Connection", "X-Amzn-Trace-Id", "Transfer-Encoding"}) {
    request.headers.add(name, "x");
  }
  request.headers.add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  Signature s = sign(request, test_credentials(), ec2_params());
  EXPECT_NE(s.authorization.find("SignedHeaders=content-type;host;x-amz-date,"), std::string::npos)
      << s.authorization;
  EXPECT_TRUE(request.headers.has("User-Agent"));
}

TEST(Sigv4Sign, HashesTheBodyAsSentAndScopesToRegionAndService) {
  HttpRequest request;
  request.method = "POST";
  request.url = "https://ec2.eu-west-1.amazonaws.com/";
  request.body = "Action=DescribeRouteTables&Version=2016-11-15";
  Signature s = sign(request, test_credentials(), ec2_params());
  EXPECT_TRUE(s.canonical_request.ends_with("\n" + crypto::sha256_hex(request.body)));
  EXPECT_TRUE(s.authorization.starts_with(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240229/eu-west-1/ec2/aws4_request, "));
  EXPECT_EQ(request.headers.get("X-Amz-Date"), "20240229T235959Z");
}

TEST(Sigv4Sign, SigningAgainReplacesDateTokenAndAuthorization) {
  HttpRequest request;
  request.url = "https://ec2.eu-west-1.amazonaws.com/";
  sign(request, test_credentials("first-token"), ec2_params());
  SigningParams later = ec2_params();
  later.time += std::chrono::seconds(5);
  Signature again = sign(request, test_credentials(), later);
  EXPECT_EQ(count_headers(request, "Authorization"), 1u);
  EXPECT_EQ(count_headers(request, "X-Amz-Date"), 1u);
  EXPECT_EQ(count_headers(request, "X-Amz-Security-Token"), 0u);
  HttpRequest fresh;
  fresh.url = request.url;
  EXPECT_EQ(again.signature, sign(fresh, test_credentials(), later).signature);
}

TEST(Sigv4Sign, SignsTheSessionToken) {
  HttpRequest request;
  request.url = "https://ec2.eu-west-1.amazonaws.com/";
  Signature s = sign(request, test_credentials("tok/en+=="), ec2_params());
  EXPECT_EQ(request.headers.get("X-Amz-Security-Token"), "tok/en+==");
  EXPECT_NE(s.authorization.find("SignedHeaders=host;x-amz-date;x-amz-security-token,"), std::string::npos);
}

TEST(Sigv4Sign, LeavesTheRequestUnsignedWhenTheUrlDoesNotParse) {
  HttpRequest request;
  request.url = "ec2.eu-west-1.amazonaws.com/";
  Signature s = sign(request, test_credentials(), ec2_params());
  EXPECT_TRUE(s.signature.empty());
  EXPECT_FALSE(request.headers.has("Authorization"));
}

TEST(Sigv4Presign, RejectsAnExpiryOutsideOneSecondToSevenDays) {
  HttpRequest request;
  request.url = "https://example.com/";
  for (auto expires : {std::chrono::seconds(0), std::chrono::seconds(604801)}) {
    auto s = presign(request, test_credentials(), ec2_params(), expires);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::invalid_argument);
  }
  EXPECT_TRUE(presign(request, test_credentials(), ec2_params(), std::chrono::seconds(604800)).has_value());
}

TEST(Sigv4Presign, LeavesTheRequestUnchangedWhenTheUrlDoesNotParse) {
  HttpRequest request;
  request.url = "ftp://example.com/";
  auto s = presign(request, test_credentials(), ec2_params(), std::chrono::seconds(60));
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(request.url, "ftp://example.com/");
  EXPECT_TRUE(request.headers.items().empty());
}

TEST(Sigv4Compute, AgreesWithSignAndIgnoresHeadersAddedAfterSigning) {
  HttpRequest request;
  request.method = "POST";
  request.url = "http://127.0.0.1:4567/?b=2&a=1";
  request.body = "Action=ReplaceRoute";
  Signature signed_sig = sign(request, test_credentials("token"), ec2_params());
  request.headers.add("Content-Length", "19");  // what a transport adds
  auto header = parse_authorization(*request.headers.get("Authorization"));
  ASSERT_TRUE(header.has_value()) << header.error().to_string();
  auto computed = compute(request, test_credentials("token"), ec2_params(), header->signed_headers);
  ASSERT_TRUE(computed.has_value()) << computed.error().to_string();
  EXPECT_EQ(computed->signature, signed_sig.signature);
  EXPECT_EQ(computed->authorization, signed_sig.authorization);
  auto other_key = test_credentials("token");
  other_key.secret_access_key = "another";
  EXPECT_NE(compute(request, other_key, ec2_params(), header->signed_headers)->signature,
            signed_sig.signature);
}

TEST(Sigv4Compute, DerivesHostAndRejectsMissingHeadersAndEmptyLists) {
  HttpRequest request;
  request.url = "https://example.com:8443/";
  request.headers.add("X-Amz-Date", "20240229T235959Z");
  auto with_host = compute(request, test_credentials(), ec2_params(), {"Host", "x-amz-date"});
  ASSERT_TRUE(with_host.has_value());
  EXPECT_NE(with_host->canonical_request.find("host:example.com:8443\n"), std::string::npos);
  auto missing = compute(request, test_credentials(), ec2_params(), {"host", "x-amz-security-token"});
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("'x-amz-security-token'"), std::string::npos);
  EXPECT_FALSE(compute(request, test_credentials(), ec2_params(), {}).has_value());
}

TEST(Sigv4ParseAuthorization, AcceptsFieldsInAnyOrderAndExtraSpaces) {
  std::string sig(64, 'a');
  auto h = parse_authorization(
      "AWS4-HMAC-SHA256  Signature=" + sig +
      ",SignedHeaders=host;x-amz-date ,  Credential=AKID/20240229/eu-west-1/ec2/aws4_request");
  ASSERT_TRUE(h.has_value()) << h.error().to_string();
  EXPECT_EQ(h->access_key_id, "AKID");
  EXPECT_EQ(h->date, "20240229");
  EXPECT_EQ(h->region, "eu-west-1");
  EXPECT_EQ(h->service, "ec2");
  EXPECT_EQ(h->signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
  EXPECT_EQ(h->signature, sig);
}

TEST(Sigv4ParseAuthorization, RejectsMalformedValuesSayingWhy) {
  const std::string sig(64, '0');
  const std::string cred = "Credential=AKID/20240229/eu-west-1/ec2/aws4_request";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "algorithm"},
      {"AWS4-HMAC-SHA512 " + cred + ", SignedHeaders=host, Signature=" + sig, "algorithm"},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host", "no Signature"},
      {"AWS4-HMAC-SHA256 " + cred + ", Signature=" + sig, "no SignedHeaders"},
      {"AWS4-HMAC-SHA256 SignedHeaders=host, Signature=" + sig, "no Credential"},
      {"AWS4-HMAC-SHA256 " + cred + ", " + cred + ", SignedHeaders=host, Signature=" + sig, "twice"},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=" + sig + ", Extra=1", "Extra=1"},
      {"AWS4-HMAC-SHA256 Credential=AKID/2024022/eu-west-1/ec2/aws4_request, SignedHeaders=host, Signature=" +
           sig,
       "Credential"},
      {"AWS4-HMAC-SHA256 Credential=AKID/20240229/eu-west-1/ec2, SignedHeaders=host, Signature=" + sig,
       "Credential"},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;;x-amz-date, Signature=" + sig, "empty header"},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=" + std::string(64, 'A'),
       "64 lower-case"},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=abc", "64 lower-case"},
  };
  for (const auto& [value, why] : cases) {
    auto h = parse_authorization(value);
    ASSERT_FALSE(h.has_value()) << value;
    EXPECT_EQ(h.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(h.error().message.find(why), std::string::npos) << value << " -> " << h.error().message;
  }
}

TEST(Sigv4AmzDate, FormatsAndParsesUtc) {
  auto t = parse_amz_date("20240229T235959Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(amz_date(*t + std::chrono::milliseconds(999)), "20240229T235959Z");
  EXPECT_EQ(amz_date(*t + std::chrono::seconds(1)), "20240301T000000Z");
  for (const char* bad : {"", "20240230T000000Z", "20240229T240000Z", "2024-02-29T00:00:00Z",
                          "20240229T000000", "2024022xT000000Z"}) {
    EXPECT_FALSE(parse_amz_date(bad).has_value()) << bad;
  }
}

TEST(Sigv4Canonical, NormalizesPathsAndEncodesThemOnceMore) {
  EXPECT_EQ(canonical_uri("", true), "/");
  EXPECT_EQ(canonical_uri("", false), "/");
  EXPECT_EQ(canonical_uri("/a/b/../c/./d/", true), "/a/c/d/");
  EXPECT_EQ(canonical_uri("/../..", true), "/");
  EXPECT_EQ(canonical_uri("/a%20b", true), "/a%2520b");
  EXPECT_EQ(canonical_uri("/a//b/./", false), "/a//b/./");
}

TEST(Sigv4Canonical, SortsQueryByKeyThenValueAndKeepsPlusLiteral) {
  EXPECT_EQ(canonical_query("b=2&a=2&a=1&c"), "a=1&a=2&b=2&c=");
  EXPECT_EQ(canonical_query("q=a+b&s=%7e%2f"), "q=a%2Bb&s=~%2F");
}

TEST(Sigv4Canonical, CollapsesAnyRunOfWhitespaceInHeaderValues) {
  EXPECT_EQ(canonical_header_value("  a \t b\r\n  c  "), "a b c");
  EXPECT_EQ(canonical_header_value(""), "");
}

}  // namespace
}  // namespace cloudvip::sigv4
