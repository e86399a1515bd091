#include "meridian/storage/audit_store.hpp"

#include <pqxx/pqxx>

#include "pg_codec.hpp"
#include "storage_log.hpp"

namespace meridian::storage {

namespace {

// One statement for every filter: an absent one is NULL and its condition true. The statement is
// unnamed, so PostgreSQL plans it for the values given and uses the index a filter allows.
const std::string kPageSql =
    "SELECT id, " + pg::micros_of("at", "at_us") +
    ", coalesce(user_id, 0) AS user_id, role, coalesce(api_key_id, 0) AS api_key_id,"
    " coalesce(address, '') AS address, method, route, path, portfolio_id, params::text AS params, status, result"
    " FROM audit_log"
    " WHERE ($1::bigint = 0 OR id < $1) AND ($2::bigint IS NULL OR user_id = $2)"
    " AND ($3::bigint IS NULL OR portfolio_id = $3) AND ($4::text IS NULL OR route = $4)"
    " AND ($5::timestamptz IS NULL OR at >= $5) AND ($6::timestamptz IS NULL OR at <= $6)"
    " ORDER BY id DESC LIMIT $7";

std::optional<std::string> time_text(const std::optional<core::Timestamp>& t) {
  return t ? std::optional<std::string>(pg::text(*t)) : std::nullopt;
}

AuditRow row_from(const pqxx::row& r) {
  AuditRow row;
  row.id = r["id"].as<long long>();
  auto& e = row.entry;
  e.at = pg::micros(r["at_us"]);
  e.user_id = r["user_id"].as<long long>();
  e.role = auth::parse_role(r["role"].c_str()).value_or(auth::Role::anonymous);
  e.api_key_id = r["api_key_id"].as<long long>();
  e.address = r["address"].c_str();
  e.method = r["method"].c_str();
  e.route = r["route"].c_str();
  e.path = r["path"].c_str();
  if (!r["portfolio_id"].is_null()) e.portfolio_id = r["portfolio_id"].as<long long>();
  e.params = r["params"].c_str();
  e.status = r["status"].as<int>();
  e.result = r["result"].c_str();
  return row;
}

}  // namespace

core::Result<std::vector<AuditRow>> AuditStore::page(const AuditFilter& f) const {
  try {
    pqxx::connection conn(url_);
    pqxx::read_transaction tx(conn);
    const auto rows = tx.exec_params(kPageSql, static_cast<long long>(f.before), f.user_id, f.portfolio_id, f.route,
                                     time_text(f.from), time_text(f.to), static_cast<long long>(f.limit));
    std::vector<AuditRow> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(row_from(r));
    return out;
  } catch (const std::exception& e) {
    storage_log()->warn("audit trail: cannot read: {}", e.what());
    return core::Errc::unavailable;
  }
}

}  // namespace meridian::storage
