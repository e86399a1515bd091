// RegimeTracker (api/regime_tracker.hpp): the market portfolio's 1m bar closes are read through
// one classifier per symbol, warmed from the snapshot's history; each change of regime is
// published with the regime before it and matches a classifier replayed over the same bars (what
// GET /api/market/regime gives); the first reading is a baseline, not a change; other
// portfolios' bars and other timeframes are not read.
#include "meridian/api/regime_tracker.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "meridian/engine/bar_history.hpp"
#include "meridian/engine/snapshot.hpp"

namespace meridian::api {
namespace {

using nlohmann::json;

constexpr std::size_t kWarm = 200;  // bars in the snapshot's history before the first close

// Four crafted stretches: a steady climb, a flat chop, a storm of wide ranges, a steady fall.
std::vector<core::Bar> crafted_bars(core::SymbolId symbol) {
  std::vector<core::Bar> bars;
  double price = 100.0;
  const core::Timestamp t0{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}.time_since_epoch()};
  auto add = [&](double close, double range) {
    core::Bar b;
    b.symbol = symbol;
    b.timeframe = core::Timeframe::m1;
    b.open_time = t0 + std::chrono::minutes(bars.size());
    b.open = core::Price::from_double(price);
    b.close = core::Price::from_double(close);
    b.high = core::Price::from_double(std::max(price, close) + range / 2);
    b.low = core::Price::from_double(std::min(price, close) - range / 2);
    b.volume = core::Quantity::from_double(10);
    b.ticks = 1;
    bars.push_back(b);
    price = close;
  };
  for (int i = 0; i < 400; ++i) add(price + 0.2, 0.1);
  for (int i = 0; i < 400; ++i) add(price + (i % 2 ? 0.05 : -0.05), 0.1);
  for (int i = 0; i < 400; ++i) add(price + (i % 2 ? 3.0 : -3.0), 4.0);
  for (int i = 0; i < 400; ++i) add(price - 0.2, 0.1);
  return bars;
}

std::shared_ptr<engine::Snapshot> snapshot_with_history(const core::InstrumentTable& instruments,
                                                        const std::vector<core::Bar>& history,
                                                        engine::PortfolioId portfolio) {
  auto snap = std::make_shared<engine::Snapshot>();
  snap->portfolio_id = portfolio;
  snap->bars.assign(instruments.size(), std::make_shared<const engine::BarSeries>());
  engine::BarHistory kept(10'000);
  for (const auto& b : history) kept.push(b);
  snap->bars[history.front().symbol] = kept.series();
  return snap;
}

struct Change {
  std::string regime, previous, as_of;
};

TEST(RegimeTracker, PublishesEachChangeAsAReplayedClassifierSeesItAndNothingElse) {
  const core::InstrumentTable instruments(core::default_instruments());
  const auto bars = crafted_bars(0);
  const std::vector<core::Bar> history(bars.begin(), bars.begin() + kWarm);

  // The reference: the route's replay, read after every close.
  std::vector<Change> expected;
  indicators::RegimeClassifier reference;
  for (const auto& b : history) reference.warm(b);
  for (std::size_t i = kWarm; i < bars.size(); ++i) {
    const auto before = reference.reading().regime;
    reference.update(bars[i]);
    const auto now = reference.reading().regime;
    if (now != before && before != indicators::MarketRegime::unknown)
      expected.push_back({std::string(indicators::to_string(now)), std::string(indicators::to_string(before)),
                          core::to_iso8601(bars[i].open_time)});
  }
  ASSERT_GE(expected.size(), 2u) << "the crafted stretches change regime";

  boost::asio::io_context io;
  RegimeTracker tracker(io, instruments, 1);
  engine::EventBus bus;
  tracker.attach(bus);
  std::vector<json> published;
  tracker.set_publisher([&](std::shared_ptr<const std::string> message, core::SymbolId symbol) {
    EXPECT_EQ(symbol, 0u);
    published.push_back(json::parse(*message));
  });

  const auto market = snapshot_with_history(instruments, history, 1);
  const auto other_portfolio = snapshot_with_history(instruments, crafted_bars(1), 2);
  for (std::size_t i = kWarm; i < bars.size(); ++i) {
    bus.publish(engine::BarClosed{bars[i]}, market);
    // Neither another portfolio's bars nor another timeframe's are read.
    bus.publish(engine::BarClosed{crafted_bars(1)[i % 10]}, other_portfolio);
    auto five = bars[i];
    five.timeframe = core::Timeframe::m5;
    five.close = core::Price::from_double(1.0);
    bus.publish(engine::BarClosed{five}, market);
  }
  io.run();

  ASSERT_EQ(published.size(), expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    const auto& m = published[k];
    EXPECT_EQ(m["type"], "regime");
    EXPECT_TRUE(m["ts"].is_number());
    const auto& data = m["data"];
    EXPECT_EQ(data["symbol"], instruments.at(0).symbol);
    EXPECT_EQ(data["timeframe"], "1m");
    EXPECT_EQ(data["regime"], expected[k].regime) << k;
    EXPECT_EQ(data["previous"], expected[k].previous) << k;
    EXPECT_EQ(data["as_of"], expected[k].as_of) << k;
    EXPECT_TRUE(data["inputs"].contains("adx")) << data.dump();
  }

  const auto readings = tracker.readings();
  ASSERT_EQ(readings.size(), 1u) << readings.dump();
  const auto& now = readings[instruments.at(0).symbol];
  EXPECT_EQ(now["bars"], bars.size()) << "every 1m close, none of the 5m ones";
  EXPECT_EQ(now["regime"], indicators::to_string(reference.reading().regime));
  EXPECT_EQ(now["as_of"], core::to_iso8601(bars.back().open_time));
}

TEST(RegimeTracker, TheFirstReadingIsABaselineNotAChange) {
  const core::InstrumentTable instruments(core::default_instruments());
  const auto bars = crafted_bars(0);
  const std::vector<core::Bar> history(bars.begin(), bars.begin() + kWarm);
  boost::asio::io_context io;
  RegimeTracker tracker(io, instruments, 1);
  engine::EventBus bus;
  tracker.attach(bus);
  int published = 0;
  tracker.set_publisher([&](std::shared_ptr<const std::string>, core::SymbolId) { ++published; });
  bus.publish(engine::BarClosed{bars[kWarm]}, snapshot_with_history(instruments, history, 1));
  io.run();
  EXPECT_EQ(published, 0);
  const auto readings = tracker.readings();
  ASSERT_TRUE(readings.contains(instruments.at(0).symbol)) << readings.dump();
  EXPECT_NE(readings[instruments.at(0).symbol]["regime"], "unknown") << "warmed from the history";
  EXPECT_EQ(readings[instruments.at(0).symbol]["bars"], kWarm + 1);
}

}  // namespace
}  // namespace meridian::api
