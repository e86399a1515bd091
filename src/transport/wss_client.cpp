#include "meridian/transport/wss_client.hpp"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <stdexcept>

#include "meridian/transport/url.hpp"

namespace meridian::transport {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
constexpr std::size_t kMessageLimit = 4 * 1024 * 1024;
}

// One connection attempt and, once open, its life. A new one per reconnect, so late
// completions of a dead connection can be recognised and ignored.
struct Conn : std::enable_shared_from_this<Conn> {
  Conn(asio::any_io_executor ex, asio::ssl::context& tls) : resolver(ex), resolve_timer(ex), ws(ex, tls) {}
  tcp::resolver resolver;
  asio::steady_timer resolve_timer;
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws;
  beast::flat_buffer buffer;
  std::deque<std::string> outbox;
  bool writing = false;
  bool open = false;
  bool dead = false;
};

struct WssClient::Impl : std::enable_shared_from_this<WssClient::Impl> {
  Impl(asio::any_io_executor ex, WssOptions o, Handlers h, SecureUrl u)
      : executor(std::move(ex)),
        options(std::move(o)),
        handlers(std::move(h)),
        url(std::move(u)),
        tls(make_client_tls(options.tls)),
        backoff(options.backoff),
        retry_timer(executor) {}

  void connect() {
    if (stopped) return;
    if (!options.target_source) return open_connection();
    const auto ask = ++target_asks;
    options.target_source([w = weak_from_this(), ask](std::optional<std::string> target, std::string why) {
      auto self = w.lock();
      if (!self || self->stopped || ask != self->target_asks) return;
      if (!target) return self->retry_later("stream target: " + why);
      self->url.target = std::move(*target);
      self->open_connection();
    });
  }

  void open_connection() {
    conn = std::make_shared<Conn>(executor, *tls);
    auto c = conn;
    c->resolve_timer.expires_after(options.connect_timeout);
    c->resolve_timer.async_wait([c](const beast::error_code& ec) {
      if (!ec) c->resolver.cancel();
    });
    c->resolver.async_resolve(
        url.host, url.port, [self = shared_from_this(), c](const beast::error_code& ec, tcp::resolver::results_type r) {
          c->resolve_timer.cancel();
          if (ec) return self->lost(c, "resolve " + self->url.host, ec);
          self->on_resolve(c, std::move(r));
        });
  }

  void on_resolve(const std::shared_ptr<Conn>& c, tcp::resolver::results_type results) {
    if (c->dead) return;
    beast::get_lowest_layer(c->ws).expires_after(options.connect_timeout);
    beast::get_lowest_layer(c->ws).async_connect(
        results, [self = shared_from_this(), c](const beast::error_code& ec, const tcp::endpoint&) {
          if (ec) return self->lost(c, "connect " + self->url.host, ec);
          self->on_connect(c);
        });
  }

  void on_connect(const std::shared_ptr<Conn>& c) {
    if (c->dead) return;
    auto& ssl = c->ws.next_layer();
    if (!is_ip_literal(url.host)) SSL_set_tlsext_host_name(ssl.native_handle(), url.host.c_str());
    ssl.set_verify_callback(asio::ssl::host_name_verification(url.host));
    beast::get_lowest_layer(c->ws).expires_after(options.connect_timeout);
    ssl.async_handshake(asio::ssl::stream_base::client, [self = shared_from_this(), c](const beast::error_code& ec) {
      if (ec) return self->lost(c, "TLS handshake with " + self->url.host, ec);
      self->on_tls(c);
    });
  }

  void on_tls(const std::shared_ptr<Conn>& c) {
    if (c->dead) return;
    // From here the websocket's own timers take over from the TCP stream's.
    beast::get_lowest_layer(c->ws).expires_never();
    websocket::stream_base::timeout t;
    t.handshake_timeout = options.connect_timeout;
    t.idle_timeout = options.idle_timeout;
    t.keep_alive_pings = true;
    c->ws.set_option(t);
    c->ws.read_message_max(kMessageLimit);
    const auto host = url.port == "443" ? url.host : url.host + ":" + url.port;
    c->ws.async_handshake(host, url.target, [self = shared_from_this(), c](const beast::error_code& ec) {
      if (ec) return self->lost(c, "websocket handshake with " + self->url.host, ec);
      self->on_open(c);
    });
  }

  void on_open(const std::shared_ptr<Conn>& c) {
    if (c->dead) return;
    c->open = true;
    is_connected = true;
    opens.fetch_add(1, std::memory_order_relaxed);
    read(c);
    if (handlers.on_open) handlers.on_open();
  }

  void read(const std::shared_ptr<Conn>& c) {
    c->ws.async_read(c->buffer, [self = shared_from_this(), c](const beast::error_code& ec, std::size_t) {
      if (c->dead) return;
      if (ec) return self->lost(c, "read from " + self->url.host, ec);
      // A frame arrived: the server is healthy again, so the next loss starts the backoff afresh.
      self->backoff.reset();
      const auto data = c->buffer.cdata();
      const std::string_view text(static_cast<const char*>(data.data()), data.size());
      if (self->handlers.on_message) self->handlers.on_message(text);
      c->buffer.consume(c->buffer.size());
      if (!self->stopped && !c->dead) self->read(c);
    });
  }

  void write(const std::shared_ptr<Conn>& c) {
    if (c->writing || c->outbox.empty() || c->dead) return;
    c->writing = true;
    c->ws.text(true);
    c->ws.async_write(asio::buffer(c->outbox.front()),
                      [self = shared_from_this(), c](const beast::error_code& ec, std::size_t) {
                        c->writing = false;
                        if (c->dead) return;
                        if (ec) return self->lost(c, "write to " + self->url.host, ec);
                        c->outbox.pop_front();
                        self->write(c);
                      });
  }

  void lost(const std::shared_ptr<Conn>& c, const std::string& what, const beast::error_code& ec) {
    if (c->dead) return;
    c->dead = true;
    beast::error_code ignored;
    beast::get_lowest_layer(c->ws).socket().close(ignored);
    const bool was_open = c->open;
    is_connected = false;
    if (stopped) return;
    std::string why = what + ": ";
    if (ec == websocket::error::closed)
      why += "closed by server (" + std::to_string(c->ws.reason().code) + " " +
             std::string(c->ws.reason().reason.data(), c->ws.reason().reason.size()) + ")";
    else if (ec == beast::error::timeout)
      why += was_open ? "stalled (no frame within the idle timeout)" : "timed out";
    else
      why += ec.message();
    retry_later(why);
  }

  void retry_later(const std::string& why) {
    if (handlers.on_disconnect) handlers.on_disconnect(why);
    if (stopped) return;  // the handler may have stopped us
    retry_timer.expires_after(backoff.next());
    retry_timer.async_wait([self = shared_from_this()](const beast::error_code& e) {
      if (!e) self->connect();
    });
  }

  void stop() {
    stopped = true;
    ++target_asks;  // an answer on its way is for no one
    retry_timer.cancel();
    if (conn && !conn->dead) {
      conn->dead = true;
      conn->resolver.cancel();
      conn->resolve_timer.cancel();
      beast::error_code ignored;
      beast::get_lowest_layer(conn->ws).socket().close(ignored);
    }
    is_connected = false;
  }

  asio::any_io_executor executor;
  WssOptions options;
  Handlers handlers;
  SecureUrl url;
  std::shared_ptr<asio::ssl::context> tls;
  Backoff backoff;
  asio::steady_timer retry_timer;
  std::shared_ptr<Conn> conn;
  std::uint64_t target_asks = 0;  // target_source's asks so far: only the last one's answer counts
  bool stopped = true;
  std::atomic<bool> is_connected{false};
  std::atomic<std::uint64_t> opens{0};
};

WssClient::WssClient(asio::any_io_executor executor, WssOptions options, Handlers handlers) {
  std::string error;
  auto url = parse_secure_url(options.url, error);
  if (!url) throw std::invalid_argument(error);
  if (url->scheme != "wss") throw std::invalid_argument("websocket URL '" + options.url + "' must be wss://");
  impl_ = std::make_shared<Impl>(std::move(executor), std::move(options), std::move(handlers), std::move(*url));
}

WssClient::~WssClient() {
  impl_->stop();
}

void WssClient::start() {
  if (!impl_->stopped) return;
  impl_->stopped = false;
  impl_->backoff.reset();
  impl_->connect();
}

void WssClient::stop() {
  impl_->stop();
}

void WssClient::send(std::string text) {
  auto& c = impl_->conn;
  if (!c || !c->open || c->dead) return;
  c->outbox.push_back(std::move(text));
  impl_->write(c);
}

bool WssClient::connected() const noexcept {
  return impl_->is_connected.load();
}
std::uint64_t WssClient::connects() const noexcept {
  return impl_->opens.load();
}

}  // namespace meridian::transport
