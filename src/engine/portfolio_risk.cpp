// Portfolio: the portfolio's risk state and its equity curve. Engine strand only.
#include "engine_log.hpp"
#include "meridian/engine/portfolio.hpp"

namespace meridian::engine {

void Portfolio::sample_equity(core::Timestamp ts) {
  // Once per minute of market time: a branch per tick, the work once a minute.
  const auto minute = std::chrono::duration_cast<std::chrono::minutes>(ts.time_since_epoch()).count();
  if (minute == equity_minute_) return;
  const bool first = equity_minute_ == INT64_MIN;
  if (!first && minute < equity_minute_) return;  // a late tick
  equity_minute_ = minute;
  const auto equity = live_equity();
  mark_risk(ts);
  equity_.push({ts, equity.to_double()});
  append_journal(EquityRecord{ts, equity, live_.cash()});
}

void Portfolio::mark_risk(core::Timestamp ts) {
  const auto before = risk_.state();
  const bool daily_before = risk_.daily_loss_hit();
  auto remembered = risk_.memory();
  risk_.on_equity(live_equity(), ts);
  // A restart resumes from the last RiskRecord, so one is due whenever what it remembers moves
  // on: a new day's opening equity, a new peak, a breach. Not for the equity alone (every mark;
  // the equity samples carry it), which the next mark after a restart sets again.
  remembered.last_equity = risk_.memory().last_equity;
  const bool changed = risk_.memory() != remembered;
  if (risk_.state() != before) {
    std::string_view reason = "day_boundary";
    if (risk_.state() == risk::RiskState::halted)
      reason = "drawdown";
    else if (risk_.daily_loss_hit() && !daily_before)
      reason = "daily_loss";
    note_risk_change(before, reason);
  }
  if (changed) journal_risk();
}

void Portfolio::note_risk_change(risk::RiskState before, std::string_view reason) {
  if (risk_.state() == before) return;
  engine_log()->warn("portfolio {} risk state {} -> {} ({})", config_.portfolio_id, risk::to_string(before),
                     risk::to_string(risk_.state()), reason);
  raise(RiskChanged{before, risk_.state(), reason});
  dirty_ = true;
}

void Portfolio::journal_risk() {
  append_journal(RiskRecord{risk_.limits(), risk_.memory()});
}

RiskView Portfolio::risk_view() const noexcept {
  RiskView v;
  v.state = risk_.state();
  v.limits = risk_.limits();
  v.day_start_equity = risk_.day_start_equity();
  v.peak_equity = risk_.peak_equity();
  v.daily_pnl = risk_.daily_pnl();
  v.drawdown = risk_.drawdown();
  v.daily_loss_hit = risk_.daily_loss_hit();
  v.orders_last_minute = risk_.orders_last_minute(market_time_);
  v.denials = risk_.denials();
  return v;
}

CommandResult Portfolio::set_risk_state(risk::RiskState state) {
  const auto before = risk_.set_state(state);
  note_risk_change(before, "api");
  journal_risk();
  dirty_ = true;
  return std::nullopt;
}

CommandResult Portfolio::set_risk_limits(const risk::Limits& limits) {
  if (limits.allow_short)
    return CommandError{core::Errc::invalid_argument, "short selling is not supported by the paper ledger",
                        "unsupported", "allow_short"};
  risk_.set_limits(limits);
  // New limits apply to the equity as it is now (a lower drawdown limit may halt at once).
  mark_risk(market_time_);
  journal_risk();
  dirty_ = true;
  return std::nullopt;
}

void Portfolio::set_calendars(market::Calendars calendars) {
  config_.calendars = std::move(calendars);
  strategies_.calendars_changed();
  dirty_ = true;  // the snapshot shows the calendars
}

}  // namespace meridian::engine
