// AlpacaExecutor against a fake Alpaca (REST and trade_updates stream on loopback TLS), on a
// real io_context with a recording sink: acknowledgement, partial fills over several messages,
// rejects with Alpaca's reason, 429 with Retry-After, 5xx, an answer lost after the venue took
// the order (exactly one order at the venue), cancel confirmed and cancel losing to a fill,
// expiry and reject after acceptance, replace, a stream dropped mid-way (the fills it missed
// are read back), a fill reported by both the stream and REST booked once, and refused keys.
// Two threads run the io_context: the gateway's strand (the venue, JSON) and the engine strand
// apart, as in the app; the sink checks it is only ever called on the engine strand.
#include "meridian/execution/alpaca/alpaca_executor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <future>
#include <mutex>

#include "client_rig.hpp"
#include "fake_alpaca.hpp"
#include "recording_sink.hpp"

using namespace meridian::execution;
using meridian::core::Price;
using meridian::core::Quantity;
using namespace gateway_test;
using venue_test::eventually;
using venue_test::SplitRig;
using namespace std::chrono_literals;

namespace {

meridian::core::InstrumentTable instruments() {
  meridian::core::Instrument aapl;
  aapl.symbol = "AAPL";
  aapl.venue = "nyse";
  aapl.asset_class = meridian::core::AssetClass::equity;
  aapl.currency = "USD";
  return meridian::core::InstrumentTable({aapl});
}

Order limit_buy(OrderId id, const char* quantity = "10", const char* price = "100") {
  return limit_buy_gtc(id, quantity, price);
}

class AlpacaGateway : public ::testing::Test {
 protected:
  void SetUp() override { start(kKeyId); }
  void TearDown() override {
    rig.on_engine([&] { executor.reset(); });
    EXPECT_EQ(sink.off_engine(), 0) << "the sink was called off the engine strand";
  }

  void start(const char* key_id) {
    AlpacaConfig c;
    c.rest_url = venue.rest_url();
    c.stream_url = venue.stream_url();
    c.tls.ca_file = venue_test::test_cert_path();
    c.timeouts.read = 700ms;  // the answer-lost case waits this long
    c.backoff.initial = 20ms;
    c.backoff.max = 200ms;
    c.portfolio = 7;
    c.board = board;
    c.reconcile_interval = reconcile_interval;
    c.order_rate = order_rate;
    rig.on_engine([&] {
      executor = std::make_unique<AlpacaExecutor>(
          rig.engine, rig.feed, c,
          meridian::auth::BrokerCredentials{meridian::auth::SecretText(key_id), meridian::auth::SecretText(kSecret)},
          table);
    });
  }
  // The stream is authorised and listening, and the reconciliation that follows is done: venue
  // events reach the gateway from here.
  void wait_listening(std::size_t n = 1) {
    ASSERT_TRUE(eventually([&] { return venue.listens() >= n; }));
    ASSERT_TRUE(eventually([&] { return state() == GatewayState::connected; }));
    ASSERT_TRUE(eventually([&] { return status().reconciliations >= n; }));
  }
  void submit(Order o) {
    rig.on_engine([&] { executor->submit(std::move(o), sink); });
  }
  bool cancel(OrderId id) {
    bool ok = false;
    rig.on_engine([&] { ok = executor->cancel(id, "user_cancel", sink); });
    return ok;
  }
  // Any thread: as the gateway last published it.
  GatewayState state() { return executor->status().state; }
  GatewayStatus status() { return executor->status(); }
  // An order as the journal kept it when the daemon stopped.
  void restore(Order o) {
    rig.on_engine([&] { executor->restore(std::move(o)); });
  }
  // An executor call: the sink is known to the gateway from here (on_tick is the cheapest).
  void bind() {
    rig.on_engine([&] { executor->on_tick(meridian::core::Tick{}, sink); });
  }
  // A copy of what an engine-strand query returns (a span into the executor's state).
  template <class Query>
  auto copied(Query query) {
    std::vector<std::remove_cv_t<typename decltype(query())::element_type>> out;
    rig.on_engine([&] {
      const auto view = query();
      out.assign(view.begin(), view.end());
    });
    return out;
  }
  std::vector<ExecutionReport> in_flight() {
    return copied([&] { return executor->in_flight(); });
  }
  std::vector<Order> open_orders() {
    return copied([&] { return executor->open_orders(); });
  }

  // Every stream event sent before this one has been applied once this order's cancel arrives:
  // the stream is ordered, so this proves nothing more came of the earlier ones.
  void sync_through_stream(OrderId marker) {
    submit(limit_buy(marker, "1"));
    ASSERT_TRUE(eventually([&] { return sink.reached(marker, OrderStatus::accepted); }));
    venue.cancel(cid(marker));
    ASSERT_TRUE(eventually([&] { return sink.reached(marker, OrderStatus::cancelled); }));
  }

  std::chrono::milliseconds reconcile_interval = 60s;
  std::shared_ptr<meridian::execution::VenueOrderRate> order_rate;  // none unless a test sets one
  FakeAlpaca venue;
  SplitRig rig;
  meridian::core::InstrumentTable table = instruments();
  std::shared_ptr<GatewayBoard> board = std::make_shared<GatewayBoard>();
  RecordingSink sink{rig};
  std::unique_ptr<AlpacaExecutor> executor;
};

}  // namespace

TEST_F(AlpacaGateway, PendingUntilAcknowledgedThenPartialFillsThenFilled) {
  wait_listening();
  submit(limit_buy(1));
  // Nothing is reported inside submit: the order is new_order until Alpaca answers.
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  EXPECT_EQ(sink.reports().front().order.status, OrderStatus::accepted);
  const auto venue_order = venue.order(cid(1));
  ASSERT_TRUE(venue_order);
  EXPECT_EQ(venue_order->qty, "10");
  EXPECT_EQ(venue_order->limit_price, "100");
  EXPECT_EQ(venue_order->symbol, "AAPL");
  venue.fill(cid(1), 4, 100, "e1");
  venue.fill(cid(1), 3, 101, "e2");
  venue.fill(cid(1), 3, 102.5, "e3");
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::filled); }));
  const auto fills = sink.fills(1);
  ASSERT_EQ(fills.size(), 3u);
  EXPECT_EQ(fills[0].quantity, qty("4"));
  EXPECT_EQ(fills[0].price, px("100"));
  EXPECT_EQ(fills[1].price, px("101"));
  EXPECT_EQ(fills[2].price, px("102.5"));
  EXPECT_TRUE(fills[2].fee.is_zero());
  EXPECT_EQ(sink.last(1).filled_quantity, qty("10"));
  EXPECT_EQ(venue.requests("POST", "/v2/orders"), 1u);
  EXPECT_EQ(status().fills, 3u);
  EXPECT_EQ(status().open_orders, 0u);
  // What the API reads: published by the gateway itself, on its own events.
  const auto published = board->read();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].portfolio_id, 7);
  EXPECT_EQ(published[0].state, GatewayState::connected);
  EXPECT_EQ(published[0].fills, 3u);
  EXPECT_EQ(published[0].orders_sent, 1u);
  EXPECT_EQ(published[0].account_hint, "0001");
}

TEST_F(AlpacaGateway, VenueTrafficRunsOffTheEngineStrand) {
  wait_listening();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  // The engine strand is busy: the gateway still reads the stream and books the fill on its own
  // strand; the report waits for the engine strand, in flight until then.
  std::promise<void> release;
  std::promise<void> blocked;
  boost::asio::post(rig.engine, [&] {
    blocked.set_value();
    release.get_future().wait();
  });
  blocked.get_future().wait();
  venue.fill(cid(1), 10, 100, "e1");
  const bool booked_while_blocked = eventually([&] { return status().fills == 1; });
  EXPECT_TRUE(sink.fills(1).empty());
  release.set_value();
  ASSERT_TRUE(booked_while_blocked);
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::filled); }));
  std::size_t open = 1;
  std::size_t in_flight = 1;
  rig.on_engine([&] {
    open = executor->open_orders().size();
    in_flight = executor->in_flight().size();
  });
  EXPECT_EQ(open, 0u);
  EXPECT_EQ(in_flight, 0u);
}

TEST_F(AlpacaGateway, RejectedWithAlpacasReason) {
  venue.on_post = [](std::size_t) { return FakeAlpaca::Post::reject; };
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::rejected); }));
  EXPECT_NE(sink.last(1).reason.find("insufficient buying power"), std::string::npos) << sink.last(1).reason;
  EXPECT_EQ(venue.order_count(), 0u);
  EXPECT_EQ(venue.requests("POST", "/v2/orders"), 1u);
}

TEST_F(AlpacaGateway, RateLimitedSubmitWaitsForRetryAfter) {
  venue.on_post = [](std::size_t n) { return n == 0 ? FakeAlpaca::Post::rate_limit : FakeAlpaca::Post::accept; };
  venue.retry_after = "1";
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  std::vector<std::chrono::steady_clock::time_point> posts;
  for (const auto& r : venue.request_log())
    if (r.method == "POST") posts.push_back(r.at);
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_GE(posts[1] - posts[0], 1s);  // as the server saw them: the client waited Retry-After
  EXPECT_EQ(venue.order_count(), 1u);
  EXPECT_EQ(status().rate_limited, 1u);
  EXPECT_FALSE(sink.reached(1, OrderStatus::rejected));
}

TEST_F(AlpacaGateway, ServerErrorIsResolvedByQueryBeforeResending) {
  venue.on_post = [](std::size_t n) { return n == 0 ? FakeAlpaca::Post::server_error : FakeAlpaca::Post::accept; };
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  // POST (500), GET by client order id (404: not there), POST again: in that order.
  std::vector<std::string> order_traffic;
  for (const auto& r : venue.request_log())  // reconciliation's lists aside
    if (r.target.rfind("/v2/orders?", 0) != 0 && r.target != "/v2/positions")
      order_traffic.push_back(r.method + " " + r.target);
  ASSERT_GE(order_traffic.size(), 3u);
  EXPECT_EQ(order_traffic[0], "POST /v2/orders");
  EXPECT_EQ(order_traffic[1], "GET /v2/orders:by_client_order_id?client_order_id=mrd-7-1");
  EXPECT_EQ(order_traffic[2], "POST /v2/orders");
  EXPECT_EQ(venue.order_count(), 1u);
  EXPECT_FALSE(sink.reached(1, OrderStatus::rejected));
}

TEST_F(AlpacaGateway, AnswerLostAfterAcceptanceCreatesExactlyOneOrder) {
  venue.on_post = [](std::size_t n) { return n == 0 ? FakeAlpaca::Post::accept_then_lost : FakeAlpaca::Post::accept; };
  venue.stream_silent = true;  // only the query can tell the gateway the order exists
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  EXPECT_EQ(status().lost_answers, 1u);
  EXPECT_EQ(venue.order_count(), 1u);
  EXPECT_EQ(venue.requests("POST", "/v2/orders"), 1u);
  EXPECT_EQ(venue.requests("GET", "client_order_id=mrd-7-1"), 1u);
  EXPECT_FALSE(sink.reached(1, OrderStatus::rejected));
}

TEST_F(AlpacaGateway, ServerErrorAfterAcceptanceCreatesExactlyOneOrder) {
  venue.on_post = [](std::size_t n) { return n == 0 ? FakeAlpaca::Post::accept_then_500 : FakeAlpaca::Post::accept; };
  venue.stream_silent = true;
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  EXPECT_EQ(status().lost_answers, 1u);
  EXPECT_EQ(venue.order_count(), 1u);
  EXPECT_EQ(venue.requests("POST", "/v2/orders"), 1u);
}

TEST_F(AlpacaGateway, CancelIsConfirmedByTheVenue) {
  wait_listening();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  EXPECT_TRUE(cancel(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::cancelled); }));
  EXPECT_EQ(sink.last(1).reason, "user_cancel");
  EXPECT_EQ(venue.requests("DELETE", "/v2/orders/"), 1u);
  EXPECT_EQ(venue.order(cid(1))->status, "canceled");
  EXPECT_FALSE(cancel(1));  // terminal: unknown to the gateway now
}

TEST_F(AlpacaGateway, CancelLosingToAFillBooksTheFillOnce) {
  wait_listening();
  venue.stream_silent = true;  // the fill reaches us by REST first
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  venue.fill(cid(1), 10, 100, "e1");
  EXPECT_TRUE(cancel(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::filled); }));
  EXPECT_FALSE(sink.reached(1, OrderStatus::cancelled));
  // The stream's own report of the same fill arrives late: booked already.
  venue.stream_silent = false;
  venue.push_fill_event(cid(1), 10, 100, "e1");
  sync_through_stream(2);
  ASSERT_EQ(sink.fills(1).size(), 1u);
  EXPECT_EQ(sink.fills(1)[0].quantity, qty("10"));
  EXPECT_EQ(sink.fills(1)[0].price, px("100"));
}

TEST_F(AlpacaGateway, ExpiryAndRejectAfterAcceptanceEndTheOrder) {
  wait_listening();
  submit(limit_buy(1));
  submit(limit_buy(2));
  ASSERT_TRUE(
      eventually([&] { return sink.reached(2, OrderStatus::accepted) && sink.reached(1, OrderStatus::accepted); }));
  venue.expire(cid(1));
  venue.reject_after_accept(cid(2), "halted");
  ASSERT_TRUE(
      eventually([&] { return sink.reached(1, OrderStatus::expired) && sink.reached(2, OrderStatus::rejected); }));
  EXPECT_EQ(status().open_orders, 0u);
}

TEST_F(AlpacaGateway, ReplaceMovesTheOrderToItsReplacement) {
  wait_listening();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  venue.fill(cid(1), 2, 100, "e1");
  ASSERT_TRUE(eventually([&] { return sink.fills(1).size() == 1; }));
  auto changes = limit_buy(1, "8", "99").request;
  bool sent = false;
  rig.on_engine([&] { sent = executor->replace(1, changes, sink); });
  ASSERT_TRUE(sent);
  ASSERT_TRUE(eventually([&] { return sink.last(1).request.quantity == qty("8"); }));
  const auto replacement = venue.order("mrd-7-1-r1");
  ASSERT_TRUE(replacement);
  EXPECT_EQ(replacement->qty, "6");  // what is left: Alpaca's replacement is a new order
  EXPECT_EQ(replacement->limit_price, "99");
  venue.fill("mrd-7-1-r1", 6, 99, "e2");
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::filled); }));
  EXPECT_EQ(sink.last(1).filled_quantity, qty("8"));
  EXPECT_EQ(sink.fills(1).size(), 2u);
}

TEST_F(AlpacaGateway, StreamDroppedMidwayMissesNoFill) {
  wait_listening();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  venue.fill(cid(1), 4, 100, "e1");
  ASSERT_TRUE(eventually([&] { return sink.fills(1).size() == 1; }));
  venue.stream_silent = true;
  venue.drop_stream();
  venue.fill(cid(1), 6, 102, "e2");  // while the stream is down
  venue.stream_silent = false;
  // The reconnect reads every open order back: the missed fill is booked from its totals.
  wait_listening(2);
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::filled); }));
  const auto fills = sink.fills(1);
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[1].quantity, qty("6"));
  EXPECT_EQ(fills[1].price, px("102"));  // (10 * 101.2 - 400) / 6
  EXPECT_GE(status().stream_connects, 2u);
}

TEST_F(AlpacaGateway, FillReportedByStreamAndRestIsBookedOnce) {
  wait_listening();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  venue.fill(cid(1), 4, 100, "e1");  // by the stream
  ASSERT_TRUE(eventually([&] { return sink.fills(1).size() == 1; }));
  // A reconnect reads it back by REST: the same 4, already booked.
  venue.drop_stream();
  wait_listening(2);
  ASSERT_TRUE(eventually([&] { return venue.requests("GET", "client_order_id=mrd-7-1") >= 1; }));
  // And the stream repeats it (a venue replay): still once.
  venue.push_fill_event(cid(1), 4, 100, "e1");
  sync_through_stream(2);
  EXPECT_EQ(sink.fills(1).size(), 1u);
  EXPECT_EQ(sink.last(1).filled_quantity, qty("4"));
}

TEST_F(AlpacaGateway, RestoredOrderFoundAtTheVenueBooksWhatFilledWhileDownOnce) {
  wait_listening();
  // Sent before the daemon was killed; 4 filled while it was down (the stream told no one).
  venue.place(cid(1), "10", "100");
  venue.stream_silent = true;
  venue.fill(cid(1), 4, 100, "e1");
  venue.stream_silent = false;
  auto stored = limit_buy(1);
  stored.status = OrderStatus::accepted;
  restore(stored);
  EXPECT_EQ(open_orders().size(), 1u);
  // No executor call yet, so no sink: what the venue said waits, visible as in flight.
  ASSERT_TRUE(eventually([&] { return in_flight().size() == 1; }));
  EXPECT_EQ(in_flight()[0].kind, ExecutionReport::Kind::fill);
  EXPECT_TRUE(sink.reports().empty());
  bind();
  ASSERT_EQ(sink.fills(1).size(), 1u);
  EXPECT_EQ(sink.fills(1)[0].quantity, qty("4"));
  EXPECT_EQ(sink.fills(1)[0].price, px("100"));
  // The stream replays that fill (by its execution id), then reports the rest.
  venue.push_fill_event(cid(1), 4, 100, "e1");
  venue.fill(cid(1), 6, 101, "e2");
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::filled); }));
  const auto fills = sink.fills(1);
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[1].quantity, qty("6"));
  EXPECT_EQ(fills[1].price, px("101"));
  EXPECT_EQ(sink.last(1).filled_quantity, qty("10"));
  // Asked for before anything else, and never sent again.
  EXPECT_EQ(venue.requests("GET", "client_order_id=mrd-7-1"), 1u);
  EXPECT_EQ(venue.requests("POST", "/v2/orders"), 0u);
  EXPECT_EQ(venue.order_count(), 1u);
  EXPECT_TRUE(open_orders().empty());
}

TEST_F(AlpacaGateway, RestoredOrderNotAtTheVenueIsEndedNeverResent) {
  wait_listening();
  auto pending = limit_buy(2);  // killed before (or while) its POST went out
  pending.status = OrderStatus::new_order;
  auto accepted = limit_buy(3);  // acknowledged once, unknown to the venue now
  accepted.status = OrderStatus::accepted;
  restore(pending);
  restore(accepted);
  bind();
  ASSERT_TRUE(
      eventually([&] { return sink.reached(2, OrderStatus::rejected) && sink.reached(3, OrderStatus::cancelled); }));
  EXPECT_EQ(sink.last(2).reason.rfind("not_at_venue", 0), 0u) << sink.last(2).reason;
  EXPECT_EQ(sink.last(3).reason.rfind("not_at_venue", 0), 0u) << sink.last(3).reason;
  EXPECT_EQ(venue.requests("GET", "client_order_id=mrd-7-2"), 1u);
  EXPECT_EQ(venue.requests("POST", "/v2/orders"), 0u);
  EXPECT_EQ(venue.order_count(), 0u);
  EXPECT_TRUE(open_orders().empty());
  EXPECT_TRUE(in_flight().empty());
}

TEST_F(AlpacaGateway, UnknownSymbolAndBracketAreRefusedWithoutSending) {
  auto unknown = limit_buy(1);
  unknown.request.symbol = 5;
  submit(unknown);
  auto bracket = limit_buy(2);
  bracket.request.take_profit = px("120");
  submit(bracket);
  ASSERT_TRUE(
      eventually([&] { return sink.reached(1, OrderStatus::rejected) && sink.reached(2, OrderStatus::rejected); }));
  EXPECT_NE(sink.last(1).reason.find("unknown_symbol"), std::string::npos);
  EXPECT_NE(sink.last(2).reason.find("bracket"), std::string::npos);
  EXPECT_EQ(venue.requests("POST", "/v2/orders"), 0u);
}

TEST_F(AlpacaGateway, ReconciliationReportsAVenueOrderItDoesNotKnowAndLeavesItAlone) {
  wait_listening();
  venue.place("manual-1", "5", "90");  // placed by someone else on the account
  venue.set_position("AAPL", 10, 100);
  venue.drop_stream();
  wait_listening(2);  // a reconnect reconciles
  const auto rec = status().last_reconciliation;
  EXPECT_NE(rec.at, meridian::core::Timestamp{});
  EXPECT_EQ(rec.differences, 1u);
  ASSERT_EQ(rec.details.size(), 1u);
  EXPECT_NE(rec.details[0].find("manual-1"), std::string::npos) << rec.details[0];
  EXPECT_NE(rec.details[0].find("left alone"), std::string::npos) << rec.details[0];
  EXPECT_EQ(rec.venue_open_orders, 1u);
  ASSERT_EQ(rec.held.size(), 1u);
  EXPECT_EQ(describe(rec.held[0]), "AAPL long 10");
  // Never cancelled, nothing reported to the engine about it.
  EXPECT_EQ(venue.requests("DELETE", "/v2/orders/"), 0u);
  EXPECT_EQ(venue.order("manual-1")->status, "new");
  EXPECT_TRUE(sink.reports().empty());
  const auto published = board->read();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].last_reconciliation.differences, 1u);
}

class AlpacaGatewayReconciling : public AlpacaGateway {
 protected:
  void SetUp() override {
    reconcile_interval = 300ms;
    start(kKeyId);
  }
};

TEST_F(AlpacaGatewayReconciling, AnIntervalReadsBackAnOrderTheStreamMissedAndBooksItOnce) {
  wait_listening();
  submit(limit_buy(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::accepted); }));
  const auto before = status().reconciliations;
  venue.stream_silent = true;
  venue.fill(cid(1), 10, 100, "e1");  // the stream never tells: the stream stays up
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::filled); }));
  EXPECT_GT(status().reconciliations, before);
  ASSERT_EQ(sink.fills(1).size(), 1u);
  EXPECT_EQ(sink.fills(1)[0].price, px("100"));
  // The stream's late report of the same execution books nothing more.
  venue.stream_silent = false;
  venue.push_fill_event(cid(1), 10, 100, "e1");
  sync_through_stream(2);
  EXPECT_EQ(sink.fills(1).size(), 1u);
  EXPECT_EQ(venue.requests("POST", "/v2/orders"), 2u);  // order 1 and the marker, once each
}

// Issue 15: a lost stream pauses new entries until the stream is back and a reconciliation has
// ended since; a reconciliation that fails keeps them paused until one succeeds. Every flip is
// published (the /ws `gateway` message), and the engine's query answers the same.
TEST_F(AlpacaGatewayReconciling, ALostStreamPausesEntriesUntilReconciledAgain) {
  std::mutex mutex;
  std::vector<std::pair<GatewayState, bool>> seen;
  board->on_state_change([&](const GatewayStatus& s) {
    std::lock_guard lock(mutex);
    seen.emplace_back(s.state, s.accepting_entries);
  });
  const auto accepting = [&] {
    bool open = false;
    rig.on_engine([&] { open = executor->accepting_entries(); });
    return open;
  };
  wait_listening();
  ASSERT_TRUE(eventually(accepting));
  EXPECT_TRUE(status().accepting_entries);

  venue.open_orders_fail = true;
  const auto failed_before = venue.requests("GET", "/v2/orders?status=open");
  venue.drop_stream();
  ASSERT_TRUE(eventually([&] { return venue.listens() >= 2 && state() == GatewayState::connected; }));
  // Connected again, but no reconciliation has succeeded since: entries stay paused, through
  // several failed attempts (the interval is 300 ms).
  ASSERT_TRUE(eventually([&] { return venue.requests("GET", "/v2/orders?status=open") >= failed_before + 3; }));
  EXPECT_EQ(state(), GatewayState::connected);
  EXPECT_FALSE(status().accepting_entries);
  EXPECT_FALSE(accepting());

  venue.open_orders_fail = false;
  ASSERT_TRUE(eventually(accepting));
  EXPECT_TRUE(status().accepting_entries);
  board->on_state_change(nullptr);
  std::lock_guard lock(mutex);
  // Up and reconciled, the stream lost (paused), back but paused until the reconciliation.
  const std::vector<std::pair<GatewayState, bool>> expected{{GatewayState::connected, true},
                                                            {GatewayState::disconnected, false},
                                                            {GatewayState::connecting, false},
                                                            {GatewayState::connected, false},
                                                            {GatewayState::connected, true}};
  ASSERT_GE(seen.size(), expected.size());
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), seen.end() - static_cast<std::ptrdiff_t>(expected.size())))
      << "the last published states and entries were not the expected sequence";
}

class AlpacaGatewayRateLimited : public AlpacaGateway {
 protected:
  void SetUp() override {
    order_rate = std::make_shared<meridian::execution::VenueOrderRate>(2, 1h);
    start(kKeyId);
  }
};

// Issue 15: beyond the account's order rate a new order is rejected at once and never sent;
// an order refused for another reason takes no slot; cancels are never limited.
TEST_F(AlpacaGatewayRateLimited, AnOrderBeyondTheRateIsRejectedWithoutBeingSent) {
  wait_listening();
  auto bad = limit_buy(9);
  bad.request.symbol = 999;  // refused before the limiter: takes no slot
  submit(bad);
  submit(limit_buy(1));
  submit(limit_buy(2));
  submit(limit_buy(3));
  ASSERT_TRUE(eventually([&] { return sink.reached(9, OrderStatus::rejected); }));
  ASSERT_TRUE(eventually([&] { return sink.reached(3, OrderStatus::rejected); }));
  EXPECT_NE(sink.last(3).reason.find("venue_order_rate"), std::string::npos) << sink.last(3).reason;
  ASSERT_TRUE(
      eventually([&] { return sink.reached(1, OrderStatus::accepted) && sink.reached(2, OrderStatus::accepted); }));
  EXPECT_EQ(venue.requests("POST", "/v2/orders"), 2u);
  EXPECT_FALSE(venue.order(cid(3)).has_value());
  EXPECT_TRUE(cancel(1));
  ASSERT_TRUE(eventually([&] { return sink.reached(1, OrderStatus::cancelled); }));
  EXPECT_EQ(order_rate->used(), 2u);
}

class AlpacaGatewayBadKeys : public AlpacaGateway {
 protected:
  void SetUp() override { start("PKWRONGKEY01"); }
};

TEST_F(AlpacaGatewayBadKeys, RefusedKeysStopTheStream) {
  ASSERT_TRUE(eventually([&] { return state() == GatewayState::auth_failed; }));
  const auto st = status();
  EXPECT_EQ(st.account_hint, "EY01");
  EXPECT_EQ(st.last_error.find(kSecret), std::string::npos);
  EXPECT_EQ(venue.listens(), 0u);
  EXPECT_EQ(venue.stream_connections(), 1u);
}
