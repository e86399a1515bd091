// SecretBox: XChaCha20-Poly1305 (IETF construction) with the key_id and a caller's context as
// associated data; master keys read from hex or base64 text.
#include "meridian/auth/secret_box.hpp"

#include <algorithm>

#include "sodium.hpp"

namespace meridian::auth {

static_assert(kMasterKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kSealNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kSealTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);

namespace {

// The BLAKE2b key of key ids: separates them from any other hash of the same bytes.
constexpr std::string_view kKeyIdDomain = "meridian/secrets-key-id/v1";
constexpr std::size_t kKeyIdBytes = 8;  // 16 hex digits

const unsigned char* bytes(std::string_view s) noexcept {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string_view trimmed(std::string_view s) noexcept {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Exactly kMasterKeyBytes from `text` as hex or one of the base64 variants; false otherwise.
bool decode_key(std::string_view text, std::array<std::uint8_t, kMasterKeyBytes>& out) {
  std::size_t len = 0;
  const char* end = nullptr;
  if (text.size() == 2 * kMasterKeyBytes &&
      sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end) == 0 && len == out.size() &&
      end == text.data() + text.size())
    return true;
  for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                      sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end, variant) == 0 &&
        len == out.size() && end == text.data() + text.size())
      return true;
  }
  sodium_memzero(out.data(), out.size());
  return false;
}

std::string key_id_of(const std::array<std::uint8_t, kMasterKeyBytes>& key) {
  std::array<unsigned char, crypto_generichash_BYTES_MIN> digest{};
  crypto_generichash(digest.data(), digest.size(), key.data(), key.size(), bytes(kKeyIdDomain), kKeyIdDomain.size());
  std::array<char, 2 * kKeyIdBytes + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), kKeyIdBytes);
  return std::string(hex.data(), 2 * kKeyIdBytes);
}

// What seal binds besides the plaintext: the key id, a NUL, the context.
std::string associated_data(std::string_view key_id, std::string_view context) {
  std::string ad;
  ad.reserve(key_id.size() + 1 + context.size());
  ad.append(key_id).push_back('\0');
  ad.append(context);
  return ad;
}

}  // namespace

void wipe(std::string& s) noexcept {
  // The whole capacity: a string that shrank keeps its old bytes past size().
  s.resize(s.capacity());
  sodium_memzero(s.data(), s.size());
  s.clear();
}

SecretText::SecretText(SecretText&& other) noexcept : text_(std::move(other.text_)) {
  wipe(other.text_);  // a short string's bytes were copied, and stay in other's own buffer
}

SecretText& SecretText::operator=(SecretText&& other) noexcept {
  if (this != &other) {
    wipe(text_);
    text_ = std::move(other.text_);
    wipe(other.text_);
  }
  return *this;
}

SecretText::~SecretText() {
  wipe(text_);
}

struct SecretBox::Key {
  std::array<std::uint8_t, kMasterKeyBytes> bytes{};
  ~Key() { sodium_memzero(bytes.data(), bytes.size()); }
};

SecretBox::SecretBox(std::unique_ptr<Key> key) : key_(std::move(key)), key_id_(key_id_of(key_->bytes)) {}
SecretBox::SecretBox(SecretBox&&) noexcept = default;
SecretBox& SecretBox::operator=(SecretBox&&) noexcept = default;
SecretBox::~SecretBox() = default;

core::Result<SecretBox> SecretBox::from_key(std::unique_ptr<Key> key) {
  const auto& k = key->bytes;
  if (std::all_of(k.begin(), k.end(), [&](std::uint8_t b) { return b == k[0]; })) return core::Errc::invalid_argument;
  return SecretBox(std::move(key));
}

core::Result<SecretBox> SecretBox::from_bytes(const std::array<std::uint8_t, kMasterKeyBytes>& key) {
  detail::ensure_sodium();
  auto held = std::make_unique<Key>();
  held->bytes = key;
  return from_key(std::move(held));
}

core::Result<SecretBox> SecretBox::from_text(std::string_view text) {
  detail::ensure_sodium();
  auto held = std::make_unique<Key>();
  if (!decode_key(trimmed(text), held->bytes)) return core::Errc::invalid_argument;
  return from_key(std::move(held));
}

std::string SecretBox::new_key_text() {
  detail::ensure_sodium();
  Key key;
  randombytes_buf(key.bytes.data(), key.bytes.size());
  std::string hex(2 * kMasterKeyBytes + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), key.bytes.data(), key.bytes.size());
  hex.pop_back();  // the NUL sodium_bin2hex writes
  return hex;
}

Sealed SecretBox::seal(std::string_view plaintext, std::string_view context) const {
  Sealed out;
  out.key_id = key_id_;
  randombytes_buf(out.nonce.data(), out.nonce.size());
  out.ciphertext.resize(plaintext.size() + kSealTagBytes);
  const auto ad = associated_data(key_id_, context);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.ciphertext.data(), &written, bytes(plaintext), plaintext.size(),
                                             bytes(ad), ad.size(), nullptr, out.nonce.data(), key_->bytes.data());
  out.ciphertext.resize(written);
  return out;
}

core::Result<SecretText> SecretBox::open(const Sealed& sealed, std::string_view context) const {
  if (sealed.key_id != key_id_) return core::Errc::conflict;
  if (sealed.ciphertext.size() < kSealTagBytes) return core::Errc::parse_error;
  std::string plain(sealed.ciphertext.size() - kSealTagBytes, '\0');
  const auto ad = associated_data(key_id_, context);
  unsigned long long written = 0;
  const int refused = crypto_aead_xchacha20poly1305_ietf_decrypt(
      reinterpret_cast<unsigned char*>(plain.data()), &written, nullptr, sealed.ciphertext.data(),
      sealed.ciphertext.size(), bytes(ad), ad.size(), sealed.nonce.data(), key_->bytes.data());
  if (refused != 0) {
    wipe(plain);
    return core::Errc::rejected;
  }
  SecretText text(std::string_view(plain.data(), written));
  wipe(plain);
  return text;
}

}  // namespace meridian::auth
