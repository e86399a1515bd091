// The caller's own broker credentials (seed 001's broker API keys): set or remove one broker's.
// Reads are GET /api/auth/me's `broker_keys`; an administrator sets anyone's with PATCH
// /api/users/{id}.
//
// Who: a trader (the credentials are what live trading would use: a viewer does not trade),
// with an access token. An API key may not, as it may not create API keys: both hand over the
// whole account, while a key may be meant for a script scoped to some portfolios.
#include <nlohmann/json.hpp>

#include "broker_keys_json.hpp"
#include "identity_jobs.hpp"
#include "meridian/api/routes.hpp"

namespace meridian::api {

namespace {

using nlohmann::json;

// The broker in the path: one of auth::kBrokers, else the path names nothing (404).
ApiResult<std::string> broker_in_path(const Request& req) {
  const auto broker = req.param("broker");
  if (auth::known_broker(broker)) return std::string(broker);
  json allowed = json::array();
  for (auto b : auth::kBrokers) allowed.push_back(b);
  return api_error(http::status::not_found, "not_found", "no broker '" + std::string(broker) + "'",
                   {{"allowed", allowed}});
}

ApiResult<auth::Principal> signed_in_with_token(const Request& req) {
  MERIDIAN_TRY(caller, account_holder(req));
  if (caller.api_key_id != 0)
    return api_error(http::status::forbidden, "forbidden",
                     "broker credentials are set with an access token (log in), not an API key");
  return caller;
}

// Writes one broker's credentials (or their removal) for the caller; answers with `answer`.
template <class Respond>
void write_own(Identity& identity, const Request& req, Reply reply, const auth::Principal& caller,
               storage::BrokerKeyWrite write, Respond respond) {
  on_worker(identity, req, std::move(reply),
            [identity = &identity, user_id = caller.user_id, write = std::move(write), respond]() -> ApiResult<Answer> {
              MERIDIAN_TRY(statuses, identity->write_broker_keys(user_id, {write}));
              return respond(statuses, write.broker);
            });
}

void put_broker_key(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(identity, identity_of(ctx));
  MERIDIAN_TRY_REPLY(caller, signed_in_with_token(req));
  MERIDIAN_TRY_REPLY(broker, broker_in_path(req));
  MERIDIAN_TRY_REPLY(body, object_body(req));
  MERIDIAN_TRY_REPLY(credentials, parse_broker_credentials(body));
  MERIDIAN_TRY_REPLY(write, identity->seal_broker_key(caller.user_id, broker, &credentials));
  write_own(*identity, req, std::move(reply), caller, std::move(write),
            [](const std::vector<storage::BrokerKeyStatus>& statuses, const std::string& name) {
              return Answer{http::status::ok, broker_key_json(statuses, name), {}};
            });
}

void delete_broker_key(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(identity, identity_of(ctx));
  MERIDIAN_TRY_REPLY(caller, signed_in_with_token(req));
  MERIDIAN_TRY_REPLY(broker, broker_in_path(req));
  MERIDIAN_TRY_REPLY(write, identity->seal_broker_key(caller.user_id, broker, nullptr));
  // Idempotent: removing credentials that are not set is done already.
  write_own(*identity, req, std::move(reply), caller, std::move(write),
            [](const std::vector<storage::BrokerKeyStatus>&, const std::string&) {
              return Answer{http::status::no_content, nullptr, {}};
            });
}

}  // namespace

void add_broker_key_routes(Router& router, ApiContext& ctx) {
  auto route = [&](http::verb method, const char* summary, auto fn) {
    router.add({method, "/api/auth/me/broker-keys/{broker}", Role::trader, summary,
                [&ctx, fn](const Request& req, Reply reply) { fn(ctx, req, std::move(reply)); }});
  };
  route(http::verb::put, "Set the caller's credentials at a broker (alpaca, binance): {key_id, secret}, write-only",
        put_broker_key);
  route(http::verb::delete_, "Remove the caller's credentials at a broker", delete_broker_key);
}

}  // namespace meridian::api
