#include "meridian/app/auth_setup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "app_log.hpp"

#include <boost/asio/ip/address.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include "meridian/app/config.hpp"
#include "meridian/app/secrets.hpp"
#include "meridian/auth/access_token.hpp"
#include "meridian/auth/opaque_token.hpp"
#include "meridian/storage/identity_store.hpp"

namespace meridian::app {

namespace fs = std::filesystem;

namespace {

bool is_loopback(const std::string& host) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

std::runtime_error file_error(const fs::path& path, const std::string& what, int error) {
  return std::runtime_error(path.string() + ": " + what + ": " + std::strerror(error));
}

void make_private_dir(const fs::path& dir) {
  if (dir.empty() || fs::exists(dir)) return;
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
}

// Writes `text` to `path` (mode 0600) unless `replace` is false and it exists: false then.
bool write_private(const fs::path& path, const std::string& text, bool replace) {
  make_private_dir(path.parent_path());
  const auto tmp = path.parent_path() / ("." + path.filename().string() + ".tmp." + std::to_string(::getpid()));
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) throw file_error(tmp, "cannot create", errno);
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : EIO;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw file_error(tmp, "cannot write", error);
    }
    done += static_cast<std::size_t>(n);
  }
  const int synced = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  if (synced != 0) {
    ::unlink(tmp.c_str());
    throw file_error(tmp, "cannot sync", synced);
  }
  // Without replace, link() creates the name only if it is free: of two daemons starting at
  // once, one secret wins and both use it.
  const bool placed = replace ? ::rename(tmp.c_str(), path.c_str()) == 0 : ::link(tmp.c_str(), path.c_str()) == 0;
  const int placed_errno = errno;
  if (!replace || !placed) ::unlink(tmp.c_str());
  if (!placed && !replace && placed_errno == EEXIST) return false;
  if (!placed) throw file_error(path, "cannot create", placed_errno);
  return true;
}

}  // namespace

bool auth_enabled(const Config& config) {
  if (config.auth.empty()) return !config.database_url.empty();
  return config.auth == "on";
}

std::string auth_config_problem(const Config& config) {
  if (config.auth == "on" && config.database_url.empty())
    return "--auth on needs a database (--database-url or DATABASE_URL): accounts, sessions and API keys are kept "
           "there";
  if (!auth_enabled(config) && !is_loopback(config.host))
    return "refusing to listen on " + config.host +
           " without authentication: anyone who can reach it could trade. Configure a database and --auth on, or "
           "listen on --host 127.0.0.1";
  return {};
}

fs::path state_dir(const Config& config) {
  if (!config.state_dir.empty()) return config.state_dir;
  if (const char* systemd = std::getenv("STATE_DIRECTORY"); systemd && *systemd) {
    const std::string dirs(systemd);
    return dirs.substr(0, dirs.find(':'));  // the first of a colon-separated list
  }
  return ".run";
}

std::string random_secret() {
  return auth::new_refresh_token().text;
}

void write_private_file(const fs::path& path, const std::string& text) {
  write_private(path, text, true);
}

std::string load_signing_secret(const Config& config) {
  fs::path path = config.jwt_secret_file;
  std::string secret;
  if (path.empty()) {
    path = state_dir(config) / "jwt-secret";
    if (!fs::exists(path)) {
      if (write_private(path, random_secret() + "\n", false))
        app_log()->info("generated the access-token signing secret in {} (mode 0600)", path.string());
    }
  }
  secret = read_secret_file(path.string());
  if (secret.size() < auth::kMinSigningSecretBytes)
    throw std::runtime_error("the access-token signing secret in " + path.string() + " is shorter than " +
                             std::to_string(auth::kMinSigningSecretBytes) + " bytes");
  return secret;
}

std::optional<fs::path> bootstrap_admin(storage::IdentityStore& store, const fs::path& state, auth::PasswordCost cost) {
  auto has_admin = store.has_admin();
  if (!has_admin) throw std::runtime_error("cannot look for an administrator: " + has_admin.error().message());
  if (*has_admin) return std::nullopt;
  const auto password = random_secret();
  const auto path = state / "admin-password";
  // The file first: an administrator whose password nobody can read would lock everyone out.
  write_private_file(path, password + "\n");
  storage::NewUser admin{kBootstrapAdminEmail, "Admin", "", auth::Role::admin, auth::hash_password(password, cost),
                         core::Money{}};
  auto created = store.create_user(admin);
  if (!created) {
    fs::remove(path);
    if (created.error() == core::Errc::conflict) {
      app_log()->error(
          "no enabled administrator with a password exists, and {} exists already (disabled or without a password): "
          "create one with `meridiand user add --email EMAIL --role admin`",
          kBootstrapAdminEmail);
      return std::nullopt;
    }
    throw std::runtime_error("cannot create the first administrator: " + created.error().message());
  }
  std::cout << "Meridian: created the administrator " << kBootstrapAdminEmail << " with the password " << password
            << "\n  (shown once; also in " << path.string() << ", mode 0600. Change it with POST /api/auth/password.)"
            << std::endl;
  app_log()->warn(
      "created the first administrator {}: its password was printed on the console and is in {} (mode 0600)",
      kBootstrapAdminEmail, path.string());
  return path;
}

}  // namespace meridian::app
