// Class names are stored with trades; unknown names must map to "manual", known ones to
// the static spelling (so the returned view outlives the argument).
#include "meridian/strategies/registry.hpp"

#include <gtest/gtest.h>

#include <string>

#include "meridian/strategies/sma_crossover.hpp"

using meridian::strategies::canonical_class_name;
using meridian::strategies::SmaCrossover;

TEST(Registry, KnownClassIsCanonicalStaticString) {
  std::string_view name;
  {
    std::string dynamic = "sma_crossover";
    name = canonical_class_name(dynamic);
    // The result must not point into the caller's buffer...
    EXPECT_NE(name.data(), dynamic.data());
  }
  // ...so it is still valid once that buffer is gone (ASan would flag a dangling view).
  EXPECT_EQ(name, "sma_crossover");
  EXPECT_EQ(name, SmaCrossover::kClassName);
}

TEST(Registry, UnknownClassIsManual) {
  EXPECT_EQ(canonical_class_name("manual"), "manual");
  EXPECT_EQ(canonical_class_name(""), "manual");
  EXPECT_EQ(canonical_class_name("SMA_CROSSOVER"), "manual");
  EXPECT_EQ(canonical_class_name("sma_crossover "), "manual");
  EXPECT_EQ(canonical_class_name("rsi_reversion"), "manual");
}
