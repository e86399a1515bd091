#pragma once
// Paper executor: the one fill model for live paper trading and backtests.
//  - No look-ahead: an order fills only on a tick with ts >= eligible_at (created + latency)
//    and strictly after the tick it was decided on.
//  - Market orders (and triggered stops) fill at the touch (ask for buys, bid for sells)
//    moved against the order by slippage: fixed_bps + impact_bps * sqrt(qty / recent volume),
//    at most max_slippage_bps, rounded to the instrument's tick against the order.
//  - Limit orders fill when the market trades through the limit (buy: ask <= limit), at the
//    limit; maker fee if it rested, taker if it was marketable when it became eligible. A
//    marketable limit (or a triggered stop_limit) takes at the market price capped by its
//    limit (buy: min(limit, market price)) for as long as it stays marketable; once it has
//    rested, later fills are maker fills at the limit. A replace re-enters the book.
//  - Stops trigger when last trades through the stop; stop_limit then rests as a limit.
//    Trailing stops ratchet their stop from the best price since acceptance.
//  - At most max_participation of a tick's volume fills per tick (zero-volume quotes are not
//    capped): larger orders fill partially over several ticks. IOC fills what the first
//    eligible tick allows and cancels the rest; FOK fills all on that tick or expires.
//    DAY orders expire at expires_at.
//  - Brackets: the entry's fills place/enlarge a take-profit limit and a stop-loss stop on the
//    other side (reduce-only, GTC, linked OCO): a fill of one reduces the other, and when one
//    completes the other is cancelled.
//  - Submit also rejects an order id of 0 or one already open ("invalid_order_id",
//    "duplicate_order_id"), an unknown symbol ("unknown_symbol") and a quantity that is not whole
//    lots of the instrument ("invalid_lot"); the reason is "code: message".
//  - Recent volume is an EWMA over ticks with volume (quotes without volume do not count); with
//    none yet, only the fixed slippage applies. A needed side quoted as zero means no fill: wait.
//  - Trailing stops move only on ticks the order may fill on; a move is reported.
// No allocation per tick: open orders live in a reserved vector; the per-symbol recent volume
// is a fixed array. Reports only queue at the sink; the sink's queries must not call back.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "meridian/core/instrument.hpp"
#include "meridian/execution/executor.hpp"

namespace meridian::execution {

struct FeeSchedule {
  double maker_bps = 0.0;
  double taker_bps = 10.0;
  core::Money fixed{};  // per fill
};

struct PaperConfig {
  FeeSchedule fees{};                                           // venues not listed below
  std::vector<std::pair<std::string, FeeSchedule>> venue_fees;  // by Instrument::venue
  double slippage_bps = 1.0;
  double impact_bps = 10.0;  // at an order as large as the recent volume per tick
  double max_slippage_bps = 100.0;
  double max_participation = 1.0;  // share of a tick's volume one order may take, (0, 1]
  core::Duration latency{};        // decision to earliest fill

  // Fills at the touch with one fee for maker and taker and no slippage: figures a test or a
  // reconciliation can work out by hand.
  static PaperConfig at_touch(double fee_bps) {
    PaperConfig c;
    c.fees = {fee_bps, fee_bps, {}};
    c.slippage_bps = 0;
    c.impact_bps = 0;
    return c;
  }
};

class PaperExecutor final : public Executor {
 public:
  PaperExecutor(PaperConfig config, const core::InstrumentTable& instruments);

  void submit(Order order, ExecutionSink& sink) override;
  bool cancel(OrderId id, std::string_view reason, ExecutionSink& sink) override;
  bool replace(OrderId id, const OrderRequest& changes, ExecutionSink& sink) override;
  void on_tick(const core::Tick& tick, ExecutionSink& sink) override;
  std::span<const Order> open_orders() const noexcept override { return open_; }
  std::string_view name() const noexcept override { return "paper"; }

  // Recovery: puts back an open order as it was stored (no events). Throws std::invalid_argument
  // for an order that is not open (accepted, partially_filled), an unknown symbol or a known id.
  void restore(Order order) override;
  // What a fill of `quantity` at `price` would cost (risk checks size with it).
  std::optional<core::Money> fee_for(core::SymbolId symbol, core::Price price, core::Quantity quantity,
                                     Liquidity liquidity = Liquidity::taker) const noexcept override;
  // The price a market order of `quantity` would get against `touch` (risk checks use it).
  core::Price market_price(core::Side side, core::Quantity quantity, const core::Tick& touch) const noexcept override;
  const PaperConfig& config() const noexcept { return config_; }

 private:
  // Per open order, parallel to open_ (same index): what the executor needs beyond Order.
  struct Working {
    core::Timestamp decided{};  // the last decision (submit or replace): fills need data after it
    bool rested = false;        // was in the book unmarketable once: later fills are maker
  };
  // Bracket settings of an entry, copied before callbacks so legs can be placed afterwards.
  struct BracketPlan {
    OrderId entry = 0;
    core::SymbolId symbol = 0;
    core::Side side = core::Side::buy;  // the legs' side
    core::Price take_profit{};
    core::Price stop_loss{};
    core::Price trail_amount{};
    double trail_percent = 0.0;
    std::uint64_t strategy_id = 0;
  };

  std::optional<std::size_t> find_open(OrderId id) const noexcept;
  core::Result<void, RequestError> check_for_book(const Order& order) const;
  void add_open(Order order, core::Timestamp decided);
  void erase_at(std::size_t index) noexcept;
  // Moves the order out of the book, then reports it terminal.
  void finish(std::size_t index, OrderStatus status, std::string_view reason, core::Timestamp ts, ExecutionSink& sink);
  void match_current(const core::Tick& tick, ExecutionSink& sink);
  void fill_current(const core::Tick& tick, core::Quantity quantity, core::Price price, Liquidity liquidity,
                    ExecutionSink& sink);
  void place_bracket(const BracketPlan& plan, core::Quantity quantity, core::Timestamp ts, ExecutionSink& sink);
  void after_leg_fill(OrderId sibling, core::Quantity quantity, bool completed, core::Timestamp ts,
                      ExecutionSink& sink);
  // Trailing stops: follow `last` and move the stop in the order's favour; true if it moved.
  bool ratchet(Order& order, core::Price last) const noexcept;
  core::Quantity participation_cap(const core::Tick& tick) const noexcept;

  PaperConfig config_;
  const core::InstrumentTable& instruments_;
  std::vector<FeeSchedule> fees_;      // by SymbolId
  std::vector<double> recent_volume_;  // by SymbolId: EWMA of volume per trading tick
  std::vector<core::Tick> last_tick_;  // by SymbolId
  std::vector<Order> open_;            // in submission order, for deterministic matching
  std::vector<Working> working_;       // parallel to open_
  // Open orders per symbol, and open DAY orders (they expire on any symbol's tick): a tick of a
  // symbol with no order and no DAY order pending skips the scan of the book.
  std::vector<std::uint32_t> open_by_symbol_;
  std::size_t open_day_orders_ = 0;
  core::Timestamp now_{};  // the latest market time seen (cancel/replace times)
  // on_tick walks open_ by index while callbacks may cancel or submit: erase_at keeps scan_
  // on the order being matched, or flags that it is gone.
  bool scanning_ = false;
  bool scan_removed_ = false;
  std::size_t scan_ = 0;
};

}  // namespace meridian::execution
