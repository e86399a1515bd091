#include "ws_session.hpp"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <charconv>
#include <nlohmann/json.hpp>

#include "api_log.hpp"
#include "meridian/api/audit.hpp"
#include "meridian/api/identity.hpp"
#include "meridian/api/ownership.hpp"
#include "meridian/api/portfolio_ref.hpp"
#include "meridian/api/router.hpp"
#include "meridian/api/session_commands.hpp"
#include "meridian/api/user_ownership.hpp"
#include "meridian/api/ws_hub.hpp"
#include "meridian/core/json_limits.hpp"
#include "meridian/core/symbol_alias.hpp"
#include "ws_message.hpp"

namespace meridian::api {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {
constexpr std::size_t kMaxInbound = 64 * 1024;
// The longest batching interval a client may ask for: well under WsLimits::max_stall (10 s by
// default), which a batch's wait counts against.
constexpr long long kMaxBatchMs = 1000;
// The most messages one write carries: enough to take a publish cycle's whole output at once,
// few enough that a write's frame list stays small.
constexpr std::size_t kMaxFramesPerWrite = 256;

// A client's text as an error may quote it: at most `max` bytes, so an error never echoes an
// unbounded input back. (A cut inside a UTF-8 sequence is replaced when the error is dumped.)
std::string excerpt(std::string_view text, std::size_t max = 32) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, max)) + "...";
}

// A query parameter's value, percent-decoded ("" when absent).
std::string query_value(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  auto query = target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) != name || eq == std::string_view::npos) continue;
    std::string out;
    const auto value = pair.substr(eq + 1);
    for (std::size_t i = 0; i < value.size(); ++i) {
      unsigned byte = 0;
      if (value[i] == '%' && i + 2 < value.size() &&
          std::from_chars(value.data() + i + 1, value.data() + i + 3, byte, 16).ptr == value.data() + i + 3) {
        out += static_cast<char>(byte);
        i += 2;
      } else {
        out += value[i] == '+' ? ' ' : value[i];
      }
    }
    return out;
  }
  return {};
}

// "topic:seq,topic:seq" (?resume=): the seq after a topic's last colon.
std::optional<std::vector<WsHub::Since>> parse_resume_query(std::string_view text) {
  std::vector<WsHub::Since> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto colon = item.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::uint64_t seq = 0;
    const auto digits = item.substr(colon + 1);
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
    if (ec != std::errc{} || p != digits.data() + digits.size()) return std::nullopt;
    out.push_back({std::string(item.substr(0, colon)), seq});
  }
  return out;
}

std::string error_message(std::string_view code, std::string_view message, const nlohmann::json* details = nullptr) {
  nlohmann::json error{{"code", code}, {"message", message}};
  if (details && !details->empty()) error["details"] = *details;
  return ws_text("error", {{"error", std::move(error)}});
}
}  // namespace

WsSession::WsSession(boost::asio::ip::tcp::socket&& socket, WsHub& hub, Endpoint endpoint, core::SymbolId stream_symbol)
    : WsSession(WsStream(std::move(socket)), hub, endpoint, stream_symbol) {}

WsSession::WsSession(beast::ssl_stream<beast::tcp_stream>&& stream, WsHub& hub, Endpoint endpoint,
                     core::SymbolId stream_symbol)
    : WsSession(WsStream(std::move(stream)), hub, endpoint, stream_symbol) {}

WsSession::WsSession(WsStream&& ws, WsHub& hub, Endpoint endpoint, core::SymbolId stream_symbol)
    : ws_(std::move(ws)),
      hub_(hub),
      registry_(hub.registry()),
      id_(hub.next_id()),
      latest_keyed_(hub.context().instruments.size() * static_cast<std::size_t>(WsUpdate::kinds), 0),
      latest_fixed_(hub.context().instruments.size(), 0),
      batch_timer_(ws_.get_executor()),
      close_timer_(ws_.get_executor()),
      auth_timer_(ws_.get_executor()),
      subscribed_(hub.context().instruments.size(), endpoint == Endpoint::main),
      filtered_(endpoint == Endpoint::stream),
      endpoint_(endpoint),
      stream_symbol_(stream_symbol),
      interest_symbols_((subscribed_.size() + 63) / 64) {
  if (endpoint == Endpoint::stream && stream_symbol < subscribed_.size()) subscribed_[stream_symbol] = true;
  publish_interest();
}

std::optional<std::string_view> WsSession::stream_symbol(std::string_view target) noexcept {
  constexpr std::string_view kPrefix = "/ws/stream/";
  if (!target.starts_with(kPrefix)) return std::nullopt;
  auto symbol = target.substr(kPrefix.size());
  symbol = symbol.substr(0, symbol.find('?'));
  if (symbol.empty() || symbol.find('/') != std::string_view::npos) return std::nullopt;
  return symbol;
}

WsSession::~WsSession() {
  if (counted_seed_) hub_.count_seed_price_clients(-1);
  std::lock_guard lock(registry_->mutex);
  registry_->sessions.erase(id_);
}

void WsSession::authorize(auth::Principal principal, AuthPolicy policy) noexcept {
  principal_ = std::move(principal);
  policy_ = policy;
  visible_of_.reset();
}

void WsSession::audit_to(storage::AuditSink* sink, std::string address) noexcept {
  audit_ = sink;
  address_ = std::move(address);
}

void WsSession::refresh_visible() const noexcept {
  auto directory = hub_.context().runner.portfolios();
  if (directory == visible_of_) return;
  visible_.clear();
  for (const auto& entry : *directory)
    if (api::may_see(principal_, entry, true)) visible_.push_back(entry.id);
  std::sort(visible_.begin(), visible_.end());
  visible_of_ = std::move(directory);
}

bool WsSession::may_see(std::int64_t portfolio) const noexcept {
  if (!policy_.enforce) return true;
  refresh_visible();
  return std::binary_search(visible_.begin(), visible_.end(), portfolio);
}

std::optional<engine::PortfolioId> WsSession::default_portfolio() const noexcept {
  const auto& runner = hub_.context().runner;
  const auto directory = runner.portfolios();
  const auto* entry = default_for(principal_, *directory, runner.default_portfolio(), policy_.enforce);
  if (!entry) return std::nullopt;
  return entry->id;
}

std::optional<ApiError> WsSession::refusal(Role need, std::int64_t portfolio, std::string_view needs) const {
  if (!policy_.enforce) return std::nullopt;
  if (principal_.anonymous()) return api_error(http::status::unauthorized, "unauthenticated", std::string(needs));
  // Another user's portfolio is "not found" there as on REST: ids do not leak.
  if (!may_see(portfolio))
    return api_error(http::status::not_found, "not_found", "no such portfolio; see /api/portfolios");
  if (!authorized(principal_.role, need, true))
    return api_error(http::status::forbidden, "forbidden", std::string(needs));
  return std::nullopt;
}

void WsSession::run(HttpRequest request) {
  resume_query_ = query_value(request.target(), "resume");
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.read_message_max(kMaxInbound);
  ws_.set_option(websocket::stream_base::decorator([tls = ws_.tls()](websocket::response_type& res) {
    res.set(http::field::server, "meridiand");
    if (tls) add_tls_headers(res);
  }));
  ws_.async_accept(request, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
}

bool WsSession::expected_close(const beast::error_code& ec) noexcept {
  return ec == boost::asio::error::operation_aborted || ec == websocket::error::closed ||
         ec == boost::asio::error::eof || ec == beast::http::error::end_of_stream;
}

void WsSession::fail(beast::error_code ec, const char* what) const {
  if (expected_close(ec))
    api_log()->debug("ws client {} {}: {}", id_, what, ec.message());
  else
    api_log()->warn("ws client {} {} failed: {}", id_, what, ec.message());
}

void WsSession::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "accept");  // the handshake failed; nothing to tell the client
  // ?resume=: the greeting, then what the client missed, joining the hub in the same step.
  std::optional<std::vector<WsHub::Since>> resume;
  if (!resume_query_.empty()) resume = parse_resume_query(resume_query_);
  if (!resume || resume->empty()) hub_.join(shared_from_this());
  // The status of the portfolio the client means by default (REST's rule: the daemon's default
  // for an admin, else the caller's first own one); none for who has none (anonymous callers).
  const auto mine = default_portfolio();
  const auto snap = mine ? hub_.context().snapshot(*mine) : nullptr;
  nlohmann::json hello = snap ? nlohmann::json::parse(WsHub::status_message("connected", *snap, "status"))
                              : nlohmann::json{{"type", "connected"}};
  hello["client_id"] = id_;
  if (policy_.enforce) hello["role"] = to_string(principal_.role);
  if (endpoint_ == Endpoint::stream) hello["symbol"] = hub_.context().instruments.at(stream_symbol_).symbol;
  enqueue({std::make_shared<const std::string>(hello.dump()), -1});
  if (resume && !resume->empty()) {
    if (auto unknown = hub_.resume(shared_from_this(), *resume, true, mine.value_or(0), true)) {
      reply_error("unknown_topic", "unknown topic '" + excerpt(*unknown) + "'");
      hub_.join(shared_from_this());
    }
  } else if (!resume_query_.empty()) {
    reply_error("invalid_parameter", "resume must be topic:seq pairs separated by commas");
  }
  if (endpoint_ == Endpoint::stream) greet_stream();
  if (policy_.enforce && !policy_.ws_anonymous && principal_.anonymous()) {
    auth_timer_.expires_after(kWsAuthWindow);
    auth_timer_.async_wait([self = shared_from_this()](beast::error_code waited) {
      if (!waited && self->principal_.anonymous())
        self->close(websocket::close_code::policy_error, "authentication required");
    });
  }
  do_read();
}

void WsSession::greet_stream() {
  // The forming candles at once: a chart need not wait for the next price move.
  auto snap = hub_.context().snapshot();
  const auto& inst = hub_.context().instruments.at(stream_symbol_);
  for (const auto& stream : kCandleStreams) {
    if (auto bar = snap->forming(stream.timeframe, stream_symbol_))
      enqueue({std::make_shared<const std::string>(WsHub::candle_message(stream, *bar, inst, false)),
               coalesce_key(stream_symbol_, stream.update), static_cast<int>(stream_symbol_)});
  }
}

void WsSession::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::on_read, shared_from_this()));
}

void WsSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == websocket::error::message_too_big) {
    close(websocket::close_code::too_big, "message larger than 64 KiB");
    return;
  }
  if (ec) {
    // Closed, timed out or reset: the session ends when its handlers do.
    close_timer_.cancel();
    auth_timer_.cancel();
    return fail(ec, "read");
  }
  const auto data = buffer_.data();
  on_message(std::string_view(static_cast<const char*>(data.data()), data.size()));
  buffer_.consume(buffer_.size());
  do_read();
}

void WsSession::record_audit(std::optional<AuditEntry>& row, const ApiError* failure) const {
  if (!row || !audit_) return;
  finish_audit(*row, failure);
  audit_->record(std::move(*row));
  row.reset();
}

void WsSession::reply_error(std::string_view code, std::string_view message) {
  enqueue({std::make_shared<const std::string>(error_message(code, message)), -1});
}

void WsSession::set_subscription(const std::vector<int>& symbols, bool subscribe) {
  if (subscribe && !filtered_) {
    std::fill(subscribed_.begin(), subscribed_.end(), false);
    filtered_ = true;
  }
  for (int id : symbols) subscribed_[static_cast<std::size_t>(id)] = subscribe;
  publish_interest();
}

void WsSession::on_message(std::string_view text) {
  // Checked before parsing: a value nested deeper would recurse when walked or dumped.
  if (!core::json_depth_ok(text))
    return reply_error("invalid_json",
                       "messages may nest objects and arrays at most " + std::to_string(core::kMaxJsonDepth) + " deep");
  auto msg = nlohmann::json::parse(text, nullptr, false);
  if (msg.is_discarded() || !msg.is_object()) return reply_error("invalid_json", "messages must be JSON objects");
  auto type_it = msg.find("type");
  if (type_it == msg.end() || !type_it->is_string()) return reply_error("invalid_field", "type must be a string");
  const auto type = type_it->get<std::string>();
  auto& ctx = hub_.context();
  if (hooks_)
    if (auto answer = hooks_->on_message(msg)) return enqueue({std::move(answer), -1});

  if (type == "subscribe" || type == "unsubscribe") {
    auto it = msg.find("symbols");
    if (it == msg.end() || !it->is_array()) return reply_error("invalid_field", "symbols must be an array");
    std::vector<int> ids;
    nlohmann::json names = nlohmann::json::array();  // the acknowledgement names each symbol once
    for (const auto& s : *it) {
      if (!s.is_string()) return reply_error("invalid_field", "symbols must contain strings");
      const auto& name = s.get_ref<const std::string&>();
      auto id = core::resolve_symbol(ctx.instruments, name);
      if (!id) return reply_error("unknown_symbol", "unknown symbol '" + excerpt(name) + "'");
      if (std::find(ids.begin(), ids.end(), static_cast<int>(*id)) != ids.end()) continue;
      ids.push_back(static_cast<int>(*id));
      names.push_back(name);
    }
    // Which messages a subscription brings: seed 002's `price` and `quote` beside `priceUpdate`
    // unless `messages` names fewer.
    bool price = true, quote = true;
    if (auto m = msg.find("messages"); type == "subscribe" && m != msg.end()) {
      if (!m->is_array()) return reply_error("invalid_field", "messages must be an array of price, quote, priceUpdate");
      price = quote = false;
      for (const auto& name : *m) {
        if (name == "price")
          price = true;
        else if (name == "quote")
          quote = true;
        else if (name != "priceUpdate")
          return reply_error("invalid_field", "messages may name price, quote and priceUpdate");
      }
    }
    // Opt-in batching: one array message per `batch_ms` (0 turns it off); under the stall limit,
    // so a batching client is never taken for one that stopped reading.
    std::optional<std::chrono::milliseconds> batch;
    if (auto b = msg.find("batch_ms"); type == "subscribe" && b != msg.end()) {
      if (!b->is_number_integer() || b->get<long long>() < 0 || b->get<long long>() > kMaxBatchMs)
        return reply_error("invalid_field",
                           "batch_ms must be an integer from 0 (off) to " + std::to_string(kMaxBatchMs));
      batch = std::chrono::milliseconds(b->get<long long>());
    }
    set_subscription(ids, type == "subscribe");
    if (type == "subscribe") set_seed_messages(price, quote);
    if (batch) batch_ = *batch;
    enqueue({ws_message(type == "subscribe" ? "subscribed" : "unsubscribed", {{"symbols", std::move(names)}}), -1});
    if (type == "subscribe") {  // each symbol's current price first, then its deltas
      std::vector<WsHub::Since> topics;
      for (int id : ids) topics.push_back({"prices:" + ctx.instruments.at(static_cast<core::SymbolId>(id)).symbol, {}});
      hub_.resume(shared_from_this(), topics, false, 0, false);
    }
    return;
  }
  // `resume` with `since` picks a stream up where it stopped; without, it is the session
  // command (resume trading), as before.
  if (type == "resume" && msg.contains("since")) return on_resume_message(msg);
  if (type == "auth") return on_auth_message(msg);
  if (type == "getStatus") {
    const auto mine = default_portfolio();
    if (auto refused = refusal(Role::viewer, mine.value_or(0), "getStatus needs a viewer's credentials"))
      return reply_error(refused->code, refused->errc == core::Errc::not_found
                                            ? "you have no portfolio: create one with POST /api/portfolios"
                                            : refused->message);
    // Without auth there is no refusal, yet there may be no default portfolio to show.
    auto snap = mine ? ctx.snapshot(*mine) : nullptr;
    if (!snap) return reply_error("not_found", "the portfolio was deleted");
    return enqueue({std::make_shared<const std::string>(WsHub::status_message("status", *snap)), -1});
  }
  if (type == "ping") {
    return enqueue({ws_message("pong"), -1});
  }
  if (auto command = parse_session_command(type)) {
    // Every command, refused or not, leaves an audit row as its REST twin does.
    std::optional<AuditEntry> row;
    if (audit_) row = begin_ws_audit(type, msg, principal_, address_, core::now());
    // The message without its `type` is the REST body of the same command (start's
    // {"strategy","symbols"}, updateStrategy's {"strategy"} or a bare strategy), or seed 000
    // nests that body in `config`: one command, one parser, the same answers on both.
    // `portfolio` (or `portfolio_id`): an id, "default" or a name; absent or "default": the
    // caller's default (as on REST).
    auto portfolio = default_portfolio().value_or(0);
    for (const char* key : {"portfolio", "portfolio_id"}) {
      auto it = msg.find(key);
      if (it == msg.end()) continue;
      if (it->is_string() && *it == "default") {
        msg.erase(it);
        break;
      }
      std::shared_ptr<const engine::PortfolioEntry> entry;
      if (it->is_string()) entry = find_portfolio(ctx.runner, it->get_ref<const std::string&>());
      if (it->is_number_integer()) entry = find_portfolio(ctx.runner, std::to_string(it->get<long long>()));
      if (!entry) {
        const auto failure =
            field_error(key, "no such portfolio; see /api/portfolios", http::status::not_found, "not_found");
        record_audit(row, &failure);
        return enqueue(
            {std::make_shared<const std::string>(error_message(failure.code, failure.message, &failure.details)), -1});
      }
      portfolio = entry->id;
      msg.erase(it);
      break;
    }
    // The same role a REST session command needs (the route table's trader).
    if (row && portfolio > 0) row->portfolio_id = portfolio;
    if (auto refused = refusal(Role::trader, portfolio, "session commands need a trader's credentials")) {
      record_audit(row, &*refused);
      return reply_error(refused->code, refused->message);
    }
    nlohmann::json body;
    if (auto config = msg.find("config"); config != msg.end()) {
      body = std::move(*config);
    } else {
      msg.erase(type_it);
      body = std::move(msg);
    }
    // Success is announced by the broadcast (tradingStarted, ...); only failures reply here.
    // The session change names the socket's user (0: auth off, nobody to name).
    run_session_command(
        ctx, portfolio, *command, &body, principal_.user_id,
        [self = shared_from_this(), row = std::move(row)](std::optional<CommandFailure> failure) mutable {
          self->record_audit(row, failure ? &*failure : nullptr);
          if (!failure) return;
          // Only the field at fault: the details may quote the client's values.
          nlohmann::json details = nlohmann::json::object();
          if (auto field = failure->details.find("field"); field != failure->details.end() && field->is_string())
            details["field"] = excerpt(field->get_ref<const std::string&>(), 64);
          self->send(std::make_shared<const std::string>(
              error_message(failure->code, excerpt(failure->message, 256), &details)));
        });
    return;
  }
  reply_error("unknown_type", "unknown message type '" + excerpt(type) + "'");
}

void WsSession::on_auth_message(const nlohmann::json& msg) {
  auto* identity = hub_.context().identity;
  if (!policy_.enforce || !identity) return reply_error("auth_disabled", "authentication is off on this daemon");
  auto token = msg.find("token");
  if (token == msg.end() || !token->is_string()) return reply_error("invalid_field", "token must be a string");
  auto credentials = identity->authenticate_bearer(token->get_ref<const std::string&>(), core::now());
  if (!credentials) {
    // The socket stays what it was (anonymous, or its earlier principal).
    nlohmann::json details{{"reason", credentials.error().reason}};
    return enqueue(
        {std::make_shared<const std::string>(error_message("unauthenticated", "the token was refused", &details)), -1});
  }
  principal_ = std::move(*credentials);
  visible_of_.reset();  // another principal sees other portfolios
  auth_timer_.cancel();
  enqueue({ws_message("authenticated", {{"user_id", principal_.user_id}, {"role", to_string(principal_.role)}}), -1});
}

void WsSession::on_resume_message(const nlohmann::json& msg) {
  auto it = msg.find("since");
  if (it == msg.end() || !it->is_object() || it->empty())
    return reply_error("invalid_field", "since must be an object of topic: seq");
  std::vector<WsHub::Since> since;
  for (const auto& [topic, seq] : it->items()) {
    if (!seq.is_number_unsigned() && !(seq.is_number_integer() && seq.get<long long>() >= 0))
      return reply_error("invalid_field", "since." + excerpt(topic) + " must be a seq (an integer >= 0)");
    since.push_back({topic, seq.get<std::uint64_t>()});
  }
  if (auto unknown = hub_.resume(shared_from_this(), since, false, default_portfolio().value_or(0), true))
    reply_error("unknown_topic", "unknown topic '" + excerpt(*unknown) + "'");
}

void WsSession::send(std::shared_ptr<const std::string> message, WsTarget target, WsStamp stamp) {
  boost::asio::dispatch(ws_.get_executor(), [self = shared_from_this(), message = std::move(message), target, stamp] {
    self->deliver(message, target, stamp, Delivery::live);
  });
}

void WsSession::send_batch(std::shared_ptr<const std::vector<WsBatchItem>> batch) {
  boost::asio::dispatch(ws_.get_executor(), [self = shared_from_this(), batch = std::move(batch)] {
    // The whole cycle queued before the write starts: one write carries all of it.
    self->holding_ = true;
    for (const auto& item : *batch) self->deliver(item.text, item.target, item.stamp, Delivery::live);
    self->holding_ = false;
    if (!self->writing_ && !self->closing_ && !self->queue_.empty()) self->start_write();
  });
}

void WsSession::deliver(std::shared_ptr<const std::string> message, const WsTarget& target, WsStamp stamp,
                        Delivery how) {
  if (!wants(target)) return;
  if (stamp.topic != WsStamp::none) {
    if (stamp.topic >= seen_.size()) seen_.resize(stamp.topic + 1);
    auto& seen = seen_[stamp.topic];
    if (how == Delivery::replay) {
      // Already sent live on this connection: not again.
      if (seen.first != 0 && stamp.seq >= seen.first && stamp.seq <= seen.last) return;
    } else if (how == Delivery::live) {
      if (stamp.seq <= seen.last) return;  // a replay or snapshot gave it already
      if (seen.first == 0) seen.first = stamp.seq;
    }
    seen.last = std::max(seen.last, stamp.seq);
  }
  enqueue({std::move(message), target.coalesce, target.symbol});
}

void WsSession::set_seed_messages(bool price, bool quote) noexcept {
  want_price_ = price;
  want_quote_ = quote;
  const bool counted = price || quote;
  if (counted != counted_seed_) hub_.count_seed_price_clients(counted ? 1 : -1);
  counted_seed_ = counted;
  publish_interest();
}

void WsSession::publish_interest() noexcept {
  // The audiences wants() admits for this endpoint and these subscriptions; /ws/logs and
  // /ws/strategies judge symbols (if at all) in their hooks, so every symbol counts for them.
  std::uint8_t audience = 0;
  bool every_symbol = false;
  switch (endpoint_) {
    case Endpoint::logs:
    case Endpoint::strategies:
      audience = static_cast<std::uint8_t>(endpoint_ == Endpoint::logs ? WsTarget::logs : WsTarget::strategies);
      every_symbol = true;
      break;
    case Endpoint::stream: audience = WsTarget::stream; break;
    default:
      audience = static_cast<std::uint8_t>(WsTarget::main | (filtered_ ? WsTarget::main_subscribed : 0) |
                                           (want_price_ ? WsTarget::seed_price : 0) |
                                           (want_quote_ ? WsTarget::seed_quote : 0));
  }
  for (std::size_t word = 0; word < interest_symbols_.size(); ++word) {
    std::uint64_t bits = 0;
    for (std::size_t bit = 0; bit < 64 && word * 64 + bit < subscribed_.size(); ++bit)
      if (every_symbol || subscribed_[word * 64 + bit]) bits |= std::uint64_t{1} << bit;
    interest_symbols_[word].store(bits, std::memory_order_relaxed);
  }
  // Release: a reader that sees the new audience sees the symbols stored before it.
  interest_audience_.store(audience, std::memory_order_release);
}

bool WsSession::might_want(const WsTarget& target) const noexcept {
  if ((target.audience & interest_audience_.load(std::memory_order_acquire)) == 0) return false;
  if (target.symbol < 0) return true;
  const auto symbol = static_cast<std::size_t>(target.symbol);
  if (symbol / 64 >= interest_symbols_.size()) return false;
  return (interest_symbols_[symbol / 64].load(std::memory_order_relaxed) >> (symbol % 64)) & 1u;
}

bool WsSession::might_want(std::span<const WsBatchItem> items) const noexcept {
  return std::any_of(items.begin(), items.end(), [this](const WsBatchItem& item) { return might_want(item.target); });
}

bool WsSession::wants(const WsTarget& target) const noexcept {
  if (target.portfolio > 0 && !may_see(target.portfolio)) return false;
  if (target.user >= 0 && !may_see_owned(principal_, target.user, policy_.enforce)) return false;
  if (endpoint_ == Endpoint::logs || endpoint_ == Endpoint::strategies) {
    const auto mine = endpoint_ == Endpoint::logs ? WsTarget::logs : WsTarget::strategies;
    return (target.audience & mine) != 0 && (!hooks_ || hooks_->wants(target));
  }
  const bool audience = endpoint_ == Endpoint::stream
                            ? (target.audience & WsTarget::stream) != 0
                            : (target.audience & WsTarget::main) != 0 ||
                                  ((target.audience & WsTarget::main_subscribed) != 0 && filtered_) ||
                                  ((target.audience & WsTarget::seed_price) != 0 && want_price_) ||
                                  ((target.audience & WsTarget::seed_quote) != 0 && want_quote_);
  if (!audience) return false;
  const auto symbol = static_cast<std::size_t>(target.symbol);
  return target.symbol < 0 || (symbol < subscribed_.size() && subscribed_[symbol]);
}

void WsSession::enqueue(Outgoing out) {
  if (closing_) return;
  if (auto* slot = replaceable(out)) {
    queued_bytes_ = queued_bytes_ - slot->cost() + out.cost();
    out.seq = slot->seq;
    *slot = std::move(out);
    return;
  }
  const auto now = Clock::now();
  if (queue_.empty()) progress_at_ = now;
  if (auto reason = too_slow(out.cost(), now)) return drop_slow(*reason);
  out.seq = next_seq_++;
  const auto key = static_cast<std::size_t>(out.key);
  const auto symbol = static_cast<std::size_t>(out.symbol);
  if (out.key >= 0 && key < latest_keyed_.size())
    latest_keyed_[key] = out.seq;
  else if (out.key < 0 && out.symbol >= 0 && symbol < latest_fixed_.size())
    latest_fixed_[symbol] = out.seq;
  queued_bytes_ += out.cost();
  queue_.push_back(std::move(out));
  if (!writing_ && !holding_) start_write();
}

WsSession::Outgoing* WsSession::replaceable(const Outgoing& out) noexcept {
  const auto key = static_cast<std::size_t>(out.key);
  if (out.key < 0 || key >= latest_keyed_.size() || queue_.empty()) return nullptr;
  const auto seq = latest_keyed_[key];
  const auto front = queue_.front().seq;
  if (seq < front + (writing_ ? in_flight_count_ : 0)) return nullptr;  // none queued, or it is on the wire
  const auto symbol = static_cast<std::size_t>(out.symbol);
  if (out.symbol >= 0 && symbol < latest_fixed_.size() && latest_fixed_[symbol] > seq) return nullptr;
  return &queue_[static_cast<std::size_t>(seq - front)];
}

std::optional<std::string> WsSession::too_slow(std::size_t extra, Clock::time_point now) const {
  const auto& limits = hub_.limits();
  if (queued_bytes_ + extra > limits.max_queued_bytes)
    return "client too slow: over " + std::to_string(limits.max_queued_bytes / 1024) + " KiB queued";
  if (!queue_.empty() && now - progress_at_ > limits.max_stall)
    return "client too slow: nothing read for " + std::to_string(limits.max_stall.count()) + " ms";
  return std::nullopt;
}

void WsSession::drop_slow(const std::string& reason) {
  api_log()->warn("ws client {} closed with 1008 ({}; {} messages, {} bytes queued)", id_, reason, queue_.size(),
                  queued_bytes_);
  registry_->slow_closed.fetch_add(1, std::memory_order_relaxed);
  closing_ = true;
  // What is on the wire stays queued (the write points into it) until the write ends.
  queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(writing_ ? in_flight_count_ : 0), queue_.end());
  queued_bytes_ = 0;
  ws_.async_close(websocket::close_reason(websocket::close_code::policy_error, reason),
                  [self = shared_from_this()](beast::error_code ec) {
                    if (ec) self->fail(ec, "close");
                  });
  // A client that does not read never takes the close frame: drop the connection.
  close_timer_.expires_after(hub_.limits().close_grace);
  close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->ws_.close_transport();
  });
}

void WsSession::start_write() {
  if (batch_.count() == 0) return do_write();
  if (batch_armed_) return;
  batch_armed_ = true;
  batch_timer_.expires_after(batch_);
  batch_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    self->batch_armed_ = false;
    if (ec || self->closing_ || self->writing_ || self->queue_.empty()) return;
    self->do_write();
  });
}

void WsSession::do_write() {
  writing_ = true;
  headers_.clear();
  frames_.clear();
  in_flight_bytes_ = 0;
  if (batch_.count() == 0) {
    // Everything queued (up to a bound) in one write: a frame per message, one syscall for many.
    in_flight_count_ = std::min(queue_.size(), kMaxFramesPerWrite);
    headers_.reserve(in_flight_count_);
    for (std::size_t i = 0; i < in_flight_count_; ++i) {
      headers_.push_back(ws_frame_header(queue_[i].message->size()));
      in_flight_bytes_ += queue_[i].message->size();
    }
    frames_.reserve(2 * in_flight_count_);
    for (std::size_t i = 0; i < in_flight_count_; ++i) {
      frames_.emplace_back(headers_[i].bytes.data(), headers_[i].size);
      frames_.emplace_back(queue_[i].message->data(), queue_[i].message->size());
    }
  } else {
    // One array of everything queued: the messages' own text, joined (each is a JSON object).
    std::size_t size = 1;
    for (const auto& out : queue_) size += out.message->size() + 1;
    auto text = std::make_shared<std::string>();
    text->reserve(size);
    for (const auto& out : queue_) {
      text->push_back(text->empty() ? '[' : ',');
      text->append(*out.message);
    }
    text->push_back(']');
    in_flight_ = std::move(text);
    in_flight_count_ = queue_.size();
    in_flight_bytes_ = in_flight_->size();
    headers_.push_back(ws_frame_header(in_flight_->size()));
    frames_.emplace_back(headers_[0].bytes.data(), headers_[0].size);
    frames_.emplace_back(in_flight_->data(), in_flight_->size());
  }
  ws_.async_write_frames(frames_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->on_write(ec, self->in_flight_bytes_);
  });
}

void WsSession::on_write(beast::error_code ec, std::size_t bytes) {
  writing_ = false;
  in_flight_.reset();
  if (ec) return fail(ec, "write");
  registry_->messages_sent.fetch_add(in_flight_count_, std::memory_order_relaxed);
  registry_->bytes_sent.fetch_add(bytes, std::memory_order_relaxed);
  if (closing_) return;
  progress_at_ = Clock::now();
  for (; in_flight_count_ > 0; --in_flight_count_) {
    queued_bytes_ -= queue_.front().cost();
    queue_.pop_front();
  }
  if (!queue_.empty()) start_write();
}

void WsSession::close(websocket::close_code code, std::string reason) {
  boost::asio::dispatch(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
    if (self->closing_) return;
    self->closing_ = true;
    self->ws_.async_close(websocket::close_reason(code, reason), [self](beast::error_code ec) {
      if (ec) self->fail(ec, "close");
    });
  });
}

}  // namespace meridian::api
