#pragma once
// The JSON of users, API keys and sessions (API.md, Auth and users), written once for the
// auth and user routes. A password hash, a refresh token's or key's digest never appear.
#include <nlohmann/json.hpp>

#include "meridian/api/identity.hpp"

namespace meridian::api {

// id, email, first_name, last_name, role, capital, disabled, created_at, updated_at.
nlohmann::json user_json(const storage::UserRecord& user);
// id, name, hint, role, portfolios, created_at, last_used_at (never the key).
nlohmann::json api_key_json(const storage::ApiKeyRecord& key);
// access_token, token_type "Bearer", expires_in, refresh_token, refresh_expires_in, user.
nlohmann::json session_json(const Session& session);

}  // namespace meridian::api
