#include "gateway_core.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>

#include "meridian/core/log.hpp"

namespace meridian::execution {

namespace asio = boost::asio;
using transport::HttpResult;

namespace {

const std::shared_ptr<spdlog::logger>& gateway_log() {
  return core::module_logger<"gateway">();
}

// Retries of one chain (a resolve, a cancel) give up after this many: the stream or the next
// reconnect's read-back carries on from there.
constexpr int kMaxRetries = 12;

}  // namespace

GatewayCore::GatewayCore(asio::any_io_executor strand, std::shared_ptr<GatewayFront> front, GatewayConfig config,
                         std::unique_ptr<VenueApi> venue, std::string account_hint)
    : strand_(std::move(strand)),
      front_(std::move(front)),
      config_(std::move(config)),
      venue_(std::move(venue)),
      log_name_(venue_->name()),
      orders_(config_.portfolio),
      rest_(strand_, config_.tls, config_.timeouts, config_.connections,
            transport::RateLimitPolicy{0, config_.default_rate_wait, {}}),
      reconcile_timer_(strand_) {
  status_.gateway = log_name_;
  status_.venue = config_.rest_url;
  status_.account_hint = std::move(account_hint);
  status_.portfolio_id = config_.portfolio;
  venue_->attach(*this);
}

void GatewayCore::make_stream() {
  transport::WssOptions o;
  o.url = config_.stream_url;
  o.tls = config_.tls;
  o.connect_timeout = config_.timeouts.connect;
  o.idle_timeout = config_.stream_idle_timeout;
  o.backoff = config_.backoff;
  const std::weak_ptr<GatewayCore> w = weak_from_this();
  if (venue_->asks_stream_target())
    o.target_source = [w](transport::WssOptions::TargetDone done) {
      if (auto self = w.lock()) self->venue_->stream_target(std::move(done));
    };
  transport::WssClient::Handlers h;
  // Nothing happens once stopped (a handshake may complete after stop()).
  h.on_open = [w] {
    if (auto self = w.lock(); self && !self->stopped_) {
      self->on_stream_open();
      self->publish();
    }
  };
  h.on_message = [w](std::string_view text) {
    if (auto self = w.lock(); self && !self->stopped_) {
      self->on_stream_message(text);
      self->publish();
    }
  };
  h.on_disconnect = [w](std::string_view why) {
    if (auto self = w.lock(); self && !self->stopped_) {
      self->on_stream_lost(why);
      self->publish();
    }
  };
  stream_ = std::make_unique<transport::WssClient>(strand_, std::move(o), std::move(h));
  publish();
}

void GatewayCore::start() {
  venue_->start();
  stream_->start();
  schedule_reconcile();
  publish();
}

GatewayStatus GatewayCore::current() const {
  auto st = status_;
  st.open_orders = orders_.open().size();
  st.rate_limited = rest_.rate_limited();
  st.rate_limit_hold = rest_.holding();
  return st;
}

// The status as of now, for readers on any thread (status(), the board). Nothing is published
// once the executor is gone (unpublish), so its board entry stays removed.
void GatewayCore::publish() {
  auto st = current();
  std::lock_guard lock(published_mutex_);
  if (unpublished_) return;
  if (config_.board) config_.board->publish(st);
  published_ = std::move(st);
}

GatewayStatus GatewayCore::last_published() const {
  std::lock_guard lock(published_mutex_);
  return published_;
}

void GatewayCore::unpublish() {
  std::lock_guard lock(published_mutex_);
  unpublished_ = true;
  if (config_.board) config_.board->remove(status_.gateway, status_.portfolio_id);
}

void GatewayCore::stop() {
  stopped_ = true;
  reconcile_timer_.cancel();
  if (stream_) stream_->stop();
  for (auto& t : timers_) t->cancel();
  timers_.clear();
}

void GatewayCore::count_reject() {
  ++status_.rejects;
  publish();
}

// ------------------------------------------------------------ plumbing

std::string GatewayCore::describe(const HttpResult& r) const {
  if (!r.ok()) return r.error;
  return "HTTP " + std::to_string(r.response.status) + ": " + venue_->error_message(r.response.body);
}

void GatewayCore::call(const VenueCall& c, Then then) {
  transport::QueuedRequest q{c.method,
                             config_.rest_url + c.target,
                             c.body,
                             {},
                             [w = weak_from_this(), then = std::move(then)](HttpResult r) {
                               auto self = w.lock();
                               if (!self || self->stopped_) return;
                               then(*self, std::move(r));
                               self->publish();
                             },
                             {}};
  venue_->finish(c, q);
  rest_.send(std::move(q));
}

void GatewayCore::request(const VenueCall& c, std::function<void(HttpResult)> done) {
  call(c, [done = std::move(done)](GatewayCore&, HttpResult r) { done(std::move(r)); });
}

void GatewayCore::later(std::chrono::milliseconds delay, std::function<void()> fn) {
  at(delay, [fn = std::move(fn)](GatewayCore&) { fn(); });
}

void GatewayCore::after(int attempt, std::function<void(GatewayCore&)> fn) {
  transport::Backoff b(config_.backoff);
  auto delay = b.next();
  for (int k = 0; k < attempt; ++k) delay = b.next();
  at(delay, std::move(fn));
}

void GatewayCore::at(std::chrono::milliseconds delay, std::function<void(GatewayCore&)> fn) {
  auto timer = std::make_shared<asio::steady_timer>(strand_, delay);
  timers_.push_back(timer);
  timer->async_wait([w = weak_from_this(), timer, fn = std::move(fn)](const boost::system::error_code& ec) {
    auto self = w.lock();
    if (ec || !self || self->stopped_) return;
    self->timers_.remove(timer);
    fn(*self);
    self->publish();
  });
}

void GatewayCore::note_error(std::string what) {
  gateway_log()->warn("{}: {}", log_name_, what);
  status_.last_error = std::move(what);
}

// The order ended here (or never will be cancelled from here): its cancel bookkeeping goes.
void GatewayCore::forget(OrderId id) {
  cancel_reasons_.erase(id);
  cancel_after_ack_.erase(id);
}

void GatewayCore::apply(VenueOrderUpdate u) {
  const auto id = orders_.by_client_order_id(u.client_order_id);
  if (id && u.state == VenueOrderState::cancelled && u.reason.empty())
    if (const auto it = cancel_reasons_.find(*id); it != cancel_reasons_.end()) u.reason = it->second;
  const auto before = made_.size();
  const auto outcome = orders_.apply(u, made_);
  if (outcome == UpdateOutcome::unknown_order) {
    ++status_.unknown_updates;
    gateway_log()->warn("{}: an update about order {} ({}), which this gateway did not place", log_name_,
                        u.venue_order_id, u.client_order_id);
  } else if (outcome == UpdateOutcome::overfill) {
    note_error("order " + u.client_order_id + ": the venue reports more filled than ordered");
  } else if (outcome == UpdateOutcome::unpriced) {
    gateway_log()->info("{}: a fill of {} without a price yet", log_name_, u.client_order_id);
  }
  for (auto k = before; k < made_.size(); ++k)
    if (made_[k].kind == ExecutionReport::Kind::fill) ++status_.fills;
  if (!id) return;
  if (!orders_.find(*id)) {
    forget(*id);
  } else if (cancel_after_ack_.contains(*id) && !orders_.venue_order_id(*id).empty()) {
    cancel_after_ack_.erase(*id);
    send_cancel(*id, 0);
  }
}

bool GatewayCore::parse_and_apply(const HttpResult& r) {
  std::string error;
  auto u = venue_->parse_order(r.response.body, error);
  if (!u) {
    note_error("an order answer that is not an order: " + error);
    return false;
  }
  apply(std::move(*u));
  return true;
}

// ------------------------------------------------------------ the engine's calls, queued here

void GatewayCore::submit(Order order) {
  const auto id = order.id;
  const auto request = order.request;
  std::string cid;
  if (!orders_.add(std::move(order), cid)) {
    // An id of an order that ended already (an open one the engine side refused itself).
    Order dup;
    dup.id = id;
    dup.request = request;
    dup.status = OrderStatus::rejected;
    dup.reason = "duplicate_order_id: order id " + std::to_string(id) + " was already sent";
    ++status_.rejects;
    made_.push_back(ExecutionReport::changed(std::move(dup)));
    deliver();
    return publish();
  }
  std::string refusal;
  auto c = venue_->submit(*orders_.find(id), cid, refusal);
  if (!c) {
    ++status_.rejects;
    orders_.refuse(id, std::move(refusal), core::now(), made_);
    deliver();
    return publish();
  }
  post(id, cid, std::move(*c));
  publish();
}

void GatewayCore::cancel(OrderId id, std::string reason) {
  if (!orders_.find(id) || cancel_reasons_.contains(id)) return;
  cancel_reasons_.emplace(id, std::move(reason));
  if (orders_.venue_order_id(id).empty())
    cancel_after_ack_.insert(id);
  else
    send_cancel(id, 0);
}

void GatewayCore::replace(OrderId id, const OrderRequest& changes) {
  const auto* o = orders_.find(id);
  if (o == nullptr || changes.quantity <= o->filled_quantity || orders_.venue_order_id(id).empty() ||
      cancel_reasons_.contains(id))
    return;
  const auto cid = orders_.begin_replace(id);
  if (!cid) return note_error("replacing order " + std::to_string(id) + ": a replace is under way already");
  auto c = venue_->replace(*o, orders_.venue_order_id(id), changes, *cid);
  if (!c) {
    orders_.abandon_replace(id);
    return note_error("replacing order " + std::to_string(id) + ": " + log_name_ + " cannot replace orders");
  }
  call(*c, [id, changes, cid = *cid](GatewayCore& self, HttpResult r) { self.on_patch(id, changes, cid, r, 0); });
}

// An order stored open before the daemon stopped (maybe killed between its POST and the
// answer): the venue is asked for it by its client order id before anything else, and it is
// never sent again from here.
void GatewayCore::restore(Order order) {
  const auto id = order.id;
  if (orders_.find(id)) return;
  orders_.restore(std::move(order));
  resolve_restored(id, 0);
  publish();
}

// Found: the venue's state and fills are taken (fills booked once: GatewayOrders). Not found:
// it never reached the venue and ends "not_at_venue". Anything else: asked again later.
void GatewayCore::resolve_restored(OrderId id, int attempt) {
  const auto* o = orders_.find(id);
  if (o == nullptr) return;
  const std::string cid(orders_.current_client_order_id(id));
  call(venue_->query(*o, cid), [id, cid, attempt](GatewayCore& self, HttpResult r) {
    if (!self.orders_.find(id)) return;
    const auto kind = self.venue_->classify(r);
    if (kind == AnswerKind::ok) {
      if (self.parse_and_apply(r)) return self.deliver();
    } else if (kind == AnswerKind::not_found) {
      gateway_log()->warn("{}: order {} ({}), open when the daemon stopped, is not at the venue: ended", self.log_name_,
                          id, cid);
      self.orders_.not_at_venue(id, "not_at_venue: the venue has no order " + cid + " (it was never received)",
                                core::now(), self.made_);
      self.forget(id);
      return self.deliver();
    } else {
      self.note_error("asking for restored order " + cid + ": " + self.describe(r));
    }
    self.after(attempt, [id, attempt](GatewayCore& s) { s.resolve_restored(id, std::min(attempt + 1, kMaxRetries)); });
  });
}

// ------------------------------------------------------------ submit

void GatewayCore::post(OrderId id, std::string cid, VenueCall c) {
  ++status_.orders_sent;
  call(c, [id, cid = std::move(cid), c](GatewayCore& self, HttpResult r) mutable {
    self.on_post(id, std::move(cid), std::move(c), r);
  });
}

void GatewayCore::on_post(OrderId id, std::string cid, VenueCall c, const HttpResult& r) {
  if (orders_.find(id) == nullptr) return;  // the stream ended it meanwhile
  switch (venue_->classify(r)) {
    case AnswerKind::ok:
      if (!parse_and_apply(r)) resolve(id, std::move(cid), std::move(c), 0);
      return deliver();
    case AnswerKind::refused:
    case AnswerKind::not_found:
    case AnswerKind::auth_failed:
      ++status_.rejects;
      orders_.refuse(id, log_name_ + ": " + venue_->error_message(r.response.body), core::now(), made_);
      forget(id);
      return deliver();
    case AnswerKind::duplicate:  // an earlier send of this order got there
    case AnswerKind::lost: break;
  }
  ++status_.lost_answers;
  note_error("order " + cid + ": " + describe(r) + "; asking the venue whether it has it");
  resolve(id, std::move(cid), std::move(c), 0);
}

// Whether the venue has the order `cid`, before anything is sent again.
void GatewayCore::resolve(OrderId id, std::string cid, VenueCall c, int attempt) {
  const auto* o = orders_.find(id);
  if (o == nullptr) return;         // the stream ended it meanwhile
  auto q = venue_->query(*o, cid);  // before cid moves into the answer's handler
  call(q, [id, cid = std::move(cid), c = std::move(c), attempt](GatewayCore& self, HttpResult r) mutable {
    if (!self.orders_.find(id)) return;
    const auto kind = self.venue_->classify(r);
    if (kind == AnswerKind::ok) {
      self.parse_and_apply(r);
      return self.deliver();
    }
    if (kind == AnswerKind::not_found) {
      // Not there: it never arrived. A cancel asked meanwhile ends it here; otherwise it
      // is sent again under the same id (a copy still on its way is refused by the venue).
      if (const auto it = self.cancel_reasons_.find(id); it != self.cancel_reasons_.end()) {
        self.orders_.cancel_locally(id, it->second, core::now(), self.made_);
        self.forget(id);
        return self.deliver();
      }
      return self.after(attempt, [id, cid = std::move(cid), c = std::move(c)](GatewayCore& s) mutable {
        s.post(id, std::move(cid), std::move(c));
      });
    }
    self.note_error("asking for order " + cid + ": " + self.describe(r));
    self.after(attempt, [id, cid = std::move(cid), c = std::move(c), attempt](GatewayCore& s) mutable {
      s.resolve(id, std::move(cid), std::move(c), std::min(attempt + 1, kMaxRetries));
    });
  });
}

// ------------------------------------------------------------ cancel, read-back, replace

void GatewayCore::send_cancel(OrderId id, int attempt) {
  const auto* o = orders_.find(id);
  if (o == nullptr) return;
  call(venue_->cancel(*o, orders_.venue_order_id(id), orders_.current_client_order_id(id)),
       [id, attempt](GatewayCore& self, HttpResult r) {
         if (!self.orders_.find(id)) return;
         // Asked; or gone, or not cancelable (filled in the race): the read-back says.
         const auto kind = self.venue_->classify(r);
         if (kind == AnswerKind::ok || kind == AnswerKind::not_found || kind == AnswerKind::refused)
           return self.read_back(id, 0);
         self.note_error("cancelling order " + std::to_string(id) + ": " + self.describe(r));
         if (attempt >= kMaxRetries) return self.read_back(id, 0);
         self.after(attempt, [id, attempt](GatewayCore& s) { s.send_cancel(id, attempt + 1); });
       });
}

// Reads the order back by its client order id and applies what the venue says. While a cancel
// is outstanding and the venue still has it working, asks again (the stream may be down).
void GatewayCore::read_back(OrderId id, int attempt) {
  const auto* o = orders_.find(id);
  if (o == nullptr) return;
  const std::string cid(orders_.current_client_order_id(id));
  call(venue_->query(*o, cid), [id, attempt](GatewayCore& self, HttpResult r) {
    if (!self.orders_.find(id)) return;
    const auto kind = self.venue_->classify(r);
    if (kind == AnswerKind::ok) {
      self.parse_and_apply(r);
      self.deliver();
    } else if (kind != AnswerKind::not_found) {
      self.note_error("reading order " + std::to_string(id) + " back: " + self.describe(r));
    }
    if (self.orders_.find(id) && self.cancel_reasons_.contains(id) && attempt < kMaxRetries)
      self.after(attempt, [id, attempt](GatewayCore& s) { s.read_back(id, attempt + 1); });
  });
}

void GatewayCore::on_patch(OrderId id, const OrderRequest& changes, std::string cid, const HttpResult& r, int attempt) {
  if (!orders_.find(id)) return;
  const auto kind = venue_->classify(r);
  if (kind == AnswerKind::ok) {
    orders_.replaced(id, changes, core::now(), made_);
    parse_and_apply(r);
    return deliver();
  }
  if (attempt == 0 && kind != AnswerKind::lost) {
    orders_.abandon_replace(id);
    return note_error("replacing order " + std::to_string(id) + ": " + describe(r));
  }
  if (kind == AnswerKind::not_found) {  // asked by client order id: no replacement exists
    orders_.abandon_replace(id);
    return note_error("replacing order " + std::to_string(id) + ": the venue has no replacement");
  }
  // Lost: ask for the replacement by its client order id before anything else.
  note_error("replacing order " + std::to_string(id) + ": " + describe(r) + "; asking the venue");
  after(attempt, [id, changes, cid = std::move(cid), attempt](GatewayCore& s) mutable {
    const auto* o = s.orders_.find(id);
    if (o == nullptr) return;
    auto q = s.venue_->query(*o, cid);  // before cid moves into the answer's handler
    s.call(q, [id, changes, cid = std::move(cid), attempt](GatewayCore& self, HttpResult answer) mutable {
      self.on_patch(id, changes, std::move(cid), answer, std::min(attempt + 1, kMaxRetries));
    });
  });
}

// ------------------------------------------------------------ the stream

// Entries go only while the stream is up and a reconciliation has ended since it came up.
void GatewayCore::set_entries(bool open) {
  if (status_.accepting_entries != open)
    gateway_log()->info(
        "{}: new entries for portfolio {} {}", log_name_, config_.portfolio,
        open ? "accepted again (stream up, reconciled)" : "paused until the stream is back and reconciled");
  status_.accepting_entries = open;
  front_->entries.store(open, std::memory_order_release);
}

void GatewayCore::on_stream_open() {
  ++status_.stream_connects;
  status_.state = GatewayState::connecting;
  set_entries(false);
  act(venue_->stream_opened());
}

void GatewayCore::on_stream_message(std::string_view text) {
  status_.last_message = core::now();
  act(venue_->stream_frame(text));
}

void GatewayCore::act(StreamStep step) {
  if (step.reply) stream_->send(std::move(*step.reply));
  switch (step.kind) {
    case StreamStep::Kind::auth_failed:
      status_.state = GatewayState::auth_failed;
      set_entries(false);
      note_error("the " + std::string(venue_->stream_name()) + " stream refused the keys (" + step.error +
                 "); not retrying");
      // Not from inside the client's own read handler.
      asio::post(strand_, [w = weak_from_this()] {
        if (auto self = w.lock()) self->stream_->stop();
      });
      break;
    case StreamStep::Kind::connected:
      status_.state = GatewayState::connected;
      read_back_all();
      reconcile();
      break;
    case StreamStep::Kind::update:
      apply(std::move(step.update));
      deliver();
      break;
    case StreamStep::Kind::invalid:
      note_error("a bad " + std::string(venue_->stream_name()) + " message: " + step.error);
      break;
    case StreamStep::Kind::reconnect:
      on_stream_lost(step.error);
      // Not from inside the client's own read handler; a new target is asked at the connect.
      asio::post(strand_, [w = weak_from_this()] {
        auto self = w.lock();
        if (!self || self->stopped_) return;
        self->stream_->stop();
        self->stream_->start();
      });
      break;
    case StreamStep::Kind::none: break;
  }
}

void GatewayCore::on_stream_lost(std::string_view why) {
  // A warning when the stream goes down; its failed reconnects (every backoff) are debug.
  const bool was_down = status_.state == GatewayState::disconnected;
  if (status_.state != GatewayState::auth_failed) status_.state = GatewayState::disconnected;
  set_entries(false);
  status_.last_error = std::string(venue_->stream_name()) + " stream lost: " + std::string(why);
  if (was_down)
    gateway_log()->debug("{}: {}", log_name_, status_.last_error);
  else
    gateway_log()->warn("{}: {}", log_name_, status_.last_error);
}

// After every (re)connect: what happened while the stream was down is read back, order by
// order. Orders still waiting for their submit's answer are left to it.
void GatewayCore::read_back_all() {
  for (const auto& o : orders_.open())
    if (!orders_.venue_order_id(o.id).empty()) read_back(o.id, kMaxRetries);
}

// ------------------------------------------------------------ reconciliation

void GatewayCore::schedule_reconcile() {
  if (config_.reconcile_interval.count() <= 0) return;
  reconcile_timer_.expires_after(config_.reconcile_interval);
  reconcile_timer_.async_wait([w = weak_from_this()](const boost::system::error_code& ec) {
    auto self = w.lock();
    if (ec || !self || self->stopped_) return;
    self->reconcile();
    self->schedule_reconcile();
  });
}

// The venue's open orders, then its holdings, then the comparison. One at a time: asked again
// meanwhile (a reconnect during one), it runs once more when this one ends.
void GatewayCore::reconcile() {
  if (reconciling_) {
    reconcile_again_ = true;
    return;
  }
  reconciling_ = true;
  call(venue_->open_orders(), [](GatewayCore& self, HttpResult r) {
    std::string error;
    const bool ok = self.venue_->classify(r) == AnswerKind::ok;
    auto venue = ok ? self.venue_->parse_open_orders(r.response.body, error) : std::nullopt;
    if (!venue) {
      self.note_error("reconciliation: the venue's open orders: " + (ok ? error : self.describe(r)));
      return self.reconciled(false);
    }
    self.call(self.venue_->holdings(), [venue = std::move(*venue)](GatewayCore& s, HttpResult p) {
      std::string why;
      const bool fine = s.venue_->classify(p) == AnswerKind::ok;
      auto positions = fine ? s.venue_->parse_holdings(p.response.body, why) : std::nullopt;
      if (!positions) s.note_error("reconciliation: the venue's positions: " + (fine ? why : s.describe(p)));
      s.compare(venue, positions ? *positions : std::vector<VenuePosition>{});
      s.reconciled(true);
    });
  });
}

void GatewayCore::compare(const std::vector<VenueOpenOrder>& venue, const std::vector<VenuePosition>& positions) {
  Reconciliation rec;
  rec.at = core::now();
  rec.venue_open_orders = venue.size();
  rec.held = positions;
  const auto differences = compare_open_orders(orders_, venue);
  rec.differences = differences.size();
  for (const auto& d : differences) {
    gateway_log()->warn("{}: reconciliation: {}", log_name_, d.text);
    if (rec.details.size() < Reconciliation::kMaxDetails) rec.details.push_back(d.text);
    if (d.kind == OrderDifference::Kind::closed_at_venue) read_back(d.order, 0);
  }
  ++status_.reconciliations;
  status_.last_reconciliation = std::move(rec);
}

// A reconciliation ended (`compared`: it got the venue's open orders and compared them). One
// asked for meanwhile (a reconnect) runs now, and entries wait for it; a failed one leaves them
// paused until the next succeeds (the next reconnect or reconcile_interval).
void GatewayCore::reconciled(bool compared) {
  reconciling_ = false;
  if (std::exchange(reconcile_again_, false)) return reconcile();
  if (compared && status_.state == GatewayState::connected) set_entries(true);
}

}  // namespace meridian::execution
