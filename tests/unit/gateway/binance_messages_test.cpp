// Binance spot's API shapes: the documented signature example, order queries (types, exact
// decimals, the type's parameters only), client order ids within Binance's 36 characters,
// every order status mapped, order objects and executionReports parsed into updates, error
// bodies, balances, server time and the clock offset, rate-limit headers.
#include "meridian/execution/binance/messages.hpp"

#include <gtest/gtest.h>

#include "decimal_literals.hpp"

using namespace meridian::execution;
using namespace meridian::execution::binance;
using namespace test_decimals;

namespace {

OrderRequest limit_buy(const char* q, const char* p) {
  OrderRequest r;
  r.side = meridian::core::Side::buy;
  r.type = OrderType::limit;
  r.quantity = qty(q);
  r.limit_price = px(p);
  return r;
}

std::string report(const std::string& x, const std::string& status, const std::string& extra = {}) {
  return R"({"e":"executionReport","E":1499405658658,"s":"ETHBTC","c":"mrd-7-42","S":"BUY","o":"LIMIT",)"
         R"("f":"GTC","q":"1.00000000","p":"0.10264410","P":"0.00000000","x":")" +
         x + R"(","X":")" + status +
         R"(","r":"NONE","i":4293153,"l":"0.00000000","z":"0.00000000","L":"0.00000000","n":"0",)"
         R"("N":null,"T":1499405658657,"t":-1,"m":false,"Z":"0.00000000","C":"")" +
         extra + "}";
}

}  // namespace

TEST(BinanceSigning, DocumentedExampleSignature) {
  // developers.binance.com, "SIGNED Endpoint Examples for POST /api/v3/order" (HMAC).
  EXPECT_EQ(sign("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
                 "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&"
                 "timestamp=1499827319559"),
            "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
}

TEST(BinanceSigning, TimedAndSignedQueryAppendInOrder) {
  const auto q = timed("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1", 5000, 1499827319559);
  EXPECT_EQ(q,
            "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&"
            "timestamp=1499827319559");
  EXPECT_EQ(signed_query("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j", q),
            q + "&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
  EXPECT_EQ(timed("", 5000, 7), "recvWindow=5000&timestamp=7");
  EXPECT_NE(sign("another secret", q), sign("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j", q));
}

TEST(BinanceOrders, LimitOrderParamsAreExactAndComplete) {
  EXPECT_EQ(order_params(limit_buy("1", "0.1"), "LTCBTC", "mrd-7-42"),
            "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&newClientOrderId=mrd-7-42&"
            "newOrderRespType=FULL");
  auto r = limit_buy("0.00012345", "42283.58");
  r.side = meridian::core::Side::sell;
  r.tif = TimeInForce::ioc;
  EXPECT_EQ(order_params(r, "BTCUSDT", "c"),
            "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=IOC&quantity=0.00012345&price=42283.58&"
            "newClientOrderId=c&newOrderRespType=FULL");
  r.tif = TimeInForce::fok;
  EXPECT_NE(order_params(r, "BTCUSDT", "c").find("timeInForce=FOK"), std::string::npos);
}

TEST(BinanceOrders, EachTypeSendsOnlyItsParameters) {
  OrderRequest m;
  m.quantity = qty("2.5");
  EXPECT_EQ(order_params(m, "ETHUSDT", "x"),
            "symbol=ETHUSDT&side=BUY&type=MARKET&quantity=2.5&newClientOrderId=x&newOrderRespType=FULL");
  OrderRequest stop = m;
  stop.side = meridian::core::Side::sell;
  stop.type = OrderType::stop;
  stop.stop_price = px("1999.99");
  EXPECT_EQ(order_params(stop, "ETHUSDT", "x"),
            "symbol=ETHUSDT&side=SELL&type=STOP_LOSS&quantity=2.5&stopPrice=1999.99&newClientOrderId=x&"
            "newOrderRespType=FULL");
  OrderRequest sl = stop;
  sl.type = OrderType::stop_limit;
  sl.limit_price = px("1990");
  EXPECT_EQ(order_params(sl, "ETHUSDT", "x"),
            "symbol=ETHUSDT&side=SELL&type=STOP_LOSS_LIMIT&timeInForce=GTC&quantity=2.5&price=1990&"
            "stopPrice=1999.99&newClientOrderId=x&newOrderRespType=FULL");
  EXPECT_EQ(client_id_params("ETHUSDT", "mrd-7-42"), "symbol=ETHUSDT&origClientOrderId=mrd-7-42");
}

TEST(BinanceOrders, UnsupportedRequestsAreNamed) {
  EXPECT_FALSE(unsupported(limit_buy("1", "1")));
  auto day = limit_buy("1", "1");
  day.tif = TimeInForce::day;
  EXPECT_NE(unsupported(day).value_or("").find("DAY"), std::string::npos);
  auto trail = limit_buy("1", "1");
  trail.type = OrderType::stop;
  trail.trail_percent = 1.5;
  EXPECT_NE(unsupported(trail).value_or("").find("trailing"), std::string::npos);
  trail.trail_percent = 0;
  trail.trail_amount = px("2");
  EXPECT_TRUE(unsupported(trail));
  auto bracket = limit_buy("1", "100");
  bracket.take_profit = px("110");
  EXPECT_NE(unsupported(bracket).value_or("").find("bracket"), std::string::npos);
}

TEST(BinanceOrders, ClientOrderIdsWithinBinanceLimit) {
  EXPECT_FALSE(client_order_id_error("mrd-7-42"));
  EXPECT_FALSE(client_order_id_error("abc_DEF-123"));
  EXPECT_FALSE(client_order_id_error(std::string(36, 'a')));
  EXPECT_TRUE(client_order_id_error(std::string(37, 'a')));
  EXPECT_TRUE(client_order_id_error(""));
  EXPECT_TRUE(client_order_id_error("mrd 7"));
  EXPECT_TRUE(client_order_id_error("mrd/7"));
  // GatewayOrders' ids fit for the configurable portfolios (1..8191) and any order id, up to
  // the 999th replace.
  GatewayOrders book(8191);
  EXPECT_FALSE(client_order_id_error(book.client_order_id(UINT64_MAX)));
  EXPECT_FALSE(client_order_id_error(book.client_order_id(UINT64_MAX, 999)));
  EXPECT_TRUE(client_order_id_error(book.client_order_id(UINT64_MAX, 4000000000U)));
}

TEST(BinanceStatus, EveryDocumentedOrderStatusMaps) {
  using S = VenueOrderState;
  const std::pair<const char*, S> expected[] = {
      {"NEW", S::working},       {"PENDING_NEW", S::working}, {"PARTIALLY_FILLED", S::partially_filled},
      {"FILLED", S::filled},     {"CANCELED", S::cancelled},  {"PENDING_CANCEL", S::pending_change},
      {"REJECTED", S::rejected}, {"EXPIRED", S::expired},     {"EXPIRED_IN_MATCH", S::expired},
  };
  for (const auto& [status, state] : expected) {
    ASSERT_TRUE(order_state(status)) << status;
    EXPECT_EQ(*order_state(status), state) << status;
  }
  EXPECT_FALSE(order_state("new"));  // Binance's statuses are upper case
  EXPECT_FALSE(order_state("CANCELLED"));
  EXPECT_FALSE(order_state(""));
}

TEST(BinanceOrderObject, FullAnswerIsTotalsWithAveragePrice) {
  std::string error;
  const auto u = parse_order(
      R"({"symbol":"BTCUSDT","orderId":28,"orderListId":-1,"clientOrderId":"mrd-7-42","transactTime":1507725176595,)"
      R"("price":"0.00000000","origQty":"10.00000000","executedQty":"10.00000000","cummulativeQuoteQty":"10.00000000",)"
      R"("status":"FILLED","timeInForce":"GTC","type":"MARKET","side":"SELL","fills":[{"price":"4000.00000000",)"
      R"("qty":"1.00000000","commission":"4.00000000","commissionAsset":"USDT","tradeId":56}]})",
      error);
  ASSERT_TRUE(u) << error;
  EXPECT_EQ(u->venue_order_id, "28");
  EXPECT_EQ(u->client_order_id, "mrd-7-42");
  EXPECT_EQ(u->state, VenueOrderState::filled);
  EXPECT_EQ(u->cumulative_quantity, qty("10"));
  EXPECT_EQ(u->average_price, px("1"));
  EXPECT_FALSE(u->execution);
  EXPECT_EQ(meridian::core::epoch_ms(u->ts), 1507725176595);
}

TEST(BinanceOrderObject, CancelAnswerNamesTheOriginalClientId) {
  std::string error;
  const auto u = parse_order(
      R"({"symbol":"LTCBTC","origClientOrderId":"mrd-7-42","orderId":4,"orderListId":-1,)"
      R"("clientOrderId":"cancelMyOrder1","transactTime":1684804350068,"price":"2.00000000","origQty":"1.00000000",)"
      R"("executedQty":"0.25000000","cummulativeQuoteQty":"0.50000000","status":"CANCELED"})",
      error);
  ASSERT_TRUE(u) << error;
  EXPECT_EQ(u->client_order_id, "mrd-7-42");
  EXPECT_EQ(u->state, VenueOrderState::cancelled);
  EXPECT_EQ(u->cumulative_quantity, qty("0.25"));
  EXPECT_EQ(u->average_price, px("2"));
}

TEST(BinanceOrderObject, MalformedOrdersAreRefusedWithAReason) {
  std::string error;
  EXPECT_FALSE(parse_order("[]", error));
  EXPECT_FALSE(parse_order(R"({"orderId":1,"clientOrderId":"a","status":"NEW"})", error));  // no executedQty
  EXPECT_NE(error.find("executedQty"), std::string::npos);
  EXPECT_FALSE(parse_order(R"({"orderId":"1","clientOrderId":"a","status":"NEW","executedQty":"0"})", error));
  EXPECT_FALSE(parse_order(R"({"orderId":1,"clientOrderId":"a","status":"DONE","executedQty":"0"})", error));
  EXPECT_NE(error.find("DONE"), std::string::npos);
  EXPECT_FALSE(parse_order(R"({"orderId":1,"clientOrderId":"a","status":"NEW","executedQty":"0.000000001"})", error));
}

TEST(BinanceOrderObject, OpenOrders) {
  std::string error;
  const auto list = parse_open_orders(
      R"([{"symbol":"LTCBTC","orderId":1,"clientOrderId":"mrd-7-1","price":"0.1","origQty":"1.00000000",)"
      R"("executedQty":"0.00000000","cummulativeQuoteQty":"0.00000000","status":"NEW","side":"BUY","time":1499827319559}])",
      error);
  ASSERT_TRUE(list) << error;
  ASSERT_EQ(list->size(), 1U);
  EXPECT_EQ((*list)[0].client_order_id, "mrd-7-1");
  EXPECT_EQ((*list)[0].venue_order_id, "1");
  EXPECT_EQ((*list)[0].symbol, "LTCBTC");
  EXPECT_EQ((*list)[0].side, "BUY");
  EXPECT_EQ((*list)[0].quantity, "1.00000000");
  EXPECT_FALSE(parse_open_orders(R"({"code":-1022,"msg":"x"})", error));
  EXPECT_FALSE(parse_open_orders(R"([{"orderId":1}])", error));
}

TEST(BinanceStream, NewReportIsWorkingWithoutExecution) {
  const auto ev = parse_stream_event(report("NEW", "NEW"));
  ASSERT_EQ(ev.kind, StreamEvent::Kind::execution_report) << ev.error;
  EXPECT_EQ(ev.update.client_order_id, "mrd-7-42");
  EXPECT_EQ(ev.update.venue_order_id, "4293153");
  EXPECT_EQ(ev.update.state, VenueOrderState::working);
  EXPECT_EQ(ev.execution_type, "NEW");
  EXPECT_FALSE(ev.update.execution);
  EXPECT_EQ(meridian::core::epoch_ms(ev.update.ts), 1499405658657);
}

TEST(BinanceStream, TradeReportCarriesItsExecution) {
  auto text = report("TRADE", "PARTIALLY_FILLED");
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{{R"("l":"0.00000000")", R"("l":"0.40000000")"},
                                                        {R"("z":"0.00000000")", R"("z":"0.60000000")"},
                                                        {R"("L":"0.00000000")", R"("L":"0.10264410")"},
                                                        {R"("n":"0")", R"("n":"0.00004000")"},
                                                        {R"("N":null)", R"("N":"BTC")"},
                                                        {R"("t":-1)", R"("t":12345)"},
                                                        {R"("m":false)", R"("m":true)"},
                                                        {R"("Z":"0.00000000")", R"("Z":"0.06000000")"}})
    text.replace(text.find(from), from.size(), to);
  const auto ev = parse_stream_event(text);
  ASSERT_EQ(ev.kind, StreamEvent::Kind::execution_report) << ev.error;
  EXPECT_EQ(ev.update.state, VenueOrderState::partially_filled);
  EXPECT_EQ(ev.update.cumulative_quantity, qty("0.6"));
  EXPECT_EQ(ev.update.average_price, px("0.1"));
  ASSERT_TRUE(ev.update.execution);
  EXPECT_EQ(ev.update.execution->id, "ETHBTC:12345");
  EXPECT_EQ(ev.update.execution->quantity, qty("0.4"));
  EXPECT_EQ(ev.update.execution->price, px("0.1026441"));
  EXPECT_EQ(ev.update.execution->fee, test_decimals::money("0.00004"));
  EXPECT_EQ(ev.update.execution->liquidity, Liquidity::maker);
  EXPECT_EQ(ev.commission_asset, "BTC");
  EXPECT_EQ(ev.symbol, "ETHBTC");
}

TEST(BinanceStream, TradeWithoutTradeIdOrQuantityIsInvalid) {
  const auto ev = parse_stream_event(report("TRADE", "FILLED"));  // t -1, l 0
  EXPECT_EQ(ev.kind, StreamEvent::Kind::invalid);
  EXPECT_NE(ev.error.find("trade id"), std::string::npos);
}

TEST(BinanceStream, CancelReportNamesTheOriginalOrderAndRejectsCarryTheirReason) {
  auto text = report("CANCELED", "CANCELED");
  text.replace(text.find(R"("C":"")"), 6, R"("C":"mrd-7-41")");
  const auto ev = parse_stream_event(text);
  ASSERT_EQ(ev.kind, StreamEvent::Kind::execution_report) << ev.error;
  EXPECT_EQ(ev.update.client_order_id, "mrd-7-41");
  EXPECT_EQ(ev.update.state, VenueOrderState::cancelled);

  auto rejected = report("REJECTED", "REJECTED");
  rejected.replace(rejected.find(R"("r":"NONE")"), 10, R"("r":"INSUFFICIENT_BALANCES")");
  const auto rj = parse_stream_event(rejected);
  EXPECT_EQ(rj.update.state, VenueOrderState::rejected);
  EXPECT_EQ(rj.update.reason, "INSUFFICIENT_BALANCES");
  EXPECT_EQ(parse_stream_event(report("EXPIRED", "EXPIRED")).update.state, VenueOrderState::expired);
  EXPECT_EQ(parse_stream_event(report("TRADE_PREVENTION", "EXPIRED_IN_MATCH")).update.state, VenueOrderState::expired);
}

TEST(BinanceStream, WrappedEventsAndOtherKinds) {
  EXPECT_EQ(parse_stream_event(R"({"subscriptionId":0,"event":)" + report("NEW", "NEW") + "}").kind,
            StreamEvent::Kind::execution_report);
  EXPECT_EQ(parse_stream_event(R"({"stream":"k","data":)" + report("NEW", "NEW") + "}").kind,
            StreamEvent::Kind::execution_report);
  EXPECT_EQ(parse_stream_event(R"({"e":"listenKeyExpired","E":1576653824250,"listenKey":"abc"})").kind,
            StreamEvent::Kind::listen_key_expired);
  EXPECT_EQ(parse_stream_event(R"({"e":"outboundAccountPosition","E":1,"u":1,"B":[]})").kind,
            StreamEvent::Kind::account);
  EXPECT_EQ(parse_stream_event(R"({"e":"listStatus"})").kind, StreamEvent::Kind::other);
  EXPECT_EQ(parse_stream_event("{").kind, StreamEvent::Kind::invalid);
  EXPECT_EQ(parse_stream_event(report("NEW", "SOMETHING")).kind, StreamEvent::Kind::invalid);
}

TEST(BinanceErrors, ErrorBody) {
  const auto e = parse_error(R"({"code":-2010,"msg":"Duplicate order sent."})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, kNewOrderRejected);
  EXPECT_EQ(e->message, "Duplicate order sent.");
  EXPECT_EQ(error_message(R"({"code":-1022,"msg":"Signature for this request is not valid."})"),
            "-1022 Signature for this request is not valid.");
  EXPECT_FALSE(parse_error(R"({"code":"x","msg":"y"})"));
  EXPECT_FALSE(parse_error("<html>bad gateway</html>"));
  EXPECT_EQ(error_message("<html>bad gateway</html>"), "<html>bad gateway</html>");
}

TEST(BinanceAccount, Balances) {
  std::string error;
  const auto b = parse_balances(
      R"({"makerCommission":15,"balances":[{"asset":"BTC","free":"4723846.89208129","locked":"0.00000000"},)"
      R"({"asset":"LTC","free":"4763368.68006011","locked":"1.5"}]})",
      error);
  ASSERT_TRUE(b) << error;
  ASSERT_EQ(b->size(), 2U);
  EXPECT_EQ((*b)[0].asset, "BTC");
  EXPECT_EQ((*b)[0].free, qty("4723846.89208129"));
  EXPECT_EQ((*b)[1].locked, qty("1.5"));
  EXPECT_FALSE(parse_balances(R"({"balances":[{"asset":"BTC","free":"x","locked":"0"}]})", error));
  EXPECT_FALSE(parse_balances(R"({"code":-2015,"msg":"Invalid API-key"})", error));
}

TEST(BinanceTime, ServerTimeAndListenKey) {
  EXPECT_EQ(parse_server_time(R"({"serverTime":1499827319559})"), 1499827319559);
  EXPECT_FALSE(parse_server_time(R"({"serverTime":"1499827319559"})"));
  EXPECT_FALSE(parse_server_time("{}"));
  EXPECT_EQ(parse_listen_key(R"({"listenKey":"pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1"})"),
            "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1");
  EXPECT_FALSE(parse_listen_key(R"({"listenKey":""})"));
}

TEST(BinanceTime, ClockOffsetFromTheRoundTripMidpoint) {
  const auto c = ClockOffset::measure(1000, 1600, 1200);  // midpoint 1100
  EXPECT_EQ(c.offset_ms, 500);
  EXPECT_EQ(c.round_trip_ms, 200);
  EXPECT_EQ(c.venue_time(2000), 2500);
  EXPECT_FALSE(c.skew_exceeds(5000));
  EXPECT_EQ(ClockOffset::measure(1000, 900, 1000).offset_ms, -100);
  // Beyond the window either way, or a measurement too slow to tell: refused.
  EXPECT_FALSE((ClockOffset{5000, 0}.skew_exceeds(5000)));
  EXPECT_TRUE((ClockOffset{5001, 0}.skew_exceeds(5000)));
  EXPECT_TRUE((ClockOffset{-5001, 0}.skew_exceeds(5000)));
  EXPECT_TRUE((ClockOffset{0, 10004}.skew_exceeds(5000)));
  // A clock that went backwards during the measurement: no negative round trip.
  EXPECT_EQ(ClockOffset::measure(1000, 1000, 900).round_trip_ms, 0);
}

TEST(BinanceRateLimits, HeadroomFromHeaders) {
  meridian::transport::HttpResponse r;
  r.headers = {{"x-mbx-used-weight-1m", "5990"}, {"X-MBX-ORDER-COUNT-10S", "100"}};
  const auto h = rate_headroom(r, RateLimits{});
  EXPECT_EQ(h.weight_1m, 10);
  EXPECT_EQ(h.orders_10s, 0);
  EXPECT_FALSE(h.orders_1d);
  r.headers = {{"X-MBX-ORDER-COUNT-1D", "250000"}, {"X-MBX-USED-WEIGHT-1M", "-1"}};
  const auto over = rate_headroom(r, RateLimits{});
  EXPECT_EQ(over.orders_1d, 0);  // never negative
  EXPECT_FALSE(over.weight_1m);  // not a count
  r.headers = {{"X-MBX-USED-WEIGHT-1M", "12abc"}};
  EXPECT_FALSE(rate_headroom(r, RateLimits{}).weight_1m);
}
