// api::Identity's side of users' broker credentials: sealing them under the secrets key (any
// thread), their statuses and writes (workers), and opening them for the gateways (workers).
#include "api_log.hpp"

#include "identity_tables.hpp"

namespace meridian::api {

ApiResult<storage::BrokerKeyWrite> Identity::seal_broker_key(std::int64_t user_id, std::string_view broker,
                                                             const auth::BrokerCredentials* credentials) const {
  storage::BrokerKeyWrite write{std::string(broker), std::nullopt, {}};
  if (!credentials) return write;  // a removal seals nothing: it needs no key
  if (!config_.secrets)
    return api_error(http::status::conflict, "secrets_key_missing",
                     "broker credentials are stored only encrypted, and this daemon has no secrets key: start it with "
                     "--secrets-key-file FILE or MERIDIAN_SECRETS_KEY (32 bytes as hex or base64)");
  write.sealed = auth::seal_broker_credentials(*config_.secrets, {user_id, broker, ""}, *credentials);
  write.hint = auth::broker_hint(credentials->key_id.view());
  return write;
}

ApiResult<std::vector<storage::BrokerKeyStatus>> Identity::broker_keys(std::int64_t user_id) {
  auto statuses = store_.broker_keys(user_id);
  if (!statuses) return store_failure(statuses.error(), "reading broker credentials");
  return std::move(*statuses);
}

ApiResult<std::vector<storage::BrokerKeyStatus>> Identity::write_broker_keys(
    std::int64_t user_id, std::vector<storage::BrokerKeyWrite> writes) {
  storage::UserPatch patch;
  patch.broker_keys = std::move(writes);
  auto updated = store_.update_user(user_id, patch);
  if (!updated) {
    if (updated.error() == core::Errc::not_found)
      return api_error(http::status::not_found, "not_found", "no user with id " + std::to_string(user_id));
    return store_failure(updated.error(), "writing broker credentials");
  }
  for (const auto& w : patch.broker_keys)
    api_log()->info("identity: user {} {} their {} credentials", user_id, w.sealed ? "set" : "removed", w.broker);
  return broker_keys(user_id);
}

core::Result<auth::BrokerCredentials> Identity::broker_credentials(std::int64_t user_id, std::string_view broker) {
  if (!config_.secrets) return core::Errc::unavailable;
  return store_.broker_credentials(user_id, broker, *config_.secrets);
}

}  // namespace meridian::api
