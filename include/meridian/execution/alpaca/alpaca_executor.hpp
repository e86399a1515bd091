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
#include "meridian/execution/gateway_executor.hpp"

namespace meridian::execution {

// Alpaca's defaults: paper trading.
struct AlpacaConfig : GatewayConfig {
  AlpacaConfig() {
    rest_url = "https://paper-api.alpaca.markets";
    stream_url = "wss://paper-api.alpaca.markets/stream";
  }
};

class AlpacaExecutor final : public GatewayExecutor {
 public:
  // Starts the stream on `io_strand`, a strand other than `engine_strand` on the same io_context
  // (which must outlive the executor: destruction posts the gateway's end there). `instruments`
  // outlives the executor. Throws std::invalid_argument for a bad URL or CA file.
  AlpacaExecutor(boost::asio::any_io_executor engine_strand, boost::asio::any_io_executor io_strand,
                 AlpacaConfig config, auth::BrokerCredentials keys, const core::InstrumentTable& instruments);
  // The same on a new strand beside `engine_strand` (transport::strand_beside).
  AlpacaExecutor(boost::asio::any_io_executor engine_strand, AlpacaConfig config, auth::BrokerCredentials keys,
                 const core::InstrumentTable& instruments);

  std::optional<core::Money> fee_for(core::SymbolId symbol, core::Price price, core::Quantity quantity,
                                     Liquidity liquidity) const noexcept override;
  std::string_view name() const noexcept override { return "alpaca"; }
};

}  // namespace meridian::execution
