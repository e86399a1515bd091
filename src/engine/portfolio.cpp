#include "meridian/engine/portfolio.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "engine_log.hpp"
#include "meridian/risk/sizing.hpp"
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

// By SymbolId: the venue calendar that gates each instrument; none for a venue without one
// (it is treated as always open rather than never).
std::vector<std::optional<market::Venue>> venues_of(const core::InstrumentTable& instruments) {
  std::vector<std::optional<market::Venue>> out;
  for (const auto& inst : instruments.all()) out.push_back(market::parse_venue(inst.venue));
  return out;
}

}  // namespace

Portfolio::Portfolio(const core::InstrumentTable& instruments, PortfolioConfig config, execution::Executor& executor,
                     JournalQueue& journal, RecoveredState recovered)
    : instruments_(instruments),
      config_(std::move(config)),
      executor_(executor),
      journal_(journal),
      bars_(instruments.size(), config_.bars_in_memory),
      symbols_(instruments.size()),
      live_(config_.initial_capital, instruments.size()),
      durable_(config_.initial_capital, instruments.size()),
      trades_(config_.trades_in_memory),
      signals_(kSignalsInMemory),
      venue_of_(venues_of(instruments)),
      scratch_(core::Money{}, instruments.size()),
      scratch_instance_(core::Money{}, instruments.size()),
      risk_(config_.limits) {
  reports_.reserve(64);
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
  next_instance_id_ = std::max(next_instance_id_, base + kDefaultInstanceId + 1);
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
  instances_.push_back(make_instance(std::move(default_config), InstanceState::running));
  for (auto& rec : recovered.instances) {
    // An instance that was warm before the stop is warm again after it (from the bars below).
    next_instance_id_ = std::max(next_instance_id_, rec.config.id + 1);
    if (!strategies::find_strategy_class(rec.config.strategy.class_name)) continue;
    instances_.push_back(make_instance(std::move(rec.config), rec.state));
    instances_.back().view.updated_at = rec.updated_at;
  }
  for (const auto& [id, positions] : recovered.attribution) {
    if (auto* inst = find_instance(id)) {
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
  for (auto& o : recovered.recent_orders) remember_finished(o);
  for (const auto& [id, seq] : recovered.order_event_seqs) event_seqs_[id] = seq;
  for (auto& o : recovered.open_orders) {
    if (!o.request.client_order_id.empty()) client_ids_[o.request.client_order_id] = o.id;
    const auto id = o.id;
    try {
      // Only accepted orders rest; a stored "new" one never reached the executor.
      if (o.status == execution::OrderStatus::accepted || o.status == execution::OrderStatus::partially_filled)
        executor_.restore(std::move(o));
    } catch (const std::exception& e) {
      engine_log()->error("order {} cannot rest again after the restart and is left out: {}", id, e.what());
    }
  }
  for (std::size_t i = 0; i < live_.positions().size(); ++i)
    if (!live_.positions()[i].quantity.is_zero()) held_.push_back(static_cast<core::SymbolId>(i));
  for (const auto& bar : recovered.higher_bars) bars_.add_stored(bar);
  warm_up(recovered.bars, false);
}

void Portfolio::rebuild_strategy() {
  Instance& def = instances_.front();
  auto rebuilt = make_instance(InstanceConfig{kDefaultInstanceId, std::string(kDefaultInstanceName), session_.strategy,
                                              session_.symbols, "default", def.view.config.active},
                               InstanceState::running);
  rebuilt.live = std::move(def.live);
  rebuilt.durable = std::move(def.durable);
  rebuilt.view.signals = def.view.signals;
  rebuilt.view.last_signal = def.view.last_signal;
  def = std::move(rebuilt);
  warm(def);
  touch(def);
}

void Portfolio::warm_up(const std::vector<core::Bar>& history, bool persist) {
  for (const auto& bar : history) {
    if (bar.symbol >= instruments_.size() || bar.timeframe != core::Timeframe::m1) continue;
    // The minute and the higher bars it closes; a late or repeated minute is dropped.
    const auto kept = bars_.add_history(bar);
    if (kept.empty()) continue;
    for (auto& inst : instances_)
      if (inst.view.state != InstanceState::added && inst.view.state != InstanceState::removed) feed(inst, bar);
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
    executor_.on_tick(tick, *this);
    drain_reports();
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
  flush_overflow();
}

void Portfolio::on_bar_closed(const core::Bar& bar) {
  if (config_.journal_bars) append_journal(BarRecord{bar});
  events_.push_back(BarClosed{bar});
  // Strategies run on 1m bars; the higher timeframes serve charts and the history API.
  if (bar.timeframe != core::Timeframe::m1) return;
  ++counters_.bars;
  // Strategies see a bar only if its venue traded during it. The bar's own interval decides,
  // not the tick that closed it: the session's last minute closes on the first tick at or
  // after the close, and the bar before the open holds after-hours ticks. Closed-venue bars
  // still reach charts, history and the database; prices keep updating.
  if (!in_session(bar.symbol, bar.open_time, bar.open_time + core::period_of(bar.timeframe))) return;
  const strategies::BarView view(bar);  // prices in double once for every instance, not once each
  for (auto& inst : instances_) {
    const auto state = inst.view.state;
    if (state == InstanceState::added || state == InstanceState::removed || inst.view.disabled) continue;
    if (!inst.symbols[bar.symbol]) continue;
    std::optional<strategies::Signal> signal;
    try {
      signal = inst.impl->on_bar(view);
    } catch (const std::exception& e) {
      // A strategy that throws is contained: logged, counted and disabled until it is
      // initialised or started again; the engine and the other strategies go on.
      ++counters_.strategy_errors;
      inst.view.disabled = true;
      touch(inst);
      engine_log()->error("strategy {} ({}) failed on {} and is disabled: {}", inst.view.config.name,
                          inst.impl->class_name(), instruments_.at(bar.symbol).symbol, e.what());
      continue;
    }
    // Warm but not running: indicators follow the market, signals are not emitted.
    if (!signal || state != InstanceState::running) continue;
    ++counters_.signals;
    // No order while the venue is closed at the touch (the session's last bar closes on a tick
    // at or after the close): the signal is logged as not acted on.
    const auto touch_time = symbols_[bar.symbol].last.ts;
    const bool may_act = session_.state == SessionState::running && inst.view.config.active &&
                         in_session(bar.symbol, touch_time, touch_time + core::Duration(1));
    // `acted` means an order was placed (risk accepted it): known only after trying, so the
    // signal is journaled after its order. Clients still see the signal before the order.
    const auto first_event = events_.size();
    const bool acted = may_act && act_on(inst, *signal);
    SignalEntry entry{next_signal_id_++, *signal, acted, inst.view.config.id, nullptr};
    log_signal(entry);
    ++inst.view.signals;
    inst.view.last_signal = entry;
    touch(inst);
    events_.insert(events_.begin() + static_cast<std::ptrdiff_t>(first_event), SignalRaised{std::move(entry)});
  }
}

void Portfolio::feed(Instance& instance, const core::Bar& bar) {
  // Warm-up follows the same calendar as live bars, so indicators end in the same state.
  if (instance.view.disabled || !instance.symbols[bar.symbol] ||
      !in_session(bar.symbol, bar.open_time, bar.open_time + core::period_of(bar.timeframe)))
    return;
  try {
    instance.impl->on_bar(bar);
  } catch (const std::exception& e) {
    ++counters_.strategy_errors;
    instance.view.disabled = true;
    touch(instance);
    engine_log()->error("strategy {} failed while warming up and is disabled: {}", instance.view.config.name, e.what());
  }
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
  const auto& touch = symbols_[signal.symbol].last;
  const auto strategy_id = instance.view.config.id;
  // Each instance trades its own holding: many strategies may share a symbol. One entry per
  // position, one exit at a time: a signal while an order of this instance for the symbol is
  // still working adds nothing.
  if (has_working_order(strategy_id, signal.symbol) || order_ids_exhausted()) return false;
  const auto& position = instance.live.position(signal.symbol);
  execution::OrderRequest request;
  request.symbol = signal.symbol;
  request.side = signal.side;
  request.strategy_id = strategy_id;
  if (signal.side == core::Side::buy) {
    if (!position.quantity.is_zero()) return false;
    if (counters_.journal_full) {
      // Exits still go through (they reduce risk); entries wait for the database.
      if (counters_.entries_paused++ == 0 || counters_.entries_paused % 1000 == 0)
        engine_log()->warn("journal backlog full ({} records not durable): entry in {} paused",
                           counters_.journal_backlog, instruments_.at(signal.symbol).symbol);
      return false;
    }
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
    request.quantity = entry_quantity(instance, signal.symbol, touch.ask, request.stop_loss);
  } else {
    if (position.quantity.is_zero()) return false;  // long-only: nothing to sell
    request.quantity = position.quantity;
    request.reduce_only = true;
  }
  if (auto denial = place(std::move(request), false)) {
    engine_log()->info("risk denied {} {} for {}: {}", to_string(signal.side), instruments_.at(signal.symbol).symbol,
                       instance.view.config.name, risk::to_string(*denial));
    return false;
  }
  // The exit replaces the bracket legs resting for this position.
  if (signal.side == core::Side::sell) cancel_exits(strategy_id, signal.symbol);
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
    if (auto* inst = find_instance(t.strategy_id)) {
      inst->durable.apply(t.symbol, t.side, t.quantity, t.price, t.fee, t.ts);
      touch(*inst);
    }
    trades_.push(t);
    events_.push_back(TradeDurable{t});
    ++trades_total_;
    pending_trades_.pop_front();
  }
  dirty_ = true;
}

void Portfolio::append_journal(JournalRecord record) {
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

void Portfolio::change_session(SessionState to, SessionChange change) {
  session_.state = to;
  session_.updated_at = core::now();
  append_journal(session_);
  events_.push_back(SessionChanged{change});
  dirty_ = true;
}

CommandResult Portfolio::start(std::optional<StrategyConfig> strategy,
                               std::optional<std::vector<core::SymbolId>> symbols) {
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
  if (strategy || symbols || instances_.front().view.disabled) rebuild_strategy();
  session_.started_at = core::now();
  change_session(SessionState::running, SessionChange::started);
  return std::nullopt;
}

CommandResult Portfolio::replace_strategy(StrategyConfig strategy) {
  if (auto err = validate_strategy(strategy)) return err;
  session_.strategy = std::move(strategy);
  rebuild_strategy();
  session_.updated_at = core::now();
  append_journal(session_);
  dirty_ = true;
  return std::nullopt;
}

CommandResult Portfolio::stop() {
  if (session_.state == SessionState::stopped) return CommandError{core::Errc::conflict, "trading is already stopped"};
  change_session(SessionState::stopped, SessionChange::stopped);
  return std::nullopt;
}

CommandResult Portfolio::pause() {
  if (session_.state != SessionState::running)
    return CommandError{core::Errc::conflict,
                        "only a running session can be paused; it is " + std::string(to_string(session_.state))};
  change_session(SessionState::paused, SessionChange::paused);
  return std::nullopt;
}

CommandResult Portfolio::resume() {
  if (session_.state != SessionState::paused)
    return CommandError{core::Errc::conflict,
                        "only a paused session can be resumed; it is " + std::string(to_string(session_.state))};
  change_session(SessionState::running, SessionChange::resumed);
  return std::nullopt;
}

bool Portfolio::in_session(core::SymbolId symbol, core::Timestamp from, core::Timestamp to) noexcept {
  if (!config_.use_calendars || symbol >= venue_of_.size() || !venue_of_[symbol]) return true;
  const auto venue = *venue_of_[symbol];
  return session_gates_[static_cast<std::size_t>(venue)].open_during(config_.calendars, venue, from, to);
}

std::vector<VenueView> Portfolio::venue_views() const {
  // Market time, so simulated and replayed sessions show their own clock's state.
  const auto t = market_time_ == core::Timestamp{} ? core::now() : market_time_;
  std::vector<VenueView> out;
  for (auto v : {market::Venue::crypto, market::Venue::nse, market::Venue::nyse}) {
    if (std::find(venue_of_.begin(), venue_of_.end(), std::optional(v)) == venue_of_.end()) continue;
    const auto& cal = config_.calendars;
    out.push_back({v, cal.state(v, t), cal.next_open(v, t), cal.next_close(v, t), t});
  }
  return out;
}

std::vector<EngineEvent> Portfolio::take_events() {
  if (prices_moved_) {
    events_.push_back(PricesMoved{});
    prices_moved_ = false;
  }
  return std::exchange(events_, {});
}

std::shared_ptr<Snapshot> Portfolio::make_snapshot() {
  auto s = std::make_shared<Snapshot>();
  s->version = ++version_;
  s->published_at = core::now();
  s->instruments = &instruments_;
  s->mode = config_.mode;
  s->session = session_;
  s->initial_capital = config_.initial_capital;
  s->cash = durable_.cash();
  s->fees_paid = durable_.fees_paid();
  s->realized_pnl = durable_.realized_pnl();
  s->symbols = symbols_;
  for (std::size_t i = 0; i < durable_.positions().size(); ++i)
    if (!durable_.positions()[i].quantity.is_zero())
      s->positions.push_back({static_cast<core::SymbolId>(i), durable_.positions()[i]});
  s->trades = trades_.series();
  s->trades_total = trades_total_;
  bars_.publish(*s);
  s->signals = signals_.series();
  s->counters = counters_;
  s->strategy_disabled = instances_.front().view.disabled;
  if (instances_dirty_ || !instance_views_) {
    auto views = std::make_shared<InstanceList>();
    views->reserve(instances_.size());
    for (const auto& inst : instances_) {
      InstanceView v = inst.view;
      for (std::size_t i = 0; i < inst.durable.positions().size(); ++i)
        if (!inst.durable.positions()[i].quantity.is_zero())
          v.holdings.push_back({static_cast<core::SymbolId>(i), inst.durable.positions()[i]});
      v.realized_pnl = inst.durable.realized_pnl();
      v.fees = inst.durable.fees_paid();
      views->push_back(std::move(v));
    }
    instance_views_ = std::move(views);
    instances_dirty_ = false;
  }
  s->instances = instance_views_;
  s->venues = venue_views();
  s->calendars = config_.use_calendars;
  s->portfolio_id = config_.portfolio_id;
  if (orders_dirty_ || !open_orders_view_) {
    const auto open = executor_.open_orders();
    open_orders_view_ = std::make_shared<const OrderList>(open.begin(), open.end());
    orders_dirty_ = false;
  }
  s->open_orders = open_orders_view_;
  s->finished_orders = finished_orders_.series();
  s->risk = risk_view();
  s->equity_curve = equity_.series();
  dirty_ = false;
  return s;
}

}  // namespace meridian::engine
