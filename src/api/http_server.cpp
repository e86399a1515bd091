#include "meridian/api/http_server.hpp"

#include <algorithm>
#include <stdexcept>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>
#include <nlohmann/json.hpp>

#include "api_log.hpp"
#include "csv_body.hpp"
#include "log_query.hpp"
#include "meridian/api/audit.hpp"
#include "meridian/api/identity.hpp"
#include "meridian/api/log_stream.hpp"
#include "meridian/core/symbol_alias.hpp"
#include "read_cache.hpp"
#include "ws_session.hpp"

namespace meridian::api {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Whether a request asks for JSON rather than a page: its Accept names application/json and
// not text/html (a browser's navigation names text/html).
namespace {
bool wants_json(const HttpRequest& req) {
  const std::string_view accept = req[http::field::accept];
  return accept.find("application/json") != std::string_view::npos &&
         accept.find("text/html") == std::string_view::npos;
}
}  // namespace

// A connection as the server holds it (HttpServer::Registry), whatever its transport.
class HttpSession {
 public:
  virtual ~HttpSession() = default;
  virtual void run() = 0;
  // Any thread: close if idle; a busy session closes after its response (draining).
  virtual void close_if_idle() = 0;
};

// One connection over `Stream`: beast::tcp_stream (plain HTTP) or TlsStream (HTTPS). Reading,
// routing and answering are the same code for both; only opening (the TLS handshake), the
// hand-over to a WebSocket session, closing and the HSTS header depend on the transport.
template <class Stream>
class BasicHttpSession final : public HttpSession, public std::enable_shared_from_this<BasicHttpSession<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  using std::enable_shared_from_this<BasicHttpSession>::shared_from_this;

 public:
  BasicHttpSession(tcp::socket&& socket, HttpServer& server, std::shared_ptr<HttpServer::Registry> registry,
                   std::uint64_t id)
      : stream_(open_stream(std::move(socket), server)), server_(server), registry_(std::move(registry)), id_(id) {
    beast::error_code ec;
    const auto peer = transport().socket().remote_endpoint(ec);
    if (!ec) address_ = peer.address().to_string();
  }
  ~BasicHttpSession() override {
    std::lock_guard lock(registry_->mutex);
    registry_->sessions.erase(id_);
  }

  void run() override {
    if constexpr (kTls)
      net::dispatch(stream_.get_executor(),
                    beast::bind_front_handler(&BasicHttpSession::do_detect, shared_from_this()));
    else
      net::dispatch(stream_.get_executor(), beast::bind_front_handler(&BasicHttpSession::do_read, shared_from_this()));
  }

  void close_if_idle() override {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) {
        beast::error_code ec;
        self->transport().socket().shutdown(tcp::socket::shutdown_both, ec);
        self->transport().close();
      }
    });
  }

 private:
  static Stream open_stream(tcp::socket&& socket, HttpServer& server) {
    if constexpr (kTls)
      return Stream(std::move(socket), *server.config().tls);
    else
      return Stream(std::move(socket));
  }

  // The TCP connection (and its timer) under the transport.
  beast::tcp_stream& transport() noexcept { return beast::get_lowest_layer(stream_); }

  // TLS: the first bytes say whether the client speaks TLS at all; the handshake (or the
  // refusal of plain HTTP) follows, all within the read timeout, so a client that never
  // completes its handshake is dropped.
  void do_detect() {
    transport().expires_after(server_.config().read_timeout);
    beast::async_detect_ssl(transport(), buffer_,
                            beast::bind_front_handler(&BasicHttpSession::on_detect, shared_from_this()));
  }

  void on_detect(beast::error_code ec, bool tls) {
    if (ec) return transport().close();
    if (!tls) return refuse_plain();
    // The bytes detection read are the start of the handshake.
    stream_.async_handshake(net::ssl::stream_base::server, buffer_.data(),
                            beast::bind_front_handler(&BasicHttpSession::on_handshake, shared_from_this()));
  }

  void on_handshake(beast::error_code ec, std::size_t used) {
    if (ec) {
      api_log()->debug("TLS handshake with {} failed: {}", address_, ec.message());
      return transport().close();
    }
    buffer_.consume(used);
    do_read();
  }

  // Plain HTTP on the TLS port: one plain answer saying so (not counted as a request), then
  // the connection closes.
  void refuse_plain() {
    res_.emplace(error_response(11, false, http::status::bad_request, "tls_required",
                                "this port speaks only TLS: use https:// (or wss://)"));
    http::async_write(transport(), *res_, [self = shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ignored;
      self->transport().socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  // The connection, for the WebSocket session it becomes: the socket, or under TLS the stream
  // whole (its TLS session goes with it), without the HTTP timer (the WebSocket keeps its own).
  auto release_stream() {
    if constexpr (kTls) {
      transport().expires_never();
      return std::move(stream_);
    } else {
      return stream_.release_socket();
    }
  }

  void do_read() {
    parser_.emplace();
    parser_->body_limit(server_.config().body_limit);
    parser_->header_limit(16 * 1024);
    transport().expires_after(server_.config().read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&BasicHttpSession::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout ||
        ec == net::error::eof || ec == net::error::connection_reset || ec == net::error::bad_descriptor ||
        ec == net::ssl::error::stream_truncated)
      return do_close();
    if (ec == http::error::body_limit) {
      return send(error_response(11, false, http::status::payload_too_large, "payload_too_large",
                                 "request body exceeds " + std::to_string(server_.config().body_limit) + " bytes"));
    }
    if (ec) {
      if (ec.category() == http::make_error_code(http::error::bad_target).category())
        return send(error_response(11, false, http::status::bad_request, "bad_request", "malformed HTTP request"));
      return do_close();
    }
    busy_ = true;
    started_ = std::chrono::steady_clock::now();
    route_index_ = server_.stats().routes.unrouted();
    req_ = parser_->release();
    server_.stats().requests.fetch_add(1, std::memory_order_relaxed);

    if (auto refused = server_.guard().check_request(req_)) return send(std::move(*refused));
    if (beast::websocket::is_upgrade(req_)) {
      // A browser page of another origin must not drive the daemon over a WebSocket either.
      if (auto refused = server_.guard().check_origin(req_)) return send(std::move(*refused));
      const auto path = req_.target().substr(0, req_.target().find('?'));
      if (path == "/ws/logs" || path == "/ws/strategies") return upgrade_endpoint(path == "/ws/logs");
      const bool main = req_.target() == "/ws" || req_.target().starts_with("/ws?");
      const auto name = main ? std::nullopt : WsSession::stream_symbol(req_.target());
      if (main || name) {
        std::optional<core::SymbolId> symbol;
        if (name) {
          // Percent-decoded like a route's path parameter, so /ws/stream/BTC%2FUSD works.
          auto encoded = boost::urls::make_pct_string_view(*name);
          const std::string decoded = encoded ? std::string(encoded->decode()) : std::string(*name);
          if (!(symbol = core::resolve_symbol(server_.hub().context().instruments, decoded)))
            return send(error_response(req_.version(), false, http::status::not_found, "unknown_symbol",
                                       "unknown symbol '" + std::string(*name) + "'; see /api/symbols"));
        }
        auto principal = ws_principal();
        if (!principal) return send(error_response(req_.version(), false, principal.error()));
        // The socket (and its strand) moves to the WebSocket session.
        auto session =
            symbol ? std::make_shared<WsSession>(release_stream(), server_.hub(), WsSession::Endpoint::stream, *symbol)
                   : std::make_shared<WsSession>(release_stream(), server_.hub());
        session->authorize(std::move(*principal), server_.config().auth);
        session->audit_to(server_.audit(), address_);
        session->run(std::move(req_));
        return;
      }
      return send(error_response(req_.version(), false, http::status::not_found, "not_found",
                                 "no WebSocket endpoint at this path"));
    }
    dispatch();
  }

  // /ws/logs (admin, with a level/module filter from the query: a bad one is 422) and
  // /ws/strategies (viewer): their logic is log_stream.cpp's and strategy_stream.cpp's.
  void upgrade_endpoint(bool logs) {
    const auto& policy = server_.config().auth;
    auto& ctx = server_.hub().context();
    if (logs && !ctx.log_stream)
      return send(
          error_response(req_.version(), false, http::status::not_found, "not_found", "this daemon streams no logs"));
    auto principal = ws_principal();
    if (!principal) return send(error_response(req_.version(), false, principal.error()));
    const Role need = logs ? Role::admin : Role::viewer;
    const bool open_read = !logs && policy.public_read;
    if (!open_read && !authorized(principal->role, need, policy.enforce)) {
      const bool anonymous = principal->anonymous();
      return send(error_response(
          req_.version(), false, anonymous ? http::status::unauthorized : http::status::forbidden,
          anonymous ? "unauthenticated" : "forbidden",
          std::string(logs ? "/ws/logs needs an admin" : "/ws/strategies needs a viewer") + "'s credentials"));
    }
    std::shared_ptr<WsEndpointHooks> hooks;
    if (logs) {
      std::optional<std::string> level, module;
      if (auto url = boost::urls::parse_origin_form(req_.target())) {
        for (const auto& p : url->params()) {
          if (p.key == "level") level = p.value;
          if (p.key == "module") module = p.value;
        }
      }
      auto filter = log_filter(level, module);
      if (!filter) return send(error_response(req_.version(), false, filter.error()));
      hooks = ctx.log_stream->hooks(*filter);
    }
    auto session = std::make_shared<WsSession>(release_stream(), server_.hub(),
                                               logs ? WsSession::Endpoint::logs : WsSession::Endpoint::strategies);
    session->set_hooks(std::move(hooks));
    session->authorize(std::move(*principal), policy);
    session->audit_to(server_.audit(), address_);
    session->run(std::move(req_));
  }

  // Who opens a WebSocket: credentials from the Authorization header (or X-API-Key), else the
  // URL's ?token= (browsers cannot set headers on a WebSocket). None: the anonymous client
  // (public market data; it may still send {"type":"auth"}). Presented and refused: 401, so a
  // client learns its token expired instead of silently losing its private topics.
  // An upgrade spends its caller's request budget (the gate's rate limit) like a request does.
  ApiResult<auth::Principal> ws_principal() {
    const auto& policy = server_.config().auth;
    auto* identity = server_.identity();
    if (!policy.enforce || !identity) {
      if (auto refused = server_.gate().throttle(AuthFailure{AuthFailure::kMissing}, address_))
        return std::move(*refused);
      return auth::Principal{};
    }
    auto credentials = identity->authenticate(req_);
    if (!credentials && !credentials.error().presented()) {
      if (auto url = boost::urls::parse_origin_form(req_.target())) {
        if (auto it = url->params().find("token"); it != url->params().end() && (*it).has_value)
          credentials = identity->authenticate_bearer((*it).value, core::now());
      }
    }
    if (auto refused = server_.gate().throttle(credentials, address_)) return std::move(*refused);
    if (!credentials && !credentials.error().presented()) return auth::Principal{};
    return admit(Role::viewer, credentials, policy);
  }

  void dispatch() {
    auto url = boost::urls::parse_origin_form(req_.target());
    if (!url) {
      return send(error_response(req_.version(), req_.keep_alive(), http::status::bad_request, "invalid_target",
                                 "the request target is not a valid origin-form URL"));
    }
    // Seed 003's health check asks `/` for JSON; a browser asking for the page gets the dashboard.
    const std::string_view encoded_path = url->encoded_path();
    const std::string_view path = encoded_path == "/" && wants_json(req_) ? std::string_view("/health") : encoded_path;
    if (server_.cors().enabled() && Cors::is_preflight(req_)) {
      if (auto refused = server_.gate().throttle(AuthFailure{AuthFailure::kMissing}, address_))
        return send(error_response(req_.version(), req_.keep_alive(), *refused));
      const auto method = http::string_to_verb(req_[http::field::access_control_request_method]);
      return send(server_.cors().preflight(req_, server_.router().match(method, path).allowed));
    }
    if (state_changing(req_.method()))
      if (auto refused = server_.guard().check_origin(req_)) return send(std::move(*refused));
    // HEAD is answered wherever GET is, without the body.
    const bool head = req_.method() == http::verb::head;
    auto match = server_.router().match(head ? http::verb::get : req_.method(), path);
    if (match.route) {
      route_index_ = static_cast<std::size_t>(match.route - server_.router().routes().data());
      // The one enforcement point (auth_gate.hpp): no handler runs for a caller the gate refuses.
      Credentials credentials{AuthFailure{AuthFailure::kMissing}};
      auto admitted = server_.gate().admit(*match.route, req_, address_, &credentials);
      // Every state-changing request, refused or not, leaves an audit row (audit.hpp); send() completes it.
      if (server_.audit() && state_changing(req_.method()))
        audit_ = begin_audit(req_, *match.route, path, match.params, url->params(), credentials, address_, core::now());
      if (!admitted) return send(error_response(req_.version(), req_.keep_alive(), admitted.error()));
      const bool csv = match.route->csv_body && csv_body(req_);
      if (!csv)
        if (auto refused = check_json_content_type(req_)) return send(std::move(*refused));
      // After the gate: a kept answer reaches only a caller it admitted, made for the same one.
      if (match.route->snapshot_read && !head && cacheable()) {
        const auto key = ReadKey::of(route_index_, req_, *admitted);
        auto stamp = ReadStamp::of(server_.hub().context().runner);
        if (auto kept = server_.read_cache().find(key, stamp)) return send_kept(std::move(kept));
        pending_read_ = PendingRead{std::move(stamp), key.user_id, key.role, key.api_key_id};
      }
      Request request{req_, path, url->params(), std::move(match.params), std::move(*admitted), address_};
      try {
        match.route->handler(request, [self = shared_from_this(), head](HttpResponse&& res) {
          if (head) {
            const auto length = res.body().size();
            res.body().clear();
            res.content_length(length);
          }
          net::dispatch(self->stream_.get_executor(),
                        [self, res = std::move(res)]() mutable { self->send(std::move(res)); });
        });
      } catch (const std::exception& e) {
        // A handler bug: answer 500 (never for bad input, which handlers reject themselves).
        api_log()->error("handler {} {} threw: {}", std::string(req_.method_string()), std::string(path), e.what());
        send(error_response(req_.version(), req_.keep_alive(), http::status::internal_server_error, "internal_error",
                            "internal error"));
      }
      return;
    }
    // Static files and unknown paths spend the address's budget (no credentials are read there).
    if (auto refused = server_.gate().throttle(AuthFailure{AuthFailure::kMissing}, address_))
      return send(error_response(req_.version(), req_.keep_alive(), *refused));
    if (!match.allowed.empty()) {
      std::string allow;
      for (auto m : match.allowed) allow += (allow.empty() ? "" : ", ") + std::string(http::to_string(m));
      if (std::find(match.allowed.begin(), match.allowed.end(), http::verb::get) != match.allowed.end())
        allow += ", HEAD";
      auto res =
          error_response(req_.version(), req_.keep_alive(), http::status::method_not_allowed, "method_not_allowed",
                         std::string(req_.method_string()) + " is not allowed here; allowed: " + allow);
      res.set(http::field::allow, allow);
      return send(std::move(res));
    }
    if (!path.starts_with("/api/")) {
      if (head || req_.method() == http::verb::get) {
        if (auto res = server_.files().serve(req_, path)) return send(std::move(*res));
      } else {
        // A page exists here, but only for reading.
        HttpRequest probe{http::verb::get, req_.target(), req_.version()};
        if (auto res = server_.files().serve(probe, path); res && res->result() == http::status::ok) {
          auto err =
              error_response(req_.version(), req_.keep_alive(), http::status::method_not_allowed, "method_not_allowed",
                             std::string(req_.method_string()) + " is not allowed here; allowed: GET, HEAD");
          err.set(http::field::allow, "GET, HEAD");
          return send(std::move(err));
        }
      }
    }
    send(error_response(req_.version(), req_.keep_alive(), http::status::not_found, "not_found",
                        "no route for " + std::string(req_.method_string()) + " " + std::string(path)));
  }

  // Whether this request's answer may be kept and served again as is: what send() would add
  // to it for this request alone (CORS headers for an Origin, a close while draining) rules
  // it out.
  bool cacheable() const {
    if (server_.draining()) return false;
    return !server_.cors().enabled() || req_.find(http::field::origin) == req_.end();
  }

  // A kept answer (ReadCache), written as it is: no copy, no allocation.
  void send_kept(std::shared_ptr<const HttpResponse> res) {
    server_.stats().routes.record(route_index_, res->result_int(), std::chrono::steady_clock::now() - started_);
    kept_ = std::move(res);
    transport().expires_after(std::chrono::seconds(30));
    http::async_write(stream_, *kept_,
                      beast::bind_front_handler(&BasicHttpSession::on_write, shared_from_this(), kept_->keep_alive()));
  }

  void send(HttpResponse&& res) {
    if (audit_) {
      finish_audit(*audit_, res);
      server_.audit()->record(std::move(*audit_));
      audit_.reset();
    }
    const auto code = res.result_int();
    if (busy_) server_.stats().routes.record(route_index_, code, std::chrono::steady_clock::now() - started_);
    if (code >= 500)
      server_.stats().server_errors.fetch_add(1, std::memory_order_relaxed);
    else if (code >= 400)
      server_.stats().client_errors.fetch_add(1, std::memory_order_relaxed);
    if (server_.draining()) res.keep_alive(false);
    if constexpr (kTls) add_tls_headers(res);
    if (pending_read_) {
      // Its headers are final here (cacheable() excluded the ones added below).
      if (code == 200 && !server_.draining()) {
        auto& p = *pending_read_;
        const ReadKey key{route_index_, req_.target(),  p.user_id,        p.role,
                          p.api_key_id, req_.version(), req_.keep_alive()};
        server_.read_cache().store(key, std::move(p.stamp), res);
      }
      pending_read_.reset();
    }
    // Only while a request is being answered: an early refusal (a body over the limit) would
    // otherwise see the previous request's Origin.
    if (busy_) server_.cors().decorate(req_, res);
    res_.emplace(std::move(res));
    transport().expires_after(std::chrono::seconds(30));
    http::async_write(stream_, *res_,
                      beast::bind_front_handler(&BasicHttpSession::on_write, shared_from_this(), res_->keep_alive()));
  }

  void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    busy_ = false;
    res_.reset();
    kept_.reset();
    if (ec || !keep_alive || server_.draining()) return do_close();
    do_read();
  }

  void do_close() {
    if constexpr (kTls) {
      // close_notify, then the TCP close; a peer that never answers it is cut off by the timer.
      transport().expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->transport().close(); });
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  HttpServer& server_;
  std::shared_ptr<HttpServer::Registry> registry_;
  std::uint64_t id_;
  std::string address_;  // the peer's IP address, for refresh tokens and the audit trail
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest req_;
  std::optional<HttpResponse> res_;           // the one response in flight
  std::shared_ptr<const HttpResponse> kept_;  // or a kept one (ReadCache)
  // A snapshot_read request's stamp and caller, taken before its handler ran: send() keeps its
  // 200 answer under them.
  struct PendingRead {
    ReadStamp stamp;
    std::int64_t user_id;
    Role role;
    std::int64_t api_key_id;
  };
  std::optional<PendingRead> pending_read_;
  std::optional<AuditEntry> audit_;  // the request's audit row, begun in dispatch(), recorded by send()
  bool busy_ = false;
  // The request being answered: when it was read, and its route's index (RouteStats).
  std::chrono::steady_clock::time_point started_{};
  std::size_t route_index_ = 0;
};

HttpServer::HttpServer(net::io_context& io, ServerConfig config, const Router& router, const StaticFiles& files,
                       WsHub& hub, Identity* identity)
    : io_(io),
      config_(std::move(config)),
      router_(router),
      files_(files),
      hub_(hub),
      identity_(identity),
      gate_(config_.auth, identity, config_.rate_limit, config_.metrics_token),
      cors_(config_.cors_origins),
      acceptor_(net::make_strand(io)),
      read_cache_(std::make_unique<ReadCache>()) {
  stats_.routes.reset(router_.routes().size());
  stats_.ws = &hub_;
}

HttpServer::~HttpServer() = default;

void HttpServer::start() {
  const tcp::endpoint endpoint{net::ip::make_address(config_.host), config_.port};
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  // A page allowed to read answers (CORS) may also send commands; the guard still refuses others.
  auto origins = config_.allowed_origins;
  origins.insert(origins.end(), config_.cors_origins.begin(), config_.cors_origins.end());
  guard_.emplace(config_.host, port_, origins, config_.allowed_hosts, config_.tls != nullptr);
  do_accept();
}

void HttpServer::do_accept() {
  acceptor_.async_accept(net::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
      api_log()->warn("accept failed: {}", ec.message());
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      std::shared_ptr<HttpSession> session;
      {
        std::lock_guard lock(registry_->mutex);
        const auto id = ++registry_->next_id;
        if (config_.tls)
          session = std::make_shared<BasicHttpSession<TlsStream>>(std::move(socket), *this, registry_, id);
        else
          session = std::make_shared<BasicHttpSession<beast::tcp_stream>>(std::move(socket), *this, registry_, id);
        registry_->sessions[id] = session;
      }
      session->run();
    }
    if (!draining_) do_accept();
  });
}

void HttpServer::stop() {
  draining_ = true;
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
  std::vector<std::shared_ptr<HttpSession>> live;
  {
    std::lock_guard lock(registry_->mutex);
    for (const auto& [id, weak] : registry_->sessions)
      if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  for (const auto& s : live) s->close_if_idle();
}

}  // namespace meridian::api
