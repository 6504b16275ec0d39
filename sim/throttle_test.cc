#include "sim/throttle.h"

#include <gtest/gtest.h>

namespace cloudvip::sim {
namespace {

TEST(BucketFor, UsesTheDocumentedSizesPerCategory) {
  EXPECT_EQ(bucket_for("DescribeRouteTables", {}).size, (BucketSize{100, 20}));
  EXPECT_EQ(bucket_for("DescribeAddresses", {}).size, (BucketSize{100, 20}));
  EXPECT_EQ(bucket_for("ReplaceRoute", {}).size, (BucketSize{50, 5}));
  EXPECT_EQ(bucket_for("CreateRoute", {}).size, (BucketSize{50, 5}));
  EXPECT_EQ(bucket_for("DeleteRoute", {}).size, (BucketSize{50, 5}));
  EXPECT_EQ(bucket_for("AssociateAddress", {}).size, (BucketSize{50, 5}));
  EXPECT_EQ(bucket_for("DisassociateAddress", {}).size, (BucketSize{50, 5}));
  EXPECT_EQ(bucket_for("ModifyInstanceAttribute", {}).size, (BucketSize{50, 5}));
  EXPECT_EQ(bucket_for("ModifyNetworkInterfaceAttribute", {}).size, (BucketSize{100, 5}));
  EXPECT_EQ(bucket_for("AssignPrivateIpAddresses", {}).size, (BucketSize{100, 5}));
  EXPECT_EQ(bucket_for("UnassignPrivateIpAddresses", {}).size, (BucketSize{100, 5}));
}

TEST(BucketFor, UnfilteredUnpaginatedDescribeInstancesHasTheSmallerBucketOfItsOwn) {
  BucketChoice bare = bucket_for("DescribeInstances", {});
  EXPECT_EQ(bare.size, (BucketSize{50, 10}));
  EXPECT_EQ(bare.key, "DescribeInstances:unfiltered");
  EXPECT_EQ(bucket_for("DescribeNetworkInterfaces", {{"Version", "2016-11-15"}}).size, (BucketSize{50, 10}));

  BucketChoice filtered =
      bucket_for("DescribeInstances", {{"Filter.1.Name", "vpc-id"}, {"Filter.1.Value.1", "v"}});
  EXPECT_EQ(filtered.size, (BucketSize{100, 20}));
  EXPECT_EQ(filtered.key, "DescribeInstances");
  EXPECT_EQ(bucket_for("DescribeNetworkInterfaces", {{"MaxResults", "5"}}).size, (BucketSize{100, 20}));
  EXPECT_EQ(bucket_for("DescribeInstances", {{"InstanceId.1", "i-0a1b2c3d"}}).size, (BucketSize{100, 20}));
}

TEST(Throttle, ABurstBeyondTheBucketIsRefusedUntilItRefills) {
  FakeClock clock;
  Throttle throttle(clock);
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(throttle.admit("ReplaceRoute", {})) << "request " << i;
  }
  EXPECT_FALSE(throttle.admit("ReplaceRoute", {}));
  EXPECT_TRUE(throttle.admit("CreateRoute", {})) << "each action has its own bucket";

  clock.advance(Millis(199));  // 5 tokens per second: not yet one token
  EXPECT_FALSE(throttle.admit("ReplaceRoute", {}));
  clock.advance(Millis(2));
  EXPECT_TRUE(throttle.admit("ReplaceRoute", {}));
  EXPECT_FALSE(throttle.admit("ReplaceRoute", {}));

  clock.advance(Millis(60'000));  // refill stops at capacity
  EXPECT_DOUBLE_EQ(throttle.tokens("ReplaceRoute", {50, 5}), 50.0);
}

TEST(Throttle, ResetRefillsEveryBucket) {
  FakeClock clock;
  Throttle throttle(clock);
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(throttle.admit("ReplaceRoute", {}));
  }
  EXPECT_FALSE(throttle.admit("ReplaceRoute", {}));
  throttle.reset();
  EXPECT_TRUE(throttle.admit("ReplaceRoute", {}));
}

}  // namespace
}  // namespace cloudvip::sim
