#include "order_recovery.hpp"

#include "order_batch.hpp"
#include "pg_codec.hpp"

namespace meridian::storage {

namespace {

constexpr const char* kOrderColumns =
    "id, symbol, side, type, quantity, status, limit_price, stop_price, time_in_force, client_order_id,"
    " parent_order_id, trail_amount, trail_percent::float8 AS trail_percent, filled_quantity,"
    " COALESCE(average_price * filled_quantity, 0) AS filled_notional, reason, strategy_id, oco_order_id,"
    " reduce_only, triggered, trail_anchor, take_profit, stop_loss, bracket_trail_amount,"
    " bracket_trail_percent::float8 AS bracket_trail_percent, fees, COALESCE(placed_by, 0) AS placed_by,"
    " (extract(epoch from created_at) * 1000000)::bigint AS created_us,"
    " (extract(epoch from updated_at) * 1000000)::bigint AS updated_us,"
    " (extract(epoch from eligible_at) * 1000000)::bigint AS eligible_us,"
    " (extract(epoch from expires_at) * 1000000)::bigint AS expires_us,"
    " (SELECT max(seq) FROM order_events e WHERE e.order_id = orders.id) AS events";

template <class F>
F fixed_or_zero(const pqxx::field& f) {
  return f.is_null() ? F{} : pg::fixed<F>(f);
}

core::Timestamp time_or_zero(const pqxx::field& f) {
  return f.is_null() ? core::Timestamp{} : pg::micros(f);
}

std::optional<execution::Order> order_from_row(const pqxx::row& r, const core::InstrumentTable& instruments) {
  auto symbol = instruments.find(r["symbol"].c_str());
  auto side = core::parse_side(r["side"].c_str());
  auto type = execution::parse_order_type(r["type"].c_str());
  auto status = execution::parse_order_status(r["status"].c_str());
  auto tif = execution::parse_time_in_force(r["time_in_force"].c_str());
  if (!symbol || !side || !type || !status || !tif) return std::nullopt;
  execution::Order o;
  o.id = r["id"].as<unsigned long long>();
  auto& q = o.request;
  q.symbol = *symbol;
  q.side = *side;
  q.type = *type;
  q.tif = *tif;
  q.quantity = pg::fixed<core::Quantity>(r["quantity"]);
  q.limit_price = fixed_or_zero<core::Price>(r["limit_price"]);
  q.stop_price = fixed_or_zero<core::Price>(r["stop_price"]);
  q.trail_amount = fixed_or_zero<core::Price>(r["trail_amount"]);
  q.trail_percent = r["trail_percent"].is_null() ? 0.0 : r["trail_percent"].as<double>();
  q.take_profit = fixed_or_zero<core::Price>(r["take_profit"]);
  q.stop_loss = fixed_or_zero<core::Price>(r["stop_loss"]);
  q.bracket_trail_amount = fixed_or_zero<core::Price>(r["bracket_trail_amount"]);
  q.bracket_trail_percent = r["bracket_trail_percent"].is_null() ? 0.0 : r["bracket_trail_percent"].as<double>();
  q.reduce_only = r["reduce_only"].as<bool>();
  q.client_order_id = r["client_order_id"].is_null() ? std::string() : r["client_order_id"].c_str();
  q.strategy_id = r["strategy_id"].as<unsigned long long>();
  q.placed_by = r["placed_by"].as<long long>();
  o.status = *status;
  o.filled_quantity = pg::fixed<core::Quantity>(r["filled_quantity"]);
  // average_price is stored rounded to 8 places; the product is the notional to within that.
  o.filled_notional = core::Money::parse(r["filled_notional"].c_str()).value_or(core::Money{}).rounded(8);
  o.fees = pg::fixed<core::Money>(r["fees"]);
  o.created = pg::micros(r["created_us"]);
  o.updated = pg::micros(r["updated_us"]);
  o.eligible_at = time_or_zero(r["eligible_us"]);
  o.expires_at = time_or_zero(r["expires_us"]);
  o.parent_id = r["parent_order_id"].is_null() ? 0 : r["parent_order_id"].as<unsigned long long>();
  o.oco_id = r["oco_order_id"].is_null() ? 0 : r["oco_order_id"].as<unsigned long long>();
  o.trail_anchor = fixed_or_zero<core::Price>(r["trail_anchor"]);
  o.triggered = r["triggered"].as<bool>();
  o.reason = r["reason"].c_str();
  return o;
}

}  // namespace

void load_orders(pqxx::work& tx, const core::InstrumentTable& instruments, std::int64_t portfolio_id,
                 engine::RecoveredState& s) {
  for (const auto& r :
       tx.exec_params(std::string("SELECT ") + kOrderColumns +
                          " FROM orders WHERE portfolio_id = $1 AND status IN ('new', 'accepted', 'partially_filled')"
                          " ORDER BY id",
                      portfolio_id)) {
    auto o = order_from_row(r, instruments);
    if (!o) continue;
    s.order_event_seqs.emplace_back(o->id, r["events"].is_null() ? 0u : r["events"].as<unsigned>());
    s.open_orders.push_back(std::move(*o));
  }
  for (const auto& r : tx.exec_params(std::string("SELECT * FROM (SELECT ") + kOrderColumns +
                                          " FROM orders WHERE portfolio_id = $1 AND status IN ('filled', 'cancelled',"
                                          " 'rejected', 'expired') ORDER BY id DESC LIMIT $2) recent ORDER BY id",
                                      portfolio_id, static_cast<long long>(engine::kOrdersInMemory))) {
    if (auto o = order_from_row(r, instruments)) s.recent_orders.push_back(std::move(*o));
  }
}

void load_risk(pqxx::work& tx, std::int64_t portfolio_id, engine::RecoveredState& s) {
  auto rows = tx.exec_params(
      "SELECT max_position_size, max_daily_loss, max_drawdown, max_orders_per_minute, max_order_quantity,"
      " max_order_notional, max_open_positions, max_gross_exposure, price_band, state, memory::text AS memory"
      " FROM risk_limits"
      " WHERE portfolio_id = $1",
      portfolio_id);
  if (rows.empty()) return;
  const auto& r = rows[0];
  engine::RiskRecord rec;
  auto& l = rec.limits;
  l.max_position_notional = fixed_or_zero<core::Money>(r["max_position_size"]);
  l.max_daily_loss = fixed_or_zero<core::Money>(r["max_daily_loss"]);
  l.max_drawdown = r["max_drawdown"].is_null() ? 0.0 : r["max_drawdown"].as<double>();
  l.max_orders_per_minute = r["max_orders_per_minute"].is_null() ? 0u : r["max_orders_per_minute"].as<unsigned>();
  l.max_order_quantity = fixed_or_zero<core::Quantity>(r["max_order_quantity"]);
  l.max_order_notional = fixed_or_zero<core::Money>(r["max_order_notional"]);
  l.max_open_positions = r["max_open_positions"].is_null() ? 0u : r["max_open_positions"].as<unsigned>();
  l.max_gross_exposure = fixed_or_zero<core::Money>(r["max_gross_exposure"]);
  l.price_band = r["price_band"].is_null() ? 0.0 : r["price_band"].as<double>();
  rec.memory = decode_risk_memory(r["state"].c_str(), r["memory"].c_str());
  s.risk = rec;
}

void load_equity(pqxx::work& tx, std::int64_t portfolio_id, engine::RecoveredState& s) {
  for (const auto& r : tx.exec_params(
           "SELECT * FROM (SELECT (extract(epoch from at) * 1000000)::bigint AS ts_us, equity::float8 AS equity"
           " FROM equity_samples WHERE portfolio_id = $1 ORDER BY at DESC LIMIT $2) recent ORDER BY ts_us",
           portfolio_id, static_cast<long long>(engine::kEquityPointsInMemory)))
    s.equity.push_back({pg::micros(r["ts_us"]), r["equity"].as<double>()});
}

}  // namespace meridian::storage
