#include "aws/shared_config.h"

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace cloudvip {
namespace {

using testing::TempDir;

TEST(SharedConfigTest, ParsesSectionsKeysCommentsAndBlankLines) {
  auto file = parse_ini(
      "# a comment\n"
      "; another\n"
      "\n"
      "[default]\n"
      "aws_access_key_id = AKIDDEFAULT\n"
      "  \n"
      "AWS_Secret_Access_Key=secret=with=equals\r\n"
      "[profile   dev]  # trailing comment\n"
      "region = eu-west-1\n",
      "cfg");
  ASSERT_TRUE(file) << file.error().to_string();
  ASSERT_NE(file->section("default"), nullptr);
  EXPECT_EQ(file->section("default")->at("aws_access_key_id"), "AKIDDEFAULT");
  EXPECT_EQ(file->section("default")->at("aws_secret_access_key"), "secret=with=equals");
  ASSERT_NE(file->section("profile dev"), nullptr);
  EXPECT_EQ(file->section("profile dev")->at("region"), "eu-west-1");
}

TEST(SharedConfigTest, NestedSubSectionsAreAcceptedAndIgnored) {
  auto file = parse_ini(
      "[default]\n"
      "s3 =\n"
      "  max_concurrent_requests = 10\n"
      "\tmultipart_threshold = 64MB\n"
      "region = us-east-1\n",
      "cfg");
  ASSERT_TRUE(file) << file.error().to_string();
  const IniSection& section = *file->section("default");
  EXPECT_EQ(section.at("s3"), "");
  EXPECT_EQ(section.at("region"), "us-east-1");
  EXPECT_EQ(section.count("max_concurrent_requests"), 0u);
}

TEST(SharedConfigTest, SyntaxErrorNamesFileAndLineWithoutTheLineContent) {
  auto file =
      parse_ini("[default]\naws_access_key_id = AKID\naws_secret_access_key wJalrSECRET\n", "/x/credentials");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, ErrorCode::config);
  EXPECT_NE(file.error().message.find("/x/credentials line 3"), std::string::npos) << file.error().message;
  EXPECT_NE(file.error().message.find("key = value"), std::string::npos);
  EXPECT_EQ(file.error().message.find("wJalrSECRET"), std::string::npos);
}

TEST(SharedConfigTest, UnterminatedSectionHeaderIsAnError) {
  auto file = parse_ini("\n[default]\nregion = x\n[profile dev\n", "/x/config");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, ErrorCode::config);
  EXPECT_NE(file.error().message.find("/x/config line 4"), std::string::npos) << file.error().message;
  EXPECT_NE(file.error().message.find("expected ']'"), std::string::npos);
}

TEST(SharedConfigTest, KeyBeforeAnySectionIsAnError) {
  auto file = parse_ini("region = x\n", "f");
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().message.find("f line 1"), std::string::npos);
  EXPECT_NE(file.error().message.find("before any section"), std::string::npos);
}

TEST(SharedConfigTest, EmptySectionNameIsAnError) {
  auto file = parse_ini("[  ]\n", "f");
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().message.find("f line 1: empty section name"), std::string::npos);
}

TEST(SharedConfigTest, MissingFileIsEmpty) {
  TempDir dir;
  auto file = read_ini_file(dir.path() + "/nope/credentials");
  ASSERT_TRUE(file) << file.error().to_string();
  EXPECT_TRUE(file->sections.empty());
}

TEST(SharedConfigTest, ReadsFileFromDisk) {
  TempDir dir;
  std::string path = dir.write("credentials", "[ops]\naws_access_key_id = A\n");
  auto file = read_ini_file(path);
  ASSERT_TRUE(file) << file.error().to_string();
  EXPECT_EQ(file->section("ops")->at("aws_access_key_id"), "A");
  EXPECT_EQ(file->path, path);
}

TEST(SharedConfigTest, PathsDefaultUnderHomeAndHonourOverrides) {
  MapEnvironment env{{"HOME", "/home/u"}};
  auto paths = shared_config_paths(env);
  ASSERT_TRUE(paths);
  EXPECT_EQ(paths->credentials_file, "/home/u/.aws/credentials");
  EXPECT_EQ(paths->config_file, "/home/u/.aws/config");

  env.set("AWS_SHARED_CREDENTIALS_FILE", "/etc/c");
  env.set("AWS_CONFIG_FILE", "~/cfg");
  paths = shared_config_paths(env);
  ASSERT_TRUE(paths);
  EXPECT_EQ(paths->credentials_file, "/etc/c");
  EXPECT_EQ(paths->config_file, "/home/u/cfg");
}

TEST(SharedConfigTest, PathsWithoutHomeAreAConfigError) {
  MapEnvironment env;
  auto paths = shared_config_paths(env);
  ASSERT_FALSE(paths);
  EXPECT_EQ(paths.error().code, ErrorCode::config);
  EXPECT_NE(paths.error().message.find("HOME is not set"), std::string::npos);

  env.set("AWS_SHARED_CREDENTIALS_FILE", "/a");
  env.set("AWS_CONFIG_FILE", "/b");
  EXPECT_TRUE(shared_config_paths(env));
}

TEST(SharedConfigTest, ChooseProfileOrder) {
  MapEnvironment env;
  EXPECT_EQ(choose_profile(env, std::nullopt).name, "default");
  EXPECT_FALSE(choose_profile(env, std::nullopt).named);
  env.set("AWS_DEFAULT_PROFILE", "old");
  EXPECT_EQ(choose_profile(env, std::nullopt).name, "old");
  env.set("AWS_PROFILE", "new");
  EXPECT_EQ(choose_profile(env, std::nullopt).name, "new");
  EXPECT_TRUE(choose_profile(env, std::nullopt).named);
  EXPECT_EQ(choose_profile(env, std::string("cli")).name, "cli");
}

TEST(SharedConfigTest, ProfileLookupUsesEachFilesSectionNaming) {
  auto credentials = parse_ini("[dev]\nk = from-credentials\n[default]\nd = 1\n", "c");
  auto config =
      parse_ini("[profile dev]\nk = from-config\nregion = r\n[default]\nregion = dr\n[dev]\nx = y\n", "g");
  ASSERT_TRUE(credentials && config);
  SharedConfig shared(*credentials, *config);
  EXPECT_EQ(shared.get("dev", "k"), "from-credentials");
  EXPECT_EQ(shared.get("dev", "region"), "r");
  EXPECT_EQ(shared.get("dev", "x"), std::nullopt);  // [dev] in the config file is not the profile
  EXPECT_EQ(shared.get("default", "region"), "dr");
  EXPECT_TRUE(shared.has_profile("default"));
  EXPECT_FALSE(shared.has_profile("prod"));
}

}  // namespace
}  // namespace cloudvip
