#pragma once
// One WebSocket client (chat-multi pattern): its own strand, one write in flight, a queue
// bounded in bytes where price and candle updates coalesce to the latest per symbol, and a
// close with 1008 for a client that still falls behind (WsLimits: too many bytes owed, or no
// progress for too long; a burst a reading client drains is not "behind"). A client of /ws
// follows every symbol until it subscribes; one of /ws/stream/{symbol} follows that symbol.
// The same session serves ws:// and wss:// (ws_stream.hpp).
#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <vector>

#include "meridian/api/api_error.hpp"
#include "meridian/api/auth_gate.hpp"
#include "meridian/api/http_types.hpp"
#include "meridian/api/ws_hub.hpp"
#include "meridian/auth/principal.hpp"
#include "meridian/storage/audit_sink.hpp"
#include "ws_endpoint_hooks.hpp"
#include "ws_frame.hpp"
#include "ws_stream.hpp"

namespace meridian::api {

// How long a client without credentials has to send {"type":"auth"} when anonymous sockets are off.
inline constexpr std::chrono::seconds kWsAuthWindow{5};

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  enum class Endpoint : std::uint8_t {
    main,
    stream,
    logs,
    strategies
  };  // /ws, /ws/stream/{symbol}, /ws/logs, /ws/strategies

  WsSession(boost::asio::ip::tcp::socket&& socket, WsHub& hub, Endpoint endpoint = Endpoint::main,
            core::SymbolId stream_symbol = 0);
  // Over TLS: `stream` has completed its handshake (wss://).
  WsSession(boost::beast::ssl_stream<boost::beast::tcp_stream>&& stream, WsHub& hub, Endpoint endpoint = Endpoint::main,
            core::SymbolId stream_symbol = 0);
  // The {symbol} of a "/ws/stream/{symbol}" request target, if it is one.
  static std::optional<std::string_view> stream_symbol(std::string_view target) noexcept;
  ~WsSession();

  // Who the client is, as the upgrade request's credentials (header or ?token=) said, and the
  // policy (auth_gate.hpp). Before run(); without it the session is the anonymous caller of a
  // daemon with auth off (every topic, every command).
  void authorize(auth::Principal principal, AuthPolicy policy) noexcept;
  // Where the session's commands are recorded (the HTTP server's audit trail; null: none), and
  // the client's IP address for their rows. Before run().
  void audit_to(storage::AuditSink* sink, std::string address) noexcept;
  // An endpoint's own filter and client messages (ws_endpoint_hooks.hpp; /ws/logs). Before run().
  void set_hooks(std::shared_ptr<WsEndpointHooks> hooks) noexcept { hooks_ = std::move(hooks); }
  void run(HttpRequest request);
  // Any thread. Dropped unless the target's audience includes this client and the client
  // follows the target's symbol; a message with a coalesce key replaces a queued one with
  // the same key unless a message of that symbol that does not coalesce is queued after it
  // (a closed candle is never overtaken by the next period's update).
  // `stamp`: the message's topic and seq (the hub's); a live message of a topic this client
  // already has up to that seq (from a replay or snapshot) is dropped.
  void send(std::shared_ptr<const std::string> message, WsTarget target = {}, WsStamp stamp = {});
  // Any thread: a publish cycle's messages, in order, in one hand-off to the session's strand.
  void send_batch(std::shared_ptr<const std::vector<WsBatchItem>> batch);
  // Any thread: false when this client takes none of `items` by audience and symbol (a superset
  // of what send delivers: visibility and endpoint hooks are judged on the session's strand). The
  // hub asks before it hands a session anything, so a client that follows nothing of a cycle
  // (an idle one, one on another symbol) costs a few loads, not a post to its strand.
  bool might_want(std::span<const WsBatchItem> items) const noexcept;
  bool might_want(const WsTarget& target) const noexcept;
  // On the session's strand (the hub's resume): queues `message` if the client may get it, as
  // send does. A live message is dropped when this connection has its topic up to its seq
  // already; a replay skips what the connection was sent live; a snapshot always goes.
  enum class Delivery : std::uint8_t { live, replay, snapshot };
  void deliver(std::shared_ptr<const std::string> message, const WsTarget& target, WsStamp stamp, Delivery how);
  // Any thread.
  void close(boost::beast::websocket::close_code code, std::string reason);
  std::uint64_t id() const noexcept { return id_; }
  // Whether this client may see `portfolio`'s private topics and status: ownership.hpp's rule,
  // the one REST uses. An unknown portfolio is seen by nobody (with auth on). On the session's
  // strand.
  bool may_see(std::int64_t portfolio) const noexcept;
  // One text message from the client, as read from the socket. Public for fuzz/ws_fuzz.cpp,
  // which drives it on a session whose socket never opened.
  void on_message(std::string_view text);
  // How a session ends without anyone at fault: our own cancel (operation_aborted), a close
  // handshake (closed) or the peer hanging up (eof). fail() logs these at debug, the rest at warn.
  static bool expected_close(const boost::beast::error_code& ec) noexcept;

 private:
  // The one place a session's failed operation (`what`: accept, read, write, close) is reported.
  void fail(boost::beast::error_code ec, const char* what) const;
  using Clock = std::chrono::steady_clock;
  struct Outgoing {
    std::shared_ptr<const std::string> message;
    int key = -1;
    int symbol = -1;
    std::uint64_t seq = 0;  // position in the session's stream: the queue index is seq - front's seq
    // What a queued message counts against the byte budget: the text (shared with the other
    // clients, but owed by each) and the queue's own bookkeeping.
    std::size_t cost() const noexcept { return message->size() + sizeof(Outgoing); }
  };
  bool wants(const WsTarget& target) const noexcept;
  // The audience bits and symbols wants() takes, mirrored for might_want: written on the
  // session's strand whenever a subscription changes, before the subscribe's snapshot is taken
  // (under the hub's publish lock), so a cycle after the snapshot sees it; a cycle racing the
  // change is covered by the snapshot.
  void publish_interest() noexcept;
  // Seed 002's messages this session takes (a `subscribe`'s `messages`), counted in the hub.
  void set_seed_messages(bool price, bool quote) noexcept;
  // The ids of the portfolios this client may see, for the directory `visible_of_` was computed
  // from: recomputed when the directory changes (a portfolio created or deleted) or the
  // principal does, so a private message costs a pointer compare and a binary search.
  void refresh_visible() const noexcept;
  // The portfolio the client means when it names none (ownership.hpp default_for), if any.
  std::optional<engine::PortfolioId> default_portfolio() const noexcept;
  // The refusal a command needing `need` on `portfolio` gets from this client, or nullopt: the
  // REST gate's answers (401 unauthenticated and 403 forbidden saying `needs`, 404 not_found),
  // one ApiError for both the reply and the audit row.
  std::optional<ApiError> refusal(Role need, std::int64_t portfolio, std::string_view needs) const;
  void on_auth_message(const nlohmann::json& msg);
  void greet_stream();
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void enqueue(Outgoing out);
  // The queued message `out` replaces: the newest with its key, unless it is on the wire or a
  // message of its symbol that does not coalesce was queued after it. Constant time, so a
  // long queue (a burst) costs price updates nothing.
  Outgoing* replaceable(const Outgoing& out) noexcept;
  // Why the client is too slow to take `extra` more bytes now, or nullopt.
  std::optional<std::string> too_slow(std::size_t extra, Clock::time_point now) const;
  void drop_slow(const std::string& reason);
  // Writes what is queued now, or with batching on, once the batch timer fires.
  void start_write();
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void reply_error(std::string_view code, std::string_view message);
  // Completes and records a command's audit row (no-op without a trail).
  void record_audit(std::optional<storage::AuditEntry>& row, const ApiError* failure) const;
  void set_subscription(const std::vector<int>& symbols, bool subscribe);
  // {"type":"resume","since":{topic: seq, ...}}: what the client missed, then live.
  void on_resume_message(const nlohmann::json& msg);

  WsSession(WsStream&& ws, WsHub& hub, Endpoint endpoint, core::SymbolId stream_symbol);

  WsStream ws_;
  boost::beast::flat_buffer buffer_;
  WsHub& hub_;
  std::shared_ptr<WsHub::Registry> registry_;
  std::uint64_t id_;
  std::deque<Outgoing> queue_;  // the front is on the wire while writing_
  std::size_t queued_bytes_ = 0;
  std::uint64_t next_seq_ = 1;
  std::vector<std::uint64_t> latest_keyed_;  // per coalescing key: seq of its newest queued message (0: none)
  std::vector<std::uint64_t> latest_fixed_;  // per symbol: seq of its newest queued message that never coalesces
  // The last write completed, or the queue became non-empty: "no progress" counts from here.
  Clock::time_point progress_at_{};
  // How many queued messages are on the wire (the front ones: all queued when the write began,
  // up to kMaxFramesPerWrite, as one frame each or one batch); they stay queued until written.
  std::size_t in_flight_count_ = 0;
  std::size_t in_flight_bytes_ = 0;  // their text's bytes (what bytes_sent counts)
  // Batching's array on the wire; and the frames of a write: a header and a text each.
  std::shared_ptr<const std::string> in_flight_;
  std::vector<WsFrameHeader> headers_;
  std::vector<boost::asio::const_buffer> frames_;
  // Opt-in batching (a subscribe's `batch_ms`, 0: off): what is queued goes out as one JSON
  // array per interval instead of one frame per message; coalescing and the slow-client limits
  // apply to the queue as without it.
  std::chrono::milliseconds batch_{0};
  boost::asio::steady_timer batch_timer_;
  bool batch_armed_ = false;
  boost::asio::steady_timer close_timer_;  // drops a client that never acknowledges a 1008 close
  boost::asio::steady_timer auth_timer_;   // without ws_anonymous: closes a socket that never authenticates
  auth::Principal principal_{};
  AuthPolicy policy_{};
  storage::AuditSink* audit_ = nullptr;
  std::shared_ptr<WsEndpointHooks> hooks_;  // used on the session's strand only
  std::string address_;
  // Only the session's strand reads or writes these (may_see's cache).
  mutable std::shared_ptr<const engine::PortfolioDirectory> visible_of_;
  mutable std::vector<std::int64_t> visible_;  // sorted
  bool writing_ = false;
  bool closing_ = false;
  bool holding_ = false;          // a publish cycle is being queued: its write starts after the last message
  std::vector<bool> subscribed_;  // per symbol; all true until the client subscribes
  // Per hub topic id: the first and last seq this connection was sent of it (0: none), so a
  // replay after live messages repeats none of them and a late live copy of a replayed one is
  // dropped.
  struct Seen {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
  };
  std::vector<Seen> seen_;
  std::string resume_query_;  // the upgrade request's ?resume=, decoded
  bool filtered_ = false;
  // Seed 002's `price`/`quote` messages: on with a `subscribe` (as seed 002's clients expect),
  // chosen with its `messages`; counted in the hub while either is on.
  bool want_price_ = false, want_quote_ = false, counted_seed_ = false;
  Endpoint endpoint_;
  core::SymbolId stream_symbol_;
  // publish_interest's mirror: any thread reads, the session's strand writes.
  std::atomic<std::uint8_t> interest_audience_{0};
  std::vector<std::atomic<std::uint64_t>> interest_symbols_;  // a bit per symbol id
};

}  // namespace meridian::api
