// Interim Metrics registry (the `surface` branch owns this file; its version replaces this one on merge).
#include "daemon/metrics.h"

#include <cassert>
#include <cmath>
#include <map>
#include <mutex>

#include <fmt/format.h>

namespace cloudvip {
namespace {

enum class Kind { counter, gauge, histogram };

struct Series {
  double value = 0;
  std::vector<double> buckets;
  double sum = 0;
  double count = 0;
};

struct Family {
  std::string name;
  std::string help;
  Kind kind = Kind::counter;
  std::vector<double> bounds;
  std::map<MetricLabels, Series> series;
};

std::string escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string labels_text(const MetricLabels& labels, const std::string& extra = "") {
  std::string out;
  for (const auto& [k, v] : labels) {
    out += (out.empty() ? "" : ",") + k + "=\"" + escape(v) + "\"";
  }
  if (!extra.empty()) {
    out += (out.empty() ? "" : ",") + extra;
  }
  return out.empty() ? "" : "{" + out + "}";
}

std::string number(double v) {
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  return fmt::format("{}", v);
}

}  // namespace

struct Metrics::State {
  mutable std::mutex mutex;
  std::vector<Family> families;
  Family* find(std::string_view name) {
    for (Family& f : families) {
      if (f.name == name) {
        return &f;
      }
    }
    return nullptr;
  }
  void declare(std::string name, std::string help, Kind kind, std::vector<double> bounds) {
    std::lock_guard lock(mutex);
    if (find(name) == nullptr) {
      families.push_back(Family{std::move(name), std::move(help), kind, std::move(bounds), {}});
    }
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
  m_state->declare(std::move(name), std::move(help), Kind::histogram, std::move(bounds));
}

void Metrics::add(std::string_view counter, const MetricLabels& labels, double amount) {
  std::lock_guard lock(m_state->mutex);
  Family* f = m_state->find(counter);
  assert(f != nullptr);
  if (f != nullptr) {
    f->series[labels].value += amount;
  }
}

void Metrics::set(std::string_view gauge, const MetricLabels& labels, double value) {
  std::lock_guard lock(m_state->mutex);
  Family* f = m_state->find(gauge);
  assert(f != nullptr);
  if (f != nullptr) {
    f->series[labels].value = value;
  }
}

void Metrics::observe(std::string_view histogram, const MetricLabels& labels, double value) {
  std::lock_guard lock(m_state->mutex);
  Family* f = m_state->find(histogram);
  assert(f != nullptr);
  if (f == nullptr) {
    return;
  }
  Series& s = f->series[labels];
  s.buckets.resize(f->bounds.size());
  for (size_t i = 0; i < f->bounds.size(); ++i) {
    if (value <= f->bounds[i]) {
      s.buckets[i] += 1;
    }
  }
  s.sum += value;
  s.count += 1;
}

double Metrics::value(std::string_view name, const MetricLabels& labels) const {
  std::lock_guard lock(m_state->mutex);
  Family* f = m_state->find(name);
  if (f == nullptr) {
    return 0;
  }
  auto it = f->series.find(labels);
  if (it == f->series.end()) {
    return 0;
  }
  return f->kind == Kind::histogram ? it->second.count : it->second.value;
}

std::string Metrics::render() const {
  std::lock_guard lock(m_state->mutex);
  std::string out;
  for (const Family& f : m_state->families) {
    const char* type = f.kind == Kind::counter ? "counter" : f.kind == Kind::gauge ? "gauge" : "histogram";
    out += "# HELP " + f.name + " " + f.help + "\n# TYPE " + f.name + " " + type + "\n";
    for (const auto& [labels, s] : f.series) {
      if (f.kind != Kind::histogram) {
        out += f.name + labels_text(labels) + " " + number(s.value) + "\n";
        continue;
      }
      for (size_t i = 0; i < f.bounds.size(); ++i) {
        out += f.name + "_bucket" + labels_text(labels, "le=\"" + number(f.bounds[i]) + "\"") + " " +
               number(i < s.buckets.size() ? s.buckets[i] : 0) + "\n";
      }
      out += f.name + "_bucket" + labels_text(labels, "le=\"+Inf\"") + " " + number(s.count) + "\n";
      out += f.name + "_sum" + labels_text(labels) + " " + number(s.sum) + "\n";
      out += f.name + "_count" + labels_text(labels) + " " + number(s.count) + "\n";
    }
  }
  return out;
}

void declare_daemon_metrics(Metrics& metrics) {
  metrics.declare_gauge("cloudvip_is_primary", "1 while this host is the VIP's claimed primary.");
  metrics.declare_gauge("cloudvip_leader_source_up", "0 while the leader source answers unknown.");
  metrics.declare_counter("cloudvip_leadership_transitions_total", "Claims and releases of the VIP.");
  metrics.declare_counter("cloudvip_route_writes_total",
                          "Route writes (ReplaceRoute/CreateRoute) by result.");
  metrics.declare_counter("cloudvip_drift_repairs_total", "Routes of ours found changed and written back.");
  metrics.declare_gauge("cloudvip_contested", "1 while the VIP is contested (a fight was detected).");
  std::vector<double> bounds = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  metrics.declare_histogram("cloudvip_reconcile_duration_seconds", "One reconcile tick.", bounds);
  metrics.declare_histogram("cloudvip_failover_seconds", "Leader signal until every table acknowledged.",
                            bounds);
  metrics.declare_counter("cloudvip_ec2_calls_total", "EC2 calls by action and result.");
  metrics.declare_gauge("cloudvip_last_reconcile_timestamp_seconds", "The last read that answered.");
  metrics.declare_gauge("cloudvip_build_info", "1, labelled with the version.");
  metrics.set("cloudvip_build_info", {{"version", CLOUDVIP_VERSION}}, 1);
}

}  // namespace cloudvip
