#include "meridian/storage/portfolios.hpp"

#include <pqxx/pqxx>

#include "meridian/engine/id_space.hpp"
#include "pg_codec.hpp"
#include "portfolio_rows.hpp"
#include "storage_log.hpp"

namespace meridian::storage {

namespace {

constexpr const char* kColumns =
    "id, name, currency, kind, initial_cash, (extract(epoch from created_at) * 1000000)::bigint AS created_us,"
    " COALESCE(owner_id, 0) AS owner_id";

StoredPortfolio from_row(const pqxx::row& r) {
  StoredPortfolio p;
  p.id = r["id"].as<long long>();
  p.name = r["name"].c_str();
  p.currency = r["currency"].c_str();
  p.kind = r["kind"].c_str();
  p.initial_cash = pg::fixed<core::Money>(r["initial_cash"]);
  p.created_at = pg::micros(r["created_us"]);
  p.owner_id = r["owner_id"].as<long long>();
  return p;
}

}  // namespace

std::vector<StoredPortfolio> list_portfolios(const std::string& database_url) {
  pqxx::connection conn(database_url);
  pqxx::read_transaction tx(conn);
  std::vector<StoredPortfolio> out;
  for (const auto& r :
       tx.exec(std::string("SELECT ") + kColumns + " FROM portfolios WHERE deleted_at IS NULL ORDER BY id"))
    out.push_back(from_row(r));
  return out;
}

StoredPortfolio create_portfolio(const std::string& database_url, const std::string& name, const std::string& currency,
                                 core::Money initial_cash, std::int64_t owner_id) {
  pqxx::connection conn(database_url);
  pqxx::work tx(conn);
  const auto user = ensure_default_user(tx, initial_cash);
  // The id from the sequence (never one a deleted portfolio had). A live portfolio of the same
  // name (the partial unique index of sql/009) makes this insert nothing, also when the other
  // one is being inserted concurrently (it waits for that transaction).
  const auto rows =
      tx.exec_params(std::string("INSERT INTO portfolios (user_id, name, kind, currency, initial_cash,"
                                 " cash, owner_id) VALUES ($1, $2, 'paper', $3, $4, $4, NULLIF($5::bigint, 0))"
                                 " ON CONFLICT (user_id, name) WHERE deleted_at IS NULL DO NOTHING"
                                 " RETURNING ") +
                         kColumns,
                     user, name, currency, initial_cash.to_string(), static_cast<long long>(owner_id));
  if (rows.empty()) throw PortfolioNameTaken("a portfolio named '" + name + "' already exists");
  auto stored = from_row(rows[0]);
  // Ids a portfolio hands out come from its id range (engine/id_space.hpp), which exists only
  // up to kMaxPortfolioId. Nothing is committed; the sequence value is spent.
  if (stored.id > engine::kMaxPortfolioId)
    throw std::runtime_error("cannot create portfolio '" + name + "': its id " + std::to_string(stored.id) +
                             " would exceed the maximum portfolio id " + std::to_string(engine::kMaxPortfolioId));
  tx.commit();
  storage_log()->info("portfolio {} '{}' created ({} {}, owner {})", stored.id, stored.name, initial_cash.to_string(),
                      currency, owner_id);
  return stored;
}

bool delete_portfolio(const std::string& database_url, std::int64_t id) {
  pqxx::connection conn(database_url);
  pqxx::work tx(conn);
  const auto rows = tx.exec_params(
      "UPDATE portfolios SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL"
      " RETURNING name",
      id);
  if (rows.empty()) return false;
  tx.commit();
  storage_log()->info("portfolio {} '{}' deleted", id, rows[0][0].c_str());
  return true;
}

}  // namespace meridian::storage
