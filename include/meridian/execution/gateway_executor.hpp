#pragma once
// What every live venue gateway shares: its settings (GatewayConfig) and its executor calls
// (GatewayExecutor), which post to the venue-neutral gateway core on its own strand
// (src/execution/gateway_core.hpp). A venue's executor (AlpacaExecutor, BinanceExecutor) adds
// its settings, its name and its fee estimate.
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "meridian/execution/executor.hpp"
#include "meridian/execution/gateway_status.hpp"
#include "meridian/execution/venue_order_rate.hpp"
#include "meridian/transport/backoff.hpp"
#include "meridian/transport/https_client.hpp"
#include "meridian/transport/tls.hpp"

namespace meridian::execution {

struct GatewayConfig {
  std::string rest_url;
  std::string stream_url;
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

class GatewayEngineSide;

class GatewayExecutor : public Executor {
 public:
  ~GatewayExecutor() override;
  GatewayExecutor(const GatewayExecutor&) = delete;
  GatewayExecutor& operator=(const GatewayExecutor&) = delete;

  void submit(Order order, ExecutionSink& sink) final;
  bool cancel(OrderId id, std::string_view reason, ExecutionSink& sink) final;
  bool replace(OrderId id, const OrderRequest& changes, ExecutionSink& sink) final;
  // The venue matches; a tick only tells the gateway which sink is the engine's.
  void on_tick(const core::Tick& tick, ExecutionSink& sink) final;
  void restore(Order order) final;
  // The touch on the order's side (the last trade without one).
  core::Price market_price(core::Side side, core::Quantity quantity, const core::Tick& touch) const noexcept final;
  std::span<const Order> open_orders() const noexcept final;
  std::span<const ExecutionReport> in_flight() const noexcept final;
  // Only while the venue's stream is up and a reconciliation has ended since it came up.
  bool accepting_entries() const noexcept final;

  // Any thread: how the gateway is doing, as it last published it (GET /api/gateway/status).
  GatewayStatus status() const;

 protected:
  explicit GatewayExecutor(std::unique_ptr<GatewayEngineSide> side);

 private:
  std::unique_ptr<GatewayEngineSide> side_;
};

}  // namespace meridian::execution
