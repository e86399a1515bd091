#pragma once
// What `serve` needs for authentication before it listens: whether auth is on and the
// configuration allows it, the access-token signing secret, and a first administrator.
//
// Contract:
// - Auth is on by default when a database is configured (accounts live there) and needs one.
//   A daemon without auth listens on loopback only: anyone who can reach it can trade.
// - The signing secret comes from a file only (--jwt-secret-file / MERIDIAN_JWT_SECRET_FILE),
//   never argv or the environment's value; by default it is generated on the first start into
//   <state dir>/jwt-secret (mode 0600). A file that its group or others may read, or a secret
//   shorter than auth::kMinSigningSecretBytes, is refused.
// - The state directory is --state-dir / MERIDIAN_STATE_DIR, else systemd's $STATE_DIRECTORY,
//   else `.run` under the working directory; it is created with mode 0700.
#include <filesystem>
#include <optional>
#include <string>

#include "meridian/auth/password.hpp"
#include "meridian/core/error.hpp"

namespace meridian::storage {
class IdentityStore;
}

namespace meridian::app {

struct Config;

inline constexpr const char* kBootstrapAdminEmail = "admin@meridian.local";
inline constexpr const char* kTokenIssuer = "meridian";

bool auth_enabled(const Config& config);
// Why `serve` must not start with this configuration (exit 2), or "" when it may.
std::string auth_config_problem(const Config& config);
std::filesystem::path state_dir(const Config& config);

// The signing secret (see above); throws std::runtime_error naming the file and the problem,
// never the secret.
std::string load_signing_secret(const Config& config);

// 256 random bits as 43 characters of base64url (libsodium's CSPRNG): generated secrets and
// passwords.
std::string random_secret();

// Writes `text` to `path` with mode 0600 (a temporary file renamed into place), creating the
// directory (mode 0700) when missing. Throws std::runtime_error.
void write_private_file(const std::filesystem::path& path, const std::string& text);

// A first start with auth and no usable administrator: creates kBootstrapAdminEmail (role
// admin) with a random password, prints the password once on stdout and writes it to
// <state dir>/admin-password (mode 0600). Returns where it wrote it, or nullopt when an admin
// exists. Throws std::runtime_error when the store refuses.
std::optional<std::filesystem::path> bootstrap_admin(storage::IdentityStore& store, const std::filesystem::path& state,
                                                     auth::PasswordCost cost);

}  // namespace meridian::app
