// Alpaca's trading API shapes: every documented order status and trade_updates event mapped to
// a venue state, order and replace bodies (exact decimals, the type's prices only, trailing
// stops), order objects and stream frames parsed into updates (fills carry their execution).
#include "meridian/execution/alpaca/messages.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace meridian::execution;
using namespace meridian::execution::alpaca;
using meridian::core::Price;
using meridian::core::Quantity;
using Json = nlohmann::json;

namespace {

Quantity qty(const char* s) {
  return *Quantity::parse(s);
}
Price px(const char* s) {
  return *Price::parse(s);
}

std::string order_json(const std::string& status, const std::string& filled = "0", const std::string& avg = "null") {
  return R"({"id":"904837e3-3b76-47ec-b432-046db621571b","client_order_id":"mrd-7-42","symbol":"AAPL",)"
         R"("qty":"10","filled_qty":")" +
         filled + R"(","filled_avg_price":)" + avg + R"(,"status":")" + status +
         R"(","updated_at":"2026-12-07T15:04:05.123456Z","side":"buy","type":"limit"})";
}

}  // namespace

TEST(AlpacaStatus, EveryDocumentedOrderStatusMaps) {
  using S = VenueOrderState;
  const std::pair<const char*, S> expected[] = {
      {"new", S::working},
      {"accepted", S::working},
      {"pending_new", S::working},
      {"accepted_for_bidding", S::working},
      {"held", S::working},
      {"done_for_day", S::working},
      {"stopped", S::working},
      {"suspended", S::working},
      {"calculated", S::working},
      {"partially_filled", S::partially_filled},
      {"filled", S::filled},
      {"canceled", S::cancelled},
      {"expired", S::expired},
      {"rejected", S::rejected},
      {"replaced", S::replaced},
      {"pending_cancel", S::pending_change},
      {"pending_replace", S::pending_change},
  };
  for (const auto& [status, state] : expected) EXPECT_EQ(order_state(status), state) << status;
  EXPECT_EQ(order_state("cancelled"), std::nullopt);  // Alpaca spells it "canceled"
  EXPECT_EQ(order_state(""), std::nullopt);
  EXPECT_EQ(order_state("FILLED"), std::nullopt);
}

TEST(AlpacaStatus, EveryDocumentedTradeUpdateEventMaps) {
  using S = VenueOrderState;
  // Events named after the status they leave the order in map as that status.
  for (const char* event :
       {"new", "accepted", "pending_new", "held", "done_for_day", "stopped", "suspended", "calculated", "canceled",
        "expired", "rejected", "replaced", "pending_cancel", "pending_replace"})
    EXPECT_EQ(event_state(event), order_state(event)) << event;
  EXPECT_EQ(event_state("canceled"), S::cancelled);
  EXPECT_EQ(event_state("pending_replace"), S::pending_change);
  // The others.
  EXPECT_EQ(event_state("partial_fill"), S::partially_filled);
  EXPECT_EQ(event_state("fill"), S::filled);
  EXPECT_EQ(event_state("restated"), S::working);
  EXPECT_EQ(event_state("order_cancel_rejected"), S::working);  // the order goes on
  EXPECT_EQ(event_state("order_replace_rejected"), S::working);
  EXPECT_EQ(event_state("filled"), std::nullopt);            // the event is "fill"
  EXPECT_EQ(event_state("partially_filled"), std::nullopt);  // and "partial_fill"
  EXPECT_EQ(event_state("teleported"), std::nullopt);
}

TEST(AlpacaOrderBody, LimitOrderCarriesExactDecimalsAndOurClientId) {
  OrderRequest r;
  r.side = meridian::core::Side::sell;
  r.quantity = qty("1.5");
  r.type = OrderType::limit;
  r.tif = TimeInForce::day;
  r.limit_price = px("189.07");
  const auto j = Json::parse(order_body(r, "AAPL", "mrd-7-42"));
  EXPECT_EQ(j["symbol"], "AAPL");
  EXPECT_EQ(j["qty"], "1.5");
  EXPECT_EQ(j["side"], "sell");
  EXPECT_EQ(j["type"], "limit");
  EXPECT_EQ(j["time_in_force"], "day");
  EXPECT_EQ(j["limit_price"], "189.07");
  EXPECT_EQ(j["client_order_id"], "mrd-7-42");
  EXPECT_FALSE(j.contains("stop_price"));
  EXPECT_FALSE(j.contains("order_class"));
}

TEST(AlpacaOrderBody, EachTypeSendsOnlyItsPrices) {
  OrderRequest r;
  r.quantity = qty("2");
  r.limit_price = px("10");
  r.stop_price = px("9");
  r.type = OrderType::market;
  auto j = Json::parse(order_body(r, "AAPL", "c"));
  EXPECT_EQ(j["type"], "market");
  EXPECT_FALSE(j.contains("limit_price"));
  EXPECT_FALSE(j.contains("stop_price"));
  r.type = OrderType::stop;
  j = Json::parse(order_body(r, "AAPL", "c"));
  EXPECT_EQ(j["type"], "stop");
  EXPECT_EQ(j["stop_price"], "9");
  EXPECT_FALSE(j.contains("limit_price"));
  r.type = OrderType::stop_limit;
  j = Json::parse(order_body(r, "AAPL", "c"));
  EXPECT_EQ(j["type"], "stop_limit");
  EXPECT_EQ(j["stop_price"], "9");
  EXPECT_EQ(j["limit_price"], "10");
  EXPECT_EQ(j["time_in_force"], "gtc");
}

TEST(AlpacaOrderBody, TrailingStopsByAmountOrPercent) {
  OrderRequest r;
  r.quantity = qty("1");
  r.type = OrderType::stop;
  r.trail_amount = px("1.25");
  auto j = Json::parse(order_body(r, "AAPL", "c"));
  EXPECT_EQ(j["type"], "trailing_stop");
  EXPECT_EQ(j["trail_price"], "1.25");
  EXPECT_FALSE(j.contains("stop_price"));
  r.trail_amount = {};
  r.trail_percent = 2.5;
  j = Json::parse(order_body(r, "AAPL", "c"));
  EXPECT_EQ(j["trail_percent"], "2.5");
}

TEST(AlpacaOrderBody, UnsupportedRequestsSayWhy) {
  OrderRequest r;
  r.quantity = qty("1");
  EXPECT_EQ(unsupported(r), std::nullopt);
  r.take_profit = px("120");
  ASSERT_TRUE(unsupported(r));
  EXPECT_NE(unsupported(r)->find("bracket"), std::string::npos);
  r.take_profit = {};
  r.type = OrderType::stop_limit;
  r.trail_percent = 1.0;
  ASSERT_TRUE(unsupported(r));
  EXPECT_NE(unsupported(r)->find("stop_limit"), std::string::npos);
}

TEST(AlpacaOrderBody, CryptoSymbolsUseASlash) {
  EXPECT_EQ(venue_symbol("BTC-USD"), "BTC/USD");
  EXPECT_EQ(venue_symbol("AAPL"), "AAPL");
}

TEST(AlpacaReplaceBody, SendsWhatIsLeftAndTheNewClientId) {
  Order o;
  o.request.type = OrderType::limit;
  o.request.quantity = qty("10");
  o.filled_quantity = qty("4");
  OrderRequest changes = o.request;
  changes.quantity = qty("8");
  changes.limit_price = px("99.5");
  const auto j = Json::parse(replace_body(o, changes, "mrd-7-42-r1"));
  EXPECT_EQ(j["qty"], "4");
  EXPECT_EQ(j["limit_price"], "99.5");
  EXPECT_EQ(j["client_order_id"], "mrd-7-42-r1");
  EXPECT_FALSE(j.contains("stop_price"));
}

TEST(AlpacaOrderObject, ParsesTotalsAndState) {
  std::string error;
  const auto u = parse_order(order_json("partially_filled", "4", R"("100.25")"), error);
  ASSERT_TRUE(u) << error;
  EXPECT_EQ(u->venue_order_id, "904837e3-3b76-47ec-b432-046db621571b");
  EXPECT_EQ(u->client_order_id, "mrd-7-42");
  EXPECT_EQ(u->state, VenueOrderState::partially_filled);
  EXPECT_EQ(u->cumulative_quantity, qty("4"));
  EXPECT_EQ(u->average_price, px("100.25"));
  EXPECT_FALSE(u->execution);
  EXPECT_NE(u->ts, meridian::core::Timestamp{});
}

TEST(AlpacaOrderObject, RefusesWhatIsNotAnOrder) {
  std::string error;
  EXPECT_FALSE(parse_order("[]", error));
  EXPECT_FALSE(parse_order(R"({"id":"x","status":"new"})", error));
  EXPECT_NE(error.find("client_order_id"), std::string::npos);
  EXPECT_FALSE(parse_order(order_json("teleported"), error));
  EXPECT_NE(error.find("teleported"), std::string::npos);
  EXPECT_FALSE(parse_order(order_json("new", "lots"), error));
}

TEST(AlpacaErrors, MessageOfAnErrorBody) {
  EXPECT_EQ(error_message(R"({"code":40310000,"message":"insufficient buying power"})"), "insufficient buying power");
  EXPECT_EQ(error_message("Bad Gateway"), "Bad Gateway");
}

TEST(AlpacaStream, AuthAndListenMessages) {
  const auto auth = Json::parse(auth_message("KEYID123", "s3cr\"et"));
  EXPECT_EQ(auth["action"], "auth");
  EXPECT_EQ(auth["key"], "KEYID123");
  EXPECT_EQ(auth["secret"], "s3cr\"et");
  const auto listen = Json::parse(listen_message());
  EXPECT_EQ(listen["action"], "listen");
  EXPECT_EQ(listen["data"]["streams"][0], "trade_updates");
}

TEST(AlpacaStream, ControlFrames) {
  EXPECT_EQ(
      parse_stream_frame(R"({"stream":"authorization","data":{"status":"authorized","action":"authenticate"}})").kind,
      StreamFrame::Kind::authorized);
  const auto refused =
      parse_stream_frame(R"({"stream":"authorization","data":{"status":"unauthorized","action":"authenticate"}})");
  EXPECT_EQ(refused.kind, StreamFrame::Kind::unauthorized);
  EXPECT_FALSE(refused.error.empty());
  EXPECT_EQ(parse_stream_frame(R"({"stream":"listening","data":{"streams":["trade_updates"]}})").kind,
            StreamFrame::Kind::listening);
  EXPECT_EQ(parse_stream_frame("not json").kind, StreamFrame::Kind::invalid);
  EXPECT_EQ(parse_stream_frame(R"({"stream":"account_updates","data":{}})").kind, StreamFrame::Kind::other);
}

TEST(AlpacaStream, FillCarriesItsExecution) {
  const auto f = parse_stream_frame(
      R"({"stream":"trade_updates","data":{"event":"partial_fill","execution_id":"ex-1","price":"100.5","qty":"3",)"
      R"("position_qty":"3","timestamp":"2026-12-07T15:04:06Z","order":)" +
      order_json("partially_filled", "3", R"("100.5")") + "}}");
  ASSERT_EQ(f.kind, StreamFrame::Kind::trade_update) << f.error;
  EXPECT_EQ(f.event, "partial_fill");
  EXPECT_EQ(f.update.state, VenueOrderState::partially_filled);
  ASSERT_TRUE(f.update.execution);
  EXPECT_EQ(f.update.execution->id, "ex-1");
  EXPECT_EQ(f.update.execution->quantity, qty("3"));
  EXPECT_EQ(f.update.execution->price, px("100.5"));
  EXPECT_TRUE(f.update.execution->fee.is_zero());
  EXPECT_EQ(f.update.cumulative_quantity, qty("3"));
}

TEST(AlpacaStream, NonFillEventsHaveNoExecution) {
  const auto f = parse_stream_frame(R"({"stream":"trade_updates","data":{"event":"canceled","order":)" +
                                    order_json("canceled") + "}}");
  ASSERT_EQ(f.kind, StreamFrame::Kind::trade_update) << f.error;
  EXPECT_EQ(f.update.state, VenueOrderState::cancelled);
  EXPECT_FALSE(f.update.execution);
}

TEST(AlpacaStream, BadTradeUpdatesAreInvalid) {
  EXPECT_EQ(parse_stream_frame(R"({"stream":"trade_updates","data":{"event":"fill"}})").kind,
            StreamFrame::Kind::invalid);
  EXPECT_EQ(
      parse_stream_frame(R"({"stream":"trade_updates","data":{"event":"teleport","order":)" + order_json("new") + "}}")
          .kind,
      StreamFrame::Kind::invalid);
  // A fill without a positive price is never booked.
  EXPECT_EQ(parse_stream_frame(R"({"stream":"trade_updates","data":{"event":"fill","execution_id":"e","price":"0",)"
                               R"("qty":"1","order":)" +
                               order_json("filled", "1", R"("1")") + "}}")
                .kind,
            StreamFrame::Kind::invalid);
}

TEST(AlpacaReconciliation, OpenOrdersListParses) {
  std::string error;
  const auto list =
      parse_open_orders("[" + order_json("new") + "," + order_json("partially_filled", "4", "\"100\"") + "]", error);
  ASSERT_TRUE(list) << error;
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].client_order_id, "mrd-7-42");
  EXPECT_EQ((*list)[0].venue_order_id, "904837e3-3b76-47ec-b432-046db621571b");
  EXPECT_EQ((*list)[0].symbol, "AAPL");
  EXPECT_EQ((*list)[0].side, "buy");
  EXPECT_EQ((*list)[0].quantity, "10");
  ASSERT_TRUE(parse_open_orders("[]", error));
  EXPECT_TRUE(parse_open_orders("[]", error)->empty());
}

TEST(AlpacaReconciliation, BadOpenOrdersListsAreRefused) {
  std::string error;
  EXPECT_FALSE(parse_open_orders(R"({"message":"forbidden"})", error));
  EXPECT_NE(error.find("array"), std::string::npos);
  error.clear();
  EXPECT_FALSE(parse_open_orders(R"([{"id":"x"}])", error));  // no client_order_id or status
  EXPECT_FALSE(error.empty());
  error.clear();
  EXPECT_FALSE(parse_open_orders("[1]", error));
  EXPECT_FALSE(error.empty());
}

TEST(AlpacaReconciliation, PositionsParseExactly) {
  std::string error;
  const auto list =
      parse_positions(R"([{"asset_id":"a","symbol":"AAPL","qty":"10.5","side":"long","avg_entry_price":"100"},)"
                      R"({"asset_id":"b","symbol":"TSLA","qty":"3","side":"short","avg_entry_price":"200"}])",
                      error);
  ASSERT_TRUE(list) << error;
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].symbol, "AAPL");
  EXPECT_FALSE((*list)[0].short_side);
  EXPECT_EQ((*list)[0].quantity, qty("10.5"));
  EXPECT_TRUE((*list)[1].short_side);
  EXPECT_FALSE(parse_positions(R"([{"symbol":"AAPL","qty":"ten","side":"long"}])", error));
  EXPECT_FALSE(parse_positions(R"([{"symbol":"AAPL","qty":"1","side":"sideways"}])", error));
  EXPECT_FALSE(parse_positions(R"({})", error));
}
