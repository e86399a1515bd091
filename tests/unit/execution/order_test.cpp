// Order names (the orders table's CHECK values) and request validation codes.
#include "meridian/execution/order.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace meridian::execution {
namespace {

using core::Price;
using core::Quantity;
using core::Side;

TEST(OrderStrings, RoundTripEveryName) {
  for (auto t : {OrderType::market, OrderType::limit, OrderType::stop, OrderType::stop_limit})
    EXPECT_EQ(parse_order_type(to_string(t)), t);
  for (auto t : {TimeInForce::gtc, TimeInForce::ioc, TimeInForce::fok, TimeInForce::day})
    EXPECT_EQ(parse_time_in_force(to_string(t)), t);
  for (auto s : {OrderStatus::new_order, OrderStatus::accepted, OrderStatus::partially_filled, OrderStatus::filled,
                 OrderStatus::cancelled, OrderStatus::rejected, OrderStatus::expired})
    EXPECT_EQ(parse_order_status(to_string(s)), s);
  EXPECT_EQ(to_string(OrderStatus::new_order), "new");
  EXPECT_EQ(to_string(OrderType::stop_limit), "stop_limit");
  EXPECT_EQ(to_string(Liquidity::maker), "maker");
  EXPECT_EQ(to_string(Liquidity::taker), "taker");
  EXPECT_FALSE(parse_order_type("Market"));
  EXPECT_FALSE(parse_time_in_force(""));
  EXPECT_FALSE(parse_order_status("new_order"));
}

TEST(OrderStrings, TerminalStates) {
  EXPECT_FALSE(is_terminal(OrderStatus::new_order));
  EXPECT_FALSE(is_terminal(OrderStatus::accepted));
  EXPECT_FALSE(is_terminal(OrderStatus::partially_filled));
  EXPECT_TRUE(is_terminal(OrderStatus::filled));
  EXPECT_TRUE(is_terminal(OrderStatus::cancelled));
  EXPECT_TRUE(is_terminal(OrderStatus::rejected));
  EXPECT_TRUE(is_terminal(OrderStatus::expired));
}

OrderRequest request(OrderType type, const char* quantity = "1") {
  OrderRequest r;
  r.type = type;
  r.quantity = *Quantity::parse(quantity);
  return r;
}
Price px(const char* text) {
  return *Price::parse(text);
}

// The code, and that the message names `field`.
void expect_error(const OrderRequest& r, std::string_view code, std::string_view field) {
  const auto checked = validate(r);
  ASSERT_TRUE(checked.has_error()) << "expected " << code;
  const auto& e = checked.error();
  EXPECT_EQ(e.code, code) << e.message;
  EXPECT_NE(e.message.find(field), std::string::npos) << e.message;
}

TEST(OrderRequestValidation, WellFormedRequestsPass) {
  EXPECT_TRUE(validate(request(OrderType::market)));
  auto limit = request(OrderType::limit);
  limit.limit_price = px("100");
  EXPECT_TRUE(validate(limit));
  auto stop = request(OrderType::stop);
  stop.stop_price = px("95");
  EXPECT_TRUE(validate(stop));
  auto trailing = request(OrderType::stop_limit);
  trailing.limit_price = px("94");
  trailing.trail_percent = 2.5;
  EXPECT_TRUE(validate(trailing));
  auto bracket = limit;
  bracket.take_profit = px("110");
  bracket.stop_loss = px("95");
  bracket.client_order_id = std::string(64, 'x');
  EXPECT_TRUE(validate(bracket));
}

TEST(OrderRequestValidation, Quantity) {
  expect_error(request(OrderType::market, "0"), "invalid_quantity", "quantity");
  expect_error(request(OrderType::market, "-2"), "invalid_quantity", "quantity");
}

TEST(OrderRequestValidation, PricesTheTypeNeedsAndOnlyThose) {
  expect_error(request(OrderType::limit), "missing_limit_price", "limit_price");
  expect_error(request(OrderType::stop_limit), "missing_limit_price", "limit_price");
  auto negative = request(OrderType::limit);
  negative.limit_price = px("-1");
  expect_error(negative, "invalid_limit_price", "limit_price");
  auto market_limit = request(OrderType::market);
  market_limit.limit_price = px("100");
  expect_error(market_limit, "unexpected_limit_price", "limit_price");
  expect_error(request(OrderType::stop), "missing_stop_price", "stop_price");
  auto limit_stop = request(OrderType::limit);
  limit_stop.limit_price = px("100");
  limit_stop.stop_price = px("99");
  expect_error(limit_stop, "unexpected_stop_price", "stop_price");
  auto negative_stop = request(OrderType::stop);
  negative_stop.stop_price = px("-3");
  expect_error(negative_stop, "invalid_stop_price", "stop_price");
}

TEST(OrderRequestValidation, TrailAmountXorPercentOnStopsOnly) {
  auto both = request(OrderType::stop);
  both.trail_amount = px("1");
  both.trail_percent = 1.0;
  expect_error(both, "invalid_trail", "trail_amount or trail_percent");
  auto on_limit = request(OrderType::limit);
  on_limit.limit_price = px("100");
  on_limit.trail_amount = px("1");
  expect_error(on_limit, "invalid_trail", "trail_amount");
  auto too_far = request(OrderType::stop);
  too_far.trail_percent = 100.0;
  expect_error(too_far, "invalid_trail", "trail_percent");
  auto nan = request(OrderType::stop);
  nan.trail_percent = std::nan("");
  expect_error(nan, "invalid_trail", "trail_percent");
  auto negative = request(OrderType::stop);
  negative.trail_amount = px("-1");
  expect_error(negative, "invalid_trail", "trail_amount");
}

TEST(OrderRequestValidation, BracketLegsOnTheRightSide) {
  auto buy = request(OrderType::limit);
  buy.limit_price = px("100");
  buy.take_profit = px("99");
  expect_error(buy, "invalid_bracket", "take_profit");
  buy.take_profit = px("110");
  buy.stop_loss = px("100");
  expect_error(buy, "invalid_bracket", "stop_loss");

  auto sell = request(OrderType::stop);
  sell.side = Side::sell;
  sell.stop_price = px("100");
  sell.take_profit = px("90");
  sell.stop_loss = px("99");
  expect_error(sell, "invalid_bracket", "stop_loss");
  sell.stop_loss = px("105");
  EXPECT_TRUE(validate(sell));

  auto market = request(OrderType::market);
  market.take_profit = px("95");
  market.stop_loss = px("96");
  expect_error(market, "invalid_bracket", "take_profit");

  auto exit = request(OrderType::market);
  exit.reduce_only = true;
  exit.stop_loss = px("90");
  expect_error(exit, "invalid_bracket", "reduce_only");

  auto trail = request(OrderType::market);
  trail.bracket_trail_amount = px("1");
  trail.bracket_trail_percent = 1.0;
  expect_error(trail, "invalid_bracket", "bracket_trail_amount");
}

TEST(OrderRequestValidation, ClientOrderIdAtMost64Characters) {
  auto r = request(OrderType::market);
  r.client_order_id = std::string(65, 'a');
  expect_error(r, "client_order_id_too_long", "client_order_id");
}

}  // namespace
}  // namespace meridian::execution
