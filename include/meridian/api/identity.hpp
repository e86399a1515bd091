#pragma once
// api::Identity: who a request comes from, and the accounts behind it (logins, refresh tokens,
// API keys, users). The policy over storage::IdentityStore: token lifetimes, registration,
// password rules, which role a key may have.
//
// Threads:
// - authenticate() runs on the I/O threads for every request with credentials and never waits
//   on the database or a hash: access tokens are checked by signature (auth::TokenSigner, once
//   per token: auth::TokenCache keeps it until it expires), API keys against an in-memory table
//   of every live key, and both against an in-memory view of the users (role, disabled), so
//   disabling a user or revoking a key stops their requests at once. The tables are immutable
//   snapshots swapped atomically (read-copy-update).
// - Everything that hashes a password or calls the store runs on Identity's own workers (a
//   small pool with a bounded queue): the methods under "worker threads only" below. post()
//   refuses when the queue is full, and the caller answers 503 busy.
// - load() runs once at start, before the server listens.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "meridian/api/api_error.hpp"
#include "meridian/api/auth_gate.hpp"
#include "meridian/api/http_types.hpp"
#include "meridian/api/login_throttle.hpp"
#include "meridian/api/worker_pool.hpp"
#include "meridian/auth/access_token.hpp"
#include "meridian/auth/broker_credentials.hpp"
#include "meridian/auth/password.hpp"
#include "meridian/auth/principal.hpp"
#include "meridian/auth/token_cache.hpp"
#include "meridian/storage/identity_store.hpp"

namespace meridian::api {

// Who may create an account with POST /api/auth/register: anyone (open), nobody (closed), or
// only the holder of an invitation (invite; there is no invitation yet, so an administrator
// creates the account with POST /api/users).
enum class RegistrationMode { open, invite, closed };
std::string_view to_string(RegistrationMode m) noexcept;
std::optional<RegistrationMode> parse_registration_mode(std::string_view text) noexcept;

struct IdentityConfig {
  auth::PasswordCost cost = auth::PasswordCost::standard();
  std::chrono::seconds refresh_ttl = std::chrono::hours(24 * 30);
  RegistrationMode registration = RegistrationMode::closed;
  std::size_t workers = 2;
  std::size_t queue_limit = 256;
  // An API key's last use is written to the store at most this often.
  std::chrono::seconds touch_interval = std::chrono::minutes(1);
  // Lockouts of password and refresh-token guessing (begin_login and its siblings).
  LoginThrottleConfig throttle{};
  // The master key users' broker credentials are sealed under (--secrets-key-file or
  // MERIDIAN_SECRETS_KEY); null: none is configured, and no credential can be written.
  std::shared_ptr<const auth::SecretBox> secrets;
  // Access tokens whose signature was checked, kept until they expire (auth::TokenCache).
  std::size_t token_cache_capacity = auth::TokenCache::kDefaultCapacity;
};

// What a login, registration or refresh gives the client.
struct Session {
  std::string access_token;
  std::chrono::seconds expires_in{};
  std::string refresh_token;
  std::chrono::seconds refresh_expires_in{};
  storage::UserRecord user;
};

// Kept beside a refresh token (which device, from where).
struct ClientInfo {
  std::string address;
  std::string user_agent;
};

struct NewAccount {
  std::string email;
  std::string password;
  std::string first_name;
  std::string last_name;
};

struct UserInput {
  std::string email;
  std::string first_name;
  std::string last_name;
  auth::Role role = auth::Role::trader;
  core::Money capital{};
  std::optional<std::string> password;  // none: one is generated and returned once
};
struct CreatedUser {
  storage::UserRecord user;
  std::optional<std::string> generated_password;
};

struct KeyInput {
  std::string name;
  std::optional<auth::Role> role;  // none: the creator's role
  std::vector<std::int64_t> portfolios;
};
struct CreatedKey {
  std::string key;  // shown once
  storage::ApiKeyRecord record;
};

// Field checks shared by the routes and `meridiand user add`: the 422 naming `field`, or none.
std::optional<ApiError> check_email(std::string_view email, std::string_view field = "email");
std::optional<ApiError> check_person_name(std::string_view name, std::string_view field);
// A new password against auth::check_password_policy: 422 weak_password, details.reason the
// auth::PasswordIssue.
std::optional<ApiError> check_new_password(std::string_view password, std::string_view field = "password");
// A presented password (login, current password) is only checked for what no password may be
// (over 1 KiB, a NUL): 422 weak_password. The policy of the day is not applied to it.
std::optional<ApiError> check_presented_password(std::string_view password, std::string_view field = "password");

class Identity {
 public:
  Identity(storage::IdentityStore& store, auth::TokenSigner signer, IdentityConfig config = {});
  // Runs the jobs already queued, then writes the API keys' last-use times still pending.
  ~Identity();
  Identity(const Identity&) = delete;
  Identity& operator=(const Identity&) = delete;

  // Start-up: every live API key and every user's role and disabled flag into memory.
  core::Result<void> load();
  // What load() does with the rows it reads: they replace the tables authenticate() reads.
  // Also for callers that have the rows without a database (tests, the auth_routes fuzz target).
  void load_tables(std::vector<std::pair<auth::TokenDigest, storage::ApiKeyRecord>> keys,
                   const std::vector<storage::UserRecord>& users);

  // Any thread; no database, no hashing. `Authorization: Bearer <access token>`,
  // `Authorization: Bearer mk_...` or `X-API-Key: mk_...` (Authorization wins when both are
  // given). A token's role is capped at its user's current role.
  Credentials authenticate(const HttpRequest& req, core::Timestamp now);
  Credentials authenticate(const HttpRequest& req) { return authenticate(req, core::now()); }
  // The same check of a bare bearer credential (an access token or an mk_ API key), for the
  // WebSocket's ?token= and {"type":"auth"} message, where no header carries it.
  Credentials authenticate_bearer(std::string_view bearer, core::Timestamp now);

  // Runs `job` on a worker; false when the queue is full (answer 503 busy).
  bool post(std::function<void()> job) { return workers_.try_post(std::move(job)); }

  // Any thread, before the guess is queued (login_throttle.hpp): the attempt, which its job
  // finishes with the outcome, or 429 too_many_requests with Retry-After. A login is keyed by
  // the email presented (without case: an unknown email locks like a known one) and the
  // client's address, a refresh by the address, a password change by the user and the address.
  // The refusal never says which key is locked.
  using Attempt = std::shared_ptr<LoginThrottle::Attempt>;
  ApiResult<Attempt> begin_login(std::string_view email, std::string_view address);
  ApiResult<Attempt> begin_refresh(std::string_view address);
  ApiResult<Attempt> begin_password_check(std::int64_t user_id, std::string_view address);

  const IdentityConfig& config() const noexcept { return config_; }
  // 403 registration_closed unless registration is open.
  std::optional<ApiError> registration_refusal() const;
  std::chrono::seconds access_ttl() const noexcept { return signer_.ttl(); }

  // --- worker threads only: these call the store and hash passwords. Every failure is the
  // ApiError to answer (store down: 503).
  ApiResult<Session> register_account(const NewAccount& account, const ClientInfo& client);
  // Wrong email or password: 401 invalid_credentials, one message either way, and an unknown
  // email costs a hash like a known one.
  ApiResult<Session> login(std::string_view email, std::string_view password, const ClientInfo& client);
  // Rotates the refresh token; one presented again after its rotation revokes its family:
  // 401 token_reused.
  // The new token keeps its family's device and address.
  ApiResult<Session> refresh(std::string_view refresh_token);
  ApiResult<void> logout(std::string_view refresh_token);
  ApiResult<storage::UserRecord> user(std::int64_t id);
  // Every refresh token of the user is revoked (every session has to log in again).
  ApiResult<void> change_password(std::int64_t user_id, std::string_view current, std::string_view next);

  ApiResult<CreatedKey> create_key(const auth::Principal& by, const KeyInput& input);
  ApiResult<std::vector<storage::ApiKeyRecord>> keys(std::int64_t user_id);
  ApiResult<void> revoke_key(std::int64_t user_id, std::int64_t key_id);

  ApiResult<std::vector<storage::UserRecord>> users();
  ApiResult<CreatedUser> create_user(const UserInput& input);
  // `by` may not demote or disable their own account (nobody would be left to undo it).
  ApiResult<storage::UserRecord> update_user(const auth::Principal& by, std::int64_t id,
                                             const storage::UserPatch& patch);

  // Broker credentials (identity_broker_keys.cpp). Their plaintext is sealed on the thread that
  // parsed it and only ciphertext reaches the workers; no reply ever shows more than
  // storage::BrokerKeyStatus.
  // Any thread (no database): the write of `credentials` sealed for the user's row at `broker`,
  // or its removal (null); 409 secrets_key_missing when there is something to seal and no
  // secrets key is configured.
  ApiResult<storage::BrokerKeyWrite> seal_broker_key(std::int64_t user_id, std::string_view broker,
                                                     const auth::BrokerCredentials* credentials) const;
  // Worker threads only.
  ApiResult<std::vector<storage::BrokerKeyStatus>> broker_keys(std::int64_t user_id);
  // The user's own writes (PUT/DELETE /api/auth/me/broker-keys/{broker}); the user's statuses after.
  ApiResult<std::vector<storage::BrokerKeyStatus>> write_broker_keys(std::int64_t user_id,
                                                                     std::vector<storage::BrokerKeyWrite> writes);
  // For the live gateways (issue 15), never for a reply: the user's credential at `broker`,
  // opened. storage::IdentityStore::broker_credentials's errors, and Errc::unavailable when no
  // secrets key is configured.
  core::Result<auth::BrokerCredentials> broker_credentials(std::int64_t user_id, std::string_view broker);

 private:
  struct LiveKey;
  struct Tables;
  struct DigestHash {
    std::size_t operator()(const auth::TokenDigest& d) const noexcept;
  };

  Credentials from_access_token(std::string_view token, core::Timestamp now);
  Credentials from_api_key(std::string_view key, core::Timestamp now);
  std::shared_ptr<const Tables> tables() const { return tables_.load(std::memory_order_acquire); }
  // Copies the tables, applies `change`, publishes the copy (writers take update_mutex_).
  void update_tables(const std::function<void(Tables&)>& change);
  void remember_user(const storage::UserRecord& user);
  void schedule_touch(core::Timestamp now);
  void touch_keys();
  ApiResult<Session> open_session(const storage::UserRecord& user, const ClientInfo& client);
  ApiResult<Attempt> begin_attempt(LoginThrottle::Keys keys);

  storage::IdentityStore& store_;
  const auth::TokenSigner signer_;
  const IdentityConfig config_;
  auth::TokenCache token_cache_;  // after signer_, which it uses
  std::atomic<std::shared_ptr<const Tables>> tables_;
  std::mutex update_mutex_;
  std::atomic<std::int64_t> next_touch_ms_{0};
  std::mutex touch_mutex_;  // one touch_keys at a time
  LoginThrottle throttle_;  // before workers_: their jobs finish attempts
  WorkerPool workers_;      // last: stopped first, while everything its jobs use still exists
};

}  // namespace meridian::api
