// Paper executor prices and costs: slippage by size, tick rounding against the order, exact
// fees by liquidity and venue, participation in lots, configuration errors.
#include <gtest/gtest.h>

#include <stdexcept>

#include "meridian/execution/paper_executor.hpp"
#include "paper_fixture.hpp"

namespace meridian::execution::test {
namespace {

PaperConfig slippage_config() {
  auto c = plain_config();
  c.slippage_bps = 1.0;
  c.impact_bps = 10.0;
  c.max_slippage_bps = 100.0;
  return c;
}

TEST(PaperPricing, SlippageGrowsWithSizeAndIsCapped) {
  const auto instruments = test_instruments();
  PaperExecutor ex(slippage_config(), instruments);
  RecordingSink sink;
  const Tick t = tick(0, 0, "99.9", "100", "100", "100");
  ex.on_tick(t, sink);  // recent volume: 100 per tick
  // 1 + 10 * sqrt(qty / 100) bps, at most 100 bps.
  EXPECT_EQ(ex.market_price(Side::buy, qty("1"), t), px("100.02"));     // 2 bps
  EXPECT_EQ(ex.market_price(Side::buy, qty("100"), t), px("100.11"));   // 11 bps
  EXPECT_EQ(ex.market_price(Side::buy, qty("2500"), t), px("100.51"));  // 51 bps
  EXPECT_EQ(ex.market_price(Side::buy, qty("1000000"), t), px("101"));  // capped at 100 bps
  EXPECT_EQ(ex.market_price(Side::sell, qty("100"), t), px("99.79"));   // 99.9 - 0.10989 -> tick below
}

TEST(PaperPricing, SlippageIsRoundedToTheTickAgainstTheOrder) {
  const auto instruments = test_instruments();
  auto config = plain_config();
  config.slippage_bps = 0.5;  // 0.005 on 100
  PaperExecutor ex(config, instruments);
  const Tick t = tick(0, 0, "100", "100", "100");
  EXPECT_EQ(ex.market_price(Side::buy, qty("1"), t), px("100.01"));
  EXPECT_EQ(ex.market_price(Side::sell, qty("1"), t), px("99.99"));
  EXPECT_EQ(ex.market_price(Side::buy, qty("1"), tick(0, 0, "100", "0", "100")), Price{});  // no ask
}

TEST(PaperPricing, WithoutRecentVolumeOnlyTheFixedSlippageApplies) {
  const auto instruments = test_instruments();
  PaperExecutor ex(slippage_config(), instruments);
  RecordingSink sink;
  ex.on_tick(tick(0, 0, "99", "100", "100", "0"), sink);  // quotes only
  const Tick t = tick(0, 0, "99", "100", "100");
  EXPECT_EQ(ex.market_price(Side::buy, qty("1"), t), px("100.01"));
  EXPECT_EQ(ex.market_price(Side::buy, qty("1000000"), t), px("100.01"));
}

TEST(PaperPricing, MarketFillPaysTheSlippageForItsSize) {
  const auto instruments = test_instruments();
  PaperExecutor ex(slippage_config(), instruments);
  RecordingSink sink;
  ex.on_tick(tick(0, 0, "99.9", "100", "100", "100"), sink);
  ex.submit(order(1, 0, Side::buy, "1"), sink);
  ex.submit(order(2, 0, Side::buy, "100"), sink);
  ex.on_tick(tick(0, 1000, "99.9", "100", "100", "100"), sink);
  ASSERT_EQ(sink.fills.size(), 2u);
  EXPECT_EQ(sink.fills[0].price, px("100.02"));
  EXPECT_EQ(sink.fills[1].price, px("100.11"));
  EXPECT_LT(sink.fills[0].price, sink.fills[1].price);
}

TEST(PaperPricing, FeesAreExactBasisPointsPlusFixed) {
  const auto instruments = test_instruments();
  auto config = plain_config();
  config.fees = FeeSchedule{2.5, 10.0, money("0.35")};
  PaperExecutor ex(config, instruments);
  EXPECT_EQ(ex.fee_for(0, px("100.5"), qty("4")), money("0.752"));  // 0.402 + 0.35
  EXPECT_EQ(ex.fee_for(0, px("100.5"), qty("4"), Liquidity::maker), money("0.4505"));
  // 10 bps of 0.000025 is 2.5e-8: half-to-even gives 2e-8; of 0.000035, 4e-8.
  EXPECT_EQ(ex.fee_for(0, px("0.000025"), qty("1")), money("0.35000002"));
  EXPECT_EQ(ex.fee_for(0, px("0.000035"), qty("1")), money("0.35000004"));
}

TEST(PaperPricing, MakerPaysTheMakerRateAndTakerTheTakerRate) {
  const auto instruments = test_instruments();
  PaperExecutor ex(plain_config(), instruments);  // maker 2 bps, taker 10 bps
  RecordingSink sink;
  Order resting = order(1, 0, Side::buy, "10", OrderType::limit);
  resting.request.limit_price = px("99");
  Order taking = order(2, 0, Side::buy, "10", OrderType::limit);
  taking.request.limit_price = px("101");
  ex.submit(resting, sink);
  ex.submit(taking, sink);
  ex.on_tick(tick(0, 1000, "99.5", "100", "100"), sink);
  ex.on_tick(tick(0, 2000, "98.5", "99", "99"), sink);
  ASSERT_EQ(sink.fills.size(), 2u);
  EXPECT_EQ(sink.fills[0].order_id, 2u);
  EXPECT_EQ(sink.fills[0].liquidity, Liquidity::taker);
  EXPECT_EQ(sink.fills[0].fee, money("1"));  // 1000 * 10 bps
  EXPECT_EQ(sink.fills[1].order_id, 1u);
  EXPECT_EQ(sink.fills[1].liquidity, Liquidity::maker);
  EXPECT_EQ(sink.fills[1].fee, money("0.198"));  // 990 * 2 bps
}

TEST(PaperPricing, VenueFeesOverrideTheDefault) {
  const auto instruments = test_instruments();
  auto config = plain_config();
  config.venue_fees = {{"crypto", FeeSchedule{0.0, 25.0, money("0.01")}}, {"nse", FeeSchedule{1.0, 3.0, Money{}}}};
  PaperExecutor ex(config, instruments);
  EXPECT_EQ(ex.fee_for(0, px("100"), qty("10")), money("1"));     // AAA, nyse: default 10 bps
  EXPECT_EQ(ex.fee_for(1, px("100"), qty("10")), money("2.51"));  // BBB, crypto: 25 bps + 0.01
  EXPECT_EQ(ex.fee_for(2, px("100"), qty("10")), money("0.3"));   // CCC, nse: 3 bps
  EXPECT_EQ(ex.fee_for(2, px("100"), qty("10"), Liquidity::maker), money("0.1"));
  RecordingSink sink;
  ex.submit(order(1, 1, Side::buy, "10"), sink);
  ex.on_tick(tick(1, 1000, "99", "100", "100"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].fee, money("2.51"));
}

TEST(PaperPricing, ParticipationIsCountedInWholeLots) {
  const auto instruments = test_instruments();
  auto config = plain_config();
  config.max_participation = 0.5;
  PaperExecutor ex(config, instruments);
  RecordingSink sink;
  ex.submit(order(1, 1, Side::buy, "2"), sink);                   // BBB: lots of 0.001
  ex.on_tick(tick(1, 1000, "99", "100", "100", "1.2345"), sink);  // half is 0.61725
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].quantity, qty("0.617"));
}

TEST(PaperPricing, BadConfigurationFailsAtStartUp) {
  const auto instruments = test_instruments();
  auto config = plain_config();
  config.max_participation = 0.0;
  EXPECT_THROW(PaperExecutor(config, instruments), std::invalid_argument);
  config = plain_config();
  config.slippage_bps = -1.0;
  EXPECT_THROW(PaperExecutor(config, instruments), std::invalid_argument);
  config = plain_config();
  config.latency = std::chrono::milliseconds(-1);
  EXPECT_THROW(PaperExecutor(config, instruments), std::invalid_argument);
}

}  // namespace
}  // namespace meridian::execution::test
