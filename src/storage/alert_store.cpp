#include "meridian/storage/alert_store.hpp"

#include <algorithm>
#include <pqxx/pqxx>

#include "pg_codec.hpp"
#include "pg_transaction.hpp"
#include "storage_log.hpp"

namespace meridian::storage {

namespace {

const std::string kColumns =
    "id, coalesce(user_id, 0) AS owner_id, portfolio_id, kind, condition, coalesce(symbol, '') AS symbol,"
    " coalesce(indicator, '') AS indicator, threshold::float8 AS threshold, spec::text AS spec, message,"
    " coalesce(webhook_url, '') AS webhook_url, webhook_secret, webhook_secret_nonce, webhook_secret_key_id,"
    " recurring, cooldown_s, hysteresis, status, " +
    pg::micros_of("triggered_at", "triggered_us") +
    ", triggered_value::float8 AS triggered_value, trigger_count, delivery::text AS delivery,"
    " dead_letters::text AS dead_letters, " +
    pg::micros_of("created_at", "created_us");

template <class T>
std::optional<T> maybe(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<T>();
}

AlertRow row_from(const pqxx::row& r) {
  AlertRow row;
  row.id = r["id"].as<long long>();
  row.owner_id = r["owner_id"].as<long long>();
  if (auto p = maybe<long long>(r["portfolio_id"])) row.portfolio_id = *p;
  row.kind = r["kind"].c_str();
  row.condition = r["condition"].c_str();
  row.symbol = r["symbol"].c_str();
  row.indicator = r["indicator"].c_str();
  row.threshold = r["threshold"].as<double>();
  row.spec = r["spec"].c_str();
  row.message = r["message"].c_str();
  row.webhook_url = r["webhook_url"].c_str();
  if (!r["webhook_secret"].is_null()) {
    auth::Sealed sealed;
    const pqxx::binarystring ciphertext(r["webhook_secret"]);
    const pqxx::binarystring nonce(r["webhook_secret_nonce"]);
    sealed.ciphertext.assign(ciphertext.data(), ciphertext.data() + ciphertext.size());
    if (nonce.size() == sealed.nonce.size()) std::copy(nonce.data(), nonce.data() + nonce.size(), sealed.nonce.begin());
    sealed.key_id = r["webhook_secret_key_id"].c_str();
    row.webhook_secret = std::move(sealed);
  }
  row.recurring = r["recurring"].as<bool>();
  row.cooldown_s = r["cooldown_s"].as<long long>();
  row.hysteresis = r["hysteresis"].as<double>();
  row.status = r["status"].c_str();
  if (!r["triggered_us"].is_null()) row.triggered_at = pg::micros(r["triggered_us"]);
  row.triggered_value = maybe<double>(r["triggered_value"]);
  row.trigger_count = r["trigger_count"].as<long long>();
  row.delivery = r["delivery"].c_str();
  row.dead_letters = r["dead_letters"].c_str();
  row.created_at = pg::micros(r["created_us"]);
  return row;
}

std::optional<std::string> text_or_null(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

// A transaction of its own, failures logged as this store's (pg_transaction.hpp).
template <class F>
auto in_tx(const std::string& url, const char* what, F&& body) {
  return pg::in_transaction(url, "alerts", what, std::forward<F>(body));
}

}  // namespace

core::Result<std::pair<std::int64_t, core::Timestamp>> AlertStore::create(const AlertRow& row) const {
  return in_tx(url_, "insert", [&](pqxx::work& tx) {
    // No secret: empty bytes, stored as NULL (NULLIF below), with a NULL key id.
    const auto* sealed = row.webhook_secret ? &*row.webhook_secret : nullptr;
    const pqxx::binarystring secret(sealed ? sealed->ciphertext.data() : nullptr,
                                    sealed ? sealed->ciphertext.size() : 0);
    const pqxx::binarystring nonce(sealed ? sealed->nonce.data() : nullptr, sealed ? sealed->nonce.size() : 0);
    const auto key_id = sealed ? std::optional<std::string>(sealed->key_id) : std::nullopt;
    const auto r = tx.exec_params1(
        "INSERT INTO alerts (user_id, portfolio_id, kind, condition, symbol, indicator, threshold, spec, message,"
        " webhook_url, webhook_secret, webhook_secret_nonce, webhook_secret_key_id, recurring, cooldown_s,"
        " hysteresis) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, NULLIF($11::bytea, ''::bytea),"
        " NULLIF($12::bytea, ''::bytea), $13, $14, $15, $16)"
        " RETURNING id, " +
            pg::micros_of("created_at", "created_us"),
        row.owner_id ? std::optional<long long>(row.owner_id) : std::nullopt,
        row.portfolio_id ? std::optional<long long>(*row.portfolio_id) : std::nullopt, row.kind, row.condition,
        text_or_null(row.symbol), text_or_null(row.indicator), row.threshold, row.spec, row.message,
        text_or_null(row.webhook_url), secret, nonce, key_id, row.recurring, static_cast<long long>(row.cooldown_s),
        row.hysteresis);
    return std::pair<std::int64_t, core::Timestamp>{r["id"].as<long long>(), pg::micros(r["created_us"])};
  });
}

core::Result<std::vector<AlertRow>> AlertStore::all() const {
  return in_tx(url_, "load", [&](pqxx::work& tx) {
    std::vector<AlertRow> out;
    for (const auto& r : tx.exec("SELECT " + kColumns + " FROM alerts ORDER BY id")) out.push_back(row_from(r));
    return out;
  });
}

core::Result<bool> AlertStore::remove(std::int64_t id) const {
  return in_tx(url_, "delete", [&](pqxx::work& tx) {
    return tx.exec_params("DELETE FROM alerts WHERE id = $1", static_cast<long long>(id)).affected_rows() > 0;
  });
}

core::Result<void> AlertStore::record_trigger(std::int64_t id, const std::string& status, core::Timestamp at,
                                              double value, std::int64_t trigger_count) const {
  return in_tx(url_, "record a trigger", [&](pqxx::work& tx) {
    tx.exec_params0(
        "UPDATE alerts SET status = $2, triggered_at = $3::timestamptz, triggered_value = $4, trigger_count = $5,"
        " updated_at = now() WHERE id = $1",
        static_cast<long long>(id), status, pg::text(at), value, static_cast<long long>(trigger_count));
  });
}

core::Result<void> AlertStore::record_delivery(std::int64_t id, const std::string& delivery,
                                               const std::string& dead_letters) const {
  return in_tx(url_, "record a delivery", [&](pqxx::work& tx) {
    tx.exec_params0(
        "UPDATE alerts SET delivery = $2::jsonb, dead_letters = $3::jsonb, updated_at = now() WHERE id = $1",
        static_cast<long long>(id), delivery, dead_letters);
  });
}

}  // namespace meridian::storage
