// Engine::acquire with a remembered route view (issue 9): tables the view says the peer holds are written
// without a read first; the others are read first; a stale, corrupt or unwritable view never costs a missing
// route or a failed acquire. The view lives in a RouteViewCache on a temp directory, behind CachingCloud,
// as in production.
#include <gmock/gmock.h>

#include <algorithm>
#include <filesystem>

#include "testing/temp_dir.h"
#include "vip/caching_cloud.h"
#include "vip/engine_test_world.h"

namespace cloudvip::engine_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

class WriteFirstTest : public EngineWorld {
 protected:
  static VipSpec named_spec(int n) {
    VipSpec spec = overlay_spec();
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      ids.push_back("rtb-" + std::to_string(i));
    }
    spec.route_tables = ExplicitRouteTables{ids};
    return spec;
  }

  // The methods of the route calls, in order: "route_tables" (a read) and "point_routes" (a write).
  std::vector<std::string> route_calls() const {
    std::vector<std::string> out;
    for (const testing::FakeCall& call : cloud.calls()) {
      if (call.method == "route_tables" || call.method == "point_routes") {
        out.push_back(call.method);
      }
    }
    return out;
  }

  std::string view_dir() const { return temp.path() + "/run/cloudvip"; }

  // The standby looks at the tables (as `cloudvip status` does): exit 3, the VIP is not held here.
  void look(int n) { ASSERT_EQ(remembering.status(named_spec(n)).exit_code, 3) << log.text(); }

  testing::TempDir temp;
  std::string boot_id = temp.write("boot_id", "b00710d0-0000-4000-8000-000000000001\n");
  IdentityCache identities{IdentityCacheOptions{view_dir(), boot_id}, log};
  RouteViewCache views{RouteViewCacheOptions{view_dir(), boot_id, "http://127.0.0.1:1 eu-west-1"}, log};
  CachingCloud caching{hooked, identities, &views};
  Engine remembering{caching, addresses, clock, log};
};

TEST_F(WriteFirstTest, TablesTheViewSaysThePeerHoldsAreWrittenWithoutAReadFirst) {
  add_tables(3, k_peer_eni);
  look(3);
  cloud.clear_calls();

  AcquireReport report = remembering.acquire(named_spec(3));

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_THAT(route_calls(), ElementsAre("point_routes", "route_tables")) << "the write, then verification";
  EXPECT_EQ(cloud.point_routes_batches(), std::vector<size_t>{3});
  ASSERT_THAT(report.route_tables, SizeIs(3));
  for (int i = 0; i < 3; ++i) {
    const RouteTableReport& row = report.route_tables[i];
    EXPECT_EQ(row.id, "rtb-" + std::to_string(i));
    EXPECT_TRUE(row.written_first) << row.id;
    EXPECT_EQ(row.before.owner, RouteOwner::peer) << row.id;
    EXPECT_EQ(row.action, RouteAction::replaced) << row.id;
    EXPECT_EQ(row.verified, Verified::yes) << row.id;
    EXPECT_THAT(row.note, HasSubstr("without reading first")) << row.id;
    EXPECT_EQ(our_route(row.id), "eni-0aaa active");
  }
  EXPECT_TRUE(report.route_tables[0].main) << "the main flag comes from the view";
  EXPECT_EQ(report.timings.read, Millis(0)) << "nothing was read before the write";
}

TEST_F(WriteFirstTest, NoVerifyMeansTheWriteIsTheOnlyCall) {
  add_tables(50, k_peer_eni);
  look(50);
  cloud.clear_calls();

  AcquireReport report = remembering.acquire(named_spec(50), AcquireOptions{.verify = false});

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_THAT(route_calls(), ElementsAre("point_routes"));
  EXPECT_EQ(cloud.point_routes_batches(), std::vector<size_t>{50});
}

TEST_F(WriteFirstTest, RepeatedAcquireOnTheHolderReadsAndWritesNothing) {
  add_tables(3, k_peer_eni);
  look(3);
  ASSERT_EQ(remembering.acquire(named_spec(3)).exit_code, 0);
  cloud.clear_calls();

  AcquireReport again = remembering.acquire(named_spec(3));

  EXPECT_EQ(again.exit_code, 0) << render_table(again);
  EXPECT_THAT(route_calls(), ElementsAre("route_tables", "route_tables"))
      << "the view says ours: read, read again after the settle time (issue 10), nothing to write";
  EXPECT_EQ(cloud.mutating_call_count(), 0u);
  for (const RouteTableReport& row : again.route_tables) {
    EXPECT_FALSE(row.written_first) << row.id;
    EXPECT_EQ(row.action, RouteAction::unchanged) << row.id;
  }
}

TEST_F(WriteFirstTest, WithoutAViewEveryTableIsReadFirst) {
  add_tables(3, k_peer_eni);

  AcquireReport report = remembering.acquire(named_spec(3));

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_THAT(route_calls(), ElementsAre("route_tables", "point_routes", "route_tables"));
  for (const RouteTableReport& row : report.route_tables) {
    EXPECT_FALSE(row.written_first) << row.id;
    EXPECT_EQ(row.action, RouteAction::replaced) << row.id;
  }
}

TEST_F(WriteFirstTest, TablesTheViewDoesNotKnowAreReadWhileTheKnownOnesAreWritten) {
  add_tables(2, k_peer_eni);
  look(2);
  // rtb-2 and rtb-3 appear after that reading: one on the peer, one already ours.
  cloud.add_route_table({.id = "rtb-2", .vpc_id = "vpc-1"});
  cloud.set_route("rtb-2", k_overlay_destination, route_to(k_peer_eni));
  cloud.add_route_table({.id = "rtb-3", .vpc_id = "vpc-1"});
  cloud.set_route("rtb-3", k_overlay_destination, route_to(k_our_eni));
  cloud.clear_calls();

  AcquireReport report = remembering.acquire(named_spec(4));

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  ASSERT_THAT(report.route_tables, SizeIs(4));
  std::vector<std::string> ids;
  for (const RouteTableReport& row : report.route_tables) {
    ids.push_back(row.id);
    EXPECT_EQ(our_route(row.id), "eni-0aaa active") << row.id;
  }
  EXPECT_THAT(ids, ElementsAre("rtb-0", "rtb-1", "rtb-2", "rtb-3")) << "rows in the configuration's order";
  EXPECT_TRUE(report.route_tables[0].written_first);
  EXPECT_TRUE(report.route_tables[1].written_first);
  EXPECT_FALSE(report.route_tables[2].written_first);
  EXPECT_EQ(report.route_tables[2].action, RouteAction::replaced);
  EXPECT_EQ(report.route_tables[3].action, RouteAction::unchanged);
  std::vector<testing::FakeCall> reads = cloud.calls("route_tables");
  ASSERT_THAT(reads, SizeIs(3))
      << "the unknown tables, the settle read of rtb-3 (read as ours), verification";
  EXPECT_THAT(reads[0].args, ::testing::Contains(HasSubstr("rtb-2")));
  EXPECT_THAT(reads[0].args, ::testing::Not(::testing::Contains(HasSubstr("rtb-0"))));
  EXPECT_EQ(cloud.point_routes_batches(), (std::vector<size_t>{2, 1}))
      << "the known tables at once, then the one the reading found on the peer";
}

TEST_F(WriteFirstTest, AStaleViewStillConverges) {
  add_tables(3, k_peer_eni);
  look(3);
  // Since that reading: rtb-0 came to us by another way, rtb-1's route was deleted, rtb-2 is unchanged.
  cloud.set_route("rtb-0", k_overlay_destination, route_to(k_our_eni));
  ASSERT_TRUE(cloud.delete_routes({RouteChange{"rtb-1", k_overlay_destination, k_peer_eni}}, false)[0]);
  cloud.clear_calls();

  AcquireReport report = remembering.acquire(named_spec(3));

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_EQ(cloud.point_routes_batches(), std::vector<size_t>{3}) << "rtb-0's write is redundant, harmless";
  for (const RouteTableReport& row : report.route_tables) {
    EXPECT_EQ(our_route(row.id), "eni-0aaa active") << row.id;
    EXPECT_EQ(row.verified, Verified::yes) << row.id;
  }
}

TEST_F(WriteFirstTest, AViewThatSaysOursWhileThePeerTookItOverReadsThenWrites) {
  add_tables(2, k_peer_eni);
  ASSERT_EQ(remembering.acquire(named_spec(2)).exit_code, 0);             // the view: ours
  cloud.set_route("rtb-0", k_overlay_destination, route_to(k_peer_eni));  // the peer took rtb-0 back
  cloud.clear_calls();

  AcquireReport report = remembering.acquire(named_spec(2));

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_THAT(route_calls(), ElementsAre("route_tables", "point_routes", "route_tables", "route_tables"))
      << "read, write rtb-0, the settle read of rtb-1 (read as ours), verification";
  EXPECT_EQ(cloud.point_routes_batches(), std::vector<size_t>{1});
  EXPECT_EQ(our_route("rtb-0"), "eni-0aaa active");
}

TEST_F(WriteFirstTest, ACorruptViewFileFallsBackToReading) {
  add_tables(3, k_peer_eni);
  look(3);
  std::string file = views.path(k_overlay_destination);
  ASSERT_TRUE(std::filesystem::exists(file)) << log.text();
  temp.write(file.substr(temp.path().size() + 1), "{\"version\": 1, \"tables\": [{\"id\": 7}");
  cloud.clear_calls();

  AcquireReport report = remembering.acquire(named_spec(3));

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_THAT(route_calls(), ElementsAre("route_tables", "point_routes", "route_tables"));
  EXPECT_THAT(log.text(), HasSubstr("route view cache miss"));
}

TEST_F(WriteFirstTest, AnUnwritableCacheDirectoryNeverFailsTheAcquire) {
  // The cache directory's path is taken by a plain file: nothing can be stored under it.
  temp.write("run/cloudvip", "not a directory");
  add_tables(3, k_peer_eni);
  look(3);
  cloud.clear_calls();

  AcquireReport report = remembering.acquire(named_spec(3));

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_THAT(route_calls(), ElementsAre("route_tables", "point_routes", "route_tables"));
  EXPECT_THAT(log.text(), HasSubstr("route view cache not written"));
}

TEST_F(WriteFirstTest, TagSelectorsAndDryRunsAlwaysReadFirst) {
  add_tables(2, k_peer_eni);
  look(2);
  cloud.clear_calls();

  AcquireReport dry = remembering.acquire(named_spec(2), AcquireOptions{.dry_run = true});
  EXPECT_EQ(dry.exit_code, 0) << render_table(dry);
  EXPECT_THAT(route_calls(), ElementsAre("route_tables", "point_routes"));
  cloud.clear_calls();

  AcquireReport tagged = remembering.acquire(overlay_spec());  // cloudvip=iris: rtb-0, rtb-1
  EXPECT_EQ(tagged.exit_code, 0) << render_table(tagged);
  EXPECT_THAT(route_calls(), ElementsAre("route_tables", "point_routes", "route_tables"));
}

TEST_F(WriteFirstTest, AFailedReadOfTheUnknownTablesKeepsTheWritesAlreadyMade) {
  add_tables(1, k_peer_eni);
  look(1);
  cloud.add_route_table({.id = "rtb-1", .vpc_id = "vpc-1"});
  cloud.fail_route_table("rtb-1", Error(ErrorCode::network, "connection reset"));

  AcquireReport report = remembering.acquire(named_spec(2));

  EXPECT_EQ(report.exit_code, 1) << render_table(report);
  ASSERT_TRUE(report.error);
  EXPECT_THAT(report.error->to_string(), HasSubstr("connection reset"));
  ASSERT_THAT(report.route_tables, SizeIs(1));
  EXPECT_EQ(report.route_tables[0].action, RouteAction::replaced);
  EXPECT_EQ(our_route("rtb-0"), "eni-0aaa active");
}

}  // namespace
}  // namespace cloudvip::engine_test
