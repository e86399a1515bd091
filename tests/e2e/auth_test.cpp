// Authentication end to end (issue 13): meridiand with --auth on and a real PostgreSQL.
//   Auth:           one daemon (registration open): the whole route table answers 401 without
//                   credentials and 403 to a lower role; register -> login -> me -> refresh ->
//                   rotation -> reuse detection -> logout; API keys; bad tokens; bad passwords;
//                   the first start's administrator; user administration.
//                   WebSockets: anonymous sockets get market data only, private topics and
//                   commands need credentials (?token= or an auth message), the role and a
//                   portfolio the caller may see.
//   AuthPublicRead: --public-read opens reads (not of portfolios), never changes.
//   AuthCli:        `meridiand user add` creates an account the daemon signs in.
//   AuthConfig:     configurations refused before listening (exit 2): no auth off loopback,
//                   auth without a database, weak or exposed signing secrets.
#include <sys/stat.h>

#include <fstream>
#include <regex>

#include "auth_client.hpp"
#include "fixture.hpp"
#include "meridian/auth/access_token.hpp"
#include "support/ws_client.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

// {"alg":"none"} over {"iss":"meridian","sub":"1","role":"admin",...}: a forged admin token.
constexpr const char* kAlgNone =
    "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
    "eyJpc3MiOiJtZXJpZGlhbiIsInN1YiI6IjEiLCJyb2xlIjoiYWRtaW4iLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6NDEwMjQ0NDgwMH0.";
constexpr const char* kPassword = "correct horse battery staple";

// An error reply in the API's shape: its "error" object.
json error_of(const HttpResponse& r, int status, std::string_view code, std::string_view where) {
  auto body = expect_error(r, status, code, where);
  return body.is_object() && body.contains("error") ? body["error"] : json::object();
}

// A 401 in the API's shape with WWW-Authenticate; its details.reason.
std::string unauthorized_reason(const HttpResponse& r, std::string_view where) {
  auto error = error_of(r, 401, "", where);
  EXPECT_TRUE(r.header("WWW-Authenticate").starts_with("Bearer")) << where;
  return error.is_object() && error["details"].is_object() ? error["details"].value("reason", "") : "";
}

class Auth : public SharedDaemonTest<Auth> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.auth = true;
    o.extra_args = {"--registration", "open"};
    return o;
  }

 protected:
  static json login(const std::string& email, const std::string& password) {
    return e2e::login(port(), email, password);
  }
  static std::string admin_token() {
    static const std::string token = e2e::admin_token(port(), daemon().state_dir());
    return token;
  }
  // A user with `role` created by the admin, and their access token.
  static std::string token_for(const std::string& email, const std::string& role) {
    auto created = post_json(port(), "/api/users", {{"email", email}, {"role", role}, {"password", kPassword}},
                             bearer(admin_token()));
    EXPECT_TRUE(created.status == 201 || created.status == 409) << created.body;
    return login(email, kPassword).value("access_token", "");
  }
};

// The whole route table, as the daemon's OpenAPI document lists it: every route that needs a
// role answers 401 without credentials (and with garbage), 403 to each lower role; the public
// ones answer without credentials. The handlers of refused requests never run.
TEST_F(Auth, EveryRouteAnswers401WithoutCredentialsAnd403ToALowerRole) {
  const auto viewer = token_for("route-viewer@example.com", "viewer");
  const auto trader = token_for("route-trader@example.com", "trader");
  auto doc = expect_json_response(http_get(port(), "/api/openapi.json", bearer(admin_token())), 200, "openapi");
  ASSERT_TRUE(doc["paths"].is_object());
  int checked = 0, anonymous = 0;
  for (const auto& [pattern, methods] : doc["paths"].items()) {
    const auto target = std::regex_replace(pattern, std::regex("\\{[^}]+\\}"), "1");
    for (const auto& [method_lower, op] : methods.items()) {
      std::string method = method_lower;
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      const auto role = op.value("x-meridian-role", "");
      const auto where = method + " " + pattern + " (" + role + ")";
      SCOPED_TRACE(where);
      ++checked;
      if (role == "anonymous") {
        ++anonymous;
        const auto r = call(port(), method, target);
        EXPECT_NE(r.status, 401) << r.body;
        EXPECT_NE(r.status, 403) << r.body;
        EXPECT_NE(r.status, 500) << r.body;
        continue;
      }
      EXPECT_EQ(unauthorized_reason(call(port(), method, target), where), "missing");
      EXPECT_EQ(unauthorized_reason(call(port(), method, target, bearer("garbage")), where), "malformed");
      if (role == "trader" || role == "admin")
        expect_error(call(port(), method, target, bearer(viewer)), 403, "forbidden", where + " as viewer");
      if (role == "admin")
        expect_error(call(port(), method, target, bearer(trader)), 403, "forbidden", where + " as trader");
    }
  }
  EXPECT_GT(checked, 60);
  // /health, /api/health, register, login, refresh, logout, /api/openapi.json, and /metrics (from loopback).
  EXPECT_EQ(anonymous, 8);
  // A 403 says what was needed and what the caller has.
  auto refused = error_of(call(port(), "GET", "/api/users", bearer(trader)), 403, "forbidden", "403 details");
  EXPECT_EQ(refused["details"]["needs"], "admin");
  EXPECT_EQ(refused["details"]["role"], "trader");
}

TEST_F(Auth, RegisterLoginMeRefreshRotateReuseLogout) {
  const std::string email = "alice@example.com";
  auto registered = expect_json_response(
      post_json(port(), "/api/auth/register", {{"email", email}, {"password", kPassword}, {"first_name", "Alice"}}),
      201, "register");
  EXPECT_EQ(registered["user"]["role"], "viewer");
  expect_error(post_json(port(), "/api/auth/register", {{"email", "ALICE@example.com"}, {"password", kPassword}}), 409,
               "email_taken", "register again");

  auto session = login(email, kPassword);
  EXPECT_EQ(session["token_type"], "Bearer");
  EXPECT_EQ(session["expires_in"], 900);
  EXPECT_EQ(session["refresh_expires_in"], 30 * 24 * 3600);
  EXPECT_EQ(session["user"]["email"], email);
  EXPECT_EQ(session["user"]["first_name"], "Alice");
  for (const char* field : {"id", "last_name", "role", "capital", "disabled", "created_at", "updated_at"})
    EXPECT_TRUE(session["user"].contains(field)) << field;
  EXPECT_EQ(session.dump().find("argon2"), std::string::npos) << "a password hash in the reply";

  // Wrong password and unknown email: one answer.
  auto wrong = error_of(post_json(port(), "/api/auth/login", {{"email", email}, {"password", "not the password"}}), 401,
                        "invalid_credentials", "wrong password");
  auto unknown = error_of(
      post_json(port(), "/api/auth/login", {{"email", "nobody@example.com"}, {"password", "not the password"}}), 401,
      "invalid_credentials", "unknown email");
  EXPECT_EQ(wrong["message"], unknown["message"]);

  auto me = expect_json_response(http_get(port(), "/api/auth/me", bearer(session["access_token"])), 200, "me");
  EXPECT_EQ(me["email"], email);

  const std::string first = session["refresh_token"];
  auto rotated =
      expect_json_response(post_json(port(), "/api/auth/refresh", {{"refresh_token", first}}), 200, "refresh");
  const std::string second = rotated["refresh_token"];
  EXPECT_NE(second, first);
  EXPECT_EQ(rotated["user"]["email"], email);
  expect_json_response(http_get(port(), "/api/auth/me", bearer(rotated["access_token"])), 200, "me after refresh");

  // The first token again: reuse, and its whole family is revoked, the rotated one too.
  expect_error(post_json(port(), "/api/auth/refresh", {{"refresh_token", first}}), 401, "token_reused", "reuse");
  expect_error(post_json(port(), "/api/auth/refresh", {{"refresh_token", second}}), 401, "invalid_token",
               "after reuse");

  auto again = login(email, kPassword);
  EXPECT_EQ(call(port(), "POST", "/api/auth/logout", {}, json{{"refresh_token", again["refresh_token"]}}.dump()).status,
            204);
  expect_error(post_json(port(), "/api/auth/refresh", {{"refresh_token", again["refresh_token"]}}), 401,
               "invalid_token", "after logout");
}

TEST_F(Auth, PasswordChangeEndsEverySession) {
  const std::string email = "carol@example.com";
  token_for(email, "viewer");
  auto session = login(email, kPassword);
  const auto token = session.value("access_token", "");
  expect_error(post_json(port(), "/api/auth/password", {{"current_password", "wrong one!!"}, {"new_password", "x"}},
                         bearer(token)),
               422, "weak_password", "weak new password");
  expect_error(
      post_json(port(), "/api/auth/password",
                {{"current_password", "wrong password"}, {"new_password", "a much better passphrase"}}, bearer(token)),
      403, "wrong_password", "wrong current password");
  EXPECT_EQ(post_json(port(), "/api/auth/password",
                      {{"current_password", kPassword}, {"new_password", "a much better passphrase"}}, bearer(token))
                .status,
            204);
  expect_error(post_json(port(), "/api/auth/refresh", {{"refresh_token", session["refresh_token"]}}), 401,
               "invalid_token", "refresh after a password change");
  expect_error(post_json(port(), "/api/auth/login", {{"email", email}, {"password", kPassword}}), 401,
               "invalid_credentials", "old password");
  login(email, "a much better passphrase");
}

TEST_F(Auth, ApiKeysAreShownOnceUsableByEitherHeaderAndDeadOnceRevoked) {
  const auto viewer = token_for("keys-viewer@example.com", "viewer");
  auto created = expect_json_response(post_json(port(), "/api/auth/keys", {{"name", "script"}}, bearer(viewer)), 201,
                                      "create key");
  const std::string key = created.value("key", "");
  ASSERT_TRUE(key.starts_with("mk_")) << created.dump();
  EXPECT_EQ(created["role"], "viewer");
  EXPECT_TRUE(key.starts_with(created.value("hint", "?"))) << created.dump();
  for (const char* field : {"id", "name", "portfolios", "created_at"}) EXPECT_TRUE(created.contains(field)) << field;
  const auto id = created["id"].get<std::int64_t>();

  auto listed = expect_json_response(http_get(port(), "/api/auth/keys", bearer(viewer)), 200, "list keys");
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_EQ(listed["items"][0]["id"], id);
  EXPECT_FALSE(listed["items"][0].contains("key"));
  EXPECT_EQ(listed.dump().find(key), std::string::npos) << "the key in a listing";

  // A viewer who owns no portfolio lists none (ownership_test.cpp has the rest of ownership).
  EXPECT_EQ(expect_json_response(http_get(port(), "/api/portfolios", bearer(key)), 200, "key as Bearer")["items"],
            json::array());
  expect_json_response(http_get(port(), "/api/portfolios", {{"X-API-Key", key}}), 200, "key as X-API-Key");
  expect_error(call(port(), "POST", "/api/trading/pause", {{"X-API-Key", key}}), 403, "forbidden", "viewer key");
  auto me = expect_json_response(http_get(port(), "/api/auth/me", {{"X-API-Key", key}}), 200, "me by key");
  EXPECT_EQ(me["session"]["api_key_id"], id);

  // A key's role is at most its creator's; a key cannot make keys.
  expect_error(post_json(port(), "/api/auth/keys", {{"name", "more"}, {"role", "trader"}}, bearer(viewer)), 403,
               "forbidden", "key above the creator's role");
  expect_error(post_json(port(), "/api/auth/keys", {{"name", "child"}}, bearer(key)), 403, "forbidden", "key by key");

  // A trader's key may trade: the gate admits it (the order itself is then judged on its own).
  // A key's scope names the trader's own portfolios only.
  const auto trader = token_for("keys-trader@example.com", "trader");
  const auto own = expect_json_response(post_json(port(), "/api/portfolios", {{"name", "keys-trader"}}, bearer(trader)),
                                        201, "the trader's portfolio")
                       .value("id", 0LL);
  expect_error(
      post_json(port(), "/api/auth/keys", {{"name", "bot"}, {"role", "trader"}, {"portfolios", {1}}}, bearer(trader)),
      422, "invalid_field", "a key scoped to a portfolio not the trader's");
  auto trader_key = expect_json_response(
      post_json(port(), "/api/auth/keys", {{"name", "bot"}, {"role", "trader"}, {"portfolios", {own}}}, bearer(trader)),
      201, "trader key");
  EXPECT_EQ(trader_key["portfolios"], json::array({own}));
  const auto order = post_json(port(), "/api/orders", json::object(), bearer(trader_key.value("key", "")));
  EXPECT_NE(order.status, 401) << order.body;
  EXPECT_NE(order.status, 403) << order.body;

  EXPECT_EQ(call(port(), "DELETE", "/api/auth/keys/" + std::to_string(id), bearer(viewer)).status, 204);
  EXPECT_EQ(unauthorized_reason(http_get(port(), "/api/trading/status", bearer(key)), "revoked, Bearer"),
            "revoked_key");
  EXPECT_EQ(unauthorized_reason(http_get(port(), "/api/trading/status", {{"X-API-Key", key}}), "revoked, X-API-Key"),
            "revoked_key");
  expect_error(call(port(), "DELETE", "/api/auth/keys/" + std::to_string(id), bearer(viewer)), 404, "not_found",
               "revoke twice");
  // Another user's key is not theirs to revoke.
  expect_error(call(port(), "DELETE", "/api/auth/keys/" + trader_key["id"].dump(), bearer(viewer)), 404, "not_found",
               "another's key");
}

TEST_F(Auth, BadTokensAre401WithAReasonNeverA500) {
  const auto secret = read_text(daemon().state_dir() / "jwt-secret");
  auto ours = auth::TokenSigner::create(secret, "meridian");
  auto theirs = auth::TokenSigner::create("another-daemon-secret-0123456789-abcdefghijkl", "meridian");
  ASSERT_TRUE(ours && theirs);
  const auto now = core::now();
  const std::pair<std::string, std::string> cases[] = {
      {ours->issue(1, auth::Role::admin, now - std::chrono::hours(1)), "expired"},
      {theirs->issue(1, auth::Role::admin, now), "bad_signature"},
      {kAlgNone, "bad_algorithm"},
      {"not.a.jwt", "malformed"},
      {std::string(8000, 'A'), "malformed"},
  };
  for (const auto& [token, reason] : cases) {
    const auto r = http_get(port(), "/api/trading/status", bearer(token));
    EXPECT_EQ(unauthorized_reason(r, reason), reason);
    EXPECT_EQ(r.header("WWW-Authenticate"), R"(Bearer realm="meridian", error="invalid_token")");
  }
  EXPECT_EQ(unauthorized_reason(http_get(port(), "/api/trading/status", {{"Authorization", "Basic YTpi"}}), "basic"),
            "unsupported_scheme");
  EXPECT_EQ(unauthorized_reason(http_get(port(), "/api/trading/status", {{"X-API-Key", "mk_nope"}}), "short key"),
            "malformed");
  // A valid token of ours works (the same secret the daemon signs with).
  expect_json_response(http_get(port(), "/api/trading/status", bearer(ours->issue(1, auth::Role::admin, now))), 200,
                       "our token");
  for (const char* token : {"", "garbage", "mk_x"}) {
    expect_error(post_json(port(), "/api/auth/refresh", {{"refresh_token", token}}), 401, "invalid_token", token);
    expect_error(post_json(port(), "/api/auth/logout", {{"refresh_token", token}}), 401, "invalid_token", token);
  }
}

TEST_F(Auth, OverlongAndNulPasswordsAre422) {
  const std::string overlong(1025, 'p');
  const std::string with_nul = std::string("before") + '\0' + "after-nul";
  for (const auto& [password, reason] : {std::pair{overlong, "too_long"}, std::pair{with_nul, "contains_nul"},
                                         std::pair{std::string("short"), "too_short"}}) {
    auto r = error_of(post_json(port(), "/api/auth/register", {{"email", "weak@example.com"}, {"password", password}}),
                      422, "weak_password", reason);
    EXPECT_EQ(r["details"]["reason"], reason);
  }
  for (const auto& [password, reason] : {std::pair{overlong, "too_long"}, std::pair{with_nul, "contains_nul"}}) {
    auto r = error_of(post_json(port(), "/api/auth/login", {{"email", "admin@meridian.local"}, {"password", password}}),
                      422, "weak_password", reason);
    EXPECT_EQ(r["details"]["reason"], reason);
  }
}

TEST_F(Auth, TheFirstStartsAdministratorLogsInWithTheFileOnlyItsOwnerReads) {
  for (const char* name : {"admin-password", "jwt-secret"}) {
    struct stat st {};
    ASSERT_EQ(::stat((daemon().state_dir() / name).c_str(), &st), 0) << name;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << name;
  }
  auto session = login("admin@meridian.local", read_text(daemon().state_dir() / "admin-password"));
  EXPECT_EQ(session["user"]["role"], "admin");
}

TEST_F(Auth, AdministratorsManageUsersAndADisabledUserStopsAtOnce) {
  const auto admin = bearer(admin_token());
  auto created =
      expect_json_response(post_json(port(), "/api/users",
                                     {{"email", "dave@example.com"}, {"first_name", "Dave"}, {"capital", 2500}}, admin),
                           201, "create user");
  EXPECT_EQ(created["role"], "trader");
  EXPECT_EQ(created["capital"], 2500);
  const std::string generated = created.value("password", "");
  ASSERT_GE(generated.size(), 10u) << "a generated password is returned once";
  const auto id = created["id"].dump();
  auto fetched = expect_json_response(http_get(port(), "/api/users/" + id, admin), 200, "get user");
  EXPECT_FALSE(fetched.contains("password"));
  auto listed = expect_json_response(http_get(port(), "/api/users", admin), 200, "list users");
  EXPECT_GE(listed["items"].size(), 2u);
  EXPECT_EQ(listed.dump().find("argon2"), std::string::npos);

  const auto dave = login("dave@example.com", generated);
  const auto token = dave.value("access_token", "");
  expect_json_response(http_get(port(), "/api/auth/me", bearer(token)), 200, "dave");

  expect_error(call(port(), "PATCH", "/api/users/" + id, admin, R"({"nickname":"d"})"), 422, "invalid_field",
               "unknown field");
  expect_error(call(port(), "PATCH", "/api/users/" + id, admin, R"({"role":"root"})"), 422, "invalid_field",
               "unknown role");
  auto demoted =
      expect_json_response(call(port(), "PATCH", "/api/users/" + id, admin, R"({"role":"viewer"})"), 200, "demote");
  EXPECT_EQ(demoted["role"], "viewer");
  // The token still says trader; its user is a viewer now, and that is what counts.
  expect_error(call(port(), "POST", "/api/trading/pause", bearer(token)), 403, "forbidden", "demoted token");

  expect_json_response(call(port(), "PATCH", "/api/users/" + id, admin, R"({"disabled":true})"), 200, "disable");
  EXPECT_EQ(unauthorized_reason(http_get(port(), "/api/auth/me", bearer(token)), "disabled"), "user_disabled");
  expect_error(post_json(port(), "/api/auth/refresh", {{"refresh_token", dave["refresh_token"]}}), 401, "invalid_token",
               "disabled refresh");
  expect_error(post_json(port(), "/api/auth/login", {{"email", "dave@example.com"}, {"password", generated}}), 403,
               "account_disabled", "disabled login");

  const auto me = expect_json_response(http_get(port(), "/api/auth/me", admin), 200, "admin me");
  expect_error(call(port(), "PATCH", "/api/users/" + me["id"].dump(), admin, R"({"role":"viewer"})"), 409,
               "own_account", "self-demotion");
  expect_error(http_get(port(), "/api/users/999999", admin), 404, "not_found", "unknown user");
  expect_error(http_get(port(), "/api/users/abc", admin), 404, "not_found", "non-numeric id");
}

// The WebSocket's error reply code to `message` ("" when none arrives in time).
std::string ws_refusal(WsClient& ws, const json& message) {
  ws.send(message);
  auto error = ws.next_of_type("error", std::chrono::seconds(5));
  return error ? (*error)["error"].value("code", "") : "";
}

TEST_F(Auth, WebSocketsGiveAnonymousClientsMarketDataAndPrivateTopicsOnlyToTheRole) {
  using namespace std::chrono_literals;
  const auto viewer = token_for("ws-viewer@example.com", "viewer");
  const auto trader = token_for("ws-trader@example.com", "trader");
  // A refused token refuses the handshake: a client learns its token expired.
  EXPECT_THROW(WsClient(port(), "/ws?token=garbage"), std::runtime_error);
  EXPECT_THROW(WsClient(port(), "/ws/stream/BTC-USD?token=" + std::string(kAlgNone)), std::runtime_error);

  WsClient anonymous(port());
  auto hello = anonymous.next_of_type("connected", 5s);
  ASSERT_TRUE(hello);
  EXPECT_FALSE(hello->contains("status")) << "the default portfolio's status is private";
  EXPECT_EQ((*hello)["role"], "anonymous");
  EXPECT_TRUE(anonymous.next_of_type("priceUpdate", 10s)) << "market data is public";
  EXPECT_EQ(ws_refusal(anonymous, {{"type", "pause"}}), "unauthenticated");
  EXPECT_EQ(ws_refusal(anonymous, {{"type", "getStatus"}}), "unauthenticated");

  // A viewer owns no portfolio: no status, and a command finds no portfolio of theirs.
  WsClient reader(port(), "/ws?token=" + viewer);
  hello = reader.next_of_type("connected", 5s);
  ASSERT_TRUE(hello);
  EXPECT_FALSE(hello->contains("status"));
  EXPECT_EQ((*hello)["role"], "viewer");
  EXPECT_EQ(ws_refusal(reader, {{"type", "stop"}}), "not_found");
  EXPECT_EQ(ws_refusal(reader, {{"type", "stop"}, {"portfolio", 1}}), "not_found") << "the admins' portfolio";

  // A first {"type":"auth"} message instead of the URL; a bad one leaves the socket as it was.
  WsClient late(port());
  EXPECT_EQ(ws_refusal(late, {{"type", "auth"}, {"token", "mk_nonsense"}}), "unauthenticated");
  late.send({{"type", "auth"}, {"token", trader}});
  auto authenticated = late.next_of_type("authenticated", 5s);
  ASSERT_TRUE(authenticated);
  EXPECT_EQ((*authenticated)["role"], "trader");

  // Orders and trades are private topics: who may see the portfolio gets them, the anonymous
  // socket never does.
  WsClient owner(port(), "/ws?token=" + admin_token());
  hello = owner.next_of_type("connected", 5s);
  ASSERT_TRUE(hello);
  EXPECT_TRUE(hello->contains("status")) << "an admin's default is the daemon's default portfolio";
  auto placed = post_json(port(), "/api/trade", {{"symbol", "BTC-USD"}, {"side", "buy"}, {"quantity", 0.001}},
                          bearer(admin_token()));
  ASSERT_EQ(placed.status, 201) << placed.body;
  EXPECT_TRUE(owner.next_of_type("order", 5s));
  EXPECT_TRUE(owner.next_of_type("trade", 5s));
  EXPECT_FALSE(anonymous.next_matching(
      [](const json& m) { return m.value("type", "") == "order" || m.value("type", "") == "trade"; }, 1s));
}

class AuthWsClosed : public DaemonTest {};

TEST_F(AuthWsClosed, WithoutAnonymousSocketsAClientMustAuthenticateWithinTheWindow) {
  DaemonOptions o;
  o.auth = true;
  o.extra_args = {"--ws-anonymous", "false"};
  auto& d = start_daemon(o);
  WsClient silent(d.port());
  EXPECT_TRUE(silent.wait_closed(std::chrono::seconds(15))) << "closed after kWsAuthWindow";
}

class AuthPublicRead : public DaemonTest {};

TEST_F(AuthPublicRead, ReadsOpenToAnonymousCallersChangesNever) {
  DaemonOptions o;
  o.auth = true;
  o.extra_args = {"--public-read", "true"};
  auto& d = start_daemon(o);
  expect_json_response(http_get(d.port(), "/api/symbols"), 200, "anonymous read");
  // Public reads are market data and the daemon's status: an anonymous caller owns no portfolio
  // and sees none (ownership.hpp), the default one included.
  EXPECT_EQ(get_json(d.port(), "/api/portfolios")["items"], json::array());
  expect_error(http_get(d.port(), "/api/trading/status"), 404, "not_found", "anonymous portfolio read");
  EXPECT_EQ(unauthorized_reason(http_get(d.port(), "/api/trading/status", bearer("garbage")), "bad token"),
            "malformed");
  EXPECT_EQ(unauthorized_reason(call(d.port(), "POST", "/api/trading/pause"), "anonymous change"), "missing");
  EXPECT_EQ(unauthorized_reason(http_get(d.port(), "/api/auth/me"), "anonymous me"), "missing");
  expect_error(post_json(d.port(), "/api/auth/register", {{"email", "eve@example.com"}, {"password", kPassword}}), 403,
               "registration_closed", "closed by default");
}

class AuthCli : public DaemonTest {};

TEST_F(AuthCli, UserAddCreatesAnAccountTheDaemonSignsIn) {
  TempDir dir("meridian-user-");
  auto added = run_meridiand(dir, {"user", "add", "--database-url", db().url(), "--email", "ops@example.com", "--role",
                                   "trader", "--first-name", "Ops"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(added.out, m, std::regex("password \\(shown once\\): (\\S+)"))) << added.out;
  const std::string password = m[1];
  auto again = run_meridiand(
      dir, {"user", "add", "--database-url", db().url(), "--email", "OPS@example.com", "--role", "viewer"});
  EXPECT_EQ(again.exit_code, 2) << "the same email twice";

  const auto file = dir.path() / "password";
  std::ofstream(file) << "short\n";
  ::chmod(file.c_str(), 0600);
  EXPECT_EQ(run_meridiand(dir, {"user", "add", "--database-url", db().url(), "--email", "weak@example.com",
                                "--password-file", file.string()})
                .exit_code,
            2)
      << "a weak password";

  DaemonOptions o;
  o.auth = true;
  auto& d = start_daemon(o);
  auto session = expect_json_response(
      post_json(d.port(), "/api/auth/login", {{"email", "ops@example.com"}, {"password", password}}), 200, "login");
  EXPECT_EQ(session["user"]["role"], "trader");
  EXPECT_EQ(session["user"]["first_name"], "Ops");
}

// `meridiand serve` refusing a configuration exits 2 before it listens (no database needed).
int serve_exit_code(const std::vector<std::string>& args) {
  TempDir dir("meridian-authcfg-");
  std::vector<std::string> argv{"serve", "--port", "0", "--log-level", "warn"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_meridiand(dir, argv).exit_code;
}

TEST(AuthConfig, NoAuthOffLoopbackIsRefused) {
  EXPECT_EQ(serve_exit_code({"--host", "0.0.0.0", "--auth", "off"}), 2);
  // Without a database, auth is off by default: the same.
  EXPECT_EQ(serve_exit_code({"--host", "0.0.0.0"}), 2);
  EXPECT_EQ(serve_exit_code({"--host", "::", "--auth", "off"}), 2);
}

TEST(AuthConfig, AuthWithoutADatabaseIsRefused) {
  EXPECT_EQ(serve_exit_code({"--auth", "on"}), 2);
}

TEST(AuthConfig, ASigningSecretOthersCanReadOrTooShortIsRefused) {
  MERIDIAN_E2E_REQUIRE_DATABASE();
  TestDatabase db;
  TempDir dir("meridian-jwt-");
  const auto file = dir.path() / "jwt";
  std::ofstream(file) << "a-long-enough-secret-of-many-bytes-0123456789\n";
  ::chmod(file.c_str(), 0640);
  EXPECT_EQ(serve_exit_code({"--auth", "on", "--database-url", db.url(), "--jwt-secret-file", file.string()}), 2);
  std::ofstream(file) << "short-secret\n";
  ::chmod(file.c_str(), 0600);
  EXPECT_EQ(serve_exit_code({"--auth", "on", "--database-url", db.url(), "--jwt-secret-file", file.string()}), 2);
}

}  // namespace
}  // namespace meridian::e2e
