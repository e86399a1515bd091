// The Binance feed against a fake Binance over loopback TLS: kline frames become ticks carrying
// volume deltas (repeats deliver nothing, older updates are dropped and counted), bad frames
// are counted and the stream goes on, a server close is followed by a reconnect and a REST
// backfill of exactly the missed bars (also through a 429 with Retry-After), a subscription
// change reconnects with the new stream list, and an untrusted certificate never connects.
#include "meridian/market/venues/binance/feed.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>

#include "client_rig.hpp"
#include "fake_venue.hpp"
#include "meridian/market/off_strand_feed.hpp"

using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::Timestamp;
using meridian::market::venue::BinanceConfig;
using meridian::market::venue::BinanceFeed;
using namespace venue_test;
using namespace std::chrono;

namespace {

constexpr meridian::core::SymbolId kBtc = 0;
constexpr meridian::core::SymbolId kEth = 1;

std::int64_t ms(Timestamp t) {
  return meridian::core::epoch_ms(t);
}

// A combined-stream kline update of BTCUSDT for the bar opening at `open`.
std::string kline(Timestamp open, const std::string& close, const std::string& volume, bool closed,
                  const std::string& symbol = "BTCUSDT") {
  std::string lower = symbol;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto t = ms(open);
  return R"({"stream":")" + lower + R"(@kline_1m","data":{"e":"kline","E":)" + std::to_string(t + 1000) + R"(,"s":")" +
         symbol + R"(","k":{"t":)" + std::to_string(t) + R"(,"T":)" + std::to_string(t + 59'999) + R"(,"s":")" +
         symbol + R"(","i":"1m","o":"100.00","c":")" + close + R"(","h":"110.00","l":"90.00","v":")" + volume +
         R"(","n":7,"x":)" + (closed ? "true" : "false") + "}}}";
}

// A REST klines row of a closed bar.
std::string row(Timestamp open, const std::string& close, const std::string& volume) {
  const auto t = ms(open);
  return "[" + std::to_string(t) + R"(,"100.00","110.00","90.00",")" + close + R"(",")" + volume + R"(",)" +
         std::to_string(t + 59'999) + R"(,"1000.0",5,"0","0","0"])";
}

std::string ws_base(const FakeWssVenue& venue) {
  auto url = venue.url();
  return url.substr(0, url.size() - std::string("/stream").size());
}

BinanceConfig config_for(const FakeWssVenue& ws, const FakeHttpsVenue* rest) {
  std::vector<meridian::core::Instrument> list(2);
  list[0].symbol = "BTC-USDT";
  list[1].symbol = "ETH-USDT";
  BinanceConfig c;
  c.instruments = std::make_shared<meridian::core::InstrumentTable>(std::move(list));
  c.ws_base = ws_base(ws);
  c.rest_base = rest ? rest->url() : "https://127.0.0.1:9";
  c.backfill = minutes(0);
  c.tls.ca_file = test_cert_path();
  c.timeouts = {milliseconds(2000), milliseconds(2000), milliseconds(2000)};
  c.connect_timeout = milliseconds(2000);
  c.idle_timeout = seconds(10);
  c.backoff = {milliseconds(5), milliseconds(50), 2.0, 0.2};
  return c;
}

Reply ok(std::string body) {
  return {200, std::move(body), {}, false};
}

// Stops the feed on its strand (as the engine does) before the sink goes away, also when an
// assertion leaves the test early: once that returns no handler can reach the sink.
struct StopOnExit {
  ClientRig& rig;
  BinanceFeed& feed;
  ~StopOnExit() {
    rig.on_strand([this] { feed.stop(); });
  }
};

Quantity sum_volume(const std::vector<meridian::core::Tick>& ticks, std::size_t from, std::size_t to) {
  Quantity v{};
  for (std::size_t i = from; i < to; ++i) v = v + ticks[i].volume;
  return v;
}

const Timestamp kMinute0 = meridian::core::from_epoch_ms(1'704'067'200'000);  // 2024-01-01T00:00Z

}  // namespace

TEST(BinanceFeed, KlineUpdatesBecomeTicksOnceAndInOrder) {
  const auto m1 = kMinute0 + minutes(1);
  FakeWssVenue ws([&](std::size_t) {
    return WsScript{{
                        kline(m1, "100.50", "1.0", false),
                        kline(m1, "100.50", "1.0", false),  // repeated: nothing new
                        kline(m1, "101.00", "1.5", false),
                        R"({"result":null,"id":1})",            // an ack is not an error
                        kline(kMinute0, "99.00", "9.0", true),  // an older bar: dropped
                        kline(m1, "101.00", "1.25", false),     // volume going back: dropped
                        kline(m1, "102.00", "2.5", true),
                        kline(m1, "102.00", "2.5", true),  // the close repeated
                        kline(m1 + minutes(1), "103.00", "0.25", false),
                    },
                    false};
  });
  ClientRig rig;
  RecordingSink sink;
  BinanceFeed feed(rig.strand, config_for(ws, nullptr));
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return sink.size() == 4; }, seconds(2)));
  const auto h = feed.health();
  rig.on_strand([&] { feed.stop(); });

  const auto ticks = sink.ticks();
  ASSERT_EQ(ticks.size(), 4u);
  EXPECT_EQ(ticks[0].volume, *Quantity::parse("1.0"));
  EXPECT_EQ(ticks[1].volume, *Quantity::parse("0.5"));
  EXPECT_EQ(ticks[2].volume, *Quantity::parse("1.0"));
  EXPECT_EQ(ticks[3].volume, *Quantity::parse("0.25"));
  EXPECT_EQ(ticks[0].last, *Price::parse("100.50"));
  EXPECT_EQ(ticks[0].bid, ticks[0].last);
  EXPECT_EQ(ticks[0].ask, ticks[0].last);
  EXPECT_EQ(ticks[2].last, *Price::parse("102.00"));
  EXPECT_EQ(ticks[3].ts, m1 + minutes(1) + seconds(1));  // the event time
  EXPECT_EQ(ticks[0].symbol, kBtc);
  EXPECT_TRUE(h.connected);
  EXPECT_EQ(h.ticks, 4u);
  EXPECT_EQ(h.bad_rows, 2u);  // the older bar and the shrinking volume
  EXPECT_EQ(h.errors, 0u);
  const auto targets = ws.targets();
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0], "/stream?streams=btcusdt@kline_1m/ethusdt@kline_1m");
}

TEST(BinanceFeed, MalformedTruncatedAndErrorFramesAreCountedAndTheStreamGoesOn) {
  const auto m1 = kMinute0 + minutes(1);
  FakeWssVenue ws([&](std::size_t) {
    return WsScript{{
                        kline(m1, "100.50", "1.0", false),
                        R"({"stream":"btcusdt@kline_1m","data":{"e":"kline","E":17)",  // truncated
                        "not json at all",
                        R"({"code":-1121,"msg":"Invalid symbol."})",
                        kline(m1, "100.50", "1.0", false, "XRPUSDT"),  // no such instrument
                        R"({"stream":"btcusdt@kline_1m","data":{"e":"kline","E":1,"k":{}}})",
                        kline(m1, "101.00", "2.0", false),
                    },
                    false};
  });
  ClientRig rig;
  RecordingSink sink;
  BinanceFeed feed(rig.strand, config_for(ws, nullptr));
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return sink.size() == 2; }, seconds(2)));
  const auto h = feed.health();
  rig.on_strand([&] { feed.stop(); });
  EXPECT_EQ(h.errors, 5u);
  EXPECT_TRUE(h.connected);  // bad frames do not drop the stream
  EXPECT_EQ(ws.connections(), 1u);
  EXPECT_EQ(sink.ticks()[1].last, *Price::parse("101.00"));
  EXPECT_EQ(sink.ticks()[1].volume, *Quantity::parse("1.0"));
}

namespace {

// Connection 0 sees the bar three minutes back half done, then the venue closes; connection 1
// opens with the bar one minute back: the two bars in between come from REST.
struct GapScenario {
  Timestamp now_minute = meridian::core::floor_to(meridian::core::now(), minutes(1));
  Timestamp first = now_minute - minutes(3);
  Timestamp resumed = now_minute - minutes(1);
  FakeWssVenue ws{[this](std::size_t n) {
    if (n == 0) return WsScript{{kline(first, "100.50", "1.0", false)}, true};
    return WsScript{{kline(resumed, "104.00", "0.5", false)}, false};
  }};
  std::string klines_body() const {
    return "[" + row(first, "101.00", "4.0") + "," + row(first + minutes(1), "102.00", "2.0") + "]";
  }
  // The live tick of the first bar, its rest (4 bar ticks), the next bar (4), the live tick.
  void check_ticks(const std::vector<meridian::core::Tick>& ticks) const {
    ASSERT_EQ(ticks.size(), 10u);
    EXPECT_EQ(ticks[0].volume, *Quantity::parse("1.0"));
    // The first bar's final volume is 4.0; 1.0 of it already went out live.
    EXPECT_EQ(sum_volume(ticks, 1, 5), *Quantity::parse("3.0"));
    EXPECT_EQ(ticks[4].last, *Price::parse("101.00"));
    for (std::size_t i = 1; i < 5; ++i) EXPECT_EQ(meridian::core::floor_to(ticks[i].ts, minutes(1)), first) << i;
    EXPECT_EQ(sum_volume(ticks, 5, 9), *Quantity::parse("2.0"));
    EXPECT_EQ(ticks[8].last, *Price::parse("102.00"));
    for (std::size_t i = 5; i < 9; ++i)
      EXPECT_EQ(meridian::core::floor_to(ticks[i].ts, minutes(1)), first + minutes(1)) << i;
    EXPECT_EQ(ticks[9].last, *Price::parse("104.00"));  // the live tick waited for the backfill
    EXPECT_EQ(ticks[9].ts, resumed + seconds(1));
  }
  std::string expected_range() const {
    return "symbol=BTCUSDT&interval=1m&startTime=" + std::to_string(ms(first)) +
           "&endTime=" + std::to_string(ms(resumed) - 1);
  }
};

}  // namespace

TEST(BinanceFeed, ServerCloseReconnectsAndBackfillsTheGapOverRest) {
  GapScenario s;
  FakeHttpsVenue rest([&](const std::string&) { return ok(s.klines_body()); });
  ClientRig rig;
  RecordingSink sink;
  BinanceFeed feed(rig.strand, config_for(s.ws, &rest));
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return sink.size() == 10; }, seconds(2)));
  const auto h = feed.health();
  rig.on_strand([&] { feed.stop(); });

  EXPECT_EQ(s.ws.connections(), 2u);
  EXPECT_TRUE(h.connected);
  EXPECT_EQ(h.errors, 1u);  // the lost connection
  const auto log = rest.requests();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].target.rfind("/api/v3/klines?", 0), 0u) << log[0].target;
  EXPECT_NE(log[0].target.find(s.expected_range()), std::string::npos) << log[0].target;
  s.check_ticks(sink.ticks());
}

// The app's shape: stream, REST backfill and parsing on the feed's own strand, the ticks
// handed to a separate engine strand in batches by OffStrandFeed; the same ten arrive, in order.
TEST(BinanceFeed, OffTheEngineStrandTheGapBackfillArrivesTheSameOnTheEngineStrand) {
  GapScenario s;
  FakeHttpsVenue rest([&](const std::string&) { return ok(s.klines_body()); });
  SplitRig rig;
  EngineStrandSink sink(rig);
  meridian::market::OffStrandFeed feed(rig.engine, rig.feed,
                                       std::make_unique<BinanceFeed>(rig.feed, config_for(s.ws, &rest)));
  rig.on_engine([&] { feed.start(sink); });
  ASSERT_TRUE(eventually([&] { return sink.size() == 10; }, seconds(2)));
  const auto h = feed.health();
  rig.on_engine([&] { feed.stop(); });

  EXPECT_EQ(s.ws.connections(), 2u);
  EXPECT_TRUE(h.connected);
  EXPECT_EQ(h.errors, 1u);
  EXPECT_EQ(h.ticks, 10u);
  EXPECT_EQ(h.dropped, 0u);
  s.check_ticks(sink.ticks());
  EXPECT_EQ(sink.off_engine.load(), 0);
  EXPECT_LE(sink.calls.load(), 3);  // the feed delivers 3 batches: a live tick, the 8 backfilled, a live tick
}

TEST(BinanceFeed, RateLimitedBackfillWaitsForRetryAfterThenResumes) {
  GapScenario s;
  auto n = std::make_shared<std::atomic<int>>(0);
  FakeHttpsVenue rest([&, n](const std::string&) -> Reply {
    if (n->fetch_add(1) == 0)
      return {429, R"({"code":-1003,"msg":"Too many requests"})", {{"Retry-After", "1"}}, false};
    return ok(s.klines_body());
  });
  ClientRig rig;
  RecordingSink sink;
  BinanceFeed feed(rig.strand, config_for(s.ws, &rest));
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return sink.size() == 10; }, seconds(3)));
  const auto h = feed.health();
  rig.on_strand([&] { feed.stop(); });

  const auto log = rest.requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].target, log[1].target);  // the same page asked again, once
  EXPECT_NE(log[1].target.find(s.expected_range()), std::string::npos) << log[1].target;
  // The server saw the retry no sooner than Retry-After allowed (a lower bound: cannot flake).
  EXPECT_GE(log[1].at - log[0].at, seconds(1));
  EXPECT_EQ(h.errors, 2u);      // the lost connection and the 429
  s.check_ticks(sink.ticks());  // the live tick still waited for the (late) backfill
}

TEST(BinanceFeed, AGapWhileABackfillWaitsIsFilledInOrderWithoutCountingVolumeTwice) {
  const auto now_minute = meridian::core::floor_to(meridian::core::now(), minutes(1));
  const auto b5 = now_minute - minutes(5), b3 = now_minute - minutes(3), b1 = now_minute - minutes(1);
  // Two losses in a row: the second gap [b3, b1) is seen while the first [b5, b3) waits out a 429.
  FakeWssVenue ws([&](std::size_t n) {
    if (n == 0) return WsScript{{kline(b5, "100.50", "1.0", false)}, true};
    if (n == 1) return WsScript{{kline(b3, "103.50", "0.5", false)}, true};
    return WsScript{{kline(b1, "106.00", "0.25", false)}, false};
  });
  auto n = std::make_shared<std::atomic<int>>(0);
  FakeHttpsVenue rest([&, n](const std::string& target) -> Reply {
    if (n->fetch_add(1) == 0)
      return {429, R"({"code":-1003,"msg":"Too many requests"})", {{"Retry-After", "1"}}, false};
    if (target.find("startTime=" + std::to_string(ms(b5))) != std::string::npos)
      return ok("[" + row(b5, "101.00", "4.0") + "," + row(b5 + minutes(1), "102.00", "2.0") + "]");
    return ok("[" + row(b3, "104.00", "3.0") + "," + row(b3 + minutes(1), "105.00", "1.0") + "]");
  });
  ClientRig rig;
  RecordingSink sink;
  BinanceFeed feed(rig.strand, config_for(ws, &rest));
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return sink.size() == 19; }, seconds(3)));
  rig.on_strand([&] { feed.stop(); });

  const auto log = rest.requests();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_NE(log[2].target.find("startTime=" + std::to_string(ms(b3)) + "&endTime=" + std::to_string(ms(b1) - 1)),
            std::string::npos)
      << log[2].target;
  const auto ticks = sink.ticks();
  const auto minute_of = [&](std::size_t i) { return meridian::core::floor_to(ticks[i].ts, minutes(1)); };
  EXPECT_EQ(ticks[0].volume, *Quantity::parse("1.0"));  // live, bar b5
  EXPECT_EQ(sum_volume(ticks, 1, 5), *Quantity::parse("3.0"));
  EXPECT_EQ(minute_of(4), b5);
  EXPECT_EQ(sum_volume(ticks, 5, 9), *Quantity::parse("2.0"));
  EXPECT_EQ(minute_of(8), b5 + minutes(1));
  EXPECT_EQ(ticks[9].volume, *Quantity::parse("0.5"));  // live, bar b3, held for the first range
  EXPECT_EQ(minute_of(9), b3);
  EXPECT_EQ(sum_volume(ticks, 10, 14), *Quantity::parse("2.5"));  // b3's rest
  EXPECT_EQ(minute_of(13), b3);
  EXPECT_EQ(sum_volume(ticks, 14, 18), *Quantity::parse("1.0"));
  EXPECT_EQ(minute_of(17), b3 + minutes(1));
  EXPECT_EQ(ticks[18].last, *Price::parse("106.00"));  // live, bar b1, held for the second range
}

TEST(BinanceFeed, AFailingBackfillIsGivenUpAndReleasesTheLiveTicks) {
  GapScenario s;
  FakeHttpsVenue rest([](const std::string&) { return Reply{503, R"({"code":-1001,"msg":"down"})", {}, false}; });
  ClientRig rig;
  RecordingSink sink;
  BinanceFeed feed(rig.strand, config_for(s.ws, &rest));
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return sink.size() == 2; }, seconds(2)));
  const auto h = feed.health();
  rig.on_strand([&] { feed.stop(); });
  EXPECT_EQ(rest.requests().size(), 5u);  // retried with backoff, then given up
  EXPECT_EQ(h.errors, 1u + 5u);           // the lost connection and each failed answer
  EXPECT_EQ(sink.ticks()[1].last, *Price::parse("104.00"));
}

TEST(BinanceFeed, StartBackfillPagesThroughRestBeforeLiveTicks) {
  // The feed's range ends at its own current minute: keep clear of a minute turning meanwhile.
  ASSERT_TRUE(eventually([] {
    const auto t = meridian::core::now();
    return t - meridian::core::floor_to(t, minutes(1)) < seconds(59);
  }));
  const auto now_minute = meridian::core::floor_to(meridian::core::now(), minutes(1));
  FakeWssVenue ws([&](std::size_t) { return WsScript{{kline(now_minute, "105.00", "0.5", false)}, false}; });
  // One more minute than a page holds: a full first page, then the last bar on a second one.
  const auto from = now_minute - minutes(1001);
  const auto second_page = from + minutes(1000);
  FakeHttpsVenue rest([&](const std::string& target) {
    if (target.find("symbol=ETHUSDT") != std::string::npos) return ok("[]");
    if (target.find("startTime=" + std::to_string(ms(second_page))) != std::string::npos)
      return ok("[" + row(second_page, "103.00", "1.0") + "]");
    std::string body = "[";
    for (int i = 0; i < 1000; ++i) body += (i ? "," : "") + row(from + minutes(i), "101.00", "1.0");
    return ok(body + "]");
  });
  ClientRig rig;
  RecordingSink sink;
  auto c = config_for(ws, &rest);
  c.backfill = minutes(1001);
  BinanceFeed feed(rig.strand, c);
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  // ETH's (empty) backfill comes after BTC's, which released BTC's live tick.
  ASSERT_TRUE(eventually([&] { return sink.size() == 4 * 1001 + 1 && rest.requests().size() == 3; }, seconds(2)));
  rig.on_strand([&] { feed.stop(); });

  const auto log = rest.requests();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_NE(log[0].target.find("symbol=BTCUSDT&interval=1m&startTime=" + std::to_string(ms(from)) +
                               "&endTime=" + std::to_string(ms(now_minute) - 1) + "&limit=1000"),
            std::string::npos)
      << log[0].target;
  EXPECT_NE(log[1].target.find("symbol=BTCUSDT&interval=1m&startTime=" + std::to_string(ms(second_page)) +
                               "&endTime=" + std::to_string(ms(now_minute) - 1)),
            std::string::npos)
      << log[1].target;
  EXPECT_NE(log[2].target.find("symbol=ETHUSDT"), std::string::npos);
  const auto ticks = sink.ticks();
  for (std::size_t i = 1; i < ticks.size(); ++i) ASSERT_LE(ticks[i - 1].ts, ticks[i].ts) << i;
  EXPECT_EQ(ticks[0].ts, from);
  EXPECT_EQ(ticks[4 * 1001 - 1].last, *Price::parse("103.00"));
  EXPECT_EQ(ticks.back().last, *Price::parse("105.00"));  // the live tick waited for the backfill
  EXPECT_EQ(ticks.back().volume, *Quantity::parse("0.5"));
}

TEST(BinanceFeed, UnsubscribingReconnectsWithTheNewStreamList) {
  FakeWssVenue ws([](std::size_t) { return WsScript{{}, false}; });
  ClientRig rig;
  RecordingSink sink;
  BinanceFeed feed(rig.strand, config_for(ws, nullptr));
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return ws.targets().size() == 1; }, seconds(2)));
  const meridian::core::SymbolId eth[] = {kEth};
  feed.unsubscribe(eth);
  ASSERT_TRUE(eventually([&] { return ws.targets().size() == 2 && feed.health().connected; }, seconds(2)));
  feed.subscribe(eth);
  ASSERT_TRUE(eventually([&] { return ws.targets().size() == 3; }, seconds(2)));
  rig.on_strand([&] { feed.stop(); });
  const auto targets = ws.targets();
  EXPECT_EQ(targets[1], "/stream?streams=btcusdt@kline_1m");
  EXPECT_EQ(targets[2], "/stream?streams=btcusdt@kline_1m/ethusdt@kline_1m");
  EXPECT_EQ(feed.health().errors, 0u);  // a reconnect we asked for is not a failure
}

TEST(BinanceFeed, UntrustedCertificateIsAnErrorAndNotConnected) {
  FakeWssVenue ws([](std::size_t) { return WsScript{{kline(kMinute0, "100.00", "1.0", false)}, false}; });
  ClientRig rig;
  RecordingSink sink;
  auto c = config_for(ws, nullptr);
  c.tls.ca_file.clear();  // the system store does not know the test certificate
  BinanceFeed feed(rig.strand, c);
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return feed.health().errors >= 2; }, seconds(2)));
  rig.on_strand([&] { feed.stop(); });
  const auto h = feed.health();
  EXPECT_FALSE(h.connected);
  EXPECT_EQ(h.ticks, 0u);
  EXPECT_TRUE(ws.targets().empty());  // no upgrade over the unverified connection
}

TEST(BinanceFeed, BadConfigurationIsAStartUpError) {
  FakeWssVenue ws([](std::size_t) { return WsScript{}; });
  ClientRig rig;
  auto c = config_for(ws, nullptr);
  c.ws_base = "https://stream.binance.com:9443";
  EXPECT_THROW(BinanceFeed(rig.strand, c), std::invalid_argument);
  c = config_for(ws, nullptr);
  c.rest_base = "http://api.binance.com";
  EXPECT_THROW(BinanceFeed(rig.strand, c), std::invalid_argument);
  c = config_for(ws, nullptr);
  c.tls.ca_file = "/nonexistent/ca.pem";
  EXPECT_THROW(BinanceFeed(rig.strand, c), std::invalid_argument);
  c = config_for(ws, nullptr);
  c.instruments.reset();
  EXPECT_THROW(BinanceFeed(rig.strand, c), std::invalid_argument);
}
