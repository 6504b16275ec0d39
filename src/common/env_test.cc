#include "common/env.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

TEST(EnvironmentTest, MapEnvironmentDistinguishesUnsetAndEmpty) {
  MapEnvironment env{{"A", ""}, {"B", "True"}, {"C", " false "}};
  EXPECT_EQ(env.get("A"), "");
  EXPECT_EQ(env.get_nonempty("A"), std::nullopt);
  EXPECT_EQ(env.get("MISSING"), std::nullopt);
  EXPECT_TRUE(env.is_true("B"));
  EXPECT_FALSE(env.is_true("C"));
  EXPECT_FALSE(env.is_true("MISSING"));
}

TEST(EnvironmentTest, RealEnvironmentReadsProcessEnvironment) {
  RealEnvironment env;
  EXPECT_TRUE(env.get("PATH").has_value());
  EXPECT_EQ(env.get("CLOUDVIP_SURELY_UNSET_VARIABLE_42"), std::nullopt);
}

}  // namespace
}  // namespace cloudvip
