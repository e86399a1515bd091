#include "identity_json.hpp"

#include "meridian/api/json_types.hpp"

namespace meridian::api {

namespace {
nlohmann::json time_or_null(const std::optional<core::Timestamp>& t) {
  return t ? nlohmann::json(core::to_iso8601(*t)) : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json user_json(const storage::UserRecord& user) {
  return {{"id", user.id},
          {"email", user.email},
          {"first_name", user.first_name},
          {"last_name", user.last_name},
          {"role", auth::to_string(user.role)},
          {"capital", money_json(user.capital)},
          {"disabled", user.disabled},
          {"created_at", core::to_iso8601(user.created_at)},
          {"updated_at", core::to_iso8601(user.updated_at)}};
}

nlohmann::json api_key_json(const storage::ApiKeyRecord& key) {
  return {{"id", key.id},
          {"name", key.name},
          {"hint", key.hint},
          {"role", auth::to_string(key.role)},
          {"portfolios", key.portfolio_scope},
          {"created_at", core::to_iso8601(key.created_at)},
          {"last_used_at", time_or_null(key.last_used_at)}};
}

nlohmann::json session_json(const Session& session) {
  return {{"access_token", session.access_token},
          {"token_type", "Bearer"},
          {"expires_in", session.expires_in.count()},
          {"refresh_token", session.refresh_token},
          {"refresh_expires_in", session.refresh_expires_in.count()},
          {"user", user_json(session.user)}};
}

}  // namespace meridian::api
