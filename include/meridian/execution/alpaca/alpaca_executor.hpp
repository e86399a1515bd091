#pragma once
// The Alpaca gateway: an asynchronous Executor that trades through Alpaca's trading API (REST
// orders, the trade_updates stream), against the paper endpoint or the live one alike.
//
// Contract (issue 15):
// - Two strands. The engine strand (the one it is given) constructs, calls and destroys it;
//   those calls only check what needs no venue, queue the work for the gateway's own strand
//   (a new one on the same io_context unless given) and return. Everything that waits on or
//   reads the venue (REST, TLS, the stream, JSON) runs on the gateway's strand. Reports made
//   there are handed to the engine strand (one drain posted at a time) and given to the sink
//   there: report, then reports_arrived. Until then in_flight() shows them, so the sink's
//   queries count them. open_orders() is the engine's view: the orders submitted or restored,
//   as the reports handed over left them.
// - submit: the order is new_order until Alpaca answers. 2xx: accepted (or further: the answer
//   is the order as Alpaca holds it). 4xx: rejected with Alpaca's message. A lost answer
//   (transport error, timeout, 5xx) is resolved by GET /v2/orders:by_client_order_id before
//   anything is re-sent: found, the order stands; not found (404), the POST is sent again with
//   the same client order id, which Alpaca refuses to take twice (422, then resolved again).
//   So an order reaches Alpaca at most once, and is never reported rejected while it may exist.
// - A new order beyond the account's order rate (config.order_rate) is rejected at once,
//   "venue_order_rate: ...", and never sent; cancels are never limited.
// - 429: every request waits for Retry-After (or 5 s), then the refused one goes first.
// - cancel: DELETE /v2/orders/{id} (once Alpaca acknowledged the order: a cancel before that
//   waits for the acknowledgement), then the order is read back; the stream's "canceled" or a
//   fill that won the race ends it. replace: PATCH with a new client order id (a new venue
//   order); its lost answer is resolved by that id too.
// - The stream: auth, listen, and after every (re)connect each open order is read back by its
//   client order id, so fills made while it was down are booked (once: GatewayOrders).
// - restore (an order open when the daemon stopped, acknowledged or not): the venue is asked for
//   it by its client order id before anything else. Found: its state and fills are taken. Not
//   found (404): it never got there, and ends "not_at_venue" (rejected if it was never
//   acknowledged, else cancelled); it is never sent again.
// - New entries (accepting_entries) only while the stream is up and a reconciliation has ended
//   since it came up: a lost stream pauses them until then; exits still go.
// - Reconciliation, after every stream (re)connect and every reconcile_interval: the venue's open
//   orders (GET /v2/orders?status=open) against ours. An order the venue has and we do not is
//   reported (log at warn, the status), never cancelled; an order of ours the venue no longer has
//   open is read back by its client order id (its fills booked once). The venue's positions
//   (GET /v2/positions) are recorded in the status; comparing them with the ledger is the
//   engine's (the gateway knows orders, not the ledger).
// - Fees are zero (Alpaca charges no commission); market orders are priced at the touch.
// - Keys are only ever sent to Alpaca (headers, the stream's auth): never logged or shown.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "meridian/auth/broker_credentials.hpp"
#include "meridian/core/instrument.hpp"
#include "meridian/execution/executor.hpp"
#include "meridian/execution/gateway_status.hpp"
#include "meridian/execution/venue_order_rate.hpp"
#include "meridian/transport/backoff.hpp"
#include "meridian/transport/https_client.hpp"
#include "meridian/transport/tls.hpp"

namespace meridian::execution {

class GatewayEngineSide;

struct AlpacaConfig {
  std::string rest_url = "https://paper-api.alpaca.markets";
  std::string stream_url = "wss://paper-api.alpaca.markets/stream";
  transport::TlsOptions tls;
  transport::HttpTimeouts timeouts;
  // Stream reconnects, and retries of lost answers (queries, cancels).
  transport::BackoffConfig backoff;
  std::chrono::milliseconds stream_idle_timeout{30'000};
  std::int64_t portfolio = 0;                          // names the portfolio in client order ids
  std::size_t connections = 4;                         // REST requests in flight at once
  std::chrono::milliseconds default_rate_wait{5'000};  // a 429 without Retry-After
  // Reconciliation with the venue: after every stream (re)connect and this often (0: only then).
  std::chrono::milliseconds reconcile_interval{60'000};
  // Where the status is published after every event (null: nowhere); removed on destruction.
  std::shared_ptr<GatewayBoard> board;
  // The account's order-rate limit, shared by every portfolio trading on it (null: none). A new
  // order beyond it is rejected at once ("venue_order_rate: ..."), never sent.
  std::shared_ptr<VenueOrderRate> order_rate;
};

class AlpacaExecutor final : public Executor {
 public:
  // Starts the stream on `io_strand`, a strand other than `engine_strand` on the same io_context
  // (which must outlive the executor: destruction posts the gateway's end there). `instruments`
  // outlives the executor. Throws std::invalid_argument for a bad URL or CA file.
  AlpacaExecutor(boost::asio::any_io_executor engine_strand, boost::asio::any_io_executor io_strand,
                 AlpacaConfig config, auth::BrokerCredentials keys, const core::InstrumentTable& instruments);
  // The same on a new strand beside `engine_strand` (transport::strand_beside).
  AlpacaExecutor(boost::asio::any_io_executor engine_strand, AlpacaConfig config, auth::BrokerCredentials keys,
                 const core::InstrumentTable& instruments);
  ~AlpacaExecutor() override;
  AlpacaExecutor(const AlpacaExecutor&) = delete;
  AlpacaExecutor& operator=(const AlpacaExecutor&) = delete;

  void submit(Order order, ExecutionSink& sink) override;
  bool cancel(OrderId id, std::string_view reason, ExecutionSink& sink) override;
  bool replace(OrderId id, const OrderRequest& changes, ExecutionSink& sink) override;
  void on_tick(const core::Tick& tick, ExecutionSink& sink) override;
  void restore(Order order) override;
  std::optional<core::Money> fee_for(core::SymbolId symbol, core::Price price, core::Quantity quantity,
                                     Liquidity liquidity) const noexcept override;
  core::Price market_price(core::Side side, core::Quantity quantity, const core::Tick& touch) const noexcept override;
  std::span<const Order> open_orders() const noexcept override;
  std::string_view name() const noexcept override { return "alpaca"; }
  std::span<const ExecutionReport> in_flight() const noexcept override;
  // Only while the trade_updates stream is up and a reconciliation has ended since it came up.
  bool accepting_entries() const noexcept override;

  // Any thread: how the gateway is doing, as it last published it (GET /api/gateway/status).
  GatewayStatus status() const;

 private:
  // The engine strand's side, over the venue-neutral gateway core on its own strand.
  std::unique_ptr<GatewayEngineSide> side_;
};

}  // namespace meridian::execution
