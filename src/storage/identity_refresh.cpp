// IdentityStore: refresh tokens (sql/003's refresh_tokens). A login starts a family (a new
// family_id); each rotation inserts the successor in the same family and links the presented
// token to it (replaced_by), so a token presented again after its rotation is recognised as
// reused and its whole family revoked.
#include <string>

#include "identity_rows.hpp"
#include "meridian/storage/identity_store.hpp"

namespace meridian::storage {

namespace {

constexpr std::size_t kMaxUserAgentBytes = 256;

// What is stored of a User-Agent header: printable ASCII (what the header is made of; anything
// else becomes '?', so no byte can make the insert fail), cut to 256 bytes.
std::string stored_user_agent(std::string_view ua) {
  std::string out(ua.substr(0, kMaxUserAgentBytes));
  for (auto& c : out)
    if (c < 0x20 || c > 0x7E) c = '?';
  return out;
}

}  // namespace

core::Result<void> IdentityStore::store_refresh(const RefreshIssue& issue) {
  return with_connection<void>([&](pqxx::connection& conn) -> core::Result<void> {
    pqxx::work tx(conn);
    // An address that is not an IP address is a data_exception: invalid_argument.
    tx.exec_params0(
        "INSERT INTO refresh_tokens (user_id, token_hash, user_agent, ip, expires_at)"
        " VALUES ($1, $2, $3, NULLIF($4, '')::inet, $5::timestamptz)",
        issue.user_id, identity::bytes(issue.digest), stored_user_agent(issue.user_agent), issue.address,
        pg::text(issue.expires_at));
    tx.commit();
    return {};
  });
}

core::Result<Rotation> IdentityStore::rotate_refresh(const auth::TokenDigest& presented, const auth::TokenDigest& next,
                                                     core::Timestamp now, core::Timestamp next_expires_at) {
  return with_connection<Rotation>([&](pqxx::connection& conn) -> core::Result<Rotation> {
    pqxx::work tx(conn);
    // FOR UPDATE: a concurrent rotation of the same token waits here for this transaction, then
    // reads the row as this one left it (replaced_by set) and takes the reuse path.
    const auto rows = tx.exec_params(
        "SELECT id, user_id, family_id::text AS family, replaced_by IS NOT NULL AS rotated,"
        " revoked_at IS NOT NULL AS revoked, " +
            pg::micros_of("expires_at", "expires_us") + " FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE",
        identity::bytes(presented));
    if (rows.empty()) return Rotation{RotateOutcome::unknown, 0};
    const auto& r = rows[0];
    const auto id = r["id"].as<long long>();
    const auto user_id = r["user_id"].as<long long>();
    const std::string family = r["family"].c_str();
    if (r["rotated"].as<bool>()) {
      // Someone holds a token that was already exchanged: the legitimate client or a thief,
      // there is no telling which, so every token of the login is revoked.
      tx.exec_params0("UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1::uuid AND revoked_at IS NULL",
                      family);
      tx.commit();
      storage_log()->warn("refresh token reused (user {}): its family is revoked", user_id);
      return Rotation{RotateOutcome::reused, user_id};
    }
    if (r["revoked"].as<bool>()) return Rotation{RotateOutcome::revoked, 0};
    if (pg::micros(r["expires_us"]) <= now) return Rotation{RotateOutcome::expired, 0};
    const auto successor =
        tx.exec_params1(
              "INSERT INTO refresh_tokens (user_id, token_hash, family_id, user_agent, ip, expires_at)"
              " SELECT user_id, $2, family_id, user_agent, ip, $3::timestamptz"
              " FROM refresh_tokens WHERE id = $1 RETURNING id",
              id, identity::bytes(next), pg::text(next_expires_at))[0]
            .as<long long>();
    tx.exec_params0("UPDATE refresh_tokens SET replaced_by = $2 WHERE id = $1", id, successor);
    tx.commit();
    return Rotation{RotateOutcome::rotated, user_id};
  });
}

core::Result<void> IdentityStore::revoke_refresh_family(const auth::TokenDigest& presented) {
  return with_connection<void>([&](pqxx::connection& conn) -> core::Result<void> {
    pqxx::work tx(conn);
    const auto rows = tx.exec_params(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE revoked_at IS NULL AND family_id ="
        " (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)"
        " RETURNING id",
        identity::bytes(presented));
    // Nothing updated: no such token, or its family was revoked already (a second logout).
    if (rows.empty() &&
        tx.exec_params("SELECT 1 FROM refresh_tokens WHERE token_hash = $1", identity::bytes(presented)).empty())
      return core::Errc::not_found;
    tx.commit();
    return {};
  });
}

core::Result<void> IdentityStore::revoke_all_refresh(std::int64_t user_id) {
  return with_connection<void>([&](pqxx::connection& conn) -> core::Result<void> {
    pqxx::work tx(conn);
    tx.exec_params0("UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL", user_id);
    tx.commit();
    return {};
  });
}

}  // namespace meridian::storage
