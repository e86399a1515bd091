#include "meridian/storage/decision_store.hpp"

#include <pqxx/pqxx>

#include "pg_codec.hpp"
#include "pg_transaction.hpp"

namespace meridian::storage {

namespace {

const std::string kColumns =
    "id, coalesce(user_id, 0) AS owner_id, coalesce(portfolio_id, 0) AS portfolio_id, symbol,"
    " action, confidence, price, quantity, coalesce(regime, 'unknown') AS regime,"
    " reasons::text AS reasons, votes::text AS votes, order_id, " +
    pg::micros_of("executed_at", "executed_us") + ", " + pg::micros_of("created_at", "created_us");

DecisionRow row_from(const pqxx::row& r) {
  DecisionRow row;
  row.id = r["id"].as<long long>();
  row.owner_id = r["owner_id"].as<long long>();
  row.portfolio_id = r["portfolio_id"].as<long long>();
  row.symbol = r["symbol"].c_str();
  row.action = r["action"].c_str();
  row.confidence = r["confidence"].as<double>();
  row.price = pg::fixed<core::Price>(r["price"]);
  if (!r["quantity"].is_null()) row.quantity = pg::fixed<core::Quantity>(r["quantity"]);
  row.regime = r["regime"].c_str();
  row.reasons = r["reasons"].c_str();
  row.votes = r["votes"].c_str();
  if (!r["order_id"].is_null()) row.order_id = r["order_id"].as<long long>();
  if (!r["executed_us"].is_null()) row.executed_at = pg::micros(r["executed_us"]);
  row.created_at = pg::micros(r["created_us"]);
  return row;
}

template <class F>
auto in_tx(const std::string& url, const char* what, F&& body) {
  return pg::in_transaction(url, "ai decisions", what, std::forward<F>(body));
}

}  // namespace

core::Result<DecisionRow> DecisionStore::insert(const DecisionRow& row) const {
  return in_tx(url_, "insert", [&](pqxx::work& tx) {
    const auto r = tx.exec_params1(
        "INSERT INTO ai_decisions (user_id, portfolio_id, symbol, action, confidence, price, quantity, regime,"
        " reasons, votes) VALUES ($1, $2, $3, $4, $5, $6::numeric, $7::numeric, $8, $9::jsonb, $10::jsonb)"
        " RETURNING " +
            kColumns,
        row.owner_id ? std::optional<long long>(row.owner_id) : std::nullopt,
        row.portfolio_id ? std::optional<long long>(row.portfolio_id) : std::nullopt, row.symbol, row.action,
        row.confidence, row.price.to_string(),
        row.quantity ? std::optional<std::string>(row.quantity->to_string()) : std::nullopt, row.regime, row.reasons,
        row.votes);
    return row_from(r);
  });
}

core::Result<std::optional<DecisionRow>> DecisionStore::get(std::int64_t id) const {
  return in_tx(url_, "read", [&](pqxx::work& tx) -> std::optional<DecisionRow> {
    const auto rows =
        tx.exec_params("SELECT " + kColumns + " FROM ai_decisions WHERE id = $1", static_cast<long long>(id));
    if (rows.empty()) return std::nullopt;
    return row_from(rows[0]);
  });
}

core::Result<std::vector<DecisionRow>> DecisionStore::page(const DecisionPage& p) const {
  return in_tx(url_, "list", [&](pqxx::work& tx) {
    const auto rows =
        tx.exec_params("SELECT " + kColumns +
                           " FROM ai_decisions WHERE ($1::bigint = 0 OR id < $1)"
                           " AND ($2::bigint IS NULL OR user_id = $2 OR ($2 = 0 AND user_id IS NULL))"
                           " AND ($3::text IS NULL OR symbol = $3) ORDER BY id DESC LIMIT $4",
                       static_cast<long long>(p.before), p.owner ? std::optional<long long>(*p.owner) : std::nullopt,
                       p.symbol, static_cast<long long>(p.limit));
    std::vector<DecisionRow> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(row_from(r));
    return out;
  });
}

core::Result<bool> DecisionStore::mark_executed(std::int64_t id, std::int64_t order_id) const {
  return in_tx(url_, "mark executed", [&](pqxx::work& tx) {
    return tx.exec_params(
                 "UPDATE ai_decisions SET order_id = $2, executed_at = now() WHERE id = $1 AND order_id IS NULL",
                 static_cast<long long>(id), static_cast<long long>(order_id))
               .affected_rows() > 0;
  });
}

}  // namespace meridian::storage
