#include "meridian/engine/portfolio.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "engine_log.hpp"
#include "meridian/strategies/registry.hpp"

namespace meridian::engine {

namespace {
std::vector<core::SymbolId> all_symbols(const core::InstrumentTable& instruments) {
  std::vector<core::SymbolId> ids;
  for (const auto& inst : instruments.all()) ids.push_back(inst.id);
  return ids;
}

CommandResult validate_strategy(const StrategyConfig& strategy) {
  const auto* cls = strategies::find_strategy_class(strategy.class_name);
  if (!cls) return CommandError{core::Errc::invalid_argument, "unknown strategy class"};
  if (auto err = strategies::validate_params(*cls, strategy.params))
    return CommandError{core::Errc::invalid_argument, *err};
  if (!(strategy.position_fraction > 0.0 && strategy.position_fraction <= 1.0))
    return CommandError{core::Errc::invalid_argument, "position_fraction must be in (0, 1]"};
  return std::nullopt;
}

}  // namespace

Portfolio::Portfolio(const core::InstrumentTable& instruments, PortfolioConfig config, execution::Executor& executor,
                     JournalQueue& journal, RecoveredState recovered)
    : instruments_(instruments),
      config_(std::move(config)),
      executor_(executor),
      journal_(journal),
      bars_(instruments.size(), config_.bars_in_memory, config_.higher_timeframes),
      strategies_(instruments, bars_, {&config_.calendars, config_.use_calendars, config_.exits}),
      symbols_(instruments.size()),
      live_(config_.initial_capital, instruments.size()),
      durable_(config_.initial_capital, instruments.size()),
      trades_(config_.trades_in_memory),
      signals_(kSignalsInMemory),
      scratch_(core::Money{}, instruments.size()),
      scratch_instance_(core::Money{}, instruments.size()),
      risk_(config_.limits) {
  if (recovered.has_portfolio) {
    live_.restore_cash(recovered.cash, recovered.fees_paid);
    for (const auto& [symbol, position] : recovered.positions)
      if (symbol < instruments.size()) live_.restore(recovered.cash, recovered.fees_paid, symbol, position);
    durable_ = live_;
  }
  for (const auto& t : recovered.trades) trades_.push(t);
  trades_total_ = recovered.trades_total;
  // Every id starts inside this portfolio's range (a new portfolio's first ids, and memory-only
  // mode, where nothing was recovered).
  const auto base = id_base(config_.portfolio_id);
  next_signal_id_ = std::max(recovered.last_signal_id, base) + 1;
  for (const auto& e : recovered.signals) signals_.push(e);
  next_trade_id_ = std::max(recovered.last_trade_id, base) + 1;
  next_order_id_ = std::max({recovered.last_order_id, recovered.order_id_floor, base}) + 1;
  // The default instance is 1 in every portfolio (it is the session's strategy, stored with the
  // session); added instances are rows of `strategies`, so their ids come from the range.
  strategies_.reserve_ids_through(base + kDefaultInstanceId);
  if (recovered.order_id_reserved > 0) {
    order_id_limit_ = order_id_requested_ = recovered.order_id_reserved;
    order_id_block_ = std::max<std::uint64_t>(recovered.order_id_block, 2);
  }

  if (recovered.session) {
    session_ = *recovered.session;
    if (session_.symbols.empty()) session_.symbols = all_symbols(instruments);
  } else {
    session_.symbols = all_symbols(instruments);
    session_.strategy = config_.strategy;
    session_.started_at = session_.updated_at = core::now();
    session_.state = config_.autostart ? SessionState::running : SessionState::stopped;
    append_journal(session_);
  }
  InstanceConfig default_config{
      kDefaultInstanceId, std::string(kDefaultInstanceName), session_.strategy, session_.symbols, "default", true};
  strategies_.add(strategies_.make(std::move(default_config), InstanceState::running));
  for (auto& rec : recovered.instances) {
    // An instance that was warm before the stop is warm again after it (from the bars below).
    strategies_.reserve_ids_through(rec.config.id);
    if (!strategies::find_strategy_class(rec.config.strategy.class_name)) continue;
    strategies_.add(strategies_.make(std::move(rec.config), rec.state)).view.updated_at = rec.updated_at;
  }
  for (const auto& [id, positions] : recovered.attribution) {
    if (auto* inst = strategies_.find(id)) {
      for (const auto& [symbol, position] : positions)
        if (symbol < instruments.size()) inst->live.restore(core::Money{}, core::Money{}, symbol, position);
      inst->durable = inst->live;
    }
  }
  if (recovered.risk) {
    risk_.set_limits(recovered.risk->limits);
    risk_.restore(recovered.risk->memory);
  }
  for (const auto& p : recovered.equity) equity_.push(p);
  orders_.restore(std::move(recovered.recent_orders), recovered.order_event_seqs, std::move(recovered.open_orders));
  for (std::size_t i = 0; i < live_.positions().size(); ++i)
    if (!live_.positions()[i].quantity.is_zero()) held_.push_back(static_cast<core::SymbolId>(i));
  for (const auto& bar : recovered.higher_bars) bars_.add_stored(bar);
  warm_up(recovered.bars, false);
}

void Portfolio::rebuild_strategy() {
  strategies_.rebuild_default(session_.strategy, session_.symbols);
}

void Portfolio::warm_up(const std::vector<core::Bar>& history, bool persist) {
  for (const auto& bar : history) {
    if (bar.symbol >= instruments_.size() || bar.timeframe != core::Timeframe::m1) continue;
    // The minute and the higher bars it closes; a late or repeated minute is dropped.
    const auto kept = bars_.add_history(bar);
    if (kept.empty()) continue;
    strategies_.warm_up(bar);
    auto& view = symbols_[bar.symbol];
    if (!view.has_tick || view.last.ts <= bar.open_time) {
      // Until the first live tick, the last close is the best price we know.
      view.last =
          core::Tick{bar.symbol,      bar.open_time + core::period_of(bar.timeframe), bar.close, bar.close, bar.close,
                     core::Quantity{}};
      view.has_tick = true;
    }
    if (persist && config_.journal_bars)
      for (const auto& b : kept) append_journal(BarRecord{b});
  }
  dirty_ = true;
}

void Portfolio::on_ticks(std::span<const core::Tick> ticks) {
  if (tick_to_fill_) ticks_taken_ = std::chrono::steady_clock::now();
  for (const auto& tick : ticks) {
    if (tick.symbol >= symbols_.size()) continue;
    ++counters_.ticks;
    auto& view = symbols_[tick.symbol];
    view.last = tick;
    view.has_tick = true;
    ++view.ticks;
    market_time_ = std::max(market_time_, tick.ts);
    // Resting orders see the tick before any decision made on it: an order placed on this
    // tick fills on a later one (no look-ahead).
    orders_.on_tick(tick);
    bars_.on_tick(tick, [this](const core::Bar& bar) { on_bar_closed(bar); });
    if (const auto* partial = bars_.open_minute(tick.symbol)) {
      view.partial = *partial;
      view.has_partial = true;
    }
    sample_equity(tick.ts);
  }
  if (!ticks.empty()) {
    dirty_ = true;
    prices_moved_ = true;
  }
  ticks_taken_ = {};
  flush_overflow();
}

void Portfolio::on_bar_closed(const core::Bar& bar) {
  if (config_.journal_bars) append_journal(BarRecord{bar});
  raise(BarClosed{bar});
  // Strategies run on 1m bars; the higher timeframes serve charts and the history API.
  if (bar.timeframe != core::Timeframe::m1) return;
  ++counters_.bars;
  strategies_.on_bar_closed(bar, *this);
}

void Portfolio::on_signal(Instance& inst, const core::Bar& bar, const strategies::Signal& signal) {
  ++counters_.signals;
  // No order while the venue is closed at the touch (the session's last bar closes on a tick
  // at or after the close): the signal is logged as not acted on.
  const auto touch_time = symbols_[bar.symbol].last.ts;
  const bool may_act = session_.state == SessionState::running && inst.view.config.active &&
                       strategies_.in_session(bar.symbol, touch_time, touch_time + core::Duration(1));
  // `acted` means an order was placed (risk accepted it): known only after trying, so the
  // signal is journaled after its order. Clients still see the signal before the order.
  const auto first_event = events_.size();
  const bool acted = may_act && act_on(inst, signal);
  SignalEntry entry{next_signal_id_++, signal, acted, inst.view.config.id, nullptr};
  log_signal(entry);
  ++inst.view.signals;
  inst.view.last_signal = entry;
  strategies_.touch(inst);
  if (config_.events)
    events_.insert(events_.begin() + static_cast<std::ptrdiff_t>(first_event), SignalRaised{std::move(entry)});
}

void Portfolio::log_signal(const SignalEntry& entry) {
  signals_.push(entry);
  append_journal(SignalRecord{entry});
}

core::Money Portfolio::live_equity() const noexcept {
  core::Money equity = live_.cash();
  // Marked to market: clamped, never wrapped, when marks outgrow the ledger's range.
  for (auto id : held_)
    equity =
        core::saturating_add(equity, core::saturating_notional(symbols_[id].last.last, live_.positions()[id].quantity));
  return equity;
}

core::Money Portfolio::gross_exposure() const noexcept {
  core::Money total;
  for (auto id : held_) {
    const auto value = core::saturating_notional(symbols_[id].last.last, live_.positions()[id].quantity);
    total = core::saturating_add(total, value.raw() < 0 ? -value : value);
  }
  return total;
}

bool Portfolio::act_on(Instance& instance, const strategies::Signal& signal) {
  const auto strategy_id = instance.view.config.id;
  // Each instance trades its own holding: many strategies may share a symbol. One entry per
  // position, one exit at a time: a signal while an order of this instance for the symbol is
  // still working adds nothing.
  if (orders_.has_working_order(strategy_id, signal.symbol) || order_ids_exhausted()) return false;
  auto request = strategies_.order_for(instance, signal, symbols_[signal.symbol].last, live_equity());
  if (!request) return false;
  if (signal.side == core::Side::buy && counters_.journal_full) {
    // Exits still go through (they reduce risk); entries wait for the database.
    if (counters_.entries_paused++ == 0 || counters_.entries_paused % 1000 == 0)
      engine_log()->warn("journal backlog full ({} records not durable): entry in {} paused", counters_.journal_backlog,
                         instruments_.at(signal.symbol).symbol);
    return false;
  }
  if (auto denial = place(std::move(*request), false)) {
    engine_log()->info("risk denied {} {} for {}: {}", to_string(signal.side), instruments_.at(signal.symbol).symbol,
                       instance.view.config.name, risk::to_string(*denial));
    return false;
  }
  // The exit replaces the bracket legs resting for this position.
  if (signal.side == core::Side::sell) orders_.cancel_exits(strategy_id, signal.symbol);
  return true;
}

// Bracket legs take ids from the executor without a check: this many stay in hand for them.
constexpr std::uint64_t kOrderIdsForLegs = 16;

bool Portfolio::order_ids_exhausted() const noexcept {
  return order_id_limit_ != UINT64_MAX && next_order_id_ + kOrderIdsForLegs > order_id_limit_;
}

execution::OrderId Portfolio::take_order_id() noexcept {
  const auto id = next_order_id_++;
  if (order_id_block_ && order_id_reservation_seq_ == 0 && next_order_id_ + order_id_block_ / 2 > order_id_limit_) {
    order_id_requested_ = order_id_limit_ + order_id_block_;
    append_journal(OrderIdReservation{order_id_requested_});
    order_id_reservation_seq_ = last_seq();
  }
  return id;
}

void Portfolio::on_durable(std::uint64_t seq) {
  if (order_id_reservation_seq_ && seq >= order_id_reservation_seq_) {
    order_id_limit_ = order_id_requested_;
    order_id_reservation_seq_ = 0;
  }
  if (seq > durable_seq_) {
    durable_seq_ = seq;
    update_backlog();
    dirty_ = true;
  }
  if (pending_trades_.empty() || pending_trades_.front().seq > seq) return;
  while (!pending_trades_.empty() && pending_trades_.front().seq <= seq) {
    const Trade& t = pending_trades_.front().trade;
    durable_.apply(t.symbol, t.side, t.quantity, t.price, t.fee, t.ts);
    if (auto* inst = strategies_.find(t.strategy_id)) {
      inst->durable.apply(t.symbol, t.side, t.quantity, t.price, t.fee, t.ts);
      strategies_.touch(*inst);
    }
    trades_.push(t);
    raise(TradeDurable{t});
    ++trades_total_;
    pending_trades_.pop_front();
  }
  dirty_ = true;
}

void Portfolio::append_journal(JournalRecord record) {
  if (config_.journal_trades_only &&
      !(std::holds_alternative<TradeRecord>(record) || std::holds_alternative<OrderIdReservation>(record) ||
        std::holds_alternative<ResetRecord>(record) || std::holds_alternative<StopRecord>(record)))
    return;
  JournalEntry entry{next_seq_++, std::move(record)};
  if (!overflow_.empty() || !journal_.try_push(std::move(entry))) overflow_.push_back(std::move(entry));
  update_backlog();
}

void Portfolio::flush_overflow() {
  while (!overflow_.empty() && journal_.try_push(std::move(overflow_.front()))) overflow_.pop_front();
}

void Portfolio::update_backlog() noexcept {
  counters_.journal_backlog = next_seq_ - 1 - durable_seq_;
  const bool full = counters_.journal_backlog >= config_.journal_backlog_limit;
  if (full && !counters_.journal_full)
    engine_log()->warn("journal backlog reached {} records: new entries pause until the database catches up",
                       counters_.journal_backlog);
  else if (!full && counters_.journal_full)
    engine_log()->warn("journal backlog down to {} records: entries resume", counters_.journal_backlog);
  counters_.journal_full = full;
}

void Portfolio::request_journal_stop() {
  append_journal(StopRecord{});
}

void Portfolio::change_session(SessionState to, SessionChange change, std::int64_t by) {
  session_.state = to;
  session_.updated_at = core::now();
  session_.changed_by = by;
  append_journal(session_);
  raise(SessionChanged{change});
  dirty_ = true;
}

CommandResult Portfolio::start(std::optional<StrategyConfig> strategy,
                               std::optional<std::vector<core::SymbolId>> symbols, std::int64_t by) {
  if (session_.state != SessionState::stopped)
    return CommandError{core::Errc::conflict, "trading is already " + std::string(to_string(session_.state)) +
                                                  "; stop it before starting again"};
  // Validate everything before changing anything: a rejected start leaves no trace.
  if (strategy)
    if (auto err = validate_strategy(*strategy)) return err;
  if (symbols) {
    if (symbols->empty()) return CommandError{core::Errc::invalid_argument, "symbols must not be empty"};
    for (auto id : *symbols)
      if (id >= instruments_.size()) return CommandError{core::Errc::invalid_argument, "unknown symbol id"};
  }
  if (symbols) session_.symbols = *symbols;
  if (strategy) session_.strategy = *strategy;
  if (strategy || symbols || strategies_.default_instance().view.disabled) rebuild_strategy();
  session_.started_at = core::now();
  change_session(SessionState::running, SessionChange::started, by);
  return std::nullopt;
}

CommandResult Portfolio::replace_strategy(StrategyConfig strategy, std::int64_t by) {
  if (auto err = validate_strategy(strategy)) return err;
  session_.strategy = std::move(strategy);
  rebuild_strategy();
  session_.updated_at = core::now();
  session_.changed_by = by;
  append_journal(session_);
  dirty_ = true;
  return std::nullopt;
}

CommandResult Portfolio::stop(std::int64_t by) {
  if (session_.state == SessionState::stopped) return CommandError{core::Errc::conflict, "trading is already stopped"};
  change_session(SessionState::stopped, SessionChange::stopped, by);
  return std::nullopt;
}

CommandResult Portfolio::kill(std::int64_t by) {
  const auto before = risk_.set_state(risk::RiskState::halted);
  note_risk_change(before, "kill_switch");
  journal_risk();
  const auto cancels = static_cast<std::uint32_t>(executor_.open_orders().size());
  orders_.cancel_all("kill_switch");
  raise(Killed{cancels, by});
  if (session_.state != SessionState::stopped) change_session(SessionState::stopped, SessionChange::stopped, by);
  engine_log()->warn("portfolio {} killed (by user {}): halted, {} open orders asked to cancel, session stopped",
                     config_.portfolio_id, by, cancels);
  dirty_ = true;
  return std::nullopt;
}

CommandResult Portfolio::pause(std::int64_t by) {
  if (session_.state != SessionState::running)
    return CommandError{core::Errc::conflict,
                        "only a running session can be paused; it is " + std::string(to_string(session_.state))};
  change_session(SessionState::paused, SessionChange::paused, by);
  return std::nullopt;
}

CommandResult Portfolio::resume(std::int64_t by) {
  if (session_.state != SessionState::paused)
    return CommandError{core::Errc::conflict,
                        "only a paused session can be resumed; it is " + std::string(to_string(session_.state))};
  change_session(SessionState::running, SessionChange::resumed, by);
  return std::nullopt;
}

void Portfolio::take_events(std::vector<EngineEvent>& out) {
  if (prices_moved_) {
    raise(PricesMoved{});
    prices_moved_ = false;
  }
  out.clear();
  out.swap(events_);
}

std::vector<EngineEvent> Portfolio::take_events() {
  std::vector<EngineEvent> out;
  take_events(out);
  return out;
}

std::shared_ptr<Snapshot> Portfolio::make_snapshot() {
  const auto risk = risk_view();
  auto s = snapshots_.build({.instruments = instruments_,
                             .mode = config_.mode,
                             .executor = executor_.name(),
                             .portfolio_id = config_.portfolio_id,
                             .initial_capital = config_.initial_capital,
                             .calendars = config_.use_calendars,
                             .session = session_,
                             .durable = durable_,
                             .symbols = symbols_,
                             .trades = trades_,
                             .trades_total = trades_total_,
                             .bars = bars_,
                             .signals = signals_,
                             .counters = counters_,
                             .strategies = strategies_,
                             .orders = orders_,
                             .risk = risk,
                             .equity = equity_,
                             .market_time = market_time_});
  dirty_ = false;
  return s;
}

}  // namespace meridian::engine
