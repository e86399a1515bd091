#pragma once
// One portfolio's strategy instances and the path of a closed bar through them: the venue
// calendars that gate which bars a strategy sees, warm-up from history, running each
// instance's strategy on the bar (containing one that throws), and turning a signal into the
// order request that carries it out. It places nothing: signals go to its SignalSink (the
// Portfolio), which decides whether to act and hands the request to risk and the executor.
//
// Each instance keeps its own attribution (live and durable ledgers of what it opened) and
// its closing-trade statistics (Kelly sizing); the Portfolio settles fills into them.
// Engine strand only; no locks; the bar path allocates nothing of its own.
//
// Shared indicators (strategy_host_sharing.cpp). Instances whose RSI of a period would be the
// same series read it from the host's IndicatorPool, computed once per bar, instead of each
// computing its own; every signal stays bit-identical to each instance computing alone. Why:
//  - the pool is fed every bar that passes the session gate (live and history), once, before
//    any instance runs on it, and never a replay of one instance's history (warm());
//  - a fed instance (not added or removed, not disabled) is handed exactly the bars of its
//    symbols that pass the gate: from the moment its pooled entries equal its own state,
//    both would go on bit for bit alike while it stays fed;
//  - so share() switches an instance to the pool only where that holds, checked per symbol it
//    trades: an entry that another fed instance reads must be identical() to its own state;
//    an entry no fed instance reads is set to its state. Any mismatch: it keeps its own;
//  - an instance stops being fed only by its state (added, removed) or a disable, and is fed
//    again only after warm() (init, start of a disabled one, new parameters or symbols), which
//    returns it to its own RSI, resets and replays it alone, then tries share() again; reset()
//    (restore) returns it to its own RSI too. A pooled instance that is not fed is never run.
// In practice: instances started together (from the same history at start, or initialised with
// no bar in between, or late but while the bar book still holds every bar they missed) share;
// one warmed alone from a bar book that has since dropped bars has another state and keeps its
// own. Content-checked rather than inferred from the lifecycle, so it stays exact whatever the
// order of commands.
#include <array>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "meridian/core/instrument.hpp"
#include "meridian/engine/bar_book.hpp"
#include "meridian/engine/ledger.hpp"
#include "meridian/engine/strategy_instance.hpp"
#include "meridian/execution/order.hpp"
#include "meridian/market/calendar.hpp"
#include "meridian/strategies/bar_view.hpp"
#include "meridian/strategies/indicator_pool.hpp"

namespace meridian::engine {

class StrategyHost {
 public:
  // One strategy, its indicator state, and the positions it has opened (attribution: live
  // for its decisions, durable for readers).
  struct Instance {
    InstanceView view;
    std::unique_ptr<strategies::Strategy> impl;
    std::vector<bool> symbols;  // by SymbolId
    Ledger live;
    Ledger durable;
    // Closing trades of this instance (Kelly sizing): count, wins, and the sums of each side.
    std::uint64_t closed = 0;
    std::uint64_t wins = 0;
    double won = 0.0;
    double lost = 0.0;
  };

  // Where a running instance's signals go (the Portfolio).
  class SignalSink {
   public:
    // `signal` is what the instance said on `bar`, the 1-minute bar that just closed.
    virtual void on_signal(Instance& instance, const core::Bar& bar, const strategies::Signal& signal) = 0;

   protected:
    ~SignalSink() = default;
  };

  struct Config {
    const market::Calendars* calendars = nullptr;  // outlives the host (the portfolio's config)
    bool use_calendars = false;
    ExitRules exits{};  // portfolio defaults for entries' exits (a strategy's own rules win)
    // Off: every instance computes its own indicators (the reference the sharing is checked
    // against; the signals are the same either way).
    bool share_indicators = true;
  };

  // `bars` is the portfolio's bar book, read when an instance warms.
  StrategyHost(const core::InstrumentTable& instruments, BarBook& bars, Config config);

  // A closed 1-minute bar: each instance that trades its symbol sees it while its venue is
  // in session; a running one's signal goes to `sink`.
  void on_bar_closed(const core::Bar& bar, SignalSink& sink);
  // A history bar: every instance that is warm (not added or removed) sees it, no signals.
  void warm_up(const core::Bar& bar);
  // The order that carries out `signal` for `instance` at the touch, sized on `equity`; none
  // when there is nothing to do (a buy while it holds the symbol, a sell while flat).
  std::optional<execution::OrderRequest> order_for(const Instance& instance, const strategies::Signal& signal,
                                                   const core::Tick& touch, core::Money equity) const;

  // Lifecycle (the Portfolio's instance commands validate and journal around these).
  Instance make(InstanceConfig config, InstanceState state);
  Instance& add(Instance instance);
  void erase(const Instance& instance);
  // Resets the strategy and feeds it every stored 1-minute bar again (alone, on its own
  // indicators), then shares what it can.
  void warm(Instance& instance);
  // Resets the strategy, on its own indicators again; it sees no bar until warm().
  void reset(Instance& instance);
  // Whether the instance reads shared indicators (diagnostics and tests).
  bool shares_indicators(const Instance& instance) const noexcept;
  // A reader-visible change: a new version and time, and the views are rebuilt.
  void touch(Instance& instance);
  // Replaces the default instance (the session's strategy) with a warm one, keeping its
  // attribution and signal count.
  void rebuild_default(const StrategyConfig& strategy, const std::vector<core::SymbolId>& symbols);
  // Ids for added instances: above every id seen.
  std::uint64_t next_id() noexcept { return next_id_++; }
  void reserve_ids_through(std::uint64_t id) noexcept { next_id_ = std::max(next_id_, id + 1); }

  Instance* find(std::string_view name) noexcept;
  Instance* find(std::uint64_t id) noexcept;
  const Instance* find(std::uint64_t id) const noexcept;
  Instance& default_instance() noexcept { return instances_.front(); }
  const Instance& default_instance() const noexcept { return instances_.front(); }
  std::vector<Instance>& all() noexcept { return instances_; }
  const std::vector<Instance>& all() const noexcept { return instances_; }

  // Whether the symbol's venue trades during [from, to) (always with calendars off, or for a
  // venue without a calendar).
  bool in_session(core::SymbolId symbol, core::Timestamp from, core::Timestamp to) noexcept;
  // By SymbolId: the venue whose calendar gates it, or none.
  const std::vector<std::optional<market::Venue>>& venue_of() const noexcept { return venue_of_; }
  const market::Calendars& calendars() const noexcept { return *config_.calendars; }
  // The calendars changed in place (their dates, not their venues): the cached session gates
  // are forgotten, so the next bar asks the new ones.
  void calendars_changed() noexcept { session_gates_ = {}; }

  std::uint64_t errors() const noexcept { return errors_; }  // strategies that threw
  // Bumped on every reader-visible change: readers rebuild their views only then.
  std::uint64_t changes() const noexcept { return changes_; }

 private:
  // The one place a strategy sees a bar: a strategy that throws is contained by failed()
  // (logged, counted and disabled until it is initialised or started again).
  std::optional<strategies::Signal> run(Instance& instance, const strategies::BarView& view, bool warming);
  void failed(Instance& instance, const core::Bar& bar, bool warming, const std::exception& e);
  // in_session over the bar's own interval (no arithmetic with calendars off).
  bool in_session(const core::Bar& bar) noexcept;
  void feed(Instance& instance, const core::Bar& bar);
  // Whether the instance is handed the bars of its symbols (live and history).
  static bool fed(const Instance& instance) noexcept;
  // See the sharing contract above.
  void share(Instance& instance);
  void unshare(Instance& instance);
  ExitRules exit_rules(const Instance& instance) const noexcept;
  core::Quantity entry_quantity(const Instance& instance, core::SymbolId symbol, core::Price entry, core::Price stop,
                                core::Money equity) const noexcept;

  const core::InstrumentTable& instruments_;
  BarBook& bars_;  // non-const: reading a series shares it (BarBook::series)
  Config config_;
  std::vector<Instance> instances_;  // [0] is the default instance
  strategies::IndicatorPool pool_;   // the shared indicators, one entry per symbol
  std::uint64_t next_id_ = kDefaultInstanceId + 1;
  std::uint64_t version_ = 0;  // instance versions: engine-wide change counter
  std::uint64_t changes_ = 1;
  std::uint64_t errors_ = 0;
  std::vector<std::optional<market::Venue>> venue_of_;
  std::array<market::SessionGate, market::kMaxVenues> session_gates_{};  // one cached gate per venue
};

}  // namespace meridian::engine
