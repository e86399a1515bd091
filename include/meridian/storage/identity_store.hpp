#pragma once
// Users, refresh tokens and API keys in PostgreSQL (sql/010_identity.sql): what login, token
// rotation and key checks read and write; and users' broker credentials (sql/003's api_keys),
// stored only sealed (auth/broker_credentials.hpp). No policy lives here (who may do what, password
// rules, token lifetimes: api::Identity); this is the durable record of it.
//
// Contract:
// - Thread-safe: one connection behind a mutex, reopened after a broken connection; every call
//   is one short transaction. Callers are api::Identity's worker threads (never an I/O thread).
// - A database that is down is Errc::unavailable, never an exception; a unique email taken is
//   Errc::conflict; an unknown id/email/digest is Errc::not_found. Emails are compared without
//   case (stored as given, unique on lower(email)).
// - Ids are BIGSERIAL: never reused, also after a delete.
// - rotate_refresh is atomic: of two concurrent rotations of one token exactly one wins; a token
//   presented after it was rotated revokes its whole family (every token of that login) and
//   says `reused`.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "meridian/auth/broker_credentials.hpp"
#include "meridian/auth/opaque_token.hpp"
#include "meridian/auth/role.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/fixed.hpp"
#include "meridian/core/time.hpp"

namespace meridian::storage {

struct UserRecord {
  std::int64_t id = 0;
  std::string email;
  std::string first_name;
  std::string last_name;
  auth::Role role = auth::Role::viewer;
  std::string password_hash;  // empty: no password set (cannot log in)
  core::Money capital{};
  bool disabled = false;
  core::Timestamp created_at{};
  core::Timestamp updated_at{};
};

struct NewUser {
  std::string email;
  std::string first_name;
  std::string last_name;
  auth::Role role = auth::Role::trader;
  std::string password_hash;
  core::Money capital{};
};

// A broker credential written with a user's other fields: sealed for its slot (the user, the
// broker, the empty label; auth::seal_broker_credentials), or nullopt to remove it.
struct BrokerKeyWrite {
  std::string broker;
  std::optional<auth::Sealed> sealed;
  std::string hint;  // auth::broker_hint of the key id, with `sealed`
};

// Fields a PATCH may change; nullopt: unchanged.
struct UserPatch {
  std::optional<std::string> email;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<auth::Role> role;
  std::optional<core::Money> capital;
  std::optional<bool> disabled;
  std::vector<BrokerKeyWrite> broker_keys;  // written in the same transaction
};

// What may be shown of a stored broker credential: never the secret, nor the key id whole.
struct BrokerKeyStatus {
  std::string broker;
  std::string hint;    // the key id's last 4 characters
  std::string key_id;  // the master key it is sealed under (auth::SecretBox::key_id)
  core::Timestamp updated_at{};
  std::optional<core::Timestamp> last_used_at;
};

// What re-sealing every broker credential under a new master key did. Rows under neither key,
// or under the old one that do not open, stop it: then nothing was changed.
struct ResealReport {
  std::size_t moved = 0;    // re-sealed under the new key
  std::size_t current = 0;  // under the new key already (an earlier run)
  std::vector<std::string> unknown_key_ids;
  std::size_t unreadable = 0;
  bool applied() const noexcept { return unknown_key_ids.empty() && unreadable == 0; }
};

struct RefreshIssue {
  std::int64_t user_id = 0;
  auth::TokenDigest digest{};
  core::Timestamp expires_at{};
  std::string user_agent;  // cut to 256 bytes
  std::string address;     // the client's IP address, or empty
};

enum class RotateOutcome {
  rotated,  // `next` replaces the presented token (same family)
  unknown,  // no such token
  expired,
  revoked,  // logged out, or its family was revoked
  reused,   // already rotated: the whole family is now revoked
};
struct Rotation {
  RotateOutcome outcome = RotateOutcome::unknown;
  std::int64_t user_id = 0;  // set for rotated and reused
};

struct ApiKeyRecord {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string name;
  std::string hint;  // auth::api_key_hint of the key
  auth::Role role = auth::Role::viewer;
  std::vector<std::int64_t> portfolio_scope;  // empty: every portfolio of the user
  core::Timestamp created_at{};
  std::optional<core::Timestamp> last_used_at;
  std::optional<core::Timestamp> revoked_at;
};

struct NewApiKey {
  std::int64_t user_id = 0;
  std::string name;
  std::string hint;
  auth::TokenDigest digest{};
  auth::Role role = auth::Role::viewer;
  std::vector<std::int64_t> portfolio_scope;
};

class IdentityStore {
 public:
  // Connects lazily: construction never fails; the first call reports Errc::unavailable when
  // the database cannot be reached. Migrations are the daemon's (storage::migrate), not this.
  explicit IdentityStore(std::string database_url);
  ~IdentityStore();
  IdentityStore(const IdentityStore&) = delete;
  IdentityStore& operator=(const IdentityStore&) = delete;

  // Users.
  core::Result<UserRecord> create_user(const NewUser& user);
  core::Result<UserRecord> user_by_id(std::int64_t id);
  core::Result<UserRecord> user_by_email(std::string_view email);
  // Every user, by id (admin listing; small by nature).
  core::Result<std::vector<UserRecord>> list_users();
  core::Result<UserRecord> update_user(std::int64_t id, const UserPatch& patch);
  // Sets the hash and revokes every refresh token of the user (a password change logs out
  // every other session).
  core::Result<void> set_password(std::int64_t id, std::string_view password_hash);
  // The same password under new hash parameters (a login found the stored ones outdated): no
  // session ends. Replaces only `old_hash`, so a password changed meanwhile is never undone;
  // false when it was.
  core::Result<bool> rehash_password(std::int64_t id, std::string_view old_hash, std::string_view new_hash);
  // Whether any enabled admin with a password exists (the first start creates one otherwise).
  core::Result<bool> has_admin();

  // Refresh tokens.
  core::Result<void> store_refresh(const RefreshIssue& issue);
  // Replaces `presented` by `next` (expiring at next_expires_at) when it is live at `now`.
  core::Result<Rotation> rotate_refresh(const auth::TokenDigest& presented, const auth::TokenDigest& next,
                                        core::Timestamp now, core::Timestamp next_expires_at);
  // Logout: revokes the presented token's family. not_found when there is no such token.
  core::Result<void> revoke_refresh_family(const auth::TokenDigest& presented);
  core::Result<void> revoke_all_refresh(std::int64_t user_id);

  // API keys.
  core::Result<ApiKeyRecord> create_api_key(const NewApiKey& key);
  // Every key not revoked, with its digest: api::Identity keeps them in memory so a request
  // with an API key needs no database round trip.
  core::Result<std::vector<std::pair<auth::TokenDigest, ApiKeyRecord>>> live_api_keys();
  core::Result<std::vector<ApiKeyRecord>> list_api_keys(std::int64_t user_id);
  // not_found when the key is not the user's or already revoked.
  core::Result<ApiKeyRecord> revoke_api_key(std::int64_t user_id, std::int64_t key_id);
  // Records use times (batched by the caller, at most one write per key per minute).
  core::Result<void> touch_api_keys(const std::vector<std::pair<std::int64_t, core::Timestamp>>& used);

  // Broker credentials (written by update_user). Never the plaintext outside
  // broker_credentials, which is for the gateways, not for any reply.
  core::Result<std::vector<BrokerKeyStatus>> broker_keys(std::int64_t user_id);
  // The user's credential at `broker`, opened, and its use recorded: not_found when none is
  // set, conflict when it is sealed under another master key, rejected when it does not open
  // (altered, or moved from another user's row).
  core::Result<auth::BrokerCredentials> broker_credentials(std::int64_t user_id, std::string_view broker,
                                                           const auth::SecretBox& box);
  // Re-seals every credential under `from` with `to` in one transaction (rows locked), leaving
  // those under `to` as they are: running it again changes nothing. When report.applied() is
  // false nothing was written.
  core::Result<ResealReport> reseal_broker_keys(const auth::SecretBox& from, const auth::SecretBox& to);

 private:
  // The pqxx connection (storage/identity_rows.hpp). libpqxx 6.4's pqxx::connection is an alias
  // of a template, so it can not be forward-declared here.
  struct Connection;
  // Runs f(pqxx::connection&) -> Result<T> under the mutex (storage/identity_rows.hpp).
  template <class T, class F>
  core::Result<T> with_connection(F&& f);
  std::string url_;
  std::mutex mutex_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace meridian::storage
