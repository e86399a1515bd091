// Broker credentials sealed as one plaintext: the key id's length (2 bytes, big-endian), the
// key id, the secret. The context names the format's version and the slot.
#include "meridian/auth/broker_credentials.hpp"

#include <algorithm>

#include "sodium.hpp"

namespace meridian::auth {

namespace {

std::string context_of(const BrokerSlot& slot) {
  std::string c = "meridian/broker-credentials/v1";
  c.push_back('\0');
  c.append(std::to_string(slot.user_id)).push_back('\0');
  c.append(slot.broker).push_back('\0');
  c.append(slot.label);
  return c;
}

}  // namespace

bool known_broker(std::string_view broker) noexcept {
  return std::find(kBrokers.begin(), kBrokers.end(), broker) != kBrokers.end();
}

std::optional<BrokerFieldIssue> check_broker_field(std::string_view value, bool is_key_id) noexcept {
  if (value.size() < kMinBrokerFieldBytes) return BrokerFieldIssue::too_short;
  if (value.size() > kMaxBrokerFieldBytes) return BrokerFieldIssue::too_long;
  const bool ok = std::all_of(value.begin(), value.end(), [is_key_id](char c) {
    const auto u = static_cast<unsigned char>(c);
    return is_key_id ? (u > 0x20 && u < 0x7f) : (u >= 0x20 && u != 0x7f);
  });
  if (!ok) return BrokerFieldIssue::bad_character;
  return std::nullopt;
}

std::string_view to_string(BrokerFieldIssue issue) noexcept {
  switch (issue) {
    case BrokerFieldIssue::too_short: return "too_short";
    case BrokerFieldIssue::too_long: return "too_long";
    case BrokerFieldIssue::bad_character: return "bad_character";
  }
  return "bad_character";
}

std::string describe(BrokerFieldIssue issue, bool is_key_id) {
  const std::string what = is_key_id ? "key_id" : "secret";
  switch (issue) {
    case BrokerFieldIssue::too_short:
      return what + " must be at least " + std::to_string(kMinBrokerFieldBytes) + " bytes";
    case BrokerFieldIssue::too_long:
      return what + " must be at most " + std::to_string(kMaxBrokerFieldBytes) + " bytes";
    case BrokerFieldIssue::bad_character:
      return is_key_id ? "key_id must be printable ASCII without spaces"
                       : "secret must not contain control characters (NUL, a line break)";
  }
  return what + " is not valid";
}

std::string broker_hint(std::string_view key_id) {
  return std::string(key_id.substr(key_id.size() - std::min<std::size_t>(4, key_id.size())));
}

Sealed seal_broker_credentials(const SecretBox& box, const BrokerSlot& slot, const BrokerCredentials& credentials) {
  const auto id = credentials.key_id.view();
  const auto secret = credentials.secret.view();
  std::string plain;
  plain.reserve(2 + id.size() + secret.size());
  plain.push_back(static_cast<char>((id.size() >> 8) & 0xFF));
  plain.push_back(static_cast<char>(id.size() & 0xFF));
  plain.append(id).append(secret);
  auto sealed = box.seal(plain, context_of(slot));
  wipe(plain);
  return sealed;
}

core::Result<BrokerCredentials> open_broker_credentials(const SecretBox& box, const BrokerSlot& slot,
                                                        const Sealed& sealed) {
  auto plain = box.open(sealed, context_of(slot));
  if (!plain) return plain.error();
  const auto text = plain->view();
  if (text.size() < 2) return core::Errc::parse_error;
  const auto id_size = (static_cast<std::size_t>(static_cast<unsigned char>(text[0])) << 8) |
                       static_cast<std::size_t>(static_cast<unsigned char>(text[1]));
  if (text.size() < 2 + id_size) return core::Errc::parse_error;
  return BrokerCredentials{SecretText(text.substr(2, id_size)), SecretText(text.substr(2 + id_size))};
}

}  // namespace meridian::auth
