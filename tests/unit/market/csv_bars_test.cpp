// CSV bars: each format (generic, Binance in ms and µs, Coinbase's column order), detection,
// exact fixed-point values, every bad-row kind counted and skipped, and truncated or random
// input that never crashes and always accounts for every row.
#include "meridian/market/csv_bars.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>
#include <string>

using meridian::core::Bar;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::Timeframe;
using meridian::core::Timestamp;
using meridian::market::BadRow;
using meridian::market::CsvBars;
using meridian::market::CsvFormat;
using meridian::market::CsvOptions;
using meridian::market::parse_csv_bars;
using meridian::market::parse_csv_format;
using meridian::market::read_csv_bars;
using namespace std::chrono;

namespace {

CsvBars parse(const std::string& text, CsvOptions options = {}) {
  std::istringstream in(text);
  options.log_first = 0;  // keep test output quiet; counting does not depend on logging
  return parse_csv_bars(in, "test.csv", options);
}

CsvOptions with_format(CsvFormat f) {
  CsvOptions o;
  o.format = f;
  return o;
}

Timestamp at_s(std::int64_t s) {
  return Timestamp(seconds(s));
}

void expect_bar(const Bar& b, std::int64_t ts_s, const char* o, const char* h, const char* l, const char* c,
                const char* v) {
  EXPECT_EQ(b.open_time, at_s(ts_s));
  EXPECT_EQ(b.open, *Price::parse(o));
  EXPECT_EQ(b.high, *Price::parse(h));
  EXPECT_EQ(b.low, *Price::parse(l));
  EXPECT_EQ(b.close, *Price::parse(c));
  EXPECT_EQ(b.volume, *Quantity::parse(v));
}

// 2024-01-01T00:00:00Z and the next two minutes.
constexpr std::int64_t kT0 = 1704067200;

}  // namespace

TEST(CsvBars, GenericWithHeaderInSeconds) {
  auto r = parse(
      "ts,open,high,low,close,volume\n"
      "1704067200,42000.10,42010.55,41990.00,42005.12345678,1.5\n"
      "1704067260,42005.12,42020,42000,42019.99,0.00000001\n");
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.format, CsvFormat::generic);
  EXPECT_EQ(r.rows, 2u);
  EXPECT_EQ(r.bad.total(), 0u);
  ASSERT_EQ(r.bars.size(), 2u);
  expect_bar(r.bars[0], kT0, "42000.10", "42010.55", "41990", "42005.12345678", "1.5");
  expect_bar(r.bars[1], kT0 + 60, "42005.12", "42020", "42000", "42019.99", "0.00000001");
}

TEST(CsvBars, StampsSymbolAndTimeframeFromOptions) {
  CsvOptions o;
  o.symbol = 7;
  o.timeframe = Timeframe::h1;
  auto r = parse("1704067200,1,2,0.5,1.5,10\n", o);
  ASSERT_EQ(r.bars.size(), 1u);
  EXPECT_EQ(r.bars[0].symbol, 7u);
  EXPECT_EQ(r.bars[0].timeframe, Timeframe::h1);
}

TEST(CsvBars, GenericWithoutHeaderInMilliseconds) {
  auto r = parse("1704067200000,10,12,9,11,100\n1704067260000,11,13,10,12,200\n");
  EXPECT_EQ(r.format, CsvFormat::generic);
  ASSERT_EQ(r.bars.size(), 2u);
  expect_bar(r.bars[0], kT0, "10", "12", "9", "11", "100");
  expect_bar(r.bars[1], kT0 + 60, "11", "13", "10", "12", "200");
}

TEST(CsvBars, TimesAsIsoTextAndDecimalSeconds) {
  auto r = parse(
      "time,open,high,low,close,volume\n"
      "2024-01-01T00:00:00Z,1,2,1,2,1\n"
      "1704067260.000,2,3,2,3,1\n"
      "2024-01-01T00:02:00.000Z,3,4,3,4,1\n");
  ASSERT_EQ(r.bars.size(), 3u);
  EXPECT_EQ(r.bars[0].open_time, at_s(kT0));
  EXPECT_EQ(r.bars[1].open_time, at_s(kT0 + 60));
  EXPECT_EQ(r.bars[2].open_time, at_s(kT0 + 120));
}

TEST(CsvBars, BinanceKlinesInMillisecondsAndMicroseconds) {
  const std::string ms =
      "1704067200000,42283.58000000,42298.62000000,42261.02000000,42298.61000000,35.92724000,1704067259999,"
      "1519032.43640150,1061,21.88036000,925265.18082230,0\n"
      "1704067260000,42298.62000000,42320.00000000,42298.61000000,42316.00000000,14.26000000,1704067319999,"
      "603222.49013420,806,9.87400000,417655.75416060,0\n";
  // Exports since 2025 count microseconds.
  const std::string us =
      "1704067200000000,42283.58000000,42298.62000000,42261.02000000,42298.61000000,35.92724000,1704067259999999,"
      "1519032.43640150,1061,21.88036000,925265.18082230,0\n"
      "1704067260000000,42298.62000000,42320.00000000,42298.61000000,42316.00000000,14.26000000,1704067319999999,"
      "603222.49013420,806,9.87400000,417655.75416060,0\n";
  for (const auto& text : {ms, us}) {
    auto r = parse(text);
    ASSERT_TRUE(r.error.empty()) << r.error;
    EXPECT_EQ(r.format, CsvFormat::binance);
    ASSERT_EQ(r.bars.size(), 2u);
    expect_bar(r.bars[0], kT0, "42283.58", "42298.62", "42261.02", "42298.61", "35.92724");
    expect_bar(r.bars[1], kT0 + 60, "42298.62", "42320", "42298.61", "42316", "14.26");
  }
}

TEST(CsvBars, BinanceWithItsNewerHeader) {
  auto r = parse(
      "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,"
      "ignore\n"
      "1704067200000,1.5,2.5,1.0,2.0,3,1704067259999,4.5,7,1,1.5,0\n");
  EXPECT_EQ(r.format, CsvFormat::binance);
  ASSERT_EQ(r.bars.size(), 1u);
  expect_bar(r.bars[0], kT0, "1.5", "2.5", "1.0", "2.0", "3");
}

TEST(CsvBars, CoinbaseColumnOrderDetectedFromValues) {
  // time, low, high, open, close, volume: column 1 is the low, which generic order would read
  // as an open below the bar's low.
  auto r = parse(
      "1704067200,41990.5,42010.25,42000,42005,12.5\n"
      "1704067260,42001,42030,42005,42020.75,3.25\n");
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.format, CsvFormat::coinbase);
  ASSERT_EQ(r.bars.size(), 2u);
  expect_bar(r.bars[0], kT0, "42000", "42010.25", "41990.5", "42005", "12.5");
  expect_bar(r.bars[1], kT0 + 60, "42005", "42030", "42001", "42020.75", "3.25");
}

TEST(CsvBars, CoinbaseHeaderMapsColumnsByName) {
  auto r = parse("time,low,high,open,close,volume\n1704067200,9,12,10,11,5\n");
  EXPECT_EQ(r.format, CsvFormat::coinbase);
  ASSERT_EQ(r.bars.size(), 1u);
  expect_bar(r.bars[0], kT0, "10", "12", "9", "11", "5");
}

TEST(CsvBars, NewestFirstFilesAreReversed) {
  // Coinbase's REST returns candles newest first; files saved from it keep that order.
  auto r = parse(
      "1704067320,9,12,10,11,1\n"
      "1704067260,9,12,10,11,1\n"
      "1704067200,9,12,10,11,1\n",
      with_format(CsvFormat::coinbase));
  EXPECT_TRUE(r.newest_first);
  EXPECT_EQ(r.bad.total(), 0u);
  ASSERT_EQ(r.bars.size(), 3u);
  EXPECT_EQ(r.bars[0].open_time, at_s(kT0));
  EXPECT_EQ(r.bars[2].open_time, at_s(kT0 + 120));
}

TEST(CsvBars, ExplicitFormatWinsOverDetection) {
  // Values that only fit Coinbase's order; read as generic, each open lies below its "low".
  const std::string text = "1704067200,41990.5,42010.25,42000,42005,12.5\n1704067260,42001,42030,42005,42020.75,3.25\n";
  EXPECT_EQ(parse(text).format, CsvFormat::coinbase);
  auto r = parse(text, with_format(CsvFormat::generic));
  EXPECT_EQ(r.format, CsvFormat::generic);
  EXPECT_TRUE(r.bars.empty());
  EXPECT_EQ(r.bad[BadRow::outside_range], 2u);
}

TEST(CsvBars, RowsFittingBothOrdersMeanTheSameBar) {
  // Both orders fit only when column 1 equals column 3 (open == low), so the bar is the same.
  const std::string text = "1704067200,5,5,5,5,1\n1704067260,4,6,4,5,2\n";
  EXPECT_EQ(parse(text).format, CsvFormat::generic);
  auto r = parse(text, with_format(CsvFormat::coinbase));
  ASSERT_EQ(r.bars.size(), 2u);
  expect_bar(r.bars[1], kT0 + 60, "4", "6", "4", "5", "2");
}

TEST(CsvBars, ExplicitFormatSkipsAHeaderLine) {
  auto r = parse("a,open,b,c,d,e\n1704067200,1,2,1,2,1\n", with_format(CsvFormat::generic));
  EXPECT_TRUE(r.error.empty());
  EXPECT_EQ(r.rows, 1u);
  EXPECT_EQ(r.bars.size(), 1u);
}

TEST(CsvBars, ToleratesBomCrlfQuotesAndBlankLines) {
  auto r = parse(
      "\xEF\xBB\xBF\"ts\",\"open\",\"high\",\"low\",\"close\",\"volume\"\r\n"
      "\r\n"
      "\"1704067200\", 1.25 ,2,1,2,\"3\"\r\n"
      "   \n");
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.rows, 1u);
  ASSERT_EQ(r.bars.size(), 1u);
  expect_bar(r.bars[0], kT0, "1.25", "2", "1", "2", "3");
}

TEST(CsvBars, EmptyInputAndHeaderOnlyGiveNoBars) {
  for (const char* text : {"", "\n\n", "ts,open,high,low,close,volume\n"}) {
    auto r = parse(text);
    EXPECT_TRUE(r.error.empty()) << '"' << text << '"';
    EXPECT_TRUE(r.bars.empty());
    EXPECT_EQ(r.rows, 0u);
  }
}

TEST(CsvBars, FileLevelErrors) {
  EXPECT_NE(parse("ts,open,high,close,volume\n1704067200,1,2,2,1\n").error, "");       // header lacks low
  EXPECT_NE(parse("1704067200,1,2,1,2,1,9,9\n1704067260,1,2,1,2,1,9,9\n").error, "");  // 8 columns
  auto missing = read_csv_bars("/nonexistent/bars.csv", {});
  EXPECT_NE(missing.error.find("/nonexistent/bars.csv"), std::string::npos);
  EXPECT_TRUE(missing.bars.empty());
}

TEST(CsvBars, EachBadRowKindIsCountedAndSkipped) {
  CsvOptions o;
  o.period = minutes(1);
  auto r = parse(
      "ts,open,high,low,close,volume\n"
      "1704067200,10,12,9,11,1\n"           // good
      "1704067260,10,12,9,11\n"             // malformed: five fields
      "1704067260,10,12,9,11,1,1\n"         // malformed: seven fields
      "1704067260,ten,12,9,11,1\n"          // non_numeric
      "1704067260,10,12,9,11,\n"            // non_numeric: empty
      "17040672xx,10,12,9,11,1\n"           // non_numeric time
      "1704067260,10,12,9,1.000000001,1\n"  // non_numeric: a ninth decimal that matters
      "1704067260,10,9,12,11,1\n"           // high_below_low
      "1704067260,13,14,9,11,1\n"           // good: open 13 is within 9..14
      "1704067260,8,12,9,11,1\n"            // outside_range: open below low
      "1704067260,10,12,9,12.5,1\n"         // outside_range: close above high
      "1704067260,0,12,0,11,1\n"            // non_positive
      "1704067260,-1,12,-2,11,1\n"          // non_positive
      "1704067260,10,12,9,11,-0.5\n"        // negative_volume
      "1704067290,10,12,9,11,1\n"           // misaligned
      "1704067320,10,12,9,11,2\n"           // good
      "1704067200,10,12,9,11,1\n"           // time_backwards
      "1704067320,10,12,9,11,3\n"           // duplicate_time (the first is kept)
      "1704067380,10,12,9,11,4\n",          // good
      o);
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.rows, 19u);
  EXPECT_EQ(r.bad[BadRow::malformed], 2u);
  EXPECT_EQ(r.bad[BadRow::non_numeric], 4u);
  EXPECT_EQ(r.bad[BadRow::high_below_low], 1u);
  EXPECT_EQ(r.bad[BadRow::outside_range], 2u);
  EXPECT_EQ(r.bad[BadRow::non_positive], 2u);
  EXPECT_EQ(r.bad[BadRow::negative_volume], 1u);
  EXPECT_EQ(r.bad[BadRow::misaligned], 1u);
  EXPECT_EQ(r.bad[BadRow::time_backwards], 1u);
  EXPECT_EQ(r.bad[BadRow::duplicate_time], 1u);
  ASSERT_EQ(r.bars.size(), 4u);
  EXPECT_EQ(r.bars.size() + r.bad.total(), r.rows);
  expect_bar(r.bars[0], kT0, "10", "12", "9", "11", "1");
  expect_bar(r.bars[1], kT0 + 60, "13", "14", "9", "11", "1");
  expect_bar(r.bars[2], kT0 + 120, "10", "12", "9", "11", "2");
  expect_bar(r.bars[3], kT0 + 180, "10", "12", "9", "11", "4");
}

TEST(CsvBars, MisalignedIsOnlyCheckedWithAPeriod) {
  auto r = parse("1704067230,10,12,9,11,1\n");
  EXPECT_EQ(r.bars.size(), 1u);
}

TEST(CsvBars, FormatNames) {
  EXPECT_EQ(parse_csv_format("auto"), CsvFormat::automatic);
  EXPECT_EQ(parse_csv_format("generic"), CsvFormat::generic);
  EXPECT_EQ(parse_csv_format("binance"), CsvFormat::binance);
  EXPECT_EQ(parse_csv_format("coinbase"), CsvFormat::coinbase);
  EXPECT_FALSE(parse_csv_format("named"));
  EXPECT_FALSE(parse_csv_format("Binance"));
}

TEST(CsvBars, TruncatedLinesNeverCrashAndEveryRowIsAccounted) {
  const std::string full =
      "1704067200000,42283.58000000,42298.62000000,42261.02000000,42298.61000000,35.92724000,1704067259999,"
      "1519032.43640150,1061,21.88036000,925265.18082230,0\n"
      "1704067260000,42298.62000000,42320.00000000,42298.61000000,42316.00000000,14.26000000,1704067319999,"
      "603222.49013420,806,9.87400000,417655.75416060,0\n"
      "1704067320000,42316.00000000,42330.00000000,42300.00000000,42310.00000000,10.00000000,1704067379999,"
      "423100.00000000,500,5.00000000,211550.00000000,0\n";
  const auto good = parse(full);
  ASSERT_EQ(good.bars.size(), 3u);
  for (std::size_t cut = 0; cut <= full.size(); ++cut) {
    // The file cut short, and the same with the cut line in the middle of the file.
    const std::string head = full.substr(0, cut);
    for (const auto& text : {head, head + "\n" + full.substr(full.rfind('\n', full.size() - 2) + 1)}) {
      auto r = parse(text, with_format(CsvFormat::binance));
      EXPECT_EQ(r.bars.size() + r.bad.total(), r.rows) << "cut at " << cut;
      for (std::size_t i = 0; i < r.bars.size(); ++i) {
        const auto& b = r.bars[i];
        EXPECT_LE(b.low, b.open);
        EXPECT_LE(b.open, b.high);
        EXPECT_LE(b.low, b.close);
        EXPECT_LE(b.close, b.high);
        if (i > 0) {
          EXPECT_LT(r.bars[i - 1].open_time, b.open_time);
        }
      }
      // A line cut inside its first six fields is malformed, never a bar with wrong values.
      for (const auto& b : r.bars) {
        const auto same =
            std::find_if(good.bars.begin(), good.bars.end(), [&](const Bar& g) { return g.open_time == b.open_time; });
        ASSERT_NE(same, good.bars.end());
        EXPECT_EQ(b.open, same->open);
        EXPECT_EQ(b.high, same->high);
        EXPECT_EQ(b.low, same->low);
        EXPECT_EQ(b.close, same->close);
        EXPECT_EQ(b.volume, same->volume);
      }
    }
  }
}

TEST(CsvBars, RandomInputNeverCrashes) {
  std::mt19937 rng(12345);
  const std::string alphabet = "0123456789,,,..\n\n-eE+ \"abcopenhighlowclosevolumets\r";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<std::size_t> length(0, 400);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const auto n = length(rng);
    for (std::size_t i = 0; i < n; ++i) text += alphabet[pick(rng)];
    for (auto format : {CsvFormat::automatic, CsvFormat::generic, CsvFormat::binance, CsvFormat::coinbase}) {
      auto r = parse(text, with_format(format));
      if (!r.error.empty()) {
        EXPECT_TRUE(r.bars.empty());
        continue;
      }
      EXPECT_EQ(r.bars.size() + r.bad.total(), r.rows);
      for (std::size_t i = 1; i < r.bars.size(); ++i) EXPECT_LT(r.bars[i - 1].open_time, r.bars[i].open_time);
      for (const auto& b : r.bars) {
        EXPECT_GT(b.low.raw(), 0);
        EXPECT_LE(b.low, b.high);
        EXPECT_GE(b.volume.raw(), 0);
      }
    }
  }
}
