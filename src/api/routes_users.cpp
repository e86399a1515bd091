// User administration (seed 001's users; API.md, Auth and users), admin only: list, create,
// read and update users, their broker credentials included (write-only: a read shows whether
// one is set and its last 4 characters). The store runs on api::Identity's workers
// (identity_jobs.hpp); credentials are sealed before they leave the I/O thread.
// Ids are the daemon's: seed 001's client-chosen `id` on create is not honoured.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "broker_keys_json.hpp"
#include "identity_jobs.hpp"
#include "identity_json.hpp"
#include "meridian/api/routes.hpp"

namespace meridian::api {

namespace {

using nlohmann::json;

ApiResult<std::optional<auth::Role>> role_field(const json& body) {
  MERIDIAN_TRY(text, string_field(body, {"role"}));
  if (!text) return std::optional<auth::Role>{};
  if (auto role = auth::parse_role(*text)) return std::optional<auth::Role>{*role};
  return field_error("role", "role must be viewer, trader or admin", http::status::unprocessable_entity,
                     "invalid_field", {{"allowed", {"viewer", "trader", "admin"}}});
}

// The name fields a create or a patch may carry, checked.
ApiResult<std::optional<std::string>> name_field(const json& body, std::string_view name) {
  MERIDIAN_TRY(value, string_field(body, {name}));
  if (value)
    if (auto refused = check_person_name(*value, name)) return std::move(*refused);
  return value;
}

void list_users(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(identity, identity_of(ctx));
  on_worker(*identity, req, std::move(reply), [identity]() -> ApiResult<Answer> {
    MERIDIAN_TRY(users, identity->users());
    json items = json::array();
    for (const auto& u : users) items.push_back(user_json(u));
    return Answer{http::status::ok, json{{"items", std::move(items)}, {"next", nullptr}}, {}};
  });
}

void create_user(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(identity, identity_of(ctx));
  MERIDIAN_TRY_REPLY(body, object_body(req));
  MERIDIAN_TRY_REPLY(email, required_string(body, "email"));
  if (auto refused = check_email(email)) return reply(error_response(req, *refused));
  MERIDIAN_TRY_REPLY(first_name, name_field(body, "first_name"));
  MERIDIAN_TRY_REPLY(last_name, name_field(body, "last_name"));
  MERIDIAN_TRY_REPLY(role, role_field(body));
  MERIDIAN_TRY_REPLY(capital, decimal_field<core::Money>(body, {"capital"}));
  MERIDIAN_TRY_REPLY(password, string_field(body, {"password"}));
  if (password)
    if (auto refused = check_new_password(*password)) return reply(error_response(req, *refused));
  UserInput input{std::move(email),
                  first_name.value_or(""),
                  last_name.value_or(""),
                  role.value_or(Role::trader),
                  capital.value_or(core::Money{}),
                  std::move(password)};
  on_worker(*identity, req, std::move(reply), [identity, input = std::move(input)]() -> ApiResult<Answer> {
    MERIDIAN_TRY(created, identity->create_user(input));
    auto shown = user_json(created.user);
    // Shown once: the administrator hands it over, the user changes it.
    if (created.generated_password) shown["password"] = *created.generated_password;
    return Answer{http::status::created, std::move(shown), "/api/users/" + std::to_string(created.user.id)};
  });
}

void get_user(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(identity, identity_of(ctx));
  MERIDIAN_TRY_REPLY(id, id_in_path(req, "id", "user"));
  on_worker(*identity, req, std::move(reply), [identity, id]() -> ApiResult<Answer> {
    MERIDIAN_TRY(user, identity->user(id));
    MERIDIAN_TRY(broker_keys, identity->broker_keys(id));
    auto body = user_json(user);
    body["broker_keys"] = broker_keys_json(broker_keys);
    return Answer{http::status::ok, std::move(body), {}};
  });
}

// A partial update: each field given replaces its value; an unknown field is refused, so a
// misspelt one is never silently not set.
ApiResult<storage::UserPatch> parse_patch(const json& body) {
  static const json kKnown = {"email", "first_name", "last_name", "role", "capital", "disabled", "broker_keys"};
  for (const auto& [key, value] : body.items())
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end())
      return field_error(key, "unknown field '" + key + "'", http::status::unprocessable_entity, "invalid_field",
                         {{"allowed", kKnown}});
  storage::UserPatch patch;
  MERIDIAN_TRY(email, string_field(body, {"email"}));
  if (email)
    if (auto refused = check_email(*email)) return std::move(*refused);
  patch.email = std::move(email);
  MERIDIAN_TRY(first_name, name_field(body, "first_name"));
  patch.first_name = std::move(first_name);
  MERIDIAN_TRY(last_name, name_field(body, "last_name"));
  patch.last_name = std::move(last_name);
  MERIDIAN_TRY(role, role_field(body));
  patch.role = role;
  MERIDIAN_TRY(capital, decimal_field<core::Money>(body, {"capital"}));
  patch.capital = capital;
  if (auto it = body.find("disabled"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean())
      return field_error("disabled", "disabled must be true or false", http::status::unprocessable_entity,
                         "invalid_field", {{"value", *it}});
    patch.disabled = it->get<bool>();
  }
  return patch;
}

// `broker_keys` of a patch for user `id`, sealed (its plaintext wiped from `body`); none when
// absent or null.
ApiResult<std::vector<storage::BrokerKeyWrite>> broker_key_writes(const Identity& identity, std::int64_t id,
                                                                  json& body) {
  std::vector<storage::BrokerKeyWrite> writes;
  const auto it = body.find("broker_keys");
  if (it == body.end() || it->is_null()) return writes;
  MERIDIAN_TRY(changes, parse_broker_keys(*it));
  for (const auto& [broker, credentials] : changes) {
    MERIDIAN_TRY(write, identity.seal_broker_key(id, broker, credentials ? &*credentials : nullptr));
    writes.push_back(std::move(write));
  }
  return writes;
}

void update_user(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(identity, identity_of(ctx));
  MERIDIAN_TRY_REPLY(id, id_in_path(req, "id", "user"));
  MERIDIAN_TRY_REPLY(body, object_body(req));
  MERIDIAN_TRY_REPLY(patch, parse_patch(body));
  MERIDIAN_TRY_REPLY(broker_keys, broker_key_writes(*identity, id, body));
  patch.broker_keys = std::move(broker_keys);
  on_worker(*identity, req, std::move(reply),
            [identity, by = req.principal, id, patch = std::move(patch)]() -> ApiResult<Answer> {
              MERIDIAN_TRY(user, identity->update_user(by, id, patch));
              MERIDIAN_TRY(statuses, identity->broker_keys(id));
              auto shown = user_json(user);
              shown["broker_keys"] = broker_keys_json(statuses);
              return Answer{http::status::ok, std::move(shown), {}};
            });
}

}  // namespace

void add_user_routes(Router& router, ApiContext& ctx) {
  auto route = [&](http::verb method, const char* pattern, const char* summary, auto fn) {
    router.add({method, pattern, Role::admin, summary,
                [&ctx, fn](const Request& req, Reply reply) { fn(ctx, req, std::move(reply)); }});
  };
  route(http::verb::get, "/api/users", "List users", list_users);
  route(http::verb::post, "/api/users", "Create a user (a password is generated when none is given)", create_user);
  route(http::verb::get, "/api/users/{id}", "One user, with whether each broker credential is set", get_user);
  route(http::verb::patch, "/api/users/{id}",
        "Update a user: names, email, role, capital, disabled, broker_keys (write-only; null removes one)",
        update_user);
}

}  // namespace meridian::api
