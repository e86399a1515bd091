// No indicator allocates per update: windows are allocated at construction. Counts calls to
// the global operator new (replaced for this test binary) while only updates run.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "meridian/indicators/indicator_set.hpp"
#include "probes.hpp"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// The replaced operator new is malloc-based, so free() is the matching release; GCC only sees
// the inlined `new` and warns.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return operator new(size);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace meridian::indicators {
namespace {

template <class Probe>
class NoAllocation : public ::testing::Test {};
TYPED_TEST_SUITE(NoAllocation, testing::AllProbes);

TYPED_TEST(NoAllocation, PerUpdateOrReset) {
  const auto bars = testing::random_bars(500, 21);
  auto ind = TypeParam::make();
  const long before = g_allocations.load();
  for (const auto& b : bars) TypeParam::feed(ind, b);
  ind.reset();
  for (const auto& b : bars) TypeParam::feed(ind, b);
  EXPECT_EQ(g_allocations.load() - before, 0);
}

TEST(NoAllocation, IndicatorSetPerUpdate) {
  const auto bars = testing::random_bars(500, 22);
  IndicatorSet set;
  const long before = g_allocations.load();
  for (const auto& b : bars) {
    set.update(b);
    const auto row = set.row();
    ASSERT_EQ(row.size(), IndicatorSet::kColumns.size());
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
}

}  // namespace
}  // namespace meridian::indicators
