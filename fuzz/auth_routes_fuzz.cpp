// Fuzz target: the auth gate and the auth and user routes, as a daemon with auth enforced runs
// them: Beast's request parser, the request guard, the route table, Gate::admit (Authorization
// and X-API-Key parsing, access tokens by signature, API keys against the in-memory table, the
// role decision, the rate limit, /metrics' scrape rule), the audit row of every state-changing
// request, the handlers of /api/auth/* and /api/users* (the validation of every body), and every
// other route with a real caller (ownership).
//
// The identity is api::Identity itself, with a real TokenSigner and users and API keys in its
// tables (Identity::load_tables). Its store is an IdentityStore whose database does not exist,
// so every store call is the database being down (Errc::unavailable, answered 503 unavailable):
// no PostgreSQL and no fake in between. A request whose body is valid therefore reaches the
// worker and the store; one that is not is refused before.
//
// Input: an optional first line "public" (auth.public_read on), then requests separated by
// "\n%%\n", each "METHOD TARGET\n", header lines ("Name: value\n") and the body (the first line
// that is not a header). "$name" anywhere is replaced by a known credential (credentials()
// below: access tokens of each kind of user issued now, an expired and a forged one, API keys of
// each kind, an unknown key, a refresh token, the metrics token), so the fuzzer reaches callers
// it could never forge. Every input starts from the same daemon (fake_daemon.hpp: the default
// portfolio, the admins', and portfolio 2 "desk", the trader's).
//
// Checked beyond the sanitizers:
// - the gate against a reference: the credentials seen (a known credential is its principal,
//   or its refusal; any other text is refused, with a reason of the AuthFailure vocabulary),
//   then admitted as that principal / 401 with the reason and WWW-Authenticate / 403 with
//   {needs, role}, by the route's role and auth.public_read;
// - on the auth and user routes, the answer against a reference of each body's validation: a
//   valid body reaches the worker (503 unavailable from the store, or what the worker refuses
//   without it: 401 invalid_token for a malformed refresh token, 403 forbidden for a key above
//   its creator or made with a key, 409 own_account), an invalid one is 400/422 with a parse
//   error code; a 2xx there is impossible (every success needs the store);
// - every answer: never 500, sent exactly once, a 4xx in the API's error shape;
// - the audit row: the caller as seen, the answer's status and code, params that are valid
//   JSON without NUL and whose secret-named members, at any depth, are "***".
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fake_daemon.hpp"
#include "identity_rows.hpp"
#include "meridian/api/audit.hpp"
#include "meridian/api/auth_gate.hpp"
#include "meridian/api/http_server.hpp"
#include "meridian/api/identity.hpp"
#include "meridian/api/request_guard.hpp"
#include "meridian/auth/opaque_token.hpp"
#include "meridian/auth/password.hpp"
#include "meridian/auth/secret_box.hpp"
#include "meridian/auth/shared_secret.hpp"
#include "meridian/core/fixed.hpp"
#include "meridian/core/json_limits.hpp"

namespace {

using namespace meridian;
namespace http = api::http;
using auth::Role;
using nlohmann::json;

constexpr std::size_t kHeaderLimit = 16 * 1024;  // http_server.cpp's
constexpr std::size_t kMaxRequests = 8;
constexpr std::string_view kAddress = "198.51.100.7";  // not loopback: /metrics needs its token
constexpr std::string_view kSecret = "auth-routes-fuzz-secret-0123456789";
constexpr std::string_view kMetricsToken = "metrics-token-for-the-fuzzer";
constexpr std::int64_t kTrader = 2;  // owns portfolio 2, "desk"

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "auth_routes_fuzz: %s\n", what.c_str());
  std::abort();
}

// --- who exists ---------------------------------------------------------------------------

// 1 admin, 2 trader (owns "desk"), 3 viewer, 4 a disabled trader, 5 an admin demoted to viewer
// (their tokens still say admin); 6 is in no table (created since the start: keeps its token's role).
std::vector<storage::UserRecord> users() {
  using test::user_row;
  return {user_row(1, Role::admin), user_row(2, Role::trader), user_row(3, Role::viewer),
          user_row(4, Role::trader, true), user_row(5, Role::viewer)};
}

// What the gate must make of a known credential: the principal, or the reason it is refused.
struct Outcome {
  std::optional<auth::Principal> principal;
  std::string_view refused;  // when no principal; empty: any reason of kReasons
};

struct Known {
  std::string name;  // without the '$'
  std::string text;
  Outcome as_bearer;   // Authorization: Bearer <text>
  Outcome as_api_key;  // X-API-Key: <text>
};

auth::Principal principal(std::int64_t user_id, Role role, std::int64_t key_id = 0,
                          std::vector<std::int64_t> scope = {}) {
  return {user_id, role, key_id, std::move(scope)};
}
Outcome ok(auth::Principal p) {
  return {std::move(p), {}};
}
Outcome refusal(std::string_view reason) {
  return {std::nullopt, reason};
}

struct Fixture {
  auth::TokenSigner signer = auth::TokenSigner::create(std::string(kSecret), "meridian").value();
  auth::TokenSigner forger = auth::TokenSigner::create("not-the-daemon-secret-0123456789abc", "meridian").value();
  // Its database does not exist: every call fails at once as unavailable (no network).
  storage::IdentityStore store{"host=/nonexistent/meridian-auth-routes-fuzz dbname=none connect_timeout=1"};
  api::Identity identity{store, signer, config()};
  auth::SharedSecret metrics = auth::SharedSecret::create(kMetricsToken).value();
  // auth.public_read off and on; the rate limit on, with a budget no input spends.
  api::Gate gate{{true, false, true}, &identity, api::RateLimit{1e9, 1u << 30}, metrics};
  api::Gate public_gate{{true, true, true}, &identity, api::RateLimit{1e9, 1u << 30}, metrics};
  const api::RequestGuard guard{"127.0.0.1", 8080};
  std::vector<Known> keys;  // fixed for the run
  std::string refresh_token = auth::new_refresh_token().text;

  static api::IdentityConfig config() {
    api::IdentityConfig c;
    c.cost = auth::PasswordCost::minimum();  // hashing is not what is fuzzed here
    c.registration = api::RegistrationMode::open;
    c.workers = 1;
    c.queue_limit = 64;
    // No lockout: failed guesses would otherwise carry over from input to input.
    c.throttle.account.free_failures = std::numeric_limits<std::uint32_t>::max();
    c.throttle.address.free_failures = std::numeric_limits<std::uint32_t>::max();
    // Broker credentials are sealed for real (without a key every write is 409).
    c.secrets =
        std::make_shared<const auth::SecretBox>(auth::SecretBox::from_text(auth::SecretBox::new_key_text()).value());
    return c;
  }

  Fixture() {
    // id, owner, role, scope, then what the gate makes of it (the owner's role caps the key's).
    struct KeySpec {
      const char* name;
      std::int64_t id;
      std::int64_t user;
      Role role;
      std::vector<std::int64_t> scope;
      Outcome outcome;
    };
    const std::vector<KeySpec> specs = {
        {"key-admin", 11, 1, Role::admin, {}, ok(principal(1, Role::admin, 11))},
        {"key-scoped", 12, 1, Role::admin, {2}, ok(principal(1, Role::admin, 12, {2}))},
        {"key-trader", 13, kTrader, Role::trader, {2}, ok(principal(kTrader, Role::trader, 13, {2}))},
        {"key-viewer", 14, 1, Role::viewer, {}, ok(principal(1, Role::viewer, 14))},
        {"key-disabled", 15, 4, Role::trader, {}, refusal("user_disabled")},
        {"key-demoted", 16, 5, Role::admin, {}, ok(principal(5, Role::viewer, 16))},
    };
    std::vector<std::pair<auth::TokenDigest, storage::ApiKeyRecord>> rows;
    for (const auto& s : specs) {
      auto key = auth::new_api_key();
      storage::ApiKeyRecord r;
      r.id = s.id;
      r.user_id = s.user;
      r.name = s.name;
      r.hint = auth::api_key_hint(key.text);
      r.role = s.role;
      r.portfolio_scope = s.scope;
      rows.emplace_back(key.digest, std::move(r));
      keys.push_back({s.name, key.text, s.outcome, s.outcome});
    }
    identity.load_tables(std::move(rows), users());
    keys.push_back({"key-unknown", auth::new_api_key().text, refusal("unknown_key"), refusal("unknown_key")});
  }

  // Every known credential, access tokens issued `now` (they expire: issued anew as time goes).
  std::vector<Known> credentials(core::Timestamp now) const {
    std::vector<Known> out = keys;
    auto token = [&](const char* name, const auth::TokenSigner& s, std::int64_t id, Role role, core::Timestamp at,
                     Outcome outcome) {
      out.push_back({name, s.issue(id, role, at), std::move(outcome), refusal("malformed")});
    };
    token("admin", signer, 1, Role::admin, now, ok(principal(1, Role::admin)));
    token("trader", signer, kTrader, Role::trader, now, ok(principal(kTrader, Role::trader)));
    token("viewer", signer, 3, Role::viewer, now, ok(principal(3, Role::viewer)));
    token("disabled", signer, 4, Role::trader, now, refusal("user_disabled"));
    token("demoted", signer, 5, Role::admin, now, ok(principal(5, Role::viewer)));
    token("stranger", signer, 6, Role::trader, now, ok(principal(6, Role::trader)));
    token("expired", signer, kTrader, Role::trader, now - signer.ttl() - std::chrono::minutes(2), refusal("expired"));
    token("forged", forger, 1, Role::admin, now, refusal("bad_signature"));
    // Neither is an access token or an API key.
    out.push_back({"refresh", refresh_token, refusal("malformed"), refusal("malformed")});
    out.push_back({"metrics", std::string(kMetricsToken), refusal("malformed"), refusal("malformed")});
    // Longest names first: "$key-admin" is not "$key-a..." of another.
    std::sort(out.begin(), out.end(), [](const Known& a, const Known& b) { return a.name.size() > b.name.size(); });
    return out;
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

// The known credentials of this input; renew_known() re-issues them every minute (tokens live
// 15), only between inputs: the set an input's text was made with is the set it is checked by.
std::vector<Known> known_now;
const std::vector<Known>& known() {
  return known_now;
}
void renew_known() {
  static core::Timestamp issued{};
  const auto now = core::now();
  if (known_now.empty() || now - issued > std::chrono::minutes(1)) {
    known_now = fixture().credentials(now);
    issued = now;
  }
}

std::string substitute(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '$') {
      const auto& all = known();
      const auto hit =
          std::find_if(all.begin(), all.end(), [&](const Known& k) { return text.substr(i + 1).starts_with(k.name); });
      if (hit != all.end()) {
        out += hit->text;
        i += 1 + hit->name.size();
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

// --- the reference of the gate ---------------------------------------------------------------

constexpr std::string_view kReasons[] = {"malformed",     "unsupported_scheme", "expired",      "bad_signature",
                                         "bad_algorithm", "not_yet_valid",      "bad_issuer",   "bad_claims",
                                         "unknown_key",   "revoked_key",        "user_disabled"};

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// What the credentials of `req` must be: nothing presented (nullopt principal, reason
// "missing"), a known credential's outcome, or refused (empty reason: any of kReasons).
Outcome expected_credentials(const api::HttpRequest& req) {
  auto lookup = [](std::string_view text, bool bearer) -> Outcome {
    for (const auto& k : known())
      if (k.text == text) return bearer ? k.as_bearer : k.as_api_key;
    return refusal({});
  };
  const auto authorizations = req.count(http::field::authorization);
  if (authorizations > 1) return refusal("malformed");
  if (authorizations == 1) {
    const auto value = trim_ows(req[http::field::authorization]);
    if (value.empty()) return refusal("malformed");
    const auto space = std::min(value.find(' '), value.size());
    if (!iequals_ascii(value.substr(0, space), "bearer")) return refusal("unsupported_scheme");
    const auto bearer = trim_ows(value.substr(space));
    if (bearer.empty()) return refusal("malformed");
    return lookup(bearer, true);
  }
  const auto keys = req.count("X-API-Key");
  if (keys == 0) return refusal(api::AuthFailure::kMissing);
  if (keys > 1) return refusal("malformed");
  return lookup(trim_ows(req["X-API-Key"]), false);
}

bool same(const auth::Principal& a, const auth::Principal& b) {
  return a.user_id == b.user_id && a.role == b.role && a.api_key_id == b.api_key_id &&
         a.portfolio_scope == b.portfolio_scope;
}

std::string describe(const auth::Principal& p) {
  return "user " + std::to_string(p.user_id) + " " + std::string(auth::to_string(p.role)) + " key " +
         std::to_string(p.api_key_id);
}

void check_credentials(const api::Credentials& seen, const Outcome& want, const std::string& what) {
  if (want.principal) {
    if (!seen) fail(what + ": a known credential refused (" + std::string(seen.error().reason) + ")");
    if (!same(*seen, *want.principal))
      fail(what + ": credentials seen as " + describe(*seen) + ", not " + describe(*want.principal));
    return;
  }
  if (seen) fail(what + ": credentials accepted as " + describe(*seen) + " that must be refused");
  const auto reason = seen.error().reason;
  if (!want.refused.empty()) {
    if (reason != want.refused)
      fail(what + ": refused as " + std::string(reason) + ", not " + std::string(want.refused));
    return;
  }
  if (std::find(std::begin(kReasons), std::end(kReasons), reason) == std::end(kReasons))
    fail(what + ": refusal reason '" + std::string(reason) + "' is not of the vocabulary");
}

// The gate's decision for `route`: the principal admitted, or the refusal's status and reason.
struct Admission {
  std::optional<auth::Principal> admitted;
  unsigned status = 0;
  std::string reason;  // a 401's details.reason
};

Admission expected_admission(const api::Route& route, const api::HttpRequest& req, const Outcome& seen,
                             bool public_read) {
  if (route.scrape) {
    // /metrics: its token, or nothing from loopback (never here); credentials are not looked at.
    const auto authorizations = req.count(http::field::authorization);
    if (authorizations == 0) return {std::nullopt, 401, "missing"};
    const auto value = trim_ows(req[http::field::authorization]);
    const auto space = std::min(value.find(' '), value.size());
    if (authorizations == 1 && iequals_ascii(value.substr(0, space), "bearer") &&
        trim_ows(value.substr(space)) == kMetricsToken)
      return {auth::Principal{}, 0, {}};
    return {std::nullopt, 401, "invalid_metrics_token"};
  }
  if (route.role == Role::anonymous) return {seen.principal.value_or(auth::Principal{}), 0, {}};
  if (!seen.principal) {
    if (seen.refused == api::AuthFailure::kMissing && public_read && route.role == Role::viewer)
      return {auth::Principal{}, 0, {}};
    return {std::nullopt, 401, std::string(seen.refused)};  // empty: the reason seen
  }
  if (seen.principal->role < route.role) return {std::nullopt, 403, {}};
  return {seen.principal, 0, {}};
}

// A response with its error body parsed (once: the checks below all read it).
struct Answered {
  const api::HttpResponse& res;
  unsigned status = res.result_int();
  json body = status >= 400 ? json::parse(res.body(), nullptr, false) : json();
  std::string code = error_code();

  std::string error_code() const {
    if (body.is_object() && body.contains("error") && body["error"].is_object() && body["error"].contains("code") &&
        body["error"]["code"].is_string())
      return body["error"]["code"].get<std::string>();
    return {};
  }
  std::string text() const { return res.body().substr(0, 300); }
};

// Never a 500; a 4xx in the API's error shape.
void check_response(const Answered& a, const std::string& what) {
  if (a.status == 500) fail("500 for " + what + ": " + a.text());
  if (a.status < 400 || a.status >= 500) return;
  const auto& body = a.body;
  if (a.code.empty() || !body["error"].contains("message") || !body["error"]["message"].is_string())
    fail(std::to_string(a.status) + " without the JSON error shape for " + what + ": " + a.text());
}

void check_refusal(const Answered& a, const Admission& want, const api::Credentials& seen, const std::string& what) {
  if (a.status != want.status)
    fail(what + ": the gate answered " + std::to_string(a.status) + ", not " + std::to_string(want.status));
  const json details = a.body["error"].value("details", json::object());
  if (a.status == 401) {
    if (a.code != "unauthenticated") fail(what + ": a 401 that is not unauthenticated");
    const auto reason = details.value("reason", std::string());
    const auto wanted = want.reason.empty() ? std::string(seen ? "" : seen.error().reason) : want.reason;
    if (reason != wanted) fail(what + ": 401 reason '" + reason + "', not '" + wanted + "'");
    const auto challenge = a.res[http::field::www_authenticate];
    if (!challenge.starts_with("Bearer")) fail(what + ": a 401 without WWW-Authenticate: Bearer");
    const bool invalid_token = challenge.find("invalid_token") != std::string_view::npos;
    if (invalid_token != (reason != "missing"))
      fail(what + ": WWW-Authenticate '" + std::string(challenge) + "' for reason " + reason);
  } else if (a.status == 403) {
    if (a.code != "forbidden" || !details.is_object() || !details.contains("needs") || !details.contains("role") ||
        !seen || details["role"] != std::string(auth::to_string(seen->role)))
      fail(what + ": a 403 without {needs, role} of the caller: " + a.text());
  }
}

// --- the reference of the auth and user routes' bodies ---------------------------------------

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// A member given (present and not null: null is absent everywhere).
const json* member(const json& body, const char* name) {
  const auto it = body.find(name);
  return it == body.end() || it->is_null() ? nullptr : &*it;
}

// Absent, or a string satisfying `ok`.
template <class Ok>
bool optional_string(const json& body, const char* name, Ok ok) {
  const auto* v = member(body, name);
  return !v || (v->is_string() && ok(v->get<std::string>()));
}
template <class Ok>
bool required_string(const json& body, const char* name, Ok ok) {
  const auto* v = member(body, name);
  return v && v->is_string() && ok(v->get<std::string>());
}

bool email_ok(const std::string& s) {
  const auto at = s.find('@');
  return s.size() >= 3 && s.size() <= 254 && std::count(s.begin(), s.end(), '@') == 1 && at != 0 &&
         at != s.size() - 1 && s.find(' ') == std::string::npos && !has_control(s);
}
bool name_ok(const std::string& s) {
  return s.size() <= 100 && !has_control(s);
}
bool new_password_ok(const std::string& s) {
  return auth::check_password_policy(s).has_value();  // fuzzed against its own reference by `auth`
}
bool presented_password_ok(const std::string& s) {
  return s.size() <= 1024 && s.find('\0') == std::string::npos;
}
bool role_ok(const std::string& s) {
  return s == "viewer" || s == "trader" || s == "admin";
}
bool capital_ok(const json& body) {
  const auto* v = member(body, "capital");
  if (!v) return true;
  if (!v->is_number()) return false;
  const double d = v->get<double>();
  return std::isfinite(d) && d >= 0 && core::Money::checked_from_double(d).has_value();
}
bool refresh_text_ok(const std::string& s) {
  return auth::digest_refresh_token(s).has_value();  // fuzzed against its own reference by `auth`
}

// A broker's key id (printable ASCII, no space) or secret (no control character), 8..256 bytes.
bool broker_field_ok(const std::string& v, bool key_id) {
  return v.size() >= 8 && v.size() <= 256 && std::all_of(v.begin(), v.end(), [key_id](char c) {
           const auto u = static_cast<unsigned char>(c);
           return key_id ? u > 0x20 && u < 0x7f : u >= 0x20 && u != 0x7f;
         });
}
// {"key_id", "secret"} and nothing else (null is not absent here: both are required strings).
bool broker_credentials_ok(const json& v) {
  if (!v.is_object()) return false;
  for (const auto& [key, value] : v.items())
    if (key != "key_id" && key != "secret") return false;
  const auto key_id = v.find("key_id");
  const auto secret = v.find("secret");
  return key_id != v.end() && key_id->is_string() && broker_field_ok(key_id->get<std::string>(), true) &&
         secret != v.end() && secret->is_string() && broker_field_ok(secret->get<std::string>(), false);
}
bool broker_ok(std::string_view name) {
  return name == "alpaca" || name == "binance";
}
// PATCH's broker_keys: absent, or {broker: credentials or null, ...}.
bool broker_keys_ok(const json& body) {
  const auto* v = member(body, "broker_keys");
  if (!v) return true;
  if (!v->is_object()) return false;
  for (const auto& [broker, credentials] : v->items())
    if (!broker_ok(broker) || (!credentials.is_null() && !broker_credentials_ok(credentials))) return false;
  return true;
}

// The portfolio an API key's `portfolios` entry names, as `who` may see it: 1 (the default,
// the admins'), 2 ("desk", the trader's), or none.
std::optional<std::int64_t> key_portfolio(const json& v, const auth::Principal& who) {
  std::optional<std::int64_t> id;
  if (v.is_number_integer() && !v.is_number_unsigned()) {
    id = v.get<std::int64_t>();
  } else if (v.is_number_unsigned()) {
    if (v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      id = static_cast<std::int64_t>(v.get<std::uint64_t>());
  } else if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (s == "default") id = 1;
    if (s == "desk") id = 2;
    // A decimal int64, as std::from_chars reads one whole (an optional '-', digits).
    const std::string_view digits = s.starts_with('-') ? std::string_view(s).substr(1) : std::string_view(s);
    if (!digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      std::int64_t parsed = 0;
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed);
      if (ec == std::errc{} && end == s.data() + s.size()) id = parsed;
    }
  }
  if (!id || (*id != 1 && *id != 2)) return std::nullopt;
  if (!who.in_scope(*id)) return std::nullopt;
  if (who.role == Role::admin) return id;
  return *id == 2 && who.user_id == kTrader ? id : std::nullopt;
}

bool key_portfolios_ok(const json& body, const auth::Principal& who) {
  const auto* v = member(body, "portfolios");
  if (!v) return true;
  if (!v->is_array() || v->size() > 64) return false;
  return std::all_of(v->begin(), v->end(), [&](const json& e) {
    return (e.is_string() || e.is_number_integer()) && key_portfolio(e, who).has_value();
  });
}

// A positive int64 as from_chars reads it whole.
std::optional<std::int64_t> positive_id(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec == std::errc{} && end == text.data() + text.size() && id > 0) return id;
  return std::nullopt;
}

// What an auth or user route must answer once admitted: an exact status and code, or
// (status 0) a refusal of the body (400 invalid_json/too_deep, 422 invalid_field,
// weak_password or out_of_range).
struct Answer {
  unsigned status = 0;
  std::string_view code;
};
constexpr Answer kBadBody{};
constexpr Answer kStore{503, "unavailable"};
constexpr Answer kNotFound{404, "not_found"};
constexpr Answer kNoCaller{401, "unauthenticated"};

std::optional<Answer> expected_answer(const api::Route& route, const api::HttpRequest& req,
                                      const api::PathParams& params, const auth::Principal& who) {
  const std::string_view pattern = route.pattern;
  if (!pattern.starts_with("/api/auth/") && !pattern.starts_with("/api/users")) return std::nullopt;
  const auto method = route.method;
  const auto& text = req.body();
  auto parsed = core::json_depth_ok(text) ? json::parse(text, nullptr, false) : json(json::value_t::discarded);
  const bool object = parsed.is_object();
  const json& body = parsed;
  auto param = [&](std::string_view name) -> std::string_view {
    for (const auto& [key, value] : params)
      if (key == name) return value;
    return {};
  };
  auto path_id = [&] { return positive_id(param("id")); };
  const bool signed_in = !who.anonymous();

  if (pattern == "/api/auth/register") {
    const bool valid = object && required_string(body, "email", email_ok) &&
                       required_string(body, "password", new_password_ok) &&
                       optional_string(body, "first_name", name_ok) && optional_string(body, "last_name", name_ok);
    return valid ? kStore : kBadBody;
  }
  if (pattern == "/api/auth/login") {
    const bool valid = object && required_string(body, "email", [](const std::string&) { return true; }) &&
                       required_string(body, "password", presented_password_ok);
    return valid ? kStore : kBadBody;
  }
  if (pattern == "/api/auth/refresh" || pattern == "/api/auth/logout") {
    if (!object || !required_string(body, "refresh_token", [](const std::string&) { return true; })) return kBadBody;
    return refresh_text_ok(body["refresh_token"].get<std::string>()) ? kStore : Answer{401, "invalid_token"};
  }
  if (!signed_in) return kNoCaller;  // every other route of /api/auth is the caller's own account
  if (pattern == "/api/auth/me") return kStore;
  if (pattern == "/api/auth/password") {
    const bool valid = object && required_string(body, "current_password", presented_password_ok) &&
                       required_string(body, "new_password", new_password_ok);
    return valid ? kStore : kBadBody;
  }
  if (pattern == "/api/auth/keys" && method == http::verb::get) return kStore;
  if (pattern == "/api/auth/keys") {
    const bool valid =
        object &&
        required_string(body, "name",
                        [](const std::string& s) { return !s.empty() && s.size() <= 64 && name_ok(s); }) &&
        optional_string(body, "role", role_ok) && key_portfolios_ok(body, who);
    if (!valid) return kBadBody;
    const auto* role = member(body, "role");
    if (who.api_key_id != 0 || (role && *auth::parse_role(role->get<std::string>()) > who.role))
      return Answer{403, "forbidden"};
    return kStore;
  }
  if (pattern == "/api/auth/keys/{id}") return path_id() ? kStore : kNotFound;
  if (pattern == "/api/auth/me/broker-keys/{broker}") {
    if (who.api_key_id != 0) return Answer{403, "forbidden"};
    if (!broker_ok(param("broker"))) return kNotFound;
    if (method == http::verb::delete_) return kStore;
    return object && broker_credentials_ok(body) ? kStore : kBadBody;
  }
  if (pattern == "/api/users" && method == http::verb::get) return kStore;
  if (pattern == "/api/users") {
    const bool valid = object && required_string(body, "email", email_ok) &&
                       optional_string(body, "first_name", name_ok) && optional_string(body, "last_name", name_ok) &&
                       optional_string(body, "role", role_ok) && capital_ok(body) &&
                       optional_string(body, "password", new_password_ok);
    return valid ? kStore : kBadBody;
  }
  if (pattern == "/api/users/{id}" && method == http::verb::get) return path_id() ? kStore : kNotFound;
  if (pattern == "/api/users/{id}") {
    const auto id = path_id();
    if (!id) return kNotFound;
    if (!object) return kBadBody;
    static const std::vector<std::string> kFields = {"email",   "first_name", "last_name",  "role",
                                                     "capital", "disabled",   "broker_keys"};
    for (const auto& [key, value] : body.items())
      if (std::find(kFields.begin(), kFields.end(), key) == kFields.end()) return kBadBody;
    const auto* disabled = member(body, "disabled");
    const bool valid = optional_string(body, "email", email_ok) && optional_string(body, "first_name", name_ok) &&
                       optional_string(body, "last_name", name_ok) && optional_string(body, "role", role_ok) &&
                       capital_ok(body) && (!disabled || disabled->is_boolean()) && broker_keys_ok(body);
    if (!valid) return kBadBody;
    const auto* role = member(body, "role");
    if (*id == who.user_id &&
        ((role && *auth::parse_role(role->get<std::string>()) != who.role) || (disabled && disabled->get<bool>())))
      return Answer{409, "own_account"};
    return kStore;
  }
  fail("no reference for the route " + std::string(pattern) + ": add it to expected_answer");
}

void check_answer(const Answered& a, const Answer& want, const std::string& what) {
  if (want.status != 0) {
    if (a.status != want.status || a.code != want.code)
      fail(what + ": answered " + std::to_string(a.status) + " " + a.code + ", not " + std::to_string(want.status) +
           " " + std::string(want.code) + ": " + a.text());
    return;
  }
  const bool parse_error = a.status == 400 && (a.code == "invalid_json" || a.code == "too_deep");
  const bool field_error =
      a.status == 422 && (a.code == "invalid_field" || a.code == "weak_password" || a.code == "out_of_range");
  if (!parse_error && !field_error)
    fail(what + ": an invalid body answered " + std::to_string(a.status) + " " + a.code + ": " + a.text());
}

// --- the audit row -------------------------------------------------------------------------

bool secret_name(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view part : {"pass", "secret", "token", "key", "authorization", "credential", "signature"})
    if (lower.find(part) != std::string::npos) return true;
  return false;
}

void check_redacted(const json& v, const std::string& what) {
  if (v.is_string() && v.get_ref<const std::string&>().find('\0') != std::string::npos)
    fail(what + ": a NUL in the audit row");
  if (v.is_array())
    for (const auto& e : v) check_redacted(e, what);
  if (!v.is_object()) return;
  for (const auto& [name, value] : v.items()) {
    if (name.find('\0') != std::string::npos) fail(what + ": a NUL in a name in the audit row");
    if (secret_name(name) && value != "***") fail(what + ": the audit row keeps the secret '" + name + "'");
    if (!secret_name(name)) check_redacted(value, what);
  }
}

void check_audit(api::AuditEntry& entry, const Answered& a, const api::Credentials& seen, const std::string& what) {
  api::finish_audit(entry, a.res);
  if (entry.status != static_cast<int>(a.status)) fail(what + ": the audit row's status");
  if ((a.status < 400 && entry.result != "ok") || (a.status >= 400 && entry.result != a.code))
    fail(what + ": the audit row's result '" + entry.result + "'");
  const auto caller = seen ? *seen : auth::Principal{};
  if (entry.user_id != caller.user_id || entry.role != caller.role || entry.api_key_id != caller.api_key_id)
    fail(what + ": the audit row names another caller");
  // Parsing checks the UTF-8 that PostgreSQL's jsonb needs.
  const auto params = json::parse(entry.params, nullptr, false);
  if (!params.is_object())
    fail(what + ": the audit row's params are not a JSON object: " + entry.params.substr(0, 300));
  // {"path":{..},"query":{..},"body":..}: the names below are the client's.
  check_redacted(params, what);
}

// --- one request -----------------------------------------------------------------------------

// What a handler answered: the first reply (from the I/O thread, the engine strand or an
// Identity worker) and how many there were.
struct Replies {
  std::mutex mutex;
  std::condition_variable ready;
  std::optional<api::HttpResponse> first;
  int count = 0;
};

api::HttpResponse run_handler(fuzz::FakeDaemon& daemon, const api::Route& route, const api::Request& request,
                              const std::string& what) {
  auto replies = std::make_shared<Replies>();
  try {
    route.handler(request, [replies](api::HttpResponse&& res) {
      std::lock_guard lock(replies->mutex);
      if (++replies->count == 1) replies->first = std::move(res);
      replies->ready.notify_all();
    });
  } catch (const std::exception& e) {
    fail("handler for " + what + " threw: " + e.what());
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    daemon.settle();  // engine commands answer from the strand
    std::unique_lock lock(replies->mutex);
    if (replies->ready.wait_for(lock, std::chrono::milliseconds(1), [&] { return replies->count > 0; })) break;
    if (std::chrono::steady_clock::now() > deadline) fail("no reply for " + what);
  }
  daemon.settle();
  std::lock_guard lock(replies->mutex);
  if (replies->count != 1) fail("a second reply for " + what);
  return std::move(*replies->first);
}

void dispatch(fuzz::FakeDaemon& daemon, const api::HttpRequest& req, bool public_read) {
  auto& f = fixture();
  if (auto refused = f.guard.check_request(req)) return check_response(Answered{*refused}, "the request guard");
  if (boost::beast::websocket::is_upgrade(req)) return;
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) return;
  const std::string_view path = url->encoded_path();
  if (api::state_changing(req.method()))
    if (auto refused = f.guard.check_origin(req)) return check_response(Answered{*refused}, "the origin check");
  const bool head = req.method() == http::verb::head;
  auto match = daemon.router.match(head ? http::verb::get : req.method(), path);
  if (!match.route) return;
  const auto& route = *match.route;
  const std::string what = std::string(req.method_string()) + " " + route.pattern;

  // The gate, as HttpSession::dispatch runs it.
  api::Credentials seen{api::AuthFailure{api::AuthFailure::kMissing}};
  auto& gate = public_read ? f.public_gate : f.gate;
  auto admitted = gate.admit(route, req, kAddress, &seen);
  const auto want_seen = route.scrape ? refusal(api::AuthFailure::kMissing) : expected_credentials(req);
  check_credentials(seen, want_seen, what);
  const auto want = expected_admission(route, req, want_seen, public_read);
  std::optional<api::AuditEntry> audit;
  if (api::state_changing(req.method()))
    audit = api::begin_audit(req, route, path, match.params, url->params(), seen, kAddress, core::now());

  auto res = [&]() -> api::HttpResponse {
    if (!admitted) return api::error_response(req.version(), req.keep_alive(), admitted.error());
    if (!want.admitted) fail(what + ": admitted a caller the gate must refuse");
    if (!same(*admitted, *want.admitted))
      fail(what + ": admitted as " + describe(*admitted) + ", not " + describe(*want.admitted));
    if (auto refused = api::check_json_content_type(req)) return std::move(*refused);
    api::Request request{req, path, url->params(), match.params, *admitted, kAddress};
    return run_handler(daemon, route, request, what);
  }();
  const Answered answered{res};
  check_response(answered, what);
  if (!admitted) {
    check_refusal(answered, want, seen, what);
  } else if (!api::check_json_content_type(req)) {
    if (auto expected = expected_answer(route, req, match.params, *admitted)) check_answer(answered, *expected, what);
  }
  if (audit) check_audit(*audit, answered, seen, what);
}

// Builds the request from "METHOD TARGET\n" + header lines + body and parses it as the session
// does (the server's limits); framing is the http target's business, so the length is ours.
void request(fuzz::FakeDaemon& daemon, std::string_view part, bool public_read) {
  const auto line_end = part.find('\n');
  const auto line = part.substr(0, line_end);
  std::string_view rest = line_end == std::string_view::npos ? std::string_view{} : part.substr(line_end + 1);
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return;

  std::string headers;
  bool host = false;
  bool content_type = false;
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    const auto header = rest.substr(0, end);
    const auto colon = header.find(':');
    const auto name = header.substr(0, colon);
    const bool is_header =
        colon != std::string_view::npos && colon > 0 && std::all_of(name.begin(), name.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
        });
    if (!is_header) break;
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (iequals_ascii(name, "content-length") || iequals_ascii(name, "transfer-encoding")) continue;
    host = host || iequals_ascii(name, "host");
    content_type = content_type || iequals_ascii(name, "content-type");
    headers.append(header).append("\r\n");
  }
  std::string raw;
  raw.reserve(part.size() + 160);
  raw.append(line.substr(0, space)).append(" ").append(line.substr(space + 1)).append(" HTTP/1.1\r\n");
  if (!host) raw.append("Host: localhost\r\n");
  if (!content_type) raw.append("Content-Type: application/json\r\n");
  raw.append(headers);
  raw.append("Content-Length: ").append(std::to_string(rest.size())).append("\r\n\r\n").append(rest);

  http::request_parser<http::string_body> parser;
  parser.body_limit(api::ServerConfig{}.body_limit);
  parser.header_limit(kHeaderLimit);
  parser.eager(true);
  boost::beast::error_code ec;
  std::string_view bytes = raw;
  while (!parser.is_done() && !bytes.empty()) {
    const auto used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    bytes.remove_prefix(used);
    if (ec == http::error::need_more) ec = {};
    if (ec || used == 0) return;  // 400/413: the session's answer, not the gate's
  }
  if (!parser.is_done()) return;
  dispatch(daemon, parser.get(), public_read);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& f = fixture();
  auto& daemon = fuzz::pristine_daemon({&f.identity, {{"desk", kTrader}}});
  renew_known();
  const std::string text = substitute(std::string_view(reinterpret_cast<const char*>(data), size));
  std::string_view input = text;
  const bool public_read = input.starts_with("public\n");
  if (public_read) input.remove_prefix(7);

  constexpr std::string_view kSeparator = "\n%%\n";
  for (std::size_t n = 0; n < kMaxRequests && !input.empty(); ++n) {
    const auto end = input.find(kSeparator);
    request(daemon, input.substr(0, end), public_read);
    input = end == std::string_view::npos ? std::string_view{} : input.substr(end + kSeparator.size());
  }
  return 0;
}
