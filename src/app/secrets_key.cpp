#include "meridian/app/secrets_key.hpp"

#include <cstdlib>
#include <stdexcept>

#include "meridian/app/config.hpp"
#include "meridian/app/secrets.hpp"

namespace meridian::app {

namespace {
constexpr const char* kKeyForm = "a secrets key is 32 bytes: 64 hex digits or base64 (e.g. `openssl rand -hex 32`)";
}  // namespace

std::string configured_secrets_key(const Config& config) {
  const char* env = std::getenv(kSecretsKeyEnv);
  const bool from_env = env && *env;
  if (from_env && !config.secrets_key_file.empty())
    throw std::runtime_error(std::string(kSecretsKeyEnv) + " and --secrets-key-file are both set: use one");
  std::string text = from_env ? trim_secret(env) : std::string();
  if (!config.secrets_key_file.empty()) text = read_secret_file(config.secrets_key_file);
  if (text.empty()) return text;
  if (!auth::SecretBox::from_text(text)) {
    const std::string where =
        from_env ? std::string(kSecretsKeyEnv) : "the secrets key file " + config.secrets_key_file;
    throw std::runtime_error(where + " does not hold a usable key: " + kKeyForm + ", not one byte repeated");
  }
  return text;
}

std::shared_ptr<const auth::SecretBox> secrets_box(const Config& config) {
  if (config.secrets_key.empty()) return nullptr;
  auto box = auth::SecretBox::from_text(config.secrets_key);
  // configured_secrets_key checked it: a failure here is a broken invariant.
  if (!box) throw std::logic_error("the configured secrets key is not usable");
  return std::make_shared<const auth::SecretBox>(std::move(*box));
}

}  // namespace meridian::app
