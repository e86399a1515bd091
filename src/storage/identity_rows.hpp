#pragma once
// What the IdentityStore's files share: its connection wrapper (with_connection) and the codecs
// of its columns. Private to storage/identity_*.cpp.
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/storage/identity_store.hpp"
#include "pg_codec.hpp"
#include "storage_log.hpp"

namespace meridian::storage {

// Runs `f(connection)` under the store's mutex, opening the connection first when there is
// none, and turns the database's failures into the store's errors (never an exception):
//   broken connection, in-doubt commit, any other server failure -> Errc::unavailable
//   unique violation -> conflict; foreign key violation -> not_found (an unknown user id);
//   check violation, bad data -> invalid_argument.
// A connection that had been open and broke (a server restart, an idle timeout) gets one fresh
// try: nothing done on it was committed (a commit that breaks is in doubt, and not retried).
struct IdentityStore::Connection {
  explicit Connection(const std::string& url) : conn(url) {}
  pqxx::connection conn;
};

template <class T, class F>
core::Result<T> IdentityStore::with_connection(F&& f) {
  const std::lock_guard lock(mutex_);
  for (int attempt = 0;; ++attempt) {
    const bool reused = conn_ != nullptr;
    try {
      if (!conn_) conn_ = std::make_unique<Connection>(url_);
      return f(conn_->conn);
    } catch (const pqxx::in_doubt_error& e) {
      conn_.reset();
      storage_log()->warn("identity store: commit in doubt, the connection broke: {}", e.what());
      return core::Errc::unavailable;
    } catch (const pqxx::broken_connection& e) {
      conn_.reset();
      if (reused && attempt == 0) continue;
      storage_log()->warn("identity store: database unavailable: {}", e.what());
      return core::Errc::unavailable;
    } catch (const pqxx::unique_violation&) {
      return core::Errc::conflict;
    } catch (const pqxx::foreign_key_violation&) {
      return core::Errc::not_found;
    } catch (const pqxx::check_violation& e) {
      storage_log()->debug("identity store: refused by a check: {}", e.what());
      return core::Errc::invalid_argument;
    } catch (const pqxx::data_exception& e) {
      storage_log()->debug("identity store: refused as bad data: {}", e.what());
      return core::Errc::invalid_argument;
    } catch (const pqxx::failure& e) {
      // Out of resources, a shutdown in progress, a schema not migrated: the caller can only
      // answer that the service is unavailable; the log says why.
      storage_log()->error("identity store: database error: {}", e.what());
      return core::Errc::unavailable;
    }
  }
}

namespace identity {

// A digest as a BYTEA parameter.
inline pqxx::binarystring bytes(const auth::TokenDigest& digest) {
  return pqxx::binarystring(digest.data(), digest.size());
}

// A BYTEA column that must hold a digest; false when it is not 32 bytes.
inline bool digest(const pqxx::field& f, auth::TokenDigest& out) {
  const pqxx::binarystring b(f);
  if (b.size() != out.size()) return false;
  std::copy(b.data(), b.data() + b.size(), out.begin());
  return true;
}

// A role column (the CHECK constraints admit only the three stored roles).
inline auth::Role role(const pqxx::field& f) {
  return auth::parse_role(f.c_str()).value_or(auth::Role::viewer);
}

// Upserts (sealed) or deletes (nullopt) each of a user's broker credentials, in `tx`
// (identity_broker_keys.cpp).
void write_broker_keys(pqxx::work& tx, std::int64_t user_id, const std::vector<BrokerKeyWrite>& writes);

// A nullable microseconds column.
inline std::optional<core::Timestamp> maybe_micros(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return pg::micros(f);
}

}  // namespace identity

}  // namespace meridian::storage
