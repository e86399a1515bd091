// Portfolio: orders — placing them (strategies and the API), applying the executor's
// reports, and the order commands. Engine strand only, like the rest of the engine.
#include <algorithm>
#include <cmath>
#include <utility>

#include "engine_log.hpp"
#include "meridian/engine/portfolio.hpp"

namespace meridian::engine {

namespace {
// What the risk engine checks a request as: its expected fill price (a market order's at the
// touch, else its own limit or stop price) and fee.
risk::OrderIntent intent_for(const execution::OrderRequest& request, const SymbolView& view,
                             const execution::Executor& executor, bool price_is_limit) noexcept {
  const auto& touch = view.last;
  risk::OrderIntent intent;
  intent.symbol = request.symbol;
  intent.side = request.side;
  intent.quantity = request.quantity;
  intent.last_trade = view.has_tick ? touch.last : core::Price{};
  intent.price_is_limit = price_is_limit;
  switch (request.type) {
    case execution::OrderType::market:
      intent.price = view.has_tick ? executor.market_price(request.side, request.quantity, touch) : core::Price{};
      break;
    case execution::OrderType::limit:
    case execution::OrderType::stop_limit: intent.price = request.limit_price; break;
    case execution::OrderType::stop:
      intent.price = request.stop_price.raw() > 0 ? request.stop_price : view.has_tick ? touch.last : core::Price{};
      break;
  }
  const auto fee = executor.fee_for(request.symbol, intent.price, request.quantity);
  intent.fee = fee.value_or(core::Money{});
  intent.fee_fits = fee.has_value();
  return intent;
}

CommandError risk_error(risk::Denial denial) {
  // Arithmetic that would not fit is the caller's number, not a limit: 422 out_of_range.
  if (denial == risk::Denial::out_of_range)
    return CommandError{core::Errc::out_of_range, std::string(risk::describe(denial)), "out_of_range", "quantity"};
  return CommandError{core::Errc::rejected, std::string(risk::describe(denial)), std::string(risk::to_string(denial)),
                      ""};
}

// A hand-recorded trade's price must be this close to the last trade when the portfolio has no
// price band of its own (a fraction, as Limits::price_band): without one, any price would be
// accepted and book instant paper gains.
constexpr double kManualTradeBand = 0.10;
constexpr std::size_t kMaxManualReason = 200;  // bytes
}  // namespace

core::Money Portfolio::committed_cash(execution::OrderId except) const noexcept {
  core::Money total;
  for (const auto& o : orders_.open()) {
    if (o.id == except || o.request.side != core::Side::buy) continue;
    auto rest = o.request;
    rest.quantity = o.remaining();
    const auto intent = intent_for(rest, symbols_[rest.symbol], executor_, false);
    // Clamped, never wrapped: a commitment beyond the range leaves no cash for anything else.
    const auto value = core::saturating_notional(intent.price, rest.quantity);
    total = core::saturating_add(total, core::saturating_add(value, intent.fee));
  }
  return total;
}

std::uint32_t Portfolio::open_positions(core::SymbolId symbol, execution::OrderId except) const noexcept {
  // Symbols held, and the symbols working orders will open (no position there yet): without
  // these, entries resting at once on several symbols (paper latency, a venue's ack time)
  // could each pass the open-positions limit and together exceed it.
  std::uint32_t open = static_cast<std::uint32_t>(held_.size());
  const auto orders = orders_.open();
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const auto s = orders[i].request.symbol;
    if (orders[i].id == except || s == symbol || !live_.position(s).quantity.is_zero()) continue;
    bool counted = false;
    for (std::size_t j = 0; j < i && !counted; ++j) counted = orders[j].request.symbol == s && orders[j].id != except;
    if (!counted) ++open;
  }
  return open;
}

risk::PortfolioView Portfolio::portfolio_view(core::SymbolId symbol, core::Price price,
                                              execution::OrderId replacing) const noexcept {
  risk::PortfolioView v;
  // Cash that working buys will spend is not there for another order: without this, several
  // resting buys could each pass the cash check and together overdraw.
  v.cash = core::saturating_sub(live_.cash(), committed_cash(replacing));
  v.equity = live_equity();
  v.position = live_.position(symbol).quantity;
  const auto held = core::saturating_notional(price, v.position);
  v.position_notional = held.raw() < 0 ? -held : held;
  v.open_positions = open_positions(symbol, replacing);
  v.gross_exposure = gross_exposure();
  v.entries_paused = !executor_.accepting_entries();
  return v;
}

core::Timestamp Portfolio::day_end(core::SymbolId symbol, core::Timestamp t) const noexcept {
  if (const auto& venue_of = strategies_.venue_of(); symbol < venue_of.size() && venue_of[symbol])
    if (auto close = config_.calendars.next_close(*venue_of[symbol], t)) return *close;
  // A venue that never closes: the end of the UTC day.
  return core::floor_to(t, std::chrono::hours(24)) + std::chrono::hours(24);
}

std::optional<risk::Denial> Portfolio::place(execution::OrderRequest request, bool price_is_limit,
                                             execution::Order* sent) {
  const auto& touch = symbols_[request.symbol].last;
  const bool has_quote = symbols_[request.symbol].has_tick;
  // Long-only: every sell is an exit, capped by what its owner holds when it fills.
  if (request.side == core::Side::sell && !risk_.limits().allow_short) request.reduce_only = true;
  const auto intent = intent_for(request, symbols_[request.symbol], executor_, price_is_limit);
  const auto denial = risk_.check(intent, portfolio_view(request.symbol, intent.price), market_time_);
  if (denial != risk::Denial::none) {
    ++counters_.rejects;
    dirty_ = true;
    return denial;
  }
  execution::Order order;
  order.id = take_order_id();
  order.created = has_quote ? std::max(touch.ts, market_time_) : market_time_;
  order.decided_wall = ticks_taken_;  // the epoch outside on_ticks: a REST order
  if (request.tif == execution::TimeInForce::day) order.expires_at = day_end(request.symbol, order.created);
  order.request = std::move(request);
  ++counters_.orders;
  if (sent) *sent = order;
  orders_.submit(std::move(order));
  return std::nullopt;
}

void Portfolio::on_fill(const execution::Order& order, const execution::Fill& f) {
  // The executor asked can_settle before filling, counting every fill ahead of this one;
  // a fill that still does not apply is a broken contract, logged and not half-applied.
  const auto* inst = strategies_.find(f.strategy_id);
  // The order as reported includes this fill: its first when the totals are equal.
  if (tick_to_fill_ && order.decided_wall != std::chrono::steady_clock::time_point{} &&
      order.filled_quantity == f.quantity)
    tick_to_fill_->record(std::chrono::steady_clock::now() - order.decided_wall);
  if (live_.can_apply(f.symbol, f.side, f.quantity, f.price, f.fee) &&
      (!inst || inst->live.can_apply(f.symbol, f.side, f.quantity, f.price, f.fee)))
    settle(order, f, nullptr);
  else {
    ++counters_.unsettled_fills;
    engine_log()->error("a fill of order {} ({} {} at {}) does not fit the ledger and is not applied", f.order_id,
                        core::to_string(f.side), f.quantity.to_string(), f.price.to_string());
  }
}

void Portfolio::reports_arrived() {
  orders_.drain();
  flush_overflow();
}

void Portfolio::on_order(execution::Order order, std::uint32_t event_seq) {
  append_journal(OrderRecord{order, event_seq});
  if (order.status == execution::OrderStatus::rejected) {
    ++counters_.rejects;
    engine_log()->warn("order {} for {} rejected: {}", order.id, instruments_.at(order.request.symbol).symbol,
                       order.reason);
  }
  raise(OrderChanged{std::move(order)});  // its last use: moved, not copied
  dirty_ = true;
}

bool Portfolio::can_settle(const execution::Fill& fill) const noexcept {
  const Instance* inst = fill.strategy_id != 0 ? std::as_const(strategies_).find(fill.strategy_id) : nullptr;
  if (!orders_.has_pending_fills()) {
    if (!live_.can_apply(fill.symbol, fill.side, fill.quantity, fill.price, fill.fee)) return false;
    return !inst || inst->live.can_apply(fill.symbol, fill.side, fill.quantity, fill.price, fill.fee);
  }
  // Fills reported in this executor call (or in flight) come first: the ledgers as they will be.
  scratch_ = live_;
  if (inst) scratch_instance_ = inst->live;
  bool fits = true;
  orders_.for_each_pending_fill([&](const execution::Fill& p) {
    if (!fits) return;
    if (!scratch_.can_apply(p.symbol, p.side, p.quantity, p.price, p.fee)) {
      fits = false;
      return;
    }
    scratch_.apply(p.symbol, p.side, p.quantity, p.price, p.fee, p.ts);
    if (inst && p.strategy_id == fill.strategy_id) {
      if (!scratch_instance_.can_apply(p.symbol, p.side, p.quantity, p.price, p.fee)) {
        fits = false;
        return;
      }
      scratch_instance_.apply(p.symbol, p.side, p.quantity, p.price, p.fee, p.ts);
    }
  });
  if (!fits || !scratch_.can_apply(fill.symbol, fill.side, fill.quantity, fill.price, fill.fee)) return false;
  return !inst || scratch_instance_.can_apply(fill.symbol, fill.side, fill.quantity, fill.price, fill.fee);
}

void Portfolio::settle(const execution::Order& order, const execution::Fill& fill, const std::string* manual) {
  const bool was_held = !live_.position(fill.symbol).quantity.is_zero();
  const auto realized = live_.apply(fill.symbol, fill.side, fill.quantity, fill.price, fill.fee, fill.ts);
  const bool held = !live_.position(fill.symbol).quantity.is_zero();
  if (held && !was_held) held_.push_back(fill.symbol);
  if (!held && was_held) std::erase(held_, fill.symbol);
  auto* inst = strategies_.find(fill.strategy_id);
  if (inst) {
    inst->live.apply(fill.symbol, fill.side, fill.quantity, fill.price, fill.fee, fill.ts);
    if (!realized.is_zero()) {
      ++inst->closed;
      if (realized.raw() > 0) {
        ++inst->wins;
        inst->won += realized.to_double();
      } else {
        inst->lost -= realized.to_double();
      }
    }
    // Flat again: whatever exits still rest for the position have nothing left to close.
    // Settling runs while reports drain, after the executor returned: it may be called again.
    if (inst->live.position(fill.symbol).quantity.is_zero() && fill.side == core::Side::sell)
      orders_.cancel_exits(inst->view.config.id, fill.symbol);
  }
  Trade trade{next_trade_id_++,
              order.id,
              config_.portfolio_id,
              fill.symbol,
              fill.side,
              fill.quantity,
              fill.price,
              fill.fee,
              realized,
              fill.ts,
              inst ? inst->view.config.strategy.class_name : std::string_view("manual"),
              inst ? fill.strategy_id : 0,
              manual != nullptr,
              manual ? *manual : std::string()};
  const std::uint64_t seq = next_seq_;
  append_journal(TradeRecord{trade, live_.cash(), live_.fees_paid(), live_.position(fill.symbol)});
  pending_trades_.push_back({seq, trade});
  mark_risk(fill.ts);
  dirty_ = true;
}

core::Quantity Portfolio::held_after_pending(core::SymbolId symbol, std::uint64_t owner) const noexcept {
  const Instance* inst = owner != 0 ? std::as_const(strategies_).find(owner) : nullptr;
  const Ledger& ledger = inst ? inst->live : live_;
  return orders_.after_pending(ledger.position(symbol).quantity, symbol, inst ? owner : 0);
}

core::Quantity Portfolio::reducible(const execution::Order& order) const noexcept {
  const auto symbol = order.request.symbol;
  // What is held once the fills already reported are applied: two exits filling on one tick
  // must not both sell the same position. A strategy's exit closes what that strategy holds,
  // and never more than the portfolio holds (a manual sale may have taken part of it).
  auto held = held_after_pending(symbol, 0);
  if (order.request.strategy_id != 0) held = std::min(held, held_after_pending(symbol, order.request.strategy_id));
  // Several exits of one owner (a bracket's legs, a later exit signal) may each cover the
  // position: whichever fills first reduces it, and the next is capped by what is left.
  return held.raw() > 0 ? held : core::Quantity{};
}

CommandResult Portfolio::submit_order(execution::OrderRequest request, OrderTicket& out) {
  if (request.symbol >= instruments_.size()) return CommandError{core::Errc::not_found, "unknown symbol", "", "symbol"};
  if (auto valid = execution::validate(request); !valid)
    return CommandError{core::Errc::invalid_argument, valid.error().message, std::string(valid.error().code), ""};
  if (!request.client_order_id.empty()) {
    if (const auto* used = orders_.client_order(request.client_order_id)) {
      if (const auto* existing = orders_.find(*used)) {
        out = {*existing, true};
        return std::nullopt;
      }
      return CommandError{core::Errc::conflict,
                          "client_order_id was used by order " + std::to_string(*used) + ", no longer in memory",
                          "duplicate_client_order_id", "client_order_id"};
    }
  }
  if (order_ids_exhausted())
    return CommandError{core::Errc::unavailable, "no order id is durably reserved yet: the database is behind",
                        "order_ids_unavailable", ""};
  // Manual orders open positions of the portfolio, not of a strategy.
  request.strategy_id = 0;
  const bool price_is_limit = request.type != execution::OrderType::market;
  const auto side = request.side;
  execution::Order sent;
  if (auto denial = place(std::move(request), price_is_limit, &sent)) {
    engine_log()->info("risk denied a manual {} order: {}", core::to_string(side), risk::to_string(*denial));
    return risk_error(*denial);
  }
  // The order as its reports left it; an asynchronous venue has not answered yet (new_order).
  const auto* now = orders_.find(sent.id);
  out = {now ? *now : sent, false};
  if (out.order.status == execution::OrderStatus::rejected) {
    // The executor's reason is "code: message"; callers match on the code.
    const std::string_view why = out.order.reason;
    return CommandError{core::Errc::rejected, "the executor rejected the order: " + out.order.reason,
                        std::string(why.substr(0, why.find(": "))), ""};
  }
  return std::nullopt;
}

CommandResult Portfolio::open_order(execution::OrderId id, const execution::Order*& out) const {
  out = orders_.find(id);
  if (!out) return CommandError{core::Errc::not_found, "no order " + std::to_string(id), "", "id"};
  if (execution::is_terminal(out->status))
    return CommandError{core::Errc::conflict,
                        "order " + std::to_string(id) + " is already " + std::string(to_string(out->status)),
                        "order_finished", ""};
  return std::nullopt;
}

CommandResult Portfolio::cancel_order(execution::OrderId id, OrderTicket& out) {
  const execution::Order* order = nullptr;
  if (auto err = open_order(id, order)) return err;
  execution::Order before = *order;  // `order` points into the executor's book, which the cancel changes
  orders_.cancel(id, "cancelled by request");
  const auto* now = orders_.find(id);
  out = {now ? *now : std::move(before), false};
  return std::nullopt;
}

CommandResult Portfolio::replace_order(execution::OrderId id, const execution::OrderRequest& changes,
                                       OrderTicket& out) {
  const execution::Order* order = nullptr;
  if (auto err = open_order(id, order)) return err;
  if (auto valid = execution::validate(changes); !valid)
    return CommandError{core::Errc::invalid_argument, valid.error().message, std::string(valid.error().code), ""};
  if (changes.quantity <= order->filled_quantity)
    return CommandError{core::Errc::invalid_argument, "quantity must be above what has filled already",
                        "invalid_quantity", "quantity"};
  // A replace sends the order anew: the same pre-trade checks as a new order for what would
  // rest, or growing a small order would bypass every limit.
  execution::OrderRequest proposed = order->request;
  proposed.quantity = changes.quantity - order->filled_quantity;
  proposed.limit_price = changes.limit_price;
  proposed.stop_price = changes.stop_price;
  const auto intent =
      intent_for(proposed, symbols_[proposed.symbol], executor_, proposed.type != execution::OrderType::market);
  if (const auto denial = risk_.check(intent, portfolio_view(proposed.symbol, intent.price, id), market_time_);
      denial != risk::Denial::none) {
    ++counters_.rejects;
    dirty_ = true;
    return risk_error(denial);
  }
  const bool replaced = orders_.replace(id, changes);
  if (!replaced) return CommandError{core::Errc::conflict, "the order could not be replaced", "replace_failed", ""};
  const auto* now = orders_.find(id);
  if (!now) return CommandError{core::Errc::not_found, "no order " + std::to_string(id), "", "id"};
  out = {*now, false};
  return std::nullopt;
}

CommandResult Portfolio::record_trade(const ManualTrade& m, OrderTicket& out) {
  using core::Errc;
  if (m.symbol >= instruments_.size()) return CommandError{Errc::not_found, "unknown symbol", "", "symbol"};
  // Check point: hand-recorded trades are for paper portfolios only. A live portfolio's trades
  // come from its venue; recording one by hand would put the ledger out of step with it.
  if (executor_.name() != "paper")
    return CommandError{Errc::conflict, "trades can be recorded by hand only on paper portfolios", "not_paper", ""};
  if (m.quantity.raw() <= 0)
    return CommandError{Errc::invalid_argument, "quantity must be positive", "invalid_quantity", "quantity"};
  if (m.price.raw() <= 0)
    return CommandError{Errc::invalid_argument, "price must be positive", "invalid_price", "price"};
  if (m.fee.raw() < 0) return CommandError{Errc::invalid_argument, "fee must not be negative", "invalid_fee", "fee"};
  if (m.force && m.reason.empty())
    return CommandError{Errc::invalid_argument, "a forced trade needs a reason", "missing_reason", "reason"};
  if (m.reason.size() > kMaxManualReason)
    return CommandError{Errc::invalid_argument, "reason is at most 200 bytes", "invalid_reason", "reason"};
  for (const char c : m.reason)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return CommandError{Errc::invalid_argument, "reason must not contain control characters", "invalid_reason",
                          "reason"};
  const auto value = core::checked_notional(m.price, m.quantity);
  if (!value)
    return CommandError{Errc::out_of_range, "price * quantity does not fit the ledger's range", "out_of_range",
                        "quantity"};
  // A fee above the trade's own value is a typo, not a cost.
  if (m.fee > *value)
    return CommandError{Errc::invalid_argument, "fee must not exceed the trade's value (price * quantity)",
                        "invalid_fee", "fee"};
  // A trade applied while fills are on their way (an asynchronous executor) would come before
  // them in the ledger though they happened first: it could sell what only they bring, or take
  // the cash out of range in between. Recorded once they have arrived.
  if (orders_.has_pending_fills())
    return CommandError{Errc::unavailable, "fills reported by the venue are still being applied; retry",
                        "fills_pending", ""};
  if (m.side == core::Side::sell && m.quantity > live_.position(m.symbol).quantity)
    return CommandError{Errc::invalid_argument, "quantity exceeds the position held", "insufficient_position",
                        "quantity"};
  // The price must be near the market unless the caller forces it and says why.
  const auto& view = symbols_[m.symbol];
  if (!m.force) {
    if (!view.has_tick || view.last.last.raw() <= 0)
      return CommandError{Errc::rejected, "no market price to check the trade's price against; force it with a reason",
                          "no_price", "price"};
    const double band = risk_.limits().price_band > 0.0 ? risk_.limits().price_band : kManualTradeBand;
    const double last = view.last.last.to_double();
    if (std::abs(m.price.to_double() - last) > band * last)
      return CommandError{Errc::rejected,
                          "price is outside the price band around the last trade (" + view.last.last.to_string() +
                              "); force it with a reason",
                          "price_band", "price"};
  }
  // The same pre-trade checks as an order at that price: the risk state (halted refuses
  // everything, reducing refuses entries), limits, cash and position, and the ledger's range.
  risk::OrderIntent intent;
  intent.symbol = m.symbol;
  intent.side = m.side;
  intent.quantity = m.quantity;
  intent.price = m.price;
  intent.last_trade = view.has_tick ? view.last.last : core::Price{};
  intent.fee = m.fee;
  if (const auto denial = risk_.check(intent, portfolio_view(m.symbol, m.price), market_time_);
      denial != risk::Denial::none) {
    ++counters_.rejects;
    dirty_ = true;
    return risk_error(denial);
  }
  execution::Fill probe{0, m.symbol, m.side, m.quantity, m.price, m.fee, execution::Liquidity::taker, {}, 0};
  if (!can_settle(probe))
    return CommandError{Errc::out_of_range, "the trade would take the ledger out of its range", "out_of_range",
                        "quantity"};
  // Market time, like every other fill: a replay or backtest keeps its own clock (and the risk
  // engine's day with it). Before any market data, the wall clock.
  const auto ts = market_time_ == core::Timestamp{} ? core::now() : market_time_;
  if (order_ids_exhausted())
    return CommandError{core::Errc::unavailable, "no order id is durably reserved yet: the database is behind",
                        "order_ids_unavailable", ""};
  execution::Order order;
  order.id = take_order_id();
  order.request.symbol = m.symbol;
  order.request.side = m.side;
  order.request.quantity = m.quantity;
  order.request.placed_by = m.placed_by;
  order.created = order.eligible_at = order.updated = ts;
  order.status = execution::OrderStatus::filled;
  order.filled_quantity = m.quantity;
  order.filled_notional = *value;
  order.fees = m.fee;
  // The order row carries the mark into the database (migration 008 derives trades.manual
  // and trades.note from it): "recorded by hand", and "; forced: <reason>" when forced.
  const std::string note = m.force ? "forced: " + m.reason : m.reason;
  order.reason = note.empty() ? std::string(kRecordedByHand) : std::string(kRecordedByHand) + "; " + note;
  // The order row first: the trade refers to it.
  orders_.record(order);
  execution::Fill fill{order.id, m.symbol, m.side, m.quantity, m.price, m.fee, execution::Liquidity::taker, ts, 0};
  settle(order, fill, &note);
  engine_log()->warn("trade recorded by hand: {} {} {} at {}{}", core::to_string(m.side), m.quantity.to_string(),
                     instruments_.at(m.symbol).symbol, m.price.to_string(),
                     m.force ? " (forced: " + m.reason + ")" : "");
  out = {order, false};
  return std::nullopt;
}

CommandResult Portfolio::reset(std::int64_t by) {
  if (session_.state != SessionState::stopped) change_session(SessionState::stopped, SessionChange::stopped, by);
  orders_.cancel_all("reset");
  // Trades not yet durable are part of what the reset deletes: readers never see them.
  pending_trades_.clear();
  live_ = Ledger(config_.initial_capital, instruments_.size());
  durable_ = live_;
  for (auto& inst : strategies_.all()) {
    inst.live = inst.durable = Ledger(core::Money{}, instruments_.size());
    inst.closed = inst.wins = 0;
    inst.won = inst.lost = 0.0;
    strategies_.touch(inst);
  }
  held_.clear();
  trades_.clear();
  trades_total_ = 0;
  orders_.clear();
  equity_.clear();
  equity_minute_ = INT64_MIN;
  append_journal(ResetRecord{config_.initial_capital});
  // A new portfolio: a new day's opening equity and peak, no breaches, no counts.
  const auto before = risk_.state();
  risk_ = risk::RiskEngine(risk_.limits());
  risk_.on_equity(config_.initial_capital, market_time_);
  note_risk_change(before, "reset");
  journal_risk();
  engine_log()->warn("paper portfolio {} reset to {}", config_.portfolio_id, config_.initial_capital.to_string());
  dirty_ = true;
  return std::nullopt;
}

}  // namespace meridian::engine
