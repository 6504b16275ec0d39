#include "common/toml_reader.h"

#include <gtest/gtest.h>

#include <array>

namespace cloudvip {
namespace {

toml::table parse(std::string_view text) {
  return toml::parse(text, std::string_view("f.toml"));
}

TEST(TomlReaderTest, WrongTypesNameTheLineThePathTheValueAndTheExpectedType) {
  toml::table root = parse("a = 1\n[t]\nname = 7\nlist = [\"x\",\n  false]\n");
  TomlReader top("f.toml", root, "");
  TomlReader t = top.nested(*root.get("t")->as_table(), "t");
  EXPECT_EQ(t.key_path("name"), "t.name");
  auto name = t.optional_string("name");
  ASSERT_FALSE(name);
  EXPECT_EQ(name.error().code, ErrorCode::config);
  EXPECT_EQ(name.error().message, "f.toml:3: t.name: 7 is an integer; expected a string");
  auto list = t.optional_strings("list");
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().message, "f.toml:5: t.list[1]: false is a boolean; expected a string");
  auto flag = top.optional_bool("a", "true or false, without quotes");
  ASSERT_FALSE(flag);
  EXPECT_EQ(flag.error().message, "f.toml:1: a: 1 is an integer; expected true or false, without quotes");
}

TEST(TomlReaderTest, AbsentKeysAreNulloptAndPresentOnesAreRead) {
  toml::table root = parse("s = \"x\"\nb = true\ni = 3\nl = [\"p\", \"q\"]\ntags = { Name = \"db\" }\n");
  TomlReader r("f.toml", root, "");
  EXPECT_EQ(r.optional_string("s").value(), "x");
  EXPECT_EQ(r.optional_bool("b").value(), true);
  EXPECT_EQ(r.optional_int("i").value(), 3);
  EXPECT_EQ(r.optional_strings("l").value(), (std::vector<std::string>{"p", "q"}));
  EXPECT_EQ(r.string_table("tags").value(),
            (std::vector<std::pair<std::string, std::string>>{{"Name", "db"}}));
  EXPECT_FALSE(r.optional_string("none").value().has_value());
  EXPECT_EQ(r.optional_table("none").value(), nullptr);
  EXPECT_TRUE(r.tables("none").value().empty());
}

TEST(TomlReaderTest, UnknownKeysSuggestTheClosestAndListTheKnown) {
  toml::table root = parse("[t]\nregoin = \"x\"\n");
  TomlReader t("f.toml", *root.get("t")->as_table(), "t");
  constexpr std::array<std::string_view, 2> known = {"region", "profile"};
  auto checked = t.only_keys(known, "[t]");
  ASSERT_FALSE(checked);
  EXPECT_EQ(
      checked.error().message,
      "f.toml:2: t.regoin: 'x' is not a known key (did you mean 'region'? the keys of [t] are region and "
      "profile)");
}

TEST(TomlReaderTest, SecretValuesAreHidden) {
  toml::table root = parse("db_password = \"hunter2\"\n");
  TomlReader r("f.toml", root, "");
  constexpr std::array<std::string_view, 1> known = {"user"};
  auto checked = r.only_keys(known, "the file", "put it in a file");
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().message.find("hunter2"), std::string::npos) << checked.error().message;
  EXPECT_NE(checked.error().message.find("(value hidden) is not a known key (put it in a file; "),
            std::string::npos)
      << checked.error().message;
}

TEST(TomlReaderTest, RequiredStringsMustBePresentAndNotEmpty) {
  toml::table root = parse("[[s]]\nid = \"\"\n");
  TomlReader s("f.toml", *root.get("s")->as_array()->get(0)->as_table(), "s[0]");
  auto missing = s.required_string("cidr");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "f.toml:1: s[0]: missing required key 'cidr' (s[0].cidr)");
  auto empty = s.required_string("id");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "f.toml:2: s[0].id: must not be empty");
}

TEST(TomlReaderTest, TablesAndArraysOfTablesAreToldApart) {
  toml::table root = parse("[a]\nx = 1\n[[b]]\ny = 2\n");
  TomlReader r("f.toml", root, "");
  EXPECT_NE(r.optional_table("a").value(), nullptr);
  EXPECT_EQ(r.tables("b").value().size(), 1u);
  auto not_array = r.tables("a");
  ASSERT_FALSE(not_array);
  EXPECT_NE(not_array.error().message.find("expected an array of tables ([[a]])"), std::string::npos);
  auto not_table = r.optional_table("b");
  ASSERT_FALSE(not_table);
  EXPECT_NE(not_table.error().message.find("is an array; expected a table ([b])"), std::string::npos)
      << not_table.error().message;
}

}  // namespace
}  // namespace cloudvip
