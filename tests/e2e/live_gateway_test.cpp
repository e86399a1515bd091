// A live gateway end to end (#15): meridiand started on paper with Alpaca keys, a fake Alpaca
// on loopback TLS (tests/integration/gateway). One connect call binds the default portfolio to
// Alpaca; a REST order reaches the venue once under our client order id; the venue's fill is
// booked into the ledger once; a portfolio with an open order cannot change gateway; the kill
// switch cancels at the venue; disconnect puts the portfolio back on paper; every gateway state
// change reaches /ws as a `gateway` message. kill -9 while an order works at the venue: the
// restart books the fill made while it was down, once, and sends nothing again.
#include "fake_alpaca.hpp"
#include "fixture.hpp"
#include "gateway_api.hpp"
#include "support/ws_client.hpp"
#include "trading_api.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

class LiveGateway : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto& o = daemon_options_;
    o.autostart = false;  // only this test's orders trade
    o.extra_args = {"--alpaca-url",
                    venue.rest_url(),
                    "--alpaca-stream-url",
                    venue.stream_url(),
                    "--venue-ca-file",
                    venue_test::test_cert_path(),
                    "--alpaca-trading-key-id",
                    gateway_test::kKeyId,
                    "--alpaca-trading-secret-key",
                    gateway_test::kSecret};
  }
  // A daemon on paper with the fake's URLs and keys (nothing bound yet).
  void start_on_paper() { daemon_ = &start_daemon(daemon_options_); }
  // The flags that bind the default portfolio to the fake Alpaca from the start.
  DaemonOptions bound_options() const {
    DaemonOptions o;
    o.autostart = false;
    o.extra_args = daemon_options_.extra_args;
    o.extra_args.insert(o.extra_args.end(), {"--gateway", "alpaca"});
    return o;
  }
  std::uint16_t port() const { return daemon_->port(); }

  // Our client order id for one of the default portfolio's orders.
  std::string cid(long long order) {
    return "mrd-" + std::to_string(portfolio_id(port())) + "-" + std::to_string(order);
  }

  gateway_test::FakeAlpaca venue;
  DaemonOptions daemon_options_;  // on paper, with the fake's URLs and keys

 private:
  Daemon* daemon_ = nullptr;
};

TEST_F(LiveGateway, OneConnectCallTradesThroughTheVenueAndDisconnectReturnsToPaper) {
  ASSERT_NO_FATAL_FAILURE(start_on_paper());
  const auto pid = portfolio_id(port());
  auto ws = std::make_unique<WsClient>(port());
  ASSERT_TRUE(ws->next(kDeadline));  // connected
  EXPECT_EQ(get_json(port(), "/api/gateway/status").value("paper", false), true);

  auto connected = expect_json_response(
      send_json(port(), "POST", "/api/gateway/connect", {{"gateway", "alpaca"}, {"portfolio_id", pid}}), 200,
      "POST /api/gateway/connect");
  EXPECT_EQ(connected.value("gateway", ""), "alpaca");
  EXPECT_EQ(connected.value("portfolio_id", 0LL), pid);
  ASSERT_TRUE(poll_until([&] { return venue.listens() >= 1; }, kDeadline)) << "the gateway never listened";
  ASSERT_NO_FATAL_FAILURE(await_entries(port()));
  auto gateway_message = ws->next_matching(
      [&](const json& m) { return type_of(m) == "gateway" && m["data"].value("state", "") == "connected"; }, kDeadline);
  ASSERT_TRUE(gateway_message) << "no `gateway` message saying connected";
  EXPECT_EQ(gateway_message->value("portfolio_id", 0LL), pid);
  EXPECT_FALSE(gateway_message->at("data").contains("account_hint"));  // the hint is the admin's

  // An order goes to the venue once, under our client order id, and its fill is booked once.
  auto body = resting_limit(port(), "BTC-USD", pid, 0.01);
  auto order = expect_json_response(send_json(port(), "POST", "/api/trade", body), 201, "POST /api/trade");
  const auto id = order.value("id", 0LL);
  ASSERT_TRUE(poll_until([&] { return venue.order(cid(id)).has_value(); }, kDeadline))
      << "the order never reached the venue";
  EXPECT_EQ(venue.order_count(), 1u);
  ASSERT_TRUE(await_order_status(port(), id, "accepted"));

  // Changing gateway with an order open is refused, naming why.
  expect_error(send_json(port(), "POST", "/api/gateway/disconnect", {{"portfolio_id", pid}}), 409, "open_orders",
               "disconnect with an open order");

  const double price = body["limit_price"].get<double>();
  venue.fill(cid(id), 0.01, price, "exec-1");
  venue.push_fill_event(cid(id), 0.01, price, "exec-1");  // the same execution again: booked once
  ASSERT_TRUE(await_order_status(port(), id, "filled"));
  ASSERT_NO_FATAL_FAILURE(expect_single_fill(port(), 0.01));
  EXPECT_EQ(venue.order_count(), 1u);

  // The kill switch cancels what is open at the venue.
  auto second = expect_json_response(send_json(port(), "POST", "/api/trade", resting_limit(port(), "BTC-USD", pid)),
                                     201, "second order");
  const auto second_id = second.value("id", 0LL);
  ASSERT_TRUE(poll_until([&] { return venue.order(cid(second_id)).has_value(); }, kDeadline));
  expect_json_response(http_post(port(), "/api/trading/kill"), 200, "POST /api/trading/kill");
  ASSERT_TRUE(poll_until([&] { return venue.order(cid(second_id))->status == "canceled"; }, kDeadline))
      << "the kill did not cancel at the venue";
  ASSERT_TRUE(await_order_status(port(), second_id, "cancelled"));

  // Nothing open: back to paper, and the gateway is gone from the status.
  auto paper = expect_json_response(send_json(port(), "POST", "/api/gateway/disconnect", {{"portfolio_id", pid}}), 200,
                                    "POST /api/gateway/disconnect");
  EXPECT_EQ(paper.value("gateway", ""), "paper");
  EXPECT_TRUE(gateway_of(port()).is_null());
  EXPECT_EQ(get_json(port(), "/api/gateway/status").value("paper", false), true);
  EXPECT_EQ(venue.order_count(), 2u);  // nothing more reached the venue
}

// kill -9 while an order works at the venue; the venue fills it while the daemon is down; the
// restart asks the venue for it by client order id and books the fill once, sends nothing again.
TEST_F(LiveGateway, KillNineWhileAnOrderWorksThenTheRestartBooksTheFillMadeWhileDown) {
  auto& first = start_daemon(bound_options());
  const auto pid = portfolio_id(first.port());
  ASSERT_NO_FATAL_FAILURE(await_entries(first.port()));
  auto body = resting_limit(first.port(), "BTC-USD", pid, 0.01);
  auto order = expect_json_response(send_json(first.port(), "POST", "/api/trade", body), 201, "POST /api/trade");
  const auto id = order.value("id", 0LL);
  const auto client_id = "mrd-" + std::to_string(pid) + "-" + std::to_string(id);
  ASSERT_TRUE(poll_until([&] { return venue.order(client_id).has_value(); }, kDeadline));
  ASSERT_TRUE(await_order_status(first.port(), id, "accepted"));
  first.process().kill_now();

  venue.fill(client_id, 0.01, body["limit_price"].get<double>(), "exec-down-1");  // nobody listens
  auto& second = start_daemon(bound_options());
  ASSERT_TRUE(await_order_status(second.port(), id, "filled"))
      << get_json(second.port(), "/api/orders/" + std::to_string(id)).dump();
  ASSERT_NO_FATAL_FAILURE(expect_single_fill(second.port(), 0.01));
  venue.push_fill_event(client_id, 0.01, body["limit_price"].get<double>(), "exec-down-1");  // a replay
  ASSERT_NO_FATAL_FAILURE(expect_single_fill(second.port(), 0.01));
  EXPECT_EQ(get_json(second.port(), "/api/trading/status").value("trades_count", 0LL), 1);
  EXPECT_EQ(venue.order_count(), 1u);  // never sent again
  EXPECT_EQ(venue.requests("POST", "/v2/orders"), 1u);
}

// A lost stream pauses new entries until the gateway is back and has reconciled; exits still go;
// the status says LIVE and where orders go, and /ws says when entries pause and resume.
TEST_F(LiveGateway, ALostStreamPausesEntriesUntilReconciledWhileExitsStillGo) {
  auto options = bound_options();
  options.extra_args.insert(options.extra_args.end(), {"--reconcile-interval", "1"});
  auto& d = start_daemon(options);
  const auto pid = portfolio_id(d.port());
  ASSERT_NO_FATAL_FAILURE(await_entries(d.port()));
  const auto status = get_json(d.port(), "/api/trading/status");
  EXPECT_EQ(status.value("executor", ""), "alpaca") << status.dump();
  EXPECT_EQ(status.value("live", false), true) << status.dump();
  const auto portfolio = get_json(d.port(), "/api/portfolios/" + std::to_string(pid));
  EXPECT_EQ(portfolio.value("executor", ""), "alpaca") << portfolio.dump();

  // A position to exit from: a buy the venue fills.
  auto buy = resting_limit(d.port(), "BTC-USD", pid, 0.01);
  const auto first = expect_json_response(send_json(d.port(), "POST", "/api/trade", buy), 201, "first buy");
  const auto first_cid = "mrd-" + std::to_string(pid) + "-" + std::to_string(first.value("id", 0LL));
  ASSERT_TRUE(poll_until([&] { return venue.order(first_cid).has_value(); }, kDeadline));
  venue.fill(first_cid, 0.01, buy["limit_price"].get<double>(), "exec-p1");
  ASSERT_TRUE(
      poll_until([&] { return get_json(d.port(), "/api/trading/status").value("trades_count", 0LL) == 1; }, kDeadline));

  // The stream drops; it comes back but the reconciliation fails: entries stay paused.
  WsClient ws(d.port());
  ASSERT_TRUE(ws.next(kDeadline));  // connected
  venue.open_orders_fail = true;
  venue.drop_stream();
  auto paused = ws.next_matching(
      [](const json& m) { return type_of(m) == "gateway" && m["data"].value("accepting_entries", true) == false; },
      kDeadline);
  ASSERT_TRUE(paused) << "no `gateway` message saying entries are paused";
  ASSERT_TRUE(poll_until([&] { return venue.listens() >= 2; }, kDeadline));
  ASSERT_TRUE(poll_until([&] { return gateway_of(d.port()).value("state", "") == "connected"; }, kDeadline));
  EXPECT_FALSE(gateway_of(d.port()).value("accepting_entries", true));
  auto denied = expect_error(send_json(d.port(), "POST", "/api/trade", buy), 422, "risk_denied", "a buy while paused");
  EXPECT_EQ(denied["error"]["details"].value("reason", ""), "gateway_disconnected") << denied.dump();
  const auto posts = venue.requests("POST", "/v2/orders");

  // An exit still goes to the venue.
  json sell = buy;
  sell["side"] = "sell";
  sell["limit_price"] = buy["limit_price"].get<double>() * 3;  // above the market: it rests
  const auto exit = expect_json_response(send_json(d.port(), "POST", "/api/trade", sell), 201, "a sell while paused");
  const auto exit_cid = "mrd-" + std::to_string(pid) + "-" + std::to_string(exit.value("id", 0LL));
  ASSERT_TRUE(poll_until([&] { return venue.order(exit_cid).has_value(); }, kDeadline)) << "the exit never went";
  EXPECT_EQ(venue.requests("POST", "/v2/orders"), posts + 1);

  // Reconciled again (the next interval): entries go again, and /ws says so.
  venue.open_orders_fail = false;
  auto resumed = ws.next_matching(
      [](const json& m) { return type_of(m) == "gateway" && m["data"].value("accepting_entries", false) == true; },
      kDeadline);
  ASSERT_TRUE(resumed) << "no `gateway` message saying entries go again";
  expect_json_response(send_json(d.port(), "POST", "/api/trade", buy), 201, "a buy once reconciled");

  // Positions: the venue's against the ledger (0.01 BTC-USD), Alpaca spelling it BTCUSD.
  venue.set_position("BTCUSD", 0.01, buy["limit_price"].get<double>());
  ASSERT_TRUE(poll_until(
      [&] {
        const auto diffs = gateway_of(d.port()).value("position_differences", json());
        return diffs.is_array() && diffs.empty();
      },
      kDeadline))
      << gateway_of(d.port()).dump();
  venue.set_position("BTCUSD", 0.03, buy["limit_price"].get<double>());
  json differences;
  ASSERT_TRUE(poll_until(
      [&] {
        differences = gateway_of(d.port()).value("position_differences", json());
        return differences.is_array() && differences.size() == 1;
      },
      kDeadline))
      << gateway_of(d.port()).dump();
  EXPECT_EQ(differences[0].value("symbol", ""), "BTC-USD");
  EXPECT_DOUBLE_EQ(differences[0].value("ledger", 0.0), 0.01);
  EXPECT_DOUBLE_EQ(differences[0].value("venue", 0.0), 0.03);
}

TEST_F(LiveGateway, BadConnectRequestsAreRefusedWithTheirCode) {
  ASSERT_NO_FATAL_FAILURE(start_on_paper());
  expect_error(send_json(port(), "POST", "/api/gateway/connect", {{"gateway", "kraken"}}), 422, "invalid_field",
               "an unknown gateway");
  expect_error(send_json(port(), "POST", "/api/gateway/connect", {{"gateway", "binance"}}), 409, "not_configured",
               "binance without its keys");
  expect_error(send_json(port(), "POST", "/api/gateway/connect", json::object()), 422, "invalid_field", "no gateway");
  expect_error(send_json(port(), "POST", "/api/gateway/connect", {{"gateway", 7}}), 422, "invalid_field",
               "a gateway that is no string");
  expect_error(send_json(port(), "POST", "/api/gateway/connect", {{"gateway", "alpaca"}, {"portfolio_id", 999}}), 404,
               "not_found", "an unknown portfolio");
  expect_error(send(port(), "POST", "/api/gateway/connect", "{nope"), 400, "", "malformed JSON");
  EXPECT_EQ(venue.listens(), 0u);  // nothing connected
}

}  // namespace
}  // namespace meridian::e2e
