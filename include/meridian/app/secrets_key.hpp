#pragma once
// The master key users' broker credentials are sealed under (auth/secret_box.hpp): 32 bytes as
// 64 hex digits or base64, from the environment (MERIDIAN_SECRETS_KEY) or a file
// (--secrets-key-file / MERIDIAN_SECRETS_KEY_FILE; mode 0600 or stricter, read like every secret
// file: app/secrets.hpp). Never a flag's value: a command line is visible to every local user.
// Without one, the daemon runs, and refuses to store broker credentials (409 secrets_key_missing).
#include <memory>
#include <string>

#include "meridian/auth/secret_box.hpp"

namespace meridian::app {

struct Config;

inline constexpr const char* kSecretsKeyEnv = "MERIDIAN_SECRETS_KEY";

// The configured key's text, checked to be a usable key; "" when none is configured. Throws
// std::runtime_error naming where it came from and what is wrong (never the key): both sources
// set, an unreadable or exposed file, or text that is not a 32-byte key.
std::string configured_secrets_key(const Config& config);

// The box of config.secrets_key (filled from configured_secrets_key at start); null when empty.
std::shared_ptr<const auth::SecretBox> secrets_box(const Config& config);

}  // namespace meridian::app
