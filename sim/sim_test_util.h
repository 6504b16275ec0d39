// Test support for the sim tests: a Model over the shipped two-az scenario with a fake clock and
// counting ids, the scenario's ids as constants, and XML helpers.
#pragma once

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "common/clock.h"
#include "sim/model.h"
#include "sim/scenario.h"

namespace cloudvip::sim::testing {

inline constexpr char k_vpc[] = "vpc-0a1b2c3d4e5f60001";
inline constexpr char k_subnet_a[] = "subnet-0a1b2c3d4e5f6000a";
inline constexpr char k_subnet_b[] = "subnet-0a1b2c3d4e5f6000b";
inline constexpr char k_subnet_client[] = "subnet-0a1b2c3d4e5f6000c";
inline constexpr char k_subnet_vip[] = "subnet-0a1b2c3d4e5f6000d";
inline constexpr char k_rtb_main[] = "rtb-0a1b2c3d4e5f6aaa0";
inline constexpr char k_rtb_a[] = "rtb-0a1b2c3d4e5f6aaa1";
inline constexpr char k_rtb_b[] = "rtb-0a1b2c3d4e5f6aaa2";
inline constexpr char k_instance_a[] = "i-0a1b2c3d4e5f6000a";
inline constexpr char k_instance_b[] = "i-0a1b2c3d4e5f6000b";
inline constexpr char k_eni_a[] = "eni-0a1b2c3d4e5f6000a";
inline constexpr char k_eni_b[] = "eni-0a1b2c3d4e5f6000b";
inline constexpr char k_eip[] = "eipalloc-0a1b2c3d4e5f60e01";
inline constexpr char k_admin_key[] = "AKIACLOUDVIPADMIN001";
inline constexpr char k_readonly_key[] = "AKIACLOUDVIPREAD0001";
inline constexpr char k_routes_key[] = "AKIACLOUDVIPROUTES01";

inline std::filesystem::path scenario_path(const std::string& name) {
  return std::filesystem::path(__FILE__).parent_path() / "scenarios" / name;
}

inline Scenario load_or_die(const std::string& name) {
  auto scenario = load_scenario(scenario_path(name));
  if (!scenario) {
    ADD_FAILURE() << scenario.error().to_string();
    return Scenario{};
  }
  return *scenario;
}

// Parses a response body; fails the test when it is not XML.
inline std::unique_ptr<pugi::xml_document> parse_xml(const std::string& body) {
  auto doc = std::make_unique<pugi::xml_document>();
  auto result = doc->load_string(body.c_str());
  EXPECT_TRUE(result) << result.description() << "\n" << body;
  return doc;
}

class SimTest : public ::testing::Test {
 protected:
  explicit SimTest(const std::string& scenario = "two-az.toml")
      : m_scenario(load_or_die(scenario)), m_model(m_scenario, m_clock, m_ids) {}

  Caller admin() const { return Caller{k_admin_key}; }
  Caller readonly() const { return Caller{k_readonly_key}; }

  // Runs an action as the admin key and expects success; returns the parsed response document.
  std::unique_ptr<pugi::xml_document> ok(std::string_view action, const Params& params) {
    ApiResponse response = m_model.call(action, params, admin());
    EXPECT_TRUE(response.ok()) << action << ": "
                               << (response.ok() ? ""
                                                 : response.result.error().code + ": " +
                                                       response.result.error().message);
    return parse_xml(response.body());
  }

  // Runs an action as `caller` and expects the error `code` with `status`; returns the message.
  std::string error(std::string_view action, const Params& params, std::string_view code, int status,
                    const Caller* caller = nullptr) {
    ApiResponse response = m_model.call(action, params, caller ? *caller : admin());
    if (response.ok()) {
      ADD_FAILURE() << action << " succeeded; expected " << code;
      return "";
    }
    EXPECT_EQ(response.result.error().code, code) << response.result.error().message;
    EXPECT_EQ(response.http_status(), status) << code;
    return response.result.error().message;
  }

  // The routeSet item for `destination` in `table` from a fresh DescribeRouteTables, or an empty node.
  pugi::xml_node find_route(pugi::xml_document& doc, const std::string& table,
                            const std::string& destination) {
    for (auto item : doc.child("DescribeRouteTablesResponse").child("routeTableSet").children("item")) {
      if (table == item.child_value("routeTableId")) {
        for (auto route : item.child("routeSet").children("item")) {
          if (destination == route.child_value("destinationCidrBlock")) {
            return route;
          }
        }
      }
    }
    return {};
  }

  FakeClock m_clock;
  SequentialIdSource m_ids;
  Scenario m_scenario;
  Model m_model;
};

}  // namespace cloudvip::sim::testing
