// 1m -> 5m/15m/1h/4h/1d: UTC alignment (hour, day, 4h at midnight), exact fixed-point OHLCV,
// forming bars, gaps, late minutes. A random stream with gaps is checked against a batch
// group-by of the same minutes.
#include "meridian/market/timeframe_rollup.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <tuple>
#include <vector>

using meridian::core::Bar;
using meridian::core::floor_to;
using meridian::core::period_of;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::SymbolId;
using meridian::core::Timeframe;
using meridian::core::Timestamp;
using meridian::market::TimeframeRollup;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {
// 2026-03-02T00:00:00Z, a Monday, midnight UTC.
const Timestamp kDay{sys_days{year{2026} / 3 / 2}.time_since_epoch()};

Bar minute(SymbolId symbol, Timestamp open_time, const char* o, const char* h, const char* l, const char* c,
           const char* v, std::uint32_t ticks = 1) {
  Bar b;
  b.symbol = symbol;
  b.timeframe = Timeframe::m1;
  b.open_time = open_time;
  b.open = *Price::parse(o);
  b.high = *Price::parse(h);
  b.low = *Price::parse(l);
  b.close = *Price::parse(c);
  b.volume = *Quantity::parse(v);
  b.ticks = ticks;
  return b;
}

Bar flat(SymbolId symbol, Timestamp open_time, const char* price = "100", const char* volume = "1") {
  return minute(symbol, open_time, price, price, price, price, volume);
}

const Bar* find(const TimeframeRollup::Closed& closed, Timeframe tf) {
  for (const auto& b : closed)
    if (b.timeframe == tf) return &b;
  return nullptr;
}

std::vector<Timeframe> timeframes_of(const TimeframeRollup::Closed& closed) {
  std::vector<Timeframe> out;
  for (const auto& b : closed) out.push_back(b.timeframe);
  return out;
}
}  // namespace

TEST(TimeframeRollup, FiveMinuteBarAggregatesOhlcvExactly) {
  TimeframeRollup rollup(1);
  const Timestamp t = kDay + 12h;
  // Volumes and prices with 8 decimals: sums must be exact, not rounded through double.
  EXPECT_TRUE(rollup.on_minute(minute(0, t + 0min, "100.00000001", "101.5", "99.9", "100.5", "0.10000001", 3)).empty());
  EXPECT_TRUE(rollup.on_minute(minute(0, t + 1min, "100.5", "103.25", "100.1", "102", "0.2", 2)).empty());
  EXPECT_TRUE(rollup.on_minute(minute(0, t + 2min, "102", "102.5", "98.75", "99", "0.30000002", 4)).empty());
  EXPECT_TRUE(rollup.on_minute(minute(0, t + 3min, "99", "100", "98.76", "99.5", "0", 0)).empty());
  const auto closed = rollup.on_minute(minute(0, t + 4min, "99.5", "99.6", "99.1", "99.12345678", "1.4", 1));
  // The 4th minute of 12:00 completes the 5m bar, and nothing longer.
  ASSERT_EQ(closed.size(), 1u);
  const Bar& b = closed.bars[0];
  EXPECT_EQ(b.timeframe, Timeframe::m5);
  EXPECT_EQ(b.symbol, 0u);
  EXPECT_EQ(b.open_time, t);
  EXPECT_EQ(b.open.to_string(), "100.00000001");
  EXPECT_EQ(b.high.to_string(), "103.25");
  EXPECT_EQ(b.low.to_string(), "98.75");
  EXPECT_EQ(b.close.to_string(), "99.12345678");
  EXPECT_EQ(b.volume.to_string(), "2.00000003");
  EXPECT_EQ(b.ticks, 10u);
  EXPECT_FALSE(rollup.forming(0, Timeframe::m5)) << "the closed bar is not forming any more";
  // The 15m bar goes on with the same five minutes.
  const auto m15 = rollup.forming(0, Timeframe::m15);
  ASSERT_TRUE(m15);
  EXPECT_EQ(m15->open_time, t);
  EXPECT_EQ(m15->volume.to_string(), "2.00000003");
  EXPECT_EQ(m15->high.to_string(), "103.25");
}

TEST(TimeframeRollup, EveryTimeframeClosesAtTheEndOfTheUtcDay) {
  TimeframeRollup rollup(1);
  rollup.on_minute(flat(0, kDay + 23h + 58min, "10"));
  const auto closed = rollup.on_minute(flat(0, kDay + 23h + 59min, "11"));
  EXPECT_EQ(timeframes_of(closed),
            (std::vector<Timeframe>{Timeframe::m5, Timeframe::m15, Timeframe::h1, Timeframe::h4, Timeframe::d1}));
  EXPECT_EQ(find(closed, Timeframe::m5)->open_time, kDay + 23h + 55min);
  EXPECT_EQ(find(closed, Timeframe::m15)->open_time, kDay + 23h + 45min);
  EXPECT_EQ(find(closed, Timeframe::h1)->open_time, kDay + 23h);
  EXPECT_EQ(find(closed, Timeframe::h4)->open_time, kDay + 20h);
  EXPECT_EQ(find(closed, Timeframe::d1)->open_time, kDay);
  for (const auto& b : closed) {
    EXPECT_EQ(b.open, Price::from_units(10));
    EXPECT_EQ(b.close, Price::from_units(11));
    EXPECT_EQ(b.volume, Quantity::from_units(2));
  }
  // Midnight opens a new bar in every timeframe, each aligned to midnight.
  EXPECT_TRUE(rollup.on_minute(flat(0, kDay + 24h, "12")).empty());
  for (auto tf : TimeframeRollup::kTimeframes) {
    const auto b = rollup.forming(0, tf);
    ASSERT_TRUE(b) << to_string(tf);
    EXPECT_EQ(b->open_time, kDay + 24h) << to_string(tf);
    EXPECT_EQ(b->timeframe, tf);
    EXPECT_EQ(b->open, Price::from_units(12));
  }
}

TEST(TimeframeRollup, HourAndFourHourBoundaries) {
  TimeframeRollup rollup(1);
  // 03:00 .. 04:00: the 1h bar of 03:00 and the 4h bar of 00:00 end with 03:59.
  Timestamp t = kDay + 3h;
  for (int m = 0; m < 59; ++m) {
    const auto closed = rollup.on_minute(flat(0, t + minutes(m)));
    EXPECT_EQ(find(closed, Timeframe::h1), nullptr) << m;
  }
  const auto closed = rollup.on_minute(flat(0, t + 59min));
  ASSERT_NE(find(closed, Timeframe::h1), nullptr);
  EXPECT_EQ(find(closed, Timeframe::h1)->open_time, kDay + 3h);
  EXPECT_EQ(find(closed, Timeframe::h1)->volume, Quantity::from_units(60));
  // The 4h bar opened at 03:00 (its first minute here) but is aligned to 00:00.
  ASSERT_NE(find(closed, Timeframe::h4), nullptr);
  EXPECT_EQ(find(closed, Timeframe::h4)->open_time, kDay);
  EXPECT_EQ(find(closed, Timeframe::d1), nullptr);
  rollup.on_minute(flat(0, kDay + 4h));
  EXPECT_EQ(rollup.forming(0, Timeframe::h4)->open_time, kDay + 4h);
  EXPECT_EQ(rollup.forming(0, Timeframe::d1)->open_time, kDay);
  EXPECT_EQ(rollup.forming(0, Timeframe::d1)->volume, Quantity::from_units(61));
}

TEST(TimeframeRollup, GapsKeepTheAlignment) {
  TimeframeRollup rollup(1);
  const Timestamp t = kDay + 12h;
  rollup.on_minute(minute(0, t + 1min, "100", "105", "100", "104", "1"));
  rollup.on_minute(minute(0, t + 3min, "104", "104", "95", "96", "2"));
  // 12:04 is missing: the 5m bar of 12:00 closes when 12:07 shows its period is over.
  const auto closed = rollup.on_minute(minute(0, t + 7min, "96", "97", "96", "97", "4"));
  ASSERT_EQ(timeframes_of(closed), std::vector<Timeframe>{Timeframe::m5});
  const Bar& b = closed.bars[0];
  EXPECT_EQ(b.open_time, t);
  EXPECT_EQ(b.open, Price::from_units(100));
  EXPECT_EQ(b.high, Price::from_units(105));
  EXPECT_EQ(b.low, Price::from_units(95));
  EXPECT_EQ(b.close, Price::from_units(96));
  EXPECT_EQ(b.volume, Quantity::from_units(3));
  // The next bar starts with 12:07 but opens at 12:05.
  auto m5 = rollup.forming(0, Timeframe::m5);
  ASSERT_TRUE(m5);
  EXPECT_EQ(m5->open_time, t + 5min);
  EXPECT_EQ(m5->open, Price::from_units(96));

  // A gap of hours: 12:07 -> 15:32 closes 5m, 15m and 1h; the 4h bar (12:00-16:00) goes on.
  const auto later = rollup.on_minute(flat(0, t + 3h + 32min, "50", "8"));
  EXPECT_EQ(timeframes_of(later), (std::vector<Timeframe>{Timeframe::m5, Timeframe::m15, Timeframe::h1}));
  EXPECT_EQ(find(later, Timeframe::m5)->open_time, t + 5min);
  EXPECT_EQ(find(later, Timeframe::m15)->open_time, t);
  EXPECT_EQ(find(later, Timeframe::h1)->open_time, t);
  EXPECT_EQ(rollup.forming(0, Timeframe::m5)->open_time, t + 3h + 30min);
  EXPECT_EQ(rollup.forming(0, Timeframe::m15)->open_time, t + 3h + 30min);
  EXPECT_EQ(rollup.forming(0, Timeframe::h1)->open_time, t + 3h);
  const auto h4 = rollup.forming(0, Timeframe::h4);
  EXPECT_EQ(h4->open_time, t);
  EXPECT_EQ(h4->volume, Quantity::from_units(15));
  EXPECT_EQ(h4->low, Price::from_units(50));
  EXPECT_EQ(h4->close, Price::from_units(50));
}

TEST(TimeframeRollup, KnowingTheNextMinuteClosesEndedPeriodsAtOnce) {
  TimeframeRollup rollup(1);
  const Timestamp t = kDay + 12h;
  rollup.on_minute(flat(0, t + 2min));
  // 12:03 closed by a tick of 12:06 (12:04 and 12:05 had none): the 12:00 bar is over now.
  const auto closed = rollup.on_minute(flat(0, t + 3min), t + 6min);
  ASSERT_EQ(timeframes_of(closed), std::vector<Timeframe>{Timeframe::m5});
  EXPECT_EQ(closed.bars[0].open_time, t);
  EXPECT_EQ(closed.bars[0].volume, Quantity::from_units(2));
  EXPECT_FALSE(rollup.forming(0, Timeframe::m5));
  // Minutes before the one known to be open are late.
  EXPECT_TRUE(rollup.on_minute(flat(0, t + 5min)).ignored);
  EXPECT_EQ(rollup.late_minutes(), 1u);
  EXPECT_FALSE(rollup.on_minute(flat(0, t + 6min)).ignored);
}

TEST(TimeframeRollup, FormingBarMergesTheOpenMinute) {
  TimeframeRollup rollup(1);
  const Timestamp t = kDay + 9h;
  rollup.on_minute(minute(0, t + 0min, "10", "12", "9", "11", "1", 2));
  rollup.on_minute(minute(0, t + 1min, "11", "11.5", "10.5", "11", "2", 3));
  const Bar open = minute(0, t + 2min, "11", "13", "8.5", "12.25", "0.5", 4);

  const auto without = rollup.forming(0, Timeframe::m15);
  ASSERT_TRUE(without);
  EXPECT_EQ(without->high, Price::from_units(12));
  EXPECT_EQ(without->close, Price::from_units(11));
  EXPECT_EQ(without->volume, Quantity::from_units(3));

  for (auto tf : TimeframeRollup::kTimeframes) {
    const auto with = rollup.forming(0, tf, &open);
    ASSERT_TRUE(with) << to_string(tf);
    EXPECT_EQ(with->timeframe, tf);
    EXPECT_EQ(with->open_time, floor_to(t, period_of(tf)));
    EXPECT_EQ(with->open, Price::from_units(10));
    EXPECT_EQ(with->high, Price::from_units(13));
    EXPECT_EQ(with->low.to_string(), "8.5");
    EXPECT_EQ(with->close.to_string(), "12.25");
    EXPECT_EQ(with->volume.to_string(), "3.5");
    EXPECT_EQ(with->ticks, 9u);
  }
  // Asking does not change the state.
  EXPECT_EQ(rollup.forming(0, Timeframe::m15)->volume, Quantity::from_units(3));
  // 1m: the open minute itself.
  EXPECT_EQ(rollup.forming(0, Timeframe::m1, &open)->close.to_string(), "12.25");
  EXPECT_FALSE(rollup.forming(0, Timeframe::m1));

  // An open minute in a later period (12:15, after a gap) is that period's whole bar so far.
  const Bar later = flat(0, t + 15min, "20", "1");
  const auto m15 = rollup.forming(0, Timeframe::m15, &later);
  EXPECT_EQ(m15->open_time, t + 15min);
  EXPECT_EQ(m15->open, Price::from_units(20));
  EXPECT_EQ(m15->volume, Quantity::from_units(1));
  EXPECT_EQ(rollup.forming(0, Timeframe::h1, &later)->volume, Quantity::from_units(4));
}

TEST(TimeframeRollup, LateRepeatedAndForeignMinutesAreIgnored) {
  TimeframeRollup rollup(2);
  const Timestamp t = kDay + 12h;
  EXPECT_FALSE(rollup.forming(0, Timeframe::m5));
  rollup.on_minute(flat(0, t + 2min, "100", "1"));
  EXPECT_TRUE(rollup.on_minute(flat(0, t + 2min, "100", "1")).ignored) << "repeated";
  EXPECT_TRUE(rollup.on_minute(flat(0, t + 1min, "100", "1")).ignored) << "older";
  EXPECT_EQ(rollup.late_minutes(), 2u);
  Bar five = flat(0, t + 3min);
  five.timeframe = Timeframe::m5;
  EXPECT_TRUE(rollup.on_minute(five).ignored) << "not a 1m bar";
  EXPECT_TRUE(rollup.on_minute(flat(7, t + 3min)).ignored) << "unknown symbol";
  EXPECT_FALSE(rollup.forming(7, Timeframe::m5));
  EXPECT_EQ(rollup.forming(0, Timeframe::m5)->volume, Quantity::from_units(1));
  // Symbols are independent: an older minute of symbol 1 is not late.
  EXPECT_FALSE(rollup.on_minute(flat(1, t)).ignored);
  EXPECT_EQ(rollup.forming(1, Timeframe::m5)->open_time, t);
}

TEST(TimeframeRollup, RandomStreamWithGapsEqualsBatchGroupBy) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int> step(1, 90);  // minutes between minutes: gaps up to 1.5 h
  std::uniform_int_distribution<std::int64_t> cents(1, 1'000'000);
  std::uniform_int_distribution<std::int64_t> lots(0, 5'000'000'000);
  constexpr SymbolId kSymbols = 3;
  TimeframeRollup rollup(kSymbols);

  std::vector<Bar> stream;
  for (SymbolId s = 0; s < kSymbols; ++s) {
    Timestamp t = kDay - 1h + minutes(s);
    for (int i = 0; i < 2000; ++i) {
      Bar b;
      b.symbol = s;
      b.timeframe = Timeframe::m1;
      b.open_time = t;
      const auto a = cents(rng), c = cents(rng), x = cents(rng), y = cents(rng);
      b.open = Price::from_raw(a * 1'000'000);
      b.close = Price::from_raw(c * 1'000'000);
      b.high = Price::from_raw(std::max({a, c, x, y}) * 1'000'000);
      b.low = Price::from_raw(std::min({a, c, x, y}) * 1'000'000);
      b.volume = Quantity::from_raw(lots(rng));
      b.ticks = static_cast<std::uint32_t>(i % 7);
      stream.push_back(b);
      t += minutes(step(rng));
    }
  }
  // Interleave the symbols by time, as a feed would.
  std::stable_sort(stream.begin(), stream.end(), [](const Bar& a, const Bar& b) { return a.open_time < b.open_time; });

  std::vector<Bar> streamed;
  for (const auto& m : stream)
    for (const auto& b : rollup.on_minute(m)) streamed.push_back(b);
  for (SymbolId s = 0; s < kSymbols; ++s)
    for (auto tf : TimeframeRollup::kTimeframes)
      if (auto b = rollup.forming(s, tf)) streamed.push_back(*b);

  // Batch: group every minute by (symbol, timeframe, floored open time).
  std::map<std::tuple<SymbolId, Timeframe, Timestamp>, Bar> batch;
  for (const auto& m : stream) {
    for (auto tf : TimeframeRollup::kTimeframes) {
      const auto key = std::make_tuple(m.symbol, tf, floor_to(m.open_time, period_of(tf)));
      auto [it, fresh] = batch.try_emplace(key, m);
      Bar& b = it->second;
      if (fresh) {
        b.timeframe = tf;
        b.open_time = std::get<2>(key);
        continue;
      }
      b.high = std::max(b.high, m.high);
      b.low = std::min(b.low, m.low);
      b.close = m.close;
      b.volume += m.volume;
      b.ticks += m.ticks;
    }
  }
  ASSERT_EQ(streamed.size(), batch.size());
  std::set<std::tuple<SymbolId, Timeframe, Timestamp>> seen;
  for (const auto& b : streamed) {
    const auto key = std::make_tuple(b.symbol, b.timeframe, b.open_time);
    ASSERT_TRUE(seen.insert(key).second) << "bar emitted twice";
    const auto it = batch.find(key);
    ASSERT_NE(it, batch.end()) << "misaligned bar";
    const Bar& want = it->second;
    EXPECT_EQ(b.open, want.open);
    EXPECT_EQ(b.high, want.high);
    EXPECT_EQ(b.low, want.low);
    EXPECT_EQ(b.close, want.close);
    EXPECT_EQ(b.volume, want.volume);
    EXPECT_EQ(b.ticks, want.ticks);
  }
}
