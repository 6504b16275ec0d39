#include "aws/query.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

TEST(QueryParamsTest, ForActionStartsWithActionAndVersion) {
  QueryParams params = QueryParams::for_action("DescribeRouteTables");
  EXPECT_EQ(form_encode(params), "Action=DescribeRouteTables&Version=2016-11-15");
}

TEST(QueryParamsTest, AddListFlattensFromOne) {
  QueryParams params;
  params.add_list("RouteTableId", {"rtb-1", "rtb-2"});
  EXPECT_EQ(form_encode(params), "RouteTableId.1=rtb-1&RouteTableId.2=rtb-2");
  EXPECT_EQ(params.get_list("RouteTableId"), (std::vector<std::string>{"rtb-1", "rtb-2"}));
}

TEST(QueryParamsTest, EmptyListAddsNothing) {
  QueryParams params;
  params.add_list("RouteTableId", {});
  params.add_filters({});
  EXPECT_TRUE(params.empty());
}

TEST(QueryParamsTest, FiltersMatchBotocoreExample) {
  // aws-protocol.md §1.1 and §1.2.
  QueryParams params = QueryParams::for_action("DescribeRouteTables");
  params.add_filters({{"vpc-id", {"vpc-1", "vpc-2"}}, {"tag:Name", {"a b"}}});
  EXPECT_EQ(form_encode(params),
            "Action=DescribeRouteTables&Version=2016-11-15&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1&"
            "Filter.1.Value.2=vpc-2&Filter.2.Name=tag%3AName&Filter.2.Value.1=a+b");
}

TEST(QueryParamsTest, CidrSlashIsEscapedAndBooleansAreWords) {
  QueryParams params;
  params.add("DestinationCidrBlock", "10.0.0.0/16");
  params.add_bool("DryRun", true);
  params.add_bool("SourceDestCheck.Value", false);
  params.add_if_set("InstanceId", "");
  EXPECT_EQ(form_encode(params),
            "DestinationCidrBlock=10.0.0.0%2F16&DryRun=true&SourceDestCheck.Value=false");
}

TEST(FormEscapeTest, MatchesPythonUrlencode) {
  // Expected value produced by Python 3: urllib.parse.urlencode([('X', "~*é!'()&=+%")]).
  EXPECT_EQ(form_escape("~*\xc3\xa9!'()&=+%"), "~%2A%C3%A9%21%27%28%29%26%3D%2B%25");
  EXPECT_EQ(form_escape("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(form_escape("a b"), "a+b");
  EXPECT_EQ(form_escape(std::string("\x00\xff", 2)), "%00%FF");
}

TEST(FormDecodeTest, RoundTripsEncode) {
  QueryParams params = QueryParams::for_action("CreateRoute");
  params.add("DestinationCidrBlock", "10.0.0.0/16");
  params.add("Filter.1.Value.1", "a b+c&d=e%f \xc3\xa9");
  params.add("Empty", "");
  Result<QueryParams> decoded = form_decode(form_encode(params));
  ASSERT_TRUE(decoded.has_value()) << decoded.error().to_string();
  EXPECT_EQ(decoded->items(), params.items());
}

TEST(FormDecodeTest, PlusIsSpaceAndLowerCaseHexIsAccepted) {
  Result<QueryParams> decoded = form_decode("Filter.2.Name=tag%3aName&Filter.2.Value.1=a+b");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->get("Filter.2.Name"), "tag:Name");
  EXPECT_EQ(decoded->get("Filter.2.Value.1"), "a b");
}

TEST(FormDecodeTest, SkipsEmptyPairsAndKeepsKeysWithoutValue) {
  Result<QueryParams> decoded = form_decode("&a=1&&b&c=&");
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->size(), 3u);
  EXPECT_EQ(decoded->get("a"), "1");
  EXPECT_EQ(decoded->get("b"), "");
  EXPECT_EQ(decoded->get("c"), "");
  EXPECT_TRUE(form_decode("")->empty());
}

TEST(FormDecodeTest, RejectsMalformedEscapes) {
  for (std::string_view bad : {"a=%", "a=%4", "a=%zz", "a%g1=1", "a=1&b=%2"}) {
    Result<QueryParams> decoded = form_decode(bad);
    ASSERT_FALSE(decoded.has_value()) << bad;
    EXPECT_EQ(decoded.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(decoded.error().message.find("%25"), std::string::npos);
  }
}

}  // namespace
}  // namespace cloudvip
