// The Coinbase feed against a fake Coinbase Exchange over loopback TLS: tickers become ticks
// (deduplicated, out-of-order dropped and counted), candles backfill on start and after a gap,
// malformed answers are counted, 429 waits for Retry-After, 5xx backs off and recovers, a
// stalled venue times out without blocking the strand, and an untrusted certificate fails.
#include "meridian/market/venues/coinbase/feed.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <future>

#include "client_rig.hpp"
#include "fake_venue.hpp"
#include "meridian/market/off_strand_feed.hpp"

using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::Timestamp;
using meridian::market::venue::CoinbaseConfig;
using meridian::market::venue::CoinbaseFeed;
using namespace venue_test;
using namespace std::chrono;

namespace {

constexpr meridian::core::SymbolId kBtc = 0;

std::string ticker(long id, const std::string& time, const std::string& price) {
  return R"({"trade_id":)" + std::to_string(id) + R"(,"price":")" + price + R"(","size":"0.5","time":")" + time +
         R"(","bid":"99.5","ask":"100.5","volume":"12345.6"})";
}

CoinbaseConfig config_for(const FakeHttpsVenue& venue) {
  CoinbaseConfig c;
  c.base_url = venue.url();
  c.poll = milliseconds(10);
  c.backfill = minutes(0);
  c.tls.ca_file = test_cert_path();
  c.timeouts = {milliseconds(2000), milliseconds(2000), milliseconds(2000)};
  c.backoff = {milliseconds(5), milliseconds(50), 2.0, 0.2};
  c.products = {{kBtc, "BTC-USD"}};
  return c;
}

// A scripted sequence of replies; the last one repeats.
FakeHttpsVenue::Handler script(std::vector<Reply> replies) {
  auto n = std::make_shared<std::atomic<std::size_t>>(0);
  return [replies = std::move(replies), n](const std::string&) {
    const auto i = std::min(n->fetch_add(1), replies.size() - 1);
    return replies[i];
  };
}

Reply ok(std::string body) {
  return {200, std::move(body), {}, false};
}

// Stops the feed on its strand (as the engine does) before the sink goes away, also when an
// assertion leaves the test early: once that returns no handler can reach the sink.
struct StopOnExit {
  ClientRig& rig;
  CoinbaseFeed& feed;
  ~StopOnExit() {
    rig.on_strand([this] { feed.stop(); });
  }
};

}  // namespace

TEST(CoinbaseFeed, TickersBecomeTicksWithoutDuplicatesOrTimeGoingBack) {
  FakeHttpsVenue venue(script({
      ok(ticker(1, "2024-01-01T00:00:01.000000Z", "100.10")),
      ok(ticker(1, "2024-01-01T00:00:01.000000Z", "100.10")),  // unchanged: no new tick
      ok(ticker(2, "2024-01-01T00:00:02.500000Z", "100.20")),
      ok(ticker(3, "2024-01-01T00:00:00.000000Z", "99.00")),  // older than the last tick
      ok(ticker(4, "2024-01-01T00:00:03.000000Z", "100.40")),
  }));
  ClientRig rig;
  RecordingSink sink;
  CoinbaseFeed feed(rig.strand, config_for(venue));
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return venue.count("/products/BTC-USD/ticker") >= 7; }));
  rig.on_strand([&] { feed.stop(); });

  const auto ticks = sink.ticks();
  ASSERT_EQ(ticks.size(), 3u);
  EXPECT_EQ(ticks[0].last, *Price::parse("100.10"));
  EXPECT_EQ(ticks[1].last, *Price::parse("100.20"));
  EXPECT_EQ(ticks[2].last, *Price::parse("100.40"));
  EXPECT_EQ(ticks[1].ts, *meridian::core::parse_time("2024-01-01T00:00:02.5Z"));
  EXPECT_EQ(ticks[0].bid, *Price::parse("99.5"));
  EXPECT_EQ(ticks[0].ask, *Price::parse("100.5"));
  EXPECT_EQ(ticks[0].volume, *Quantity::parse("0.5"));
  EXPECT_EQ(ticks[0].symbol, kBtc);
  const auto h = feed.health();
  EXPECT_EQ(h.ticks, 3u);
  EXPECT_EQ(h.bad_rows, 1u);  // the trade going back in time
  EXPECT_EQ(h.errors, 0u);
}

// The app's shape: the feed polls, parses and validates on its own strand, OffStrandFeed hands
// the ticks to a separate engine strand; the same ticks arrive, only there.
TEST(CoinbaseFeed, OffTheEngineStrandTheSameTicksArriveOnTheEngineStrand) {
  FakeHttpsVenue venue(script({
      ok(ticker(1, "2024-01-01T00:00:01.000000Z", "100.10")),
      ok(ticker(1, "2024-01-01T00:00:01.000000Z", "100.10")),
      ok(ticker(2, "2024-01-01T00:00:02.500000Z", "100.20")),
      ok(ticker(3, "2024-01-01T00:00:00.000000Z", "99.00")),
      ok(ticker(4, "2024-01-01T00:00:03.000000Z", "100.40")),
  }));
  SplitRig rig;
  EngineStrandSink sink(rig);
  meridian::market::OffStrandFeed feed(rig.engine, rig.feed,
                                       std::make_unique<CoinbaseFeed>(rig.feed, config_for(venue)));
  rig.on_engine([&] { feed.start(sink); });
  ASSERT_TRUE(eventually([&] { return venue.count("/products/BTC-USD/ticker") >= 7; }));
  rig.on_engine([&] { feed.stop(); });

  const auto ticks = sink.ticks();
  ASSERT_EQ(ticks.size(), 3u);
  EXPECT_EQ(ticks[0].last, *Price::parse("100.10"));
  EXPECT_EQ(ticks[1].last, *Price::parse("100.20"));
  EXPECT_EQ(ticks[2].last, *Price::parse("100.40"));
  EXPECT_EQ(ticks[1].ts, *meridian::core::parse_time("2024-01-01T00:00:02.5Z"));
  EXPECT_EQ(ticks[0].volume, *Quantity::parse("0.5"));
  EXPECT_EQ(sink.off_engine.load(), 0);
  const auto h = feed.health();
  EXPECT_EQ(feed.name(), "coinbase");
  EXPECT_EQ(h.ticks, 3u);
  EXPECT_EQ(h.bad_rows, 1u);
  EXPECT_EQ(h.errors, 0u);
  EXPECT_EQ(h.dropped, 0u);
}

TEST(CoinbaseFeed, MalformedTruncatedAndErrorAnswersAreCountedNotFatal) {
  FakeHttpsVenue venue(script({
      ok(R"({"trade_id":1,"price":"100.)"),                                                                // truncated
      ok("<html>bad gateway</html>"),                                                                      // not JSON
      ok(R"({"trade_id":"x","price":"1","size":"1","time":"2024-01-01T00:00:00Z","bid":"1","ask":"1"})"),  // wrong type
      ok(R"({"trade_id":5,"price":true,"size":"1","time":"2024-01-01T00:00:00Z","bid":"1","ask":"1"})"),
      {404, R"({"message":"NotFound"})", {}, false},
      ok(R"([1,2,3])"),
      ok(ticker(7, "2024-01-01T00:00:05Z", "101.00")),
  }));
  ClientRig rig;
  RecordingSink sink;
  CoinbaseFeed feed(rig.strand, config_for(venue));
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return sink.size() == 1; }));
  const auto h = feed.health();
  rig.on_strand([&] { feed.stop(); });
  EXPECT_EQ(h.errors, 6u);
  EXPECT_TRUE(h.connected);  // the venue answered; its answers were bad
  EXPECT_EQ(sink.ticks()[0].last, *Price::parse("101.00"));
}

TEST(CoinbaseFeed, RateLimitWaitsForRetryAfterBeforeAskingAgain) {
  FakeHttpsVenue venue(script({
      {429, R"({"message":"Public rate limit exceeded"})", {{"Retry-After", "1"}}, false},
      ok(ticker(1, "2024-01-01T00:00:01Z", "100.00")),
  }));
  ClientRig rig;
  RecordingSink sink;
  CoinbaseFeed feed(rig.strand, config_for(venue));
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return sink.size() == 1; }));
  rig.on_strand([&] { feed.stop(); });
  const auto log = venue.requests();
  ASSERT_GE(log.size(), 2u);
  // The server saw the retry no sooner than Retry-After allowed.
  EXPECT_GE(log[1].at - log[0].at, seconds(1));
  EXPECT_EQ(feed.health().errors, 1u);
}

TEST(CoinbaseFeed, ServerErrorsBackOffThenRecoverAndFillTheGapFromCandles) {
  const auto now = meridian::core::now();
  const auto minute = [&](int back) {
    return duration_cast<seconds>(meridian::core::floor_to(now, minutes(1)).time_since_epoch()).count() - 60 * back;
  };
  auto tickers = std::make_shared<std::atomic<int>>(0);
  auto candles = std::make_shared<std::atomic<int>>(0);
  FakeHttpsVenue venue([&, tickers, candles](const std::string& target) -> Reply {
    if (target.find("/candles") != std::string::npos) {
      // Newest first, as Coinbase answers: [time, low, high, open, close, volume].
      if (candles->fetch_add(1) == 0)
        return ok("[[" + std::to_string(minute(3)) + ",99,101,100,100.5,2]," + "[" + std::to_string(minute(4)) +
                  ",98,100,99,100,1]]");
      return ok("[[" + std::to_string(minute(1)) + ",100,103,101,102,3]]");
    }
    const int n = tickers->fetch_add(1);
    if (n == 1 || n == 2) return {500, R"({"message":"Internal server error"})", {}, false};
    // The first inside the minute after the start candles, the later ones in the current minute.
    const auto at = n == 0 ? Timestamp(seconds(minute(2) + 10)) : now + milliseconds(n);
    return ok(ticker(10 + n, meridian::core::to_iso8601(at, 6), n == 0 ? "100.70" : "102.50"));
  });
  ClientRig rig;
  RecordingSink sink;
  auto c = config_for(venue);
  c.backfill = minutes(10);
  CoinbaseFeed feed(rig.strand, c);
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return venue.count("/candles") >= 2 && tickers->load() >= 5; }));
  const auto health = feed.health();
  rig.on_strand([&] { feed.stop(); });

  const auto log = venue.requests();
  EXPECT_NE(log.front().target.find("/candles?granularity=60&start="), std::string::npos);
  EXPECT_EQ(health.errors, 2u);
  EXPECT_TRUE(health.connected);
  // Ticks never go back in time: start candles, first ticker, gap candles, later tickers.
  const auto ticks = sink.ticks();
  ASSERT_GE(ticks.size(), 8u + 1 + 4 + 1);
  for (std::size_t i = 1; i < ticks.size(); ++i) EXPECT_LE(ticks[i - 1].ts, ticks[i].ts) << i;
  EXPECT_EQ(ticks[0].last, *Price::parse("99"));  // the oldest candle's open comes first
  EXPECT_EQ(ticks[0].ts, Timestamp(seconds(minute(4))));
  EXPECT_EQ(ticks[7].last, *Price::parse("100.5"));   // the newer candle's close
  EXPECT_EQ(ticks[8].last, *Price::parse("100.70"));  // then the ticker
  // The gap candle (minute -1) follows the recovery.
  bool gap_filled = false;
  for (const auto& t : ticks) gap_filled |= t.last == *Price::parse("102") && t.ts >= Timestamp(seconds(minute(1)));
  EXPECT_TRUE(gap_filled);
  EXPECT_EQ(ticks.back().last, *Price::parse("102.50"));  // tickers resume after the gap candles
}

TEST(CoinbaseFeed, StalledVenueTimesOutAndRetriesWithoutBlockingTheStrand) {
  auto n = std::make_shared<std::atomic<int>>(0);
  FakeHttpsVenue venue([n](const std::string&) -> Reply {
    if (n->fetch_add(1) == 0) return {200, "", {}, true};
    return ok(ticker(1, "2024-01-01T00:00:01Z", "100.00"));
  });
  ClientRig rig;
  RecordingSink sink;
  auto c = config_for(venue);
  c.timeouts.read = milliseconds(300);
  CoinbaseFeed feed(rig.strand, c);
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return venue.requests().size() == 1; }));
  // While the venue sits on the request, the strand still runs other work promptly.
  std::promise<void> ran;
  boost::asio::post(rig.strand, [&] { ran.set_value(); });
  EXPECT_EQ(ran.get_future().wait_for(seconds(5)), std::future_status::ready);
  EXPECT_EQ(sink.size(), 0u);
  ASSERT_TRUE(eventually([&] { return sink.size() == 1; }));
  rig.on_strand([&] { feed.stop(); });
  EXPECT_EQ(feed.health().errors, 1u);
  EXPECT_GE(venue.requests().size(), 2u);
}

TEST(CoinbaseFeed, UntrustedCertificateIsAnErrorAndNotConnected) {
  FakeHttpsVenue venue(script({ok(ticker(1, "2024-01-01T00:00:01Z", "100.00"))}));
  ClientRig rig;
  RecordingSink sink;
  auto c = config_for(venue);
  c.tls.ca_file.clear();  // the system store does not know the test certificate
  CoinbaseFeed feed(rig.strand, c);
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return feed.health().errors >= 2; }));
  rig.on_strand([&] { feed.stop(); });
  const auto h = feed.health();
  EXPECT_FALSE(h.connected);
  EXPECT_EQ(h.ticks, 0u);
  EXPECT_TRUE(venue.requests().empty());  // nothing was sent over the unverified connection
  EXPECT_GE(venue.handshake_failures(), 1u);
}

TEST(CoinbaseFeed, UnsubscribedProductsAreNotPolled) {
  FakeHttpsVenue venue(script({ok(ticker(1, "2024-01-01T00:00:01Z", "100.00"))}));
  ClientRig rig;
  RecordingSink sink;
  auto c = config_for(venue);
  c.products.push_back({1, "ETH-USD"});
  CoinbaseFeed feed(rig.strand, c);
  const meridian::core::SymbolId eth[] = {1};
  feed.unsubscribe(eth);
  feed.start(sink);
  const StopOnExit stop_on_exit{rig, feed};
  ASSERT_TRUE(eventually([&] { return venue.count("BTC-USD") >= 3; }));
  rig.on_strand([&] { feed.stop(); });
  EXPECT_EQ(venue.count("ETH-USD"), 0u);
}

TEST(CoinbaseFeed, BadBaseUrlIsAStartUpError) {
  ClientRig rig;
  CoinbaseConfig c;
  c.base_url = "http://api.exchange.coinbase.com";
  EXPECT_THROW(CoinbaseFeed(rig.strand, c), std::invalid_argument);
  c.base_url = "https://example.com";
  c.tls.ca_file = "/nonexistent/ca.pem";
  EXPECT_THROW(CoinbaseFeed(rig.strand, c), std::invalid_argument);
}
