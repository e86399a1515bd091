#pragma once
// A live gateway's executor calls on the engine strand, venue-neutral (Alpaca, Binance): the
// checks every venue makes before an order is queued (id, validation, instrument, what the venue
// cannot take, the account's order rate, last), the engine's view kept by the front, and the
// calls posted to the gateway's strand (gateway_core.hpp). The executors are thin over this.
// Internal to the gateway module.
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "gateway_core.hpp"
#include "gateway_front.hpp"
#include "meridian/core/instrument.hpp"
#include "meridian/execution/venue_order_rate.hpp"

namespace meridian::execution {

struct VenueRules {
  // Why the venue cannot take this request (rejected "unsupported: ..."), or nullopt.
  std::optional<std::string> (*unsupported)(const OrderRequest&) = nullptr;
  // Completes "venue_order_rate: at most N " for an order beyond the rate: "new orders a minute
  // go to alpaca (--alpaca-orders-per-minute)".
  std::string rate_text;
  bool replaces = true;  // whether the venue can replace an order (else replace says no)
};

class GatewayEngineSide {
 public:
  // Builds the stream (throws for a bad URL or CA file) and starts the gateway on its strand.
  GatewayEngineSide(std::shared_ptr<GatewayFront> front, std::shared_ptr<GatewayCore> core,
                    const core::InstrumentTable& instruments, std::shared_ptr<VenueOrderRate> order_rate,
                    VenueRules rules);
  // The front on `engine_strand`, the core on `io_strand` with `venue`, and this over both.
  static std::unique_ptr<GatewayEngineSide> make(boost::asio::any_io_executor engine_strand,
                                                 boost::asio::any_io_executor io_strand, GatewayConfig settings,
                                                 std::unique_ptr<VenueApi> venue, std::string account_hint,
                                                 const core::InstrumentTable& instruments, VenueRules rules);
  // Off the board now; the gateway stops on its strand after whatever it is running.
  ~GatewayEngineSide();
  GatewayEngineSide(const GatewayEngineSide&) = delete;
  GatewayEngineSide& operator=(const GatewayEngineSide&) = delete;

  void submit(Order order, ExecutionSink& sink);
  bool cancel(OrderId id, std::string_view reason, ExecutionSink& sink);
  bool replace(OrderId id, const OrderRequest& changes, ExecutionSink& sink);
  void bind(ExecutionSink& sink) { front_->bind(sink); }
  void restore(Order order);
  std::span<const Order> open_orders() const noexcept { return front_->open; }
  bool accepting_entries() const noexcept { return front_->entries.load(std::memory_order_acquire); }
  std::span<const ExecutionReport> in_flight() const noexcept;
  GatewayStatus status() const { return core_->last_published(); }

 private:
  std::shared_ptr<GatewayFront> front_;
  std::shared_ptr<GatewayCore> core_;
  const core::InstrumentTable& instruments_;
  std::shared_ptr<VenueOrderRate> order_rate_;
  VenueRules rules_;
};

}  // namespace meridian::execution
