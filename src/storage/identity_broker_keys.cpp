// IdentityStore: users' broker credentials (sql/003's api_keys), sealed with auth::SecretBox.
// The database sees only ciphertext, nonce, the master key's id and the key id's last 4
// characters; the API writes the empty label only (one credential per user and broker).
#include <algorithm>
#include <string>

#include "identity_rows.hpp"
#include "meridian/storage/identity_store.hpp"

namespace meridian::storage {

namespace {

pqxx::binarystring bytes_of(const std::uint8_t* data, std::size_t size) {
  return pqxx::binarystring(data, size);
}

// A row's sealed value; false when its nonce is not one SecretBox made (another cipher's).
bool sealed_of(const pqxx::row& r, auth::Sealed& out) {
  const pqxx::binarystring nonce(r["nonce"]);
  if (nonce.size() != out.nonce.size()) return false;
  std::copy(nonce.data(), nonce.data() + nonce.size(), out.nonce.begin());
  const pqxx::binarystring ciphertext(r["ciphertext"]);
  out.ciphertext.assign(ciphertext.data(), ciphertext.data() + ciphertext.size());
  out.key_id = r["key_id"].c_str();
  return true;
}

}  // namespace

namespace identity {

void write_broker_keys(pqxx::work& tx, std::int64_t user_id, const std::vector<BrokerKeyWrite>& writes) {
  for (const auto& w : writes) {
    if (!w.sealed) {
      tx.exec_params0("DELETE FROM api_keys WHERE user_id = $1 AND broker = $2 AND label = ''", user_id, w.broker);
      continue;
    }
    // A new credential has not been used yet.
    tx.exec_params0(
        "INSERT INTO api_keys (user_id, broker, label, ciphertext, nonce, key_id, last4)"
        " VALUES ($1, $2, '', $3, $4, $5, $6) ON CONFLICT (user_id, broker, label) DO UPDATE SET"
        " ciphertext = EXCLUDED.ciphertext, nonce = EXCLUDED.nonce, key_id = EXCLUDED.key_id,"
        " last4 = EXCLUDED.last4, updated_at = now(), last_used_at = NULL",
        user_id, w.broker, bytes_of(w.sealed->ciphertext.data(), w.sealed->ciphertext.size()),
        bytes_of(w.sealed->nonce.data(), w.sealed->nonce.size()), w.sealed->key_id, w.hint);
  }
}

}  // namespace identity

core::Result<std::vector<BrokerKeyStatus>> IdentityStore::broker_keys(std::int64_t user_id) {
  using Statuses = std::vector<BrokerKeyStatus>;
  return with_connection<Statuses>([&](pqxx::connection& conn) -> core::Result<Statuses> {
    pqxx::read_transaction tx(conn);
    Statuses out;
    for (const auto& r : tx.exec_params("SELECT broker, last4, key_id, " + pg::micros_of("updated_at", "updated_us") +
                                            ", " + pg::micros_of("last_used_at", "used_us") +
                                            " FROM api_keys WHERE user_id = $1 AND label = '' ORDER BY broker",
                                        user_id)) {
      BrokerKeyStatus s;
      s.broker = r["broker"].c_str();
      s.hint = r["last4"].c_str();
      s.key_id = r["key_id"].c_str();
      s.updated_at = pg::micros(r["updated_us"]);
      s.last_used_at = identity::maybe_micros(r["used_us"]);
      out.push_back(std::move(s));
    }
    return out;
  });
}

core::Result<auth::BrokerCredentials> IdentityStore::broker_credentials(std::int64_t user_id, std::string_view broker,
                                                                        const auth::SecretBox& box) {
  return with_connection<auth::BrokerCredentials>([&](pqxx::connection& conn) -> core::Result<auth::BrokerCredentials> {
    pqxx::work tx(conn);
    const auto rows = tx.exec_params(
        "SELECT id, ciphertext, nonce, key_id FROM api_keys WHERE user_id = $1 AND broker = $2 AND label = ''", user_id,
        std::string(broker));
    if (rows.empty()) return core::Errc::not_found;
    auth::Sealed sealed;
    if (!sealed_of(rows[0], sealed)) return core::Errc::parse_error;
    auto opened = auth::open_broker_credentials(box, {user_id, broker, ""}, sealed);
    if (!opened) return opened.error();
    tx.exec_params0("UPDATE api_keys SET last_used_at = now() WHERE id = $1", rows[0]["id"].as<long long>());
    tx.commit();
    return std::move(*opened);
  });
}

core::Result<ResealReport> IdentityStore::reseal_broker_keys(const auth::SecretBox& from, const auth::SecretBox& to) {
  return with_connection<ResealReport>([&](pqxx::connection& conn) -> core::Result<ResealReport> {
    pqxx::work tx(conn);
    ResealReport report;
    // Locked: a credential written meanwhile waits for the commit, and is never lost to it.
    const auto rows =
        tx.exec("SELECT id, user_id, broker, label, ciphertext, nonce, key_id FROM api_keys ORDER BY id FOR UPDATE");
    for (const auto& r : rows) {
      const std::string key_id = r["key_id"].c_str();
      if (key_id == to.key_id()) {
        ++report.current;
        continue;
      }
      if (key_id != from.key_id()) {
        if (std::find(report.unknown_key_ids.begin(), report.unknown_key_ids.end(), key_id) ==
            report.unknown_key_ids.end())
          report.unknown_key_ids.push_back(key_id);
        continue;
      }
      const auto user_id = r["user_id"].as<long long>();
      const std::string broker = r["broker"].c_str(), label = r["label"].c_str();
      auth::Sealed sealed;
      auto opened = sealed_of(r, sealed) ? auth::open_broker_credentials(from, {user_id, broker, label}, sealed)
                                         : core::Result<auth::BrokerCredentials>(core::Errc::parse_error);
      if (!opened) {
        storage_log()->error("broker credential row {} (user {}, {}) does not open under key {}: {}",
                             r["id"].as<long long>(), user_id, broker, from.key_id(), opened.error().message());
        ++report.unreadable;
        continue;
      }
      const auto resealed = auth::seal_broker_credentials(to, {user_id, broker, label}, *opened);
      tx.exec_params0("UPDATE api_keys SET ciphertext = $2, nonce = $3, key_id = $4 WHERE id = $1",
                      r["id"].as<long long>(), bytes_of(resealed.ciphertext.data(), resealed.ciphertext.size()),
                      bytes_of(resealed.nonce.data(), resealed.nonce.size()), resealed.key_id);
      ++report.moved;
    }
    if (!report.applied()) {
      report.moved = 0;  // rolled back: the transaction ends without a commit
      return report;
    }
    tx.commit();
    return report;
  });
}

}  // namespace meridian::storage
