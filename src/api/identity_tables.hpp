#pragma once
// api::Identity's in-memory tables (identity.hpp): what authenticate() reads without the
// database; and what its files share. Private to api/identity*.cpp.
#include <atomic>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "meridian/api/identity.hpp"

namespace meridian::api {

// A live API key. The record is immutable; the use times change under readers (atomics).
// Shared by every version of the tables, so a copy-on-write keeps them.
struct Identity::LiveKey {
  storage::ApiKeyRecord record;
  std::atomic<std::int64_t> used_ms{0};     // last use this run (epoch ms), 0: none
  std::atomic<std::int64_t> written_ms{0};  // last use written to the store
};

// What a request's principal is checked against: the user's current role (a token's role is
// capped at it) and whether the account is disabled.
struct UserGate {
  auth::Role role = auth::Role::anonymous;
  bool disabled = false;
  bool operator==(const UserGate&) const = default;
};

struct Identity::Tables {
  std::unordered_map<auth::TokenDigest, std::shared_ptr<LiveKey>, DigestHash> keys;
  // Keys revoked by this run, so their use says revoked_key rather than unknown_key.
  std::unordered_set<auth::TokenDigest, DigestHash> revoked;
  // Users not here (created by another process since the start) keep their token's role.
  std::unordered_map<std::int64_t, UserGate> users;
};

// A store failure that is not the caller's doing: the database is down (503) or broken (500,
// logged). `what` names the operation in the log.
ApiError store_failure(const boost::system::error_code& ec, std::string_view what);

}  // namespace meridian::api
