// IdentityStore: construction and users. Refresh tokens: identity_refresh.cpp; API keys:
// identity_keys.cpp; broker credentials: identity_broker_keys.cpp; the connection wrapper:
// identity_rows.hpp.
#include "meridian/storage/identity_store.hpp"

#include "identity_rows.hpp"

namespace meridian::storage {

namespace {

const std::string kUserColumns =
    "id, email, first_name, last_name, role, coalesce(password_hash, '') AS password_hash, capital, disabled, " +
    pg::micros_of("created_at", "created_us") + ", " + pg::micros_of("updated_at", "updated_us");

UserRecord user_from_row(const pqxx::row& r) {
  UserRecord u;
  u.id = r["id"].as<long long>();
  u.email = r["email"].c_str();
  u.first_name = r["first_name"].c_str();
  u.last_name = r["last_name"].c_str();
  u.role = identity::role(r["role"]);
  u.password_hash = r["password_hash"].c_str();
  u.capital = pg::fixed<core::Money>(r["capital"]);
  u.disabled = r["disabled"].as<bool>();
  u.created_at = pg::micros(r["created_us"]);
  u.updated_at = pg::micros(r["updated_us"]);
  return u;
}

core::Result<UserRecord> one_user(const pqxx::result& rows) {
  if (rows.empty()) return core::Errc::not_found;
  return user_from_row(rows[0]);
}

// An optional text parameter: NULL when absent.
const char* or_null(const std::optional<std::string>& v) {
  return v ? v->c_str() : nullptr;
}

}  // namespace

IdentityStore::IdentityStore(std::string database_url) : url_(std::move(database_url)) {}

IdentityStore::~IdentityStore() = default;

core::Result<UserRecord> IdentityStore::create_user(const NewUser& user) {
  return with_connection<UserRecord>([&](pqxx::connection& conn) -> core::Result<UserRecord> {
    pqxx::work tx(conn);
    const auto rows = tx.exec_params(
        "INSERT INTO users (email, first_name, last_name, role, password_hash, capital)"
        " VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6) RETURNING " +
            kUserColumns,
        user.email, user.first_name, user.last_name, std::string(auth::to_string(user.role)), user.password_hash,
        user.capital.to_string());
    tx.commit();
    return one_user(rows);
  });
}

core::Result<UserRecord> IdentityStore::user_by_id(std::int64_t id) {
  return with_connection<UserRecord>([&](pqxx::connection& conn) -> core::Result<UserRecord> {
    pqxx::read_transaction tx(conn);
    return one_user(tx.exec_params("SELECT " + kUserColumns + " FROM users WHERE id = $1", id));
  });
}

core::Result<UserRecord> IdentityStore::user_by_email(std::string_view email) {
  return with_connection<UserRecord>([&](pqxx::connection& conn) -> core::Result<UserRecord> {
    pqxx::read_transaction tx(conn);
    // lower() on both sides: the users_email_lower index answers it.
    return one_user(
        tx.exec_params("SELECT " + kUserColumns + " FROM users WHERE lower(email) = lower($1)", std::string(email)));
  });
}

core::Result<std::vector<UserRecord>> IdentityStore::list_users() {
  return with_connection<std::vector<UserRecord>>([&](pqxx::connection& conn) -> core::Result<std::vector<UserRecord>> {
    pqxx::read_transaction tx(conn);
    std::vector<UserRecord> out;
    for (const auto& r : tx.exec("SELECT " + kUserColumns + " FROM users ORDER BY id")) out.push_back(user_from_row(r));
    return out;
  });
}

core::Result<UserRecord> IdentityStore::update_user(std::int64_t id, const UserPatch& patch) {
  const std::optional<std::string> role =
      patch.role ? std::optional<std::string>(std::string(auth::to_string(*patch.role))) : std::nullopt;
  const std::optional<std::string> capital =
      patch.capital ? std::optional<std::string>(patch.capital->to_string()) : std::nullopt;
  const std::optional<std::string> disabled =
      patch.disabled ? std::optional<std::string>(*patch.disabled ? "true" : "false") : std::nullopt;
  return with_connection<UserRecord>([&](pqxx::connection& conn) -> core::Result<UserRecord> {
    pqxx::work tx(conn);
    // A NULL parameter keeps the column as it is.
    const auto rows = tx.exec_params(
        "UPDATE users SET email = coalesce($2, email), first_name = coalesce($3, first_name),"
        " last_name = coalesce($4, last_name), role = coalesce($5, role),"
        " capital = coalesce($6::numeric, capital), disabled = coalesce($7::boolean, disabled), updated_at = now()"
        " WHERE id = $1 RETURNING " +
            kUserColumns,
        id, or_null(patch.email), or_null(patch.first_name), or_null(patch.last_name), or_null(role), or_null(capital),
        or_null(disabled));
    if (!rows.empty()) identity::write_broker_keys(tx, id, patch.broker_keys);
    tx.commit();
    return one_user(rows);
  });
}

core::Result<void> IdentityStore::set_password(std::int64_t id, std::string_view password_hash) {
  return with_connection<void>([&](pqxx::connection& conn) -> core::Result<void> {
    pqxx::work tx(conn);
    const auto rows =
        tx.exec_params("UPDATE users SET password_hash = NULLIF($2, ''), updated_at = now() WHERE id = $1 RETURNING id",
                       id, std::string(password_hash));
    if (rows.empty()) return core::Errc::not_found;
    // Every session of the user ends with the old password.
    tx.exec_params0("UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL", id);
    tx.commit();
    return {};
  });
}

core::Result<bool> IdentityStore::rehash_password(std::int64_t id, std::string_view old_hash,
                                                  std::string_view new_hash) {
  return with_connection<bool>([&](pqxx::connection& conn) -> core::Result<bool> {
    pqxx::work tx(conn);
    const auto rows = tx.exec_params(
        "UPDATE users SET password_hash = $3, updated_at = now() WHERE id = $1 AND password_hash = $2 RETURNING id", id,
        std::string(old_hash), std::string(new_hash));
    tx.commit();
    return !rows.empty();
  });
}

core::Result<bool> IdentityStore::has_admin() {
  return with_connection<bool>([&](pqxx::connection& conn) -> core::Result<bool> {
    pqxx::read_transaction tx(conn);
    return tx
        .exec1(
            "SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND NOT disabled"
            " AND coalesce(password_hash, '') <> '')")[0]
        .as<bool>();
  });
}

}  // namespace meridian::storage
