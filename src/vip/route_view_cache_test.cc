#include "vip/route_view_cache.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <sys/stat.h>

#include <cstdio>

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
       {"", "garbage\n", "[]", "cloudvip-route-view 1\nboot aaaa-0001\nkey x\n",
        "cloudvip-route-view 2\nboot aaaa-0001\nkey x\n",
        "{\"version\": 1, \"boot_id\": \"aaaa-0001\", \"key\": \"x\", \"tables\": []}"}) {
    f.temp.write(relative, garbage);
    EXPECT_THAT(cache.load(k_destination), SizeIs(0)) << garbage;
  }
  // A store over a corrupt file replaces it.
  cache.store(k_destination, {table("rtb-0", "eni-0bbb")});
  EXPECT_THAT(cache.load(k_destination), SizeIs(1));
}

TEST(RouteViewCacheTest, FileFormatRoundTripsAndRejectsMalformedText) {
  RouteViewFile file{.boot_id = "aaaa-0001", .key = "http://127.0.0.1:9 us-east-1 192.168.100.10/32"};
  file.tables = {table("rtb-0", "eni-0bbb", true), table("rtb-1", "")};
  file.tables[1].vpc_id = "";                                     // empty fields survive
  file.tables[0].route->other_target = "odd value%with\nspaces";  // and bytes that are not plain
  std::string text = format_route_view_file(file);
  EXPECT_THAT(text, HasSubstr("\nkey http%3A//127.0.0.1%3A9%20us-east-1%20192.168.100.10/32\n"));
  EXPECT_THAT(text, HasSubstr("\ntable rtb-1 % 0\n"));
  std::optional<RouteViewFile> back = parse_route_view_file(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->boot_id, file.boot_id);
  EXPECT_EQ(back->key, file.key);
  EXPECT_THAT(ids_and_targets(back->tables), ElementsAre("rtb-0=eni-0bbb/active", "rtb-1=none"));
  EXPECT_TRUE(back->tables[0].main);
  EXPECT_FALSE(back->tables[1].main);
  EXPECT_EQ(back->tables[0].route->instance_id, "i-00bbb");
  EXPECT_EQ(back->tables[0].route->other_target, "odd value%with\nspaces");
  EXPECT_EQ(back->tables[1].vpc_id, "");

  const std::string head = "cloudvip-route-view 2\nboot b\nkey k\n";
  EXPECT_TRUE(parse_route_view_file(head));
  for (const std::string& bad : std::vector<std::string>{
           head.substr(0, head.size() - 1),                      // cut short
           "cloudvip-route-view 2\nkey k\n",                     // no boot line
           head + "boot c\n",                                    // a second boot line
           head + "table rtb-0 vpc-1 0 eni-1\n",                 // a route with too few fields
           head + "table % vpc-1 0\n",                           // an empty table id
           head + "table rtb-0 vpc-1 2\n",                       // main is 0 or 1
           head + "table rtb-0 vpc-1 0 eni-1 i-1 %zz active\n",  // a bad escape
           head + "table rtb-0 vpc-1 0 eni-1 i-1 % active%4\n",  // an escape cut short
           head + "table rtb-0  vpc-1 0\n",                      // two spaces: an empty word
           head + "other line\n",
           "cloudvip-route-view 2\ntable rtb-0 vpc-1 0\nboot b\nkey k\n",  // a table before the key
       }) {
    EXPECT_FALSE(parse_route_view_file(bad)) << bad;
  }
}

// A store after a load does not read the file again when nothing replaced it, and does when something did.
TEST(RouteViewCacheTest, KeepsWhatItReadUntilTheFileIsReplaced) {
  Fixture f;
  RouteViewCache mine(f.options(), f.logger);
  RouteViewCache other_process(f.options(), f.logger);
  other_process.store(k_destination, {table("rtb-0", "eni-0bbb")});
  ASSERT_THAT(mine.load(k_destination), SizeIs(1));

  // Rewritten in place with the same size and modification time: the stamp matches, so what was parsed
  // is what counts (only write_file_atomically replaces these files, and it always makes a new inode).
  const std::string file = mine.path(k_destination);
  struct stat before {};
  ASSERT_EQ(::stat(file.c_str(), &before), 0);
  std::optional<std::string> text = read_small_file(file);
  ASSERT_TRUE(text);
  std::string same_size = *text;
  same_size.replace(same_size.find("eni-0bbb"), 8, "eni-0ccc");
  {
    std::FILE* out = std::fopen(file.c_str(), "r+");
    ASSERT_NE(out, nullptr);
    std::fwrite(same_size.data(), 1, same_size.size(), out);
    std::fclose(out);
  }
  const timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, file.c_str(), times, 0), 0);
  EXPECT_THAT(ids_and_targets(mine.load(k_destination)), ElementsAre("rtb-0=eni-0bbb/active"));

  // Replaced by another process: read again, and a store merges into what that process wrote.
  other_process.store(k_destination, {table("rtb-1", "eni-0bbb")});
  mine.store_written(k_destination, {{"rtb-0", VipRoute{"eni-0aaa", "", "", ""}}});
  RouteViewCache from_disk(f.options(), f.logger);
  EXPECT_THAT(ids_and_targets(from_disk.load(k_destination)),
              ElementsAre("rtb-0=eni-0aaa/", "rtb-1=eni-0bbb/active"));
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
