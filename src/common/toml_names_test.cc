#include "common/toml_names.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

TEST(TomlTypeNameTest, NamesEveryType) {
  auto table = toml::parse(
      "s = 'x'\ni = 1\nf = 1.5\nb = true\na = [1]\nt = {}\nd = 1979-05-27\n"
      "tm = 07:32:00\ndt = 1979-05-27T07:32:00Z\nldt = 1979-05-27T07:32:00\n");
  EXPECT_EQ(toml_type_name(table["s"].type()), "a string");
  EXPECT_EQ(toml_type_name(table["i"].type()), "an integer");
  EXPECT_EQ(toml_type_name(table["f"].type()), "a number");
  EXPECT_EQ(toml_type_name(table["b"].type()), "a boolean");
  EXPECT_EQ(toml_type_name(table["a"].type()), "an array");
  EXPECT_EQ(toml_type_name(table["t"].type()), "a table");
  EXPECT_EQ(table["d"].type(), toml::node_type::date);
  EXPECT_EQ(toml_type_name(table["d"].type()), "a date or time");
  EXPECT_EQ(table["tm"].type(), toml::node_type::time);
  EXPECT_EQ(toml_type_name(table["tm"].type()), "a date or time");
  EXPECT_EQ(table["dt"].type(), toml::node_type::date_time);
  EXPECT_EQ(toml_type_name(table["dt"].type()), "a date or time");
  EXPECT_EQ(toml_type_name(table["ldt"].type()), "a date or time");
  EXPECT_EQ(toml_type_name(toml::node_type::none), "nothing");
}

}  // namespace
}  // namespace cloudvip
