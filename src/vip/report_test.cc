#include "vip/report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cloudvip {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAreArray;

std::vector<std::string> keys(const nlohmann::json& object) {
  std::vector<std::string> out;
  for (const auto& [key, value] : object.items()) {
    out.push_back(key);
  }
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

VipContext context() {
  return VipContext{.vip_name = "iris",
                    .address = *Ipv4Address::parse("192.168.100.10"),
                    .interface = "eth0",
                    .instance_id = "i-0aaa",
                    .network_interface_id = "eni-0aaa",
                    .destination = *Cidr::parse("192.168.100.10/32")};
}

// One table moved from the peer and verified, one refused.
AcquireReport partly_failed_acquire() {
  AcquireReport report;
  report.context = context();
  RouteTableReport moved{.id = "rtb-0a",
                         .main = true,
                         .before = {RouteOwner::peer, "eni-0bbb", "i-0bbb", "", "active"},
                         .action = RouteAction::replaced,
                         .after = RouteSeen{RouteOwner::this_host, "eni-0aaa", "i-0aaa", "", "active"},
                         .verified = Verified::yes};
  Error refused(ErrorCode::aws, "You are not authorized to perform this operation.");
  refused.aws_code = "UnauthorizedOperation";
  refused.aws_message = "You are not authorized to perform this operation.";
  refused.request_id = "req-1";
  RouteTableReport failed{.id = "rtb-1b", .action = RouteAction::failed, .error = refused};
  report.route_tables = {moved, failed};
  report.local_address =
      LocalAddressReport{"eth0", report.context.address, "eth0:1", LocalAddressOutcome::added};
  report.timings = Timings{3ms, 41ms, 52ms, 38ms, 134ms};
  report.exit_code = 1;
  return report;
}

TEST(ReportTableTest, AcquireRendersAnAlignedTableWithCompanionsAndSummary) {
  EXPECT_EQ(
      render_table(partly_failed_acquire()),
      "acquire 192.168.100.10 (iris), route 192.168.100.10/32, this host i-0aaa eni-0aaa on eth0\n"
      "ROUTE TABLE  MAIN  BEFORE                         ACTION    AFTER/VERIFIED                    NOTE\n"
      "rtb-0a       yes   eni-0bbb (peer i-0bbb) active  replaced  eni-0aaa (this host) active: yes\n"
      "rtb-1b       no    missing                        failed    skipped                           "
      "UnauthorizedOperation: You are not authorized to perform this operation. (request id req-1)\n"
      "local address  192.168.100.10/32 on eth0 (label eth0:1): added\n"
      "elastic ip     not configured\n"
      "timings        identity 3 ms, read 41 ms, apply 52 ms, verify 38 ms, total 134 ms\n"
      "FAILED to acquire 192.168.100.10: 1 of 2 route tables failed (134 ms)\n");
}

TEST(ReportTableTest, EveryColumnStartsAtTheSameOffsetOnEveryRow) {
  std::vector<std::string> rendered = lines(render_table(partly_failed_acquire()));
  const std::string& header = rendered[1];
  for (const char* column : {"MAIN", "BEFORE", "ACTION", "AFTER/VERIFIED", "NOTE"}) {
    size_t offset = header.find(column);
    ASSERT_NE(offset, std::string::npos) << column;
    for (size_t row : {2u, 3u}) {
      const std::string& line = rendered[row];
      if (line.size() <= offset) {  // the row ends before the column: only the last one may be empty
        EXPECT_STREQ(column, "NOTE") << "row " << row << " ends before " << column;
        continue;
      }
      EXPECT_EQ(line[offset - 1], ' ') << column << " in row " << row;
      EXPECT_NE(line[offset], ' ') << column << " in row " << row;
    }
  }
}

TEST(ReportTableTest, StatusMarksThisHostAndThePeer) {
  StatusReport report;
  report.context = context();
  report.route_tables = {
      RouteTableReport{.id = "rtb-0a",
                       .main = true,
                       .before = {RouteOwner::this_host, "eni-0aaa", "i-0aaa", "", "active"}},
      RouteTableReport{.id = "rtb-1b", .before = {RouteOwner::peer, "eni-0bbb", "i-0bbb", "", "active"}},
      RouteTableReport{.id = "rtb-2c", .before = {RouteOwner::missing}}};
  report.local_address =
      LocalAddressReport{"eth0", report.context.address, std::nullopt, LocalAddressOutcome::present};
  report.elastic_ip = ElasticIpReport{.allocation_id = "eipalloc-1",
                                      .public_ip = "203.0.113.5",
                                      .network_interface_id = "eni-0bbb",
                                      .instance_id = "i-0bbb",
                                      .outcome = ElasticIpOutcome::elsewhere};
  report.exit_code = 3;
  std::string table = render_table(report);
  EXPECT_THAT(table, HasSubstr("ROUTE TABLE  MAIN  TARGET    STATE   OWNER        NOTE\n"
                               "rtb-0a       yes   eni-0aaa  active  this-host\n"
                               "rtb-1b       no    eni-0bbb  active  peer i-0bbb\n"
                               "rtb-2c       no    -         -       missing\n"));
  EXPECT_THAT(table, HasSubstr("timings        identity 0 ms, read 0 ms, total 0 ms\n"));
  EXPECT_THAT(table, HasSubstr("elastic ip     eipalloc-1 (203.0.113.5): elsewhere, on eni-0bbb i-0bbb\n"));
  EXPECT_THAT(table,
              HasSubstr("192.168.100.10 is NOT held by this host: 2 of 3 route tables not to this host, "
                        "Elastic IP elsewhere\n"));
}

TEST(ReportJsonTest, AcquireHasEveryDocumentedKey) {
  nlohmann::json json = to_json(partly_failed_acquire());
  EXPECT_THAT(keys(json), UnorderedElementsAreArray(
                              {"command", "vip", "address", "mode", "dry_run", "interface", "instance_id",
                               "network_interface_id", "destination", "route_tables", "local_address",
                               "error", "exit_code", "summary", "timings_ms", "elastic_ip", "secondary_ip"}));
  EXPECT_EQ(json["command"], "acquire");
  EXPECT_EQ(json["mode"], "route");
  EXPECT_EQ(json["destination"], "192.168.100.10/32");
  EXPECT_EQ(json["exit_code"], 1);
  EXPECT_TRUE(json["error"].is_null());
  EXPECT_TRUE(json["secondary_ip"].is_null());
  EXPECT_EQ(json["timings_ms"],
            (nlohmann::json{{"identity", 3}, {"read", 41}, {"apply", 52}, {"verify", 38}, {"total", 134}}));

  const nlohmann::json& moved = json["route_tables"][0];
  EXPECT_THAT(keys(moved), UnorderedElementsAreArray({"id", "main", "before", "written_first", "action",
                                                      "after", "verified", "error", "note"}));
  EXPECT_EQ(moved["written_first"], false);
  EXPECT_EQ(moved["action"], "replaced");
  EXPECT_EQ(moved["verified"], "yes");
  EXPECT_THAT(keys(moved["before"]), UnorderedElementsAreArray({"owner", "network_interface_id",
                                                                "instance_id", "other_target", "state"}));
  EXPECT_EQ(moved["before"]["owner"], "peer");
  EXPECT_EQ(moved["after"]["owner"], "this-host");

  const nlohmann::json& failed = json["route_tables"][1];
  EXPECT_TRUE(failed["after"].is_null());
  EXPECT_THAT(keys(failed["error"]), UnorderedElementsAreArray({"code", "message", "aws_code", "aws_message",
                                                                "request_id", "http_status"}));
  EXPECT_EQ(failed["error"]["aws_code"], "UnauthorizedOperation");
  EXPECT_EQ(failed["error"]["request_id"], "req-1");

  EXPECT_THAT(keys(json["local_address"]),
              UnorderedElementsAreArray({"interface", "address", "label", "outcome", "error"}));
  EXPECT_EQ(json["local_address"]["outcome"], "added");
  EXPECT_EQ(json["elastic_ip"]["outcome"], "not-configured");
}

TEST(ReportJsonTest, StatusAndReleaseHaveTheirOwnKeys) {
  StatusReport status;
  status.context = context();
  status.route_tables = {RouteTableReport{.id = "rtb-0a", .before = {RouteOwner::missing}}};
  status.owned = false;
  status.exit_code = 3;
  nlohmann::json s = to_json(status);
  EXPECT_EQ(s["command"], "status");
  EXPECT_EQ(s["owned"], false);
  EXPECT_THAT(keys(s["route_tables"][0]),
              UnorderedElementsAreArray({"id", "main", "route", "error", "note"}));

  ReleaseReport release;
  release.context = context();
  release.delete_routes = true;
  nlohmann::json r = to_json(release);
  EXPECT_EQ(r["command"], "release");
  EXPECT_EQ(r["delete_routes"], true);
  EXPECT_THAT(keys(r), Not(::testing::Contains("elastic_ip")));
}

TEST(ReportSummaryTest, SaysWhatHappenedInOneLine) {
  AcquireReport ok;
  ok.context = context();
  ok.route_tables = {
      RouteTableReport{.id = "rtb-0a", .action = RouteAction::replaced, .verified = Verified::yes},
      RouteTableReport{.id = "rtb-1b", .action = RouteAction::unchanged, .verified = Verified::yes}};
  ok.timings.total = 42ms;
  EXPECT_EQ(summary(ok),
            "acquired 192.168.100.10: 2 route tables -> eni-0aaa (this host), 1 changed, verified, 42 ms");

  ok.context.dry_run = true;
  ok.route_tables[0].action = RouteAction::would_change;
  ok.route_tables[0].verified = Verified::skipped;
  EXPECT_EQ(summary(ok),
            "dry run for 192.168.100.10: allowed; 1 route table would change, 1 already right (42 ms)");

  AcquireReport broken;
  broken.context = context();
  broken.error = Error(ErrorCode::config, "VIP 10.0.200.5 lies inside the VPC CIDR");
  broken.exit_code = 2;
  EXPECT_THAT(summary(broken), HasSubstr("FAILED to acquire 192.168.100.10: VIP 10.0.200.5 lies inside"));
}

}  // namespace
}  // namespace cloudvip
