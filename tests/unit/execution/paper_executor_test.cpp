// Paper executor: fills at the touch with bps + fixed fees, rejects without a quote.
#include "meridian/execution/paper_executor.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using meridian::core::Money;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::Side;
using meridian::core::Tick;
using meridian::core::Timestamp;
using meridian::execution::Fill;
using meridian::execution::FillSink;
using meridian::execution::Order;
using meridian::execution::PaperConfig;
using meridian::execution::PaperExecutor;

namespace {
// Records what the executor reports.
class RecordingSink final : public FillSink {
 public:
  void on_fill(const Fill& fill) override { fills.push_back(fill); }
  void on_reject(const Order& order, std::string_view reason) override {
    rejects.push_back(order);
    reasons.emplace_back(reason);
  }
  std::vector<Fill> fills;
  std::vector<Order> rejects;
  std::vector<std::string> reasons;
};

Tick touch(const char* bid, const char* ask, const char* last) {
  Tick t;
  t.symbol = 3;
  t.ts = Timestamp(std::chrono::seconds(1'700'000'000));
  t.bid = *Price::parse(bid);
  t.ask = *Price::parse(ask);
  t.last = *Price::parse(last);
  return t;
}

Order order(Side side, const char* qty) {
  Order o;
  o.id = 77;
  o.symbol = 3;
  o.side = side;
  o.quantity = *Quantity::parse(qty);
  return o;
}
}  // namespace

TEST(PaperExecutor, BuyFillsAtAskWithBpsFee) {
  PaperExecutor ex(PaperConfig{10, Money{}});
  RecordingSink sink;
  const auto t = touch("99.5", "100.5", "100");
  ex.submit(order(Side::buy, "4"), t, sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_TRUE(sink.rejects.empty());
  const Fill& f = sink.fills[0];
  EXPECT_EQ(f.order_id, 77u);
  EXPECT_EQ(f.symbol, 3u);
  EXPECT_EQ(f.side, Side::buy);
  EXPECT_EQ(f.quantity, Quantity::from_units(4));
  EXPECT_EQ(f.price, *Price::parse("100.5"));
  // notional 4 * 100.5 = 402; 10 bps = 0.402
  EXPECT_EQ(f.fee.to_string(), "0.402");
  EXPECT_EQ(f.ts, t.ts);
}

TEST(PaperExecutor, SellFillsAtBid) {
  PaperExecutor ex(PaperConfig{10, Money{}});
  RecordingSink sink;
  ex.submit(order(Side::sell, "4"), touch("99.5", "100.5", "100"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].side, Side::sell);
  EXPECT_EQ(sink.fills[0].price, *Price::parse("99.5"));
  // notional 4 * 99.5 = 398; 10 bps = 0.398
  EXPECT_EQ(sink.fills[0].fee.to_string(), "0.398");
}

TEST(PaperExecutor, FeeIsBpsOfNotionalPlusFixed) {
  PaperExecutor ex(PaperConfig{25, *Money::parse("1.5")});
  RecordingSink sink;
  ex.submit(order(Side::buy, "0.003"), touch("64990", "65010", "65000"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  // notional 0.003 * 65010 = 195.03; 25 bps = 0.487575; + 1.5 fixed = 1.987575
  EXPECT_EQ(sink.fills[0].fee.to_string(), "1.987575");
  EXPECT_EQ(ex.fee_for(*Price::parse("65010"), *Quantity::parse("0.003")), sink.fills[0].fee);
  // Zero bps leaves only the fixed part.
  PaperExecutor flat(PaperConfig{0, *Money::parse("1.5")});
  EXPECT_EQ(flat.fee_for(*Price::parse("100"), Quantity::from_units(10)).to_string(), "1.5");
  EXPECT_EQ(ex.name(), "paper");
}

TEST(PaperExecutor, FeeRoundsHalfEvenAtTheLastUnit) {
  PaperExecutor ex(PaperConfig{1, Money{}});
  // notional 0.00005 (5000 units) * 1 / 10000 = 0.5 unit -> 0 (even);
  // notional 0.00015 (15000 units) -> 1.5 units -> 2.
  EXPECT_EQ(ex.fee_for(*Price::parse("0.00005"), Quantity::from_units(1)).raw(), 0);
  EXPECT_EQ(ex.fee_for(*Price::parse("0.00015"), Quantity::from_units(1)).raw(), 2);
}

TEST(PaperExecutor, RejectsWithoutAQuote) {
  PaperExecutor ex(PaperConfig{});
  RecordingSink sink;
  // No ask: a buy cannot fill; the bid is irrelevant.
  ex.submit(order(Side::buy, "1"), touch("99", "0", "100"), sink);
  // No bid: a sell cannot fill.
  ex.submit(order(Side::sell, "1"), touch("0", "101", "100"), sink);
  // Nothing at all.
  ex.submit(order(Side::buy, "1"), Tick{}, sink);
  EXPECT_TRUE(sink.fills.empty());
  ASSERT_EQ(sink.rejects.size(), 3u);
  EXPECT_EQ(sink.rejects[0].id, 77u);
  EXPECT_EQ(sink.reasons[0], "no_quote");
  // The other side of a one-sided quote still fills.
  ex.submit(order(Side::sell, "1"), touch("99", "0", "100"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].price, Price::from_units(99));
}
