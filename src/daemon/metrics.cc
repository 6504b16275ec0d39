#include "daemon/metrics.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <map>
#include <mutex>

namespace cloudvip {
namespace {

enum class Kind { counter, gauge, histogram };

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::counter:
      return "counter";
    case Kind::gauge:
      return "gauge";
    case Kind::histogram:
      return "histogram";
  }
  return "untyped";
}

struct HistogramSeries {
  std::vector<std::uint64_t> buckets;  // per bound, not cumulative; the +Inf bucket is `count`
  double sum = 0;
  std::uint64_t count = 0;
};

struct Family {
  std::string name;
  std::string help;
  Kind kind = Kind::counter;
  std::vector<double> bounds;                          // histograms only
  std::map<MetricLabels, double> values;               // counters and gauges
  std::map<MetricLabels, HistogramSeries> histograms;  // histograms
};

// Go's strconv.FormatFloat(v, 'g', -1, 64) as the Prometheus clients print sample values: the shortest
// text that reads back as the same double; +Inf, -Inf and NaN by name.
std::string format_value(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (ec != std::errc()) {
    return "NaN";
  }
  return std::string(buffer, end);
}

// HELP text escapes backslash and newline; label values also escape the double quote.
std::string escape(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// `{a="x",b="y"}`, with `extra` (the histogram's le) last; "" when there is no label at all.
std::string render_labels(const MetricLabels& labels,
                          const std::pair<std::string, std::string>* extra = nullptr) {
  if (labels.empty() && extra == nullptr) {
    return "";
  }
  std::string out = "{";
  bool first = true;
  auto add = [&](const std::string& key, const std::string& value) {
    if (!first) {
      out += ',';
    }
    first = false;
    out += key;
    out += "=\"";
    out += escape(value, true);
    out += '"';
  };
  for (const auto& [key, value] : labels) {
    add(key, value);
  }
  if (extra != nullptr) {
    add(extra->first, extra->second);
  }
  out += '}';
  return out;
}

void render_family(const Family& family, std::string& out) {
  out += "# HELP " + family.name + " " + escape(family.help, false) + "\n";
  out += "# TYPE " + family.name + " " + std::string(kind_name(family.kind)) + "\n";
  if (family.kind != Kind::histogram) {
    for (const auto& [labels, value] : family.values) {
      out += family.name + render_labels(labels) + " " + format_value(value) + "\n";
    }
    return;
  }
  for (const auto& [labels, series] : family.histograms) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < family.bounds.size(); ++i) {
      cumulative += series.buckets[i];
      std::pair<std::string, std::string> le{"le", format_value(family.bounds[i])};
      out += family.name + "_bucket" + render_labels(labels, &le) + " " + std::to_string(cumulative) + "\n";
    }
    std::pair<std::string, std::string> inf{"le", "+Inf"};
    out += family.name + "_bucket" + render_labels(labels, &inf) + " " + std::to_string(series.count) + "\n";
    out += family.name + "_sum" + render_labels(labels) + " " + format_value(series.sum) + "\n";
    out += family.name + "_count" + render_labels(labels) + " " + std::to_string(series.count) + "\n";
  }
}

}  // namespace

struct Metrics::State {
  mutable std::mutex mutex;
  std::vector<Family> families;  // declaration order

  Family* find(std::string_view name) {
    auto it = std::find_if(families.begin(), families.end(), [&](const Family& f) { return f.name == name; });
    return it == families.end() ? nullptr : &*it;
  }
  const Family* find(std::string_view name) const { return const_cast<State*>(this)->find(name); }

  void declare(std::string name, std::string help, Kind kind, std::vector<double> bounds) {
    std::lock_guard lock(mutex);
    if (Family* existing = find(name)) {  // declaring twice keeps the first (and its series)
      assert(existing->kind == kind && "a metric family declared twice with different types");
      return;
    }
    Family family;
    family.name = std::move(name);
    family.help = std::move(help);
    family.kind = kind;
    family.bounds = std::move(bounds);
    families.push_back(std::move(family));
  }

  // The family `name` when it is declared as `kind`; nullptr (and an assert in debug builds) otherwise.
  Family* use(std::string_view name, Kind kind) {
    Family* family = find(name);
    assert(family != nullptr && "metric family used before it was declared");
    assert((family == nullptr || family->kind == kind) && "metric family used as the wrong type");
    if (family == nullptr || family->kind != kind) {
      return nullptr;
    }
    return family;
  }
};

Metrics::Metrics() : m_state(std::make_unique<State>()) {}
Metrics::~Metrics() = default;

void Metrics::declare_counter(std::string name, std::string help) {
  m_state->declare(std::move(name), std::move(help), Kind::counter, {});
}

void Metrics::declare_gauge(std::string name, std::string help) {
  m_state->declare(std::move(name), std::move(help), Kind::gauge, {});
}

void Metrics::declare_histogram(std::string name, std::string help, std::vector<double> bounds) {
  assert(std::is_sorted(bounds.begin(), bounds.end()) && "histogram bounds must ascend");
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  std::erase_if(bounds, [](double b) { return std::isnan(b) || std::isinf(b); });  // +Inf is implied
  m_state->declare(std::move(name), std::move(help), Kind::histogram, std::move(bounds));
}

void Metrics::add(std::string_view counter, const MetricLabels& labels, double amount) {
  assert(amount >= 0 && "a counter only goes up");
  std::lock_guard lock(m_state->mutex);
  if (Family* family = m_state->use(counter, Kind::counter); family != nullptr && amount >= 0) {
    family->values[labels] += amount;
  }
}

void Metrics::set(std::string_view gauge, const MetricLabels& labels, double value) {
  std::lock_guard lock(m_state->mutex);
  if (Family* family = m_state->use(gauge, Kind::gauge)) {
    family->values[labels] = value;
  }
}

void Metrics::observe(std::string_view histogram, const MetricLabels& labels, double value) {
  std::lock_guard lock(m_state->mutex);
  Family* family = m_state->use(histogram, Kind::histogram);
  if (family == nullptr) {
    return;
  }
  HistogramSeries& series = family->histograms[labels];
  series.buckets.resize(family->bounds.size());
  // The first bucket whose upper bound is >= value (Prometheus buckets are "le", inclusive).
  auto it = std::lower_bound(family->bounds.begin(), family->bounds.end(), value);
  if (it != family->bounds.end()) {
    ++series.buckets[static_cast<std::size_t>(it - family->bounds.begin())];
  }
  series.sum += value;
  ++series.count;
}

double Metrics::value(std::string_view name, const MetricLabels& labels) const {
  std::lock_guard lock(m_state->mutex);
  const Family* family = m_state->find(name);
  if (family == nullptr) {
    return 0;
  }
  if (family->kind == Kind::histogram) {
    auto it = family->histograms.find(labels);
    return it == family->histograms.end() ? 0 : static_cast<double>(it->second.count);
  }
  auto it = family->values.find(labels);
  return it == family->values.end() ? 0 : it->second;
}

std::string Metrics::render() const {
  std::lock_guard lock(m_state->mutex);
  std::string out;
  for (const Family& family : m_state->families) {
    render_family(family, out);
  }
  return out;
}

void declare_daemon_metrics(Metrics& metrics) {
  metrics.declare_gauge("cloudvip_is_primary",
                        "1 while the VIP's leader source says this host is the primary.");
  metrics.declare_gauge(
      "cloudvip_leader_source_up",
      "1 while the VIP's leader source gives an answer (primary or standby), 0 while unknown.");
  metrics.declare_counter("cloudvip_leadership_transitions_total",
                          "Changes of the VIP's leadership answer (primary, standby, unknown).");
  metrics.declare_counter("cloudvip_route_writes_total",
                          "ReplaceRoute/CreateRoute calls per VIP and route table, by result (ok or error).");
  metrics.declare_counter("cloudvip_drift_repairs_total",
                          "Route tables found pointing elsewhere while primary, and written back.");
  metrics.declare_gauge("cloudvip_contested",
                        "1 while the VIP's writes are paused because another host keeps taking its routes.");
  metrics.declare_histogram("cloudvip_reconcile_duration_seconds",
                            "Time one reconcile pass takes (observe the route tables, write what differs).",
                            {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  metrics.declare_histogram(
      "cloudvip_failover_seconds",
      "From the leader signal until every route table of the VIP acknowledged the write.",
      {0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30});
  metrics.declare_counter("cloudvip_ec2_calls_total",
                          "EC2 API calls by action and result (ok, the AWS error code, or error).");
  metrics.declare_gauge("cloudvip_last_reconcile_timestamp_seconds",
                        "Unix time of the VIP's last completed reconcile pass.");
  metrics.declare_gauge("cloudvip_build_info", "Always 1; the version label says which cloudvip runs.");
  metrics.set("cloudvip_build_info", {{"version", CLOUDVIP_VERSION}}, 1);
}

}  // namespace cloudvip
