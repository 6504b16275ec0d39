#include "daemon/metrics.h"

#include <gtest/gtest.h>

#include <thread>

namespace cloudvip {
namespace {

TEST(MetricsTest, DeclaredFamilyWithoutSeriesRendersOnlyItsHeader) {
  Metrics metrics;
  metrics.declare_counter("x_total", "Things.");
  EXPECT_EQ(metrics.render(), "# HELP x_total Things.\n# TYPE x_total counter\n");
}

TEST(MetricsTest, CountersAddAndSeriesAreSortedByLabels) {
  Metrics metrics;
  metrics.declare_counter("cloudvip_route_writes_total", "Writes.");
  MetricLabels b{{"vip", "b"}, {"route_table", "rtb-1"}, {"result", "ok"}};
  MetricLabels a{{"vip", "a"}, {"route_table", "rtb-2"}, {"result", "error"}};
  metrics.add("cloudvip_route_writes_total", b);
  metrics.add("cloudvip_route_writes_total", a, 2);
  metrics.add("cloudvip_route_writes_total", b);
  EXPECT_EQ(metrics.render(),
            "# HELP cloudvip_route_writes_total Writes.\n"
            "# TYPE cloudvip_route_writes_total counter\n"
            "cloudvip_route_writes_total{vip=\"a\",route_table=\"rtb-2\",result=\"error\"} 2\n"
            "cloudvip_route_writes_total{vip=\"b\",route_table=\"rtb-1\",result=\"ok\"} 2\n");
  EXPECT_EQ(metrics.value("cloudvip_route_writes_total", b), 2);
  EXPECT_EQ(metrics.value("cloudvip_route_writes_total", {{"vip", "c"}}), 0);
}

TEST(MetricsTest, GaugesSetAndFamiliesKeepDeclarationOrder) {
  Metrics metrics;
  metrics.declare_gauge("z_gauge", "Last declared first.");
  metrics.declare_gauge("a_gauge", "Declared second.");
  metrics.set("a_gauge", {}, 1.5);
  metrics.set("z_gauge", {{"vip", "iris"}}, 1);
  metrics.set("z_gauge", {{"vip", "iris"}}, 0);
  metrics.set("a_gauge", {}, 1700000000.25);
  EXPECT_EQ(metrics.render(),
            "# HELP z_gauge Last declared first.\n"
            "# TYPE z_gauge gauge\n"
            "z_gauge{vip=\"iris\"} 0\n"
            "# HELP a_gauge Declared second.\n"
            "# TYPE a_gauge gauge\n"
            "a_gauge 1700000000.25\n");
}

TEST(MetricsTest, EscapesLabelValuesAndHelpText) {
  Metrics metrics;
  metrics.declare_gauge("g", "A \\ backslash\nand a \"quote\".");
  metrics.set("g", {{"vip", "a\"b\\c\nd"}}, 1);
  EXPECT_EQ(metrics.render(),
            "# HELP g A \\\\ backslash\\nand a \"quote\".\n"
            "# TYPE g gauge\n"
            "g{vip=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(MetricsTest, SpecialValuesAreSpelledAsPrometheusReadsThem) {
  Metrics metrics;
  metrics.declare_gauge("g", "h");
  metrics.set("g", {{"k", "inf"}}, std::numeric_limits<double>::infinity());
  metrics.set("g", {{"k", "nan"}}, std::numeric_limits<double>::quiet_NaN());
  metrics.set("g", {{"k", "neg"}}, -std::numeric_limits<double>::infinity());
  metrics.set("g", {{"k", "small"}}, 0.001);
  EXPECT_EQ(metrics.render(),
            "# HELP g h\n# TYPE g gauge\n"
            "g{k=\"inf\"} +Inf\n"
            "g{k=\"nan\"} NaN\n"
            "g{k=\"neg\"} -Inf\n"
            "g{k=\"small\"} 0.001\n");
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Metrics metrics;
  metrics.declare_histogram("d_seconds", "Durations.", {0.1, 0.5, 1});
  metrics.observe("d_seconds", {}, 0.05);
  metrics.observe("d_seconds", {}, 0.1);  // on a bound: counted in that bucket (le is inclusive)
  metrics.observe("d_seconds", {}, 0.75);
  metrics.observe("d_seconds", {}, 3);
  EXPECT_EQ(metrics.render(),
            "# HELP d_seconds Durations.\n"
            "# TYPE d_seconds histogram\n"
            "d_seconds_bucket{le=\"0.1\"} 2\n"
            "d_seconds_bucket{le=\"0.5\"} 2\n"
            "d_seconds_bucket{le=\"1\"} 3\n"
            "d_seconds_bucket{le=\"+Inf\"} 4\n"
            "d_seconds_sum 3.9\n"
            "d_seconds_count 4\n");
  EXPECT_EQ(metrics.value("d_seconds", {}), 4);
}

TEST(MetricsTest, LabelledHistogramPutsLeLast) {
  Metrics metrics;
  metrics.declare_histogram("f_seconds", "F.", {1});
  metrics.observe("f_seconds", {{"vip", "iris"}}, 0.5);
  EXPECT_EQ(metrics.render(),
            "# HELP f_seconds F.\n"
            "# TYPE f_seconds histogram\n"
            "f_seconds_bucket{vip=\"iris\",le=\"1\"} 1\n"
            "f_seconds_bucket{vip=\"iris\",le=\"+Inf\"} 1\n"
            "f_seconds_sum{vip=\"iris\"} 0.5\n"
            "f_seconds_count{vip=\"iris\"} 1\n");
}

TEST(MetricsTest, DeclaringTwiceKeepsTheFirstAndItsSeries) {
  Metrics metrics;
  metrics.declare_counter("c_total", "First.");
  metrics.add("c_total", {});
  metrics.declare_counter("c_total", "Second.");
  EXPECT_EQ(metrics.render(), "# HELP c_total First.\n# TYPE c_total counter\nc_total 1\n");
}

TEST(MetricsTest, SafeFromSeveralThreads) {
  Metrics metrics;
  metrics.declare_counter("c_total", "C.");
  metrics.declare_histogram("h_seconds", "H.", {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics] {
      for (int i = 0; i < 1000; ++i) {
        metrics.add("c_total", {{"k", "v"}});
        metrics.observe("h_seconds", {}, 0.5);
        (void)metrics.render();
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(metrics.value("c_total", {{"k", "v"}}), 4000);
  EXPECT_EQ(metrics.value("h_seconds", {}), 4000);
}

TEST(MetricsTest, DaemonMetricsDeclareEveryFamilyOfTheInterface) {
  Metrics metrics;
  declare_daemon_metrics(metrics);
  std::string text = metrics.render();
  for (const char* family :
       {"cloudvip_is_primary gauge", "cloudvip_leader_source_up gauge",
        "cloudvip_leadership_transitions_total counter", "cloudvip_route_writes_total counter",
        "cloudvip_drift_repairs_total counter", "cloudvip_contested gauge",
        "cloudvip_reconcile_duration_seconds histogram", "cloudvip_failover_seconds histogram",
        "cloudvip_ec2_calls_total counter", "cloudvip_last_reconcile_timestamp_seconds gauge",
        "cloudvip_build_info gauge"}) {
    EXPECT_NE(text.find(std::string("# TYPE ") + family + "\n"), std::string::npos) << family;
  }
  EXPECT_NE(text.find(std::string("cloudvip_build_info{version=\"") + CLOUDVIP_VERSION + "\"} 1\n"),
            std::string::npos);
}

TEST(MetricsTest, FailoverBucketsSpanFiftyMillisecondsToThirtySeconds) {
  Metrics metrics;
  declare_daemon_metrics(metrics);
  metrics.observe("cloudvip_failover_seconds", {}, 0.04);
  metrics.observe("cloudvip_failover_seconds", {}, 29);
  std::string text = metrics.render();
  EXPECT_NE(text.find("cloudvip_failover_seconds_bucket{le=\"0.05\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("cloudvip_failover_seconds_bucket{le=\"30\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("cloudvip_failover_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace cloudvip
