// Binance spot end to end (#15): meridiand started on paper with Binance keys and a fake
// Binance on loopback TLS (tests/integration/gateway). One connect call binds the default
// portfolio to Binance; the gateway measures the venue's clock and reads its filters, then a
// REST order reaches the venue once, signed, under our client order id; the venue's fill comes
// back on the user data stream and is booked into the ledger once; an order off the venue's
// grid is refused before it is sent, naming the filter; the kill switch cancels at the venue.
#include "fake_binance.hpp"
#include "fixture.hpp"
#include "gateway_api.hpp"
#include "trading_api.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

class BinanceGateway : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // The daemon's BTC-USD is Binance's BTCUSD (the market data's spelling rule): the fake lists
    // it, with the same filters as its BTCUSDT, quoted and charged in USD.
    auto info = json::parse(venue.exchange_info());
    for (auto& s : info["symbols"]) {
      s["symbol"] = "BTCUSD";
      s["quoteAsset"] = "USD";
    }
    venue.set_exchange_info(info.dump());
    venue.commission_asset = "USD";
    const auto any_key = venue.stream_url("k");
    DaemonOptions o;
    o.autostart = false;  // only this test's orders trade
    o.extra_args = {"--binance-trading-url",
                    venue.rest_url(),
                    "--binance-trading-stream-url",
                    any_key.substr(0, any_key.size() - std::string("/ws/k").size()),
                    "--venue-ca-file",
                    venue_test::test_cert_path(),
                    "--binance-api-key",
                    gateway_test::kBinanceKey,
                    "--binance-secret-key",
                    gateway_test::kBinanceSecret};
    daemon_ = &start_daemon(o);
  }
  std::uint16_t port() const { return daemon_->port(); }
  std::string cid(long long order) {
    return "mrd-" + std::to_string(portfolio_id(port())) + "-" + std::to_string(order);
  }

  gateway_test::FakeBinance venue;

 private:
  Daemon* daemon_ = nullptr;
};

TEST_F(BinanceGateway, OneConnectCallTradesThroughBinanceAndTheFillIsBookedOnce) {
  const auto pid = portfolio_id(port());
  auto connected = expect_json_response(
      send_json(port(), "POST", "/api/gateway/connect", {{"gateway", "binance"}, {"portfolio_id", pid}}), 200,
      "POST /api/gateway/connect");
  EXPECT_EQ(connected.value("gateway", ""), "binance");
  ASSERT_NO_FATAL_FAILURE(await_entries(port()));
  const auto status = get_json(port(), "/api/trading/status");
  EXPECT_EQ(status.value("executor", ""), "binance") << status.dump();
  EXPECT_TRUE(status.value("live", false));
  EXPECT_GE(venue.requests("GET", "/api/v3/time"), 1u);
  EXPECT_GE(venue.requests("GET", "/api/v3/exchangeInfo"), 1u);

  // An order goes to the venue once, signed, under our client order id.
  auto body = resting_limit(port(), "BTC-USD", pid, 0.01);
  auto order = expect_json_response(send_json(port(), "POST", "/api/trade", body), 201, "POST /api/trade");
  const auto id = order.value("id", 0LL);
  ASSERT_TRUE(poll_until([&] { return venue.order(cid(id)).has_value(); }, kDeadline))
      << "the order never reached the venue";
  EXPECT_EQ(venue.order(cid(id))->symbol, "BTCUSD");
  EXPECT_EQ(venue.order_count(), 1u);
  ASSERT_TRUE(await_order_status(port(), id, "accepted"));

  // The fill arrives on the user data stream and is booked once.
  venue.fill(cid(id), 0.01, body["limit_price"].get<double>());
  ASSERT_TRUE(await_order_status(port(), id, "filled"));
  ASSERT_NO_FATAL_FAILURE(expect_single_fill(port(), 0.01));

  // Off the venue's grid (LOT_SIZE step 0.0001): refused before it is sent, naming the filter.
  const auto posts = venue.requests("POST", "/api/v3/order");
  auto odd = resting_limit(port(), "BTC-USD", pid, 0.00015);
  auto refused = expect_json_response(send_json(port(), "POST", "/api/trade", odd), 201, "an off-grid order");
  const auto odd_id = refused.value("id", 0LL);
  ASSERT_TRUE(await_order_status(port(), odd_id, "rejected"));
  const auto odd_order = get_json(port(), "/api/orders/" + std::to_string(odd_id));
  EXPECT_NE(odd_order.value("reason", "").find("LOT_SIZE"), std::string::npos) << odd_order.dump();
  EXPECT_EQ(venue.requests("POST", "/api/v3/order"), posts);

  // The kill switch cancels what is open at the venue.
  auto second = expect_json_response(send_json(port(), "POST", "/api/trade", resting_limit(port(), "BTC-USD", pid)),
                                     201, "second order");
  const auto second_id = second.value("id", 0LL);
  ASSERT_TRUE(poll_until([&] { return venue.order(cid(second_id)).has_value(); }, kDeadline));
  expect_json_response(http_post(port(), "/api/trading/kill"), 200, "POST /api/trading/kill");
  ASSERT_TRUE(poll_until([&] { return venue.order(cid(second_id))->status == "CANCELED"; }, kDeadline))
      << "the kill did not cancel at the venue";
  EXPECT_EQ(venue.order_count(), 2u);  // the off-grid order never reached it
}

}  // namespace
}  // namespace meridian::e2e
