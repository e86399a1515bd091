#pragma once
// Pre-trade checks for one portfolio, shared by every strategy that trades it. Each denial has
// a code and a message; the risk state (active / reducing / halted) gates entries and exits.
// Single-threaded (the engine strand); no allocation per check.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "meridian/core/fixed.hpp"
#include "meridian/core/types.hpp"

namespace meridian::risk {

enum class Denial : std::uint8_t {
  none,
  zero_quantity,
  no_price,               // no quote to check the order against
  max_quantity,           // per order
  max_notional,           // per order
  max_position,           // notional held in the symbol after the order
  max_open_positions,     // a new symbol beyond the limit
  max_gross_exposure,     // sum of |position notional| after the order
  daily_loss,             // today's loss reached the limit: entries wait for the next UTC day
  drawdown_halt,          // drawdown from the peak reached the limit: the portfolio is halted
  halted,                 // risk state halted (by the API or the drawdown limit)
  reducing_only,          // risk state reducing: only orders that shrink a position
  order_rate,             // orders in the last minute
  price_band,             // limit/stop price too far from the last trade (fat finger)
  insufficient_cash,      // a buy would take cash below zero (no margin)
  insufficient_position,  // a sell beyond the position (no short selling)
  out_of_range,           // the order's value, fee, cash or position after it would not fit the ledger
  gateway_disconnected    // the portfolio's gateway is down or not reconciled since: entries wait
};
inline constexpr std::size_t kDenialCount = 18;
// The largest max_orders_per_minute the engine can count (its ring of order times); a larger
// limit is treated as this one, so configuration should refuse it.
inline constexpr std::uint32_t kMaxOrdersPerMinute = 4096;
std::string_view to_string(Denial d) noexcept;  // the code, e.g. "max_notional"
std::string_view describe(Denial d) noexcept;   // a sentence for the API and logs

enum class RiskState : std::uint8_t { active, reducing, halted };
std::string_view to_string(RiskState s) noexcept;
std::optional<RiskState> parse_risk_state(std::string_view s) noexcept;

// Zero (or a non-positive double) disables a limit.
struct Limits {
  core::Quantity max_order_quantity{};
  core::Money max_order_notional = core::Money::from_units(1'000'000);
  core::Money max_position_notional{};
  std::uint32_t max_open_positions = 0;
  core::Money max_gross_exposure{};
  core::Money max_daily_loss{};
  double max_drawdown = 0.0;  // fraction of peak equity, (0, 1]
  std::uint32_t max_orders_per_minute = 0;
  double price_band = 0.0;  // fraction of the last trade price, e.g. 0.1 = ±10 %
  bool allow_short = false;
};

struct OrderIntent {
  core::SymbolId symbol = 0;
  core::Side side = core::Side::buy;
  core::Quantity quantity{};
  core::Price price{};          // expected fill price (market) or the limit/stop price
  core::Price last_trade{};     // for the price band; zero skips it
  core::Money fee{};            // expected fee
  bool price_is_limit = false;  // a limit or stop price set by the caller: the band applies
  bool fee_fits = true;         // false: the fee could not be computed in range (out_of_range)
};

// The portfolio as the check needs it (the engine builds it from its live ledger).
struct PortfolioView {
  core::Money cash{};
  core::Money equity{};
  core::Quantity position{};         // in the order's symbol (negative when short)
  core::Money position_notional{};   // |position| at the expected price
  std::uint32_t open_positions = 0;  // symbols with a non-zero position
  core::Money gross_exposure{};      // sum over symbols of |position| * mark
  // The portfolio's executor takes no new entries now (a live gateway whose stream is down, or
  // not reconciled since it came back): what it would miss while down could be a fill that
  // changes the position this order is sized against. Exits still go.
  bool entries_paused = false;
};

// What the risk engine remembers between marks, so a restart resumes the same state: a
// daily-loss breach still lifts at the next UTC day, a drawdown halt still says so, and the
// day's loss so far still counts.
struct RiskMemory {
  RiskState state = RiskState::active;
  bool manual_state = false;
  bool daily_loss_hit = false;
  bool halted_by_drawdown = false;
  bool daily_loss_overridden = false;
  std::int64_t day = INT64_MIN;  // UTC day number; INT64_MIN before the first mark
  core::Money day_start_equity{};
  core::Money peak_equity{};
  core::Money last_equity{};
  bool operator==(const RiskMemory&) const = default;
};

class RiskEngine {
 public:
  explicit RiskEngine(Limits limits = {}) : limits_(limits) {}

  // Checks an order at market time `now`; on none, counts it for the order rate. An order
  // reduces risk when it shrinks |position| without crossing zero: such orders pass the
  // reducing state and the daily-loss and exposure limits (they lower exposure), but not halted.
  // Exits must always be possible unless halted, so a reducing order is also exempt from the
  // per-order size limits (it is bounded by the position it closes), the order rate (it is
  // counted, never refused) and cash; only zero_quantity, no_price, halted, the price band
  // (a fat-fingered limit price is wrong either way; a market exit never meets it) and
  // out_of_range apply. out_of_range: the order's notional, notional + fee, the cash after it
  // or the position after it would leave the ledger's range (core/fixed.hpp), so the fill
  // could never be applied.
  Denial check(const OrderIntent& order, const PortfolioView& portfolio, core::Timestamp now) noexcept;

  // Equity marked to market at `now` (the engine calls it on fills and each minute). Keeps the
  // day's opening equity (UTC days) and the peak; breaching max_daily_loss makes the state
  // reducing until the next UTC day (then active again unless someone set it by hand);
  // breaching max_drawdown halts until set_state(active) is called.
  void on_equity(core::Money equity, core::Timestamp now) noexcept;

  RiskState state() const noexcept { return state_; }
  // By the API; returns the previous state. Setting active resets the drawdown peak to the
  // current equity, so a halt does not re-trigger at once. A state set by hand survives the UTC
  // day boundary. Setting active also overrides a daily-loss breach for the rest of the UTC day
  // (the operator has seen it); leaving halted by hand for reducing resets the peak too, so the
  // positions can be unwound without the drawdown limit halting again at the next mark.
  RiskState set_state(RiskState state) noexcept;
  RiskMemory memory() const noexcept;
  void restore(const RiskMemory& m) noexcept;
  const Limits& limits() const noexcept { return limits_; }
  void set_limits(const Limits& limits) noexcept { limits_ = limits; }

  // What the status and metrics show.
  core::Money day_start_equity() const noexcept { return day_start_equity_; }
  core::Money peak_equity() const noexcept { return peak_equity_; }
  core::Money daily_pnl() const noexcept { return core::saturating_sub(last_equity_, day_start_equity_); }
  double drawdown() const noexcept;  // from the peak, as a fraction
  bool daily_loss_hit() const noexcept { return daily_loss_hit_; }
  std::uint32_t orders_last_minute(core::Timestamp now) const noexcept;
  // Checks per result, indexed by Denial; [none] counts the accepted orders.
  const std::array<std::uint64_t, kDenialCount>& denials() const noexcept { return denials_; }

 private:
  Denial evaluate(const OrderIntent& order, const PortfolioView& portfolio, core::Timestamp now) const noexcept;
  void record_order(core::Timestamp now) noexcept;

  Limits limits_;
  RiskState state_ = RiskState::active;
  bool manual_state_ = false;  // set by the API: the day boundary does not override it
  bool daily_loss_hit_ = false;
  bool halted_by_drawdown_ = false;     // denials say drawdown_halt rather than halted
  bool daily_loss_overridden_ = false;  // set_state(active) after a breach: not re-armed today
  std::int64_t day_ = INT64_MIN;        // UTC day number of day_start_equity_
  core::Money day_start_equity_{};
  core::Money peak_equity_{};
  core::Money last_equity_{};
  // Accepted order times, a ring as long as the largest rate limit we allow (no allocation).
  static constexpr std::size_t kRateWindow = kMaxOrdersPerMinute;
  std::array<core::Timestamp, kRateWindow> order_times_{};
  std::size_t order_head_ = 0;
  std::size_t order_count_ = 0;
  std::array<std::uint64_t, kDenialCount> denials_{};
};

}  // namespace meridian::risk
