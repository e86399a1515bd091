// The kill switch (#15 item 5): POST /api/trading/kill, the /ws `kill` message and SIGUSR1 each
// halt the portfolio's risk state, cancel every open order (reason kill_switch) and stop the
// session; clients see `risk`, the cancels, `kill` and `tradingStopped`; the halt denies new
// orders until a person sets the state active again, and the daemon keeps serving.
#include <csignal>

#include "fixture.hpp"
#include "support/ws_client.hpp"
#include "trading_api.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

// A daemon per test: each kill leaves its portfolios halted.
class KillSwitch : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    daemon_ = &start_daemon({});
  }
  std::uint16_t port() const { return daemon_->port(); }
  Daemon& daemon() { return *daemon_; }

 private:
  Daemon* daemon_ = nullptr;
};

constexpr const char* kSymbol = "BTC-USD";

std::string q(long long portfolio) {
  return "?portfolio=" + std::to_string(portfolio);
}

std::unique_ptr<WsClient> connect_ws(std::uint16_t port) {
  auto ws = std::make_unique<WsClient>(port);
  auto hello = ws->next(kDeadline);
  EXPECT_TRUE(hello && type_of(*hello) == "connected") << "first message: " << (hello ? hello->dump() : "none");
  return ws;
}

// A resting buy limit in `portfolio`: its id.
long long rest_an_order(std::uint16_t port, long long portfolio) {
  auto body = resting_limit(port, kSymbol, portfolio);
  auto order = expect_json_response(send_json(port, "POST", "/api/trade" + q(portfolio), body), 201, "resting limit");
  EXPECT_EQ(order.value("status", ""), "accepted");
  return order.value("id", 0LL);
}

json order_of(std::uint16_t port, long long portfolio, long long id) {
  return get_json(port, "/api/orders/" + std::to_string(id) + q(portfolio));
}

std::string session_state_of(std::uint16_t port, long long portfolio) {
  return get_json(port, "/api/trading/status" + q(portfolio)).value("state", "");
}

// What the kill leaves: stopped, halted, the order cancelled for the kill, new orders denied.
void expect_killed(std::uint16_t port, long long portfolio, long long order, const std::string& how) {
  const auto status = get_json(port, "/api/trading/status" + q(portfolio));
  EXPECT_EQ(status.value("state", ""), "stopped") << how << ": " << status.dump();
  EXPECT_EQ(status.value("risk_state", ""), "halted") << how << ": " << status.dump();
  const auto cancelled = order_of(port, portfolio, order);
  EXPECT_EQ(cancelled.value("status", ""), "cancelled") << how << ": " << cancelled.dump();
  EXPECT_EQ(cancelled.value("reason", ""), "kill_switch") << how << ": " << cancelled.dump();
  const json buy{{"symbol", kSymbol}, {"side", "buy"}, {"quantity", 0.001}};
  auto denied = expect_error(send_json(port, "POST", "/api/trade" + q(portfolio), buy), 422, "risk_denied",
                             how + ": an order after the kill");
  EXPECT_EQ(denied["error"]["details"].value("reason", ""), "halted") << denied.dump();
}

TEST_F(KillSwitch, RestKillHaltsCancelsStopsAndIsBroadcast) {
  const auto pid = portfolio_id(port());
  ASSERT_EQ(session_state(port()), "running");
  const auto order = rest_an_order(port(), pid);
  auto ws = connect_ws(port());

  auto answer = expect_json_response(http_post(port(), "/api/trading/kill"), 200, "POST /api/trading/kill");
  expect_trading_status(answer, "POST /api/trading/kill");
  EXPECT_EQ(answer.value("state", ""), "stopped");
  EXPECT_EQ(answer.value("risk_state", ""), "halted");

  auto risk = ws->next_of_type("risk", kDeadline);
  ASSERT_TRUE(risk) << "no `risk` message after the kill";
  EXPECT_EQ(risk->at("data").value("to", ""), "halted");
  EXPECT_EQ(risk->at("data").value("reason", ""), "kill_switch");
  auto killed = ws->next_of_type("kill", kDeadline);
  ASSERT_TRUE(killed) << "no `kill` message";
  EXPECT_EQ(killed->value("portfolio_id", 0LL), pid);
  EXPECT_EQ(killed->at("data").value("cancels_sent", -1), 1) << killed->dump();
  EXPECT_EQ(killed->at("data").value("risk_state", ""), "halted");
  EXPECT_TRUE(ws->next_of_type("tradingStopped", kDeadline)) << "no tradingStopped after the kill";
  expect_killed(port(), pid, order, "REST kill");

  // Thrown again: nothing left to cancel, still answered (a panicking person is never refused).
  auto again = expect_json_response(http_post(port(), "/api/trading/kill"), 200, "second kill");
  EXPECT_EQ(again.value("risk_state", ""), "halted");
  killed = ws->next_of_type("kill", kDeadline);
  ASSERT_TRUE(killed);
  EXPECT_EQ(killed->at("data").value("cancels_sent", -1), 0);

  // A person decides: active again, and orders are taken.
  expect_json_response(send_json(port(), "POST", "/api/risk/state/" + std::to_string(pid), {{"state", "active"}}), 200,
                       "risk state active");
  EXPECT_NE(rest_an_order(port(), pid), 0);
  expect_error(http_post(port(), "/api/trading/kill?portfolio=999"), 404, "not_found", "kill an unknown portfolio");
}

TEST_F(KillSwitch, WsKillMessageKillsTheNamedPortfolio) {
  const auto pid = portfolio_id(port());
  const auto order = rest_an_order(port(), pid);
  auto ws = connect_ws(port());
  ws->send({{"type", "kill"}, {"portfolio", pid}});
  auto killed = ws->next_of_type("kill", kDeadline);
  ASSERT_TRUE(killed) << "no `kill` message after the /ws kill";
  EXPECT_EQ(killed->value("portfolio_id", 0LL), pid);
  EXPECT_EQ(killed->at("data").value("cancels_sent", -1), 1);
  EXPECT_TRUE(ws->next_of_type("tradingStopped", kDeadline));
  expect_killed(port(), pid, order, "/ws kill");
}

TEST_F(KillSwitch, Sigusr1KillsEveryPortfolioAndTheDaemonKeepsServing) {
  const auto first = portfolio_id(port());
  const auto created = expect_json_response(
      send_json(port(), "POST", "/api/portfolios", {{"name", "second"}, {"initial_capital", 50000}}), 201,
      "POST /api/portfolios");
  const auto second = created.value("id", 0LL);
  ASSERT_GT(second, first);
  if (session_state_of(port(), second) != "running")  // new portfolios follow the daemon's autostart
    expect_json_response(http_post(port(), "/api/trading/start" + q(second)), 200, "start the second portfolio");
  const auto order1 = rest_an_order(port(), first);
  const auto order2 = rest_an_order(port(), second);

  daemon().process().signal(SIGUSR1);
  const auto killed = [&](long long portfolio) {
    const auto s = get_json(port(), "/api/trading/status" + q(portfolio));
    return s.value("risk_state", "") == "halted" && s.value("state", "") == "stopped";
  };
  ASSERT_TRUE(poll_until([&] { return killed(first) && killed(second); }, kDeadline))
      << "SIGUSR1 did not kill both portfolios";
  ASSERT_TRUE(
      poll_until([&] { return order_of(port(), first, order1).value("status", "") == "cancelled"; }, kDeadline));
  ASSERT_TRUE(
      poll_until([&] { return order_of(port(), second, order2).value("status", "") == "cancelled"; }, kDeadline));
  expect_killed(port(), first, order1, "SIGUSR1, first portfolio");
  expect_killed(port(), second, order2, "SIGUSR1, second portfolio");
  EXPECT_TRUE(daemon().running());
  EXPECT_TRUE(daemon().output_contains("SIGUSR1: kill switch thrown for 2 portfolio(s)")) << daemon().output();
}

}  // namespace
}  // namespace meridian::e2e
