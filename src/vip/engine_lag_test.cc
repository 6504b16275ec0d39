// Engine::acquire under EC2's eventual consistency (issue 10): a read that says "already ours" is read
// again after the settle time before nothing is written, and the verification reads again what lags until
// the deadline. The lagging replica is HookedCloud::lag, which rewrites a read's answer.
#include <gmock/gmock.h>

#include "vip/engine_test_world.h"

namespace cloudvip::engine_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class LagTest : public EngineWorld {
 protected:
  std::vector<std::string> route_calls() const {
    std::vector<std::string> out;
    for (const testing::FakeCall& call : cloud.calls()) {
      if (call.method == "route_tables" || call.method == "point_routes") {
        out.push_back(call.method);
      }
    }
    return out;
  }
  // Makes reads number `from`..`to` show table `id` (every table when empty) on `eni`: the view of a
  // replica that has not seen the last writes.
  void lag_reads(int from, int to, const std::string& eni, const std::string& id = "") {
    hooked.lag = [=](int read, std::vector<RouteTableView>& tables) {
      if (read < from || read > to) {
        return;
      }
      for (RouteTableView& view : tables) {
        if (id.empty() || view.id == id) {
          view.route = route_to(eni);
        }
      }
    };
  }
  bool every_table_ours(int n) const {
    for (int i = 0; i < n; ++i) {
      if (our_route("rtb-" + std::to_string(i)) != "eni-0aaa active") {
        return false;
      }
    }
    return true;
  }
};

TEST_F(LagTest, ALaggingReadThatSaysOursIsReadAgainAndTheTablesAreWritten) {
  add_tables(3, k_peer_eni);   // the truth: the peer took every table
  lag_reads(1, 1, k_our_eni);  // the first read still shows them on our ENI

  AcquireReport report = engine.acquire(overlay_spec(), {.settle = Millis(1000)});

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_TRUE(every_table_ours(3)) << "the lagging read did not make acquire skip the write";
  EXPECT_THAT(route_calls(), ElementsAre("route_tables", "route_tables", "point_routes", "route_tables"));
  EXPECT_GE(clock.total_slept(), Millis(1000));
  for (const RouteTableReport& row : report.route_tables) {
    EXPECT_EQ(row.action, RouteAction::replaced) << row.id;
    EXPECT_EQ(row.verified, Verified::yes) << row.id;
    EXPECT_THAT(row.note, HasSubstr("the first read lagged")) << row.id;
  }
}

TEST_F(LagTest, WithoutTheSettleTheLaggingReadIsTrustedAndNothingIsWritten) {
  // The hazard itself (settle = 0: the behaviour before issue 10's fix): exit 0, the VIP on the peer.
  add_tables(2, k_peer_eni);
  lag_reads(1, 1, k_our_eni);
  AcquireReport report = engine.acquire(overlay_spec(), {.settle = Millis(0)});
  EXPECT_EQ(report.exit_code, 0);
  EXPECT_EQ(cloud.mutating_call_count(), 0u);
  EXPECT_FALSE(every_table_ours(2));
}

TEST_F(LagTest, ARepeatedAcquireOnTheHolderReadsTwiceAndWritesNothing) {
  add_tables(3, k_our_eni);
  AcquireReport report = engine.acquire(overlay_spec(), {.settle = Millis(1000)});
  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_THAT(route_calls(), ElementsAre("route_tables", "route_tables"));
  EXPECT_EQ(cloud.mutating_call_count(), 0u);
  for (const RouteTableReport& row : report.route_tables) {
    EXPECT_EQ(row.action, RouteAction::unchanged) << row.id;
  }
}

TEST_F(LagTest, NoTimeToSettleBeforeTheDeadlineMeansTheTablesAreWritten) {
  add_tables(2, k_our_eni);
  AcquireReport report =
      engine.acquire(overlay_spec(), {.settle = Millis(1000), .deadline = clock.now() + Millis(800)});
  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_THAT(route_calls(), ElementsAre("route_tables", "point_routes", "route_tables"));
  EXPECT_THAT(report.route_tables[0].note, HasSubstr("written to be sure"));
  EXPECT_EQ(clock.total_slept(), Millis(0));
}

TEST_F(LagTest, TheVerificationReadsALaggingTableAgainUntilItShowsTheWrite) {
  add_tables(3, k_peer_eni);
  lag_reads(2, 3, k_peer_eni, "rtb-1");  // the first two verification reads still show the peer on rtb-1

  AcquireReport report =
      engine.acquire(overlay_spec(), {.settle = Millis(1000), .deadline = clock.now() + Millis(10000)});

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_THAT(route_calls(),
              ElementsAre("route_tables", "point_routes", "route_tables", "route_tables", "route_tables"));
  EXPECT_EQ(report.route_tables[1].verified, Verified::yes);
  EXPECT_THAT(report.route_tables[1].note, HasSubstr("verified by read 3"));
  EXPECT_EQ(cloud.point_routes_batches(), std::vector<size_t>{3}) << "nothing written twice";
}

TEST_F(LagTest, AVerificationThatNeverSeesTheWriteFailsAtTheDeadline) {
  add_tables(2, k_peer_eni);
  lag_reads(2, 1000, k_peer_eni, "rtb-0");
  TimePoint deadline = clock.now() + Millis(5000);

  AcquireReport report = engine.acquire(overlay_spec(), {.settle = Millis(1000), .deadline = deadline});

  EXPECT_EQ(report.exit_code, 1);
  EXPECT_EQ(report.route_tables[0].verified, Verified::no);
  EXPECT_EQ(report.route_tables[1].verified, Verified::yes);
  EXPECT_LE(clock.now(), deadline);
  EXPECT_GT(hooked.reads, 3);
}

TEST_F(LagTest, WithoutADeadlineTheVerificationReadsOnce) {
  add_tables(2, k_peer_eni);
  lag_reads(2, 1000, k_peer_eni, "rtb-0");
  AcquireReport report = engine.acquire(overlay_spec(), {.settle = Millis(1000)});
  EXPECT_EQ(report.exit_code, 1);
  EXPECT_THAT(route_calls(), ElementsAre("route_tables", "point_routes", "route_tables"));
}

}  // namespace
}  // namespace cloudvip::engine_test
