// Fuzz target: WebSocket client messages on /ws, through the session's message handler
// (WsSession::on_message: subscribe/unsubscribe, getStatus, ping, and the session commands
// start/stop/pause/resume/updateStrategy that run on the engine).
//
// Input: one client message per line (a JSON text never needs a raw newline), up to 32, on a
// new session of a daemon in its initial state (fake_daemon.hpp). The session's socket never
// opens: its replies are queued and their writes fail, which the session handles as a closed
// connection. Checked: the sanitizers, and that no exception escapes the handler (which the
// read loop would not catch).
#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "fake_daemon.hpp"
#include "meridian/api/ws_hub.hpp"
#include "ws_session.hpp"

namespace {

constexpr std::size_t kMaxMessages = 32;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meridian;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto& daemon = fuzz::pristine_daemon();
  api::WsHub hub(daemon.io, daemon.ctx);
  auto session = std::make_shared<api::WsSession>(boost::asio::ip::tcp::socket(daemon.io), hub);
  for (std::size_t n = 0; n < kMaxMessages && !input.empty(); ++n) {
    const auto end = input.find('\n');
    const auto message = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
    try {
      session->on_message(message);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ws_fuzz: on_message threw: %s\n", e.what());
      std::abort();
    }
    daemon.settle();  // engine commands and their replies
  }
  return 0;
}
