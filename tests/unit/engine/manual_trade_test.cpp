// Trades recorded by hand (POST /api/trades, #11 item 4): an admin action on a paper portfolio
// that passes the same checks as an order at its price — ranges, the price band around the last
// trade unless forced with a reason, the risk state, limits, cash and position — and is marked
// manual in the trade log and the journal.
//
// AAA trades at 100.00 with bid 99.95 and ask 100.05; the portfolio starts with 100,000.
#include <gtest/gtest.h>

#include "engine_rig.hpp"

namespace meridian::engine::test {
namespace {

using core::Errc;

void expect_refused(const CommandResult& r, Errc code, std::string_view reason, std::string_view field) {
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, code) << r->message;
  EXPECT_EQ(r->reason, reason) << r->message;
  EXPECT_EQ(r->field, field) << r->message;
}

struct ManualRig : Rig {
  explicit ManualRig(PortfolioConfig config = manual_config()) : Rig(std::move(config)) {
    tick(kAaa, seconds(0), "100");
    pull();
  }
  // Refused: nothing changed and nothing journaled.
  void expect_unchanged(const Ledger& before) {
    EXPECT_EQ(engine.ledger(), before);
    EXPECT_TRUE(records_of<TradeRecord>(pull()).empty());
  }
};

TEST(ManualTrade, TheIssuesOverflowIsRefusedAndCashIsUnchanged) {
  ManualRig rig;
  const Ledger before = rig.engine.ledger();
  OrderTicket t;
  // 1,000,000 x 100,000 wrapped to filled_notional -84467440737.1 and created cash.
  expect_refused(rig.engine.record_trade(forced(manual(kAaa, Side::buy, qty("1000000"), px("100000")), "probe"), t),
                 Errc::out_of_range, "out_of_range", "quantity");
  rig.expect_unchanged(before);
  EXPECT_EQ(rig.engine.ledger().cash(), money("100000"));
}

TEST(ManualTrade, WithinTheBandItIsAFilledOrderMarkedManual) {
  ManualRig rig;
  OrderTicket t;
  ASSERT_FALSE(rig.engine.record_trade(manual(kAaa, Side::buy, qty("10"), px("105"), money("1")), t));
  EXPECT_EQ(t.order.status, OrderStatus::filled);
  EXPECT_EQ(t.order.reason, "recorded by hand");
  EXPECT_EQ(rig.engine.ledger().cash(), money("98949"));  // 100000 - 1050 - 1
  const auto entries = rig.pull();
  const auto trades = records_of<TradeRecord>(entries);
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_TRUE(trades[0].trade.manual);
  EXPECT_TRUE(trades[0].trade.note.empty());
  // The snapshot's trade log carries the mark once the trade is durable.
  rig.engine.on_durable(rig.engine.last_seq());
  const auto snap = rig.snapshot();
  ASSERT_EQ(snap->trades->size(), 1u);
  EXPECT_TRUE(snap->trades->back().manual);
}

TEST(ManualTrade, OutsideTheBandItNeedsForceAndAReason) {
  ManualRig rig;
  const Ledger before = rig.engine.ledger();
  OrderTicket t;
  // The default band for hand-recorded trades is 10 % of the last trade.
  expect_refused(rig.engine.record_trade(manual(kAaa, Side::buy, qty("1"), px("110.01")), t), Errc::rejected,
                 "price_band", "price");
  expect_refused(rig.engine.record_trade(manual(kAaa, Side::buy, qty("1"), px("89.99")), t), Errc::rejected,
                 "price_band", "price");
  auto no_reason = manual(kAaa, Side::buy, qty("1"), px("150"));
  no_reason.force = true;
  expect_refused(rig.engine.record_trade(no_reason, t), Errc::invalid_argument, "missing_reason", "reason");
  // A symbol with no market price yet can only be forced.
  expect_refused(rig.engine.record_trade(manual(kBbb, Side::buy, qty("1"), px("50")), t), Errc::rejected, "no_price",
                 "price");
  rig.expect_unchanged(before);

  ASSERT_FALSE(rig.engine.record_trade(forced(manual(kAaa, Side::buy, qty("1"), px("150")), "broker fill"), t));
  EXPECT_EQ(t.order.reason, "recorded by hand; forced: broker fill");
  const auto trades = records_of<TradeRecord>(rig.pull());
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_TRUE(trades[0].trade.manual);
  EXPECT_EQ(trades[0].trade.note, "forced: broker fill");
}

TEST(ManualTrade, ThePortfoliosOwnBandApplies) {
  auto config = manual_config();
  config.limits.price_band = 0.05;
  ManualRig rig(config);
  OrderTicket t;
  expect_refused(rig.engine.record_trade(manual(kAaa, Side::buy, qty("1"), px("106")), t), Errc::rejected, "price_band",
                 "price");
  EXPECT_FALSE(rig.engine.record_trade(manual(kAaa, Side::buy, qty("1"), px("105")), t));
}

TEST(ManualTrade, FeesAreRangeCheckedAndSane) {
  ManualRig rig;
  const Ledger before = rig.engine.ledger();
  OrderTicket t;
  // "fee": 1e10 was accepted.
  expect_refused(rig.engine.record_trade(manual(kAaa, Side::buy, qty("1"), px("100"), money("10000000000")), t),
                 Errc::invalid_argument, "invalid_fee", "fee");
  expect_refused(rig.engine.record_trade(manual(kAaa, Side::buy, qty("1"), px("100"), money("100.01")), t),
                 Errc::invalid_argument, "invalid_fee", "fee");
  expect_refused(rig.engine.record_trade(manual(kAaa, Side::buy, qty("1"), px("100"), money("-1")), t),
                 Errc::invalid_argument, "invalid_fee", "fee");
  rig.expect_unchanged(before);
  EXPECT_FALSE(rig.engine.record_trade(manual(kAaa, Side::buy, qty("1"), px("100"), money("100")), t));
}

TEST(ManualTrade, RiskStateCashAndLimitsApply) {
  ManualRig rig;
  OrderTicket t;
  ASSERT_FALSE(rig.engine.record_trade(manual(kAaa, Side::buy, qty("10"), px("100")), t));
  rig.pull();
  const Ledger before = rig.engine.ledger();
  // Cash: 99,000 left, 1,000 x 100 does not fit.
  expect_refused(rig.engine.record_trade(manual(kAaa, Side::buy, qty("1000"), px("100")), t), Errc::rejected,
                 "insufficient_cash", "");
  // The per-order notional limit (default 1,000,000) like any order.
  risk::Limits limits;
  limits.max_order_quantity = qty("5");
  ASSERT_FALSE(rig.engine.set_risk_limits(limits));
  expect_refused(rig.engine.record_trade(manual(kAaa, Side::buy, qty("6"), px("100")), t), Errc::rejected,
                 "max_quantity", "");
  // Halted refuses everything, exits too.
  ASSERT_FALSE(rig.engine.set_risk_state(risk::RiskState::halted));
  expect_refused(rig.engine.record_trade(manual(kAaa, Side::buy, qty("1"), px("100")), t), Errc::rejected, "halted",
                 "");
  expect_refused(rig.engine.record_trade(manual(kAaa, Side::sell, qty("1"), px("100")), t), Errc::rejected, "halted",
                 "");
  rig.expect_unchanged(before);
  // Reducing refuses entries and lets exits through.
  ASSERT_FALSE(rig.engine.set_risk_state(risk::RiskState::reducing));
  expect_refused(rig.engine.record_trade(manual(kAaa, Side::buy, qty("1"), px("100")), t), Errc::rejected,
                 "reducing_only", "");
  EXPECT_FALSE(rig.engine.record_trade(manual(kAaa, Side::sell, qty("4"), px("100")), t));
  EXPECT_EQ(rig.held(kAaa), qty("6"));
}

TEST(ManualTrade, ReasonIsBoundedPlainText) {
  ManualRig rig;
  OrderTicket t;
  expect_refused(
      rig.engine.record_trade(forced(manual(kAaa, Side::buy, qty("1"), px("150")), std::string(201, 'x')), t),
      Errc::invalid_argument, "invalid_reason", "reason");
  expect_refused(
      rig.engine.record_trade(forced(manual(kAaa, Side::buy, qty("1"), px("150")), std::string("a\0b", 3)), t),
      Errc::invalid_argument, "invalid_reason", "reason");
}

}  // namespace
}  // namespace meridian::engine::test
