// prepare_order: the Binance gateway's checks before the wire, each refusal with its code in
// the order they apply; an order off the grid refused naming the filter whoever placed it (never
// conformed: the engine's order would silently differ from what was sent).
#include "meridian/execution/binance/order_check.hpp"

#include <gtest/gtest.h>

#include "decimal_literals.hpp"

using namespace meridian::execution;
using namespace meridian::execution::binance;
using namespace test_decimals;

namespace {

ExchangeInfo btcusdt_info() {
  ExchangeInfo info;
  info.symbols.push_back(SymbolFilters{.symbol = "BTCUSDT",
                                       .status = "TRADING",
                                       .base_asset = "BTC",
                                       .quote_asset = "USDT",
                                       .lot_size = LotSize{qty("0.0001"), qty("9000"), qty("0.0001")},
                                       .price = PriceFilter{px("0.01"), px("1000000"), px("0.01")},
                                       .min_notional = std::nullopt,
                                       .notional = Notional{money("5"), money("0"), true, false}});
  return info;
}

struct Facts {
  ExchangeInfo info = btcusdt_info();
  VenueFacts facts{&info, ClockOffset{120, 40}, kRecvWindowMs};
};

OrderRequest strategy_buy(const char* q, const char* p) {
  OrderRequest r;
  r.type = OrderType::limit;
  r.quantity = qty(q);
  r.limit_price = px(p);
  r.strategy_id = 3;
  return r;
}

OrderRequest manual_buy(const char* q, const char* p) {
  auto r = strategy_buy(q, p);
  r.strategy_id = 0;
  r.placed_by = 11;
  return r;
}

std::string_view code_of(const meridian::core::Result<PreparedOrder, RequestError>& r) {
  return r ? std::string_view("ok") : r.error().code;
}

}  // namespace

TEST(BinanceOrderCheck, AnOrderOnTheGridGoesAsItIs) {
  Facts f;
  const auto r = prepare_order(manual_buy("0.0123", "50000.01"), "BTCUSDT", "mrd-7-42", f.facts, {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->params, order_params(manual_buy("0.0123", "50000.01"), "BTCUSDT", "mrd-7-42"));
}

TEST(BinanceOrderCheck, RefusalsNameTheirReason) {
  Facts f;
  auto day = manual_buy("0.0123", "50000");
  day.tif = TimeInForce::day;
  EXPECT_EQ(code_of(prepare_order(day, "BTCUSDT", "mrd-7-1", f.facts, {})), "unsupported");
  EXPECT_EQ(code_of(prepare_order(manual_buy("0.0123", "50000"), "BTCUSDT", std::string(37, 'a'), f.facts, {})),
            "client_order_id");
  VenueFacts no_info{nullptr, ClockOffset{}, kRecvWindowMs};
  EXPECT_EQ(code_of(prepare_order(manual_buy("0.0123", "50000"), "BTCUSDT", "mrd-7-1", no_info, {})),
            "venue_not_ready");
  VenueFacts no_clock{&f.info, std::nullopt, kRecvWindowMs};
  EXPECT_EQ(code_of(prepare_order(manual_buy("0.0123", "50000"), "BTCUSDT", "mrd-7-1", no_clock, {})),
            "venue_not_ready");
  VenueFacts skewed{&f.info, ClockOffset{-6000, 10}, kRecvWindowMs};
  const auto skew = prepare_order(manual_buy("0.0123", "50000"), "BTCUSDT", "mrd-7-1", skewed, {});
  ASSERT_FALSE(skew);
  EXPECT_EQ(skew.error().code, "clock_skew");
  EXPECT_NE(skew.error().message.find("-6000 ms"), std::string::npos) << skew.error().message;
  EXPECT_EQ(code_of(prepare_order(manual_buy("0.0123", "50000"), "ETHUSDT", "mrd-7-1", f.facts, {})), "unknown_symbol");
  const auto off_grid = prepare_order(manual_buy("0.01239999", "50000"), "BTCUSDT", "mrd-7-1", f.facts, {});
  ASSERT_FALSE(off_grid);
  EXPECT_EQ(off_grid.error().code, "filter");
  EXPECT_EQ(off_grid.error().message, "LOT_SIZE: quantity 0.01239999 is not a multiple of stepSize 0.0001");
}

TEST(BinanceOrderCheck, StrategyOrdersOffTheGridAreRefusedNotConformed) {
  Facts f;
  const auto qty_off = prepare_order(strategy_buy("0.01239999", "50000.01"), "BTCUSDT", "mrd-7-2", f.facts, {});
  ASSERT_FALSE(qty_off);
  EXPECT_EQ(qty_off.error().code, "filter");
  EXPECT_EQ(qty_off.error().message, "LOT_SIZE: quantity 0.01239999 is not a multiple of stepSize 0.0001");
  const auto price_off = prepare_order(strategy_buy("0.0123", "50000.019"), "BTCUSDT", "mrd-7-3", f.facts, {});
  ASSERT_FALSE(price_off);
  EXPECT_NE(price_off.error().message.find("PRICE_FILTER"), std::string::npos) << price_off.error().message;
  const auto on_grid = prepare_order(strategy_buy("0.0123", "50000.01"), "BTCUSDT", "mrd-7-4", f.facts, {});
  ASSERT_TRUE(on_grid) << on_grid.error().message;
  EXPECT_NE(on_grid->params.find("&quantity=0.0123&price=50000.01&"), std::string::npos) << on_grid->params;
}
