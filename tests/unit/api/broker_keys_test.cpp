// Broker credentials in requests: what a body must hold (422 naming the field, never echoing a
// value), the plaintext wiped from the parsed body, sealing only with a secrets key (409
// secrets_key_missing without one), and what a read shows. No database: nothing here reaches
// the store.
#include <gtest/gtest.h>

#include "broker_keys_json.hpp"
#include "meridian/api/identity.hpp"

using namespace meridian;
using nlohmann::json;

namespace {

constexpr const char* kSecret = "SECRET-MARKER-0123456789abcdef";

auth::TokenSigner signer() {
  auto s = auth::TokenSigner::create("unit-test-signing-secret-0123456789-abcdefghij", "meridian");
  if (!s) throw std::runtime_error("test signer refused");
  return std::move(*s);
}

struct Rig {
  explicit Rig(std::shared_ptr<const auth::SecretBox> box) : identity{store, signer(), config(std::move(box))} {}
  static api::IdentityConfig config(std::shared_ptr<const auth::SecretBox> box) {
    api::IdentityConfig c;
    c.workers = 1;
    c.queue_limit = 4;
    c.secrets = std::move(box);
    return c;
  }
  storage::IdentityStore store{"postgresql://nobody@127.0.0.1:1/none"};  // never connected
  api::Identity identity;
};

std::shared_ptr<const auth::SecretBox> new_box() {
  auto box = auth::SecretBox::from_text(auth::SecretBox::new_key_text());
  if (!box) throw std::runtime_error("a new key was refused");
  return std::make_shared<const auth::SecretBox>(std::move(*box));
}

// The error's code and field, with a check that no detail or message holds the secret.
std::string refusal(const api::ApiError& e) {
  const auto all = json{{"message", e.message}, {"details", e.details}}.dump();
  EXPECT_EQ(all.find("SECRET-MARKER"), std::string::npos) << all;
  return e.code + " " + e.details.value("field", "");
}

template <class T>
std::string refusal(const api::ApiResult<T>& r) {
  return r ? std::string("accepted") : refusal(r.error());
}

}  // namespace

TEST(BrokerKeysBody, ACredentialIsKeyIdAndSecretAndBothAreWipedFromTheBody) {
  json body = {{"key_id", "PKABCDEFGHWXYZ"}, {"secret", kSecret}};
  auto parsed = api::parse_broker_credentials(body);
  ASSERT_TRUE(parsed) << refusal(parsed);
  EXPECT_EQ(parsed->key_id.view(), "PKABCDEFGHWXYZ");
  EXPECT_EQ(parsed->secret.view(), kSecret);
  EXPECT_EQ(body.dump().find("SECRET-MARKER"), std::string::npos) << body.dump();
  EXPECT_EQ(body.dump().find("PKABCDEFGHWXYZ"), std::string::npos) << body.dump();
}

TEST(BrokerKeysBody, BadCredentialsAre422NamingTheFieldWithoutTheValue) {
  const std::string long_secret = std::string(kSecret) + std::string(300, 'x');
  const std::string nul_secret = std::string(kSecret) + std::string(1, '\0') + "tail";
  const std::vector<std::pair<json, std::string>> cases = {
      {json::array(), "invalid_field body"},
      {{{"secret", kSecret}}, "invalid_field key_id"},
      {{{"key_id", "PKABCDEFGHWXYZ"}}, "invalid_field secret"},
      {{{"key_id", 12345678}, {"secret", kSecret}}, "invalid_field key_id"},
      {{{"key_id", "PKABCDEFGHWXYZ"}, {"secret", kSecret}, {"note", kSecret}}, "invalid_field note"},
      {{{"key_id", "PKABCDEFGHWXYZ"}, {"secret", long_secret}}, "invalid_field secret"},
      {{{"key_id", "PKABCDEFGHWXYZ"}, {"secret", nul_secret}}, "invalid_field secret"},
      {{{"key_id", "PKABC DEFGHWXYZ"}, {"secret", kSecret}}, "invalid_field key_id"},
      {{{"key_id", "PKA"}, {"secret", kSecret}}, "invalid_field key_id"},
      {{{"key_id", std::string(257, 'K')}, {"secret", kSecret}}, "invalid_field key_id"},
  };
  for (auto [body, expected] : cases) {
    const auto shown = body.dump();
    EXPECT_EQ(refusal(api::parse_broker_credentials(body)), expected) << shown;
  }
  json nul = {{"key_id", "PKABCDEFGHWXYZ"}, {"secret", nul_secret}};
  auto refused = api::parse_broker_credentials(nul);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, api::http::status::unprocessable_entity);
  EXPECT_EQ(refused.error().details["reason"], "bad_character");
}

TEST(BrokerKeysBody, APatchNamesKnownBrokersWithCredentialsOrNull) {
  json value = {{"alpaca", {{"key_id", "PKABCDEFGHWXYZ"}, {"secret", kSecret}}}, {"binance", nullptr}};
  auto changes = api::parse_broker_keys(value);
  ASSERT_TRUE(changes) << refusal(changes);
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].first, "alpaca");
  ASSERT_TRUE((*changes)[0].second);
  EXPECT_EQ((*changes)[0].second->secret.view(), kSecret);
  EXPECT_EQ((*changes)[1].first, "binance");
  EXPECT_FALSE((*changes)[1].second);

  json unknown = {{"groww", {{"key_id", "PKABCDEFGHWXYZ"}, {"secret", kSecret}}}};
  EXPECT_EQ(refusal(api::parse_broker_keys(unknown)), "invalid_field broker_keys.groww");
  json not_object = json::array({kSecret});
  EXPECT_EQ(refusal(api::parse_broker_keys(not_object)), "invalid_field broker_keys");
  json bad_inner = {{"alpaca", {{"key_id", "PKABCDEFGHWXYZ"}, {"secret", std::string(257, 's')}}}};
  EXPECT_EQ(refusal(api::parse_broker_keys(bad_inner)), "invalid_field broker_keys.alpaca.secret");
  json inner_not_object = {{"binance", kSecret}};
  EXPECT_EQ(refusal(api::parse_broker_keys(inner_not_object)), "invalid_field broker_keys.binance");
}

TEST(BrokerKeysSeal, WithoutASecretsKeyNothingIsSealedButRemovalsNeedNone) {
  Rig rig(nullptr);
  auth::BrokerCredentials c{auth::SecretText("PKABCDEFGHWXYZ"), auth::SecretText(kSecret)};
  auto refused = rig.identity.seal_broker_key(3, "alpaca", &c);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, api::http::status::conflict);
  EXPECT_EQ(refused.error().code, "secrets_key_missing");
  auto removal = rig.identity.seal_broker_key(3, "alpaca", nullptr);
  ASSERT_TRUE(removal);
  EXPECT_FALSE(removal->sealed);
  EXPECT_EQ(removal->broker, "alpaca");
}

TEST(BrokerKeysSeal, WithAKeyTheWriteIsSealedForTheUsersRowAndShowsOnlyTheLast4) {
  const auto box = new_box();
  Rig rig(box);
  auth::BrokerCredentials c{auth::SecretText("PKABCDEFGHWXYZ"), auth::SecretText(kSecret)};
  auto write = rig.identity.seal_broker_key(3, "binance", &c);
  ASSERT_TRUE(write) << refusal(write);
  ASSERT_TRUE(write->sealed);
  EXPECT_EQ(write->broker, "binance");
  EXPECT_EQ(write->hint, "WXYZ");
  EXPECT_EQ(write->sealed->key_id, box->key_id());
  const std::string raw(write->sealed->ciphertext.begin(), write->sealed->ciphertext.end());
  EXPECT_EQ(raw.find("SECRET-MARKER"), std::string::npos);
  auto opened = auth::open_broker_credentials(*box, {3, "binance", ""}, *write->sealed);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->secret.view(), kSecret);
  EXPECT_FALSE(auth::open_broker_credentials(*box, {4, "binance", ""}, *write->sealed));
}

TEST(BrokerKeysJson, AReadShowsEveryBrokerAndOnlyWhetherItIsSetAndItsLast4) {
  storage::BrokerKeyStatus s;
  s.broker = "alpaca";
  s.hint = "WXYZ";
  s.key_id = "0123456789abcdef";
  s.updated_at = core::from_epoch_ms(1'700'000'000'000);
  const auto shown = api::broker_keys_json({s});
  EXPECT_EQ(shown["alpaca"]["set"], true);
  EXPECT_EQ(shown["alpaca"]["last4"], "WXYZ");
  EXPECT_EQ(shown["alpaca"]["updated_at"], "2023-11-14T22:13:20.000Z");
  EXPECT_TRUE(shown["alpaca"]["last_used_at"].is_null());
  EXPECT_EQ(shown["binance"], json({{"set", false}}));
  EXPECT_EQ(shown.size(), auth::kBrokers.size());
  EXPECT_EQ(shown.dump().find("0123456789abcdef"), std::string::npos) << "not even the master key's id";
}
