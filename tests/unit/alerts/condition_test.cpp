// alerts::decode: every kind's fields, and bad input refused naming the field.
#include <gtest/gtest.h>

#include "meridian/alerts/condition.hpp"

namespace meridian::alerts {
namespace {

using nlohmann::json;

const core::InstrumentTable& table() {
  static const core::InstrumentTable t = [] {
    core::Instrument btc, aapl;
    btc.symbol = "BTC-USD";
    aapl.symbol = "AAPL";
    aapl.venue = "nyse";
    aapl.asset_class = core::AssetClass::equity;
    return core::InstrumentTable({btc, aapl});
  }();
  return t;
}

std::string refused_field(const json& body) {
  auto d = decode(body, table());
  EXPECT_FALSE(d) << body.dump();
  return d ? std::string("(accepted)") : d.error().field;
}

TEST(AlertCondition, PriceCrossingWithAnAliasedSymbol) {
  auto d =
      decode({{"kind", "price"}, {"symbol", "btcusdt"}, {"condition", "crosses_above"}, {"threshold", 50000}}, table());
  ASSERT_TRUE(d) << d.error().field << ": " << d.error().message;
  EXPECT_EQ(d->condition.kind, Kind::price);
  EXPECT_EQ(d->condition.op, Op::crosses_above);
  EXPECT_EQ(d->condition.symbol, core::SymbolId{0});
  EXPECT_EQ(d->condition.threshold, 50000);
  EXPECT_FALSE(d->options.recurring);
  EXPECT_EQ(to_json(d->condition),
            (json{{"kind", "price"}, {"condition", "crosses_above"}, {"symbol", "BTC-USD"}, {"threshold", 50000.0}}));
}

TEST(AlertCondition, IndicatorRoundTripsThroughItsStoredSpec) {
  const json body{{"kind", "indicator"}, {"symbol", "AAPL"},     {"indicator", "rsi"}, {"period", 14},
                  {"timeframe", "15m"},  {"condition", "below"}, {"threshold", 30},    {"recurring", true},
                  {"cooldown_s", 600},   {"hysteresis", 5}};
  auto d = decode(body, table());
  ASSERT_TRUE(d) << d.error().field;
  EXPECT_EQ(d->condition.timeframe, core::Timeframe::m15);
  EXPECT_EQ(d->condition.period, 14u);
  EXPECT_EQ(d->options.cooldown, std::chrono::seconds(600));
  EXPECT_EQ(d->options.hysteresis, 5);
  auto back = condition_from_json(to_json(d->condition), table());
  ASSERT_TRUE(back);
  EXPECT_EQ(to_json(*back), to_json(d->condition));
}

TEST(AlertCondition, PortfolioKindsAndEvents) {
  EXPECT_TRUE(decode({{"kind", "pnl"}, {"condition", "below"}, {"threshold", -500}}, table()));
  EXPECT_TRUE(decode({{"kind", "drawdown"}, {"threshold", 5}, {"portfolio_id", 2}}, table()));
  auto risk = decode({{"kind", "risk_state"}, {"to", "halted"}}, table());
  ASSERT_TRUE(risk);
  EXPECT_EQ(risk->condition.to, risk::RiskState::halted);
  EXPECT_EQ(risk->condition.op, Op::changes);
  EXPECT_TRUE(decode({{"kind", "gateway_disconnect"}, {"gateway", "alpaca"}}, table()));
}

TEST(AlertCondition, BadInputNamesTheField) {
  const json price{{"kind", "price"}, {"symbol", "BTC-USD"}, {"condition", "crosses_above"}, {"threshold", 1}};
  auto with = [&](const char* k, json v) {
    auto b = price;
    b[k] = std::move(v);
    return b;
  };
  EXPECT_EQ(refused_field(json::array()), "body");
  EXPECT_EQ(refused_field(with("kind", "weather")), "kind");
  EXPECT_EQ(refused_field(with("kind", 3)), "kind");
  EXPECT_EQ(refused_field(with("symbol", "DOGE-EUR")), "symbol");
  EXPECT_EQ(refused_field(with("condition", "sideways")), "condition");
  EXPECT_EQ(refused_field(with("condition", "beyond")), "condition");
  EXPECT_EQ(refused_field(with("threshold", -1)), "threshold");
  EXPECT_EQ(refused_field(with("threshold", "high")), "threshold");
  EXPECT_EQ(refused_field(with("threshold", 1e300)), "threshold");
  EXPECT_EQ(refused_field(with("cooldown_s", -5)), "cooldown_s");
  EXPECT_EQ(refused_field(with("cooldown_s", 1.5)), "cooldown_s");
  EXPECT_EQ(refused_field(with("recurring", "yes")), "recurring");
  EXPECT_EQ(refused_field(with("message", std::string(501, 'x'))), "message");
  const json rsi{{"kind", "indicator"}, {"symbol", "BTC-USD"},  {"indicator", "rsi"}, {"period", 14},
                 {"timeframe", "15m"},  {"condition", "below"}, {"threshold", 30}};
  auto rsi_with = [&](const char* k, json v) {
    auto b = rsi;
    b[k] = std::move(v);
    return b;
  };
  EXPECT_EQ(refused_field(rsi_with("indicator", "astrology")), "indicator");
  EXPECT_EQ(refused_field(rsi_with("period", 1)), "period");
  EXPECT_EQ(refused_field(rsi_with("period", 14.5)), "period");
  EXPECT_EQ(refused_field(rsi_with("timeframe", "7m")), "timeframe");
  EXPECT_EQ(refused_field(rsi_with("threshold", 101)), "threshold");
  EXPECT_EQ(refused_field({{"kind", "drawdown"}, {"threshold", 0}}), "threshold");
  EXPECT_EQ(refused_field({{"kind", "drawdown"}, {"threshold", 150}}), "threshold");
  EXPECT_EQ(refused_field({{"kind", "pnl"}, {"condition", "crosses_above"}, {"threshold", 1}}), "condition");
  EXPECT_EQ(refused_field({{"kind", "pnl"}, {"condition", "above"}, {"threshold", 1}, {"portfolio_id", -2}}),
            "portfolio_id");
  EXPECT_EQ(refused_field({{"kind", "risk_state"}, {"to", "panicking"}}), "to");
}

TEST(AlertCondition, WebhookUrlsAreHttpOrHttpsWithoutCredentialsAndNeedASecret) {
  const json base{{"kind", "price"}, {"symbol", "BTC-USD"}, {"condition", "above"}, {"threshold", 1}};
  auto hook = [&](json url, json secret = "0123456789abcdef") {
    auto b = base;
    b["webhook_url"] = std::move(url);
    if (!secret.is_null()) b["webhook_secret"] = std::move(secret);
    return b;
  };
  EXPECT_TRUE(decode(hook("http://127.0.0.1:8080/hook"), table()));
  EXPECT_TRUE(decode(hook("https://example.com/hook"), table()));
  EXPECT_EQ(refused_field(hook("ftp://example.com/hook")), "webhook_url");
  EXPECT_EQ(refused_field(hook("javascript:alert(1)")), "webhook_url");
  EXPECT_EQ(refused_field(hook("https://user:pass@example.com/hook")), "webhook_url");
  EXPECT_EQ(refused_field(hook("https://:99999/")), "webhook_url");
  EXPECT_EQ(refused_field(hook(42)), "webhook_url");
  EXPECT_EQ(refused_field(hook("https://example.com/hook", nullptr)), "webhook_secret");
  EXPECT_EQ(refused_field(hook("https://example.com/hook", "short")), "webhook_secret");
  auto secret_alone = base;
  secret_alone["webhook_secret"] = "0123456789abcdef";
  EXPECT_EQ(refused_field(secret_alone), "webhook_secret");
}

}  // namespace
}  // namespace meridian::alerts
