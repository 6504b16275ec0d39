#include "http/proxy_settings.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

TEST(ProxySettingsTest, ReadsUpperCaseVariables) {
  MapEnvironment env{
      {"HTTP_PROXY", "http://p1:3128"}, {"HTTPS_PROXY", "http://p2:3128"}, {"NO_PROXY", "a.b"}};
  auto settings = ProxySettings::from_environment(env);
  EXPECT_EQ(settings.http_proxy, "http://p1:3128");
  EXPECT_EQ(settings.https_proxy, "http://p2:3128");
  EXPECT_EQ(settings.no_proxy, "a.b");
}

TEST(ProxySettingsTest, LowerCaseWinsAndEmptyCountsAsUnset) {
  MapEnvironment env{{"http_proxy", "http://lower:1"},
                     {"HTTP_PROXY", "http://upper:1"},
                     {"https_proxy", ""},
                     {"HTTPS_PROXY", "http://upper:2"}};
  auto settings = ProxySettings::from_environment(env);
  EXPECT_EQ(settings.http_proxy, "http://lower:1");
  EXPECT_EQ(settings.https_proxy, "http://upper:2");
  EXPECT_EQ(settings.no_proxy, "");
}

TEST(ProxySettingsTest, ProxyForPicksByScheme) {
  ProxySettings settings{"http://plain:1", "http://tls:2", ""};
  EXPECT_EQ(settings.proxy_for("http://ec2.amazonaws.com/"), "http://plain:1");
  EXPECT_EQ(settings.proxy_for("HTTPS://ec2.amazonaws.com/"), "http://tls:2");
  EXPECT_EQ(settings.proxy_for("ftp://x/"), "");
}

TEST(ProxySettingsTest, RedactsCredentials) {
  EXPECT_EQ(redact_proxy_credentials("http://user:secret@proxy:3128"), "http://***@proxy:3128");
  EXPECT_EQ(redact_proxy_credentials("user:secret@proxy:3128"), "***@proxy:3128");
  EXPECT_EQ(redact_proxy_credentials("http://proxy:3128/a@b"), "http://proxy:3128/a@b");
  EXPECT_EQ(redact_proxy_credentials("http://proxy:3128"), "http://proxy:3128");
}

}  // namespace
}  // namespace cloudvip
