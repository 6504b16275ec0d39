// The daemon's metrics: counters, gauges and histograms with labels, rendered in the Prometheus text
// exposition format (prometheus/docs content/docs/instrumenting/exposition_formats.md). No I/O here:
// MetricsServer (metrics_server.h) serves render() on GET /metrics. Names are an interface (docs/daemon.md):
// clang-format off
//   cloudvip_is_primary{vip}                              gauge 0/1
//   cloudvip_leader_source_up{vip,source}                 gauge 0/1 (0 while the source answers unknown)
//   cloudvip_leadership_transitions_total{vip}            counter
//   cloudvip_route_writes_total{vip,route_table,result}   counter; result = "ok" | "error"
//   cloudvip_drift_repairs_total{vip}                     counter
//   cloudvip_contested{vip}                               gauge 0/1
//   cloudvip_reconcile_duration_seconds                   histogram
//   cloudvip_failover_seconds                             histogram (leader signal -> every table acknowledged)
//   cloudvip_failover_timeouts_total{vip}                 counter (declare_reconciler_metrics)
//   cloudvip_ec2_calls_total{action,result}               counter; result = "ok" | the AWS error code | "error"
//   cloudvip_last_reconcile_timestamp_seconds{vip}        gauge, Unix seconds
//   cloudvip_build_info{version}                          gauge 1
// clang-format on
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cloudvip {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;  // in the order rendered

// Safe to use from several threads.
class Metrics {
 public:
  // Declares a family before use (its # HELP and # TYPE lines). Using an undeclared name is a broken
  // invariant (asserts in debug builds, ignored otherwise).
  void declare_counter(std::string name, std::string help);
  void declare_gauge(std::string name, std::string help);
  // `bounds`: the upper bounds of the buckets in seconds, ascending; +Inf is implied.
  void declare_histogram(std::string name, std::string help, std::vector<double> bounds);

  void add(std::string_view counter, const MetricLabels& labels, double amount = 1);
  void set(std::string_view gauge, const MetricLabels& labels, double value);
  void observe(std::string_view histogram, const MetricLabels& labels, double value);

  // The current value of a counter or gauge series (0 when never touched): for tests and status output.
  // For a histogram series: its observation count.
  double value(std::string_view name, const MetricLabels& labels) const;

  // Every declared family in declaration order, series sorted by labels; label values escaped
  // (backslash, double quote, newline).
  std::string render() const;

 private:
  struct State;  // metrics.cc: the families, their series and a mutex
  std::unique_ptr<State> m_state;

 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;
};

// Declares every family named above, and sets cloudvip_build_info{version=CLOUDVIP_VERSION} to 1.
void declare_daemon_metrics(Metrics& metrics);

}  // namespace cloudvip
