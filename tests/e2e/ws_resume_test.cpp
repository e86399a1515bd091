// /ws sequence numbers and resume (issue 18 item 2, docs/api-shapes.md "Sequence numbers and
// resume"): a client away for two seconds while trades happen gets every one it missed, in
// order with consecutive seq; one that missed more than the ring holds gets a `snapshot`, then
// deltas; subscribing sends a snapshot first; and many clients dropping at once leave no
// session behind (the /metrics gauge returns to 0).
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include "fixture.hpp"
#include "support/ws_client.hpp"
#include "trading_api.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

constexpr const char* kSymbol = "BTC-USD";

// One trade row per call (POST /api/trades: a trade recorded by hand, never split in fills).
long long record_trade(std::uint16_t port, const char* side) {
  auto res = send_json(port, "POST", "/api/trades",
                       {{"symbol", kSymbol},
                        {"side", side},
                        {"quantity", 0.001},
                        {"price", last_price(port, kSymbol)},
                        {"force", true},
                        {"reason", "e2e: ws resume"}});
  auto body = expect_json_response(res, 201, "POST /api/trades");
  return body.value("id", 0LL);
}

// The trade messages of `ws` until `count` arrived (nullopt-safe: fewer at the deadline).
std::vector<json> trades(WsClient& ws, std::size_t count) {
  std::vector<json> out;
  while (out.size() < count) {
    auto m = ws.next_of_type("trade", kDeadline);
    if (!m) break;
    out.push_back(*m);
  }
  return out;
}

// The hub's seq of `topic` now (a resume from 0 answers with it).
std::uint64_t topic_seq(std::uint16_t port, const std::string& topic) {
  WsClient ws(port);
  ws.send({{"type", "resume"}, {"since", {{topic, 0}}}});
  auto resumed = ws.next_of_type("resumed", kDeadline);
  return resumed ? resumed->at("topics").value(topic, 0ULL) : 0;
}

// The hub stamps a trade once the journal made it durable: waits until it has `seq`.
bool await_seq(std::uint16_t port, const std::string& topic, std::uint64_t seq) {
  return poll_until([&] { return topic_seq(port, topic) >= seq; }, kDeadline);
}

double metric(std::uint16_t port, const std::string& name) {
  std::istringstream text(http_get(port, "/metrics").body);
  std::string line;
  while (std::getline(text, line))
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  ADD_FAILURE() << name << " is not in /metrics";
  return -1;
}

class WsResume : public SharedDaemonTest<WsResume> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.autostart = false;  // the only trades are the test's
    return o;
  }
};

TEST_F(WsResume, AClientAwayTwoSecondsGetsEveryMissedTradeInOrderWithConsecutiveSeq) {
  const auto topic = "trades:" + std::to_string(portfolio_id(port()));
  std::uint64_t seen = 0;
  {
    WsClient ws(port());
    record_trade(port(), "buy");
    auto first = trades(ws, 1);
    ASSERT_EQ(first.size(), 1u) << "no trade message";
    ASSERT_EQ(first[0].value("topic", ""), topic) << first[0].dump();
    ASSERT_TRUE(first[0].contains("seq") && first[0]["seq"].is_number_unsigned()) << first[0].dump();
    seen = first[0]["seq"].get<std::uint64_t>();
  }  // disconnected
  std::vector<long long> missed;
  for (int i = 0; i < 5; ++i) {
    missed.push_back(record_trade(port(), i % 2 ? "buy" : "sell"));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
  }
  ASSERT_TRUE(await_seq(port(), topic, seen + missed.size()));
  // Both ways to resume: the URL, and a message (with the bare name: the default portfolio's).
  for (int way = 0; way < 2; ++way) {
    SCOPED_TRACE(way == 0 ? "?resume=" : "{\"type\":\"resume\"}");
    std::unique_ptr<WsClient> ws;
    if (way == 0) {
      ws = std::make_unique<WsClient>(port(), "/ws?resume=" + topic + ":" + std::to_string(seen));
    } else {
      ws = std::make_unique<WsClient>(port());
      ws->send({{"type", "resume"}, {"since", {{"trades", seen}}}});
    }
    auto got = trades(*ws, missed.size());
    ASSERT_EQ(got.size(), missed.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].value("topic", ""), topic);
      EXPECT_EQ(got[i].value("seq", 0ULL), seen + 1 + i) << "seq not consecutive at " << i << ": " << got[i].dump();
      EXPECT_EQ(got[i]["data"].value("id", 0LL), missed[i]) << "trade " << i << " out of order";
    }
    auto resumed = ws->next_of_type("resumed", kDeadline);
    ASSERT_TRUE(resumed) << "no `resumed` after the replay";
    EXPECT_EQ(resumed->at("topics").value(topic, 0ULL), seen + missed.size()) << resumed->dump();
  }
  seen += missed.size();
  // Live again after the replay: the next trade is the next seq.
  WsClient ws(port(), "/ws?resume=" + topic + ":" + std::to_string(seen));
  ASSERT_TRUE(ws.next_of_type("resumed", kDeadline));
  const auto id = record_trade(port(), "buy");  // the buys and sells above left the position flat
  auto live = trades(ws, 1);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].value("seq", 0ULL), seen + 1);
  EXPECT_EQ(live[0]["data"].value("id", 0LL), id);
}

TEST_F(WsResume, SubscribingSendsTheSymbolsSnapshotThenItsDeltas) {
  WsClient ws(port());
  ws.send({{"type", "subscribe"}, {"symbols", {"ETH-USD"}}});
  ASSERT_TRUE(ws.next_of_type("subscribed", kDeadline));
  auto snap = ws.next_matching([](const json& m) { return type_of(m) == "snapshot" || type_of(m) == "priceUpdate"; },
                               kDeadline);
  ASSERT_TRUE(snap);
  ASSERT_EQ(type_of(*snap), "snapshot") << "a delta came before the snapshot: " << snap->dump();
  EXPECT_EQ(snap->value("topic", ""), "prices:ETH-USD");
  ASSERT_TRUE(snap->at("data").is_object()) << snap->dump();
  EXPECT_EQ(snap->at("data").value("symbol", ""), "ETH-USD");
  const auto base = snap->value("seq", 0ULL);
  for (int i = 0; i < 3; ++i) {
    auto price = ws.next_of_type("priceUpdate", kDeadline);
    ASSERT_TRUE(price);
    EXPECT_EQ(price->value("topic", ""), "prices:ETH-USD");
    EXPECT_GT(price->value("seq", 0ULL), base) << "a delta at or before the snapshot's seq";
  }
}

TEST_F(WsResume, AnUnknownTopicIsAnError) {
  WsClient ws(port());
  ws.send({{"type", "resume"}, {"since", {{"nope:1", 3}}}});
  auto err = ws.next_of_type("error", kDeadline);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->at("error").value("code", ""), "unknown_topic") << err->dump();
}

TEST_F(WsResume, ManyClientsConnectingAndDroppingAtOnceLeaveNoSession) {
  constexpr int kClients = 300;  // the test process's descriptors are the limit under ASan
  {
    std::vector<std::unique_ptr<WsClient>> clients;
    for (int i = 0; i < kClients; ++i) clients.push_back(std::make_unique<WsClient>(port()));
    EXPECT_TRUE(poll_until([&] { return metric(port(), "meridian_ws_clients") >= kClients; }, kDeadline))
        << metric(port(), "meridian_ws_clients");
  }  // all dropped at once
  EXPECT_TRUE(poll_until([&] { return metric(port(), "meridian_ws_clients") == 0; }, kDeadline))
      << metric(port(), "meridian_ws_clients") << " sessions left";
}

// A ring of 2: a client that missed more gets the topic's state, then live deltas.
class WsResumeSmallRing : public SharedDaemonTest<WsResumeSmallRing> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.autostart = false;
    o.extra_args = {"--ws-replay", "2"};
    return o;
  }
};

TEST_F(WsResumeSmallRing, AResumePastTheRingGetsASnapshotThenDeltas) {
  const auto topic = "trades:" + std::to_string(portfolio_id(port()));
  std::uint64_t seen = 0;
  {
    WsClient ws(port());
    record_trade(port(), "buy");
    auto first = trades(ws, 1);
    ASSERT_EQ(first.size(), 1u);
    seen = first[0].value("seq", 0ULL);
  }
  long long newest = 0;
  for (int i = 0; i < 4; ++i) newest = record_trade(port(), i % 2 ? "buy" : "sell");
  ASSERT_TRUE(await_seq(port(), topic, seen + 4));

  WsClient ws(port(), "/ws?resume=" + topic + ":" + std::to_string(seen));
  auto snap =
      ws.next_matching([](const json& m) { return type_of(m) == "snapshot" || type_of(m) == "trade"; }, kDeadline);
  ASSERT_TRUE(snap);
  ASSERT_EQ(type_of(*snap), "snapshot") << "missed trades replayed from a ring of 2?: " << snap->dump();
  EXPECT_EQ(snap->value("topic", ""), topic);
  EXPECT_EQ(snap->value("seq", 0ULL), seen + 4);
  const auto& listed = snap->at("data").at("trades");
  ASSERT_TRUE(listed.is_array() && !listed.empty()) << snap->dump();
  EXPECT_EQ(listed.back().value("id", 0LL), newest) << "the snapshot lacks the newest trade";
  ASSERT_TRUE(ws.next_of_type("resumed", kDeadline));
  const auto id = record_trade(port(), "buy");  // the buys and sells above left the position flat
  auto live = trades(ws, 1);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].value("seq", 0ULL), seen + 5) << "the delta after the snapshot";
  EXPECT_EQ(live[0]["data"].value("id", 0LL), id);
}

}  // namespace
}  // namespace meridian::e2e
