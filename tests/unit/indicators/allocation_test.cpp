// No indicator allocates per update: windows are allocated at construction. Counts calls to
// the global operator new (replaced for this test binary) while only updates run.
#include <gtest/gtest.h>

#include "allocation_counter.hpp"
#include "meridian/indicators/indicator_set.hpp"
#include "probes.hpp"

namespace meridian::indicators {
namespace {

template <class Probe>
class NoAllocation : public ::testing::Test {};
TYPED_TEST_SUITE(NoAllocation, testing::AllProbes);

TYPED_TEST(NoAllocation, PerUpdateOrReset) {
  const auto bars = testing::random_bars(500, 21);
  auto ind = TypeParam::make();
  const long before = meridian::test::allocations();
  for (const auto& b : bars) TypeParam::feed(ind, b);
  ind.reset();
  for (const auto& b : bars) TypeParam::feed(ind, b);
  EXPECT_EQ(meridian::test::allocations() - before, 0);
}

TEST(NoAllocation, IndicatorSetPerUpdate) {
  const auto bars = testing::random_bars(500, 22);
  IndicatorSet set;
  const long before = meridian::test::allocations();
  for (const auto& b : bars) {
    set.update(b);
    const auto row = set.row();
    ASSERT_EQ(row.size(), IndicatorSet::kColumns.size());
  }
  EXPECT_EQ(meridian::test::allocations() - before, 0);
}

}  // namespace
}  // namespace meridian::indicators
