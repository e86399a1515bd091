#include "meridian/storage/recovery.hpp"

#include <chrono>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "meridian/engine/id_space.hpp"
#include "meridian/engine/ledger.hpp"
#include "meridian/strategies/registry.hpp"
#include "order_recovery.hpp"
#include "pg_array.hpp"
#include "pg_codec.hpp"
#include "portfolio_rows.hpp"
#include "session_codec.hpp"
#include "storage_log.hpp"

namespace meridian::storage {

std::int64_t ensure_default_user(pqxx::work& tx, core::Money capital) {
  return tx
      .exec_params1(
          "INSERT INTO users (email, first_name, last_name, role, capital) VALUES ('demo@meridian.local', 'Demo', "
          "'Trader', 'admin', $1) ON CONFLICT (email) DO UPDATE SET updated_at = now() RETURNING id",
          capital.to_string())[0]
      .as<long long>();
}

void ensure_portfolio(pqxx::work& tx, std::int64_t portfolio_id, core::Money initial_capital) {
  if (!tx.exec_params("SELECT 1 FROM portfolios WHERE id = $1", portfolio_id).empty()) return;
  const auto user = ensure_default_user(tx, initial_capital);
  // Portfolio 1 is the one seed 000's session trades; others are named by id until users name them.
  const std::string name = portfolio_id == 1 ? "default" : "portfolio " + std::to_string(portfolio_id);
  tx.exec_params0("INSERT INTO portfolios (id, user_id, name, initial_cash, cash) VALUES ($1, $2, $3, $4, $4)",
                  portfolio_id, user, name, initial_capital.to_string());
  tx.exec("SELECT setval(pg_get_serial_sequence('portfolios', 'id'), (SELECT max(id) FROM portfolios))");
}

namespace {

// The portfolio's id range (engine/id_space.hpp) as the bounds of `id > low AND id <= high`.
// Ids are primary keys across every portfolio, so the maxima are taken over the range, not
// over the portfolio's rows: a row another portfolio wrote inside this range (before ids had
// ranges) still keeps this portfolio's next id above it.
std::pair<long long, long long> id_range(std::int64_t portfolio_id) {
  const auto base = engine::id_base(portfolio_id);
  return {static_cast<long long>(base), static_cast<long long>(base + engine::kIdSpan)};
}

engine::Trade trade_from_row(const pqxx::row& r, core::SymbolId symbol) {
  engine::Trade t;
  t.id = r["id"].as<unsigned long long>();
  t.order_id = r["order_id"].as<unsigned long long>();
  t.portfolio_id = r["portfolio_id"].as<long long>();
  t.symbol = symbol;
  t.side = core::parse_side(r["side"].c_str()).value_or(core::Side::buy);
  t.quantity = pg::fixed<core::Quantity>(r["quantity"]);
  t.price = pg::fixed<core::Price>(r["price"]);
  t.fee = pg::fixed<core::Money>(r["fee"]);
  t.realized_pnl = pg::fixed<core::Money>(r["realized_pnl"]);
  t.ts = pg::micros(r["ts_us"]);
  t.strategy = strategies::canonical_class_name(r["strategy"].c_str());
  t.strategy_id = r["strategy_id"].as<unsigned long long>();
  // Recorded by hand (migration 008): the mark and the caller's note survive a restart.
  t.manual = r["manual"].as<bool>();
  if (!r["note"].is_null()) t.note = r["note"].c_str();
  return t;
}

constexpr const char* kTradeColumns =
    "id, order_id, portfolio_id, symbol, side, quantity, price, fee, realized_pnl, strategy, strategy_id, "
    "manual, note, (extract(epoch from executed_at) * 1000000)::bigint AS ts_us";

// Each symbol's stored 5m..1d bars that end by its first loaded minute (the roll-up of the
// loaded minutes makes the rest), newest `per_series` of each, oldest first.
void load_higher_bars(pqxx::work& tx, const core::InstrumentTable& instruments, std::size_t per_series,
                      engine::RecoveredState& s) {
  std::vector<core::Timestamp> first(instruments.size(), core::Timestamp::max());
  for (const auto& b : s.bars) first[b.symbol] = std::min(first[b.symbol], b.open_time);
  PgArray symbols, before;
  for (const auto& inst : instruments.all()) {
    symbols.add(inst.symbol);
    // No minutes loaded: everything stored is older than the live data to come.
    before.add(first[inst.id] == core::Timestamp::max() ? "infinity" : pg::text(first[inst.id]));
  }
  for (auto tf : core::kAllTimeframes) {
    if (tf == core::Timeframe::m1) continue;
    const auto period_us = std::chrono::duration_cast<std::chrono::microseconds>(core::period_of(tf)).count();
    for (const auto& r :
         tx.exec_params("SELECT s.symbol, b.open, b.high, b.low, b.close, b.volume,"
                        " (extract(epoch from b.open_time) * 1000000)::bigint AS ts_us"
                        " FROM unnest($1::text[], $2::timestamptz[]) AS s(symbol, before) CROSS JOIN LATERAL ("
                        "   SELECT * FROM market_data m WHERE m.symbol = s.symbol AND m.timeframe = $3"
                        "   AND m.open_time <= s.before - make_interval(secs => $4::float8 / 1000000)"
                        "   ORDER BY m.open_time DESC LIMIT $5) b"
                        " ORDER BY b.open_time, s.symbol",
                        symbols.str(), before.str(), std::string(core::to_string(tf)), static_cast<double>(period_us),
                        static_cast<long long>(per_series))) {
      auto id = instruments.find(r["symbol"].c_str());
      if (!id) continue;
      s.higher_bars.push_back(pg::bar(r, *id, tf));
    }
  }
}

// The last kSignalsInMemory signals. Their text (reason, indicator names) is kept in one
// string per entry, which the entry's views point into.
void load_signals(pqxx::work& tx, const core::InstrumentTable& instruments, std::int64_t portfolio_id,
                  engine::RecoveredState& s) {
  const auto [low, high] = id_range(portfolio_id);
  auto max = tx.exec_params("SELECT COALESCE(max(id), 0) AS id FROM signals WHERE id > $1 AND id <= $2", low, high);
  s.last_signal_id = max[0]["id"].as<unsigned long long>();
  for (const auto& r : tx.exec_params(
           "SELECT * FROM (SELECT id, strategy, strategy_id, symbol, side, strength, price, reason, indicators::text "
           "AS indicators,"
           " acted, (extract(epoch from created_at) * 1000000)::bigint AS ts_us FROM signals WHERE portfolio_id = $1"
           " ORDER BY id DESC LIMIT $2) recent ORDER BY id",
           portfolio_id, static_cast<long long>(engine::kSignalsInMemory))) {
    auto id = instruments.find(r["symbol"].c_str());
    if (!id) continue;
    engine::SignalEntry e;
    e.id = r["id"].as<unsigned long long>();
    e.acted = r["acted"].as<bool>();
    e.strategy_id = r["strategy_id"].as<unsigned long long>();
    auto& sig = e.signal;
    sig.symbol = *id;
    sig.side = core::parse_side(r["side"].c_str()).value_or(core::Side::buy);
    sig.strength = r["strength"].as<double>();
    sig.price = pg::fixed<core::Price>(r["price"]);
    sig.ts = pg::micros(r["ts_us"]);
    sig.strategy = strategies::canonical_class_name(r["strategy"].c_str());
    auto values = nlohmann::json::parse(r["indicators"].c_str(), nullptr, false);
    // One buffer: reason, then each indicator name, NUL-separated.
    auto text = std::make_shared<std::string>(r["reason"].c_str());
    std::vector<std::pair<std::size_t, std::size_t>> name_spans;
    std::vector<double> numbers;
    if (values.is_object()) {
      for (auto it = values.begin(); it != values.end() && numbers.size() < sig.values.size(); ++it) {
        if (!it.value().is_number()) continue;
        text->push_back('\0');
        name_spans.emplace_back(text->size(), it.key().size());
        text->append(it.key());
        numbers.push_back(it.value().get<double>());
      }
    }
    sig.reason = std::string_view(text->data(), std::strlen(text->c_str()));
    for (std::size_t i = 0; i < numbers.size(); ++i)
      sig.values[i] = {std::string_view(text->data() + name_spans[i].first, name_spans[i].second), numbers[i]};
    sig.value_count = static_cast<std::uint8_t>(numbers.size());
    e.text = std::move(text);
    s.signals.push_back(std::move(e));
  }
}

void load_instances(pqxx::work& tx, const core::InstrumentTable& instruments, std::int64_t portfolio_id,
                    engine::RecoveredState& s) {
  for (const auto& r : tx.exec_params(
           "SELECT id, name, class_name, params::text AS params, array_to_string(symbols, ',') AS symbols, active,"
           " state, portfolio, (extract(epoch from updated_at) * 1000000)::bigint AS ts_us FROM strategies"
           " WHERE portfolio_id = $1 ORDER BY id",
           portfolio_id)) {
    engine::InstanceRecord rec;
    rec.config.id = r["id"].as<unsigned long long>();
    rec.config.name = r["name"].c_str();
    engine::StrategyConfig base;
    base.class_name = strategies::canonical_class_name(r["class_name"].c_str());
    if (const auto* cls = strategies::find_strategy_class(base.class_name))
      base.params = strategies::ParamValues(cls->params);
    auto cfg = engine::decode_strategy_text(r["params"].c_str(), base);
    if (!cfg) {
      storage_log()->warn("recovery: strategy {} skipped: {}", rec.config.name, cfg.error().message);
      continue;
    }
    rec.config.strategy = *cfg;
    rec.config.symbols = decode_symbol_list(r["symbols"].c_str(), instruments);
    rec.config.active = r["active"].as<bool>();
    rec.config.portfolio = r["portfolio"].c_str();
    rec.state = engine::parse_instance_state(r["state"].c_str()).value_or(engine::InstanceState::added);
    rec.updated_at = pg::micros(r["ts_us"]);
    s.instances.push_back(std::move(rec));
  }
}

}  // namespace

namespace {
RecoveryReport load(const std::string& database_url, const core::InstrumentTable& instruments,
                    const RecoveryOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  pqxx::connection conn(database_url);
  pqxx::work tx(conn);
  ensure_portfolio(tx, options.portfolio_id, options.initial_capital);
  RecoveryReport report;
  engine::RecoveredState& s = report.state;

  auto pf = tx.exec_params1("SELECT initial_cash, cash, fees_paid FROM portfolios WHERE id = $1", options.portfolio_id);
  s.has_portfolio = true;
  s.cash = pg::fixed<core::Money>(pf["cash"]);
  s.fees_paid = pg::fixed<core::Money>(pf["fees_paid"]);
  const auto initial_cash = pg::fixed<core::Money>(pf["initial_cash"]);

  for (const auto& r : tx.exec_params(
           "SELECT symbol, quantity, cost_basis, realized_pnl, (extract(epoch from updated_at) * 1000000)::bigint AS "
           "ts_us FROM positions WHERE portfolio_id = $1",
           options.portfolio_id)) {
    auto id = instruments.find(r["symbol"].c_str());
    if (!id) {
      storage_log()->warn("recovery: position in unconfigured symbol {} ignored", r["symbol"].c_str());
      continue;
    }
    s.positions.emplace_back(
        *id, engine::PositionState{pg::fixed<core::Quantity>(r["quantity"]), pg::fixed<core::Money>(r["cost_basis"]),
                                   pg::fixed<core::Money>(r["realized_pnl"]), pg::micros(r["ts_us"])});
  }

  // The whole trade log, folded: the database keeps the sums per strategy instance and
  // symbol as trades are written (sql/005_trade_totals.sql), so a replay of any length costs
  // a handful of rows here.
  engine::Ledger replay(initial_cash, instruments.size());
  std::map<std::uint64_t, engine::Ledger> by_strategy;  // attribution, from the same fold
  core::Money replay_cash = initial_cash, replay_fees{};
  for (const auto& r :
       tx.exec_params("SELECT strategy_id, symbol, trades, quantity, cost_basis, realized_pnl, fees, cash_flow,"
                      " (extract(epoch from last_trade_at) * 1000000)::bigint AS ts_us FROM trade_totals"
                      " WHERE portfolio_id = $1 AND trades <> 0",
                      options.portfolio_id)) {
    const auto fees = pg::fixed<core::Money>(r["fees"]);
    replay_cash += pg::fixed<core::Money>(r["cash_flow"]) - fees;
    replay_fees += fees;
    s.trades_total += r["trades"].as<unsigned long long>();
    auto id = instruments.find(r["symbol"].c_str());
    if (!id) {
      report.summary.reconciled = false;
      report.summary.reconcile_detail = std::string("trades in unconfigured symbol ") + r["symbol"].c_str();
      continue;
    }
    const engine::PositionState fold{pg::fixed<core::Quantity>(r["quantity"]), pg::fixed<core::Money>(r["cost_basis"]),
                                     pg::fixed<core::Money>(r["realized_pnl"]), pg::micros(r["ts_us"])};
    if (fold.quantity < core::Quantity{}) {
      report.summary.reconciled = false;
      report.summary.reconcile_detail =
          std::string("the trade log sells more ") + r["symbol"].c_str() + " than it buys";
    }
    auto add = [&](engine::Ledger& ledger) {
      auto pos = ledger.positions()[*id];
      pos.quantity += fold.quantity;
      pos.cost_basis += fold.cost_basis;
      pos.realized_pnl += fold.realized_pnl;
      pos.updated_at = std::max(pos.updated_at, fold.updated_at);
      ledger.restore(ledger.cash(), ledger.fees_paid(), *id, pos);
    };
    add(replay);
    add(by_strategy.try_emplace(r["strategy_id"].as<unsigned long long>(), core::Money{}, instruments.size())
            .first->second);
  }
  replay.restore_cash(replay_cash, replay_fees);
  for (const auto& [id, ledger] : by_strategy) {
    std::vector<std::pair<core::SymbolId, engine::PositionState>> positions;
    for (std::size_t i = 0; i < ledger.positions().size(); ++i)
      if (!ledger.positions()[i].quantity.is_zero() || !ledger.positions()[i].realized_pnl.is_zero())
        positions.emplace_back(static_cast<core::SymbolId>(i), ledger.positions()[i]);
    s.attribution.emplace_back(id, std::move(positions));
  }

  // The most recent trades for the in-memory log, newest first through the primary key.
  for (const auto& r :
       tx.exec_params(std::string("SELECT * FROM (SELECT ") + kTradeColumns +
                          " FROM trades WHERE portfolio_id = $1 ORDER BY id DESC LIMIT $2) recent ORDER BY id",
                      options.portfolio_id, static_cast<long long>(options.trades))) {
    if (auto id = instruments.find(r["symbol"].c_str())) s.trades.push_back(trade_from_row(r, *id));
  }

  engine::Ledger stored(initial_cash, instruments.size());
  stored.restore_cash(s.cash, s.fees_paid);
  for (const auto& [id, pos] : s.positions) stored.restore(s.cash, s.fees_paid, id, pos);
  if (report.summary.reconciled && !(stored == replay)) {
    report.summary.reconciled = false;
    report.summary.reconcile_detail = "stored cash " + s.cash.to_string() +
                                      " / positions differ from the trade log (cash " + replay.cash().to_string() + ")";
  }

  // The last ids handed out in this portfolio's range (through the primary keys).
  const auto [id_low, id_high] = id_range(options.portfolio_id);
  auto maxes = tx.exec_params(
      "SELECT COALESCE((SELECT max(id) FROM trades WHERE id > $1 AND id <= $2), 0) AS t,"
      " COALESCE((SELECT max(id) FROM orders WHERE id > $1 AND id <= $2), 0) AS o",
      id_low, id_high);
  s.last_trade_id = maxes[0]["t"].as<unsigned long long>();
  s.last_order_id = maxes[0]["o"].as<unsigned long long>();
  // The start's reservation, durable with this transaction before any id is handed out: ids
  // begin above every id any earlier run could have handed out (its reservation), and inside
  // the portfolio's range (a reservation from before ranges may lie below it).
  auto reserved = tx.exec_params1(
      "UPDATE portfolios SET order_id_reserved = GREATEST(order_id_reserved, $4, $2) + $3 WHERE id = $1"
      " RETURNING order_id_reserved - $3 AS floor, order_id_reserved",
      options.portfolio_id, static_cast<long long>(s.last_order_id), static_cast<long long>(options.order_id_block),
      id_low);
  s.order_id_floor = reserved["floor"].as<unsigned long long>();
  s.order_id_reserved = reserved["order_id_reserved"].as<unsigned long long>();
  s.order_id_block = options.order_id_block;

  for (const auto& r : tx.exec_params("SELECT kind, count(*) AS n FROM journal_dead_letters WHERE portfolio_id = $1"
                                      " AND state = 'pending' GROUP BY kind ORDER BY kind",
                                      options.portfolio_id)) {
    const auto n = r["n"].as<unsigned long long>();
    report.summary.dead_letters_pending += n;
    auto& d = report.summary.dead_letters_detail;
    d += (d.empty() ? "" : ", ") + std::to_string(n) + " " + r["kind"].c_str();
  }

  auto sessions = tx.exec_params(
      "SELECT state, params::text AS params, array_to_string(symbols, ',') AS symbols, "
      "(extract(epoch from started_at) * 1000000)::bigint AS started_us, "
      "(extract(epoch from updated_at) * 1000000)::bigint AS updated_us, COALESCE(changed_by, 0) AS changed_by "
      "FROM trading_sessions WHERE portfolio_id = $1 ORDER BY updated_at DESC, id DESC LIMIT 1",
      options.portfolio_id);
  if (!sessions.empty()) {
    const auto& r = sessions[0];
    s.session = decode_session(r["state"].c_str(), r["params"].c_str(), r["symbols"].c_str(), instruments);
    s.session->started_at = pg::micros(r["started_us"]);
    s.session->updated_at = pg::micros(r["updated_us"]);
    s.session->changed_by = r["changed_by"].as<long long>();
  }

  // Per configured symbol, newest first through the primary key: a year of 1m bars in the
  // table costs the same as a day.
  std::vector<core::SymbolId> ids;
  for (const auto& inst : instruments.all()) ids.push_back(inst.id);
  for (const auto& r :
       tx.exec_params("SELECT s.symbol, b.open, b.high, b.low, b.close, b.volume,"
                      " (extract(epoch from b.open_time) * 1000000)::bigint AS ts_us"
                      " FROM unnest($1::text[]) AS s(symbol) CROSS JOIN LATERAL ("
                      "   SELECT * FROM market_data m WHERE m.symbol = s.symbol AND m.timeframe = '1m'"
                      "   ORDER BY m.open_time DESC LIMIT $2) b"
                      " ORDER BY b.open_time, s.symbol",
                      encode_symbol_list(ids, instruments), static_cast<long long>(options.bars_per_symbol))) {
    auto id = instruments.find(r["symbol"].c_str());
    if (!id) continue;
    s.bars.push_back(pg::bar(r, *id, core::Timeframe::m1));
  }
  load_higher_bars(tx, instruments, options.bars_per_series, s);
  load_signals(tx, instruments, options.portfolio_id, s);
  load_instances(tx, instruments, options.portfolio_id, s);
  load_orders(tx, instruments, options.portfolio_id, s);
  load_risk(tx, options.portfolio_id, s);
  load_equity(tx, options.portfolio_id, s);
  tx.commit();
  auto& sum = report.summary;
  sum.from_database = true;
  sum.positions = s.positions.size();
  sum.trades = s.trades_total;
  sum.bars = s.bars.size();
  sum.signals = s.signals.size();
  sum.instances = s.instances.size();
  sum.session = s.session ? std::string(engine::to_string(s.session->state)) : "new";
  sum.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (sum.dead_letters_pending) {
    // What reconciliation cannot see: records the database refused, not in the tables yet.
    const auto pending = std::to_string(sum.dead_letters_pending) + " dead-lettered journal records pending (" +
                         sum.dead_letters_detail + ")";
    sum.reconcile_detail = sum.reconcile_detail.empty() ? pending : sum.reconcile_detail + "; " + pending;
    storage_log()->error("recovery: {}: see `meridiand journal dead-letters list`", pending);
  }
  if (!report.summary.reconciled)
    storage_log()->error("recovery: ledger does not reconcile with the trade log: {}", report.summary.reconcile_detail);
  return report;
}
}  // namespace

RecoveryReport load_state(const std::string& database_url, const core::InstrumentTable& instruments,
                          const RecoveryOptions& options) {
  // Outside the try: a caller's mistake, not stored data this binary cannot load.
  if (options.portfolio_id < 1 || options.portfolio_id > engine::kMaxPortfolioId)
    throw std::invalid_argument("portfolio id " + std::to_string(options.portfolio_id) + " is outside 1.." +
                                std::to_string(engine::kMaxPortfolioId));
  try {
    return load(database_url, instruments, options);
  } catch (const pqxx::broken_connection&) {
    throw;
  } catch (const pqxx::sql_error&) {
    throw;
  } catch (const UnloadableState&) {
    throw;
  } catch (const std::exception& e) {
    // A conversion of a stored value (pg::fixed, pqxx's as<>): the data, not the database.
    throw UnloadableState(e.what());
  }
}

}  // namespace meridian::storage
