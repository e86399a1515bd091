// Binance's exchangeInfo filters: parsed exactly (LOT_SIZE, PRICE_FILTER, MIN_NOTIONAL,
// NOTIONAL, rate limits), checked at their edges with rejections that name the filter and the
// limit.
#include <gtest/gtest.h>

#include "decimal_literals.hpp"
#include "meridian/execution/binance/messages.hpp"

using namespace meridian::execution;
using namespace meridian::execution::binance;
using namespace test_decimals;

namespace {

// BTCUSDT as the venue describes it (developers.binance.com, exchangeInfo), trimmed.
constexpr const char* kInfo =
    R"({"timezone":"UTC","serverTime":1565246363776,"rateLimits":[)"
    R"({"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":1200},)"
    R"({"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":50},)"
    R"({"rateLimitType":"ORDERS","interval":"DAY","intervalNum":1,"limit":160000}],)"
    R"("exchangeFilters":[],"symbols":[{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC",)"
    R"("quoteAsset":"USDT","filters":[)"
    R"({"filterType":"PRICE_FILTER","minPrice":"0.01000000","maxPrice":"1000000.00000000","tickSize":"0.01000000"},)"
    R"({"filterType":"LOT_SIZE","minQty":"0.00010000","maxQty":"9000.00000000","stepSize":"0.00010000"},)"
    R"({"filterType":"ICEBERG_PARTS","limit":10},)"
    R"({"filterType":"NOTIONAL","minNotional":"5.00000000","applyMinToMarket":true,"maxNotional":"9000000.00000000",)"
    R"("applyMaxToMarket":false,"avgPriceMins":5}]},)"
    R"({"symbol":"ETHBTC","status":"BREAK","baseAsset":"ETH","quoteAsset":"BTC","filters":[)"
    R"({"filterType":"MIN_NOTIONAL","minNotional":"0.00010000","applyToMarket":false,"avgPriceMins":5}]}]})";

SymbolFilters btcusdt() {
  std::string error;
  const auto info = parse_exchange_info(kInfo, error);
  EXPECT_TRUE(info) << error;
  return *info->find("BTCUSDT");
}

OrderRequest limit(const char* side, const char* q, const char* p) {
  OrderRequest r;
  r.side = std::string_view(side) == "buy" ? meridian::core::Side::buy : meridian::core::Side::sell;
  r.type = OrderType::limit;
  r.quantity = qty(q);
  r.limit_price = px(p);
  return r;
}

OrderRequest market(const char* q) {
  OrderRequest r;
  r.quantity = qty(q);
  return r;
}

}  // namespace

TEST(BinanceFilters, ParsedExactly) {
  std::string error;
  const auto info = parse_exchange_info(kInfo, error);
  ASSERT_TRUE(info) << error;
  ASSERT_EQ(info->symbols.size(), 2U);
  const auto* s = info->find("BTCUSDT");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->quote_asset, "USDT");
  ASSERT_TRUE(s->lot_size && s->price && s->notional);
  EXPECT_EQ(s->lot_size->min, qty("0.0001"));
  EXPECT_EQ(s->lot_size->max, qty("9000"));
  EXPECT_EQ(s->lot_size->step, qty("0.0001"));
  EXPECT_EQ(s->price->step, px("0.01"));
  EXPECT_EQ(s->price->max, px("1000000"));
  EXPECT_EQ(s->notional->min, test_decimals::money("5"));
  EXPECT_EQ(s->notional->max, test_decimals::money("9000000"));
  EXPECT_TRUE(s->notional->apply_min_to_market);
  EXPECT_FALSE(s->notional->apply_max_to_market);
  EXPECT_FALSE(s->min_notional);
  const auto* eth = info->find("ETHBTC");
  ASSERT_NE(eth, nullptr);
  ASSERT_TRUE(eth->min_notional);
  EXPECT_FALSE(eth->min_notional->apply_to_market);
  EXPECT_EQ(info->find("XRPUSDT"), nullptr);
  EXPECT_EQ(info->limits.weight_1m, 1200);
  EXPECT_EQ(info->limits.orders_10s, 50);
  EXPECT_EQ(info->limits.orders_1d, 160000);
}

TEST(BinanceFilters, AFilterHalfReadFailsTheParse) {
  std::string error;
  EXPECT_FALSE(parse_exchange_info(
      R"({"symbols":[{"symbol":"X","filters":[{"filterType":"LOT_SIZE","minQty":"1","maxQty":"2"}]}]})", error));
  EXPECT_NE(error.find("LOT_SIZE without a decimal stepSize"), std::string::npos) << error;
  EXPECT_FALSE(parse_exchange_info(
      R"({"symbols":[{"symbol":"X","filters":[{"filterType":"PRICE_FILTER","minPrice":"-1","maxPrice":"2","tickSize":"1"}]}]})",
      error));
  EXPECT_FALSE(parse_exchange_info(R"({"symbols":{}})", error));
  EXPECT_FALSE(parse_exchange_info("[]", error));
}

TEST(BinanceFilters, LotSizeEdges) {
  const auto s = btcusdt();
  EXPECT_FALSE(check(s, limit("buy", "0.0001", "50000"), {}));  // minQty, exactly (notional 5)
  EXPECT_FALSE(check(s, limit("buy", "9000", "1"), {}));        // maxQty, exactly
  EXPECT_FALSE(check(s, limit("buy", "0.0123", "50000"), {}));  // a multiple of stepSize
  EXPECT_EQ(check(s, limit("buy", "0.00015", "50000"), {}),
            "LOT_SIZE: quantity 0.00015 is not a multiple of stepSize 0.0001");
  EXPECT_EQ(check(s, limit("buy", "0.00009999", "60000"), {}), "LOT_SIZE: quantity 0.00009999 is below minQty 0.0001");
  EXPECT_EQ(check(s, limit("buy", "9000.0001", "1"), {}), "LOT_SIZE: quantity 9000.0001 is above maxQty 9000");
}

TEST(BinanceFilters, PriceFilterEdges) {
  const auto s = btcusdt();
  EXPECT_FALSE(check(s, limit("sell", "1000", "0.01"), {}));      // minPrice, exactly
  EXPECT_FALSE(check(s, limit("buy", "0.0001", "1000000"), {}));  // maxPrice, exactly
  EXPECT_EQ(check(s, limit("buy", "1", "0.009"), {}), "PRICE_FILTER: price 0.009 is below minPrice 0.01");
  EXPECT_EQ(check(s, limit("buy", "0.0001", "1000000.01"), {}),
            "PRICE_FILTER: price 1000000.01 is above maxPrice 1000000");
  EXPECT_EQ(check(s, limit("buy", "1", "100.005"), {}),
            "PRICE_FILTER: price 100.005 is not a multiple of tickSize 0.01");
  auto stop = limit("sell", "1", "100");
  stop.type = OrderType::stop_limit;
  stop.stop_price = px("100.001");
  EXPECT_EQ(check(s, stop, {}), "PRICE_FILTER: stopPrice 100.001 is not a multiple of tickSize 0.01");
  // A market order's zero price is not a price: only its quantity and notional are checked.
  EXPECT_FALSE(check(s, market("1"), px("50000")));
}

TEST(BinanceFilters, NotionalEdges) {
  const auto s = btcusdt();
  EXPECT_FALSE(check(s, limit("buy", "0.0001", "50000"), {}));  // exactly minNotional 5
  EXPECT_EQ(check(s, limit("buy", "0.0001", "49999.99"), {}), "NOTIONAL: notional 4.999999 is below minNotional 5");
  EXPECT_EQ(check(s, limit("buy", "9000", "1000.01"), {}), "NOTIONAL: notional 9000090 is above maxNotional 9000000");
  // Market orders: notional at the reference price, only as applyMin/MaxToMarket say.
  EXPECT_EQ(check(s, market("0.0001"), px("49999.99")), "NOTIONAL: notional 4.999999 is below minNotional 5");
  EXPECT_FALSE(check(s, market("9000"), px("1000.01")));  // applyMaxToMarket false
  // No reference price: the venue's own check stands.
  EXPECT_FALSE(check(s, market("0.0001"), meridian::core::Price{}));
}

TEST(BinanceFilters, MinNotionalAndStatus) {
  std::string error;
  const auto info = parse_exchange_info(kInfo, error);
  ASSERT_TRUE(info) << error;
  auto eth = *info->find("ETHBTC");
  EXPECT_NE(check(eth, limit("buy", "1", "0.05"), {}).value_or("").find("not trading"), std::string::npos);
  eth.status = "TRADING";
  EXPECT_EQ(check(eth, limit("buy", "0.001", "0.05"), {}),
            "MIN_NOTIONAL: notional 0.00005 is below minNotional 0.0001");
  EXPECT_FALSE(check(eth, limit("buy", "0.002", "0.05"), {}));  // exactly at the minimum
  EXPECT_FALSE(check(eth, market("0.001"), px("0.05")));        // applyToMarket false
}
