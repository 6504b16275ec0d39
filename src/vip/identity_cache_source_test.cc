// The identity cache is keyed by the service an entry came from, and CachingCloud refuses a cached
// identity that names another instance than the metadata service does.
#include <gtest/gtest.h>

#include <filesystem>

#include "testing/fake_cloud.h"
#include "testing/temp_dir.h"
#include "vip/caching_cloud.h"
#include "vip/identity_cache.h"

namespace cloudvip {
namespace {

using testing::FakeCloud;
using testing::TempDir;

Identity identity_of(const std::string& instance, const std::string& eni) {
  Identity id;
  id.instance_id = instance;
  id.region = "eu-west-1";
  id.availability_zone = "eu-west-1b";
  id.account_id = "111122223333";
  id.mac = "0e:49:61:0f:c3:11";
  id.network_interface_id = eni;
  id.subnet_id = "subnet-0a";
  id.subnet_cidr = *Cidr::parse("10.0.1.0/24");
  id.vpc_id = "vpc-0123";
  id.vpc_cidrs = {*Cidr::parse("10.0.0.0/16")};
  id.private_ips = {*Ipv4Address::parse("10.0.1.10")};
  return id;
}

struct Fixture {
  Fixture() { boot_id_path = temp.write("boot_id", "6f7a1c2e-aaaa-bbbb-cccc-000000000001\n"); }
  IdentityCacheOptions options(std::string imds, std::string ec2 = "http://127.0.0.1:1") const {
    return {temp.path() + "/run/cloudvip", boot_id_path, std::move(imds), std::move(ec2)};
  }
  TempDir temp;
  std::string boot_id_path;
  CapturingLogger logger;
};

// Answers a fixed instance id, or an error (IMDS did not answer); counts the questions.
class FixedCheck : public InstanceIdCheck {
 public:
  explicit FixedCheck(Result<std::string> answer) : m_answer(std::move(answer)) {}
  Result<std::string> instance_id() override {
    ++asked;
    return m_answer;
  }
  int asked = 0;

 private:
  Result<std::string> m_answer;
};

TEST(IdentityCacheSourceTest, TwoImdsEndpointsAreTwoEntries) {
  Fixture f;
  IdentityCache a(f.options("http://127.0.0.1:8001"), f.logger);
  IdentityCache b(f.options("http://127.0.0.1:8002"), f.logger);
  a.store_identity("", identity_of("i-aaaa", "eni-a"));
  EXPECT_FALSE(b.load_identity("").has_value()) << "b must not see a's entry";
  b.store_identity("", identity_of("i-bbbb", "eni-b"));
  ASSERT_TRUE(a.load_identity("").has_value());
  ASSERT_TRUE(b.load_identity("").has_value());
  EXPECT_EQ(a.load_identity("")->instance_id, "i-aaaa");
  EXPECT_EQ(b.load_identity("")->instance_id, "i-bbbb");
  EXPECT_NE(a.identity_path(""), b.identity_path(""));
  EXPECT_TRUE(std::filesystem::exists(a.identity_path("")));
  EXPECT_TRUE(std::filesystem::exists(b.identity_path("")));
}

TEST(IdentityCacheSourceTest, AnEntryCopiedFromAnotherSourceIsAMiss) {
  Fixture f;
  IdentityCache a(f.options("http://127.0.0.1:8001"), f.logger);
  IdentityCache b(f.options("http://127.0.0.1:8002"), f.logger);
  a.store_identity("", identity_of("i-aaaa", "eni-a"));
  std::filesystem::copy_file(a.identity_path(""), b.identity_path(""));
  EXPECT_FALSE(b.load_identity("").has_value());
  EXPECT_NE(f.logger.text().find("another service"), std::string::npos) << f.logger.text();
}

TEST(IdentityCacheSourceTest, SubnetsAreKeyedByTheEc2Endpoint) {
  Fixture f;
  IdentityCache a(f.options("http://imds", "http://127.0.0.1:9001"), f.logger);
  IdentityCache b(f.options("http://imds", "http://127.0.0.1:9002"), f.logger);
  a.store_subnets("vpc-0123", {{"subnet-0a", *Cidr::parse("10.0.1.0/24"), "eu-west-1a"}});
  EXPECT_FALSE(b.load_subnets("vpc-0123").has_value());
  EXPECT_TRUE(a.load_subnets("vpc-0123").has_value());
}

TEST(CachingCloudCheckTest, ACachedIdentityNamingAnotherInstanceIsRefusedAndRewritten) {
  Fixture f;
  IdentityCache cache(f.options("http://127.0.0.1:8001"), f.logger);
  cache.store_identity("", identity_of("i-other", "eni-other"));  // e.g. left by another instance's run
  FakeCloud fake;
  fake.set_identity(identity_of("i-mine", "eni-mine"));
  FixedCheck check(std::string("i-mine"));
  CachingCloud cloud(fake, cache, check, f.logger);

  Result<Identity> id = cloud.identity("");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->instance_id, "i-mine");
  EXPECT_EQ(id->network_interface_id, "eni-mine");
  EXPECT_EQ(fake.calls("identity").size(), 1u);
  EXPECT_NE(f.logger.text().find("names instance i-other but the metadata service says i-mine"),
            std::string::npos)
      << f.logger.text();
  ASSERT_TRUE(cache.load_identity("").has_value());
  EXPECT_EQ(cache.load_identity("")->instance_id, "i-mine");  // rewritten

  // The next run is served by the (now right) entry after one check.
  Result<Identity> again = cloud.identity("");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->instance_id, "i-mine");
  EXPECT_EQ(fake.calls("identity").size(), 1u);
  EXPECT_EQ(check.asked, 2);
}

TEST(CachingCloudCheckTest, AMatchingEntryIsServedWithoutReadingTheIdentity) {
  Fixture f;
  IdentityCache cache(f.options("http://127.0.0.1:8001"), f.logger);
  cache.store_identity("", identity_of("i-mine", "eni-mine"));
  FakeCloud fake;
  FixedCheck check(std::string("i-mine"));
  CachingCloud cloud(fake, cache, check, f.logger);
  ASSERT_TRUE(cloud.identity("").has_value());
  EXPECT_EQ(fake.calls("identity").size(), 0u);
  EXPECT_EQ(check.asked, 1);
}

TEST(CachingCloudCheckTest, WhenImdsCannotAnswerTheEntryIsTrusted) {
  Fixture f;
  IdentityCache cache(f.options("http://127.0.0.1:8001"), f.logger);
  cache.store_identity("", identity_of("i-mine", "eni-mine"));
  FakeCloud fake;
  FixedCheck check(fail(ErrorCode::timeout, "IMDS timed out"));
  CachingCloud cloud(fake, cache, check, f.logger);
  Result<Identity> id = cloud.identity("");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->instance_id, "i-mine");
  EXPECT_EQ(fake.calls("identity").size(), 0u);
}

TEST(CachingCloudCheckTest, AMissIsNotChecked) {
  Fixture f;
  IdentityCache cache(f.options("http://127.0.0.1:8001"), f.logger);
  FakeCloud fake;
  fake.set_identity(identity_of("i-mine", "eni-mine"));
  FixedCheck check(std::string("i-someone-else"));
  CachingCloud cloud(fake, cache, check, f.logger);
  ASSERT_TRUE(cloud.identity("").has_value());
  EXPECT_EQ(check.asked, 0);  // what IMDS itself just said needs no check
}

}  // namespace
}  // namespace cloudvip
