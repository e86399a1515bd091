// IdentityStore: Meridian's API keys (sql/010's access_keys).
#include <algorithm>
#include <map>
#include <string>

#include "identity_rows.hpp"
#include "meridian/storage/identity_store.hpp"
#include "pg_array.hpp"

namespace meridian::storage {

namespace {

const std::string kKeyColumns = "id, user_id, name, hint, role, array_to_string(portfolio_scope, ',') AS scope, " +
                                pg::micros_of("created_at", "created_us") + ", " +
                                pg::micros_of("last_used_at", "last_used_us") + ", " +
                                pg::micros_of("revoked_at", "revoked_us");

// "1,5,9" (array_to_string of a BIGINT[]) -> {1, 5, 9}.
std::vector<std::int64_t> scope_from_text(std::string_view text) {
  std::vector<std::int64_t> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    out.push_back(std::stoll(std::string(text.substr(0, comma))));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return out;
}

std::string scope_to_text(const std::vector<std::int64_t>& scope) {
  PgArray array;
  for (auto id : scope) array.add_plain(static_cast<long long>(id));
  return array.str();
}

ApiKeyRecord key_from_row(const pqxx::row& r) {
  ApiKeyRecord k;
  k.id = r["id"].as<long long>();
  k.user_id = r["user_id"].as<long long>();
  k.name = r["name"].c_str();
  k.hint = r["hint"].c_str();
  k.role = identity::role(r["role"]);
  k.portfolio_scope = scope_from_text(r["scope"].c_str());
  k.created_at = pg::micros(r["created_us"]);
  k.last_used_at = identity::maybe_micros(r["last_used_us"]);
  k.revoked_at = identity::maybe_micros(r["revoked_us"]);
  return k;
}

}  // namespace

core::Result<ApiKeyRecord> IdentityStore::create_api_key(const NewApiKey& key) {
  return with_connection<ApiKeyRecord>([&](pqxx::connection& conn) -> core::Result<ApiKeyRecord> {
    pqxx::work tx(conn);
    // An unknown user is a foreign key violation (not_found); a digest taken, a conflict.
    const auto row = tx.exec_params1(
        "INSERT INTO access_keys (user_id, name, hint, digest, role, portfolio_scope)"
        " VALUES ($1, $2, $3, $4, $5, $6::bigint[]) RETURNING " +
            kKeyColumns,
        key.user_id, key.name, key.hint, identity::bytes(key.digest), std::string(auth::to_string(key.role)),
        scope_to_text(key.portfolio_scope));
    tx.commit();
    return key_from_row(row);
  });
}

core::Result<std::vector<std::pair<auth::TokenDigest, ApiKeyRecord>>> IdentityStore::live_api_keys() {
  using Live = std::vector<std::pair<auth::TokenDigest, ApiKeyRecord>>;
  return with_connection<Live>([&](pqxx::connection& conn) -> core::Result<Live> {
    pqxx::read_transaction tx(conn);
    Live out;
    for (const auto& r :
         tx.exec("SELECT digest, " + kKeyColumns + " FROM access_keys WHERE revoked_at IS NULL ORDER BY id")) {
      auth::TokenDigest d{};
      if (!identity::digest(r["digest"], d)) continue;  // the CHECK makes this impossible
      out.emplace_back(d, key_from_row(r));
    }
    return out;
  });
}

core::Result<std::vector<ApiKeyRecord>> IdentityStore::list_api_keys(std::int64_t user_id) {
  return with_connection<std::vector<ApiKeyRecord>>(
      [&](pqxx::connection& conn) -> core::Result<std::vector<ApiKeyRecord>> {
        pqxx::read_transaction tx(conn);
        std::vector<ApiKeyRecord> out;
        for (const auto& r :
             tx.exec_params("SELECT " + kKeyColumns + " FROM access_keys WHERE user_id = $1 ORDER BY id", user_id))
          out.push_back(key_from_row(r));
        return out;
      });
}

core::Result<ApiKeyRecord> IdentityStore::revoke_api_key(std::int64_t user_id, std::int64_t key_id) {
  return with_connection<ApiKeyRecord>([&](pqxx::connection& conn) -> core::Result<ApiKeyRecord> {
    pqxx::work tx(conn);
    const auto rows = tx.exec_params(
        "UPDATE access_keys SET revoked_at = now() WHERE id = $2 AND user_id = $1 AND revoked_at IS NULL"
        " RETURNING " +
            kKeyColumns,
        user_id, key_id);
    if (rows.empty()) return core::Errc::not_found;
    tx.commit();
    return key_from_row(rows[0]);
  });
}

core::Result<void> IdentityStore::touch_api_keys(const std::vector<std::pair<std::int64_t, core::Timestamp>>& used) {
  if (used.empty()) return {};
  // The latest use per key: one row each in the statement.
  std::map<std::int64_t, core::Timestamp> latest;
  for (const auto& [id, at] : used) {
    auto [it, inserted] = latest.emplace(id, at);
    if (!inserted) it->second = std::max(it->second, at);
  }
  PgArray ids, times;
  for (const auto& [id, at] : latest) {
    ids.add_plain(static_cast<long long>(id));
    times.add(pg::text(at));
  }
  return with_connection<void>([&](pqxx::connection& conn) -> core::Result<void> {
    pqxx::work tx(conn);
    // Never moves a time back (a batch that arrives late).
    tx.exec_params0(
        "UPDATE access_keys k SET last_used_at = greatest(k.last_used_at, u.at)"
        " FROM unnest($1::bigint[], $2::timestamptz[]) AS u(id, at) WHERE k.id = u.id",
        ids.str(), times.str());
    tx.commit();
    return {};
  });
}

}  // namespace meridian::storage
