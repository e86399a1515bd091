// The paper executor allocates nothing per tick once its book is set up: resting limits and
// stops, ratcheting trailing stops and a large order filling a little every tick (with its
// bracket legs growing) run on memory reserved at construction. Counts calls to the global
// operator new (replaced for this test binary) while only ticks run.
#include <gtest/gtest.h>

#include "allocation_counter.hpp"
#include "meridian/execution/paper_executor.hpp"
#include "paper_fixture.hpp"

namespace meridian::execution::test {
namespace {

// Counts what it is told; stores nothing, so it allocates nothing itself.
class CountingSink final : public SplitSink {
 public:
  void on_order(const Order& o) override {
    ++orders;
    if (o.request.trail_amount.raw() > 0) ++stop_reports;  // a trailing stop moved
  }
  void on_fill(const Order&, const Fill&) override { ++fills; }
  Quantity reducible(const Order&) const noexcept override { return Quantity::from_units(1'000'000'000); }
  OrderId allocate_order_id() noexcept override { return next_id++; }

  long orders = 0;
  long stop_reports = 0;  // reports about trailing stops: their stop moved
  long fills = 0;
  OrderId next_id = 100'000;
};

TEST(ExecutionNoAllocation, TicksAgainstARestingBook) {
  const auto instruments = test_instruments();
  auto config = plain_config();
  config.slippage_bps = 1.0;
  config.impact_bps = 10.0;
  config.max_participation = 0.01;
  config.venue_fees = {{"crypto", FeeSchedule{1.0, 5.0, Money{}}}};
  PaperExecutor ex(config, instruments);
  CountingSink sink;
  OrderId id = 1;
  for (core::SymbolId s = 0; s < 3; ++s) {
    for (int i = 0; i < 10; ++i) {
      Order buy = order(id++, s, Side::buy, "5", OrderType::limit);
      buy.request.limit_price = px("50");
      ex.submit(buy, sink);
      Order sell = order(id++, s, Side::sell, "5", OrderType::limit);
      sell.request.limit_price = px("500");
      sell.request.tif = TimeInForce::day;
      sell.expires_at = at_ms(1'000'000'000);
      ex.submit(sell, sink);
      Order stop = order(id++, s, Side::buy, "5", OrderType::stop_limit);
      stop.request.stop_price = px("400");
      stop.request.limit_price = px("401");
      ex.submit(stop, sink);
    }
    Order trailing = order(id++, s, Side::sell, "5", OrderType::stop);
    trailing.request.trail_amount = px("5");
    trailing.request.reduce_only = true;
    ex.submit(trailing, sink);
  }
  // Fills about one share a tick for the whole run, enlarging its two bracket legs each time.
  Order big = order(id++, 0, Side::buy, "1000000");
  big.request.take_profit = px("1000");
  big.request.stop_loss = px("1");
  ex.submit(big, sink);

  auto tick_at = [](std::int64_t i) {
    const core::SymbolId s = static_cast<core::SymbolId>(i % 3);
    Tick t;
    t.symbol = s;
    t.ts = at_ms(1000 + i * 100);
    t.last = Price::from_raw(100 * core::kFixedScale + (i / 3) * 100'000);  // +0.001 a tick, rising
    t.bid = t.last - px("0.02");
    t.ask = t.last + px("0.02");
    t.volume = Quantity::from_units(100 + i % 7);
    return t;
  };
  std::int64_t i = 0;
  for (; i < 300; ++i) ex.on_tick(tick_at(i), sink);  // legs placed, every order evaluated once
  const std::size_t book = ex.open_orders().size();
  const long fills_before = sink.fills;
  const long stops_before = sink.stop_reports;

  const long before = meridian::test::allocations();
  for (; i < 30'300; ++i) ex.on_tick(tick_at(i), sink);
  const long allocations = meridian::test::allocations() - before;

  EXPECT_EQ(allocations, 0);
  EXPECT_EQ(ex.open_orders().size(), book);
  EXPECT_EQ(book, 96u);  // 90 resting, 3 trailing, the big entry and its 2 legs
  EXPECT_GT(sink.fills - fills_before, 9000);
  EXPECT_GT(sink.stop_reports - stops_before, 100);  // trailing stops kept moving
}

}  // namespace
}  // namespace meridian::execution::test
