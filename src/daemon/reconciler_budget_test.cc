// The per-failover budget ([daemon] failover_timeout, Reconciler::set_retry_budget): a takeover's calls
// retry until the budget's end, every other call has the standard bounded retries, and a budget that runs
// out is reported while the loop carries on. EC2 is FakeCloud behind RetryingCloud, which retries the way
// Ec2Client does (aws/retry.h: until the deadline when one is set, else 3 attempts; non-retryable errors
// at once), on the FakeClock.
#include <gtest/gtest.h>

#include "aws/retry.h"
#include "daemon/reconciler.h"
#include "daemon/reconciler_test_world.h"
#include "testing/fake_transport.h"

namespace cloudvip::reconciler_test {
namespace {

// What the Reconciler asked of the EC2 client, in order.
class RecordingBudget final : public RetryBudget {
 public:
  void retry_until(std::optional<TimePoint> at) override {
    now = at;
    history.push_back(at);
  }
  std::optional<TimePoint> now;
  std::vector<std::optional<TimePoint>> history;
};

// FakeCloud with an outage (every call fails with `error` until `down_until`) and Ec2Client's retry
// contract: each attempt takes 100 ms; a retryable error is retried until the budget's deadline when one is
// set, else up to 3 attempts; a non-retryable one is returned at once.
class RetryingCloud final : public Cloud {
 public:
  RetryingCloud(testing::FakeCloud& inner, FakeClock& clock, RecordingBudget& budget)
      : m_inner(inner), m_clock(clock), m_budget(budget) {}

  TimePoint down_until{};
  Error error{ErrorCode::aws, "We encountered an internal error. Please try again."};
  int attempts = 0;

  Result<Identity> identity(const std::string& mac) override { return m_inner.identity(mac); }
  Result<std::vector<RouteTableView>> route_tables(const RouteTableSelector& selector, const std::string& vpc,
                                                   const Cidr& destination) override {
    return m_inner.route_tables(selector, vpc, destination);
  }
  Result<std::vector<RouteTableView>> all_route_tables(const std::string& vpc,
                                                       const Cidr& destination) override {
    return m_inner.all_route_tables(vpc, destination);
  }
  Result<std::vector<SubnetView>> subnets(const std::string& vpc) override { return m_inner.subnets(vpc); }
  Result<std::vector<RouteTableRoutes>> read_route_tables(const RouteTableScope& scope,
                                                          const std::vector<Cidr>& destinations) override {
    for (int attempt = 1;; ++attempt) {
      if (Result<void> up = attempt_now(); !up) {
        if (!retry(up.error(), attempt)) {
          return fail(up.error());
        }
        continue;
      }
      return m_inner.read_route_tables(scope, destinations);
    }
  }
  std::vector<Result<Applied>> point_routes(const std::vector<RouteChange>& changes, bool dry_run) override {
    for (int attempt = 1;; ++attempt) {
      if (Result<void> up = attempt_now(); !up) {
        if (!retry(up.error(), attempt)) {
          return std::vector<Result<Applied>>(changes.size(), fail(up.error()));
        }
        continue;
      }
      return m_inner.point_routes(changes, dry_run);
    }
  }
  std::vector<Result<Applied>> delete_routes(const std::vector<RouteChange>& routes, bool dry_run) override {
    return m_inner.delete_routes(routes, dry_run);
  }
  Result<ElasticIpView> elastic_ip(const std::string& id) override { return m_inner.elastic_ip(id); }
  Result<Applied> associate_elastic_ip(const std::string& id, const std::string& eni, const std::string& ip,
                                       bool dry_run) override {
    return m_inner.associate_elastic_ip(id, eni, ip, dry_run);
  }
  Result<bool> source_dest_check(const std::string& eni) override { return m_inner.source_dest_check(eni); }
  Result<Applied> set_source_dest_check(const std::string& eni, bool enabled, bool dry_run) override {
    return m_inner.set_source_dest_check(eni, enabled, dry_run);
  }
  Result<Applied> assign_private_ip(const std::string& eni, Ipv4Address address, bool dry_run) override {
    return m_inner.assign_private_ip(eni, address, dry_run);
  }

 private:
  Result<void> attempt_now() {
    ++attempts;
    m_clock.advance(Millis(100));
    if (m_clock.now() <= down_until) {
      return fail(error);
    }
    return {};
  }
  bool retry(const Error& e, int attempt) const {
    if (!is_retryable(e)) {
      return false;
    }
    if (m_budget.now) {
      return m_clock.now() + Millis(100) <= *m_budget.now;
    }
    return attempt < 3;
  }

  testing::FakeCloud& m_inner;
  FakeClock& m_clock;
  RecordingBudget& m_budget;
};

Error internal_error() {
  Error e(ErrorCode::aws, "We encountered an internal error. Please try again.");
  e.aws_code = "InternalError";
  e.http_status = 500;
  return e;
}

class ReconcilerBudgetTest : public ::testing::Test {
 protected:
  ReconcilerBudgetTest()
      : cloud(world.cloud, world.clock, budget),
        reconciler(cloud, world.addresses, world.clock, world.metrics, log, options(), [] { return 0.5; }) {
    cloud.error = internal_error();
    reconciler.set_retry_budget(&budget);
    reconciler.set_vips(k_vpc, {world.vip()});
    next = reconciler.tick();  // the first read: every table is the peer's
    cloud.attempts = 0;
  }
  void TearDown() override { EXPECT_EQ(world.count("delete_routes"), 0u); }

  static ReconcilerOptions options() {
    ReconcilerOptions o = World::default_options();
    o.failover_timeout = Millis(10000);
    return o;
  }
  // The answer, and the next tick at once (as Daemon does).
  void answer(Role role) {
    reconciler.on_answer("iris", LeaderAnswer{role, "test", world.clock.now()});
    next = world.clock.now();
  }
  // Ticks whenever due until `duration` has passed (bounded in count).
  void run_for(Millis duration) {
    TimePoint end = world.clock.now() + duration;
    for (int i = 0; i < 1000 && world.clock.now() < end; ++i) {
      world.clock.set(std::max(world.clock.now(), std::min(next, end)));
      if (world.clock.now() >= next) {
        TickReport report;
        next = reconciler.tick(&report);
        expired += report.failovers_expired;
      }
    }
  }
  double metric(std::string_view name) const { return world.metrics.value(name, {{"vip", "iris"}}); }

  World world{3};
  CapturingLogger log;
  RecordingBudget budget;
  RetryingCloud cloud;
  Reconciler reconciler;
  TimePoint next{};
  size_t expired = 0;
};

TEST_F(ReconcilerBudgetTest, ATakeoverRetriesThroughAnOutageWithinItsBudgetInTheTickOfTheLeaderChange) {
  TimePoint signal = world.clock.now();
  cloud.down_until = signal + Millis(4000);  // 40 attempts of 100 ms: far more than the standard 3
  answer(Role::primary);

  TickReport report;
  next = reconciler.tick(&report);

  ASSERT_TRUE(report.retried_until.has_value());
  EXPECT_EQ(*report.retried_until, signal + Millis(10000));
  EXPECT_TRUE(world.every_table_ours()) << "the writes kept trying until EC2 answered";
  EXPECT_EQ(report.write_errors, 0u);
  EXPECT_GT(cloud.attempts, 3);
  EXPECT_EQ(world.metrics.value("cloudvip_failover_seconds", {}), 1) << "the failover completed";
  EXPECT_EQ(metric("cloudvip_failover_timeouts_total"), 0);
  EXPECT_FALSE(budget.now.has_value()) << "the standard retries are back after the tick";

  // The verifying read, consistency_grace after the writes, still runs under the takeover's budget (the
  // outage is back for a moment); the reads after it do not.
  cloud.down_until = world.clock.now() + Millis(3000);
  world.clock.set(std::max(world.clock.now(), next));
  TickReport verify;
  next = reconciler.tick(&verify);
  ASSERT_TRUE(verify.retried_until.has_value());
  EXPECT_EQ(*verify.retried_until, signal + Millis(10000));
  EXPECT_TRUE(verify.observed) << "the read kept trying through the outage";
  world.clock.set(std::max(world.clock.now(), next));
  TickReport periodic;
  next = reconciler.tick(&periodic);
  EXPECT_TRUE(periodic.observed);
  EXPECT_FALSE(periodic.retried_until.has_value());
}

TEST_F(ReconcilerBudgetTest, OutsideATakeoverEveryCallHasTheStandardBoundedRetries) {
  answer(Role::primary);
  run_for(Millis(3000));  // the takeover and its verifying read
  ASSERT_TRUE(world.every_table_ours());
  budget.history.clear();
  // Drift during an outage: the periodic read and the repair are bounded, not held for a budget.
  world.cloud.set_route(table_id(2), world.vip().destination, route_to(k_peer));
  cloud.down_until = world.clock.now() + Millis(60000);
  cloud.attempts = 0;
  TimePoint before = world.clock.now();
  world.clock.set(std::max(before, next));
  TickReport report;
  next = reconciler.tick(&report);

  EXPECT_FALSE(report.retried_until.has_value());
  EXPECT_TRUE(report.read_error.has_value());
  EXPECT_EQ(cloud.attempts, 3) << "one read, its 2 standard retries, and no more";
  for (const std::optional<TimePoint>& at : budget.history) {
    EXPECT_FALSE(at.has_value());
  }
}

TEST_F(ReconcilerBudgetTest, ABudgetThatRunsOutIsReportedAndTheLoopKeepsReconciling) {
  TimePoint signal = world.clock.now();
  cloud.down_until = signal + Millis(25000);
  answer(Role::primary);

  run_for(Millis(10500));
  EXPECT_GE(cloud.attempts, 90) << "100 ms attempts for the whole 10 s budget";
  EXPECT_EQ(expired, 1u);
  EXPECT_EQ(metric("cloudvip_failover_timeouts_total"), 1);
  EXPECT_NE(log.text().find("failover_timeout = 10000 ms"), std::string::npos) << log.text();
  EXPECT_FALSE(world.every_table_ours());
  EXPECT_FALSE(budget.now.has_value());

  // After the budget: bounded calls (no tick holds the loop for long), and the tables converge once EC2
  // answers again, by the write retries and the periodic read.
  budget.history.clear();
  run_for(Millis(30000));
  for (const std::optional<TimePoint>& at : budget.history) {
    EXPECT_FALSE(at.has_value());
  }
  EXPECT_TRUE(world.every_table_ours());
  EXPECT_EQ(expired, 1u) << "reported once";
}

TEST_F(ReconcilerBudgetTest, ANonRetryableErrorEndsTheTakeoverTickAtOnce) {
  Error denied(ErrorCode::aws, "You are not authorized to perform this operation.");
  denied.aws_code = "UnauthorizedOperation";
  denied.http_status = 403;
  cloud.error = denied;
  cloud.down_until = world.clock.now() + Millis(60000);
  answer(Role::primary);
  TickReport report;
  next = reconciler.tick(&report);
  ASSERT_TRUE(report.retried_until.has_value());
  EXPECT_EQ(report.write_errors, 3u);
  EXPECT_LE(cloud.attempts, 2) << "the write, then the read: each answered once";
}

// The production budget is the EC2 client's failover mode.
TEST(Ec2RetryBudgetTest, SetsAndClearsTheClientsRetryDeadline) {
  testing::FakeTransport transport;
  StaticCredentialsProvider credentials(Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, "test"});
  FakeClock clock;
  CapturingLogger logger;
  Ec2Client client(transport, credentials, clock,
                   Ec2ClientOptions{"http://127.0.0.1:9", "us-east-1", {}, Millis(5000), Millis(1000), {}},
                   logger);
  Ec2RetryBudget budget(client);
  budget.retry_until(clock.now() + Millis(7000));
  ASSERT_TRUE(client.retry_deadline().has_value());
  EXPECT_EQ(client.retry_deadline()->at, clock.now() + Millis(7000));
  budget.retry_until(std::nullopt);
  EXPECT_FALSE(client.retry_deadline().has_value());
}

}  // namespace
}  // namespace cloudvip::reconciler_test
