#include "ws_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <nlohmann/json.hpp>

#include "meridian/api/session_commands.hpp"
#include "meridian/api/ws_hub.hpp"

namespace meridian::api {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {
constexpr std::size_t kMaxInbound = 64 * 1024;
std::int64_t now_ms() {
  return core::epoch_ms(core::now());
}
}  // namespace

WsSession::WsSession(boost::asio::ip::tcp::socket&& socket, WsHub& hub, Endpoint endpoint, core::SymbolId stream_symbol)
    : ws_(std::move(socket)),
      hub_(hub),
      registry_(hub.registry()),
      id_(hub.next_id()),
      subscribed_(hub.context().instruments.size(), endpoint == Endpoint::main),
      filtered_(endpoint == Endpoint::stream),
      endpoint_(endpoint),
      stream_symbol_(stream_symbol) {
  if (endpoint == Endpoint::stream && stream_symbol < subscribed_.size()) subscribed_[stream_symbol] = true;
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
  std::lock_guard lock(registry_->mutex);
  registry_->sessions.erase(id_);
}

void WsSession::run(HttpRequest request) {
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.read_message_max(kMaxInbound);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "meridiand"); }));
  ws_.async_accept(request, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
}

void WsSession::on_accept(beast::error_code ec) {
  if (ec) return;  // the handshake failed; nothing to tell the client
  hub_.join(shared_from_this());
  auto snap = hub_.context().snapshot();
  nlohmann::json hello = nlohmann::json::parse(WsHub::status_message("connected", *snap, "status"));
  hello["client_id"] = id_;
  if (endpoint_ == Endpoint::stream) hello["symbol"] = hub_.context().instruments.at(stream_symbol_).symbol;
  enqueue({std::make_shared<const std::string>(hello.dump()), -1});
  if (endpoint_ == Endpoint::stream) greet_stream();
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
  if (ec) return;  // closed, timed out or reset: the session ends when its handlers do
  const auto data = buffer_.data();
  on_message(std::string_view(static_cast<const char*>(data.data()), data.size()));
  buffer_.consume(buffer_.size());
  do_read();
}

void WsSession::reply_error(std::string_view code, std::string_view message) {
  enqueue({std::make_shared<const std::string>(
               nlohmann::json{{"type", "error"}, {"ts", now_ms()}, {"error", {{"code", code}, {"message", message}}}}
                   .dump()),
           -1});
}

void WsSession::set_subscription(const std::vector<int>& symbols, bool subscribe) {
  if (subscribe && !filtered_) {
    std::fill(subscribed_.begin(), subscribed_.end(), false);
    filtered_ = true;
  }
  for (int id : symbols) subscribed_[static_cast<std::size_t>(id)] = subscribe;
}

void WsSession::on_message(std::string_view text) {
  auto msg = nlohmann::json::parse(text, nullptr, false);
  if (msg.is_discarded() || !msg.is_object()) return reply_error("invalid_json", "messages must be JSON objects");
  auto type_it = msg.find("type");
  if (type_it == msg.end() || !type_it->is_string()) return reply_error("invalid_field", "type must be a string");
  const auto type = type_it->get<std::string>();
  auto& ctx = hub_.context();

  if (type == "subscribe" || type == "unsubscribe") {
    auto it = msg.find("symbols");
    if (it == msg.end() || !it->is_array()) return reply_error("invalid_field", "symbols must be an array");
    std::vector<int> ids;
    for (const auto& s : *it) {
      auto id = s.is_string() ? ctx.instruments.find(s.get<std::string>()) : std::nullopt;
      if (!id) return reply_error("unknown_symbol", "unknown symbol " + s.dump());
      ids.push_back(static_cast<int>(*id));
    }
    set_subscription(ids, type == "subscribe");
    nlohmann::json ack{
        {"type", type == "subscribe" ? "subscribed" : "unsubscribed"}, {"ts", now_ms()}, {"symbols", *it}};
    return enqueue({std::make_shared<const std::string>(ack.dump()), -1});
  }
  if (type == "getStatus") {
    return enqueue({std::make_shared<const std::string>(WsHub::status_message("status", *ctx.snapshot())), -1});
  }
  if (type == "ping") {
    return enqueue(
        {std::make_shared<const std::string>(nlohmann::json{{"type", "pong"}, {"ts", now_ms()}}.dump()), -1});
  }
  if (auto command = parse_session_command(type)) {
    const nlohmann::json* body = msg.contains("config")     ? &msg["config"]
                                 : msg.contains("strategy") ? &msg["strategy"]
                                                            : nullptr;
    // Success is announced by the broadcast (tradingStarted, ...); only failures reply here.
    run_session_command(ctx, *command, body, [self = shared_from_this()](std::optional<CommandFailure> failure) {
      if (failure)
        self->send(std::make_shared<const std::string>(nlohmann::json{
            {"type", "error"}, {"ts", now_ms()}, {"error", {{"code", failure->code}, {"message", failure->message}}}}
                                                           .dump()));
    });
    return;
  }
  reply_error("unknown_type", "unknown message type '" + type + "'");
}

void WsSession::send(std::shared_ptr<const std::string> message, WsTarget target) {
  boost::asio::dispatch(ws_.get_executor(), [self = shared_from_this(), message = std::move(message), target] {
    if (self->wants(target)) self->enqueue({message, target.coalesce, target.symbol});
  });
}

bool WsSession::wants(const WsTarget& target) const noexcept {
  const bool audience = endpoint_ == Endpoint::stream
                            ? (target.audience & WsTarget::stream) != 0
                            : (target.audience & WsTarget::main) != 0 ||
                                  ((target.audience & WsTarget::main_subscribed) != 0 && filtered_);
  if (!audience) return false;
  const auto symbol = static_cast<std::size_t>(target.symbol);
  return target.symbol < 0 || (symbol < subscribed_.size() && subscribed_[symbol]);
}

void WsSession::enqueue(Outgoing out) {
  if (closing_) return;
  if (out.key >= 0) {
    // Newest first, down to the front message (which may be on the wire already) or to a
    // message of the same symbol that must not be overtaken.
    for (std::size_t i = queue_.size(); i-- > (writing_ ? 1u : 0u);) {
      if (queue_[i].key == out.key) {
        queue_[i] = std::move(out);
        return;
      }
      if (queue_[i].key < 0 && out.symbol >= 0 && queue_[i].symbol == out.symbol) break;
    }
  }
  if (queue_.size() >= kMaxQueue) {
    spdlog::warn("ws client {} too slow ({} messages queued): closing", id_, queue_.size());
    closing_ = true;
    queue_.clear();
    writing_ = false;
    ws_.async_close(websocket::close_reason(websocket::close_code::policy_error, "client too slow"),
                    [self = shared_from_this()](beast::error_code) {});
    return;
  }
  queue_.push_back(std::move(out));
  if (!writing_) do_write();
}

void WsSession::do_write() {
  writing_ = true;
  ws_.text(true);
  ws_.async_write(boost::asio::buffer(*queue_.front().message),
                  beast::bind_front_handler(&WsSession::on_write, shared_from_this()));
}

void WsSession::on_write(beast::error_code ec, std::size_t) {
  if (ec || closing_) return;
  queue_.pop_front();
  writing_ = false;
  if (!queue_.empty()) do_write();
}

void WsSession::close(websocket::close_code code, std::string reason) {
  boost::asio::dispatch(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
    if (self->closing_) return;
    self->closing_ = true;
    self->ws_.async_close(websocket::close_reason(code, reason), [self](beast::error_code) {});
  });
}

}  // namespace meridian::api
