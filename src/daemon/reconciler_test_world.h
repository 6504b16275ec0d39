// The world the reconciler tests run in: VPC vpc-1 with route tables rtb-1..rtb-N whose route for the VIP
// points at the peer (eni-peer), this host's ENI eni-ours, FakeCloud, FakeAddressTable (eth0), FakeClock
// and a Metrics registry. Included by the daemon's *_test.cc files only.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/log.h"
#include "daemon/metrics.h"
#include "daemon/reconciler.h"
#include "testing/fake_address_table.h"
#include "testing/fake_cloud.h"

namespace cloudvip::reconciler_test {

inline const std::string k_ours = "eni-ours";
inline const std::string k_peer = "eni-peer";
inline const std::string k_vpc = "vpc-1";

inline Cidr cidr(std::string_view text) {
  return *Cidr::parse(text);
}

inline std::string table_id(int i) {
  return "rtb-" + std::to_string(i);
}

inline VipRoute route_to(const std::string& eni, std::string state = "active") {
  return VipRoute{eni, eni == k_ours ? "i-ours" : "i-peer", "", std::move(state)};
}

class World {
 public:
  explicit World(int tables = 3, ReconcilerOptions options = default_options())
      : reconciler(cloud, addresses, clock, metrics, log, options, [] { return 0.5; }) {
    declare_daemon_metrics(metrics);
    declare_reconciler_metrics(metrics);
    cloud.add_network_interface(k_ours, "i-ours");
    cloud.add_network_interface(k_peer, "i-peer");
    for (int i = 1; i <= tables; ++i) {
      cloud.add_route_table({table_id(i), k_vpc, i == 1, {}, {{"cloudvip", "iris"}}, {}});
      m_ids.push_back(table_id(i));
    }
  }

  static ReconcilerOptions default_options() {
    ReconcilerOptions options;
    options.interval = Millis(5000);
    return options;
  }

  // A VIP over every table of the world (explicit ids), its route on all of them pointing at `holder`.
  VipTarget vip(std::string name = "iris", std::string address = "192.168.100.10", bool local = true,
                const std::string& holder = k_peer) {
    VipTarget target;
    target.name = std::move(name);
    target.address = *Ipv4Address::parse(address);
    target.destination = Cidr::host(target.address);
    target.eni = k_ours;
    target.tables = ExplicitRouteTables{m_ids};
    if (local) {
      target.local = AddressSpec{"eth0", target.address, 32, "eth0:1"};
    }
    target.source = "fake";
    for (const std::string& id : m_ids) {
      if (!holder.empty()) {
        cloud.set_route(id, target.destination, route_to(holder));
      }
    }
    return target;
  }

  void run(std::vector<VipTarget> vips) { reconciler.set_vips(k_vpc, std::move(vips)); }

  void answer(Role role, const std::string& vip = "iris") {
    reconciler.on_answer(vip, LeaderAnswer{role, "test", clock.now()});
  }

  // Advances the clock to the next due tick (at most `limit`) and runs it.
  TickReport step(Millis limit = Millis(60000)) {
    TimePoint target = std::min(next, clock.now() + limit);
    if (target > clock.now()) {
      clock.set(target);
    }
    TickReport report;
    next = reconciler.tick(&report);
    return report;
  }
  // Runs ticks until `until` has passed on the clock.
  int run_for(Millis duration) {
    TimePoint end = clock.now() + duration;
    int ticks = 0;
    while (clock.now() < end && ticks < 10000) {
      TimePoint target = std::min(next, end);
      clock.set(std::max(target, clock.now()));
      if (clock.now() >= next) {
        next = reconciler.tick();
      }
      ++ticks;
    }
    return ticks;
  }

  std::string holder(int table, const std::string& address = "192.168.100.10/32") const {
    auto route = cloud.route(table_id(table), cidr(address));
    return route ? route->network_interface_id : "(none)";
  }
  bool every_table_ours(const std::string& address = "192.168.100.10/32") const {
    for (size_t i = 1; i <= m_ids.size(); ++i) {
      if (holder(static_cast<int>(i), address) != k_ours) {
        return false;
      }
    }
    return true;
  }
  size_t count(const std::string& method) const { return cloud.calls(method).size(); }
  double metric(std::string_view name, const MetricLabels& labels) const {
    return metrics.value(name, labels);
  }
  bool has_local(const std::string& address = "192.168.100.10") const {
    for (const InterfaceAddress& a : addresses.addresses("eth0")) {
      if (a.address == *Ipv4Address::parse(address)) {
        return true;
      }
    }
    return false;
  }

  testing::FakeCloud cloud;
  testing::FakeAddressTable addresses;
  FakeClock clock;
  Metrics metrics;
  CapturingLogger log;
  Reconciler reconciler;
  TimePoint next{};

 private:
  std::vector<std::string> m_ids;
};

}  // namespace cloudvip::reconciler_test
