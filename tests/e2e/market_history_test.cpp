// Candles in every timeframe: /api/market/history/{symbol} and /ws/history/{symbol} (aligned,
// oldest first, the forming bar last, limit and start/end honoured, 400/404/422 for bad
// input), higher-timeframe bars journaled to market_data, and the WebSocket streams: `bar`
// on /ws and seed 003's `candle`/`candle_15m` on /ws/stream/{symbol}. The daemon's market
// clock runs 500x (a 1m bar every ~120 ms, a 15m bar every ~2 s).
#include <set>
#include <string>

#include "fixture.hpp"
#include "support/ws_client.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;
using K = Kind;

class MarketHistory : public SharedDaemonTest<MarketHistory> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.autostart = false;  // candles only; no trading needed
    return o;
  }
};

struct TimeframeCase {
  const char* name;
  long long period_ms;
};
constexpr TimeframeCase kTimeframes[] = {{"1m", 60'000},    {"5m", 300'000},    {"15m", 900'000},
                                         {"1h", 3'600'000}, {"4h", 14'400'000}, {"1d", 86'400'000}};

json history(std::uint16_t port, const std::string& query, const char* route = "/api/market/history/BTC-USD") {
  return get_json(port, std::string(route) + query);
}

void expect_page_shape(const json& body, const std::string& where) {
  expect_fields(body, where,
                {{"symbol", {K::string}},
                 {"timeframe", {K::string}},
                 {"items", {K::array}},
                 {"partial", {K::object, K::null}},
                 {"next", {K::integer, K::null}}});
}

// Oldest first, open times aligned to the period, OHLC consistent; the forming bar (if any)
// is the last item.
void expect_candles(const json& body, long long period_ms, const std::string& where) {
  const auto& items = body.at("items");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto at = where + ".items[" + std::to_string(i) + "]";
    expect_candle(items[i], at);
    const auto ts = items[i].at("ts").get<long long>();
    EXPECT_EQ(ts % period_ms, 0) << at << ": open time not aligned to the timeframe";
    if (i > 0) {
      EXPECT_LT(items[i - 1]["ts"].get<long long>(), ts) << at << ": not oldest first";
    }
    const auto& c = items[i];
    EXPECT_GE(c["high"].get<double>(), std::max(c["open"].get<double>(), c["close"].get<double>())) << at;
    EXPECT_LE(c["low"].get<double>(), std::min(c["open"].get<double>(), c["close"].get<double>())) << at;
  }
  if (body["partial"].is_object()) {
    expect_candle(body["partial"], where + ".partial");
    ASSERT_FALSE(items.empty());
    EXPECT_EQ(items.back()["ts"], body["partial"]["ts"]) << where << ": the forming bar is not the last item";
  }
}

TEST_F(MarketHistory, EveryTimeframeIsAlignedAndOldestFirst) {
  // The generated history is in before the daemon listens; the open minute needs a live tick.
  ASSERT_TRUE(
      poll_until([&] { return get_json(port(), "/api/market/BTC-USD?limit=1")["partial"].is_object(); }, kDeadline))
      << "no forming 1m bar";
  for (const auto& tf : kTimeframes) {
    const std::string where = std::string("history ") + tf.name;
    auto body = history(port(), std::string("?limit=5000&timeframe=") + tf.name);
    ASSERT_TRUE(body.is_object()) << where;
    expect_page_shape(body, where);
    EXPECT_EQ(body["symbol"], "BTC-USD");
    EXPECT_EQ(body["timeframe"], tf.name);
    // Every timeframe has at least its forming bar (the generated history is 120 minutes).
    EXPECT_FALSE(body["items"].empty()) << where;
    EXPECT_TRUE(body["partial"].is_object()) << where;
    expect_candles(body, tf.period_ms, where);
  }
  // Closed 5m and 15m bars exist from the generated history on.
  EXPECT_GE(history(port(), "?timeframe=5m")["items"].size(), 10u);
  EXPECT_GE(history(port(), "?timeframe=15m")["items"].size(), 3u);
}

// Seed 002's price route: last trade, bid/ask and time; 404 for an unknown symbol.
TEST_F(MarketHistory, PriceRouteGivesTheLastQuote) {
  json quote;
  ASSERT_TRUE(poll_until(
      [&] {
        auto res = http_get(port(), "/api/market/price/btc-usd");
        if (res.status != 200) return false;
        quote = res.json();
        return true;
      },
      kDeadline))
      << "no price for BTC-USD";
  expect_fields(quote, "price",
                {{"symbol", {K::string}},
                 {"price", {K::number}},
                 {"bid", {K::number}},
                 {"ask", {K::number}},
                 {"time", {K::string}},
                 {"ts", {K::integer}}});
  EXPECT_EQ(quote.value("symbol", ""), "BTC-USD");
  EXPECT_LE(quote.value("bid", 0.0), quote.value("price", 0.0));
  EXPECT_GE(quote.value("ask", 0.0), quote.value("price", 0.0));
  const auto unknown = http_get(port(), "/api/market/price/NOPE");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json().at("error").value("code", ""), "unknown_symbol") << unknown.body;
}

// The regime route reads the classifier over the in-memory 1m bars (120 of history plus the
// live ones here): a regime with its inputs once the windows fill; aliases resolve; bad input
// is 404/400 naming what is wrong.
TEST_F(MarketHistory, RegimeRouteNamesTheRegimeAndItsInputs) {
  json body;
  ASSERT_TRUE(poll_until(
      [&] {
        body = get_json(port(), "/api/market/regime/btcusdt");
        return body.value("regime", "") != "unknown";
      },
      kDeadline))
      << "no regime for BTC-USD: " << body.dump();
  expect_fields(body, "regime",
                {{"symbol", {K::string}},
                 {"timeframe", {K::string}},
                 {"regime", {K::string}},
                 {"confidence", {K::number}},
                 {"inputs", {K::object}},
                 {"bars", {K::integer}},
                 {"as_of", {K::string}}});
  EXPECT_EQ(body.value("symbol", ""), "BTC-USD");
  EXPECT_EQ(body.value("timeframe", ""), "1m");
  const std::set<std::string> regimes{"trending_up", "trending_down", "ranging", "volatile"};
  EXPECT_TRUE(regimes.count(body.value("regime", ""))) << body.dump();
  EXPECT_GE(body.value("confidence", -1.0), 0.0);
  EXPECT_LE(body.value("confidence", 2.0), 1.0);
  for (const char* input :
       {"adx", "efficiency_ratio", "atr_percentile", "volatility_percentile", "bollinger_width_percentile"})
    EXPECT_TRUE(body["inputs"][input].is_number()) << input << ": " << body.dump();
  EXPECT_GE(body.value("bars", 0), 100);

  EXPECT_EQ(http_get(port(), "/api/market/regime/NOPE").status, 404);
  const auto bad = http_get(port(), "/api/market/regime/BTC-USD?timeframe=7m");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["details"].value("field", ""), "timeframe") << bad.body;
  // A timeframe with too few bars for the windows says so instead of guessing.
  EXPECT_EQ(get_json(port(), "/api/market/regime/BTC-USD?timeframe=1d").value("regime", ""), "unknown");
}

// The engine status carries every symbol's regime, followed live from the 1m bar closes: the
// same reading the route gives at the same bar.
TEST_F(MarketHistory, EngineStatusCarriesTheRegimeTheRouteGivesAtTheSameBar) {
  json status, route;
  ASSERT_TRUE(poll_until(
      [&] {
        status = get_json(port(), "/api/engine/status");
        route = get_json(port(), "/api/market/regime/BTC-USD");
        return status.contains("regime") && status["regime"].contains("BTC-USD") &&
               status["regime"]["BTC-USD"]["as_of"] == route["as_of"];
      },
      kDeadline))
      << "status: " << status.value("regime", json()).dump() << "\nroute: " << route.dump();
  const auto& followed = status["regime"]["BTC-USD"];
  EXPECT_EQ(followed["regime"], route["regime"]) << followed.dump() << " vs " << route.dump();
  // The route replays the bars still in memory; the tracker has followed every one since its
  // start, so it may count more and its smoothed inputs may differ in the last digits.
  EXPECT_GE(followed.value("bars", 0), route.value("bars", 1));
  EXPECT_NEAR(followed.value("confidence", -1.0), route.value("confidence", -2.0), 1e-9);
  for (const auto& [name, value] : route["inputs"].items())
    EXPECT_NEAR(followed["inputs"].value(name, -1.0), value.get<double>(), 1e-9) << name;
}

TEST_F(MarketHistory, DefaultsAre15mAnd400AndBothRoutesAnswer) {
  auto api = history(port(), "");
  auto ws = history(port(), "", "/ws/history/BTC-USD");
  for (const auto* body : {&api, &ws}) {
    ASSERT_TRUE(body->is_object());
    expect_page_shape(*body, "history default");
    EXPECT_EQ((*body)["timeframe"], "15m");
    EXPECT_LE((*body)["items"].size(), 400u);
    expect_candles(*body, 900'000, "history default");
  }
  // The same closed bars from both routes (the forming one may have moved on in between).
  const auto& a = api["items"];
  const auto& b = ws["items"];
  ASSERT_GE(a.size(), 2u);
  ASSERT_GE(b.size(), 2u);
  EXPECT_EQ(a[0], b[0]);
  // /api/market/{symbol} keeps 1m and leaves the forming bar out of the items.
  auto market = get_json(port(), "/api/market/BTC-USD?timeframe=5m&limit=3");
  ASSERT_TRUE(market.is_object());
  EXPECT_EQ(market["timeframe"], "5m");
  EXPECT_EQ(market["items"].size(), 3u);
  expect_candle(market["partial"], "market.partial");
  EXPECT_LT(market["items"].back()["ts"].get<long long>(), market["partial"]["ts"].get<long long>());
}

TEST_F(MarketHistory, LimitAndStartEndWindow) {
  // limit counts the forming bar, which comes last.
  auto three = history(port(), "?timeframe=1m&limit=3");
  ASSERT_TRUE(three.is_object());
  ASSERT_EQ(three["items"].size(), 3u);
  EXPECT_EQ(three["items"][2]["ts"], three["partial"]["ts"]);
  EXPECT_TRUE(three["next"].is_number_integer()) << "older bars exist: next is a cursor";

  auto all = history(port(), "?timeframe=1m&limit=5000");
  ASSERT_TRUE(all.is_object());
  const auto& items = all["items"];
  ASSERT_GE(items.size(), 30u);
  // Closed bars 10..20: start as ISO-8601, end as epoch ms, both inclusive.
  const auto from = items[10]["time"].get<std::string>();
  const auto to = items[20]["ts"].get<long long>();
  auto window = history(port(), "?timeframe=1m&start=" + from + "&end=" + std::to_string(to));
  ASSERT_TRUE(window.is_object());
  ASSERT_EQ(window["items"].size(), 11u) << window.dump();
  EXPECT_EQ(window["items"][0], items[10]);
  EXPECT_EQ(window["items"][10], items[20]);
  EXPECT_TRUE(window["partial"].is_null()) << "the forming bar is after the window";
  EXPECT_TRUE(window["next"].is_null());

  // Paging forward from start: the cursor is the next page's start.
  auto page = history(port(), "?timeframe=1m&limit=4&start=" + std::to_string(items[10]["ts"].get<long long>()));
  ASSERT_TRUE(page.is_object());
  ASSERT_EQ(page["items"].size(), 4u);
  EXPECT_EQ(page["items"][0], items[10]);
  EXPECT_EQ(page["next"], items[14]["ts"]);
  // Paging back from end: the cursor is the next page's end.
  auto back = history(port(), "?timeframe=1m&limit=4&end=" + std::to_string(to));
  ASSERT_TRUE(back.is_object());
  ASSERT_EQ(back["items"].size(), 4u);
  EXPECT_EQ(back["items"][3], items[20]);
  EXPECT_EQ(back["next"], items[16]["ts"]);
}

TEST_F(MarketHistory, BadInputIs400404Or422NamingTheField) {
  const std::pair<const char*, const char*> bad[] = {{"?timeframe=2m", "timeframe"},  {"?timeframe=", "timeframe"},
                                                     {"?timeframe=15M", "timeframe"}, {"?limit=0", "limit"},
                                                     {"?limit=5001", "limit"},        {"?limit=abc", "limit"},
                                                     {"?start=yesterday", "start"},   {"?end=not-a-time", "end"}};
  const std::pair<const char*, const char*> routes[] = {{"/api/market/history/BTC-USD", "/api/market/history/NOPE"},
                                                        {"/ws/history/BTC-USD", "/ws/history/NOPE"}};
  for (const auto& [route, nope] : routes) {
    for (const auto& [query, field] : bad) {
      const std::string target = std::string(route) + query;
      auto body = expect_error(http_get(port(), target), 400, "invalid_parameter", "GET " + target);
      if (body.is_object()) {
        EXPECT_EQ(body["error"]["details"]["field"], field) << target;
      }
    }
    auto unknown = expect_error(http_get(port(), nope), 404, "unknown_symbol", std::string("GET ") + nope);
    if (unknown.is_object()) {
      EXPECT_EQ(unknown["error"]["details"]["field"], "symbol");
    }
    const std::string reversed = std::string(route) + "?start=1700000060000&end=1700000000000";
    auto range = expect_error(http_get(port(), reversed), 422, "invalid_range", "GET " + reversed);
    if (range.is_object()) {
      EXPECT_EQ(range["error"]["details"]["field"], "start");
    }
  }
  auto tf = expect_error(http_get(port(), "/api/market/BTC-USD?timeframe=1w"), 400, "invalid_parameter",
                         "GET /api/market/BTC-USD?timeframe=1w");
  if (tf.is_object()) {
    EXPECT_EQ(tf["error"]["details"]["allowed"].size(), 6u);
  }
}

TEST_F(MarketHistory, HigherTimeframesAreJournaledAligned) {
  // Bars of 5m and 15m reach market_data with their timeframe, aligned, next to the 1m ones.
  long long m15 = 0;
  ASSERT_TRUE(poll_until(
      [&] {
        m15 = db().query("SELECT count(*) FROM market_data WHERE timeframe = '15m'")[0][0].as<long long>();
        return m15 >= 2;
      },
      kDeadline))
      << "no 15m bars in market_data";
  const auto misaligned = db().query(
      "SELECT count(*) FROM market_data WHERE "
      "(timeframe = '5m' AND extract(epoch FROM open_time)::bigint % 300 <> 0) OR "
      "(timeframe = '15m' AND extract(epoch FROM open_time)::bigint % 900 <> 0) OR "
      "(timeframe = '1h' AND extract(epoch FROM open_time)::bigint % 3600 <> 0)");
  EXPECT_EQ(misaligned[0][0].as<long long>(), 0);
  // A 15m row sums the volume of its 1m rows, exactly.
  const auto sums = db().query(
      "SELECT q.open_time, q.volume::text, (SELECT sum(m.volume) FROM market_data m WHERE m.symbol = q.symbol AND "
      "m.timeframe = '1m' AND m.open_time >= q.open_time AND m.open_time < q.open_time + interval '15 minutes')::text "
      "FROM market_data q WHERE q.timeframe = '15m' AND q.symbol = 'BTC-USD' ORDER BY q.open_time LIMIT 3");
  ASSERT_FALSE(sums.empty());
  for (const auto& row : sums) EXPECT_EQ(row[1].as<std::string>(), row[2].as<std::string>()) << row[0].c_str();
}

TEST_F(MarketHistory, StreamSendsSeed003Candles) {
  WsClient ws(port(), "/ws/stream/BTC-USD");
  auto hello = ws.next(kDeadline);
  ASSERT_TRUE(hello) << "no greeting (closed: " << ws.close_error() << ")";
  EXPECT_EQ(type_of(*hello), "connected");
  EXPECT_EQ(hello->value("symbol", ""), "BTC-USD");

  const auto expect_stream_candle = [](const json& m, const char* tf, long long period_ms) {
    const auto where = type_of(m);
    expect_candle(m, where);
    expect_fields(m, where, {{"symbol", {K::string}}, {"timeframe", {K::string}}, {"closed", {K::boolean}}});
    EXPECT_EQ(m.value("symbol", ""), "BTC-USD") << m.dump();
    EXPECT_EQ(m.value("timeframe", ""), tf) << m.dump();
    if (m.contains("ts") && m["ts"].is_number_integer()) {
      EXPECT_EQ(m["ts"].get<long long>() % period_ms, 0);
    }
  };
  auto forming =
      ws.next_matching([](const json& m) { return type_of(m) == "candle" && !m.value("closed", true); }, kDeadline);
  ASSERT_TRUE(forming) << "no forming 1m candle";
  expect_stream_candle(*forming, "1m", 60'000);
  // A whole 15m bar closes every ~2 s of wall time.
  auto closed =
      ws.next_matching([](const json& m) { return type_of(m) == "candle_15m" && m.value("closed", false); }, kDeadline);
  ASSERT_TRUE(closed) << "no closed candle_15m";
  expect_stream_candle(*closed, "15m", 900'000);
  // It is the same bar the history now holds.
  auto body = history(port(), "?timeframe=15m&end=" + std::to_string((*closed)["ts"].get<long long>()));
  ASSERT_TRUE(body.is_object());
  ASSERT_FALSE(body["items"].empty());
  const auto& last = body["items"].back();
  EXPECT_EQ(last["ts"], (*closed)["ts"]);
  EXPECT_EQ(last["close"], (*closed)["close"]);
  EXPECT_EQ(last["volume"], (*closed)["volume"]);
  // Only this symbol's candles and no /ws-only messages.
  for (int i = 0; i < 20; ++i) {
    auto m = ws.next(kDeadline);
    ASSERT_TRUE(m);
    EXPECT_NE(type_of(*m), "priceUpdate");
    if (m->contains("symbol")) {
      EXPECT_EQ(m->value("symbol", ""), "BTC-USD") << m->dump();
    }
  }

  EXPECT_THROW(WsClient(port(), "/ws/stream/NOPE"), std::runtime_error) << "an unknown symbol has no stream";
}

TEST_F(MarketHistory, MainSocketSendsClosedBarsOfEveryTimeframe) {
  WsClient ws(port());
  auto bar = ws.next_matching(
      [](const json& m) {
        return type_of(m) == "bar" && m.contains("data") && m["data"].value("timeframe", "") == "5m";
      },
      kDeadline);
  ASSERT_TRUE(bar) << "no 5m bar message on /ws";
  expect_fields(*bar, "bar", {{"ts", {K::integer}}, {"data", {K::object}}});
  const auto& data = bar->at("data");
  expect_candle(data, "bar.data");
  EXPECT_EQ(data.value("closed", false), true);
  EXPECT_EQ(data["ts"].get<long long>() % 300'000, 0);
  // Subscribing filters bars, and opts in to candle updates.
  ws.send({{"type", "subscribe"}, {"symbols", {"ETH-USD"}}});
  ASSERT_TRUE(ws.next_of_type("subscribed", kDeadline));
  auto candle = ws.next_of_type("candle", kDeadline);
  ASSERT_TRUE(candle) << "no candle update after subscribing";
  EXPECT_EQ(candle->value("symbol", ""), "ETH-USD");
  for (int i = 0; i < 20; ++i) {
    auto m = ws.next_matching([](const json& x) { return type_of(x) == "bar"; }, kDeadline);
    ASSERT_TRUE(m) << "no bar for the subscribed symbol";
    EXPECT_EQ(m->at("data").value("symbol", ""), "ETH-USD") << m->dump();
  }
}

}  // namespace
}  // namespace meridian::e2e
