#pragma once
// The gateway's strand side of a live venue gateway, venue-neutral (Alpaca, Binance): the
// request queue, retries after a backoff, the published status, an order whose answer was lost
// resolved by its client order id before anything is sent again, restored orders asked for by
// their client order id, cancel then read back, the stream's reconnects each followed by a
// read-back of every acknowledged order and a reconciliation, and new entries paused while the
// stream is down or not yet reconciled. What differs per venue (its requests, how it signs,
// what its answers mean, its stream's protocol) is a VenueApi. Internal to the gateway module.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gateway_front.hpp"
#include "meridian/execution/gateway_executor.hpp"
#include "meridian/execution/gateway_orders.hpp"
#include "meridian/execution/gateway_status.hpp"
#include "meridian/execution/reconciliation.hpp"
#include "meridian/transport/backoff.hpp"
#include "meridian/transport/https_client.hpp"
#include "meridian/transport/request_queue.hpp"
#include "meridian/transport/tls.hpp"
#include "meridian/transport/wss_client.hpp"

namespace meridian::execution {

// One REST request to the venue: `target` is the path and query after the REST URL.
struct VenueCall {
  transport::HttpMethod method = transport::HttpMethod::get;
  std::string target;
  std::string body;
  bool timed = false;  // carries the venue's time and a signature over it: stamped at each send
};

// What an answer means, whatever the venue's codes.
enum class AnswerKind : std::uint8_t {
  ok,           // 2xx: done as asked
  not_found,    // the venue has no such order
  duplicate,    // a new order's client id the venue has already: an earlier send got there
  refused,      // the venue refused the request itself (a 4xx of its own)
  lost,         // no answer, a 5xx, or one we cannot read: whether it happened is unknown
  auth_failed,  // the keys (or the signature) were refused
};

// One stream frame, as the core acts on it.
struct StreamStep {
  enum class Kind : std::uint8_t {
    none,         // nothing to act on (`reply`, if any, is sent)
    connected,    // subscribed: what was missed is read back, then a reconciliation
    update,       // `update` about one of our orders
    auth_failed,  // the keys were refused: the stream stops, not retried
    invalid,      // `error` says why
    reconnect,    // the venue ended this stream's session (`error`): a new connect, as after a loss
  };
  Kind kind = Kind::none;
  VenueOrderUpdate update;
  std::string error;
  std::optional<std::string> reply;  // sent on the stream before anything else
};

// What a venue may ask of the core, on the gateway's strand: its own requests (through the one
// queue; `done` never runs once the gateway stopped), a call later, a problem for the status.
class VenueLink {
 public:
  virtual void request(const VenueCall& c, std::function<void(transport::HttpResult)> done) = 0;
  virtual void later(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
  virtual void problem(std::string what) = 0;  // logged at warn, the status's last_error

 protected:
  ~VenueLink() = default;
};

// A venue's requests and their meaning. Called on the gateway's strand only (attach: in the
// core's constructor).
class VenueApi {
 public:
  virtual ~VenueApi() = default;
  // The core, for a venue that makes requests of its own (Binance: its time, exchangeInfo, the
  // listenKey); it outlives the venue.
  virtual void attach(VenueLink&) {}
  // When the gateway starts, before the stream.
  virtual void start() {}
  // Whether the stream's target is asked of stream_target before every connect.
  virtual bool asks_stream_target() const { return false; }
  virtual void stream_target(transport::WssOptions::TargetDone done) { done(std::nullopt, "none"); }
  virtual std::string_view name() const noexcept = 0;         // "alpaca": logs, the status
  virtual std::string_view stream_name() const noexcept = 0;  // "trade_updates": logs
  // Finishes a request before it is queued: headers, and for a venue whose requests carry their
  // time a QueuedRequest::stamp (signed just before each send).
  virtual void finish(const VenueCall& call, transport::QueuedRequest& request) = 0;
  // Not const: an answer may tell the venue something (Binance's -1021: measure the clock again).
  virtual AnswerKind classify(const transport::HttpResult& answer) = 0;
  // An error body's message, for people.
  virtual std::string error_message(std::string_view body) const = 0;

  // The new order's request, or nullopt with `refusal` (it is rejected with that, never sent).
  virtual std::optional<VenueCall> submit(const Order& order, std::string_view client_order_id,
                                          std::string& refusal) const = 0;
  virtual VenueCall query(const Order& order, std::string_view client_order_id) const = 0;
  virtual VenueCall cancel(const Order& order, std::string_view venue_order_id,
                           std::string_view client_order_id) const = 0;
  // nullopt: the venue cannot replace (the engine is told no before it gets here).
  virtual std::optional<VenueCall> replace(const Order& order, std::string_view venue_order_id,
                                           const OrderRequest& changes, std::string_view client_order_id) const = 0;
  virtual VenueCall open_orders() const = 0;
  virtual VenueCall holdings() const = 0;

  virtual std::optional<VenueOrderUpdate> parse_order(std::string_view body, std::string& error) const = 0;
  virtual std::optional<std::vector<VenueOpenOrder>> parse_open_orders(std::string_view body,
                                                                       std::string& error) const = 0;
  virtual std::optional<std::vector<VenuePosition>> parse_holdings(std::string_view body, std::string& error) const = 0;

  // The stream: what its opening means (Alpaca: send the keys; Binance: connected), and what a
  // frame means.
  virtual StreamStep stream_opened() const = 0;
  virtual StreamStep stream_frame(std::string_view text) const = 0;
};

// Lives on the gateway's strand; the executor (engine strand) posts its calls here and reads
// only status() (any thread) and the front's hand-off.
class GatewayCore : public std::enable_shared_from_this<GatewayCore>, private VenueLink {
 public:
  using Then = std::function<void(GatewayCore&, transport::HttpResult)>;

  GatewayCore(boost::asio::any_io_executor strand, std::shared_ptr<GatewayFront> front, GatewayConfig config,
              std::unique_ptr<VenueApi> venue, std::string account_hint);
  virtual ~GatewayCore() = default;

  // The executor's constructor: the stream client (throws for a bad URL or CA file), then
  // start() posted to the strand.
  void make_stream();
  void start();
  // Any thread: off the board now; stop() on the strand ends everything.
  void unpublish();
  void stop();

  GatewayStatus last_published() const;
  const boost::asio::any_io_executor& strand() const noexcept { return strand_; }

  // ---- the engine's calls, posted here
  void submit(Order order);
  void cancel(OrderId id, std::string reason);
  void replace(OrderId id, const OrderRequest& changes);
  void restore(Order order);
  void count_reject();  // a submit the executor refused itself

 private:
  GatewayStatus current() const;
  void publish();
  // An answer for people: "HTTP 422: <the venue's message>", or the transport's error.
  std::string describe(const transport::HttpResult& r) const;
  void call(const VenueCall& c, Then then);
  // VenueLink
  void request(const VenueCall& c, std::function<void(transport::HttpResult)> done) override;
  void later(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void problem(std::string what) override { note_error(std::move(what)); }
  void at(std::chrono::milliseconds delay, std::function<void(GatewayCore&)> fn);
  void after(int attempt, std::function<void(GatewayCore&)> fn);
  void note_error(std::string what);
  void deliver() { front_->hand_off(made_); }
  void forget(OrderId id);
  void apply(VenueOrderUpdate u);
  bool parse_and_apply(const transport::HttpResult& r);
  const Order* order(OrderId id) const { return orders_.find(id); }

  void resolve_restored(OrderId id, int attempt);
  void post(OrderId id, std::string cid, VenueCall c);
  void on_post(OrderId id, std::string cid, VenueCall c, const transport::HttpResult& r);
  void resolve(OrderId id, std::string cid, VenueCall c, int attempt);
  void send_cancel(OrderId id, int attempt);
  void read_back(OrderId id, int attempt);
  void on_patch(OrderId id, const OrderRequest& changes, std::string cid, const transport::HttpResult& r, int attempt);

  void set_entries(bool open);
  void on_stream_open();
  void on_stream_message(std::string_view text);
  void act(StreamStep step);
  void on_stream_lost(std::string_view why);
  void read_back_all();
  void schedule_reconcile();
  void reconcile();
  void compare(const std::vector<VenueOpenOrder>& venue, const std::vector<VenuePosition>& positions);
  void reconciled(bool compared);

  boost::asio::any_io_executor strand_;  // the gateway's own
  std::shared_ptr<GatewayFront> front_;
  GatewayConfig config_;
  std::unique_ptr<VenueApi> venue_;
  std::string log_name_;  // venue_->name(), for logs
  GatewayOrders orders_;
  transport::RequestQueue rest_;
  std::unique_ptr<transport::WssClient> stream_;
  std::vector<ExecutionReport> made_;                        // this completion's reports
  std::unordered_map<OrderId, std::string> cancel_reasons_;  // cancels asked, not yet confirmed
  std::unordered_set<OrderId> cancel_after_ack_;             // cancels waiting for the venue's id
  std::list<std::shared_ptr<boost::asio::steady_timer>> timers_;
  GatewayStatus status_;
  boost::asio::steady_timer reconcile_timer_;
  bool reconciling_ = false;
  bool reconcile_again_ = false;
  bool stopped_ = false;
  mutable std::mutex published_mutex_;  // guards published_ and unpublished_
  GatewayStatus published_;
  bool unpublished_ = false;
};

}  // namespace meridian::execution
