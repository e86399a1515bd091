// Sign-in and the caller's own account (seed 002; API.md, Auth and users): register, login,
// refresh, logout, me, password change, and the caller's API keys. Bodies are parsed on the
// I/O thread; the store and argon2 run on api::Identity's workers (identity_jobs.hpp).
#include <nlohmann/json.hpp>

#include "broker_keys_json.hpp"
#include "identity_jobs.hpp"
#include "identity_json.hpp"
#include "meridian/api/ownership.hpp"
#include "meridian/api/portfolio_ref.hpp"
#include "meridian/api/routes.hpp"

namespace meridian::api {

namespace {

using nlohmann::json;

// The most portfolios one API key may be scoped to.
constexpr std::size_t kMaxKeyPortfolios = 64;
constexpr std::size_t kMaxKeyName = 64;

// A login or a registration: 201/200 with the session.
Answer session_answer(const Session& s, http::status status = http::status::ok) {
  return {status, session_json(s), {}};
}

void register_account(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(identity, identity_of(ctx));
  if (auto refused = identity->registration_refusal()) return reply(error_response(req, *refused));
  MERIDIAN_TRY_REPLY(body, object_body(req));
  MERIDIAN_TRY_REPLY(email, required_string(body, "email"));
  MERIDIAN_TRY_REPLY(password, required_string(body, "password"));
  MERIDIAN_TRY_REPLY(first_name, string_field(body, {"first_name"}));
  MERIDIAN_TRY_REPLY(last_name, string_field(body, {"last_name"}));
  NewAccount account{email, password, first_name.value_or(""), last_name.value_or("")};
  for (auto refused :
       {check_email(account.email), check_new_password(account.password),
        check_person_name(account.first_name, "first_name"), check_person_name(account.last_name, "last_name")})
    if (refused) return reply(error_response(req, *refused));
  on_worker(*identity, req, std::move(reply),
            [identity, account = std::move(account), client = client_info(req)]() -> ApiResult<Answer> {
              MERIDIAN_TRY(session, identity->register_account(account, client));
              return session_answer(session, http::status::created);
            });
}

void login(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(identity, identity_of(ctx));
  MERIDIAN_TRY_REPLY(body, object_body(req));
  MERIDIAN_TRY_REPLY(email, required_string(body, "email"));
  MERIDIAN_TRY_REPLY(password, required_string(body, "password"));
  if (auto refused = check_presented_password(password)) return reply(error_response(req, *refused));
  // Before the hash is queued: a locked-out guess costs a lookup.
  MERIDIAN_TRY_REPLY(attempt, identity->begin_login(email, req.address));
  on_worker(*identity, req, std::move(reply),
            [identity, attempt, email = std::move(email), password = std::move(password),
             client = client_info(req)]() -> ApiResult<Answer> {
              auto session = identity->login(email, password, client);
              attempt->finish(guess_outcome(session));
              if (!session) return std::move(session).error();
              return session_answer(*session);
            });
}

void refresh(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(identity, identity_of(ctx));
  MERIDIAN_TRY_REPLY(body, object_body(req));
  MERIDIAN_TRY_REPLY(token, required_string(body, "refresh_token"));
  MERIDIAN_TRY_REPLY(attempt, identity->begin_refresh(req.address));
  on_worker(*identity, req, std::move(reply), [identity, attempt, token = std::move(token)]() -> ApiResult<Answer> {
    auto session = identity->refresh(token);
    attempt->finish(guess_outcome(session));
    if (!session) return std::move(session).error();
    return session_answer(*session);
  });
}

void logout(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(identity, identity_of(ctx));
  MERIDIAN_TRY_REPLY(body, object_body(req));
  MERIDIAN_TRY_REPLY(token, required_string(body, "refresh_token"));
  on_worker(*identity, req, std::move(reply), [identity, token = std::move(token)]() -> ApiResult<Answer> {
    if (auto done = identity->logout(token); !done) return std::move(done).error();
    return Answer{http::status::no_content, nullptr, {}};
  });
}

void me(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(identity, identity_of(ctx));
  MERIDIAN_TRY_REPLY(caller, account_holder(req));
  on_worker(*identity, req, std::move(reply), [identity, caller]() -> ApiResult<Answer> {
    MERIDIAN_TRY(user, identity->user(caller.user_id));
    MERIDIAN_TRY(broker_keys, identity->broker_keys(caller.user_id));
    auto body = user_json(user);
    body["broker_keys"] = broker_keys_json(broker_keys);
    // What this request may do: the role of its token or key (at most the user's role).
    body["session"] = {{"role", auth::to_string(caller.role)},
                       {"api_key_id", caller.api_key_id ? json(caller.api_key_id) : json(nullptr)}};
    return Answer{http::status::ok, std::move(body), {}};
  });
}

void change_password(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(identity, identity_of(ctx));
  MERIDIAN_TRY_REPLY(caller, account_holder(req));
  MERIDIAN_TRY_REPLY(body, object_body(req));
  MERIDIAN_TRY_REPLY(current, required_string(body, "current_password"));
  MERIDIAN_TRY_REPLY(next, required_string(body, "new_password"));
  for (auto refused : {check_presented_password(current, "current_password"), check_new_password(next, "new_password")})
    if (refused) return reply(error_response(req, *refused));
  // A stolen access token must not make this a password-guessing oracle either.
  MERIDIAN_TRY_REPLY(attempt, identity->begin_password_check(caller.user_id, req.address));
  on_worker(*identity, req, std::move(reply),
            [identity, caller, attempt, current = std::move(current), next = std::move(next)]() -> ApiResult<Answer> {
              auto done = identity->change_password(caller.user_id, current, next);
              attempt->finish(guess_outcome(done));
              if (!done) return std::move(done).error();
              return Answer{http::status::no_content, nullptr, {}};
            });
}

// The portfolios a key is limited to, by id or name; absent or empty: every portfolio. Only
// the caller's own (ownership.hpp): another user's is refused as one that does not exist.
ApiResult<std::vector<std::int64_t>> key_portfolios(const ApiContext& ctx, const Request& req, const json& body) {
  std::vector<std::int64_t> out;
  const auto it = body.find("portfolios");
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array() || it->size() > kMaxKeyPortfolios)
    return field_error("portfolios", "portfolios must be an array of at most 64 portfolio ids or names");
  for (const auto& v : *it) {
    if (!v.is_string() && !v.is_number_integer())
      return field_error("portfolios", "portfolios must hold portfolio ids or names",
                         http::status::unprocessable_entity, "invalid_field", {{"value", v}});
    auto entry = find_portfolio(ctx.runner, v.is_string() ? v.get<std::string>() : v.dump());
    if (!entry || !may_see(req.principal, *entry, ctx.enforce_auth))
      return field_error("portfolios", "no portfolio " + v.dump() + "; see /api/portfolios",
                         http::status::unprocessable_entity, "invalid_field", {{"value", v}});
    if (std::find(out.begin(), out.end(), entry->id) == out.end()) out.push_back(entry->id);
  }
  return out;
}

void create_key(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(identity, identity_of(ctx));
  MERIDIAN_TRY_REPLY(caller, account_holder(req));
  MERIDIAN_TRY_REPLY(body, object_body(req));
  MERIDIAN_TRY_REPLY(name, required_string(body, "name"));
  if (name.empty() || name.size() > kMaxKeyName)
    return reply(error_response(req, field_error("name", "name must be 1 to 64 bytes")));
  if (auto refused = check_person_name(name, "name")) return reply(error_response(req, *refused));
  MERIDIAN_TRY_REPLY(role_text, string_field(body, {"role"}));
  KeyInput input{std::move(name), std::nullopt, {}};
  if (role_text) {
    input.role = auth::parse_role(*role_text);
    if (!input.role)
      return reply(error_response(
          req, field_error("role", "role must be viewer, trader or admin", http::status::unprocessable_entity,
                           "invalid_field", {{"allowed", {"viewer", "trader", "admin"}}})));
  }
  MERIDIAN_TRY_REPLY(portfolios, key_portfolios(ctx, req, body));
  input.portfolios = std::move(portfolios);
  on_worker(*identity, req, std::move(reply), [identity, caller, input = std::move(input)]() -> ApiResult<Answer> {
    MERIDIAN_TRY(created, identity->create_key(caller, input));
    auto shown = api_key_json(created.record);
    shown["key"] = std::move(created.key);
    return Answer{http::status::created, std::move(shown), "/api/auth/keys/" + std::to_string(created.record.id)};
  });
}

void list_keys(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(identity, identity_of(ctx));
  MERIDIAN_TRY_REPLY(caller, account_holder(req));
  on_worker(*identity, req, std::move(reply), [identity, caller]() -> ApiResult<Answer> {
    MERIDIAN_TRY(keys, identity->keys(caller.user_id));
    json items = json::array();
    for (const auto& k : keys) items.push_back(api_key_json(k));
    return Answer{http::status::ok, json{{"items", std::move(items)}, {"next", nullptr}}, {}};
  });
}

void revoke_key(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(identity, identity_of(ctx));
  MERIDIAN_TRY_REPLY(caller, account_holder(req));
  MERIDIAN_TRY_REPLY(id, id_in_path(req, "id", "API key"));
  on_worker(*identity, req, std::move(reply), [identity, caller, id]() -> ApiResult<Answer> {
    if (auto done = identity->revoke_key(caller.user_id, id); !done) return std::move(done).error();
    return Answer{http::status::no_content, nullptr, {}};
  });
}

}  // namespace

void add_auth_routes(Router& router, ApiContext& ctx) {
  auto route = [&](http::verb method, const char* pattern, Role role, const char* summary, auto fn) {
    router.add({method, pattern, role, summary,
                [&ctx, fn](const Request& req, Reply reply) { fn(ctx, req, std::move(reply)); }});
  };
  // Anonymous: these are how a caller gets credentials (or gives them up).
  route(http::verb::post, "/api/auth/register", Role::anonymous, "Create an account (when registration is open)",
        register_account);
  route(http::verb::post, "/api/auth/login", Role::anonymous, "Access token and refresh token for email and password",
        login);
  route(http::verb::post, "/api/auth/refresh", Role::anonymous, "Rotate a refresh token: new access and refresh token",
        refresh);
  route(http::verb::post, "/api/auth/logout", Role::anonymous, "Revoke a refresh token and its session", logout);
  // The caller's own account: any signed-in role.
  route(http::verb::get, "/api/auth/me", Role::viewer, "The signed-in user, with whether each broker credential is set",
        me);
  route(http::verb::post, "/api/auth/password", Role::viewer, "Change the caller's password (ends every session)",
        change_password);
  route(http::verb::get, "/api/auth/keys", Role::viewer, "The caller's API keys (never the key itself)", list_keys);
  route(http::verb::post, "/api/auth/keys", Role::viewer, "Create an API key (its text is shown once)", create_key);
  route(http::verb::delete_, "/api/auth/keys/{id}", Role::viewer, "Revoke one of the caller's API keys", revoke_key);
}

}  // namespace meridian::api
