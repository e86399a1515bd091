// auth::SecretBox and broker credentials sealed with it: round trips, and every way a sealed
// value must refuse to open (altered, another key, another context, another slot).
#include "meridian/auth/secret_box.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <set>

#include "meridian/auth/broker_credentials.hpp"

using namespace meridian;
using auth::SecretBox;

namespace {

constexpr std::string_view kKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
// The same 32 bytes in base64 (standard alphabet, padded).
constexpr std::string_view kKeyBase64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

SecretBox box(std::string_view text = kKeyHex) {
  auto b = SecretBox::from_text(text);
  if (!b) throw std::runtime_error("test key refused");
  return std::move(*b);
}

std::string text_of(const core::Result<auth::SecretText>& r) {
  return r ? std::string(r->view()) : "<" + r.error().message() + ">";
}

auth::BrokerCredentials creds(std::string_view id, std::string_view secret) {
  return {auth::SecretText(id), auth::SecretText(secret)};
}

}  // namespace

TEST(SecretBox, SealedTextOpensUnderTheSameKeyAndContext) {
  const auto b = box();
  const auto sealed = b.seal("the broker secret", "ctx");
  EXPECT_EQ(sealed.key_id, b.key_id());
  EXPECT_EQ(sealed.ciphertext.size(), std::string_view("the broker secret").size() + auth::kSealTagBytes);
  EXPECT_EQ(text_of(b.open(sealed, "ctx")), "the broker secret");
  // An empty plaintext is only the tag, and opens as empty.
  EXPECT_EQ(text_of(b.open(b.seal("", "ctx"), "ctx")), "");
}

TEST(SecretBox, TheCiphertextHoldsNoPlaintextAndEachSealHasItsOwnNonce) {
  const auto b = box();
  const std::string secret = "PLAINTEXT-MARKER-0123456789";
  std::set<std::vector<std::uint8_t>> ciphertexts;
  std::set<std::array<std::uint8_t, auth::kSealNonceBytes>> nonces;
  for (int i = 0; i < 50; ++i) {
    const auto sealed = b.seal(secret, "ctx");
    const std::string_view raw(reinterpret_cast<const char*>(sealed.ciphertext.data()), sealed.ciphertext.size());
    EXPECT_EQ(raw.find("PLAINTEXT"), std::string_view::npos);
    ciphertexts.insert(sealed.ciphertext);
    nonces.insert(sealed.nonce);
  }
  EXPECT_EQ(ciphertexts.size(), 50u);
  EXPECT_EQ(nonces.size(), 50u);
}

TEST(SecretBox, AnAlteredByteAnywhereIsRejected) {
  const auto b = box();
  const auto sealed = b.seal("the broker secret", "ctx");
  for (std::size_t i = 0; i < sealed.ciphertext.size(); ++i) {
    auto altered = sealed;
    altered.ciphertext[i] ^= 0x01;
    EXPECT_EQ(b.open(altered, "ctx").error(), core::Errc::rejected) << "ciphertext byte " << i;
  }
  for (std::size_t i = 0; i < sealed.nonce.size(); ++i) {
    auto altered = sealed;
    altered.nonce[i] ^= 0x80;
    EXPECT_EQ(b.open(altered, "ctx").error(), core::Errc::rejected) << "nonce byte " << i;
  }
  auto cut = sealed;
  cut.ciphertext.pop_back();
  EXPECT_EQ(b.open(cut, "ctx").error(), core::Errc::rejected);
  cut.ciphertext.resize(auth::kSealTagBytes - 1);
  EXPECT_EQ(b.open(cut, "ctx").error(), core::Errc::parse_error);
}

TEST(SecretBox, AnotherContextIsRejected) {
  const auto b = box();
  const auto sealed = b.seal("the broker secret", "user 1");
  EXPECT_EQ(b.open(sealed, "user 2").error(), core::Errc::rejected);
  EXPECT_EQ(b.open(sealed, "").error(), core::Errc::rejected);
}

TEST(SecretBox, AnotherKeyNeverOpensIt) {
  const auto b = box();
  const auto other = box(SecretBox::new_key_text());
  ASSERT_NE(other.key_id(), b.key_id());
  const auto sealed = b.seal("the broker secret", "ctx");
  // Named for another key: refused before any decryption.
  EXPECT_EQ(other.open(sealed, "ctx").error(), core::Errc::conflict);
  // The id forged to the other key's: the tag does not verify under it.
  auto forged = sealed;
  forged.key_id = other.key_id();
  EXPECT_EQ(other.open(forged, "ctx").error(), core::Errc::rejected);
}

TEST(SecretBox, TheKeyIdNamesTheKeyNotItsSpelling) {
  const auto hex = box(kKeyHex);
  EXPECT_EQ(hex.key_id().size(), 16u);
  EXPECT_EQ(hex.key_id().find_first_not_of("0123456789abcdef"), std::string::npos);
  // One key in each accepted spelling: one id, and each opens what another sealed.
  std::string upper(kKeyHex);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string url_safe(kKeyBase64);
  url_safe.pop_back();  // no padding
  for (const auto& spelling : {std::string(kKeyBase64), upper, url_safe, "  " + std::string(kKeyHex) + "\n"}) {
    const auto same = box(spelling);
    EXPECT_EQ(same.key_id(), hex.key_id()) << spelling;
    EXPECT_EQ(text_of(same.open(hex.seal("s", "c"), "c")), "s") << spelling;
  }
  // The id is not the key, nor a prefix of it.
  EXPECT_EQ(std::string(kKeyHex).find(hex.key_id()), std::string::npos);
  EXPECT_NE(box(SecretBox::new_key_text()).key_id(), hex.key_id());
}

TEST(SecretBox, KeysThatAreNot32GoodBytesAreRefused) {
  for (std::string_view bad :
       {"", "short", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e",    // 31 bytes
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",             // 33 bytes
        "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",               // not hex
        "0000000000000000000000000000000000000000000000000000000000000000",               // all zeros
        "4141414141414141414141414141414141414141414141414141414141414141",               // one byte
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gIQ==", "AAECAwQFBgcICQoLDA0ODxAR"})  // 34, 18 bytes
    EXPECT_EQ(SecretBox::from_text(bad).error(), core::Errc::invalid_argument) << bad;
  std::array<std::uint8_t, auth::kMasterKeyBytes> zeros{};
  EXPECT_FALSE(SecretBox::from_bytes(zeros));
  zeros[31] = 1;
  EXPECT_TRUE(SecretBox::from_bytes(zeros));
}

TEST(SecretBox, NewKeysAreHexOfRandomBytes) {
  const auto a = SecretBox::new_key_text();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, SecretBox::new_key_text());
  EXPECT_TRUE(SecretBox::from_text(a));
}

TEST(SecretText, MovingLeavesNothingBehind) {
  auth::SecretText a("short");
  auth::SecretText b(std::move(a));
  EXPECT_EQ(b.view(), "short");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the contract under test
  auth::SecretText c("a much longer secret that does not fit the small-string buffer");
  c = std::move(b);
  EXPECT_EQ(c.view(), "short");
  std::string s = "wipe me, and all of my capacity";
  s.resize(4);
  auth::wipe(s);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(std::string_view(s.data(), 4), std::string_view("\0\0\0\0", 4));
}

TEST(BrokerCredentials, RoundTripForItsSlotOnly) {
  const auto b = box();
  const auth::BrokerSlot slot{7, "alpaca", ""};
  const auto sealed = auth::seal_broker_credentials(b, slot, creds("PKABCDEFGHWXYZ", "s3cr3t/with+chars=="));
  auto opened = auth::open_broker_credentials(b, slot, sealed);
  ASSERT_TRUE(opened) << opened.error().message();
  EXPECT_EQ(opened->key_id.view(), "PKABCDEFGHWXYZ");
  EXPECT_EQ(opened->secret.view(), "s3cr3t/with+chars==");
  // Copied to another user, broker or label: it does not open.
  EXPECT_EQ(auth::open_broker_credentials(b, {8, "alpaca", ""}, sealed).error(), core::Errc::rejected);
  EXPECT_EQ(auth::open_broker_credentials(b, {7, "binance", ""}, sealed).error(), core::Errc::rejected);
  EXPECT_EQ(auth::open_broker_credentials(b, {7, "alpaca", "x"}, sealed).error(), core::Errc::rejected);
  EXPECT_EQ(auth::open_broker_credentials(box(SecretBox::new_key_text()), slot, sealed).error(), core::Errc::conflict);
}

TEST(BrokerCredentials, APlaintextThatIsNotACredentialIsAParseError) {
  const auto b = box();
  // What the credential format's context would be, around a plaintext too short for its length.
  using namespace std::string_literals;
  const auto context = "meridian/broker-credentials/v1\0"s + "7\0"s + "alpaca\0"s;
  const std::string plain = std::string("\x01\x00", 2) + "abc";  // says a 256-byte key id
  EXPECT_EQ(auth::open_broker_credentials(b, {7, "alpaca", ""}, b.seal(plain, context)).error(),
            core::Errc::parse_error);
}

TEST(BrokerCredentials, FieldRulesAndHint) {
  EXPECT_TRUE(auth::known_broker("alpaca"));
  EXPECT_TRUE(auth::known_broker("binance"));
  EXPECT_FALSE(auth::known_broker("Alpaca"));
  EXPECT_FALSE(auth::known_broker("groww"));
  using Issue = auth::BrokerFieldIssue;
  EXPECT_EQ(auth::check_broker_field("PKABCDEF", true), std::nullopt);
  EXPECT_EQ(auth::check_broker_field("PKABCDE", true), Issue::too_short);
  EXPECT_EQ(auth::check_broker_field(std::string(256, 'k'), true), std::nullopt);
  EXPECT_EQ(auth::check_broker_field(std::string(257, 'k'), true), Issue::too_long);
  EXPECT_EQ(auth::check_broker_field(std::string(257, 's'), false), Issue::too_long);
  EXPECT_EQ(auth::check_broker_field("PKAB CDEF", true), Issue::bad_character);
  EXPECT_EQ(auth::check_broker_field("secret with spaces", false), std::nullopt);
  EXPECT_EQ(auth::check_broker_field(std::string("secret\0nul", 10), false), Issue::bad_character);
  EXPECT_EQ(auth::check_broker_field(std::string("keyid\0nul", 9), true), Issue::bad_character);
  EXPECT_EQ(auth::check_broker_field("secret-line\n", false), Issue::bad_character);
  EXPECT_EQ(auth::broker_hint("PKABCDEFGHWXYZ"), "WXYZ");
  EXPECT_EQ(auth::describe(Issue::too_long, false), "secret must be at most 256 bytes");
  EXPECT_EQ(auth::to_string(Issue::bad_character), "bad_character");
}
