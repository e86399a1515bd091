#include "meridian/auth/access_token.hpp"

#include <gtest/gtest.h>
#include <jwt.h>
#include <sodium.h>

#include <cstdlib>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "token_test_support.hpp"

namespace meridian::auth {

namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using test::kIssuer;
using test::kNow;
using test::kSecret;
using test::signer;

std::string b64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

// The claims of a valid token at kNow, as JSON.
std::string claims_json(std::string_view extra = "") {
  return R"({"iss":"meridian-test","sub":"42","role":"trader","iat":1800000000,"exp":1800000900)" + std::string(extra) +
         "}";
}

// A token signed by libjwt with `alg` and `key`, carrying `grants` (JSON) as they are.
std::string libjwt_token(jwt_alg_t alg, const std::string& key, const std::string& grants) {
  jwt_t* raw = nullptr;
  EXPECT_EQ(jwt_new(&raw), 0);
  std::unique_ptr<jwt_t, void (*)(jwt_t*)> j(raw, jwt_free);
  EXPECT_EQ(jwt_add_grants_json(j.get(), grants.c_str()), 0);
  EXPECT_EQ(jwt_set_alg(j.get(), alg, reinterpret_cast<const unsigned char*>(key.data()), static_cast<int>(key.size())),
            0);
  std::unique_ptr<char, void (*)(void*)> text(jwt_encode_str(j.get()), std::free);
  return text ? std::string(text.get()) : std::string();
}

std::string hs256(const std::string& grants) {
  return libjwt_token(JWT_ALG_HS256, kSecret, grants);
}

TokenError error_of(const TokenSigner& s, std::string_view token, core::Timestamp now = kNow) {
  const auto r = s.verify(token, now);
  EXPECT_FALSE(r.has_value()) << "accepted: " << token.substr(0, 200);
  return r.has_value() ? TokenError::malformed : r.error();
}

std::vector<std::string> parts(const std::string& token) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (auto dot = token.find('.'); dot != std::string::npos; dot = token.find('.', start)) {
    out.push_back(token.substr(start, dot - start));
    start = dot + 1;
  }
  out.push_back(token.substr(start));
  return out;
}

TEST(TokenSigner, RefusesWeakSecretsAndEmptyIssuers) {
  EXPECT_EQ(TokenSigner::create("", kIssuer).error(), core::Errc::invalid_argument);
  EXPECT_EQ(TokenSigner::create(kSecret.substr(0, 31), kIssuer).error(), core::Errc::invalid_argument);
  EXPECT_EQ(TokenSigner::create(std::string(64, 'a'), kIssuer).error(), core::Errc::invalid_argument);
  EXPECT_EQ(TokenSigner::create(kSecret, "").error(), core::Errc::invalid_argument);
  EXPECT_EQ(TokenSigner::create(kSecret, kIssuer, seconds(0)).error(), core::Errc::invalid_argument);
  EXPECT_TRUE(TokenSigner::create(kSecret, kIssuer).has_value());
  EXPECT_EQ(signer().ttl(), minutes(15));
}

TEST(TokenSigner, RoundTrip) {
  const auto s = signer();
  const auto token = s.issue(42, Role::trader, kNow + std::chrono::milliseconds(700));
  EXPECT_EQ(parts(token).size(), 3u);
  const auto claims = s.verify(token, kNow + minutes(1));
  ASSERT_TRUE(claims.has_value()) << to_string(claims.error());
  EXPECT_EQ(claims->user_id, 42);
  EXPECT_EQ(claims->role, Role::trader);
  EXPECT_EQ(claims->issued_at, kNow);  // whole seconds
  EXPECT_EQ(claims->expires_at, kNow + minutes(15));
  for (auto role : {Role::viewer, Role::admin}) {
    const auto c = s.verify(s.issue(7, role, kNow), kNow);
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->role, role);
  }
}

TEST(TokenSigner, SubIsTheUserIdAsAString) {
  const auto s = signer();
  const auto payload = parts(s.issue(9'007'199'254'740'993, Role::viewer, kNow))[1];
  std::string json(payload.size(), '\0');
  std::size_t len = 0;
  ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(json.data()), json.size(), payload.data(),
                              payload.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
            0);
  json.resize(len);
  EXPECT_NE(json.find(R"("sub":"9007199254740993")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("iss":"meridian-test")"), std::string::npos) << json;
  EXPECT_EQ(s.verify(s.issue(9'007'199'254'740'993, Role::viewer, kNow), kNow)->user_id, 9'007'199'254'740'993);
}

TEST(TokenSigner, ExpiredAtExp) {
  const auto s = signer();
  const auto token = s.issue(42, Role::trader, kNow);
  EXPECT_TRUE(s.verify(token, kNow + minutes(15) - std::chrono::nanoseconds(1)).has_value());
  EXPECT_EQ(error_of(s, token, kNow + minutes(15)), TokenError::expired);
  EXPECT_EQ(error_of(s, token, kNow + std::chrono::hours(24 * 365)), TokenError::expired);
}

TEST(TokenSigner, IssuedInTheFutureBeyondTheSkew) {
  const auto s = signer();
  EXPECT_TRUE(s.verify(s.issue(42, Role::trader, kNow + seconds(60)), kNow).has_value());
  EXPECT_EQ(error_of(s, s.issue(42, Role::trader, kNow + seconds(61)), kNow), TokenError::not_yet_valid);
  EXPECT_EQ(error_of(s, s.issue(42, Role::trader, kNow + std::chrono::hours(1)), kNow), TokenError::not_yet_valid);
}

TEST(TokenSigner, AnotherKeysSignatureIsRefused) {
  const auto other = signer("Z" + kSecret.substr(1));
  EXPECT_EQ(error_of(signer(), other.issue(42, Role::admin, kNow)), TokenError::bad_signature);
}

TEST(TokenSigner, AlteredTokensAreRefused) {
  const auto s = signer();
  const auto p = parts(s.issue(42, Role::viewer, kNow));
  // The payload made admin, the signature kept.
  const auto admin_payload = b64(claims_json().replace(claims_json().find("trader"), 6, "admin"));
  EXPECT_EQ(error_of(s, p[0] + "." + admin_payload + "." + p[2]), TokenError::bad_signature);
  // The signature altered in its first character, dropped, or emptied.
  auto sig = p[2];
  sig[0] = sig[0] == 'A' ? 'B' : 'A';
  EXPECT_EQ(error_of(s, p[0] + "." + p[1] + "." + sig), TokenError::bad_signature);
  EXPECT_EQ(error_of(s, p[0] + "." + p[1] + "."), TokenError::bad_signature);
}

TEST(TokenSigner, AlgNoneIsRefusedWithAndWithoutASignature) {
  const auto s = signer();
  const auto payload = b64(claims_json());
  for (const auto* header :
       {R"({"alg":"none","typ":"JWT"})", R"({"alg":"none"})", R"({"alg":"NONE"})", R"({"alg":"None","typ":"JWT"})"}) {
    const auto h = b64(header);
    EXPECT_EQ(error_of(s, h + "." + payload + "."), TokenError::bad_algorithm) << header;
    EXPECT_NE(error_of(s, h + "." + payload), TokenError::expired) << header;
    // A signature that is right for HS256 does not make an alg-none header acceptable.
    const auto real = parts(hs256(claims_json()));
    EXPECT_EQ(error_of(s, h + "." + real[1] + "." + real[2]), TokenError::bad_algorithm) << header;
  }
}

TEST(TokenSigner, OtherAlgorithmsAreRefused) {
  const auto s = signer();
  // HS512 under the very same secret: a valid signature, the wrong algorithm.
  EXPECT_EQ(error_of(s, libjwt_token(JWT_ALG_HS512, kSecret, claims_json())), TokenError::bad_algorithm);
  EXPECT_EQ(error_of(s, libjwt_token(JWT_ALG_HS384, kSecret, claims_json())), TokenError::bad_algorithm);
  const auto payload = b64(claims_json());
  for (const auto* header : {R"({"alg":"RS256","typ":"JWT"})", R"({"alg":"ES256"})", R"({"alg":"EdDSA"})",
                             R"({"alg":"HS256X"})", R"({"alg":"hs256"})"})
    EXPECT_NE(s.verify(b64(header) + "." + payload + "." + b64("signature"), kNow).has_value(), true) << header;
  EXPECT_EQ(error_of(s, b64(R"({"alg":"RS256","typ":"JWT"})") + "." + payload + "." + b64("signature")),
            TokenError::bad_algorithm);
}

TEST(TokenSigner, WrongIssuerIsRefused) {
  const auto other = signer(kSecret, "someone-else");
  EXPECT_EQ(error_of(signer(), other.issue(42, Role::trader, kNow)), TokenError::bad_issuer);
  EXPECT_EQ(error_of(signer(), hs256(R"({"sub":"42","role":"trader","iat":1800000000,"exp":1800000900})")),
            TokenError::bad_issuer);
  EXPECT_EQ(error_of(signer(), hs256(R"({"iss":7,"sub":"42","role":"trader","iat":1800000000,"exp":1800000900})")),
            TokenError::bad_issuer);
}

TEST(TokenSigner, MissingOrMistypedClaimsAreRefused) {
  const auto s = signer();
  EXPECT_TRUE(s.verify(hs256(claims_json()), kNow).has_value());
  const std::string base = R"({"iss":"meridian-test")";
  const std::vector<std::string> bad = {
      base + R"(,"role":"trader","iat":1800000000,"exp":1800000900})",            // no sub
      base + R"(,"sub":42,"role":"trader","iat":1800000000,"exp":1800000900})",   // sub a number
      base + R"(,"sub":"0","role":"trader","iat":1800000000,"exp":1800000900})",  // not positive
      base + R"(,"sub":"-4","role":"trader","iat":1800000000,"exp":1800000900})",
      base + R"(,"sub":"042","role":"trader","iat":1800000000,"exp":1800000900})",
      base + R"(,"sub":"4x","role":"trader","iat":1800000000,"exp":1800000900})",
      base + R"(,"sub":"99999999999999999999","role":"trader","iat":1800000000,"exp":1800000900})",
      base + R"(,"sub":"42","iat":1800000000,"exp":1800000900})",  // no role
      base + R"(,"sub":"42","role":"anonymous","iat":1800000000,"exp":1800000900})",
      base + R"(,"sub":"42","role":"root","iat":1800000000,"exp":1800000900})",
      base + R"(,"sub":"42","role":"Admin","iat":1800000000,"exp":1800000900})",
      base + R"(,"sub":"42","role":["admin"],"iat":1800000000,"exp":1800000900})",
      base + R"(,"sub":"42","role":"trader","exp":1800000900})",                     // no iat
      base + R"(,"sub":"42","role":"trader","iat":1800000000})",                     // no exp
      base + R"(,"sub":"42","role":"trader","iat":1800000000,"exp":"1800000900"})",  // exp a string
      base + R"(,"sub":"42","role":"trader","iat":1800000000,"exp":1800000900.5})",  // exp a fraction
      base + R"(,"sub":"42","role":"trader","iat":1800000000,"exp":true})",
      base + R"(,"sub":"42","role":"trader","iat":1800000000,"exp":9223372036854775807})",  // beyond 2255
      base + R"(,"sub":"42","role":"trader","iat":1800000000,"exp":1799999999})",           // exp before iat
      base + R"(,"sub":"42","role":"trader","iat":-5,"exp":1800000900})",
  };
  for (const auto& grants : bad) EXPECT_EQ(error_of(s, hs256(grants)), TokenError::bad_claims) << grants;
}

TEST(TokenSigner, GarbageIsMalformed) {
  const auto s = signer();
  const auto good = s.issue(42, Role::trader, kNow);
  for (const std::string& token :
       {std::string(), std::string("garbage"), std::string("a.b.c"), std::string(".."), std::string("..."),
        std::string("eyJ.eyJ.eyJ"), b64("{}") + "." + b64("{}") + ".", b64("not json") + "." + b64("{}") + ".x",
        b64("[1,2]") + "." + b64("{}") + ".x", good.substr(0, good.find('.')), good + ".extra",
        std::string("Bearer ") + good, std::string(good.data(), 10) + std::string(1, '\0') + good.substr(11),
        good + std::string(1, '\0'), b64(R"({"typ":"JWT"})") + "." + b64(claims_json()) + "."})
    EXPECT_EQ(error_of(s, token), TokenError::malformed) << token;
}

TEST(TokenSigner, HugeTokensAreRefusedUnread) {
  const auto s = signer();
  const auto good = s.issue(42, Role::trader, kNow);
  const auto p = parts(good);
  EXPECT_EQ(error_of(s, p[0] + "." + std::string(100 * 1024, 'A') + "." + p[2]), TokenError::malformed);
  EXPECT_EQ(error_of(s, std::string(100 * 1024, '.')), TokenError::malformed);
  // A big but signed payload under the limit still verifies.
  const auto padded = hs256(claims_json(R"(,"pad":")" + std::string(2000, 'x') + "\""));
  EXPECT_LT(padded.size(), 4096u);
  EXPECT_TRUE(s.verify(padded, kNow).has_value());
}

TEST(TokenSigner, ErrorNamesAreTheReasonCodes) {
  EXPECT_EQ(to_string(TokenError::malformed), "malformed");
  EXPECT_EQ(to_string(TokenError::bad_algorithm), "bad_algorithm");
  EXPECT_EQ(to_string(TokenError::bad_signature), "bad_signature");
  EXPECT_EQ(to_string(TokenError::expired), "expired");
  EXPECT_EQ(to_string(TokenError::not_yet_valid), "not_yet_valid");
  EXPECT_EQ(to_string(TokenError::bad_issuer), "bad_issuer");
  EXPECT_EQ(to_string(TokenError::bad_claims), "bad_claims");
}

}  // namespace
}  // namespace meridian::auth
