#pragma once
// The JSON of users' broker credentials (seed 001's "broker API keys"): reading them from a
// request body, and what a read shows of them.
//
// Contract: an error names the field at fault and the rule it breaks, never a value (a value
// may be a secret); the strings of a credential are wiped from the parsed body once read. A
// read shows, for every broker of auth::kBrokers, {"set":false} or
// {"set":true,"last4","updated_at","last_used_at"}: never the secret, never the key id whole.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "meridian/api/api_error.hpp"
#include "meridian/auth/broker_credentials.hpp"
#include "meridian/storage/identity_store.hpp"

namespace meridian::api {

// One broker's change: credentials to set, or nullopt to remove them.
using BrokerKeyChange = std::pair<std::string, std::optional<auth::BrokerCredentials>>;

// {"key_id": "...", "secret": "..."} and nothing else; `prefix` is put before the field names
// of errors ("broker_keys.alpaca."). 422 invalid_field otherwise.
ApiResult<auth::BrokerCredentials> parse_broker_credentials(nlohmann::json& value, std::string_view prefix = {});

// PATCH /api/users/{id}'s `broker_keys`: {"alpaca": {"key_id","secret"} | null, ...}, each name
// one of auth::kBrokers.
ApiResult<std::vector<BrokerKeyChange>> parse_broker_keys(nlohmann::json& value);

nlohmann::json broker_keys_json(const std::vector<storage::BrokerKeyStatus>& statuses);
// One broker's part of broker_keys_json.
nlohmann::json broker_key_json(const std::vector<storage::BrokerKeyStatus>& statuses, std::string_view broker);

}  // namespace meridian::api
