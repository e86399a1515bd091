// Session control: POST /api/trading/start|stop|pause|resume answer with TradingStatus and are
// broadcast over /ws; wrong transitions are 409 invalid_state; the same commands work as WS
// control messages, getStatus gets a `status` reply and an unknown type an `error`.
#include "fixture.hpp"
#include "support/ws_client.hpp"
#include "trading_api.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;
using K = Kind;

class SessionControl : public SharedDaemonTest<SessionControl> {};

json post_command(std::uint16_t port, const std::string& command, std::string body = {}) {
  return http_post(port, "/api/trading/" + command, std::move(body)).json();
}

// Brings the session to `want` with REST commands (each test starts from a known state).
void ensure_state(std::uint16_t port, const std::string& want) {
  auto state = session_state(port);
  if (want == "stopped") {
    if (state != "stopped") post_command(port, "stop");
  } else {
    if (state == "stopped") post_command(port, "start");
    if (state == "paused") post_command(port, "resume");
    if (want == "paused") post_command(port, "pause");
  }
  ASSERT_EQ(session_state(port), want) << "could not bring the session to " << want;
}

// A broadcast of `type` whose data is a TradingStatus in state `state`.
void expect_broadcast(WsClient& ws, const std::string& type, const std::string& state, const std::string& who) {
  auto msg = ws.next_of_type(type, kDeadline);
  ASSERT_TRUE(msg) << who << " saw no " << type << " message (closed: " << ws.close_error() << ")";
  expect_fields(*msg, who + "." + type, {{"type", {K::string}}, {"ts", {K::integer}}, {"data", {K::object}}});
  expect_trading_status(msg->at("data"), who + "." + type + ".data");
  EXPECT_EQ(msg->at("data").value("state", ""), state)
      << who << ": " << type << " carries state " << msg->at("data").value("state", "");
}

void expect_ws_error(WsClient& ws, const std::string& code, const std::string& after) {
  auto msg = ws.next_of_type("error", kDeadline);
  ASSERT_TRUE(msg) << "no error message after " << after;
  expect_fields(*msg, "error message", {{"ts", {K::integer}}, {"error", {K::object}}});
  expect_fields(msg->at("error"), "error message.error", {{"code", {K::string}}, {"message", {K::string}}});
  if (!code.empty()) {
    EXPECT_EQ(msg->at("error").value("code", ""), code) << "after " << after << ": " << msg->dump();
  }
}

// A connected client that has read its greeting.
std::unique_ptr<WsClient> connect_ws(std::uint16_t port) {
  auto ws = std::make_unique<WsClient>(port);
  auto hello = ws->next(kDeadline);
  EXPECT_TRUE(hello && type_of(*hello) == "connected") << "first message: " << (hello ? hello->dump() : "none");
  return ws;
}

TEST_F(SessionControl, PauseAndResumeOverRestAreBroadcast) {
  ASSERT_NO_FATAL_FAILURE(ensure_state(port(), "running"));
  auto ws = connect_ws(port());

  auto paused = expect_json_response(http_post(port(), "/api/trading/pause"), 200, "POST pause");
  expect_trading_status(paused, "POST pause");
  EXPECT_EQ(paused.value("state", ""), "paused");
  EXPECT_EQ(paused.value("is_paused", false), true);
  expect_broadcast(*ws, "tradingPaused", "paused", "ws");
  EXPECT_EQ(session_state(port()), "paused");

  auto resumed = expect_json_response(http_post(port(), "/api/trading/resume"), 200, "POST resume");
  expect_trading_status(resumed, "POST resume");
  EXPECT_EQ(resumed.value("state", ""), "running");
  expect_broadcast(*ws, "tradingResumed", "running", "ws");
  EXPECT_EQ(session_state(port()), "running");
}

TEST_F(SessionControl, StopAndStartOverRestAreBroadcast) {
  ASSERT_NO_FATAL_FAILURE(ensure_state(port(), "running"));
  auto ws = connect_ws(port());

  auto stopped = expect_json_response(http_post(port(), "/api/trading/stop"), 200, "POST stop");
  expect_trading_status(stopped, "POST stop");
  EXPECT_EQ(stopped.value("state", ""), "stopped");
  expect_broadcast(*ws, "tradingStopped", "stopped", "ws");

  // start takes an optional body: a partial strategy and the symbols to trade.
  auto started = expect_json_response(
      http_post(port(), "/api/trading/start",
                R"({"strategy":{"fast_period":5,"slow_period":12},"symbols":["BTC-USD","ETH-USD"]})"),
      200, "POST start");
  expect_trading_status(started, "POST start");
  EXPECT_EQ(started.value("state", ""), "running");
  EXPECT_EQ(started["strategy"]["fast_period"], 5);
  EXPECT_EQ(started["strategy"]["slow_period"], 12);
  EXPECT_EQ(started["symbols"], json({"BTC-USD", "ETH-USD"}));
  expect_broadcast(*ws, "tradingStarted", "running", "ws");

  // And without a body.
  ASSERT_NO_FATAL_FAILURE(ensure_state(port(), "stopped"));
  auto again = expect_json_response(http_post(port(), "/api/trading/start"), 200, "POST start (no body)");
  EXPECT_EQ(again.value("state", ""), "running");
}

TEST_F(SessionControl, WrongTransitionsAre409InvalidState) {
  struct Case {
    const char* from;
    const char* command;
  };
  const Case cases[] = {{"running", "resume"}, {"running", "start"}, {"paused", "pause"},  {"paused", "start"},
                        {"stopped", "pause"},  {"stopped", "stop"},  {"stopped", "resume"}};
  for (const auto& c : cases) {
    const std::string what = std::string("POST ") + c.command + " while " + c.from;
    ASSERT_NO_FATAL_FAILURE(ensure_state(port(), c.from));
    expect_error(http_post(port(), std::string("/api/trading/") + c.command), 409, "invalid_state", what);
    EXPECT_EQ(session_state(port()), c.from) << "a refused " << what << " changed the state";
  }
  ASSERT_NO_FATAL_FAILURE(ensure_state(port(), "running"));
}

TEST_F(SessionControl, WsControlMessagesAreBroadcastToEveryClient) {
  ASSERT_NO_FATAL_FAILURE(ensure_state(port(), "running"));
  auto a = connect_ws(port());
  auto b = connect_ws(port());

  const std::pair<const char*, std::pair<const char*, const char*>> steps[] = {
      {"pause", {"tradingPaused", "paused"}},
      {"resume", {"tradingResumed", "running"}},
      {"stop", {"tradingStopped", "stopped"}},
      {"start", {"tradingStarted", "running"}}};
  for (const auto& [command, expected] : steps) {
    SCOPED_TRACE(command);
    a->send({{"type", command}});
    expect_broadcast(*a, expected.first, expected.second, "sender");
    expect_broadcast(*b, expected.first, expected.second, "other client");
    EXPECT_EQ(session_state(port()), expected.second);
  }

  // A wrong transition is answered with an error, to the sender.
  a->send({{"type", "resume"}});
  expect_ws_error(*a, "invalid_state", "resume while running");
  EXPECT_EQ(session_state(port()), "running");
}

// Seed 000's updateStrategy: the same command as PUT /api/trading/strategy.
TEST_F(SessionControl, WsUpdateStrategyReplacesTheSessionStrategy) {
  auto ws = connect_ws(port());
  ws->send({{"type", "updateStrategy"}, {"strategy", {{"class", "no_such_class"}}}});
  ASSERT_NO_FATAL_FAILURE(expect_ws_error(*ws, "invalid_field", "updateStrategy with an unknown class"));
  EXPECT_EQ(http_get(port(), "/api/trading/status").json().at("strategy").value("class", ""), "sma_crossover");

  ws->send({{"type", "updateStrategy"}, {"strategy", {{"class", "rsi_mean_reversion"}, {"rsi_period", 10}}}});
  ASSERT_TRUE(poll_until(
      [&] {
        return http_get(port(), "/api/trading/status").json().at("strategy").value("class", "") == "rsi_mean_reversion";
      },
      kDeadline))
      << http_get(port(), "/api/trading/status").body;
  EXPECT_EQ(http_get(port(), "/api/trading/status").json().at("strategy").value("rsi_period", 0), 10);
  // Back to the suite's strategy over REST, the other way in.
  auto back = send_json(port(), "PUT", "/api/trading/strategy", {{"class", "sma_crossover"}});
  EXPECT_EQ(back.status, 200) << back.body;
}

TEST_F(SessionControl, WsGetStatusGetsAStatusReply) {
  auto ws = connect_ws(port());
  ws->send({{"type", "getStatus"}});
  auto msg = ws->next_of_type("status", kDeadline);
  ASSERT_TRUE(msg) << "no status reply to getStatus";
  expect_fields(*msg, "status", {{"ts", {K::integer}}, {"data", {K::object}}});
  expect_trading_status(msg->at("data"), "status.data");
  EXPECT_EQ(msg->at("data").value("state", ""), session_state(port()));
}

TEST_F(SessionControl, WsUnknownOrMalformedMessagesGetAnError) {
  auto ws = connect_ws(port());
  ws->send({{"type", "bogus"}});
  expect_ws_error(*ws, "", R"({"type":"bogus"})");
  ws->send_text("this is not JSON");
  expect_ws_error(*ws, "", "a text that is not JSON");
  ws->send({{"no_type", 1}});
  expect_ws_error(*ws, "", "an object without type");
  ws->send({{"type", 42}});
  expect_ws_error(*ws, "", "a numeric type");

  // The connection is still usable.
  ws->send({{"type", "getStatus"}});
  EXPECT_TRUE(ws->next_of_type("status", kDeadline)) << "no status reply after the errors";
}

}  // namespace
}  // namespace meridian::e2e
