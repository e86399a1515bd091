// Enum text mappings and the error category: these spellings are part of the API.
#include "meridian/core/types.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

using meridian::core::kAllTimeframes;
using meridian::core::parse_side;
using meridian::core::parse_timeframe;
using meridian::core::period_of;
using meridian::core::Side;
using meridian::core::Timeframe;
using namespace std::chrono_literals;

TEST(Timeframe, ToStringAndParseRoundTrip) {
  std::set<std::string> seen;
  for (auto tf : kAllTimeframes) {
    const auto text = meridian::core::to_string(tf);
    EXPECT_TRUE(seen.insert(std::string(text)).second) << "duplicate spelling " << text;
    auto back = parse_timeframe(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(*back, tf);
  }
  EXPECT_EQ(meridian::core::to_string(Timeframe::m1), "1m");
  EXPECT_EQ(meridian::core::to_string(Timeframe::m15), "15m");
  EXPECT_EQ(meridian::core::to_string(Timeframe::h4), "4h");
  EXPECT_EQ(meridian::core::to_string(Timeframe::d1), "1d");
}

TEST(Timeframe, PeriodOf) {
  EXPECT_EQ(period_of(Timeframe::m1), 1min);
  EXPECT_EQ(period_of(Timeframe::m5), 5min);
  EXPECT_EQ(period_of(Timeframe::m15), 15min);
  EXPECT_EQ(period_of(Timeframe::h1), 1h);
  EXPECT_EQ(period_of(Timeframe::h4), 4h);
  EXPECT_EQ(period_of(Timeframe::d1), 24h);
}

TEST(Timeframe, ParseRejectsUnknown) {
  for (const char* text : {"", "2m", "1 m", "60s", "1w", "m1", "1m "}) EXPECT_FALSE(parse_timeframe(text)) << text;
}

TEST(Side, ParseAndToString) {
  EXPECT_EQ(parse_side("buy"), Side::buy);
  EXPECT_EQ(parse_side("BUY"), Side::buy);
  EXPECT_EQ(parse_side("sell"), Side::sell);
  EXPECT_EQ(parse_side("SELL"), Side::sell);
  EXPECT_FALSE(parse_side("hold"));
  EXPECT_FALSE(parse_side(""));
  EXPECT_EQ(meridian::core::to_string(Side::buy), "buy");
  EXPECT_EQ(meridian::core::to_string(Side::sell), "sell");
}
