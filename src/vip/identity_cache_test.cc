#include "vip/identity_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "testing/fake_cloud.h"
#include "testing/temp_dir.h"
#include "vip/caching_cloud.h"

namespace cloudvip {
namespace {

using testing::FakeCloud;
using testing::TempDir;

Identity sample_identity() {
  Identity id;
  id.instance_id = "i-0abc";
  id.region = "eu-west-1";
  id.availability_zone = "eu-west-1b";
  id.account_id = "111122223333";
  id.mac = "0e:49:61:0f:c3:11";
  id.network_interface_id = "eni-0aaa";
  id.subnet_id = "subnet-0a";
  id.subnet_cidr = *Cidr::parse("10.0.1.0/24");
  id.vpc_id = "vpc-0123";
  id.vpc_cidrs = {*Cidr::parse("10.0.0.0/16"), *Cidr::parse("100.64.0.0/16")};
  id.private_ips = {*Ipv4Address::parse("10.0.1.10"), *Ipv4Address::parse("10.0.1.50")};
  return id;
}

void expect_same(const Identity& a, const Identity& b) {
  EXPECT_EQ(identity_to_json(a), identity_to_json(b));
  EXPECT_EQ(a.subnet_cidr, b.subnet_cidr);
  EXPECT_EQ(a.vpc_cidrs, b.vpc_cidrs);
  EXPECT_EQ(a.private_ips, b.private_ips);
}

struct Fixture {
  Fixture() { boot_id_path = temp.write("boot_id", "6f7a1c2e-aaaa-bbbb-cccc-000000000001\n"); }
  IdentityCacheOptions options() const { return {temp.path() + "/run/cloudvip", boot_id_path}; }
  void reboot() { temp.write("boot_id", "6f7a1c2e-aaaa-bbbb-cccc-000000000002\n"); }

  TempDir temp;
  std::string boot_id_path;
  CapturingLogger logger;
};

TEST(IdentityCacheTest, HitAfterStoreWithFileAndDirectoryModes) {
  Fixture f;
  IdentityCache cache(f.options(), f.logger);
  EXPECT_FALSE(cache.load_identity("").has_value());
  cache.store_identity("", sample_identity());
  std::optional<Identity> loaded = cache.load_identity("");
  ASSERT_TRUE(loaded.has_value()) << f.logger.text();
  expect_same(*loaded, sample_identity());

  struct stat file {};
  struct stat dir {};
  ASSERT_EQ(::stat(cache.identity_path("").c_str(), &file), 0);
  ASSERT_EQ(::stat(f.options().directory.c_str(), &dir), 0);
  EXPECT_EQ(file.st_mode & 07777, 0644u);
  EXPECT_EQ(dir.st_mode & 07777, 0755u);
  // Atomic write: no temp file left behind.
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(f.options().directory)) {
    files += 1;
    EXPECT_EQ(entry.path().extension(), ".json") << entry.path();
  }
  EXPECT_EQ(files, 1u);
}

TEST(IdentityCacheTest, KeyedByMac) {
  Fixture f;
  IdentityCache cache(f.options(), f.logger);
  cache.store_identity("0e:49:61:0f:c3:11", sample_identity());
  EXPECT_TRUE(cache.load_identity("0e:49:61:0f:c3:11").has_value());
  EXPECT_FALSE(cache.load_identity("0e:49:61:0f:c3:22").has_value());
  EXPECT_FALSE(cache.load_identity("").has_value());
}

TEST(IdentityCacheTest, AnotherBootIsAMissAndIsReplaced) {
  Fixture f;
  IdentityCache(f.options(), f.logger).store_identity("", sample_identity());
  f.reboot();
  IdentityCache after_reboot(f.options(), f.logger);
  EXPECT_FALSE(after_reboot.load_identity("").has_value());
  EXPECT_NE(f.logger.text().find("another boot"), std::string::npos) << f.logger.text();
  Identity moved = sample_identity();
  moved.availability_zone = "eu-west-1c";
  after_reboot.store_identity("", moved);
  std::optional<Identity> loaded = after_reboot.load_identity("");
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->availability_zone, "eu-west-1c");
}

TEST(IdentityCacheTest, CorruptFileIsAMissAndIsOverwritten) {
  Fixture f;
  IdentityCache cache(f.options(), f.logger);
  cache.store_identity("", sample_identity());
  for (std::string corrupt : {"{not json", "[]", R"({"version":"x"})",
                              R"({"version":1,"boot_id":"6f7a1c2e-aaaa-bbbb-cccc-000000000001","key":"",)"
                              R"("value":{"instance_id":"i-1"}})"}) {
    std::ofstream(cache.identity_path("")) << corrupt;
    EXPECT_FALSE(cache.load_identity("").has_value()) << corrupt;
  }
  cache.store_identity("", sample_identity());
  EXPECT_TRUE(cache.load_identity("").has_value());
}

TEST(IdentityCacheTest, UnwritableDirectoryIsIgnored) {
  Fixture f;
  std::string blocker = f.temp.write("run", "a file where the directory should be");
  IdentityCache cache({blocker + "/cloudvip", f.boot_id_path}, f.logger);
  cache.store_identity("", sample_identity());  // must not throw or crash
  EXPECT_FALSE(cache.load_identity("").has_value());
  EXPECT_NE(f.logger.text().find("not written (ignored)"), std::string::npos) << f.logger.text();
}

TEST(IdentityCacheTest, UnreadableBootIdTurnsTheCacheOff) {
  Fixture f;
  IdentityCache cache({f.options().directory, f.temp.path() + "/no-such-boot-id"}, f.logger);
  cache.store_identity("", sample_identity());
  EXPECT_FALSE(cache.load_identity("").has_value());
  EXPECT_FALSE(std::filesystem::exists(cache.identity_path("")));
}

TEST(IdentityCacheTest, SubnetsPerVpcAndInvalidate) {
  Fixture f;
  IdentityCache cache(f.options(), f.logger);
  std::vector<SubnetView> subnets{{"subnet-0a", *Cidr::parse("10.0.1.0/24"), "eu-west-1a"},
                                  {"subnet-0v", *Cidr::parse("10.0.9.0/28"), "eu-west-1b"}};
  cache.store_subnets("vpc-0123", subnets);
  cache.store_identity("", sample_identity());
  auto loaded = cache.load_subnets("vpc-0123");
  ASSERT_TRUE(loaded.has_value());
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ((*loaded)[1].cidr, subnets[1].cidr);
  EXPECT_FALSE(cache.load_subnets("vpc-0other").has_value());
  cache.invalidate();
  EXPECT_FALSE(cache.load_subnets("vpc-0123").has_value());
  EXPECT_FALSE(cache.load_identity("").has_value());
}

TEST(CachingCloudTest, ServesIdentityAndSubnetsFromTheCacheAndForwardsTheRest) {
  Fixture f;
  IdentityCache cache(f.options(), f.logger);
  FakeCloud fake;
  fake.set_identity(sample_identity());
  fake.add_subnet("vpc-0123", {"subnet-0a", *Cidr::parse("10.0.1.0/24"), "eu-west-1a"});
  CachingCloud cloud(fake, cache);

  for (int i = 0; i < 3; ++i) {
    Result<Identity> id = cloud.identity("");
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(id->network_interface_id, "eni-0aaa");
    ASSERT_TRUE(cloud.subnets("vpc-0123").has_value());
  }
  EXPECT_EQ(fake.calls("identity").size(), 1u);
  EXPECT_EQ(fake.calls("subnets").size(), 1u);

  cloud.invalidate();
  ASSERT_TRUE(cloud.identity("").has_value());
  EXPECT_EQ(fake.calls("identity").size(), 2u);

  ASSERT_TRUE(cloud.source_dest_check("eni-nope").error().aws_code == "InvalidNetworkInterfaceID.NotFound");
  EXPECT_EQ(fake.calls("source_dest_check").size(), 1u);
}

TEST(CachingCloudTest, ErrorsAreNotCached) {
  Fixture f;
  IdentityCache cache(f.options(), f.logger);
  FakeCloud fake;
  fake.fail_method("identity", Error(ErrorCode::timeout, "IMDS timed out"));
  CachingCloud cloud(fake, cache);
  EXPECT_FALSE(cloud.identity("").has_value());
  fake.clear_failures();
  fake.set_identity(sample_identity());
  EXPECT_TRUE(cloud.identity("").has_value());
  EXPECT_EQ(fake.calls("identity").size(), 2u);
}

}  // namespace
}  // namespace cloudvip
