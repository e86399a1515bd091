// market_data through the bar store: an import upserts idempotently (a re-import changes
// nothing, a corrected bar updates one row), batches commit together, values round-trip
// exactly, and a timeframe never stored is rolled up from 1m rows on UTC boundaries.
#include "meridian/storage/bar_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "meridian/storage/migrations.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {
namespace {

using core::Bar;
using core::Duration;
using core::Price;
using core::Quantity;
using core::Timeframe;
using core::Timestamp;
using namespace std::chrono;

const Timestamp kT0{seconds(1704067200)};  // 2024-01-01T00:00:00Z

// n one-minute bars from kT0 with varied, exactly representable values.
std::vector<Bar> minute_bars(std::size_t n) {
  std::vector<Bar> out;
  for (std::size_t i = 0; i < n; ++i) {
    Bar b;
    b.timeframe = Timeframe::m1;
    b.open_time = kT0 + minutes(static_cast<long>(i));
    const auto base = 42000 * core::kFixedScale + static_cast<std::int64_t>((i * 7919) % 1000) * 1'234'567;
    b.open = Price::from_raw(base);
    b.high = Price::from_raw(base + 50'000'001 + static_cast<std::int64_t>(i % 13) * 100);
    b.low = Price::from_raw(base - 40'000'003 - static_cast<std::int64_t>(i % 11) * 100);
    b.close = Price::from_raw(base + (i % 2 ? 1 : -1) * 12'345'678);
    b.volume = Quantity::from_raw(static_cast<std::int64_t>(i % 17) * 3'333'333 + 1);
    out.push_back(b);
  }
  return out;
}

void expect_same(const Bar& got, const Bar& want) {
  EXPECT_EQ(got.open_time, want.open_time);
  EXPECT_EQ(got.open, want.open);
  EXPECT_EQ(got.high, want.high);
  EXPECT_EQ(got.low, want.low);
  EXPECT_EQ(got.close, want.close);
  EXPECT_EQ(got.volume, want.volume);
}

// The roll-up done by hand: bars of `period` from 1m bars, UTC-aligned.
std::vector<Bar> roll_up(const std::vector<Bar>& minutes_in, Duration period) {
  std::vector<Bar> out;
  for (const auto& m : minutes_in) {
    const auto bucket = core::floor_to(m.open_time, period);
    if (out.empty() || out.back().open_time != bucket) {
      out.push_back(m);
      out.back().open_time = bucket;
      continue;
    }
    auto& b = out.back();
    b.high = std::max(b.high, m.high);
    b.low = std::min(b.low, m.low);
    b.close = m.close;
    b.volume += m.volume;
  }
  return out;
}

class BarStoreTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    storage::apply_migrations(url());
  }
  long long count(const std::string& where = "true") {
    pqxx::connection conn(url());
    pqxx::work tx(conn);
    return tx.exec1("SELECT count(*) FROM market_data WHERE " + where)[0].as<long long>();
  }
};

TEST_F(BarStoreTest, ReimportIsIdempotentAndACorrectionUpdatesOneRow) {
  const auto bars = minute_bars(5);
  auto first = storage::upsert_bars(url(), "BTC-USD", bars);
  EXPECT_EQ(first.inserted, 5u);
  EXPECT_EQ(first.updated, 0u);
  EXPECT_EQ(first.unchanged, 0u);

  auto again = storage::upsert_bars(url(), "BTC-USD", bars);
  EXPECT_EQ(again.inserted, 0u);
  EXPECT_EQ(again.updated, 0u);
  EXPECT_EQ(again.unchanged, 5u);
  EXPECT_EQ(count(), 5);

  auto corrected = bars;
  corrected[2].close = corrected[2].high;
  auto fix = storage::upsert_bars(url(), "BTC-USD", corrected);
  EXPECT_EQ(fix.inserted, 0u);
  EXPECT_EQ(fix.updated, 1u);
  EXPECT_EQ(fix.unchanged, 4u);
  EXPECT_EQ(count(), 5);

  const auto loaded = storage::load_bars(url(), "BTC-USD", 3, Timeframe::m1, {});
  EXPECT_FALSE(loaded.aggregated);
  ASSERT_EQ(loaded.bars.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    expect_same(loaded.bars[i], corrected[i]);
    EXPECT_EQ(loaded.bars[i].symbol, 3u);
    EXPECT_EQ(loaded.bars[i].timeframe, Timeframe::m1);
  }
  // Another symbol's rows are its own.
  EXPECT_EQ(storage::upsert_bars(url(), "ETH-USD", bars).inserted, 5u);
  EXPECT_EQ(count("symbol = 'BTC-USD'"), 5);
}

TEST_F(BarStoreTest, ManyBatchesCommitTogether) {
  const auto bars = minute_bars(4500);  // more than one batch
  auto counts = storage::upsert_bars(url(), "BTC-USD", bars);
  EXPECT_EQ(counts.inserted, 4500u);
  EXPECT_EQ(count("timeframe = '1m'"), 4500);
  const auto loaded = storage::load_bars(url(), "BTC-USD", 0, Timeframe::m1, {});
  ASSERT_EQ(loaded.bars.size(), bars.size());
  expect_same(loaded.bars.front(), bars.front());
  expect_same(loaded.bars[2345], bars[2345]);
  expect_same(loaded.bars.back(), bars.back());
}

TEST_F(BarStoreTest, UnorderedInputIsRefusedAndWritesNothing) {
  auto bars = minute_bars(3);
  std::swap(bars[0], bars[2]);
  EXPECT_THROW(storage::upsert_bars(url(), "BTC-USD", bars), std::invalid_argument);
  EXPECT_EQ(count(), 0);
}

TEST_F(BarStoreTest, RangeIsHalfOpenOnOpenTime) {
  const auto bars = minute_bars(10);
  storage::upsert_bars(url(), "BTC-USD", bars);
  storage::BarRange range{kT0 + 2min, kT0 + 5min};
  const auto loaded = storage::load_bars(url(), "BTC-USD", 0, Timeframe::m1, range);
  ASSERT_EQ(loaded.bars.size(), 3u);
  expect_same(loaded.bars.front(), bars[2]);
  expect_same(loaded.bars.back(), bars[4]);
}

TEST_F(BarStoreTest, LargerTimeframesAreRolledUpFromMinutes) {
  // 00:00 .. 04:59 plus a partial day boundary: 300 minutes.
  const auto bars = minute_bars(300);
  storage::upsert_bars(url(), "BTC-USD", bars);
  for (auto tf : {Timeframe::m5, Timeframe::m15, Timeframe::h1, Timeframe::h4, Timeframe::d1}) {
    const auto want = roll_up(bars, core::period_of(tf));
    const auto got = storage::load_bars(url(), "BTC-USD", 0, tf, {});
    EXPECT_TRUE(got.aggregated) << core::to_string(tf);
    ASSERT_EQ(got.bars.size(), want.size()) << core::to_string(tf);
    for (std::size_t i = 0; i < want.size(); ++i) {
      SCOPED_TRACE(std::string(core::to_string(tf)) + " #" + std::to_string(i));
      expect_same(got.bars[i], want[i]);
      EXPECT_EQ(got.bars[i].timeframe, tf);
    }
  }
  // A bucket belongs to the range by its open time and brings all of its minutes.
  const auto hourly = roll_up(bars, hours(1));
  const auto ranged = storage::load_bars(url(), "BTC-USD", 0, Timeframe::h1, {kT0 + 30min, kT0 + 3h});
  ASSERT_EQ(ranged.bars.size(), 2u);
  expect_same(ranged.bars[0], hourly[1]);
  expect_same(ranged.bars[1], hourly[2]);
}

TEST_F(BarStoreTest, StoredRowsOfTheTimeframeWinOverTheRollUp) {
  storage::upsert_bars(url(), "BTC-USD", minute_bars(120));
  Bar hour;
  hour.timeframe = Timeframe::h1;
  hour.open_time = kT0;
  hour.open = hour.high = hour.low = hour.close = Price::from_units(7);
  hour.volume = Quantity::from_units(1);
  const Bar one[] = {hour};
  storage::upsert_bars(url(), "BTC-USD", one);
  const auto got = storage::load_bars(url(), "BTC-USD", 0, Timeframe::h1, {});
  EXPECT_FALSE(got.aggregated);
  ASSERT_EQ(got.bars.size(), 1u);
  expect_same(got.bars[0], hour);
}

TEST_F(BarStoreTest, NothingStoredGivesNoBars) {
  EXPECT_TRUE(storage::load_bars(url(), "BTC-USD", 0, Timeframe::m1, {}).bars.empty());
  EXPECT_TRUE(storage::load_bars(url(), "BTC-USD", 0, Timeframe::h1, {}).bars.empty());
}

TEST(BarStoreDown, AnUnreachableDatabaseThrows) {
  // Port 1 on loopback: nothing listens there.
  EXPECT_ANY_THROW(
      storage::load_bars("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2", "BTC-USD", 0, Timeframe::m1, {}));
}

}  // namespace
}  // namespace meridian::it
