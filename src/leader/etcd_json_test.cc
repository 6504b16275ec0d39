// The JSON gateway's quirks, without an etcd: base64 keys and values, int64 as strings, omitted defaults.
#include "leader/etcd_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <vector>

namespace cloudvip {
namespace {

TEST(EtcdJsonTest, Base64RoundTripsAndRefusesGarbage) {
  EXPECT_EQ(base64_encode("/service/pg/leader"), "L3NlcnZpY2UvcGcvbGVhZGVy");
  EXPECT_EQ(base64_encode("pg-a"), "cGctYQ==");
  EXPECT_EQ(base64_encode(""), "");
  for (const std::string& text :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    EXPECT_EQ(base64_decode(base64_encode(text)), text);
  }
  EXPECT_EQ(base64_decode("cGctYQ"), "pg-a");  // padding optional
  EXPECT_FALSE(base64_decode("cGc*YQ==").has_value());
  EXPECT_FALSE(base64_decode("c").has_value());
}

TEST(EtcdJsonTest, RequestsCarryBase64KeysAndStringRevisions) {
  auto range = nlohmann::json::parse(etcd_range_request("/service/pg/leader"));
  EXPECT_EQ(range, nlohmann::json({{"key", "L3NlcnZpY2UvcGcvbGVhZGVy"}}));  // no serializable: linearizable
  auto watch = nlohmann::json::parse(etcd_watch_request("/k", 42));
  EXPECT_EQ(watch["create_request"]["key"], "L2s=");
  EXPECT_EQ(watch["create_request"]["start_revision"], "42");
  EXPECT_EQ(watch["create_request"]["progress_notify"], true);
}

TEST(EtcdJsonTest, RangeWithAndWithoutTheKey) {
  auto found = parse_etcd_range(
      R"({"header":{"cluster_id":"1","member_id":"2","revision":"17","raft_term":"3"},)"
      R"("kvs":[{"key":"L2s=","create_revision":"5","mod_revision":"9","version":"2","value":"cGctYQ==",)"
      R"("lease":"7587869013446237700"}],"count":"1"})");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->revision, 17);
  ASSERT_TRUE(found->kv.has_value());
  EXPECT_EQ(found->kv->key, "/k");
  EXPECT_EQ(found->kv->value, "pg-a");
  EXPECT_EQ(found->kv->mod_revision, 9);
  EXPECT_EQ(found->kv->lease, 7587869013446237700);
  // A missing key: no kvs, no count.
  auto missing = parse_etcd_range(R"({"header":{"cluster_id":"1","revision":"18"}})");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->revision, 18);
  EXPECT_FALSE(missing->kv.has_value());
  EXPECT_FALSE(parse_etcd_range("<html>").has_value());
  EXPECT_FALSE(parse_etcd_range(R"({"header":{"revision":"x"}})").has_value());
}

TEST(EtcdJsonTest, WatchLines) {
  auto created = parse_etcd_watch_line(R"({"result":{"header":{"revision":"20"},"created":true}})");
  ASSERT_TRUE(created);
  EXPECT_TRUE(created->created);
  EXPECT_TRUE(created->events.empty());
  // A PUT has no "type" (the default); a DELETE has only key and mod_revision.
  auto events = parse_etcd_watch_line(
      R"({"result":{"header":{"revision":"22"},"events":[{"kv":{"key":"L2s=","value":"cGctYg==",)"
      R"("mod_revision":"21"}},{"type":"DELETE","kv":{"key":"L2s=","mod_revision":"22"}}]}})");
  ASSERT_TRUE(events) << events.error().message;
  ASSERT_EQ(events->events.size(), 2u);
  EXPECT_FALSE(events->events[0].deleted);
  EXPECT_EQ(events->events[0].kv.value, "pg-b");
  EXPECT_TRUE(events->events[1].deleted);
  EXPECT_EQ(events->events[1].kv.mod_revision, 22);
  auto compacted = parse_etcd_watch_line(
      R"({"result":{"header":{"revision":"30"},"canceled":true,"compact_revision":"25"}})");
  ASSERT_TRUE(compacted);
  EXPECT_EQ(compacted->compact_revision, 25);
  EXPECT_TRUE(compacted->canceled);
  auto error = parse_etcd_watch_line(
      R"({"error":{"grpc_code":16,"http_code":401,"message":"etcdserver: invalid auth token"}})");
  ASSERT_FALSE(error);
  EXPECT_EQ(error.error().code, ErrorCode::auth);
  EXPECT_NE(error.error().message.find("invalid auth token"), std::string::npos);
}

TEST(EtcdJsonTest, TokensAndErrorBodies) {
  EXPECT_EQ(parse_etcd_token(R"({"header":{},"token":"abc.123"})").value(), "abc.123");
  EXPECT_FALSE(parse_etcd_token(R"({"header":{}})").has_value());
  auto error =
      parse_etcd_error(R"({"error":"etcdserver: user name not found","code":3,"message":"etcdserver: )"
                       R"(authentication failed, invalid user ID or password"})");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, 3);
  EXPECT_NE(error->message.find("authentication failed"), std::string::npos);
  EXPECT_FALSE(parse_etcd_error("not json").has_value());
}

}  // namespace
}  // namespace cloudvip
