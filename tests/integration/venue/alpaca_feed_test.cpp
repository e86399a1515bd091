// The Alpaca feed against a fake Alpaca (stream over WSS, bars over HTTPS, loopback TLS): the
// connect -> auth -> subscribe exchange, trades and quotes as ticks (repeats and out-of-order
// dropped), malformed frames counted while the stream goes on, a refused key stopping without
// a reconnect loop, the connection limit retried, a server close followed by reconnect,
// re-auth, resubscribe and a paged REST backfill with the key headers, and an untrusted
// certificate.
#include "meridian/market/venues/alpaca/feed.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "client_rig.hpp"
#include "fake_venue.hpp"
#include "replying_wss.hpp"

using meridian::core::AssetClass;
using meridian::core::Instrument;
using meridian::core::InstrumentTable;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::Timestamp;
using meridian::market::venue::AlpacaConfig;
using meridian::market::venue::AlpacaFeed;
using namespace venue_test;
using namespace std::chrono;

namespace {

constexpr meridian::core::SymbolId kAapl = 0;
const std::string kAuth = R"({"action":"auth","key":"test-key","secret":"test-secret"})";
const std::string kSubscribe = R"({"action":"subscribe","bars":["AAPL"],"quotes":["AAPL"],"trades":["AAPL"]})";
const std::string kConnected = R"([{"T":"success","msg":"connected"}])";
const std::string kAuthenticated = R"([{"T":"success","msg":"authenticated"}])";
const std::string kSubscription = R"([{"T":"subscription","trades":["AAPL"],"quotes":["AAPL"],"bars":["AAPL"]}])";

std::shared_ptr<const InstrumentTable> instruments() {
  // BTC-USD is not on Alpaca's stock feed: never subscribed.
  return std::make_shared<const InstrumentTable>(std::vector<Instrument>{
      {0, "AAPL", "nyse", AssetClass::equity, "USD", 2, 0, 190.0, 0.3},
      {0, "BTC-USD", "crypto", AssetClass::crypto, "USD", 2, 8, 60000.0, 0.6},
  });
}

AlpacaConfig config_for(const ReplyingWssVenue& stream, const std::string& rest_url) {
  AlpacaConfig c;
  c.ws_url = stream.url();
  c.rest_url = rest_url;
  c.key_id = "test-key";
  c.secret_key = "test-secret";
  c.instruments = instruments();
  c.backfill = minutes(0);
  c.tls.ca_file = test_cert_path();
  c.timeouts = {milliseconds(2000), milliseconds(2000), milliseconds(2000)};
  c.connect_timeout = milliseconds(2000);
  c.backoff = {milliseconds(5), milliseconds(50), 2.0, 0.2};
  return c;
}

std::string trade(int id, const std::string& time, const std::string& price) {
  return R"([{"T":"t","S":"AAPL","i":)" + std::to_string(id) + R"(,"x":"V","p":)" + price + R"(,"s":100,"t":")" + time +
         R"(","c":["@"],"z":"C"}])";
}

std::string quote(const std::string& time) {
  return R"([{"T":"q","S":"AAPL","bx":"V","bp":190.4,"bs":2,"ax":"V","ap":190.6,"as":3,"t":")" + time +
         R"(","c":["R"],"z":"C"}])";
}

// Alpaca's side of the exchange: "connected" on open, then auth (these keys only) and subscribe
// answered; `after_subscribe` follows the subscription confirmation.
ReplyingWssVenue::Script alpaca(std::vector<std::string> after_subscribe = {},
                                std::function<std::vector<std::string>(std::size_t)> on_auth = {}) {
  ReplyingWssVenue::Script s;
  s.on_open = [](std::size_t) { return std::vector<std::string>{kConnected}; };
  s.on_frame = [after_subscribe, on_auth](std::size_t n, const std::string& f) -> std::vector<std::string> {
    if (f.find(R"("action":"auth")") != std::string::npos) {
      if (on_auth) return on_auth(n);
      if (f == kAuth) return {kAuthenticated};
      return {R"([{"T":"error","code":402,"msg":"auth failed"}])"};
    }
    if (f.find(R"("action":"subscribe")") != std::string::npos) {
      std::vector<std::string> out{kSubscription};
      out.insert(out.end(), after_subscribe.begin(), after_subscribe.end());
      return out;
    }
    return {};
  };
  return s;
}

std::vector<std::string> frames_of(const ReplyingWssVenue& venue, std::size_t connection) {
  std::vector<std::string> out;
  for (const auto& r : venue.received())
    if (r.connection == connection) out.push_back(r.frame);
  return out;
}

// Stops the feed on its strand (as the engine does) before the sink goes away, also when an
// assertion leaves the test early.
struct StopOnExit {
  ClientRig& rig;
  AlpacaFeed& feed;
  ~StopOnExit() {
    rig.on_strand([this] { feed.stop(); });
  }
};

const std::string kNoRest = "https://127.0.0.1:1";  // backfill off: never asked

}  // namespace

TEST(AlpacaFeed, AuthenticatesSubscribesAndTurnsTradesAndQuotesIntoTicks) {
  ReplyingWssVenue venue(alpaca({
      trade(1, "2024-01-02T15:00:01.000000000Z", "190.5"),
      quote("2024-01-02T15:00:01.500000000Z"),
      trade(1, "2024-01-02T15:00:01.000000000Z", "190.5"),  // repeated: not delivered twice
      trade(2, "2024-01-02T15:00:02.250000000Z", "190.55"),
      trade(3, "2024-01-02T15:00:00.000000000Z", "189.0"),  // older than the last trade: dropped
      trade(4, "2024-01-02T15:00:03.000000000Z", "190.6"),
  }));
  ClientRig rig;
  RecordingSink sink;
  AlpacaFeed feed(rig.strand, config_for(venue, kNoRest));
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return sink.size() >= 4; }, seconds(5)));
  const auto h = feed.health();
  rig.on_strand([&] { feed.stop(); });

  EXPECT_EQ(frames_of(venue, 0), (std::vector<std::string>{kAuth, kSubscribe}));
  EXPECT_EQ(venue.targets(), std::vector<std::string>{"/v2/iex"});
  const auto ticks = sink.ticks();
  ASSERT_EQ(ticks.size(), 4u);
  // Before the first quote the trade price stands in for the touch.
  EXPECT_EQ(ticks[0].symbol, kAapl);
  EXPECT_EQ(ticks[0].ts, *meridian::core::parse_time("2024-01-02T15:00:01Z"));
  EXPECT_EQ(ticks[0].last, *Price::parse("190.50"));
  EXPECT_EQ(ticks[0].bid, *Price::parse("190.50"));
  EXPECT_EQ(ticks[0].volume, *Quantity::parse("100"));
  // A quote moves the touch, keeps the last price and trades nothing.
  EXPECT_EQ(ticks[1].bid, *Price::parse("190.40"));
  EXPECT_EQ(ticks[1].ask, *Price::parse("190.60"));
  EXPECT_EQ(ticks[1].last, *Price::parse("190.50"));
  EXPECT_EQ(ticks[1].volume, Quantity{});
  EXPECT_EQ(ticks[2].last, *Price::parse("190.55"));
  EXPECT_EQ(ticks[2].bid, *Price::parse("190.40"));
  EXPECT_EQ(ticks[3].last, *Price::parse("190.60"));
  EXPECT_TRUE(h.connected);
  EXPECT_EQ(h.ticks, 4u);
  EXPECT_EQ(h.bad_rows, 1u);  // the out-of-order trade
  EXPECT_EQ(h.errors, 0u);
}

TEST(AlpacaFeed, MalformedAndTruncatedFramesAreCountedAndTheStreamGoesOn) {
  ReplyingWssVenue venue(alpaca({
      R"([{"T":"t","S":"AAPL","i":1,"p":190.)",                                          // truncated
      "not json at all",                                                                 // not JSON
      R"([{"T":"t","S":"AAPL","i":"x","p":190.5,"s":100,"t":"2024-01-02T15:00:01Z"}])",  // wrong type
      R"([{"T":"zz"}])",                                                                 // unknown type
      R"([{"T":"t","S":"AAPL","i":5,"p":190.5,"s":100,"t":"yesterday"}])",               // bad time
      trade(6, "2024-01-02T15:00:05.000000000Z", "191"),
  }));
  ClientRig rig;
  RecordingSink sink;
  AlpacaFeed feed(rig.strand, config_for(venue, kNoRest));
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return sink.size() == 1; }, seconds(5)));
  const auto h = feed.health();
  rig.on_strand([&] { feed.stop(); });
  EXPECT_EQ(h.errors, 5u);
  EXPECT_TRUE(h.connected);
  EXPECT_EQ(venue.connections(), 1u);  // bad frames do not cost the connection
  EXPECT_EQ(sink.ticks()[0].last, *Price::parse("191"));
}

TEST(AlpacaFeed, RefusedKeysAreAnErrorWithoutAReconnectLoop) {
  ReplyingWssVenue venue(alpaca());
  ClientRig rig;
  RecordingSink sink;
  auto c = config_for(venue, kNoRest);
  c.secret_key = "wrong";
  AlpacaFeed feed(rig.strand, c);
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return feed.health().errors >= 1; }, seconds(5)));
  // With a 5 ms backoff a loop would have reconnected many times within this window.
  EXPECT_FALSE(eventually([&] { return venue.connections() >= 2; }, milliseconds(300)));
  const auto h = feed.health();
  EXPECT_FALSE(h.connected);
  EXPECT_EQ(h.errors, 1u);
  EXPECT_EQ(h.ticks, 0u);
  const auto frames = frames_of(venue, 0);
  ASSERT_EQ(frames.size(), 1u);  // the auth, and no subscribe after the refusal
  EXPECT_NE(frames[0].find(R"("action":"auth")"), std::string::npos);
}

TEST(AlpacaFeed, ConnectionLimitIsRetriedAfterABackoff) {
  ReplyingWssVenue venue(alpaca({trade(1, "2024-01-02T15:00:01Z", "190.5")}, [](std::size_t n) {
    if (n == 0) return std::vector<std::string>{R"([{"T":"error","code":406,"msg":"connection limit exceeded"}])"};
    return std::vector<std::string>{kAuthenticated};
  }));
  ClientRig rig;
  RecordingSink sink;
  AlpacaFeed feed(rig.strand, config_for(venue, kNoRest));
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return sink.size() == 1; }, seconds(5)));
  rig.on_strand([&] { feed.stop(); });
  EXPECT_EQ(venue.connections(), 2u);
  EXPECT_EQ(frames_of(venue, 1), (std::vector<std::string>{kAuth, kSubscribe}));
  EXPECT_EQ(feed.health().errors, 1u);
}

TEST(AlpacaFeed, ServerCloseReconnectsReauthenticatesResubscribesAndBackfillsOverRest) {
  const auto minute = [now = meridian::core::floor_to(meridian::core::now(), minutes(1))](int back) {
    return now - minutes(back);
  };
  const auto bar = [&](int back, const std::string& close) {
    return R"({"t":")" + meridian::core::to_iso8601(minute(back)) + R"(","o":190,"h":192,"l":189,"c":)" + close +
           R"(,"v":1000,"n":10,"vw":190.5})";
  };
  auto pages = std::make_shared<std::atomic<int>>(0);
  FakeHttpsVenue rest([&, pages](const std::string& target) -> Reply {
    if (target.find("/v2/stocks/AAPL/bars?timeframe=1Min") == std::string::npos) return {404, "{}", {}, false};
    switch (pages->fetch_add(1)) {
      case 0:
        return {
            200,
            R"({"bars":[)" + bar(5, "190.1") + "," + bar(4, "190.2") + R"(],"symbol":"AAPL","next_page_token":"p2"})",
            {},
            false};
      case 1:
        return {200, R"({"bars":[)" + bar(3, "190.3") + R"(],"symbol":"AAPL","next_page_token":null})", {}, false};
      default:
        return {200, R"({"bars":[)" + bar(1, "191.5") + R"(],"symbol":"AAPL","next_page_token":null})", {}, false};
    }
  });
  ReplyingWssVenue venue(alpaca());
  ClientRig rig;
  RecordingSink sink;
  auto c = config_for(venue, rest.url());
  c.backfill = minutes(10);
  AlpacaFeed feed(rig.strand, c);
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  // Start: two pages of bars, four ticks each.
  ASSERT_TRUE(eventually([&] { return sink.size() == 12; }, seconds(5)));
  // A live trade inside minute -2, then the venue drops the connection.
  venue.push(trade(7, meridian::core::to_iso8601(minute(2) + seconds(10)), "190.9"));
  ASSERT_TRUE(eventually([&] { return sink.size() == 13; }, seconds(5)));
  venue.close();
  // Back: auth and subscribe again, and only the minutes after the trade's are fetched.
  ASSERT_TRUE(eventually([&] { return sink.size() == 17; }, seconds(5)));
  const auto h = feed.health();
  rig.on_strand([&] { feed.stop(); });

  EXPECT_EQ(venue.connections(), 2u);
  EXPECT_EQ(frames_of(venue, 1), (std::vector<std::string>{kAuth, kSubscribe}));
  const auto log = rest.requests();
  ASSERT_EQ(log.size(), 3u);
  for (const auto& r : log) {
    std::string key, secret;
    for (const auto& [name, value] : r.headers) {
      if (name == "APCA-API-KEY-ID") key = value;
      if (name == "APCA-API-SECRET-KEY") secret = value;
    }
    EXPECT_EQ(key, "test-key") << r.target;
    EXPECT_EQ(secret, "test-secret") << r.target;
  }
  EXPECT_EQ(log[0].target.find("page_token"), std::string::npos);
  EXPECT_NE(log[1].target.find("&page_token=p2"), std::string::npos);
  EXPECT_NE(log[2].target.find("&start=" + meridian::core::to_iso8601(minute(1))), std::string::npos) << log[2].target;

  const auto ticks = sink.ticks();
  for (std::size_t i = 1; i < ticks.size(); ++i) EXPECT_LE(ticks[i - 1].ts, ticks[i].ts) << i;
  EXPECT_EQ(ticks[0].ts, minute(5));
  EXPECT_EQ(ticks[0].last, *Price::parse("190"));     // the oldest bar's open first
  EXPECT_EQ(ticks[11].last, *Price::parse("190.3"));  // the second page's close
  EXPECT_EQ(ticks[12].last, *Price::parse("190.9"));  // the live trade
  EXPECT_EQ(ticks[16].last, *Price::parse("191.5"));  // the gap's bar after the reconnect
  EXPECT_GE(ticks[13].ts, minute(1));
  EXPECT_TRUE(h.connected);
  EXPECT_EQ(h.errors, 1u);  // the lost connection
}

TEST(AlpacaFeed, LiveTicksWaitForTheBackfillSoTimeNeverGoesBack) {
  const auto minute = [now = meridian::core::floor_to(meridian::core::now(), minutes(1))](int back) {
    return now - minutes(back);
  };
  const auto bar = [&](int back) {
    return R"({"t":")" + meridian::core::to_iso8601(minute(back)) + R"(","o":190,"h":192,"l":189,"c":191,"v":1000})";
  };
  std::promise<void> go;
  const auto released = go.get_future().share();
  FakeHttpsVenue rest([&, released](const std::string&) -> Reply {
    released.wait_for(seconds(5));  // the venue is slow to answer
    return {200, R"({"bars":[)" + bar(3) + "," + bar(2) + R"(],"symbol":"AAPL","next_page_token":null})", {}, false};
  });
  ReplyingWssVenue venue(alpaca());
  ClientRig rig;
  RecordingSink sink;
  auto c = config_for(venue, rest.url());
  c.backfill = minutes(10);
  AlpacaFeed feed(rig.strand, c);
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return rest.requests().size() == 1; }, seconds(5)));
  venue.push(trade(1, meridian::core::to_iso8601(meridian::core::now(), 6), "191.25"));
  venue.push("not json");  // once this is counted the trade before it has been handled
  ASSERT_TRUE(eventually([&] { return feed.health().errors == 1; }, seconds(5)));
  EXPECT_EQ(sink.size(), 0u);  // the live trade waits for the older minutes
  go.set_value();
  ASSERT_TRUE(eventually([&] { return sink.size() == 9; }, seconds(5)));
  rig.on_strand([&] { feed.stop(); });
  const auto ticks = sink.ticks();
  EXPECT_EQ(ticks[0].ts, minute(3));
  for (std::size_t i = 1; i < ticks.size(); ++i) EXPECT_LE(ticks[i - 1].ts, ticks[i].ts) << i;
  EXPECT_EQ(ticks[8].last, *Price::parse("191.25"));
}

TEST(AlpacaFeed, UnsubscribingSendsTheChangeAndStopsTheTicks) {
  ReplyingWssVenue venue(alpaca({trade(1, "2024-01-02T15:00:01Z", "190.5")}));
  ClientRig rig;
  RecordingSink sink;
  AlpacaFeed feed(rig.strand, config_for(venue, kNoRest));
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return sink.size() == 1; }, seconds(5)));
  const meridian::core::SymbolId aapl[] = {kAapl};
  feed.unsubscribe(aapl);
  const std::string unsubscribe = R"({"action":"unsubscribe","bars":["AAPL"],"quotes":["AAPL"],"trades":["AAPL"]})";
  ASSERT_TRUE(eventually([&] { return frames_of(venue, 0).size() == 3; }, seconds(5)));
  EXPECT_EQ(frames_of(venue, 0)[2], unsubscribe);
  // In flight before the venue took the change: not delivered.
  venue.push(trade(2, "2024-01-02T15:00:02Z", "190.6"));
  venue.push("not json");
  ASSERT_TRUE(eventually([&] { return feed.health().errors == 1; }, seconds(5)));
  EXPECT_EQ(sink.size(), 1u);
  feed.subscribe(aapl);
  ASSERT_TRUE(eventually([&] { return frames_of(venue, 0).size() == 4; }, seconds(5)));
  EXPECT_EQ(frames_of(venue, 0)[3], kSubscribe);
  venue.push(trade(3, "2024-01-02T15:00:03Z", "190.7"));
  ASSERT_TRUE(eventually([&] { return sink.size() == 2; }, seconds(5)));
  rig.on_strand([&] { feed.stop(); });
  EXPECT_EQ(sink.ticks()[1].last, *Price::parse("190.7"));
}

TEST(AlpacaFeed, UntrustedCertificateIsAnErrorAndNotConnected) {
  ReplyingWssVenue venue(alpaca());
  ClientRig rig;
  RecordingSink sink;
  auto c = config_for(venue, kNoRest);
  c.tls.ca_file.clear();  // the system store does not know the test certificate
  AlpacaFeed feed(rig.strand, c);
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return feed.health().errors >= 2; }, seconds(5)));
  rig.on_strand([&] { feed.stop(); });
  const auto h = feed.health();
  EXPECT_FALSE(h.connected);
  EXPECT_EQ(h.ticks, 0u);
  EXPECT_EQ(venue.connections(), 0u);  // no upgrade over the unverified connection
  EXPECT_TRUE(venue.received().empty());
  EXPECT_GE(venue.handshake_failures(), 1u);
}

TEST(AlpacaFeed, MissingKeysOrNoUsEquityIsAStartUpError) {
  ClientRig rig;
  AlpacaConfig c;
  c.instruments = instruments();
  EXPECT_THROW(AlpacaFeed(rig.strand, c), std::invalid_argument);  // no keys
  c.key_id = "k";
  c.secret_key = "s";
  c.ws_url = "ws://stream.data.alpaca.markets/v2/iex";
  EXPECT_THROW(AlpacaFeed(rig.strand, c), std::invalid_argument);  // not TLS
  c.ws_url = "wss://stream.data.alpaca.markets/v2/iex";
  c.instruments = std::make_shared<const InstrumentTable>(
      std::vector<Instrument>{{0, "BTC-USD", "crypto", AssetClass::crypto, "USD", 2, 8, 60000.0, 0.6}});
  EXPECT_THROW(AlpacaFeed(rig.strand, c), std::invalid_argument);
}
