// storage::summarise, the weighting GET /api/sentiment/{symbol} and the decision model read:
// a confidence- and age-weighted mean (2^(-age/half_life) from `until`), the plain mean, the
// first and last times, and the same weighting within each source.
#include <gtest/gtest.h>

#include <cmath>

#include "meridian/storage/sentiment_store.hpp"

namespace meridian::storage {
namespace {

using namespace std::chrono_literals;

const core::Timestamp kUntil = core::from_epoch_ms(1'800'000'000'000);

SentimentItem item(std::string source, double score, core::Duration age, std::optional<double> confidence = {}) {
  SentimentItem i;
  i.source = std::move(source);
  i.score = score;
  i.confidence = confidence;
  i.observed_at = kUntil - age;
  return i;
}

TEST(SentimentSummary, AnEmptyWindowIsZeroItemsAndNoTimes) {
  const auto s = summarise({}, kUntil, 6h);
  EXPECT_EQ(s.items, 0u);
  EXPECT_EQ(s.score, 0);
  EXPECT_EQ(s.mean_score, 0);
  EXPECT_FALSE(s.first);
  EXPECT_FALSE(s.last);
  EXPECT_TRUE(s.sources.empty());
}

TEST(SentimentSummary, OneItemsScoreReadsAsItsOwnAfterTheWeighting) {
  // Weight times score over weight is not exact in binary; the score is rounded to 1e-9, so
  // one item of -0.7 an hour old reads -0.7, not -0.7000000000000001.
  for (const auto age : {0h, 1h, 5h, 23h})
    for (const double score : {-0.7, 0.3, 0.1, -1.0, 1.0}) {
      const std::vector items{item("news", score, age, 0.9)};
      EXPECT_EQ(summarise(items, kUntil, 6h).score, score) << score << " at " << age.count() << "h";
    }
}

TEST(SentimentSummary, AnItemOneHalfLifeOldWeighsHalfAsMuch) {
  // +1 now (weight 1) and -1 six hours ago (weight 1/2): (1 - 0.5) / 1.5.
  const std::vector items{item("news", 1, 0h), item("news", -1, 6h)};
  const auto s = summarise(items, kUntil, 6h);
  EXPECT_EQ(s.items, 2u);
  EXPECT_NEAR(s.score, 0.5 / 1.5, 1e-9);
  EXPECT_NEAR(s.mean_score, 0, 1e-12);
  EXPECT_EQ(*s.first, kUntil - 6h);
  EXPECT_EQ(*s.last, kUntil);
  // Two half-lives: a quarter. Without decay (half-life 0): the plain mean.
  const std::vector older{item("news", 1, 0h), item("news", -1, 12h)};
  EXPECT_NEAR(summarise(older, kUntil, 6h).score, 0.75 / 1.25, 1e-9);
  EXPECT_NEAR(summarise(older, kUntil, 0h).score, 0, 1e-9);
}

TEST(SentimentSummary, ConfidenceWeightsAndAbsentConfidenceCountsAsOne) {
  const std::vector items{item("social", 0.8, 0h, 0.25), item("social", -0.4, 0h)};
  const auto s = summarise(items, kUntil, 6h);
  EXPECT_NEAR(s.score, (0.25 * 0.8 + 1 * -0.4) / 1.25, 1e-9);
  EXPECT_NEAR(s.mean_score, 0.2, 1e-12);
  // Confidence 0 weighs nothing: alone, the score is 0 while the item is counted.
  const std::vector unsure{item("social", 0.9, 0h, 0.0)};
  const auto u = summarise(unsure, kUntil, 6h);
  EXPECT_EQ(u.items, 1u);
  EXPECT_EQ(u.score, 0);
  EXPECT_NEAR(u.mean_score, 0.9, 1e-12);
}

TEST(SentimentSummary, SourcesAreWeightedApartAndListedByName) {
  const std::vector items{item("social", -1, 0h), item("news", 1, 0h, 0.5), item("news", 0, 6h),
                          item("social", -0.5, 0h)};
  const auto s = summarise(items, kUntil, 6h);
  ASSERT_EQ(s.sources.size(), 2u);
  EXPECT_EQ(s.sources[0].source, "news");
  EXPECT_EQ(s.sources[0].items, 2u);
  EXPECT_NEAR(s.sources[0].score, (0.5 * 1 + 0.5 * 0) / 1.0, 1e-9);
  EXPECT_EQ(s.sources[1].source, "social");
  EXPECT_EQ(s.sources[1].items, 2u);
  EXPECT_NEAR(s.sources[1].score, -0.75, 1e-9);
  EXPECT_NEAR(s.score, (0.5 - 1 - 0.5) / 3.0, 1e-9);
}

TEST(SentimentSummary, AnItemAfterUntilCountsAsObservedAtUntil) {
  const std::vector items{item("market", 1, -2h), item("market", -1, 6h)};
  EXPECT_NEAR(summarise(items, kUntil, 6h).score, 0.5 / 1.5, 1e-9);
}

}  // namespace
}  // namespace meridian::storage
