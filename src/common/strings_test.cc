#include "common/strings.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

TEST(StringsTest, TrimLowerSplitHex) {
  EXPECT_EQ(trim("  a b \n"), "a b");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(to_lower("X-Amz-Date"), "x-amz-date");
  EXPECT_TRUE(iequals("Content-Type", "content-type"));
  EXPECT_FALSE(iequals("Content-Type", "content-typ"));
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(hex_encode(std::string("\x00\xff\x10", 3)), "00ff10");
  EXPECT_TRUE(starts_with("rtb-123", "rtb-"));
}

}  // namespace
}  // namespace cloudvip
