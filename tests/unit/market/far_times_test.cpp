// Found by fuzz/csv_bars_fuzz and fuzz/venue_fuzz: bar times beyond what a Timestamp holds
// (int64 nanoseconds, to the year 2262) wrapped in the conversion (signed overflow). They are
// bad rows now, and the last second a Timestamp takes with margin (9e9 s) still reads.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <variant>

#include "meridian/market/csv_bars.hpp"
#include "meridian/market/venues/coinbase/messages.hpp"

using namespace meridian;

namespace {

market::CsvBars parse(const std::string& text) {
  std::istringstream in(text);
  market::CsvOptions options;
  options.format = market::CsvFormat::generic;
  options.log_first = 0;
  return market::parse_csv_bars(in, "far.csv", options);
}

}  // namespace

TEST(FarTimes, CsvTimesBeyondTimestampAreBadRowsInEveryUnit) {
  for (const char* time : {"99999999999",        // s (just under the 1e11 s/ms boundary)
                           "99999999999999",     // ms
                           "99999999999999999",  // us
                           "9000000000.5"}) {    // decimal s
    SCOPED_TRACE(time);
    const auto r = parse(std::string(time) + ",1,2,0.5,1,1\n");
    EXPECT_TRUE(r.error.empty());
    EXPECT_TRUE(r.bars.empty());
    EXPECT_EQ(r.bad.total(), 1u);
  }
}

TEST(FarTimes, CsvTimesUpToTheBoundStillRead) {
  const auto r = parse("9000000000,1,2,0.5,1,1\n");
  ASSERT_EQ(r.bars.size(), 1u);
  EXPECT_EQ(r.bars[0].open_time.time_since_epoch(), std::chrono::seconds(9'000'000'000));
}

TEST(FarTimes, CoinbaseCandlesBeyondTimestampAreBadRows) {
  const auto r = market::venue::parse_coinbase_candles(
      R"([[99999999999,1,2,1.5,1.5,1],[-30290141296,1,2,1.5,1.5,1],[1672531200,1,2,1.5,1.5,1]])", 0);
  const auto* candles = std::get_if<market::venue::CoinbaseCandles>(&r);
  ASSERT_NE(candles, nullptr);
  EXPECT_EQ(candles->bad_rows, 2u);
  ASSERT_EQ(candles->bars.size(), 1u);
  EXPECT_EQ(candles->bars[0].open_time.time_since_epoch(), std::chrono::seconds(1'672'531'200));
}
