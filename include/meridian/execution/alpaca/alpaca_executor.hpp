#pragma once
// The Alpaca gateway: an asynchronous Executor that trades through Alpaca's trading API (REST
// orders, the trade_updates stream), against the paper endpoint or the live one alike.
//
// Contract (issue 15, first slice):
// - Construct, call and destroy on the engine strand; every I/O completion runs there too, and
//   reports what happened at once (report, then reports_arrived), so nothing stays in flight.
// - submit: the order is new_order until Alpaca answers. 2xx: accepted (or further: the answer
//   is the order as Alpaca holds it). 4xx: rejected with Alpaca's message. A lost answer
//   (transport error, timeout, 5xx) is resolved by GET /v2/orders:by_client_order_id before
//   anything is re-sent: found, the order stands; not found (404), the POST is sent again with
//   the same client order id, which Alpaca refuses to take twice (422, then resolved again).
//   So an order reaches Alpaca at most once, and is never reported rejected while it may exist.
// - 429: every request waits for Retry-After (or 5 s), then the refused one goes first.
// - cancel: DELETE /v2/orders/{id} (once Alpaca acknowledged the order: a cancel before that
//   waits for the acknowledgement), then the order is read back; the stream's "canceled" or a
//   fill that won the race ends it. replace: PATCH with a new client order id (a new venue
//   order); its lost answer is resolved by that id too.
// - The stream: auth, listen, and after every (re)connect each open order is read back by its
//   client order id, so fills made while it was down are booked (once: GatewayOrders).
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
#include "meridian/transport/backoff.hpp"
#include "meridian/transport/https_client.hpp"
#include "meridian/transport/tls.hpp"

namespace meridian::execution {

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
  // Where the status is published after every event (null: nowhere); removed on destruction.
  std::shared_ptr<GatewayBoard> board;
};

class AlpacaExecutor final : public Executor {
 public:
  // Starts the stream. `instruments` outlives the executor.
  AlpacaExecutor(boost::asio::any_io_executor strand, AlpacaConfig config, auth::BrokerCredentials keys,
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

  // On the strand: how the gateway is doing (GET /api/gateway/status).
  GatewayStatus status() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace meridian::execution
