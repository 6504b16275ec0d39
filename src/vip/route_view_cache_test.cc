#include "vip/route_view_cache.h"

#include <gmock/gmock.h>
#include <sys/stat.h>

#include <filesystem>

#include "testing/fake_cloud.h"
#include "testing/temp_dir.h"
#include "vip/caching_cloud.h"

namespace cloudvip {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using testing::TempDir;

const Cidr k_destination = *Cidr::parse("192.168.100.10/32");

RouteTableView table(std::string id, std::string eni, bool main = false) {
  RouteTableView view{.id = std::move(id), .vpc_id = "vpc-1", .main = main};
  if (!eni.empty()) {
    view.route = VipRoute{eni, "i-0" + eni.substr(4), "", "active"};
  }
  return view;
}

std::vector<std::string> ids_and_targets(const std::vector<RouteTableView>& views) {
  std::vector<std::string> out;
  for (const RouteTableView& v : views) {
    out.push_back(v.id + "=" + (v.route ? v.route->network_interface_id + "/" + v.route->state : "none"));
  }
  return out;
}

struct Fixture {
  Fixture() { boot_id_path = temp.write("boot_id", "aaaa-0001\n"); }
  RouteViewCacheOptions options(std::string scope = "http://127.0.0.1:9 us-east-1") const {
    return {temp.path() + "/run/cloudvip", boot_id_path, std::move(scope)};
  }

  TempDir temp;
  std::string boot_id_path;
  CapturingLogger logger;
};

TEST(RouteViewCacheTest, StoresAndMergesByTableWithFileMode) {
  Fixture f;
  RouteViewCache cache(f.options(), f.logger);
  EXPECT_THAT(cache.load(k_destination), SizeIs(0));

  cache.store(k_destination, {table("rtb-0", "eni-0bbb", true), table("rtb-1", "eni-0bbb")});
  cache.store(k_destination, {table("rtb-1", "eni-0aaa"), table("rtb-2", "")});

  std::vector<RouteTableView> loaded = cache.load(k_destination);
  EXPECT_THAT(ids_and_targets(loaded),
              ElementsAre("rtb-0=eni-0bbb/active", "rtb-1=eni-0aaa/active", "rtb-2=none"));
  ASSERT_THAT(loaded, SizeIs(3));
  EXPECT_TRUE(loaded[0].main);
  EXPECT_EQ(loaded[0].vpc_id, "vpc-1");
  EXPECT_EQ(loaded[0].route->instance_id, "i-00bbb");
  struct stat st {};
  ASSERT_EQ(::stat(cache.path(k_destination).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(RouteViewCacheTest, AnotherBootScopeOrDestinationIsAMiss) {
  Fixture f;
  RouteViewCache cache(f.options(), f.logger);
  cache.store(k_destination, {table("rtb-0", "eni-0bbb")});

  RouteViewCache other_endpoint(f.options("http://127.0.0.1:10 us-east-1"), f.logger);
  EXPECT_THAT(other_endpoint.load(k_destination), SizeIs(0));
  EXPECT_THAT(cache.load(*Cidr::parse("192.168.100.11/32")), SizeIs(0));

  f.temp.write("boot_id", "aaaa-0002\n");
  RouteViewCache after_reboot(f.options(), f.logger);
  EXPECT_THAT(after_reboot.load(k_destination), SizeIs(0));
  EXPECT_THAT(f.logger.text(), HasSubstr("another boot"));
}

TEST(RouteViewCacheTest, CorruptOrForeignFilesAreMisses) {
  Fixture f;
  RouteViewCache cache(f.options(), f.logger);
  std::string relative = cache.path(k_destination).substr(f.temp.path().size() + 1);
  for (std::string garbage :
       {"", "not json", "[]", "{\"version\": 2, \"tables\": []}",
        "{\"version\": 1, \"boot_id\": \"aaaa-0001\", \"key\": \"x\", \"tables\": []}"}) {
    f.temp.write(relative, garbage);
    EXPECT_THAT(cache.load(k_destination), SizeIs(0)) << garbage;
  }
  // A store over a corrupt file replaces it.
  cache.store(k_destination, {table("rtb-0", "eni-0bbb")});
  EXPECT_THAT(cache.load(k_destination), SizeIs(1));
}

TEST(RouteViewCacheTest, MalformedViewsAreRejected) {
  EXPECT_FALSE(route_views_from_json("{}"));
  EXPECT_FALSE(route_views_from_json("[{\"id\": \"rtb-0\"}]"));
  EXPECT_FALSE(
      route_views_from_json("[{\"id\": \"\", \"vpc_id\": \"v\", \"main\": false, \"route\": null}]"));
  EXPECT_FALSE(route_views_from_json(
      "[{\"id\": \"rtb-0\", \"vpc_id\": \"v\", \"main\": false, \"route\": {\"state\": \"active\"}}]"));
  auto ok = route_views_from_json(route_views_to_json({table("rtb-0", "eni-0bbb"), table("rtb-1", "")}));
  ASSERT_TRUE(ok);
  EXPECT_THAT(ids_and_targets(*ok), ElementsAre("rtb-0=eni-0bbb/active", "rtb-1=none"));
}

TEST(RouteViewCacheTest, NoBootIdOrNoDirectoryMeansNoCacheAndNoFailure) {
  Fixture f;
  RouteViewCacheOptions no_boot = f.options();
  no_boot.boot_id_path = f.temp.path() + "/missing";
  RouteViewCache off(no_boot, f.logger);
  off.store(k_destination, {table("rtb-0", "eni-0bbb")});
  EXPECT_THAT(off.load(k_destination), SizeIs(0));
  EXPECT_FALSE(std::filesystem::exists(off.path(k_destination)));

  f.temp.write("run/cloudvip", "a file where the directory should be");
  RouteViewCache blocked(f.options(), f.logger);
  blocked.store(k_destination, {table("rtb-0", "eni-0bbb")});
  EXPECT_THAT(blocked.load(k_destination), SizeIs(0));
  EXPECT_THAT(f.logger.text(), HasSubstr("route view cache not written"));
}

TEST(RouteViewCacheTest, KeepsAtMostTheNewestTables) {
  Fixture f;
  RouteViewCache cache(f.options(), f.logger);
  std::vector<RouteTableView> many;
  for (size_t i = 0; i < RouteViewCache::k_max_tables + 5; ++i) {
    many.push_back(table("rtb-" + std::to_string(i), "eni-0bbb"));
  }
  cache.store(k_destination, many);
  std::vector<RouteTableView> loaded = cache.load(k_destination);
  ASSERT_THAT(loaded, SizeIs(RouteViewCache::k_max_tables));
  EXPECT_EQ(loaded.front().id, "rtb-5");
}

// CachingCloud is what feeds the cache in production: every reading, every write and every deletion.
TEST(RouteViewCacheTest, CachingCloudRemembersReadingsWritesAndDeletions) {
  Fixture f;
  testing::FakeCloud fake;
  fake.add_route_table({.id = "rtb-0", .vpc_id = "vpc-1", .main = true});
  fake.add_route_table({.id = "rtb-1", .vpc_id = "vpc-1"});
  fake.set_route("rtb-0", k_destination, VipRoute{"eni-0bbb", "i-0bbb", "", "active"});
  fake.set_route("rtb-1", k_destination, VipRoute{"eni-0bbb", "i-0bbb", "", "active"});
  IdentityCache identities({f.temp.path() + "/run/cloudvip", f.boot_id_path}, f.logger);
  RouteViewCache views(f.options(), f.logger);
  CachingCloud cloud(fake, identities, &views);
  RouteTableSelector both{.kind = RouteTableSelector::Kind::ids, .ids = {"rtb-0", "rtb-1"}};

  ASSERT_TRUE(cloud.route_tables(both, "vpc-1", k_destination));
  EXPECT_THAT(ids_and_targets(cloud.remembered_route_tables(k_destination)),
              ElementsAre("rtb-0=eni-0bbb/active", "rtb-1=eni-0bbb/active"));

  auto pointed = cloud.point_routes({RouteChange{"rtb-0", k_destination, "eni-0aaa"}}, false);
  ASSERT_TRUE(pointed[0]);
  auto dry = cloud.point_routes({RouteChange{"rtb-1", k_destination, "eni-0aaa"}}, true);
  ASSERT_TRUE(dry[0]);
  std::vector<RouteTableView> after_write = cloud.remembered_route_tables(k_destination);
  EXPECT_THAT(ids_and_targets(after_write), ElementsAre("rtb-0=eni-0aaa/", "rtb-1=eni-0bbb/active"))
      << "a write is remembered without a state; a dry run is not remembered";
  EXPECT_TRUE(after_write[0].main) << "what the reading knew of the table is kept";

  ASSERT_TRUE(cloud.delete_routes({RouteChange{"rtb-0", k_destination, "eni-0aaa"}}, false)[0]);
  EXPECT_THAT(ids_and_targets(cloud.remembered_route_tables(k_destination)),
              ElementsAre("rtb-0=none", "rtb-1=eni-0bbb/active"));

  fake.fail_method("route_tables", Error(ErrorCode::network, "down"));
  EXPECT_FALSE(cloud.route_tables(both, "vpc-1", k_destination));
  EXPECT_THAT(cloud.remembered_route_tables(k_destination), SizeIs(2)) << "a failed reading changes nothing";

  CachingCloud forgetful(fake, identities);
  EXPECT_THAT(forgetful.remembered_route_tables(k_destination), SizeIs(0));
}

// acquire stores its writes in the background (so its verification read leaves at once); the view still
// ends up in the order things happened, and settle() leaves it on disk.
TEST(RouteViewCacheTest, CachingCloudStoresWritesInTheBackgroundInOrder) {
  Fixture f;
  testing::FakeCloud fake;
  fake.add_route_table({.id = "rtb-0", .vpc_id = "vpc-1", .main = true});
  fake.set_route("rtb-0", k_destination, VipRoute{"eni-0bbb", "i-0bbb", "", "active"});
  IdentityCache identities({f.temp.path() + "/run/cloudvip", f.boot_id_path}, f.logger);
  RouteViewCache views(f.options(), f.logger);
  CachingCloud cloud(fake, identities, &views);
  cloud.store_writes_in_background();
  RouteTableSelector one{.kind = RouteTableSelector::Kind::ids, .ids = {"rtb-0"}};
  ASSERT_TRUE(cloud.route_tables(one, "vpc-1", k_destination));

  ASSERT_TRUE(cloud.point_routes({RouteChange{"rtb-0", k_destination, "eni-0aaa", true}}, false)[0]);
  cloud.settle();
  RouteViewCache from_disk(f.options(), f.logger);
  EXPECT_THAT(ids_and_targets(from_disk.load(k_destination)), ElementsAre("rtb-0=eni-0aaa/"))
      << "settle() waits for the background store";

  fake.set_route("rtb-0", k_destination, VipRoute{"eni-0bbb", "i-0bbb", "", "active"});
  ASSERT_TRUE(cloud.point_routes({RouteChange{"rtb-0", k_destination, "eni-0aaa", true}}, false)[0]);
  ASSERT_TRUE(cloud.route_tables(one, "vpc-1", k_destination));  // the verification, right after
  EXPECT_THAT(ids_and_targets(cloud.remembered_route_tables(k_destination)),
              ElementsAre("rtb-0=eni-0aaa/active"))
      << "the reading after the write is what stays, not the write's store finishing late";
}

}  // namespace
}  // namespace cloudvip
