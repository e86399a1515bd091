// BinanceExecutor against the fake Binance (signed REST and the user data stream on loopback
// TLS), on a real io_context with a recording sink, mirroring Alpaca's scenarios: acknowledgement
// then partial fills, Binance's reject reason, 429 with Retry-After, an answer lost after the
// venue took the order (exactly one order), a duplicate client order id resolved by query,
// cancel, a fill reported by stream and REST booked once, a dropped stream and an expired
// listenKey (nothing missed), restore, a filter violation refused before sending, clock skew,
// entries paused while the stream is down, and the commission rule.
#include "meridian/execution/binance/binance_executor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "client_rig.hpp"
#include "fake_binance.hpp"
#include "recording_sink.hpp"

using namespace meridian::execution;
using meridian::core::Price;
using meridian::core::Quantity;
using namespace gateway_test;
using venue_test::eventually;
using venue_test::SplitRig;
using namespace std::chrono_literals;

namespace {

meridian::core::InstrumentTable instruments(int qty_decimals = 4) {
  meridian::core::Instrument btc;
  btc.symbol = "BTC-USDT";
  btc.venue = "binance";
  btc.asset_class = meridian::core::AssetClass::crypto;
  btc.currency = "USDT";
  btc.qty_decimals = qty_decimals;
  return meridian::core::InstrumentTable({btc});
}

Order limit_buy(OrderId id, const char* quantity = "0.01", const char* price = "50000") {
  return limit_buy_gtc(id, quantity, price);
}

class BinanceGateway : public ::testing::Test {
 protected:
  void SetUp() override {}
  void TearDown() override {
    rig.on_engine([&] { executor.reset(); });
    EXPECT_EQ(sink.off_engine(), 0) << "the sink was called off the engine strand";
  }

  void start() {
    BinanceConfig c;
    c.rest_url = venue.rest_url();
    const auto any_key = venue.stream_url("k");
    c.stream_url = any_key.substr(0, any_key.size() - std::string("/ws/k").size());
    c.tls.ca_file = venue_test::test_cert_path();
    c.timeouts.read = 700ms;  // the answer-lost case waits this long
    c.backoff.initial = 20ms;
    c.backoff.max = 200ms;
    c.portfolio = 7;
    c.board = board;
    c.order_rate = order_rate;
    rig.on_engine([&] {
      executor = std::make_unique<BinanceExecutor>(
          rig.engine, rig.feed, c,
          meridian::auth::BrokerCredentials{meridian::auth::SecretText(kBinanceKey),
                                            meridian::auth::SecretText(kBinanceSecret)},
          table);
    });
  }
  // Connected, reconciled: orders and stream events flow from here.
  void wait_ready(std::size_t reconciliations = 1) {
    ASSERT_TRUE(eventually([&] { return status().state == GatewayState::connected; }));
    ASSERT_TRUE(eventually([&] { return status().reconciliations >= reconciliations; }));
    ASSERT_TRUE(eventually([&] { return accepting(); }));
  }
  void submit(Order o) {
    rig.on_engine([&] { executor->submit(std::move(o), sink); });
  }
  bool cancel(OrderId id) {
    bool ok = false;
    rig.on_engine([&] { ok = executor->cancel(id, "user_cancel", sink); });
    return ok;
  }
  void restore(Order o) {
    rig.on_engine([&] { executor->restore(std::move(o)); });
  }
  void bind() {
    rig.on_engine([&] { executor->on_tick(meridian::core::Tick{}, sink); });
  }
  bool accepting() {
    bool on = false;
    rig.on_engine([&] { on = executor->accepting_entries(); });
    return on;
  }
  GatewayStatus status() { return executor->status(); }
  std::size_t posts() { return venue.requests("POST", "/api/v3/order"); }

  std::shared_ptr<VenueOrderRate> order_rate;
  FakeBinance venue;
  // Before the rig: the gateway's strand reads it until the rig's threads end.
  meridian::core::InstrumentTable table = instruments();
  SplitRig rig;
  std::shared_ptr<GatewayBoard> board = std::make_shared<GatewayBoard>();
  RecordingSink sink{rig};
  std::unique_ptr<BinanceExecutor> executor;
};

}  // namespace

TEST_F(BinanceGateway, PendingUntilAcknowledgedThenPartialFillsThenFilled) {
  start();
  wait_ready();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  const auto at_venue = venue.order(cid(1));
  ASSERT_TRUE(at_venue);
  EXPECT_EQ(at_venue->symbol, "BTCUSDT");
  EXPECT_EQ(at_venue->quantity, "0.01");
  EXPECT_EQ(at_venue->price, "50000");
  venue.fill(cid(1), 0.004, 50000);
  venue.fill(cid(1), 0.006, 49990);
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::filled); }));
  const auto fills = sink.fills(1);
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].quantity, qty("0.004"));
  EXPECT_EQ(fills[0].price, px("50000"));
  EXPECT_EQ(fills[0].fee, *meridian::core::Money::parse("0.2"));  // 0.1% in USDT, the quote asset
  EXPECT_EQ(fills[1].price, px("49990"));
  EXPECT_EQ(sink.last(1).filled_quantity, qty("0.01"));
  EXPECT_EQ(posts(), 1u);
  EXPECT_EQ(status().fills, 2u);
  EXPECT_EQ(status().gateway, "binance");
  EXPECT_EQ(board->read().size(), 1u);
}

TEST_F(BinanceGateway, RejectedWithBinancesReason) {
  venue.on_post = [](std::size_t) { return FakeBinance::Post::reject; };
  start();
  wait_ready();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::rejected); }));
  EXPECT_EQ(sink.last(1).reason, "binance: -2010 Account has insufficient balance for requested action.");
  EXPECT_EQ(posts(), 1u);
}

TEST_F(BinanceGateway, FilterViolationIsRejectedBeforeSendingNamingTheFilter) {
  start();
  wait_ready();
  submit(limit_buy(1, "0.00015"));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::rejected); }));
  EXPECT_EQ(sink.last(1).reason, "filter: LOT_SIZE: quantity 0.00015 is not a multiple of stepSize 0.0001");
  EXPECT_EQ(posts(), 0u);
  EXPECT_EQ(sink.last(1).request.quantity, qty("0.00015"));  // never conformed
}

TEST_F(BinanceGateway, RateLimitWaitsForRetryAfterThenSendsOnce) {
  venue.on_post = [](std::size_t n) { return n == 0 ? FakeBinance::Post::rate_limit : FakeBinance::Post::accept; };
  start();
  wait_ready();
  const auto sent = std::chrono::steady_clock::now();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  EXPECT_GE(std::chrono::steady_clock::now() - sent, 900ms);  // Retry-After: 1
  EXPECT_EQ(posts(), 2u);
  EXPECT_EQ(venue.order_count(), 1u);
}

TEST_F(BinanceGateway, AnswerLostAfterAcceptanceCreatesExactlyOneOrder) {
  venue.on_post = [](std::size_t n) {
    return n == 0 ? FakeBinance::Post::accept_then_lost : FakeBinance::Post::accept;
  };
  start();
  wait_ready();
  submit(limit_buy(1));
  // The stream may say NEW first; the POST's answer times out all the same, and the venue is
  // asked by client order id before anything is sent again.
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  ASSERT_TRUE(eventually([&] { return status().lost_answers == 1; }));
  ASSERT_TRUE(eventually([&] { return venue.requests("GET", "/api/v3/order?") >= 1; }));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(posts(), 1u);
  EXPECT_EQ(venue.order_count(), 1u);
  EXPECT_FALSE(sink.reached(1, OrderStatus::rejected));
}

TEST_F(BinanceGateway, ServerErrorIsResolvedByQueryThenSentOnce) {
  venue.on_post = [](std::size_t n) { return n == 0 ? FakeBinance::Post::server_error : FakeBinance::Post::accept; };
  start();
  wait_ready();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  EXPECT_EQ(posts(), 2u);  // the query found nothing (-2013), so it went again under the same id
  EXPECT_EQ(venue.order_count(), 1u);
}

TEST_F(BinanceGateway, DuplicateClientOrderIdIsResolvedByQuery) {
  start();
  wait_ready();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  // A restarted daemon that lost its journal sends the same order again: -2010 "Duplicate order
  // sent.", resolved by asking for it, not reported rejected.
  rig.on_engine([&] { executor.reset(); });
  RecordingSink second{rig};
  start();
  wait_ready(1);
  rig.on_engine([&] { executor->submit(limit_buy(1), second); });
  ASSERT_TRUE(eventually([&] { return second.reached(1, OrderStatus::accepted); }));
  EXPECT_FALSE(second.reached(1, OrderStatus::rejected));
  EXPECT_EQ(posts(), 2u);
  EXPECT_EQ(venue.order_count(), 1u);
}

TEST_F(BinanceGateway, CancelIsConfirmed) {
  start();
  wait_ready();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  ASSERT_TRUE(cancel(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::cancelled); }));
  EXPECT_EQ(venue.order(cid(1)).value_or(BinanceOrder{}).status, "CANCELED");
  EXPECT_EQ(sink.last(1).reason, "user_cancel");
}

TEST_F(BinanceGateway, FillByStreamAndRestIsBookedOnce) {
  start();
  wait_ready();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  venue.fill(cid(1), 0.01, 50000);
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::filled); }));
  // A cancel now reads the order back over REST: the same fill again, booked once.
  cancel(1);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(sink.fills(1).size(), 1u);
  EXPECT_EQ(sink.last(1).filled_quantity, qty("0.01"));
}

TEST_F(BinanceGateway, StreamDroppedMidwayMissesNoFill) {
  start();
  wait_ready();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  const auto keys_asked = venue.requests("POST", "/api/v3/userDataStream");
  venue.drop_stream();
  venue.fill(cid(1), 0.01, 50000);  // while no one listens
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::filled); }));
  EXPECT_EQ(sink.fills(1).size(), 1u);
  // A key before every connect.
  EXPECT_TRUE(eventually([&] { return venue.requests("POST", "/api/v3/userDataStream") > keys_asked; }));
  EXPECT_TRUE(eventually([&] { return venue.stream_connections() >= 2; }));
}

TEST_F(BinanceGateway, ExpiredListenKeyTakesANewKeyAndLosesNothing) {
  start();
  wait_ready();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  const auto first_key = venue.listen_key();
  venue.expire_listen_key();
  venue.fill(cid(1), 0.004, 50000);
  ASSERT_TRUE(eventually([&] { return !venue.listen_key().empty() && venue.listen_key() != first_key; }));
  ASSERT_TRUE(eventually([&] { return sink.last(1).filled_quantity == qty("0.004"); }));
  const auto targets = venue.stream_targets();
  ASSERT_FALSE(targets.empty());
  EXPECT_EQ(targets.back(), "/ws/" + venue.listen_key());
  venue.fill(cid(1), 0.006, 50000);  // on the new stream
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::filled); }));
  EXPECT_EQ(sink.fills(1).size(), 2u);
}

TEST_F(BinanceGateway, RestoredOrderFoundOrNotAtVenue) {
  start();
  wait_ready();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  venue.fill(cid(1), 0.004, 50000);
  ASSERT_TRUE(eventually([&] { return sink.fills(1).size() == 1; }));
  rig.on_engine([&] { executor.reset(); });
  RecordingSink second{rig};
  start();
  auto stored = limit_buy(1);
  stored.status = OrderStatus::accepted;
  restore(stored);
  auto never_sent = limit_buy(2);
  never_sent.status = OrderStatus::new_order;
  restore(never_sent);
  rig.on_engine([&] { executor->on_tick(meridian::core::Tick{}, second); });
  ASSERT_TRUE(eventually([&] { return second.reached(2, OrderStatus::rejected); }));
  EXPECT_NE(second.last(2).reason.find("not_at_venue"), std::string::npos) << second.last(2).reason;
  ASSERT_TRUE(eventually([&] { return second.last(1).filled_quantity == qty("0.004"); }));
  EXPECT_EQ(posts(), 1u);  // nothing sent again
}

TEST_F(BinanceGateway, ClockSkewBeyondRecvWindowRefusesOrdersAndIsReported) {
  venue.clock_offset_ms = 10'000;
  start();
  ASSERT_TRUE(eventually([&] { return status().last_error.find("clock_skew") != std::string::npos; }))
      << status().last_error;
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::rejected); }));
  EXPECT_EQ(sink.last(1).reason.rfind("clock_skew: ", 0), 0u) << sink.last(1).reason;
  EXPECT_EQ(posts(), 0u);
}

TEST_F(BinanceGateway, EntriesPausedWhileTheStreamIsDown) {
  start();
  wait_ready();
  EXPECT_TRUE(status().accepting_entries);
  venue.drop_stream();
  // Down, then back and reconciled.
  ASSERT_TRUE(eventually([&] { return status().reconciliations >= 2; }));
  ASSERT_TRUE(eventually([&] { return accepting(); }));
  EXPECT_GE(status().stream_connects, 2u);
}

TEST_F(BinanceGateway, CommissionInAnotherAssetIsNotOurFee) {
  start();
  wait_ready();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  venue.commission_asset = "BNB";
  venue.fill(cid(1), 0.01, 50000);
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::filled); }));
  ASSERT_EQ(sink.fills(1).size(), 1u);
  EXPECT_TRUE(sink.fills(1)[0].fee.is_zero());
}

TEST_F(BinanceGateway, LotStepCoarserThanTheInstrumentsLotIsReported) {
  table = instruments(8);  // lot 0.00000001 against stepSize 0.0001
  start();
  ASSERT_TRUE(eventually([&] { return status().last_error.find("LOT_SIZE") != std::string::npos; }));
  const auto e = status().last_error;
  EXPECT_NE(e.find("BTCUSDT"), std::string::npos) << e;
  EXPECT_NE(e.find("0.0001"), std::string::npos) << e;
  EXPECT_NE(e.find("0.00000001"), std::string::npos) << e;
  EXPECT_NE(e.find("qty decimals"), std::string::npos) << e;
}
