#include "support/pg_cluster.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <pqxx/pqxx>
#include <stdexcept>

namespace meridian::e2e {

namespace fs = std::filesystem;

namespace {
constexpr const char* kRunuser = "/usr/sbin/runuser";
constexpr const char* kPostgresUser = "postgres";

// A port the kernel just handed out on 127.0.0.1 and that nobody listens on now; the server
// binds it a moment later (a collision in between makes start() fail loudly, never silently).
std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) throw std::runtime_error(std::string("cannot find a free port: ") + std::strerror(err));
  return ntohs(addr.sin_port);
}

// As root, the directory must belong to the user the server runs as (initdb and the server
// refuse root, and mkdtemp makes it 0700).
void hand_to_postgres(const fs::path& dir) {
  if (::geteuid() != 0) return;
  const passwd* pw = ::getpwnam(kPostgresUser);
  if (!pw) throw std::runtime_error("running as root but there is no `postgres` user to run the cluster as");
  if (::chown(dir.c_str(), pw->pw_uid, pw->pw_gid) != 0)
    throw std::runtime_error("chown " + dir.string() + ": " + std::strerror(errno));
}
}  // namespace

std::string postgres_bin_dir() {
  const char* v = std::getenv("MERIDIAN_E2E_PG_BIN");
  return v && *v ? std::string(v) : std::string("/usr/lib/postgresql/15/bin");
}

bool postgres_available() {
  const fs::path bin = postgres_bin_dir();
  return ::access((bin / "initdb").c_str(), X_OK) == 0 && ::access((bin / "pg_ctl").c_str(), X_OK) == 0 &&
         (::geteuid() != 0 || ::access(kRunuser, X_OK) == 0);
}

PgCluster::PgCluster() : dir_("meridian-pg-"), data_(dir_.path() / "data"), port_(free_loopback_port()) {
  hand_to_postgres(dir_.path());
  // --no-sync and fsync=off (below): the cluster lives for one test; a server crash (immediate
  // stop) still recovers everything committed, as the WAL is in the OS page cache.
  run_tool("initdb", {"-D", data_.string(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"},
           std::chrono::seconds(120));
  start();
}

PgCluster::~PgCluster() {
  if (!running_) return;
  try {
    stop(StopMode::immediate);
  } catch (const std::exception&) {
    // The directory goes away with dir_; a server that would not stop has nothing left to serve.
  }
}

std::string PgCluster::url(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

void PgCluster::start() {
  const std::string options = "-p " + std::to_string(port_) + " -k " + dir_.path().string() +
                              " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
                              " -c max_connections=40 -c shared_buffers=16MB";
  run_tool(
      "pg_ctl",
      {"start", "-w", "-t", "60", "-D", data_.string(), "-l", (dir_.path() / "server.log").string(), "-o", options},
      std::chrono::seconds(90));
  running_ = true;
}

void PgCluster::stop(StopMode mode) {
  run_tool("pg_ctl",
           {"stop", "-w", "-t", "60", "-D", data_.string(), "-m", mode == StopMode::fast ? "fast" : "immediate"},
           std::chrono::seconds(90));
  running_ = false;
}

void PgCluster::create_database(const std::string& name) const {
  pqxx::connection conn(url());
  pqxx::nontransaction tx(conn);
  tx.exec0("CREATE DATABASE " + tx.quote_name(name));
}

std::string PgCluster::log() const {
  return tail_of_file(dir_.path() / "server.log");
}

void PgCluster::run_tool(const std::string& tool, std::vector<std::string> args, std::chrono::seconds timeout) const {
  std::vector<std::string> argv;
  if (::geteuid() == 0) argv = {kRunuser, "-u", kPostgresUser, "--"};
  argv.push_back((fs::path(postgres_bin_dir()) / tool).string());
  argv.insert(argv.end(), args.begin(), args.end());

  // The tool's own output goes to a file of ours (opened before runuser drops root).
  const auto output = dir_.path() / "tools.log";
  const auto before = read_file(output).size();
  SpawnOptions spawn;
  spawn.argv = std::move(argv);
  spawn.cwd = dir_.path();
  spawn.output = output;
  Process p(spawn);
  const auto status = p.wait_exit(timeout);
  if (status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) return;
  const std::string why =
      status ? describe_wait_status(*status) : "still running after " + std::to_string(timeout.count()) + " s";
  throw std::runtime_error(tool + " " + why + "\n--- output ---\n" + read_file(output).substr(before) +
                           "\n--- server log ---\n" + log());
}

}  // namespace meridian::e2e
