// SIGTERM and SIGINT make meridiand exit with 0, also with a WebSocket client and an idle
// keep-alive connection open while it trades.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fixture.hpp"
#include "support/ws_client.hpp"

namespace meridian::e2e {
namespace {

class Shutdown : public DaemonTest {};

DaemonOptions fast_trading() {
  DaemonOptions o;
  o.fast_period = 3;
  o.slow_period = 8;
  return o;
}

// A connected TCP socket that sends nothing: an idle keep-alive client.
class IdleConnection {
 public:
  explicit IdleConnection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~IdleConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  IdleConnection(const IdleConnection&) = delete;
  IdleConnection& operator=(const IdleConnection&) = delete;
  bool connected() const noexcept { return connected_; }

 private:
  int fd_;
  bool connected_ = false;
};

void expect_clean_exit_on(int signo, Daemon& d) {
  // Busy: trades are happening, a WS client listens, another connection idles.
  ASSERT_TRUE(
      poll_until([&] { return get_json(d.port(), "/api/trading/status").value("trades_count", 0) > 0; }, kDeadline))
      << "no trade before the signal";
  WsClient ws(d.port());
  ASSERT_TRUE(ws.next_of_type("connected", kDeadline));
  IdleConnection idle(d.port());
  ASSERT_TRUE(idle.connected());

  const auto status = d.stop(signo);
  ASSERT_TRUE(status) << "meridiand still runs 10 s after " << strsignal(signo) << " (the contract is 5 s)";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << "meridiand " << describe_wait_status(*status) << " after " << strsignal(signo);
  EXPECT_TRUE(ws.wait_closed(kDeadline)) << "the WebSocket connection was not closed";
}

TEST_F(Shutdown, SigtermExitsZero) {
  auto& d = start_daemon(fast_trading());
  expect_clean_exit_on(SIGTERM, d);
}

TEST_F(Shutdown, SigintExitsZero) {
  auto& d = start_daemon(fast_trading());
  expect_clean_exit_on(SIGINT, d);
}

TEST_F(Shutdown, SigtermWhenIdleExitsZero) {
  DaemonOptions quiet;
  quiet.autostart = false;
  auto& d = start_daemon(quiet);
  ASSERT_EQ(session_state(d.port()), "stopped");
  const auto status = d.stop(SIGTERM);
  ASSERT_TRUE(status) << "meridiand still runs 10 s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "meridiand " << describe_wait_status(*status);
}

// The port file announces that the daemon listens; a signal from then on is a clean shutdown.
// (A signal that lands before the handler is installed kills the process instead; the race is
// narrow, hence several rounds.)
TEST_F(Shutdown, SigtermRightAfterThePortFileExitsZero) {
  DaemonOptions options;
  options.database_url = db().url();
  for (int round = 1; round <= 20; ++round) {
    Daemon d(options);
    const auto status = d.stop(SIGTERM);
    ASSERT_TRUE(status) << "round " << round << ": meridiand still runs 10 s after SIGTERM";
    if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
      print_output("meridiand", d);
      FAIL() << "round " << round << ": meridiand " << describe_wait_status(*status)
             << " when SIGTERM came right after it wrote its port file";
    }
  }
}

}  // namespace
}  // namespace meridian::e2e
