// StrategyHost: strategy instances and the closed-bar path. Engine strand only.
#include "meridian/engine/strategy_host.hpp"

#include <algorithm>
#include <stdexcept>

#include "engine_log.hpp"
#include "meridian/risk/sizing.hpp"
#include "meridian/strategies/registry.hpp"

namespace meridian::engine {

namespace {
constexpr std::uint64_t kKellyMinTrades = 20;  // closed trades before Kelly sizing trusts the stats

// By SymbolId: the venue calendar that gates each instrument; none for a venue without one
// (it is treated as always open rather than never).
std::vector<std::optional<market::Venue>> venues_of(const core::InstrumentTable& instruments,
                                                    const market::Calendars* calendars) {
  std::vector<std::optional<market::Venue>> out;
  for (const auto& inst : instruments.all()) out.push_back(calendars ? calendars->find(inst.venue) : std::nullopt);
  return out;
}
}  // namespace

std::string_view to_string(InstanceState s) noexcept {
  switch (s) {
    case InstanceState::added: return "added";
    case InstanceState::initialized: return "initialized";
    case InstanceState::running: return "running";
    case InstanceState::stopped: return "stopped";
    case InstanceState::removed: return "removed";
  }
  return "added";
}

std::optional<InstanceState> parse_instance_state(std::string_view s) noexcept {
  for (auto st : {InstanceState::added, InstanceState::initialized, InstanceState::running, InstanceState::stopped,
                  InstanceState::removed})
    if (to_string(st) == s) return st;
  return std::nullopt;
}

StrategyHost::StrategyHost(const core::InstrumentTable& instruments, BarBook& bars, Config config)
    : instruments_(instruments),
      bars_(bars),
      config_(std::move(config)),
      pool_(instruments.size()),
      venue_of_(venues_of(instruments, config_.calendars)) {}

// Inline into the bar loops: one call per instance on the bar path (its strategy's), not two.
[[gnu::always_inline]] inline std::optional<strategies::Signal> StrategyHost::run(Instance& instance,
                                                                                  const strategies::BarView& view,
                                                                                  bool warming) {
  try {
    return instance.impl->on_bar(view);
  } catch (const std::exception& e) {
    failed(instance, view.bar, warming, e);
    return std::nullopt;
  }
}

void StrategyHost::failed(Instance& instance, const core::Bar& bar, bool warming, const std::exception& e) {
  // Contained: the engine and the other strategies go on.
  ++errors_;
  instance.view.disabled = true;
  touch(instance);
  if (warming)
    engine_log()->error("strategy {} failed while warming up and is disabled: {}", instance.view.config.name, e.what());
  else
    engine_log()->error("strategy {} ({}) failed on {} and is disabled: {}", instance.view.config.name,
                        instance.impl->class_name(), instruments_.at(bar.symbol).symbol, e.what());
}

void StrategyHost::on_bar_closed(const core::Bar& bar, SignalSink& sink) {
  // Strategies see a bar only if its venue traded during it. The bar's own interval decides,
  // not the tick that closed it: the session's last minute closes on the first tick at or
  // after the close, and the bar before the open holds after-hours ticks. Closed-venue bars
  // still reach charts, history and the database; prices keep updating.
  if (!in_session(bar)) return;
  const strategies::BarView view(bar);  // prices in double once for every instance, not once each
  pool_.update(view);                   // shared indicators before any instance reads them
  for (auto& inst : instances_) {
    if (!fed(inst) || !inst.symbols[bar.symbol]) continue;
    const auto state = inst.view.state;
    const auto signal = run(inst, view, false);
    // Warm but not running: indicators follow the market, signals are not emitted.
    if (!signal || state != InstanceState::running) continue;
    sink.on_signal(inst, bar, *signal);
  }
}

void StrategyHost::warm_up(const core::Bar& bar) {
  // Warm-up follows the same calendar as live bars, so indicators end in the same state.
  if (!in_session(bar)) return;
  const strategies::BarView view(bar);  // once for every instance, as on a live bar
  pool_.update(view);
  for (auto& inst : instances_)
    if (fed(inst) && inst.symbols[bar.symbol]) run(inst, view, true);
}

void StrategyHost::feed(Instance& instance, const core::Bar& bar) {
  // One instance's replay: the same calendar as live bars; the pool does not see it.
  if (instance.view.disabled || !instance.symbols[bar.symbol] || !in_session(bar)) return;
  run(instance, strategies::BarView(bar), true);
}

bool StrategyHost::fed(const Instance& instance) noexcept {
  const auto state = instance.view.state;
  return state != InstanceState::added && state != InstanceState::removed && !instance.view.disabled;
}

std::optional<execution::OrderRequest> StrategyHost::order_for(const Instance& instance,
                                                               const strategies::Signal& signal,
                                                               const core::Tick& touch, core::Money equity) const {
  const auto& position = instance.live.position(signal.symbol);
  execution::OrderRequest request;
  request.symbol = signal.symbol;
  request.side = signal.side;
  request.strategy_id = instance.view.config.id;
  if (signal.side == core::Side::buy) {
    if (!position.quantity.is_zero()) return std::nullopt;  // one entry per position
    const auto exits = exit_rules(instance);
    const int decimals = instruments_.at(signal.symbol).price_decimals;
    const double entry = touch.ask.to_double();
    auto at_pct = [&](double pct) { return core::Price::from_double(entry * (1.0 + pct / 100.0)).rounded(decimals); };
    if (exits.take_profit_pct > 0) request.take_profit = at_pct(exits.take_profit_pct);
    if (exits.trailing_stop_pct > 0) {
      request.stop_loss = at_pct(-exits.trailing_stop_pct);
      request.bracket_trail_percent = exits.trailing_stop_pct;
    } else if (exits.stop_loss_pct > 0) {
      request.stop_loss = at_pct(-exits.stop_loss_pct);
    }
    request.quantity = entry_quantity(instance, signal.symbol, touch.ask, request.stop_loss, equity);
  } else {
    if (position.quantity.is_zero()) return std::nullopt;  // long-only: nothing to sell
    request.quantity = position.quantity;
    request.reduce_only = true;
  }
  return request;
}

ExitRules StrategyHost::exit_rules(const Instance& instance) const noexcept {
  const auto& own = instance.view.config.strategy.exits;
  ExitRules out = config_.exits;
  if (own.stop_loss_pct > 0) out.stop_loss_pct = own.stop_loss_pct;
  if (own.take_profit_pct > 0) out.take_profit_pct = own.take_profit_pct;
  if (own.trailing_stop_pct > 0) out.trailing_stop_pct = own.trailing_stop_pct;
  return out;
}

core::Quantity StrategyHost::entry_quantity(const Instance& instance, core::SymbolId symbol, core::Price entry,
                                            core::Price stop, core::Money equity) const noexcept {
  const auto& cfg = instance.view.config.strategy;
  const int lots = instruments_.at(symbol).qty_decimals;
  // position_fraction caps every method: no single entry takes more of the equity.
  const auto cap = risk::fixed_fraction(equity, cfg.position_fraction, entry, lots);
  core::Quantity qty = cap;
  switch (cfg.sizing) {
    case Sizing::fraction: break;
    case Sizing::risk: qty = risk::fixed_risk(equity, cfg.risk_fraction, entry, stop, lots); break;
    case Sizing::notional: qty = risk::fixed_notional(core::Money::from_double(cfg.notional), entry, lots); break;
    case Sizing::kelly:
      if (instance.closed >= kKellyMinTrades && instance.wins > 0 && instance.wins < instance.closed) {
        const double p = static_cast<double>(instance.wins) / static_cast<double>(instance.closed);
        const double avg_win = instance.won / static_cast<double>(instance.wins);
        const double avg_loss = instance.lost / static_cast<double>(instance.closed - instance.wins);
        const double f = risk::kelly_fraction(p, avg_loss > 0 ? avg_win / avg_loss : 0.0, 0.5, cfg.position_fraction);
        qty = risk::fixed_fraction(equity, f, entry, lots);
      }
      break;
  }
  return std::min(qty, cap);
}

StrategyHost::Instance StrategyHost::make(InstanceConfig config, InstanceState state) {
  const auto* cls = strategies::find_strategy_class(config.strategy.class_name);
  if (!cls) throw std::logic_error("unknown strategy class " + std::string(config.strategy.class_name));
  Instance inst{InstanceView{}, cls->create(config.strategy.params, instruments_.size()),
                std::vector<bool>(instruments_.size(), false), Ledger(core::Money{}, instruments_.size()),
                Ledger(core::Money{}, instruments_.size())};
  for (auto id : config.symbols)
    if (id < inst.symbols.size()) inst.symbols[id] = true;
  inst.view.config = std::move(config);
  inst.view.state = state;
  inst.view.updated_at = core::now();
  inst.view.version = ++version_;
  return inst;
}

StrategyHost::Instance& StrategyHost::add(Instance instance) {
  instances_.push_back(std::move(instance));
  ++changes_;
  auto& added = instances_.back();
  // Recovered at start, before any bar: fresh like the others, so it shares their indicators.
  if (fed(added)) share(added);
  return added;
}

void StrategyHost::erase(const Instance& instance) {
  instances_.erase(instances_.begin() + (&instance - instances_.data()));
  ++changes_;
}

void StrategyHost::warm(Instance& instance) {
  reset(instance);
  instance.view.disabled = false;
  for (core::SymbolId id = 0; id < instruments_.size(); ++id)
    for (const auto& bar : *bars_.series(core::Timeframe::m1, id)) feed(instance, bar);
  share(instance);  // not if the replay disabled it
}

void StrategyHost::reset(Instance& instance) {
  unshare(instance);
  instance.impl->reset();
}

void StrategyHost::touch(Instance& instance) {
  instance.view.version = ++version_;
  instance.view.updated_at = core::now();
  ++changes_;
}

void StrategyHost::rebuild_default(const StrategyConfig& strategy, const std::vector<core::SymbolId>& symbols) {
  Instance& def = instances_.front();
  auto rebuilt = make(InstanceConfig{kDefaultInstanceId, std::string(kDefaultInstanceName), strategy, symbols,
                                     "default", def.view.config.active},
                      InstanceState::running);
  rebuilt.live = std::move(def.live);
  rebuilt.durable = std::move(def.durable);
  rebuilt.view.signals = def.view.signals;
  rebuilt.view.last_signal = def.view.last_signal;
  def = std::move(rebuilt);
  warm(def);
  touch(def);
}

StrategyHost::Instance* StrategyHost::find(std::string_view name) noexcept {
  for (auto& inst : instances_)
    if (inst.view.config.name == name) return &inst;
  return nullptr;
}

StrategyHost::Instance* StrategyHost::find(std::uint64_t id) noexcept {
  for (auto& inst : instances_)
    if (inst.view.config.id == id) return &inst;
  return nullptr;
}

const StrategyHost::Instance* StrategyHost::find(std::uint64_t id) const noexcept {
  for (const auto& inst : instances_)
    if (inst.view.config.id == id) return &inst;
  return nullptr;
}

bool StrategyHost::in_session(const core::Bar& bar) noexcept {
  return !config_.use_calendars ||
         in_session(bar.symbol, bar.open_time, bar.open_time + core::period_of(bar.timeframe));
}

bool StrategyHost::in_session(core::SymbolId symbol, core::Timestamp from, core::Timestamp to) noexcept {
  if (!config_.use_calendars || symbol >= venue_of_.size() || !venue_of_[symbol]) return true;
  const auto venue = *venue_of_[symbol];
  return session_gates_[static_cast<std::size_t>(venue)].open_during(*config_.calendars, venue, from, to);
}

}  // namespace meridian::engine
