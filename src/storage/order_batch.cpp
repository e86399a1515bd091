#include "order_batch.hpp"

#include <nlohmann/json.hpp>
#include <unordered_set>

#include "pg_array.hpp"
#include "pg_codec.hpp"

namespace meridian::storage {

namespace {

// One row per order (its latest state in the batch: ON CONFLICT DO UPDATE may touch a row
// once per statement). A client_order_id already held by another order of the portfolio
// (reused after the engine forgot it) is dropped rather than failing the batch forever.
constexpr const char* kOrdersSql =
    "INSERT INTO orders (id, portfolio_id, symbol, side, type, quantity, status, created_at, updated_at,"
    " limit_price, stop_price, time_in_force, client_order_id, parent_order_id, trail_amount, trail_percent,"
    " filled_quantity, average_price, reason, strategy_id, oco_order_id, eligible_at, expires_at, fees, reduce_only,"
    " triggered, trail_anchor, take_profit, stop_loss, bracket_trail_amount, bracket_trail_percent, placed_by)"
    " SELECT t.id, $1::bigint, t.symbol, t.side, t.type, t.quantity, t.status, t.created_at, t.updated_at,"
    "   t.limit_price, t.stop_price, t.tif,"
    "   CASE WHEN EXISTS (SELECT 1 FROM orders x WHERE x.portfolio_id = $1::bigint"
    "     AND x.client_order_id = t.client_order_id AND x.id <> t.id) THEN NULL ELSE t.client_order_id END,"
    "   t.parent_id, t.trail_amount, t.trail_percent, t.filled_quantity, t.average_price, t.reason, t.strategy_id,"
    "   t.oco_id, t.eligible_at, t.expires_at, t.fees, t.reduce_only, t.triggered, t.trail_anchor, t.take_profit,"
    "   t.stop_loss, t.bracket_trail_amount, t.bracket_trail_percent, t.placed_by"
    " FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::timestamptz[],"
    "   $9::timestamptz[], $10::numeric[], $11::numeric[], $12::text[], $13::text[], $14::bigint[], $15::numeric[],"
    "   $16::numeric[], $17::numeric[], $18::numeric[], $19::text[], $20::bigint[], $21::bigint[],"
    "   $22::timestamptz[], $23::timestamptz[], $24::numeric[], $25::boolean[], $26::boolean[], $27::numeric[],"
    "   $28::numeric[], $29::numeric[], $30::numeric[], $31::numeric[], $32::bigint[])"
    "   AS t(id, symbol, side, type, quantity, status, created_at, updated_at, limit_price, stop_price, tif,"
    "        client_order_id, parent_id, trail_amount, trail_percent, filled_quantity, average_price, reason,"
    "        strategy_id, oco_id, eligible_at, expires_at, fees, reduce_only, triggered, trail_anchor, take_profit,"
    "        stop_loss, bracket_trail_amount, bracket_trail_percent, placed_by)"
    " ON CONFLICT (id) DO UPDATE SET quantity = EXCLUDED.quantity, status = EXCLUDED.status,"
    " updated_at = EXCLUDED.updated_at, limit_price = EXCLUDED.limit_price, stop_price = EXCLUDED.stop_price,"
    " filled_quantity = EXCLUDED.filled_quantity, average_price = EXCLUDED.average_price, reason = EXCLUDED.reason,"
    " oco_order_id = EXCLUDED.oco_order_id, fees = EXCLUDED.fees, triggered = EXCLUDED.triggered,"
    " trail_anchor = EXCLUDED.trail_anchor";

// Every transition; a batch retried after a lost acknowledgement adds nothing.
constexpr const char* kEventsSql =
    "INSERT INTO order_events (order_id, seq, status, filled_quantity, price, reason, at)"
    " SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::numeric[], $5::numeric[], $6::text[],"
    "   $7::timestamptz[]) ON CONFLICT (order_id, seq) DO NOTHING";

void add_price(PgArray& column, core::Price p) {
  if (p.raw() > 0)
    column.add_plain(p.to_string());
  else
    column.add_null();
}

void add_percent(PgArray& column, double pct) {
  if (pct > 0)
    column.add_plain(pqxx::to_string(pct));
  else
    column.add_null();
}

void add_time(PgArray& column, core::Timestamp t) {
  if (t == core::Timestamp{})
    column.add_null();
  else
    column.add(pg::text(t));
}

}  // namespace

void OrderBatch::flush(pqxx::transaction_base& tx, const core::InstrumentTable& instruments,
                       std::int64_t portfolio_id) {
  if (records_.empty()) return;
  PgArray id, symbol, side, type, quantity, status, created, updated, limit_price, stop_price, tif, client_id,
      parent_id, trail_amount, trail_percent, filled, average, reason, strategy_id, oco_id, eligible, expires, fees,
      reduce_only, triggered, anchor, take_profit, stop_loss, bracket_trail_amount, bracket_trail_percent, placed_by;
  PgArray e_order, e_seq, e_status, e_filled, e_price, e_reason, e_at;
  std::unordered_set<execution::OrderId> seen;
  // Newest first, so each order's row is its last state in the batch.
  for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
    const auto& o = (*it)->order;
    if (!seen.insert(o.id).second) continue;
    const auto& r = o.request;
    id.add_plain(static_cast<long long>(o.id));
    symbol.add(instruments.at(r.symbol).symbol);
    side.add_plain(core::to_string(r.side));
    type.add_plain(to_string(r.type));
    quantity.add_plain(r.quantity.to_string());
    status.add_plain(to_string(o.status));
    created.add(pg::text(o.created));
    updated.add(pg::text(o.updated == core::Timestamp{} ? o.created : o.updated));
    add_price(limit_price, r.limit_price);
    add_price(stop_price, r.stop_price);
    tif.add_plain(to_string(r.tif));
    if (r.client_order_id.empty())
      client_id.add_null();
    else
      client_id.add(r.client_order_id);
    if (o.parent_id)
      parent_id.add_plain(static_cast<long long>(o.parent_id));
    else
      parent_id.add_null();
    add_price(trail_amount, r.trail_amount);
    add_percent(trail_percent, r.trail_percent);
    filled.add_plain(o.filled_quantity.to_string());
    add_price(average, o.average_price());
    reason.add(o.reason);
    strategy_id.add_plain(static_cast<long long>(r.strategy_id));
    if (o.oco_id)
      oco_id.add_plain(static_cast<long long>(o.oco_id));
    else
      oco_id.add_null();
    add_time(eligible, o.eligible_at);
    add_time(expires, o.expires_at);
    fees.add_plain(o.fees.to_string());
    reduce_only.add_plain(r.reduce_only ? "t" : "f");
    triggered.add_plain(o.triggered ? "t" : "f");
    add_price(anchor, o.trail_anchor);
    add_price(take_profit, r.take_profit);
    add_price(stop_loss, r.stop_loss);
    add_price(bracket_trail_amount, r.bracket_trail_amount);
    add_percent(bracket_trail_percent, r.bracket_trail_percent);
    if (r.placed_by)
      placed_by.add_plain(static_cast<long long>(r.placed_by));
    else
      placed_by.add_null();
  }
  for (const auto* rec : records_) {
    const auto& o = rec->order;
    e_order.add_plain(static_cast<long long>(o.id));
    e_seq.add_plain(static_cast<long long>(rec->event_seq));
    e_status.add_plain(to_string(o.status));
    e_filled.add_plain(o.filled_quantity.to_string());
    add_price(e_price, o.average_price());
    e_reason.add(o.reason);
    e_at.add(pg::text(o.updated == core::Timestamp{} ? o.created : o.updated));
  }
  tx.exec_params0(kOrdersSql, portfolio_id, id.str(), symbol.str(), side.str(), type.str(), quantity.str(),
                  status.str(), created.str(), updated.str(), limit_price.str(), stop_price.str(), tif.str(),
                  client_id.str(), parent_id.str(), trail_amount.str(), trail_percent.str(), filled.str(),
                  average.str(), reason.str(), strategy_id.str(), oco_id.str(), eligible.str(), expires.str(),
                  fees.str(), reduce_only.str(), triggered.str(), anchor.str(), take_profit.str(), stop_loss.str(),
                  bracket_trail_amount.str(), bracket_trail_percent.str(), placed_by.str());
  tx.exec_params0(kEventsSql, e_order.str(), e_seq.str(), e_status.str(), e_filled.str(), e_price.str(), e_reason.str(),
                  e_at.str());
  records_.clear();
}

std::string encode_risk_memory(const risk::RiskMemory& m) {
  return nlohmann::json{{"manual", m.manual_state},
                        {"daily_loss_hit", m.daily_loss_hit},
                        {"halted_by_drawdown", m.halted_by_drawdown},
                        {"daily_loss_overridden", m.daily_loss_overridden},
                        {"day", m.day},
                        {"day_start_equity", m.day_start_equity.to_string()},
                        {"peak_equity", m.peak_equity.to_string()},
                        {"last_equity", m.last_equity.to_string()}}
      .dump();
}

risk::RiskMemory decode_risk_memory(std::string_view state, std::string_view json) {
  risk::RiskMemory m;
  m.state = risk::parse_risk_state(state).value_or(risk::RiskState::active);
  const auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) return m;
  auto money = [&](const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? core::Money::parse(it->get<std::string>()).value_or(core::Money{})
                                            : core::Money{};
  };
  m.manual_state = j.value("manual", false);
  m.daily_loss_hit = j.value("daily_loss_hit", false);
  m.halted_by_drawdown = j.value("halted_by_drawdown", false);
  m.daily_loss_overridden = j.value("daily_loss_overridden", false);
  m.day = j.value("day", static_cast<std::int64_t>(INT64_MIN));
  m.day_start_equity = money("day_start_equity");
  m.peak_equity = money("peak_equity");
  m.last_equity = money("last_equity");
  return m;
}

void write_risk(pqxx::transaction_base& tx, std::int64_t portfolio_id, const engine::RiskRecord& record) {
  const auto& l = record.limits;
  auto money = [](core::Money m) { return m.raw() > 0 ? std::optional(m.to_string()) : std::nullopt; };
  auto count = [](std::uint32_t n) { return n > 0 ? std::optional(static_cast<long long>(n)) : std::nullopt; };
  auto fraction = [](double f) { return f > 0 ? std::optional(f) : std::nullopt; };
  tx.exec_params0(
      "INSERT INTO risk_limits (portfolio_id, max_position_size, max_daily_loss, max_drawdown, max_orders_per_minute,"
      " max_order_quantity, max_order_notional, max_open_positions, max_gross_exposure, price_band, state, memory,"
      " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, now())"
      " ON CONFLICT (portfolio_id) DO UPDATE SET"
      " max_position_size = EXCLUDED.max_position_size, max_daily_loss = EXCLUDED.max_daily_loss,"
      " max_drawdown = EXCLUDED.max_drawdown, max_orders_per_minute = EXCLUDED.max_orders_per_minute,"
      " max_order_quantity = EXCLUDED.max_order_quantity, max_order_notional = EXCLUDED.max_order_notional,"
      " max_open_positions = EXCLUDED.max_open_positions, max_gross_exposure = EXCLUDED.max_gross_exposure,"
      " price_band = EXCLUDED.price_band, state = EXCLUDED.state, memory = EXCLUDED.memory, updated_at = now()",
      portfolio_id, money(l.max_position_notional), money(l.max_daily_loss), fraction(l.max_drawdown),
      count(l.max_orders_per_minute),
      l.max_order_quantity.raw() > 0 ? std::optional(l.max_order_quantity.to_string()) : std::nullopt,
      money(l.max_order_notional), count(l.max_open_positions), money(l.max_gross_exposure), fraction(l.price_band),
      std::string(risk::to_string(record.memory.state)), encode_risk_memory(record.memory));
}

void write_reset(pqxx::transaction_base& tx, std::int64_t portfolio_id, const engine::ResetRecord& record) {
  tx.exec_params0("DELETE FROM order_events WHERE order_id IN (SELECT id FROM orders WHERE portfolio_id = $1)",
                  portfolio_id);
  tx.exec_params0("DELETE FROM trades WHERE portfolio_id = $1", portfolio_id);
  tx.exec_params0("DELETE FROM orders WHERE portfolio_id = $1", portfolio_id);
  tx.exec_params0("DELETE FROM positions WHERE portfolio_id = $1", portfolio_id);
  tx.exec_params0("DELETE FROM equity_samples WHERE portfolio_id = $1", portfolio_id);
  tx.exec_params0("DELETE FROM performance_metrics WHERE portfolio_id = $1", portfolio_id);
  tx.exec_params0("UPDATE portfolios SET cash = $2, fees_paid = 0, updated_at = now() WHERE id = $1", portfolio_id,
                  record.cash.to_string());
}

}  // namespace meridian::storage
