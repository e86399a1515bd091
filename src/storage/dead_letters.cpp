#include "meridian/storage/dead_letters.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "apply_record.hpp"
#include "pg_codec.hpp"
#include "record_json.hpp"
#include "storage_log.hpp"

namespace meridian::storage {

namespace {

DeadLetter from_row(const pqxx::row& r) {
  DeadLetter d;
  d.id = r["id"].as<long long>();
  d.portfolio_id = r["portfolio_id"].as<long long>();
  d.kind = r["kind"].c_str();
  d.journal_seq = r["journal_seq"].as<unsigned long long>();
  d.payload = r["payload"].c_str();
  d.error = r["error"].c_str();
  d.sqlstate = r["sqlstate"].is_null() ? "" : r["sqlstate"].c_str();
  if (!r["depends_on"].is_null()) d.depends_on = r["depends_on"].as<long long>();
  d.first_seen = pg::micros(r["first_seen_us"]);
  d.state = r["state"].c_str();
  return d;
}

constexpr const char* kColumns =
    "id, portfolio_id, kind, journal_seq, payload::text AS payload, error, sqlstate, depends_on, state,"
    " (extract(epoch from first_seen) * 1000000)::bigint AS first_seen_us";

// The trade row alone, for a trade whose cash and position effects later trades already carry.
void insert_trade_row(pqxx::transaction_base& tx, const engine::TradeRecord& r,
                      const core::InstrumentTable& instruments) {
  const auto& t = r.trade;
  tx.exec_params0(
      "INSERT INTO trades (id, order_id, portfolio_id, symbol, side, quantity, price, fee, realized_pnl, strategy,"
      " executed_at, strategy_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO "
      "NOTHING",
      static_cast<long long>(t.id), static_cast<long long>(t.order_id), static_cast<long long>(t.portfolio_id),
      instruments.at(t.symbol).symbol, std::string(core::to_string(t.side)), t.quantity.to_string(),
      t.price.to_string(), t.fee.to_string(), t.realized_pnl.to_string(), std::string(t.strategy), pg::text(t.ts),
      static_cast<long long>(t.strategy_id));
}

}  // namespace

std::vector<DeadLetter> list_dead_letters(const std::string& database_url, std::optional<std::int64_t> portfolio_id,
                                          bool pending_only, std::size_t limit) {
  pqxx::connection conn(database_url);
  pqxx::read_transaction tx(conn);
  std::vector<DeadLetter> out;
  for (const auto& r :
       tx.exec_params(std::string("SELECT ") + kColumns +
                          " FROM journal_dead_letters WHERE ($1 = false OR portfolio_id = $2)"
                          " AND ($3 = false OR state = 'pending') ORDER BY id LIMIT $4",
                      portfolio_id.has_value(), portfolio_id.value_or(0), pending_only, static_cast<long long>(limit)))
    out.push_back(from_row(r));
  return out;
}

std::optional<std::string> replay_dead_letter(const std::string& database_url, const core::InstrumentTable& instruments,
                                              std::int64_t id) {
  pqxx::connection conn(database_url);
  pqxx::work tx(conn);
  auto rows =
      tx.exec_params(std::string("SELECT ") + kColumns + " FROM journal_dead_letters WHERE id = $1 FOR UPDATE", id);
  if (rows.empty()) return "no dead letter " + std::to_string(id);
  const auto letter = from_row(rows[0]);
  if (letter.state != "pending") return "dead letter " + std::to_string(id) + " is already " + letter.state;
  if (letter.depends_on) {
    auto parent = tx.exec_params("SELECT state FROM journal_dead_letters WHERE id = $1", *letter.depends_on);
    if (!parent.empty() && std::string_view(parent[0][0].c_str()) == "pending")
      return "dead letter " + std::to_string(id) + " depends on dead letter " + std::to_string(*letter.depends_on) +
             ", still pending: replay that first";
  }
  std::string error;
  const auto payload = nlohmann::json::parse(letter.payload, nullptr, false);
  auto record = record_from_payload(letter.kind, payload, instruments, error);
  if (!record) return error;
  // The portfolio row is locked like a journal batch does, so a running daemon's writer and
  // this replay do not interleave.
  tx.exec_params("SELECT 1 FROM portfolios WHERE id = $1 FOR UPDATE", letter.portfolio_id);
  const auto* trade = std::get_if<engine::TradeRecord>(&*record);
  if (trade && !tx.exec_params("SELECT 1 FROM trades WHERE portfolio_id = $1 AND id > $2 LIMIT 1", letter.portfolio_id,
                               static_cast<long long>(trade->trade.id))
                    .empty())
    insert_trade_row(tx, *trade, instruments);
  else
    apply_record(tx, instruments, letter.portfolio_id, *record);
  tx.exec_params0("UPDATE journal_dead_letters SET state = 'replayed', resolved_at = now() WHERE id = $1", id);
  tx.commit();
  storage_log()->info("dead letter {} ({}) replayed", id, letter.kind);
  return std::nullopt;
}

std::optional<std::string> discard_dead_letter(const std::string& database_url, std::int64_t id) {
  pqxx::connection conn(database_url);
  pqxx::work tx(conn);
  auto rows = tx.exec_params("SELECT state FROM journal_dead_letters WHERE id = $1 FOR UPDATE", id);
  if (rows.empty()) return "no dead letter " + std::to_string(id);
  if (std::string_view(rows[0][0].c_str()) != "pending")
    return "dead letter " + std::to_string(id) + " is already " + rows[0][0].c_str();
  tx.exec_params0("UPDATE journal_dead_letters SET state = 'discarded', resolved_at = now() WHERE id = $1", id);
  tx.commit();
  storage_log()->warn("dead letter {} discarded", id);
  return std::nullopt;
}

}  // namespace meridian::storage
