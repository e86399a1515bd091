#pragma once
// A fake venue stream that converses: frames sent on open, answers to each client frame, and
// frames or a close pushed by the test at any time (to the newest connection). Real loopback
// TLS (the test certificate) and WebSocket, on its own thread. For venues whose streams need a
// request/answer exchange (Alpaca's auth and subscribe), which FakeWssVenue's fixed behaviours
// cannot give.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace venue_test {

class ReplyingWssVenue {
 public:
  struct Script {
    // Called on the server thread: what the n-th connection (0-based) sends right after the upgrade.
    std::function<std::vector<std::string>(std::size_t connection)> on_open;
    // Called on the server thread for each frame received: the frames to answer with.
    std::function<std::vector<std::string>(std::size_t connection, const std::string& frame)> on_frame;
  };
  explicit ReplyingWssVenue(Script script);
  ~ReplyingWssVenue();
  std::string url(const std::string& path = "/v2/iex") const;  // wss://127.0.0.1:PORT{path}
  // To the newest connection (dropped when it is closed).
  void push(std::string frame);
  void close();                            // the newest connection, 1001 going away
  std::size_t connections() const;         // upgrades accepted
  std::size_t handshake_failures() const;  // TLS handshakes that failed
  struct Received {
    std::size_t connection;
    std::string frame;
  };
  std::vector<Received> received() const;
  std::vector<std::string> targets() const;  // upgrade request target of each connection

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace venue_test
