#pragma once
// Secrets (a venue's API secret, the database password) reach meridiand from the environment,
// a file (--alpaca-secret-file) or the config file. A command line is readable by every local
// user (`ps`, /proc/PID/cmdline), so a secret given there anyway is accepted with a warning and
// overwritten in the process's own argv; and no log line shows a known secret.
#include <sys/types.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meridian::app {

// The arguments of a command line, copied before its secrets were wiped from the process's argv.
struct TakenArgs {
  std::vector<std::string> args;    // argv[1..] as given (secrets included)
  std::vector<std::string> hidden;  // the flags whose secret was wiped, for the warning
};

// Copies argv, then overwrites in place (so `ps` and /proc/PID/cmdline no longer show them) the
// value of --alpaca-secret-key and --metrics-token (`--flag VALUE` and `--flag=VALUE`) and the password inside
// --database-url. Call it first thing in main, before any thread starts: it writes argv.
TakenArgs take_args(int argc, char** argv);

// Where the password sits in a PostgreSQL connection string, as [offset, length) ranges: the
// userinfo of a URL (postgresql://user:PASSWORD@host), a `password=` URL query parameter, or a
// `password=` entry of a key=value string (quoted or not). Empty when there is none.
std::vector<std::pair<std::size_t, std::size_t>> database_password_ranges(std::string_view url);

// `url` with each password replaced by "***", for log lines and status output.
std::string redact_database_url(std::string_view url);

// Why a secret file with this st_mode must not be used, or "" when it may: it must be a regular
// file that neither its group nor others can read or write (as ssh demands of a private key and
// libpq of a password file): anyone else who can read it has the secret already, and anyone who
// can write it chooses the credentials we send.
std::string secret_file_mode_problem(mode_t mode);

// A secret file's contents without trailing whitespace (the newline an editor or `echo` adds).
std::string trim_secret(std::string text);

// Reads a secret from `path` (trimmed); throws std::runtime_error naming the path and the
// problem (never the contents) when it cannot be read, fails secret_file_mode_problem or is
// empty.
std::string read_secret_file(const std::string& path);

// Every log line of the default logger and of every module logger (core/log.hpp, made before or
// after this call) shows "***" in place of a registered secret. Call it once the default logger
// is set up, during start-up (it swaps the sinks without a lock). Secrets shorter than 4 characters are not registered:
// replacing them would garble every line while hiding almost nothing.
void redact_secrets_in_logs(const std::vector<std::string>& secrets);

// The secrets of a database URL as they may appear in messages: each password as written and,
// when it is percent-encoded, decoded.
std::vector<std::string> database_url_secrets(std::string_view url);

}  // namespace meridian::app
