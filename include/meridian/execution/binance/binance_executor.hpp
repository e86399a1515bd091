#pragma once
// The Binance spot gateway (issue 15): orders through Binance's REST API (SIGNED requests,
// stamped with the venue's time just before each send), fills from the user data stream, on the
// venue-neutral gateway core (src/execution/gateway_core.hpp) shared with Alpaca.
//
// Contract:
// - Before any order: GET /api/v3/time (our clock against the venue's) and exchangeInfo (the
//   filters). An order before both are known is rejected "venue_not_ready: ..."; with our clock
//   off the venue's by more than recv_window, "clock_skew: ..." (and the status's last_error
//   says so) until a new measurement is within it. Every order is checked against its symbol's
//   filters as it is and rejected before sending naming the filter ("filter: LOT_SIZE: ..."):
//   nothing is ever moved onto the grid, so what the engine holds is what was sent. A LOT_SIZE
//   stepSize coarser than an instrument's lot (10^-qty_decimals) is logged at connect and put in
//   the status's last_error, naming the symbol, both values and the fix.
// - submit: POST /api/v3/order with newClientOrderId "mrd-<portfolio>-<order id>". An answer that
//   is lost (timeout, 5xx, -1021 timestamp outside recvWindow: the clock is measured again) is
//   resolved by GET /api/v3/order?origClientOrderId before anything is re-sent; a -2010
//   "Duplicate order sent." is resolved the same way. -1022/-2015 (signature, key) reject the
//   order. A 429 waits for Retry-After (the request queue) and is re-stamped when re-sent.
// - cancel: DELETE /api/v3/order by client order id, then the order is read back.
// - replace: not offered (Binance spot has no amend that keeps the priority): replace says no.
// - The user data stream: a listenKey is POSTed before every (re)connect, kept alive (PUT) every
//   keepalive_interval; listenKeyExpired (or a keepalive refused with -1125) ends the session:
//   a new key, a new stream, then every acknowledged order is read back and the venue's open
//   orders reconciled. New entries (accepting_entries) only while the stream is up and
//   reconciled since; exits still go.
// - Fees: an execution's commission is booked as the order's fee only when it is charged in the
//   symbol's quote asset; a commission in another asset (BNB, the base asset) is booked as fee
//   0, counted and logged at info (accounted outside the engine's cash).
// - A new order beyond the account's order rate (config.order_rate) is rejected at once,
//   "venue_order_rate: ...", never sent.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "meridian/auth/broker_credentials.hpp"
#include "meridian/core/instrument.hpp"
#include "meridian/execution/gateway_executor.hpp"

namespace meridian::execution {

struct BinanceConfig : GatewayConfig {
  BinanceConfig() {
    rest_url = "https://api.binance.com";
    // The user data stream's host; the path (/ws/<listenKey>) is the gateway's.
    stream_url = "wss://stream.binance.com:9443";
  }
  std::int64_t recv_window_ms = 5000;
  std::chrono::milliseconds keepalive_interval{30 * 60'000};  // PUT listenKey
};

class BinanceExecutor final : public GatewayExecutor {
 public:
  // As AlpacaExecutor: the gateway runs on `io_strand` beside `engine_strand`; `instruments`
  // outlives the executor. Throws std::invalid_argument for a bad URL or CA file.
  BinanceExecutor(boost::asio::any_io_executor engine_strand, boost::asio::any_io_executor io_strand,
                  BinanceConfig config, auth::BrokerCredentials keys, const core::InstrumentTable& instruments);
  BinanceExecutor(boost::asio::any_io_executor engine_strand, BinanceConfig config, auth::BrokerCredentials keys,
                  const core::InstrumentTable& instruments);

  // An estimate for pre-trade checks: Binance's base rate, 0.1% of the notional (the account's
  // tier and BNB discount only lower it); the fill carries the real one.
  std::optional<core::Money> fee_for(core::SymbolId symbol, core::Price price, core::Quantity quantity,
                                     Liquidity liquidity) const noexcept override;
  std::string_view name() const noexcept override { return "binance"; }
};

}  // namespace meridian::execution
