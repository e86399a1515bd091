// api::Identity's in-memory side: the tables authenticate() reads on the I/O threads, their
// loading and updates, and the batched last-use times of API keys. The worker-thread
// operations (accounts, sessions, keys, users) are in identity_accounts.cpp.
#include "api_log.hpp"

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <cctype>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "identity_tables.hpp"
#include "meridian/auth/opaque_token.hpp"

namespace meridian::api {

namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view to_string(RegistrationMode m) noexcept {
  switch (m) {
    case RegistrationMode::open: return "open";
    case RegistrationMode::invite: return "invite";
    case RegistrationMode::closed: return "closed";
  }
  return "closed";
}

std::optional<RegistrationMode> parse_registration_mode(std::string_view text) noexcept {
  for (auto m : {RegistrationMode::open, RegistrationMode::invite, RegistrationMode::closed})
    if (text == to_string(m)) return m;
  return std::nullopt;
}

std::size_t Identity::DigestHash::operator()(const auth::TokenDigest& d) const noexcept {
  // A digest is uniformly random already: its first bytes are a hash.
  std::size_t h = 0;
  std::memcpy(&h, d.data(), sizeof h);
  return h;
}

Identity::Identity(storage::IdentityStore& store, auth::TokenSigner signer, IdentityConfig config)
    : store_(store),
      signer_(std::move(signer)),
      config_(config),
      token_cache_(signer_, config_.token_cache_capacity),
      tables_(std::make_shared<const Tables>()),
      throttle_(config.throttle),
      workers_(config.workers, config.queue_limit) {}

Identity::~Identity() {
  workers_.stop();
  touch_keys();
}

core::Result<void> Identity::load() {
  auto keys = store_.live_api_keys();
  if (!keys) return keys.error();
  auto users = store_.list_users();
  if (!users) return users.error();
  const auto key_count = keys->size();
  load_tables(std::move(*keys), *users);
  // The decoy hash is made once, on a worker, before the first login for an unknown email
  // would have to wait for it.
  post([cost = config_.cost] { auth::decoy_hash(cost); });
  api_log()->info("identity: {} users, {} live API keys", users->size(), key_count);
  return {};
}

void Identity::load_tables(std::vector<std::pair<auth::TokenDigest, storage::ApiKeyRecord>> keys,
                           const std::vector<storage::UserRecord>& users) {
  auto fresh = std::make_shared<Tables>();
  for (auto& [digest, record] : keys) {
    auto live = std::make_shared<LiveKey>();
    live->record = std::move(record);
    fresh->keys.emplace(digest, std::move(live));
  }
  for (const auto& u : users) fresh->users[u.id] = UserGate{u.role, u.disabled};
  std::lock_guard lock(update_mutex_);
  tables_.store(std::move(fresh), std::memory_order_release);
}

void Identity::update_tables(const std::function<void(Tables&)>& change) {
  std::lock_guard lock(update_mutex_);
  auto copy = std::make_shared<Tables>(*tables_.load(std::memory_order_acquire));
  change(*copy);
  tables_.store(std::move(copy), std::memory_order_release);
}

void Identity::remember_user(const storage::UserRecord& user) {
  const UserGate gate{user.role, user.disabled};
  const auto t = tables();
  if (auto known = t->users.find(user.id); known != t->users.end() && known->second == gate) return;
  update_tables([&](Tables& next) { next.users[user.id] = gate; });
}

ApiResult<Identity::Attempt> Identity::begin_attempt(LoginThrottle::Keys keys) {
  auto attempt = throttle_.begin(std::move(keys));
  if (attempt) return std::move(*attempt);
  return too_many_requests("too many sign-in attempts; retry after the time in Retry-After", attempt.error());
}

ApiResult<Identity::Attempt> Identity::begin_login(std::string_view email, std::string_view address) {
  // Emails compare without case (the store's lower(email)): one account, one key.
  std::string account(email);
  std::transform(account.begin(), account.end(), account.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return begin_attempt({std::move(account), ClientAddress::parse(address).to_string()});
}

ApiResult<Identity::Attempt> Identity::begin_refresh(std::string_view address) {
  return begin_attempt({{}, ClientAddress::parse(address).to_string()});
}

ApiResult<Identity::Attempt> Identity::begin_password_check(std::int64_t user_id, std::string_view address) {
  // '#' and the id: no email (it has an '@') is this key.
  return begin_attempt({"#" + std::to_string(user_id), ClientAddress::parse(address).to_string()});
}

Credentials Identity::authenticate(const HttpRequest& req, core::Timestamp now) {
  const auto bearer = bearer_of(req);
  if (bearer) return authenticate_bearer(*bearer, now);
  if (bearer.error().presented()) return bearer.error();
  const auto key = req.find("X-API-Key");
  if (key == req.end()) return AuthFailure{AuthFailure::kMissing};
  if (req.count("X-API-Key") > 1) return AuthFailure{"malformed"};
  return from_api_key(trim(key->value()), now);
}

Credentials Identity::authenticate_bearer(std::string_view bearer, core::Timestamp now) {
  if (bearer.empty()) return AuthFailure{"malformed"};
  return auth::looks_like_api_key(bearer) ? from_api_key(bearer, now) : from_access_token(bearer, now);
}

Credentials Identity::from_access_token(std::string_view token, core::Timestamp now) {
  // The user's gate below is applied on every request, cached token or not.
  auto claims = token_cache_.verify(token, now);
  if (!claims) return AuthFailure{auth::to_string(claims.error())};
  auth::Principal p;
  p.user_id = claims->user_id;
  p.role = claims->role;
  const auto t = tables();
  if (auto u = t->users.find(p.user_id); u != t->users.end()) {
    if (u->second.disabled) return AuthFailure{"user_disabled"};
    p.role = std::min(p.role, u->second.role);
  }
  return p;
}

Credentials Identity::from_api_key(std::string_view key, core::Timestamp now) {
  auto digest = auth::digest_api_key(key);
  if (!digest) return AuthFailure{"malformed"};
  const auto t = tables();
  // A lookup by the whole digest of the presented key: what it reveals by timing is about a
  // SHA-256 output the caller cannot steer, never about a stored key.
  const auto found = t->keys.find(*digest);
  if (found == t->keys.end()) return AuthFailure{t->revoked.contains(*digest) ? "revoked_key" : "unknown_key"};
  const auto& record = found->second->record;
  auth::Principal p;
  p.user_id = record.user_id;
  p.role = record.role;
  p.api_key_id = record.id;
  p.portfolio_scope = record.portfolio_scope;
  if (auto u = t->users.find(p.user_id); u != t->users.end()) {
    if (u->second.disabled) return AuthFailure{"user_disabled"};
    p.role = std::min(p.role, u->second.role);
  }
  found->second->used_ms.store(core::epoch_ms(now), std::memory_order_relaxed);
  schedule_touch(now);
  return p;
}

void Identity::schedule_touch(core::Timestamp now) {
  const auto now_ms = core::epoch_ms(now);
  auto due = next_touch_ms_.load(std::memory_order_relaxed);
  if (now_ms < due) return;
  const auto next = now_ms + std::chrono::duration_cast<std::chrono::milliseconds>(config_.touch_interval).count();
  // One caller wins the slot; a full queue only delays the write to a later use (or the
  // destructor's).
  if (next_touch_ms_.compare_exchange_strong(due, next, std::memory_order_relaxed)) post([this] { touch_keys(); });
}

void Identity::touch_keys() {
  std::lock_guard lock(touch_mutex_);
  std::vector<std::pair<std::int64_t, core::Timestamp>> used;
  std::vector<std::pair<LiveKey*, std::int64_t>> marks;
  const auto t = tables();
  for (const auto& [digest, live] : t->keys) {
    const auto at = live->used_ms.load(std::memory_order_relaxed);
    if (at > live->written_ms.load(std::memory_order_relaxed)) {
      used.emplace_back(live->record.id, core::from_epoch_ms(at));
      marks.emplace_back(live.get(), at);
    }
  }
  if (used.empty()) return;
  if (auto written = store_.touch_api_keys(used); !written) {
    api_log()->warn("identity: cannot record the last use of {} API keys: {}", used.size(), written.error().message());
    return;
  }
  for (const auto& [live, at] : marks) live->written_ms.store(at, std::memory_order_relaxed);
}

}  // namespace meridian::api
