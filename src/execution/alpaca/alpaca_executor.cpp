#include "meridian/execution/alpaca/alpaca_executor.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <list>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "meridian/core/log.hpp"
#include "meridian/execution/alpaca/messages.hpp"
#include "meridian/transport/request_queue.hpp"
#include "meridian/transport/strand_beside.hpp"
#include "meridian/transport/wss_client.hpp"

namespace meridian::execution {

namespace asio = boost::asio;
using transport::HttpMethod;
using transport::HttpResult;

namespace {

const std::shared_ptr<spdlog::logger>& gateway_log() {
  return core::module_logger<"gateway">();
}

bool is_2xx(const HttpResult& r) noexcept {
  return r.ok() && r.response.status >= 200 && r.response.status < 300;
}
bool is_4xx(const HttpResult& r) noexcept {
  return r.ok() && r.response.status >= 400 && r.response.status < 500;
}
std::string describe(const HttpResult& r) {
  if (!r.ok()) return r.error;
  return "HTTP " + std::to_string(r.response.status) + ": " + alpaca::error_message(r.response.body);
}

// Retries of one chain (a resolve, a cancel) give up after this many: the stream or the next
// reconnect's read-back carries on from there.
constexpr int kMaxRetries = 12;

}  // namespace

// The engine strand's side: the engine's view of the open orders, and the reports on their way
// from the gateway's strand. `outbox` is the hand-off (the gateway's strand appends, the engine
// strand takes): a mutex, not a ring, since order reports are few and never per tick.
struct AlpacaExecutor::Front : std::enable_shared_from_this<AlpacaExecutor::Front> {
  explicit Front(asio::any_io_executor ex) : engine(std::move(ex)) {}

  // ---- the gateway's strand

  void hand_off(std::vector<ExecutionReport>& made) {
    if (made.empty()) return;
    bool post_drain = false;
    {
      std::lock_guard lock(mutex);
      outbox.insert(outbox.end(), std::make_move_iterator(made.begin()), std::make_move_iterator(made.end()));
      post_drain = !drain_posted;
      drain_posted = true;
    }
    made.clear();
    if (post_drain) asio::post(engine, [self = shared_from_this()] { self->drain(); });
  }

  // ---- the engine strand

  // Moves what the gateway handed off into `held` (in order, behind what is there).
  void take() const {
    std::lock_guard lock(mutex);
    held.insert(held.end(), std::make_move_iterator(outbox.begin()), std::make_move_iterator(outbox.end()));
    outbox.clear();
  }

  void drain() {
    {
      std::lock_guard lock(mutex);
      drain_posted = false;
    }
    if (detached) return;
    take();
    if (sink == nullptr || held.empty()) return;  // before the first call: held until it
    hand_over();
    sink->reports_arrived();
  }

  // Inside an executor call: reports waiting so far are handed over with the call's own.
  void bind(ExecutionSink& s) {
    sink = &s;
    if (held.empty()) return;
    hand_over();
  }

  void hand_over() {
    for (auto& r : std::exchange(held, {})) {
      mirror(r.order);
      sink->report(std::move(r));
    }
  }

  // The engine's view follows every report handed over.
  void mirror(const Order& o) {
    const auto it = std::find_if(open.begin(), open.end(), [&](const Order& x) { return x.id == o.id; });
    if (is_terminal(o.status)) {
      if (it != open.end()) open.erase(it);
      cancelling.erase(o.id);
    } else if (it != open.end()) {
      *it = o;
    } else {
      open.push_back(o);
    }
  }

  const Order* find(OrderId id) const noexcept {
    for (const auto& o : open)
      if (o.id == id) return &o;
    return nullptr;
  }

  asio::any_io_executor engine;
  ExecutionSink* sink = nullptr;
  std::vector<Order> open;                    // submitted or restored, not terminal as reported
  std::unordered_set<OrderId> cancelling;     // cancels asked, the order not yet terminal
  bool detached = false;                      // the executor is gone: drains deliver nothing
  mutable std::vector<ExecutionReport> held;  // taken from the outbox, not handed over yet
  mutable std::mutex mutex;                   // guards outbox and drain_posted
  mutable std::vector<ExecutionReport> outbox;
  bool drain_posted = false;
  // Written on the gateway's strand (Impl::set_entries), read on the engine strand per order.
  std::atomic<bool> entries{false};
};

struct AlpacaExecutor::Impl : std::enable_shared_from_this<AlpacaExecutor::Impl> {
  using Then = std::function<void(Impl&, HttpResult)>;

  Impl(asio::any_io_executor ex, std::shared_ptr<Front> f, AlpacaConfig c, auth::BrokerCredentials k)
      : strand(std::move(ex)),
        front(std::move(f)),
        config(std::move(c)),
        keys(std::move(k)),
        orders(config.portfolio),
        rest(strand, config.tls, config.timeouts, config.connections,
             transport::RateLimitPolicy{0, config.default_rate_wait, {}}),
        reconcile_timer(strand) {
    status.gateway = "alpaca";
    status.venue = config.rest_url;
    status.account_hint = auth::broker_hint(keys.key_id.view());
    status.portfolio_id = config.portfolio;
  }

  // Builds the stream client (throws for a bad URL or CA file); start() runs on the strand.
  void make_stream() {
    transport::WssOptions o;
    o.url = config.stream_url;
    o.tls = config.tls;
    o.connect_timeout = config.timeouts.connect;
    o.idle_timeout = config.stream_idle_timeout;
    o.backoff = config.backoff;
    const std::weak_ptr<Impl> w = weak_from_this();
    transport::WssClient::Handlers h;
    h.on_open = [w] {
      if (auto self = w.lock()) {
        self->on_stream_open();
        self->publish();
      }
    };
    h.on_message = [w](std::string_view text) {
      if (auto self = w.lock()) {
        self->on_stream_message(text);
        self->publish();
      }
    };
    h.on_disconnect = [w](std::string_view why) {
      if (auto self = w.lock()) {
        self->on_stream_lost(why);
        self->publish();
      }
    };
    stream = std::make_unique<transport::WssClient>(strand, std::move(o), std::move(h));
  }
  void start() {
    stream->start();
    schedule_reconcile();
    publish();
  }

  GatewayStatus current() const {
    auto st = status;
    st.open_orders = orders.open().size();
    st.rate_limited = rest.rate_limited();
    st.rate_limit_hold = rest.holding();
    return st;
  }
  // The status as of now, for readers on any thread (status(), the board). Nothing is published
  // once the executor is gone (unpublish), so its board entry stays removed.
  void publish() {
    auto st = current();
    std::lock_guard lock(published_mutex);
    if (unpublished) return;
    if (config.board) config.board->publish(st);
    published = std::move(st);
  }
  GatewayStatus last_published() const {
    std::lock_guard lock(published_mutex);
    return published;
  }
  // Any thread (the executor's destructor): off the board now, whatever the strand is doing.
  void unpublish() {
    std::lock_guard lock(published_mutex);
    unpublished = true;
    if (config.board) config.board->remove(status.gateway, status.portfolio_id);
  }

  void stop() {
    stopped = true;
    reconcile_timer.cancel();
    if (stream) stream->stop();
    for (auto& t : timers) t->cancel();
    timers.clear();
  }

  // ------------------------------------------------------------ plumbing

  transport::HttpHeaders headers() const {
    return {{"APCA-API-KEY-ID", std::string(keys.key_id.view())},
            {"APCA-API-SECRET-KEY", std::string(keys.secret.view())}};
  }

  void call(HttpMethod method, const std::string& path, std::string body, Then then) {
    rest.send(transport::QueuedRequest{method, config.rest_url + path, std::move(body), headers(),
                                       [w = weak_from_this(), then = std::move(then)](HttpResult r) {
                                         auto self = w.lock();
                                         if (!self || self->stopped) return;
                                         then(*self, std::move(r));
                                         self->publish();
                                       }});
  }

  void after(int attempt, std::function<void(Impl&)> fn) {
    transport::Backoff b(config.backoff);
    auto delay = b.next();
    for (int k = 0; k < attempt; ++k) delay = b.next();
    auto timer = std::make_shared<asio::steady_timer>(strand, delay);
    timers.push_back(timer);
    timer->async_wait([w = weak_from_this(), timer, fn = std::move(fn)](const boost::system::error_code& ec) {
      auto self = w.lock();
      if (ec || !self || self->stopped) return;
      self->timers.remove(timer);
      fn(*self);
      self->publish();
    });
  }

  void note_error(std::string what) {
    gateway_log()->warn("alpaca: {}", what);
    status.last_error = std::move(what);
  }

  // Reports made in an I/O completion go to the engine strand.
  void deliver() { front->hand_off(made); }

  void apply(VenueOrderUpdate u) {
    const auto id = orders.by_client_order_id(u.client_order_id);
    if (id && u.state == VenueOrderState::cancelled && u.reason.empty())
      if (const auto it = cancel_reasons.find(*id); it != cancel_reasons.end()) u.reason = it->second;
    const auto before = made.size();
    const auto outcome = orders.apply(u, made);
    if (outcome == UpdateOutcome::unknown_order) {
      ++status.unknown_updates;
      gateway_log()->warn("alpaca: an update about order {} ({}), which this gateway did not place", u.venue_order_id,
                          u.client_order_id);
    } else if (outcome == UpdateOutcome::overfill) {
      note_error("order " + u.client_order_id + ": the venue reports more filled than ordered");
    } else if (outcome == UpdateOutcome::unpriced) {
      gateway_log()->info("alpaca: a fill of {} without a price yet", u.client_order_id);
    }
    for (auto k = before; k < made.size(); ++k)
      if (made[k].kind == ExecutionReport::Kind::fill) ++status.fills;
    if (!id) return;
    if (!orders.find(*id)) {
      cancel_reasons.erase(*id);
      cancel_after_ack.erase(*id);
    } else if (cancel_after_ack.contains(*id) && !orders.venue_order_id(*id).empty()) {
      cancel_after_ack.erase(*id);
      send_cancel(*id, 0);
    }
  }

  bool parse_and_apply(const HttpResult& r) {
    std::string error;
    auto u = alpaca::parse_order(r.response.body, error);
    if (!u) {
      note_error("an order answer that is not an order: " + error);
      return false;
    }
    apply(std::move(*u));
    return true;
  }

  static std::string by_client_path(std::string_view client_order_id) {
    // Our ids are [a-z0-9-]: nothing to escape.
    return "/v2/orders:by_client_order_id?client_order_id=" + std::string(client_order_id);
  }

  // ------------------------------------------------------------ the engine's calls, queued here

  void submit(Order order, const std::string& symbol) {
    const auto id = order.id;
    const auto request = order.request;
    std::string cid;
    if (!orders.add(std::move(order), cid)) {
      // An id of an order that ended already (an open one the engine side refused itself).
      Order dup;
      dup.id = id;
      dup.request = request;
      dup.status = OrderStatus::rejected;
      dup.reason = "duplicate_order_id: order id " + std::to_string(id) + " was already sent";
      ++status.rejects;
      made.push_back(ExecutionReport::changed(std::move(dup)));
      deliver();
      return publish();
    }
    post(id, cid, alpaca::order_body(request, symbol, cid));
    publish();
  }

  void cancel(OrderId id, std::string reason) {
    if (!orders.find(id) || cancel_reasons.contains(id)) return;
    cancel_reasons.emplace(id, std::move(reason));
    if (orders.venue_order_id(id).empty())
      cancel_after_ack.insert(id);
    else
      send_cancel(id, 0);
  }

  void replace(OrderId id, const OrderRequest& changes) {
    const auto* o = orders.find(id);
    if (o == nullptr || changes.quantity <= o->filled_quantity || orders.venue_order_id(id).empty() ||
        cancel_reasons.contains(id))
      return;
    const auto cid = orders.begin_replace(id);
    if (!cid) return note_error("replacing order " + std::to_string(id) + ": a replace is under way already");
    const std::string venue(orders.venue_order_id(id));
    call(HttpMethod::patch, "/v2/orders/" + venue, alpaca::replace_body(*o, changes, *cid),
         [id, changes, cid = *cid](Impl& self, HttpResult r) { self.on_patch(id, changes, cid, r, 0); });
  }

  // An order stored open before the daemon stopped (maybe killed between its POST and the
  // answer): the venue is asked for it by its client order id before anything else, and it is
  // never sent again from here.
  void restore(Order order) {
    const auto id = order.id;
    if (orders.find(id)) return;
    orders.restore(std::move(order));
    resolve_restored(id, 0);
    publish();
  }

  // Found: the venue's state and fills are taken (fills booked once: GatewayOrders). Not found
  // (404): it never reached the venue and ends "not_at_venue". Anything else: asked again later.
  void resolve_restored(OrderId id, int attempt) {
    const std::string cid(orders.current_client_order_id(id));
    if (cid.empty()) return;
    call(HttpMethod::get, by_client_path(cid), {}, [id, cid, attempt](Impl& self, HttpResult r) {
      if (!self.orders.find(id)) return;
      if (is_2xx(r)) {
        if (self.parse_and_apply(r)) return self.deliver();
      } else if (r.ok() && r.response.status == 404) {
        gateway_log()->warn("alpaca: order {} ({}), open when the daemon stopped, is not at the venue: ended", id, cid);
        self.orders.not_at_venue(id, "not_at_venue: the venue has no order " + cid + " (it was never received)",
                                 core::now(), self.made);
        self.cancel_reasons.erase(id);
        self.cancel_after_ack.erase(id);
        return self.deliver();
      } else {
        self.note_error("asking for restored order " + cid + ": " + describe(r));
      }
      self.after(attempt, [id, attempt](Impl& s) { s.resolve_restored(id, std::min(attempt + 1, kMaxRetries)); });
    });
  }

  // ------------------------------------------------------------ submit

  void post(OrderId id, std::string cid, std::string body) {
    ++status.orders_sent;
    auto copy = body;
    call(HttpMethod::post, "/v2/orders", std::move(copy),
         [id, cid = std::move(cid), body = std::move(body)](Impl& self, HttpResult r) mutable {
           self.on_post(id, std::move(cid), std::move(body), r);
         });
  }

  void on_post(OrderId id, std::string cid, std::string body, const HttpResult& r) {
    const auto* o = orders.find(id);
    if (o == nullptr) return;  // the stream ended it meanwhile
    if (is_2xx(r)) {
      if (!parse_and_apply(r)) resolve(id, std::move(cid), std::move(body), 0);
      return deliver();
    }
    // 422 for a client order id Alpaca already has: an earlier send of this order got there.
    const bool duplicate = r.ok() && r.response.status == 422 &&
                           alpaca::error_message(r.response.body).find("client_order_id") != std::string::npos;
    if (is_4xx(r) && !duplicate) {
      ++status.rejects;
      orders.refuse(id, "alpaca: " + alpaca::error_message(r.response.body), core::now(), made);
      cancel_reasons.erase(id);
      cancel_after_ack.erase(id);
      return deliver();
    }
    ++status.lost_answers;
    note_error("order " + cid + ": " + describe(r) + "; asking the venue whether it has it");
    resolve(id, std::move(cid), std::move(body), 0);
  }

  // Whether the venue has the order `cid`, before anything is sent again.
  void resolve(OrderId id, std::string cid, std::string body, int attempt) {
    const auto path = by_client_path(cid);
    call(HttpMethod::get, path, {},
         [id, cid = std::move(cid), body = std::move(body), attempt](Impl& self, HttpResult r) mutable {
           if (!self.orders.find(id)) return;
           if (is_2xx(r)) {
             self.parse_and_apply(r);
             return self.deliver();
           }
           if (r.ok() && r.response.status == 404) {
             // Not there: it never arrived. A cancel asked meanwhile ends it here; otherwise it
             // is sent again under the same id (a copy still on its way is refused by the venue).
             if (const auto it = self.cancel_reasons.find(id); it != self.cancel_reasons.end()) {
               self.orders.cancel_locally(id, it->second, core::now(), self.made);
               self.cancel_reasons.erase(id);
               self.cancel_after_ack.erase(id);
               return self.deliver();
             }
             return self.after(attempt, [id, cid = std::move(cid), body = std::move(body)](Impl& s) mutable {
               s.post(id, std::move(cid), std::move(body));
             });
           }
           self.note_error("asking for order " + cid + ": " + describe(r));
           self.after(attempt, [id, cid = std::move(cid), body = std::move(body), attempt](Impl& s) mutable {
             s.resolve(id, std::move(cid), std::move(body), std::min(attempt + 1, kMaxRetries));
           });
         });
  }

  // ------------------------------------------------------------ cancel, read-back, replace

  void send_cancel(OrderId id, int attempt) {
    const std::string venue(orders.venue_order_id(id));
    call(HttpMethod::del, "/v2/orders/" + venue, {}, [id, attempt](Impl& self, HttpResult r) {
      if (!self.orders.find(id)) return;
      // 204: asked; 404/422: gone or not cancelable (filled in the race): the read-back says.
      if (is_2xx(r) || (r.ok() && (r.response.status == 404 || r.response.status == 422))) return self.read_back(id, 0);
      self.note_error("cancelling order " + std::to_string(id) + ": " + describe(r));
      if (attempt >= kMaxRetries) return self.read_back(id, 0);
      self.after(attempt, [id, attempt](Impl& s) { s.send_cancel(id, attempt + 1); });
    });
  }

  // Reads the order back by its client order id and applies what the venue says. While a cancel
  // is outstanding and the venue still has it working, asks again (the stream may be down).
  void read_back(OrderId id, int attempt) {
    const auto cid = orders.current_client_order_id(id);
    if (cid.empty()) return;
    call(HttpMethod::get, by_client_path(cid), {}, [id, attempt](Impl& self, HttpResult r) {
      if (!self.orders.find(id)) return;
      if (is_2xx(r)) {
        self.parse_and_apply(r);
        self.deliver();
      } else if (!(r.ok() && r.response.status == 404)) {
        self.note_error("reading order " + std::to_string(id) + " back: " + describe(r));
      }
      if (self.orders.find(id) && self.cancel_reasons.contains(id) && attempt < kMaxRetries)
        self.after(attempt, [id, attempt](Impl& s) { s.read_back(id, attempt + 1); });
    });
  }

  void on_patch(OrderId id, const OrderRequest& changes, std::string cid, const HttpResult& r, int attempt) {
    if (!orders.find(id)) return;
    if (is_2xx(r)) {
      orders.replaced(id, changes, core::now(), made);
      parse_and_apply(r);
      return deliver();
    }
    if (is_4xx(r) && attempt == 0) {
      orders.abandon_replace(id);
      return note_error("replacing order " + std::to_string(id) + ": " + describe(r));
    }
    if (r.ok() && r.response.status == 404) {  // asked by client order id: no replacement exists
      orders.abandon_replace(id);
      return note_error("replacing order " + std::to_string(id) + ": the venue has no replacement");
    }
    // Lost: ask for the replacement by its client order id before anything else.
    note_error("replacing order " + std::to_string(id) + ": " + describe(r) + "; asking the venue");
    after(attempt, [id, changes, cid = std::move(cid), attempt](Impl& s) mutable {
      const auto path = by_client_path(cid);
      s.call(HttpMethod::get, path, {},
             [id, changes, cid = std::move(cid), attempt](Impl& self, HttpResult answer) mutable {
               self.on_patch(id, changes, std::move(cid), answer, std::min(attempt + 1, kMaxRetries));
             });
    });
  }

  // ------------------------------------------------------------ the stream

  // Entries go only while the stream is up and a reconciliation has ended since it came up.
  void set_entries(bool open) {
    if (status.accepting_entries != open)
      gateway_log()->info(
          "alpaca: new entries for portfolio {} {}", config.portfolio,
          open ? "accepted again (stream up, reconciled)" : "paused until the stream is back and reconciled");
    status.accepting_entries = open;
    front->entries.store(open, std::memory_order_release);
  }

  void on_stream_open() {
    ++status.stream_connects;
    status.state = GatewayState::connecting;
    set_entries(false);
    stream->send(alpaca::auth_message(keys.key_id.view(), keys.secret.view()));
  }

  void on_stream_message(std::string_view text) {
    status.last_message = core::now();
    auto frame = alpaca::parse_stream_frame(text);
    switch (frame.kind) {
      case alpaca::StreamFrame::Kind::authorized: stream->send(alpaca::listen_message()); break;
      case alpaca::StreamFrame::Kind::unauthorized:
        status.state = GatewayState::auth_failed;
        set_entries(false);
        note_error("the trade_updates stream refused the keys (" + frame.error + "); not retrying");
        // Not from inside the client's own read handler.
        asio::post(strand, [w = weak_from_this()] {
          if (auto self = w.lock()) self->stream->stop();
        });
        break;
      case alpaca::StreamFrame::Kind::listening:
        status.state = GatewayState::connected;
        read_back_all();
        reconcile();
        break;
      case alpaca::StreamFrame::Kind::trade_update:
        apply(std::move(frame.update));
        deliver();
        break;
      case alpaca::StreamFrame::Kind::invalid: note_error("a bad trade_updates message: " + frame.error); break;
      case alpaca::StreamFrame::Kind::other: break;
    }
  }

  void on_stream_lost(std::string_view why) {
    // A warning when the stream goes down; its failed reconnects (every backoff) are debug.
    const bool was_down = status.state == GatewayState::disconnected;
    if (status.state != GatewayState::auth_failed) status.state = GatewayState::disconnected;
    set_entries(false);
    status.last_error = "trade_updates stream lost: " + std::string(why);
    if (was_down)
      gateway_log()->debug("alpaca: {}", status.last_error);
    else
      gateway_log()->warn("alpaca: {}", status.last_error);
  }

  // After every (re)connect: what happened while the stream was down is read back, order by
  // order. Orders still waiting for their submit's answer are left to it.
  void read_back_all() {
    for (const auto& o : orders.open())
      if (!orders.venue_order_id(o.id).empty()) read_back(o.id, kMaxRetries);
  }

  // ------------------------------------------------------------ reconciliation

  void schedule_reconcile() {
    if (config.reconcile_interval.count() <= 0) return;
    reconcile_timer.expires_after(config.reconcile_interval);
    reconcile_timer.async_wait([w = weak_from_this()](const boost::system::error_code& ec) {
      auto self = w.lock();
      if (ec || !self || self->stopped) return;
      self->reconcile();
      self->schedule_reconcile();
    });
  }

  // The venue's open orders, then its positions, then the comparison. One at a time: asked
  // again meanwhile (a reconnect during one), it runs once more when this one ends.
  void reconcile() {
    if (reconciling) {
      reconcile_again = true;
      return;
    }
    reconciling = true;
    call(HttpMethod::get, "/v2/orders?status=open&limit=500&direction=asc", {}, [](Impl& self, HttpResult r) {
      std::string error;
      auto venue = is_2xx(r) ? alpaca::parse_open_orders(r.response.body, error) : std::nullopt;
      if (!venue) {
        self.note_error("reconciliation: the venue's open orders: " + (is_2xx(r) ? error : describe(r)));
        return self.reconciled(false);
      }
      self.call(HttpMethod::get, "/v2/positions", {}, [venue = std::move(*venue)](Impl& s, HttpResult p) {
        std::string why;
        auto positions = is_2xx(p) ? alpaca::parse_positions(p.response.body, why) : std::nullopt;
        if (!positions) s.note_error("reconciliation: the venue's positions: " + (is_2xx(p) ? why : describe(p)));
        s.compare(venue, positions ? *positions : std::vector<VenuePosition>{});
        s.reconciled(true);
      });
    });
  }

  void compare(const std::vector<VenueOpenOrder>& venue, const std::vector<VenuePosition>& positions) {
    Reconciliation rec;
    rec.at = core::now();
    rec.venue_open_orders = venue.size();
    rec.venue_positions = positions.size();
    for (const auto& p : positions)
      if (rec.positions.size() < Reconciliation::kMaxDetails)
        rec.positions.push_back(p.symbol + (p.short_side ? " short " : " long ") + p.quantity.to_string());
    rec.held = positions;
    const auto differences = compare_open_orders(orders, venue);
    rec.differences = differences.size();
    for (const auto& d : differences) {
      gateway_log()->warn("alpaca: reconciliation: {}", d.text);
      if (rec.details.size() < Reconciliation::kMaxDetails) rec.details.push_back(d.text);
      if (d.kind == OrderDifference::Kind::closed_at_venue) read_back(d.order, 0);
    }
    ++status.reconciliations;
    status.last_reconciliation = std::move(rec);
  }

  // A reconciliation ended (`compared`: it got the venue's open orders and compared them). One
  // asked for meanwhile (a reconnect) runs now, and entries wait for it; a failed one leaves
  // them paused until the next succeeds (the next reconnect or reconcile_interval).
  void reconciled(bool compared) {
    reconciling = false;
    if (std::exchange(reconcile_again, false)) return reconcile();
    if (compared && status.state == GatewayState::connected) set_entries(true);
  }

  asio::any_io_executor strand;  // the gateway's own
  std::shared_ptr<Front> front;
  AlpacaConfig config;
  auth::BrokerCredentials keys;
  GatewayOrders orders;
  transport::RequestQueue rest;
  std::unique_ptr<transport::WssClient> stream;
  std::vector<ExecutionReport> made;                        // this completion's reports
  std::unordered_map<OrderId, std::string> cancel_reasons;  // cancels asked, not yet confirmed
  std::unordered_set<OrderId> cancel_after_ack;             // cancels waiting for the venue's id
  std::list<std::shared_ptr<asio::steady_timer>> timers;
  GatewayStatus status;
  asio::steady_timer reconcile_timer;
  bool reconciling = false;
  bool reconcile_again = false;
  bool stopped = false;
  mutable std::mutex published_mutex;  // guards published and unpublished
  GatewayStatus published;
  bool unpublished = false;
};

AlpacaExecutor::AlpacaExecutor(asio::any_io_executor engine_strand, asio::any_io_executor io_strand,
                               AlpacaConfig config, auth::BrokerCredentials keys,
                               const core::InstrumentTable& instruments)
    : front_(std::make_shared<Front>(std::move(engine_strand))),
      impl_(std::make_shared<Impl>(std::move(io_strand), front_, std::move(config), std::move(keys))),
      instruments_(instruments),
      order_rate_(impl_->config.order_rate) {  // before the gateway's strand runs anything
  impl_->make_stream();
  impl_->publish();
  asio::post(impl_->strand, [impl = impl_] { impl->start(); });
}

AlpacaExecutor::AlpacaExecutor(asio::any_io_executor engine_strand, AlpacaConfig config, auth::BrokerCredentials keys,
                               const core::InstrumentTable& instruments)
    : AlpacaExecutor(engine_strand, transport::strand_beside(engine_strand), std::move(config), std::move(keys),
                     instruments) {}

AlpacaExecutor::~AlpacaExecutor() {
  front_->detached = true;
  impl_->unpublish();
  // After whatever the gateway's strand is running now; the handler holds the gateway until
  // then (and, never run because the io_context stopped, is destroyed with it).
  auto strand = impl_->strand;
  asio::post(strand, [impl = std::move(impl_)] { impl->stop(); });
}

void AlpacaExecutor::submit(Order order, ExecutionSink& sink) {
  auto& f = *front_;
  f.bind(sink);
  auto reject = [&](std::string reason) {
    asio::post(impl_->strand, [impl = impl_] {
      ++impl->status.rejects;
      impl->publish();
    });
    order.status = OrderStatus::rejected;
    order.reason = std::move(reason);
    sink.report(ExecutionReport::changed(std::move(order)));
  };
  if (order.id == 0) return reject("invalid_order_id: order id 0 is reserved for 'no order'");
  if (f.find(order.id)) return reject("duplicate_order_id: order id " + std::to_string(order.id) + " was already sent");
  if (auto valid = validate(order.request); !valid)
    return reject(std::string(valid.error().code) + ": " + valid.error().message);
  if (order.request.symbol >= instruments_.size())
    return reject("unknown_symbol: symbol id " + std::to_string(order.request.symbol) +
                  " is not a configured instrument");
  if (auto why = alpaca::unsupported(order.request)) return reject("unsupported: " + *why);
  // Last: an order refused for another reason takes no slot.
  if (order_rate_ && !order_rate_->try_take())
    return reject("venue_order_rate: at most " + std::to_string(order_rate_->max_orders()) +
                  " new orders a minute go to alpaca (--alpaca-orders-per-minute)");
  auto symbol = alpaca::venue_symbol(instruments_.at(order.request.symbol).symbol);
  order.status = OrderStatus::new_order;
  f.open.push_back(order);
  asio::post(impl_->strand, [impl = impl_, order = std::move(order), symbol = std::move(symbol)]() mutable {
    impl->submit(std::move(order), symbol);
  });
}

bool AlpacaExecutor::cancel(OrderId id, std::string_view reason, ExecutionSink& sink) {
  auto& f = *front_;
  f.bind(sink);
  if (!f.find(id)) return false;
  if (!f.cancelling.insert(id).second) return true;  // asked already
  asio::post(impl_->strand,
             [impl = impl_, id, reason = std::string(reason)]() mutable { impl->cancel(id, std::move(reason)); });
  return true;
}

bool AlpacaExecutor::replace(OrderId id, const OrderRequest& changes, ExecutionSink& sink) {
  auto& f = *front_;
  f.bind(sink);
  const auto* o = f.find(id);
  // Not before the venue acknowledged it, nor while a cancel is under way.
  if (o == nullptr || changes.quantity <= o->filled_quantity || o->status == OrderStatus::new_order ||
      f.cancelling.contains(id))
    return false;
  asio::post(impl_->strand, [impl = impl_, id, changes] { impl->replace(id, changes); });
  return true;
}

void AlpacaExecutor::on_tick(const core::Tick&, ExecutionSink& sink) {
  // The venue matches; a tick only tells us which sink is the engine's.
  front_->bind(sink);
}

void AlpacaExecutor::restore(Order order) {
  if (front_->find(order.id)) return;
  front_->open.push_back(order);
  asio::post(impl_->strand, [impl = impl_, order = std::move(order)]() mutable { impl->restore(std::move(order)); });
}

std::optional<core::Money> AlpacaExecutor::fee_for(core::SymbolId, core::Price, core::Quantity,
                                                   Liquidity) const noexcept {
  return core::Money{};  // Alpaca charges no commission
}

core::Price AlpacaExecutor::market_price(core::Side side, core::Quantity, const core::Tick& touch) const noexcept {
  const auto quote = side == core::Side::buy ? touch.ask : touch.bid;
  return quote.raw() > 0 ? quote : touch.last;
}

std::span<const Order> AlpacaExecutor::open_orders() const noexcept {
  return front_->open;
}

bool AlpacaExecutor::accepting_entries() const noexcept {
  return front_->entries.load(std::memory_order_acquire);
}

std::span<const ExecutionReport> AlpacaExecutor::in_flight() const noexcept {
  front_->take();
  return front_->held;
}

GatewayStatus AlpacaExecutor::status() const {
  return impl_->last_published();
}

}  // namespace meridian::execution
