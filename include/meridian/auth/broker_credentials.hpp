#pragma once
// A user's credentials at a broker (seed 001's broker API keys; the live gateways of issue 15
// use them): the broker's API key id and secret, sealed together with a SecretBox before they
// are stored (the api_keys table of sql/003).
//
// Contract:
// - The brokers are kBrokers; a credential's key id and secret are each kMinBrokerFieldBytes to
//   kMaxBrokerFieldBytes bytes: the key id printable ASCII without spaces, the secret without
//   control characters (NUL, a pasted newline). check_broker_field says which rule a value breaks,
//   never echoing it.
// - seal_broker_credentials binds the slot (user, broker, label) as the seal's context: a sealed
//   row opens only for the slot it was sealed for (open_broker_credentials: Errc::rejected for a
//   row moved to another user or broker, plus SecretBox::open's errors).
// - A read shows only broker_hint: the last 4 characters of the key id (never the secret, never
//   the key id whole: it is at least 8 characters).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "meridian/auth/secret_box.hpp"
#include "meridian/core/error.hpp"

namespace meridian::auth {

inline constexpr std::array<std::string_view, 2> kBrokers{"alpaca", "binance"};
inline constexpr std::size_t kMinBrokerFieldBytes = 8;
inline constexpr std::size_t kMaxBrokerFieldBytes = 256;

bool known_broker(std::string_view broker) noexcept;

struct BrokerCredentials {
  SecretText key_id;  // the broker's API key id (Alpaca's APCA-API-KEY-ID, Binance's API key)
  SecretText secret;  // the broker's API secret
};

// Where a credential lives: one per (user, broker, label); the API uses the empty label.
struct BrokerSlot {
  std::int64_t user_id = 0;
  std::string_view broker;
  std::string_view label;
};

enum class BrokerFieldIssue { too_short, too_long, bad_character };
std::string_view to_string(BrokerFieldIssue issue) noexcept;  // "too_short", ...
// Which rule a key id (`is_key_id`) or a secret breaks, or nullopt when it may be stored.
std::optional<BrokerFieldIssue> check_broker_field(std::string_view value, bool is_key_id) noexcept;
// A sentence for the client, naming the rule ("at most 256 bytes", ...).
std::string describe(BrokerFieldIssue issue, bool is_key_id);

// The last 4 characters of the key id.
std::string broker_hint(std::string_view key_id);

Sealed seal_broker_credentials(const SecretBox& box, const BrokerSlot& slot, const BrokerCredentials& credentials);
// SecretBox::open's errors, and Errc::parse_error for a plaintext that is not a credential.
core::Result<BrokerCredentials> open_broker_credentials(const SecretBox& box, const BrokerSlot& slot,
                                                        const Sealed& sealed);

}  // namespace meridian::auth
