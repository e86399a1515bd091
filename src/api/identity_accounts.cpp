// api::Identity's worker-thread operations: registration, login, refresh-token rotation,
// logout, password change, API keys and user administration. Each calls the store and/or
// hashes a password, so each runs on Identity's workers (identity.hpp), never an I/O thread.
#include "api_log.hpp"

#include <algorithm>
#include <unordered_map>

#include "identity_tables.hpp"
#include "meridian/auth/opaque_token.hpp"

namespace meridian::api {

namespace {

// The most live API keys one user may hold: every live key is held in memory.
constexpr std::size_t kMaxKeysPerUser = 100;
constexpr std::size_t kMaxNameBytes = 100;
constexpr std::size_t kMaxEmailBytes = 254;  // RFC 5321's path limit

bool has_control(std::string_view s) noexcept {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

}  // namespace

ApiError store_failure(const boost::system::error_code& ec, std::string_view what) {
  if (ec == core::Errc::unavailable) {
    api_log()->warn("identity: {}: the database is unavailable", what);
    return api_error(http::status::service_unavailable, "unavailable",
                     "the user database is unavailable; try again shortly");
  }
  api_log()->error("identity: {} failed: {}", what, ec.message());
  return api_error(http::status::internal_server_error, "internal_error", "internal error");
}

namespace {

ApiError invalid_credentials() {
  return api_error(http::status::unauthorized, "invalid_credentials", "the email or password is not right");
}

ApiError invalid_refresh(std::string_view reason) {
  return api_error(http::status::unauthorized, "invalid_token",
                   "the refresh token is not valid (" + std::string(reason) + "); log in again", {{"reason", reason}});
}

ApiError email_taken() {
  return field_error("email", "an account with this email exists already", http::status::conflict, "email_taken");
}

}  // namespace

std::optional<ApiError> check_email(std::string_view email, std::string_view field) {
  const auto at = email.find('@');
  const bool ok = email.size() >= 3 && email.size() <= kMaxEmailBytes && at != std::string_view::npos && at > 0 &&
                  at + 1 < email.size() && email.find('@', at + 1) == std::string_view::npos &&
                  email.find(' ') == std::string_view::npos && !has_control(email);
  if (ok) return std::nullopt;
  return field_error(field, std::string(field) + " must be an email address (name@domain, at most 254 bytes)");
}

std::optional<ApiError> check_person_name(std::string_view name, std::string_view field) {
  if (name.size() <= kMaxNameBytes && !has_control(name)) return std::nullopt;
  return field_error(field, std::string(field) + " must be at most 100 bytes without control characters");
}

namespace {
ApiError weak_password(std::string_view field, auth::PasswordIssue issue) {
  return field_error(field, std::string(auth::describe(issue)), http::status::unprocessable_entity, "weak_password",
                     {{"reason", auth::to_string(issue)}});
}
}  // namespace

std::optional<ApiError> check_new_password(std::string_view password, std::string_view field) {
  if (auto ok = auth::check_password_policy(password); !ok) return weak_password(field, ok.error());
  return std::nullopt;
}

std::optional<ApiError> check_presented_password(std::string_view password, std::string_view field) {
  if (password.size() > auth::kMaxPasswordBytes) return weak_password(field, auth::PasswordIssue::too_long);
  if (password.find('\0') != std::string_view::npos) return weak_password(field, auth::PasswordIssue::contains_nul);
  return std::nullopt;
}

ApiResult<Session> Identity::open_session(const storage::UserRecord& user, const ClientInfo& client) {
  const auto now = core::now();
  auto refresh = auth::new_refresh_token();
  storage::RefreshIssue issue{user.id, refresh.digest, now + config_.refresh_ttl, client.user_agent, client.address};
  if (auto stored = store_.store_refresh(issue); !stored) return store_failure(stored.error(), "storing a session");
  return Session{signer_.issue(user.id, user.role, now), signer_.ttl(), std::move(refresh.text), config_.refresh_ttl,
                 user};
}

std::optional<ApiError> Identity::registration_refusal() const {
  if (config_.registration == RegistrationMode::open) return std::nullopt;
  return api_error(http::status::forbidden, "registration_closed",
                   config_.registration == RegistrationMode::invite
                       ? "registration is by invitation: an administrator creates accounts"
                       : "registration is closed: an administrator creates accounts");
}

ApiResult<Session> Identity::register_account(const NewAccount& account, const ClientInfo& client) {
  if (auto refused = registration_refusal()) return std::move(*refused);
  // Self-registered accounts read; an administrator grants more (PATCH /api/users/{id}).
  storage::NewUser user{account.email,
                        account.first_name,
                        account.last_name,
                        auth::Role::viewer,
                        auth::hash_password(account.password, config_.cost),
                        core::Money{}};
  auto created = store_.create_user(user);
  if (!created) {
    if (created.error() == core::Errc::conflict) return email_taken();
    return store_failure(created.error(), "registering an account");
  }
  remember_user(*created);
  api_log()->info("identity: user {} registered", created->id);
  return open_session(*created, client);
}

ApiResult<Session> Identity::login(std::string_view email, std::string_view password, const ClientInfo& client) {
  auto user = store_.user_by_email(email);
  if (!user && user.error() != core::Errc::not_found) return store_failure(user.error(), "reading a user");
  // Unknown email, no password set: the same hash cost as a real check, the same answer.
  const bool known = user && !user->password_hash.empty();
  const bool match = auth::verify_password(known ? user->password_hash : auth::decoy_hash(config_.cost), password);
  if (!known || !match) return invalid_credentials();
  if (user->disabled) return api_error(http::status::forbidden, "account_disabled", "this account is disabled");
  // A hash made under older (cheaper) parameters is replaced while the password is at hand.
  if (auth::needs_rehash(user->password_hash, config_.cost)) {
    auto rehashed = store_.rehash_password(user->id, user->password_hash, auth::hash_password(password, config_.cost));
    if (!rehashed)
      api_log()->warn("identity: cannot re-hash user {}'s password: {}", user->id, rehashed.error().message());
  }
  remember_user(*user);
  return open_session(*user, client);
}

ApiResult<Session> Identity::refresh(std::string_view refresh_token) {
  auto presented = auth::digest_refresh_token(refresh_token);
  if (!presented) return invalid_refresh("malformed");
  auto next = auth::new_refresh_token();
  const auto now = core::now();
  auto rotation = store_.rotate_refresh(*presented, next.digest, now, now + config_.refresh_ttl);
  if (!rotation) return store_failure(rotation.error(), "rotating a refresh token");
  switch (rotation->outcome) {
    case storage::RotateOutcome::rotated: break;
    case storage::RotateOutcome::reused:  // the store logs it
      return api_error(http::status::unauthorized, "token_reused",
                       "this refresh token was used already: every session of its login is revoked; log in again");
    case storage::RotateOutcome::unknown: return invalid_refresh("unknown");
    case storage::RotateOutcome::expired: return invalid_refresh("expired");
    case storage::RotateOutcome::revoked: return invalid_refresh("revoked");
  }
  auto user = store_.user_by_id(rotation->user_id);
  if (!user) return store_failure(user.error(), "reading a user");
  remember_user(*user);
  if (user->disabled) {
    if (auto revoked = store_.revoke_all_refresh(user->id); !revoked)
      api_log()->warn("identity: cannot revoke the sessions of disabled user {}: {}", user->id,
                      revoked.error().message());
    return invalid_refresh("user_disabled");
  }
  return Session{signer_.issue(user->id, user->role, now), signer_.ttl(), std::move(next.text), config_.refresh_ttl,
                 std::move(*user)};
}

ApiResult<void> Identity::logout(std::string_view refresh_token) {
  auto presented = auth::digest_refresh_token(refresh_token);
  if (!presented) return invalid_refresh("malformed");
  auto revoked = store_.revoke_refresh_family(*presented);
  if (!revoked) {
    if (revoked.error() == core::Errc::not_found) return invalid_refresh("unknown");
    return store_failure(revoked.error(), "revoking a session");
  }
  return {};
}

ApiResult<storage::UserRecord> Identity::user(std::int64_t id) {
  auto user = store_.user_by_id(id);
  if (!user) {
    if (user.error() == core::Errc::not_found)
      return api_error(http::status::not_found, "not_found", "no user with id " + std::to_string(id));
    return store_failure(user.error(), "reading a user");
  }
  return std::move(*user);
}

ApiResult<void> Identity::change_password(std::int64_t user_id, std::string_view current, std::string_view next) {
  auto user = this->user(user_id);
  if (!user) return std::move(user).error();
  if (user->password_hash.empty() || !auth::verify_password(user->password_hash, current))
    return field_error("current_password", "the current password is not right", http::status::forbidden,
                       "wrong_password");
  if (auto set = store_.set_password(user_id, auth::hash_password(next, config_.cost)); !set)
    return store_failure(set.error(), "setting a password");
  api_log()->info("identity: user {} changed their password; every session of theirs is revoked", user_id);
  return {};
}

ApiResult<CreatedKey> Identity::create_key(const auth::Principal& by, const KeyInput& input) {
  if (by.api_key_id != 0)
    return api_error(http::status::forbidden, "forbidden",
                     "an API key cannot create API keys: use an access token (log in)");
  const auto role = input.role.value_or(by.role);
  if (!by.may(role))
    return field_error("role", "a key's role cannot be above yours (" + std::string(auth::to_string(by.role)) + ")",
                       http::status::forbidden, "forbidden",
                       {{"role", auth::to_string(by.role)}, {"requested", auth::to_string(role)}});
  const auto t = tables();
  const auto held = std::count_if(t->keys.begin(), t->keys.end(),
                                  [&](const auto& entry) { return entry.second->record.user_id == by.user_id; });
  if (static_cast<std::size_t>(held) >= kMaxKeysPerUser)
    return api_error(http::status::conflict, "too_many_keys",
                     "a user holds at most " + std::to_string(kMaxKeysPerUser) + " live API keys: revoke one first",
                     {{"max", kMaxKeysPerUser}});
  auto key = auth::new_api_key();
  storage::NewApiKey row{by.user_id, input.name, auth::api_key_hint(key.text), key.digest, role, input.portfolios};
  auto created = store_.create_api_key(row);
  if (!created) return store_failure(created.error(), "creating an API key");
  auto live = std::make_shared<LiveKey>();
  live->record = *created;
  update_tables([&](Tables& tables) { tables.keys.emplace(key.digest, std::move(live)); });
  api_log()->info("identity: user {} created API key {} ({}, role {})", by.user_id, created->id, created->hint,
                  auth::to_string(role));
  return CreatedKey{std::move(key.text), std::move(*created)};
}

ApiResult<std::vector<storage::ApiKeyRecord>> Identity::keys(std::int64_t user_id) {
  auto keys = store_.list_api_keys(user_id);
  if (!keys) return store_failure(keys.error(), "listing API keys");
  // Uses since the last batched write are in memory only.
  std::unordered_map<std::int64_t, std::int64_t> used;
  for (const auto& [digest, live] : tables()->keys)
    if (const auto at = live->used_ms.load(std::memory_order_relaxed)) used[live->record.id] = at;
  for (auto& k : *keys)
    if (auto u = used.find(k.id); u != used.end()) {
      const auto at = core::from_epoch_ms(u->second);
      if (!k.last_used_at || *k.last_used_at < at) k.last_used_at = at;
    }
  return std::move(*keys);
}

ApiResult<void> Identity::revoke_key(std::int64_t user_id, std::int64_t key_id) {
  auto revoked = store_.revoke_api_key(user_id, key_id);
  if (!revoked) {
    if (revoked.error() == core::Errc::not_found)
      return api_error(http::status::not_found, "not_found", "no live API key with id " + std::to_string(key_id));
    return store_failure(revoked.error(), "revoking an API key");
  }
  update_tables([&](Tables& t) {
    for (auto it = t.keys.begin(); it != t.keys.end(); ++it)
      if (it->second->record.id == key_id) {
        t.revoked.insert(it->first);
        t.keys.erase(it);
        break;
      }
  });
  api_log()->info("identity: user {} revoked API key {}", user_id, key_id);
  return {};
}

ApiResult<std::vector<storage::UserRecord>> Identity::users() {
  auto users = store_.list_users();
  if (!users) return store_failure(users.error(), "listing users");
  return std::move(*users);
}

ApiResult<CreatedUser> Identity::create_user(const UserInput& input) {
  CreatedUser out;
  std::string password;
  if (input.password) {
    password = *input.password;
  } else {
    // 256 random bits as text: what a refresh token is made of, and a password no list holds.
    password = auth::new_refresh_token().text;
    out.generated_password = password;
  }
  storage::NewUser user{
      input.email,  input.first_name, input.last_name, input.role, auth::hash_password(password, config_.cost),
      input.capital};
  auto created = store_.create_user(user);
  if (!created) {
    if (created.error() == core::Errc::conflict) return email_taken();
    return store_failure(created.error(), "creating a user");
  }
  remember_user(*created);
  out.user = std::move(*created);
  return out;
}

ApiResult<storage::UserRecord> Identity::update_user(const auth::Principal& by, std::int64_t id,
                                                     const storage::UserPatch& patch) {
  if (id == by.user_id && ((patch.role && *patch.role != by.role) || (patch.disabled && *patch.disabled)))
    return api_error(http::status::conflict, "own_account",
                     "an administrator cannot change the role of, or disable, their own account");
  auto updated = store_.update_user(id, patch);
  if (!updated) {
    if (updated.error() == core::Errc::not_found)
      return api_error(http::status::not_found, "not_found", "no user with id " + std::to_string(id));
    if (updated.error() == core::Errc::conflict) return email_taken();
    return store_failure(updated.error(), "updating a user");
  }
  remember_user(*updated);
  if (updated->disabled) {
    // Access tokens and keys stop at once (remember_user); refresh tokens are revoked too.
    if (auto revoked = store_.revoke_all_refresh(id); !revoked)
      api_log()->warn("identity: cannot revoke the sessions of disabled user {}: {}", id, revoked.error().message());
  }
  api_log()->info("identity: user {} updated by user {}", id, by.user_id);
  return std::move(*updated);
}

}  // namespace meridian::api
