#pragma once
// Fake venue servers for the venue client tests: real loopback TLS (the checked-in test
// certificate in this directory, for 127.0.0.1), real HTTP/1.1 and WebSocket, each on its own
// thread. Replies are scripted by the test; every request is logged with the server's arrival
// time, so tests assert ordering from the server's side instead of timing the client.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace venue_test {

std::string test_cert_path();  // PEM certificate of the fake venues (also their CA)

struct Reply {
  unsigned status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool stall = false;  // read the request, then never answer (the connection stays open)
};

struct LoggedRequest {
  std::string target;
  std::chrono::steady_clock::time_point at;
  std::vector<std::pair<std::string, std::string>> headers;  // as received, names as sent
  std::string method;                                        // "GET", "POST", ...
  std::string body;
  // Case-insensitive; "" when absent.
  std::string header(const std::string& name) const;
};

class FakeHttpsVenue {
 public:
  // Called on the server thread for each request, with the request target.
  using Handler = std::function<Reply(const std::string& target)>;
  explicit FakeHttpsVenue(Handler handler);
  // Called on the server thread with the whole request (method, target, headers, body): for
  // fakes of APIs that change state (order gateways).
  using RequestHandler = std::function<Reply(const LoggedRequest& request)>;
  explicit FakeHttpsVenue(RequestHandler handler);
  ~FakeHttpsVenue();
  std::string url() const;  // https://127.0.0.1:PORT
  std::vector<LoggedRequest> requests() const;
  std::size_t count(const std::string& target_part) const;  // requests whose target contains this
  std::size_t handshake_failures() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

enum class WsBehaviour {
  echo,           // send every message back
  close_on_open,  // close (1001 going away) right after the upgrade
  silent,         // never read: pings go unanswered, like a stalled venue
  scripted,       // send the connection's WsScript frames, then close or echo
};

// What a `scripted` connection sends right after the upgrade, in order.
struct WsScript {
  std::vector<std::string> frames;
  bool close_after = false;  // then close (1001 going away); otherwise answer like `echo`
};

class FakeWssVenue {
 public:
  // Chooses the behaviour of the n-th connection (0-based).
  using Choose = std::function<WsBehaviour(std::size_t connection)>;
  explicit FakeWssVenue(Choose choose);
  // Every connection `scripted` with the n-th connection's script.
  using Script = std::function<WsScript(std::size_t connection)>;
  explicit FakeWssVenue(Script script);
  ~FakeWssVenue();
  std::string url() const;  // wss://127.0.0.1:PORT/stream
  std::size_t connections() const;
  std::size_t pings() const;  // ping frames received (keepalive)
  std::vector<std::string> messages() const;
  std::vector<std::string> targets() const;  // request target of each upgrade, in order

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// Polls `done` until it holds or `limit` passes; true when it held.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(10));

}  // namespace venue_test
