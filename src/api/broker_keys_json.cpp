#include "broker_keys_json.hpp"

#include <algorithm>

namespace meridian::api {

namespace {

using nlohmann::json;

json allowed_brokers() {
  json names = json::array();
  for (auto b : auth::kBrokers) names.push_back(b);
  return names;
}

// A credential's string field: moved out of `value` into a SecretText, the copy in the body
// wiped.
ApiResult<auth::SecretText> secret_field(json& value, std::string_view name, std::string_view prefix) {
  const std::string field = std::string(prefix) + std::string(name);
  const auto it = value.find(name);
  if (it == value.end() || !it->is_string()) return field_error(field, std::string(name) + " is required, as a string");
  auto& text = it->get_ref<std::string&>();
  auth::SecretText out(text);
  auth::wipe(text);
  if (auto issue = auth::check_broker_field(out.view(), name == "key_id"))
    return field_error(field, auth::describe(*issue, name == "key_id"), http::status::unprocessable_entity,
                       "invalid_field",
                       {{"reason", auth::to_string(*issue)},
                        {"min_bytes", auth::kMinBrokerFieldBytes},
                        {"max_bytes", auth::kMaxBrokerFieldBytes}});
  return out;
}

}  // namespace

ApiResult<auth::BrokerCredentials> parse_broker_credentials(json& value, std::string_view prefix) {
  const std::string where = prefix.empty() ? "body" : std::string(prefix.substr(0, prefix.size() - 1));
  if (!value.is_object()) return field_error(where, where + " must be an object {\"key_id\", \"secret\"}");
  for (const auto& [key, member] : value.items())
    if (key != "key_id" && key != "secret")
      return field_error(std::string(prefix) + key, "unknown field '" + key + "': a credential is key_id and secret",
                         http::status::unprocessable_entity, "invalid_field", {{"allowed", {"key_id", "secret"}}});
  // Both read (and wiped) before either is judged.
  auto key_id = secret_field(value, "key_id", prefix);
  auto secret = secret_field(value, "secret", prefix);
  if (!key_id) return key_id.error();
  if (!secret) return secret.error();
  return auth::BrokerCredentials{std::move(*key_id), std::move(*secret)};
}

ApiResult<std::vector<BrokerKeyChange>> parse_broker_keys(json& value) {
  if (!value.is_object())
    return field_error("broker_keys",
                       "broker_keys must be an object of broker name to {\"key_id\", \"secret\"} or null",
                       http::status::unprocessable_entity, "invalid_field", {{"allowed", allowed_brokers()}});
  std::vector<BrokerKeyChange> out;
  for (auto& [broker, credentials] : value.items()) {
    if (!auth::known_broker(broker))
      return field_error("broker_keys." + broker, "unknown broker '" + broker + "'", http::status::unprocessable_entity,
                         "invalid_field", {{"allowed", allowed_brokers()}});
    if (credentials.is_null()) {
      out.emplace_back(broker, std::nullopt);
      continue;
    }
    MERIDIAN_TRY(parsed, parse_broker_credentials(credentials, "broker_keys." + broker + "."));
    out.emplace_back(broker, std::move(parsed));
  }
  return out;
}

json broker_key_json(const std::vector<storage::BrokerKeyStatus>& statuses, std::string_view broker) {
  const auto it = std::find_if(statuses.begin(), statuses.end(), [&](const auto& s) { return s.broker == broker; });
  if (it == statuses.end()) return {{"set", false}};
  return {{"set", true},
          {"last4", it->hint},
          {"updated_at", core::to_iso8601(it->updated_at)},
          {"last_used_at", it->last_used_at ? json(core::to_iso8601(*it->last_used_at)) : json(nullptr)}};
}

json broker_keys_json(const std::vector<storage::BrokerKeyStatus>& statuses) {
  json out = json::object();
  for (auto broker : auth::kBrokers) out[std::string(broker)] = broker_key_json(statuses, broker);
  return out;
}

}  // namespace meridian::api
