// Binance's messages (execution/binance/messages.hpp) against a fake Binance on loopback TLS,
// through the real HTTPS and WSS clients: a signed order is accepted and a badly signed or
// stale one refused with Binance's codes, the clock offset measured at connect makes a skewed
// clock's requests acceptable, filters fetched from exchangeInfo refuse what the venue would, a
// duplicate client order id is refused and the original found by its id, a 429 says when to
// retry, the user data stream's executionReports (partial fills over several messages) and a
// REST read-back book each fill once through GatewayOrders, and an expired listenKey ends the
// stream and refuses keepalives.
#include <gtest/gtest.h>

#include <future>
#include <mutex>

#include "client_rig.hpp"
#include "fake_binance.hpp"
#include "meridian/execution/binance/messages.hpp"
#include "meridian/transport/https_client.hpp"
#include "meridian/transport/rate_limit.hpp"
#include "meridian/transport/request_queue.hpp"
#include "meridian/transport/wss_client.hpp"

using namespace meridian::execution;
using namespace meridian::execution::binance;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::transport::HttpMethod;
using meridian::transport::HttpResult;
using namespace gateway_test;
using venue_test::eventually;

namespace {

std::int64_t local_ms() {
  return meridian::core::epoch_ms(meridian::core::now());
}

OrderRequest limit_buy(const char* q, const char* p) {
  OrderRequest r;
  r.type = OrderType::limit;
  r.quantity = *Quantity::parse(q);
  r.limit_price = *Price::parse(p);
  return r;
}

// The gateway's side of the wire: the real HTTPS client on a strand, one request at a time.
class Wire {
 public:
  explicit Wire(FakeBinance& venue) : venue_(venue) {}

  HttpResult call(HttpMethod method, const std::string& path_and_query, bool with_key = true) {
    std::promise<HttpResult> answer;
    std::unique_ptr<meridian::transport::HttpsClient> client;
    meridian::transport::HttpHeaders headers;
    if (with_key) headers.emplace_back("X-MBX-APIKEY", kBinanceKey);
    rig_.on_strand([&] {
      client = std::make_unique<meridian::transport::HttpsClient>(
          rig_.strand, meridian::transport::TlsOptions{venue_test::test_cert_path()},
          meridian::transport::HttpTimeouts{std::chrono::seconds(5), std::chrono::seconds(5), std::chrono::seconds(2)});
      client->request(method, venue_.rest_url() + path_and_query, {}, std::move(headers),
                      [&](HttpResult r) { answer.set_value(std::move(r)); });
    });
    auto result = answer.get_future().get();
    rig_.on_strand([&] { client.reset(); });
    return result;
  }

  // A SIGNED request: `params`, then recvWindow and the venue's time (local clock + offset),
  // then the signature under `secret`.
  HttpResult signed_call(HttpMethod method, const std::string& path, const std::string& params,
                         std::int64_t offset_ms = 0, const std::string& secret = kBinanceSecret) {
    return call(method, path + "?" + signed_query(secret, timed(params, kRecvWindowMs, local_ms() + offset_ms)));
  }

  ClockOffset measure_clock() {
    const auto sent = local_ms();
    const auto r = call(HttpMethod::get, "/api/v3/time", false);
    const auto received = local_ms();
    const auto server = parse_server_time(r.response.body);
    EXPECT_TRUE(server) << r.response.body;
    return ClockOffset::measure(sent, server.value_or(0), received);
  }

  venue_test::ClientRig& rig() { return rig_; }

 private:
  FakeBinance& venue_;
  venue_test::ClientRig rig_;
};

// The user data stream, recording every frame.
class Stream {
 public:
  Stream(venue_test::ClientRig& rig, const std::string& url) : rig_(rig) {
    meridian::transport::WssOptions options;
    options.url = url;
    options.tls.ca_file = venue_test::test_cert_path();
    options.backoff.initial = std::chrono::milliseconds(50);
    rig_.on_strand([&] {
      client_ = std::make_unique<meridian::transport::WssClient>(
          rig_.strand, options,
          meridian::transport::WssClient::Handlers{{}, [this](std::string_view f) { add(f); }, {}});
      client_->start();
    });
  }
  ~Stream() {
    rig_.on_strand([&] {
      client_->stop();
      client_.reset();
    });
  }
  bool connected() const { return client_->connected(); }
  std::vector<StreamEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::size_t count(StreamEvent::Kind kind) const {
    std::size_t n = 0;
    for (const auto& e : events()) n += e.kind == kind;
    return n;
  }

 private:
  void add(std::string_view frame) {
    std::lock_guard lock(mutex_);
    events_.push_back(parse_stream_event(frame));
  }
  venue_test::ClientRig& rig_;
  std::unique_ptr<meridian::transport::WssClient> client_;
  mutable std::mutex mutex_;
  std::vector<StreamEvent> events_;
};

std::size_t fill_reports(const std::vector<ExecutionReport>& reports) {
  std::size_t n = 0;
  for (const auto& r : reports) n += r.kind == ExecutionReport::Kind::fill;
  return n;
}

}  // namespace

TEST(BinanceWire, SignedOrderIsAcceptedExactly) {
  FakeBinance venue;
  Wire wire(venue);
  const auto r = wire.signed_call(HttpMethod::post, "/api/v3/order",
                                  order_params(limit_buy("0.0123", "50000.01"), "BTCUSDT", "mrd-7-42"));
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.response.status, 200U) << r.response.body;
  std::string error;
  const auto u = parse_order(r.response.body, error);
  ASSERT_TRUE(u) << error;
  EXPECT_EQ(u->client_order_id, "mrd-7-42");
  EXPECT_EQ(u->state, VenueOrderState::working);
  const auto held = venue.order("mrd-7-42");
  ASSERT_TRUE(held);
  EXPECT_EQ(u->venue_order_id, std::to_string(held->id));
  EXPECT_EQ(held->quantity, "0.0123");
  EXPECT_EQ(held->price, "50000.01");
  EXPECT_EQ(held->type, "LIMIT");
  EXPECT_EQ(held->time_in_force, "GTC");
  // The headers say what is left of the limits.
  const auto headroom = rate_headroom(r.response, RateLimits{});
  EXPECT_EQ(headroom.weight_1m, 6000 - 1);
  EXPECT_EQ(headroom.orders_10s, 100 - 1);
  EXPECT_EQ(headroom.orders_1d, 200000 - 1);
}

TEST(BinanceWire, BadSignatureAndMissingKeyAreRefused) {
  FakeBinance venue;
  Wire wire(venue);
  const auto params = order_params(limit_buy("0.01", "50000"), "BTCUSDT", "mrd-7-1");
  const auto bad = wire.signed_call(HttpMethod::post, "/api/v3/order", params, 0, "not-the-secret");
  ASSERT_TRUE(bad.ok()) << bad.error;
  EXPECT_EQ(bad.response.status, 400U);
  EXPECT_EQ(parse_error(bad.response.body).value_or(VenueError{}).code, kInvalidSignature);
  // A parameter changed after signing: the signature no longer covers what is sent.
  auto tampered = signed_query(kBinanceSecret, timed(params, kRecvWindowMs, local_ms()));
  tampered.replace(tampered.find("quantity=0.01"), 13, "quantity=0.02");
  EXPECT_EQ(
      parse_error(wire.call(HttpMethod::post, "/api/v3/order?" + tampered).response.body).value_or(VenueError{}).code,
      kInvalidSignature);
  const auto keyless = wire.call(
      HttpMethod::get, "/api/v3/openOrders?" + signed_query(kBinanceSecret, timed("", 5000, local_ms())), false);
  EXPECT_EQ(keyless.response.status, 401U);
  EXPECT_EQ(parse_error(keyless.response.body).value_or(VenueError{}).code, -2015);
  EXPECT_EQ(venue.order_count(), 0U);
}

TEST(BinanceWire, ClockOffsetMakesASkewedClockAcceptableAndAWildOneIsRefused) {
  FakeBinance venue;
  venue.clock_offset_ms = 7000;  // the venue runs 7 s ahead of us: our raw timestamps are stale
  Wire wire(venue);
  const auto stale = wire.signed_call(HttpMethod::get, "/api/v3/openOrders", "symbol=BTCUSDT");
  EXPECT_EQ(stale.response.status, 400U);
  EXPECT_EQ(parse_error(stale.response.body).value_or(VenueError{}).code, kInvalidTimestamp);
  const auto clock = wire.measure_clock();
  EXPECT_NEAR(static_cast<double>(clock.offset_ms), 7000.0, static_cast<double>(clock.round_trip_ms) / 2 + 50);
  // 7 s is beyond a 5 s window: reported and orders refused by the gateway, though a corrected
  // timestamp is accepted by the venue.
  EXPECT_TRUE(clock.skew_exceeds(kRecvWindowMs));
  EXPECT_FALSE(clock.skew_exceeds(60000));
  const auto corrected = wire.signed_call(HttpMethod::get, "/api/v3/openOrders", "symbol=BTCUSDT", clock.offset_ms);
  EXPECT_EQ(corrected.response.status, 200U) << corrected.response.body;
  // A request ahead of the venue by more than a second is refused too.
  const auto ahead = wire.signed_call(HttpMethod::get, "/api/v3/openOrders", "symbol=BTCUSDT", clock.offset_ms + 3000);
  EXPECT_EQ(parse_error(ahead.response.body).value_or(VenueError{}).code, kInvalidTimestamp);
  venue.clock_offset_ms = -200;
  EXPECT_FALSE(wire.measure_clock().skew_exceeds(kRecvWindowMs));
}

TEST(BinanceWire, FiltersFetchedFromExchangeInfoAreApplied) {
  FakeBinance venue;
  Wire wire(venue);
  const auto r = wire.call(HttpMethod::get, "/api/v3/exchangeInfo", false);
  std::string error;
  const auto info = parse_exchange_info(r.response.body, error);
  ASSERT_TRUE(info) << error;
  const auto* btc = info->find("BTCUSDT");
  ASSERT_NE(btc, nullptr);
  const auto off_grid = limit_buy("0.00015", "50000");
  EXPECT_EQ(check(*btc, off_grid, {}), "LOT_SIZE: quantity 0.00015 is not a multiple of stepSize 0.0001");
  EXPECT_EQ(check(*btc, limit_buy("0.0001", "49999.99"), {}), "NOTIONAL: notional 4.999999 is below minNotional 5");
  // On the grid it passes, and the venue takes it as sent.
  const auto on_grid = limit_buy("0.0001", "50000");
  ASSERT_FALSE(check(*btc, on_grid, {}));
  const auto sent = wire.signed_call(HttpMethod::post, "/api/v3/order", order_params(on_grid, "BTCUSDT", "mrd-7-2"));
  EXPECT_EQ(sent.response.status, 200U) << sent.response.body;
  EXPECT_EQ(venue.order("mrd-7-2").value_or(BinanceOrder{}).quantity, "0.0001");
}

TEST(BinanceWire, DuplicateClientOrderIdIsRefusedAndTheOriginalFoundByIt) {
  FakeBinance venue;
  Wire wire(venue);
  const auto params = order_params(limit_buy("0.01", "50000"), "BTCUSDT", "mrd-7-3");
  ASSERT_EQ(wire.signed_call(HttpMethod::post, "/api/v3/order", params).response.status, 200U);
  const auto again = wire.signed_call(HttpMethod::post, "/api/v3/order", params);
  EXPECT_EQ(again.response.status, 400U);
  const auto e = parse_error(again.response.body);
  ASSERT_TRUE(e) << again.response.body;
  EXPECT_EQ(e->code, kNewOrderRejected);
  EXPECT_EQ(e->message, "Duplicate order sent.");
  EXPECT_EQ(venue.order_count(), 1U);
  // What a gateway whose answer was lost does before anything else: ask by the id.
  const auto found = wire.signed_call(HttpMethod::get, "/api/v3/order", client_id_params("BTCUSDT", "mrd-7-3"));
  std::string error;
  const auto u = parse_order(found.response.body, error);
  ASSERT_TRUE(u) << error << found.response.body;
  EXPECT_EQ(u->client_order_id, "mrd-7-3");
  const auto missing = wire.signed_call(HttpMethod::get, "/api/v3/order", client_id_params("BTCUSDT", "mrd-7-99"));
  EXPECT_EQ(parse_error(missing.response.body).value_or(VenueError{}).code, kNoSuchOrder);
}

TEST(BinanceWire, LostAnswerIsResolvedByQueryingTheId) {
  FakeBinance venue;
  venue.on_post = [](std::size_t) { return FakeBinance::Post::accept_then_lost; };
  Wire wire(venue);
  const auto lost = wire.signed_call(HttpMethod::post, "/api/v3/order",
                                     order_params(limit_buy("0.01", "50000"), "BTCUSDT", "mrd-7-4"));
  EXPECT_FALSE(lost.ok());  // timed out: the venue may or may not have the order
  const auto found = wire.signed_call(HttpMethod::get, "/api/v3/order", client_id_params("BTCUSDT", "mrd-7-4"));
  std::string error;
  ASSERT_TRUE(parse_order(found.response.body, error)) << error;
  EXPECT_EQ(venue.order_count(), 1U);
}

TEST(BinanceWire, RateLimitSaysWhenToRetryAndRejectsCarryTheReason) {
  FakeBinance venue;
  venue.on_post = [](std::size_t n) {
    return n == 0   ? FakeBinance::Post::rate_limit
           : n == 1 ? FakeBinance::Post::reject
                    : FakeBinance::Post::server_error;
  };
  venue.retry_after = "3";
  Wire wire(venue);
  const auto params = order_params(limit_buy("0.01", "50000"), "BTCUSDT", "mrd-7-5");
  const auto limited = wire.signed_call(HttpMethod::post, "/api/v3/order", params);
  EXPECT_EQ(limited.response.status, 429U);
  const auto wait = meridian::transport::rate_limit_wait(limited.response, std::chrono::system_clock::now(), {});
  EXPECT_EQ(wait, std::chrono::milliseconds(3000));
  EXPECT_EQ(parse_error(limited.response.body).value_or(VenueError{}).code, -1003);
  const auto rejected = wire.signed_call(HttpMethod::post, "/api/v3/order", params);
  EXPECT_EQ(error_message(rejected.response.body), "-2010 Account has insufficient balance for requested action.");
  // A 5xx says nothing about the order: a gateway asks by the id before sending again.
  const auto failed = wire.signed_call(HttpMethod::post, "/api/v3/order", params);
  EXPECT_EQ(failed.response.status, 503U);
  EXPECT_EQ(parse_error(failed.response.body).value_or(VenueError{}).code, -1001);
  EXPECT_EQ(venue.order_count(), 0U);
}

TEST(BinanceWire, ASignedRequestHeldByARateLimitIsStampedAgainWhenSent) {
  FakeBinance venue;
  venue.on_post = [](std::size_t n) { return n == 0 ? FakeBinance::Post::rate_limit : FakeBinance::Post::accept; };
  venue.retry_after = "1";  // longer than the request's recvWindow below: a re-send as it was is stale
  Wire wire(venue);
  const auto params = order_params(limit_buy("0.01", "50000"), "BTCUSDT", "mrd-7-8");
  std::promise<HttpResult> answer;
  std::unique_ptr<meridian::transport::RequestQueue> queue;
  int stamps = 0;
  wire.rig().on_strand([&] {
    queue = std::make_unique<meridian::transport::RequestQueue>(
        wire.rig().strand, meridian::transport::TlsOptions{venue_test::test_cert_path()},
        meridian::transport::HttpTimeouts{}, 1, meridian::transport::RateLimitPolicy{});
    meridian::transport::QueuedRequest q;
    q.method = HttpMethod::post;
    q.headers = {{"X-MBX-APIKEY", kBinanceKey}};
    q.done = [&](HttpResult r) { answer.set_value(std::move(r)); };
    q.stamp = [&stamps, &params, base = venue.rest_url() + "/api/v3/order?"](meridian::transport::QueuedRequest& r) {
      ++stamps;
      r.url = base + signed_query(kBinanceSecret, timed(params, 500, local_ms()));
    };
    queue->send(std::move(q));
  });
  const auto r = answer.get_future().get();
  wire.rig().on_strand([&] { queue.reset(); });
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.response.status, 200U) << r.response.body;
  EXPECT_EQ(stamps, 2);  // the first send and the re-send after Retry-After
  EXPECT_EQ(venue.order_count(), 1U);
}

TEST(BinanceWire, OpenOrdersCancelAndBalances) {
  FakeBinance venue;
  venue.set_balance("BTC", "0.50000000", "0.01000000");
  venue.set_balance("USDT", "1000.12345678", "0.00000000");
  Wire wire(venue);
  for (const char* cid : {"mrd-7-6", "mrd-7-7"})
    ASSERT_EQ(
        wire.signed_call(HttpMethod::post, "/api/v3/order", order_params(limit_buy("0.01", "50000"), "BTCUSDT", cid))
            .response.status,
        200U);
  std::string error;
  const auto cancelled = wire.signed_call(HttpMethod::del, "/api/v3/order", client_id_params("BTCUSDT", "mrd-7-6"));
  const auto u = parse_order(cancelled.response.body, error);
  ASSERT_TRUE(u) << error;
  EXPECT_EQ(u->client_order_id, "mrd-7-6");  // origClientOrderId, not the cancel's own id
  EXPECT_EQ(u->state, VenueOrderState::cancelled);
  const auto again = wire.signed_call(HttpMethod::del, "/api/v3/order", client_id_params("BTCUSDT", "mrd-7-6"));
  EXPECT_EQ(parse_error(again.response.body).value_or(VenueError{}).code, kCancelRejected);
  const auto open =
      parse_open_orders(wire.signed_call(HttpMethod::get, "/api/v3/openOrders", "symbol=BTCUSDT").response.body, error);
  ASSERT_TRUE(open) << error;
  ASSERT_EQ(open->size(), 1U);
  EXPECT_EQ((*open)[0].client_order_id, "mrd-7-7");
  const auto balances = parse_balances(wire.signed_call(HttpMethod::get, "/api/v3/account", "").response.body, error);
  ASSERT_TRUE(balances) << error;
  ASSERT_EQ(balances->size(), 2U);
  EXPECT_EQ((*balances)[0].asset, "BTC");
  EXPECT_EQ((*balances)[0].locked, *Quantity::parse("0.01"));
  EXPECT_EQ((*balances)[1].free, *Quantity::parse("1000.12345678"));
}

TEST(BinanceWire, StreamFillsAndRestReadBackAreBookedOnce) {
  FakeBinance venue;
  Wire wire(venue);
  const auto key = parse_listen_key(wire.call(HttpMethod::post, "/api/v3/userDataStream").response.body);
  ASSERT_TRUE(key);
  Stream stream(wire.rig(), venue.stream_url(*key));
  ASSERT_TRUE(eventually([&] { return stream.connected() && venue.stream_connections() == 1; }));

  GatewayOrders book(7);
  Order order;
  order.id = 42;
  order.request = limit_buy("0.01", "50000");
  std::string cid;
  ASSERT_TRUE(book.add(order, cid));
  ASSERT_FALSE(client_order_id_error(cid));
  ASSERT_EQ(
      wire.signed_call(HttpMethod::post, "/api/v3/order", order_params(order.request, "BTCUSDT", cid)).response.status,
      200U);
  venue.fill(cid, 0.004, 49999.5);
  venue.fill(cid, 0.006, 50000);
  ASSERT_TRUE(eventually([&] { return stream.count(StreamEvent::Kind::execution_report) == 3; }));

  std::vector<ExecutionReport> reports;
  for (const auto& ev : stream.events()) {
    ASSERT_EQ(ev.kind, StreamEvent::Kind::execution_report) << ev.error;
    EXPECT_EQ(book.apply(ev.update, reports), UpdateOutcome::applied);
  }
  EXPECT_EQ(fill_reports(reports), 2U);
  EXPECT_EQ(book.executions_booked(), 2U);
  EXPECT_EQ(book.find(42), nullptr);  // filled: no longer open
  // The same fills read back over REST (after a reconnect, say): nothing booked again.
  std::string error;
  const auto read_back = parse_order(
      wire.signed_call(HttpMethod::get, "/api/v3/order", client_id_params("BTCUSDT", cid)).response.body, error);
  ASSERT_TRUE(read_back) << error;
  EXPECT_EQ(read_back->cumulative_quantity, *Quantity::parse("0.01"));
  EXPECT_EQ(read_back->average_price, *Price::parse("49999.8"));
  const auto before = reports.size();
  EXPECT_NE(book.apply(*read_back, reports), UpdateOutcome::applied);
  EXPECT_EQ(fill_reports(reports), 2U);
  EXPECT_LE(reports.size(), before);
}

TEST(BinanceWire, ExpiredListenKeyEndsTheStreamAndRefusesKeepalive) {
  FakeBinance venue;
  Wire wire(venue);
  const auto key = parse_listen_key(wire.call(HttpMethod::post, "/api/v3/userDataStream").response.body);
  ASSERT_TRUE(key);
  EXPECT_EQ(wire.call(HttpMethod::put, "/api/v3/userDataStream?listenKey=" + *key).response.status, 200U);
  Stream stream(wire.rig(), venue.stream_url(*key));
  ASSERT_TRUE(eventually([&] { return venue.stream_connections() == 1 && stream.connected(); }));
  venue.drop_stream();  // a plain drop: the key still works, the client is back on the same URL
  ASSERT_TRUE(eventually([&] { return venue.stream_connections() == 2 && stream.connected(); }));
  EXPECT_EQ(venue.stream_targets().back(), "/ws/" + *key);
  venue.expire_listen_key();
  ASSERT_TRUE(eventually([&] { return stream.count(StreamEvent::Kind::listen_key_expired) == 1; }));
  const auto keepalive = wire.call(HttpMethod::put, "/api/v3/userDataStream?listenKey=" + *key);
  EXPECT_EQ(parse_error(keepalive.response.body).value_or(VenueError{}).code, -1125);
  // A new key for a new stream.
  const auto fresh = parse_listen_key(wire.call(HttpMethod::post, "/api/v3/userDataStream").response.body);
  ASSERT_TRUE(fresh);
  EXPECT_NE(*fresh, *key);
}
