#include "fake_venue.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <mutex>
#include <thread>

namespace venue_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

std::string test_cert_path() {
  return MERIDIAN_VENUE_TEST_DIR "/test_venue_cert.pem";
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return done();
}

namespace {

// The listening half shared by both fakes: TLS context, acceptor, server thread, and the
// sessions kept alive on purpose (stalled ones) until the server goes away.
struct Server {
  Server() : tls(asio::ssl::context::tls_server), acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    tls.use_certificate_chain_file(MERIDIAN_VENUE_TEST_DIR "/test_venue_cert.pem");
    tls.use_private_key_file(MERIDIAN_VENUE_TEST_DIR "/test_venue_key.pem", asio::ssl::context::pem);
  }
  void run() {
    thread = std::thread([this] { io.run(); });
  }
  void shutdown() {
    io.stop();
    if (thread.joinable()) thread.join();
  }
  unsigned short port() const { return acceptor.local_endpoint().port(); }

  // Declared first so it outlives the io_context, whose destruction frees pending sessions.
  asio::ssl::context tls;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::thread thread;
  std::vector<std::shared_ptr<void>> held;  // server thread only
};

}  // namespace

// ---------------------------------------------------------------- HTTPS

std::string LoggedRequest::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (beast::iequals(k, name)) return v;
  return {};
}

struct FakeHttpsVenue::Impl : Server {
  explicit Impl(RequestHandler h) : handler(std::move(h)) {}

  struct Session : std::enable_shared_from_this<Session> {
    Session(Impl& o, tcp::socket s) : owner(o), stream(std::move(s), o.tls) {}
    void run() {
      stream.async_handshake(asio::ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
        if (ec) {
          ++self->owner.handshake_failures;
          return;
        }
        http::async_read(self->stream, self->buffer, self->request,
                         [self](beast::error_code e, std::size_t) { self->on_request(e); });
      });
    }
    void on_request(beast::error_code ec) {
      if (ec) return;
      LoggedRequest logged{std::string(request.target()), std::chrono::steady_clock::now(), {}, {}, request.body()};
      logged.method = std::string(request.method_string());
      for (const auto& field : request) logged.headers.emplace_back(field.name_string(), field.value());
      {
        std::lock_guard lock(owner.mutex);
        owner.log.push_back(logged);
      }
      const auto reply = owner.handler(logged);
      if (reply.stall) {
        owner.held.push_back(shared_from_this());
        return;
      }
      response.result(reply.status);
      response.version(11);
      response.set(http::field::content_type, "application/json");
      for (const auto& [k, v] : reply.headers) response.set(k, v);
      response.body() = reply.body;
      response.keep_alive(false);
      response.prepare_payload();
      http::async_write(stream, response, [self = shared_from_this()](beast::error_code, std::size_t) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->stream).socket().shutdown(tcp::socket::shutdown_send, ignored);
      });
    }
    Impl& owner;
    beast::ssl_stream<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
  };

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket s) {
      if (ec) return;
      std::make_shared<Session>(*this, std::move(s))->run();
      accept();
    });
  }

  RequestHandler handler;
  mutable std::mutex mutex;
  std::vector<LoggedRequest> log;
  std::atomic<std::size_t> handshake_failures{0};
};

FakeHttpsVenue::FakeHttpsVenue(Handler handler)
    : FakeHttpsVenue(RequestHandler([h = std::move(handler)](const LoggedRequest& r) { return h(r.target); })) {}

FakeHttpsVenue::FakeHttpsVenue(RequestHandler handler) : impl_(std::make_shared<Impl>(std::move(handler))) {
  impl_->accept();
  impl_->run();
}

FakeHttpsVenue::~FakeHttpsVenue() {
  impl_->shutdown();
}

std::string FakeHttpsVenue::url() const {
  return "https://127.0.0.1:" + std::to_string(impl_->port());
}

std::vector<LoggedRequest> FakeHttpsVenue::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->log;
}

std::size_t FakeHttpsVenue::count(const std::string& part) const {
  std::size_t n = 0;
  for (const auto& r : requests()) n += r.target.find(part) != std::string::npos;
  return n;
}

std::size_t FakeHttpsVenue::handshake_failures() const {
  return impl_->handshake_failures.load();
}

// ---------------------------------------------------------------- WSS

struct FakeWssVenue::Impl : Server {
  explicit Impl(Choose c) : choose(std::move(c)) {}

  struct Session : std::enable_shared_from_this<Session> {
    Session(Impl& o, tcp::socket s, WsBehaviour b) : owner(o), ws(std::move(s), o.tls), behaviour(b) {}
    void run() {
      ws.next_layer().async_handshake(asio::ssl::stream_base::server,
                                      [self = shared_from_this()](beast::error_code ec) { self->on_tls(ec); });
    }
    void on_tls(beast::error_code ec) {
      if (ec) return;
      ws.control_callback([&o = owner](websocket::frame_type kind, beast::string_view) {
        if (kind == websocket::frame_type::ping) ++o.pings;
      });
      // The upgrade request is read here so its target (a stream list) can be logged.
      http::async_read(ws.next_layer(), buffer, upgrade, [self = shared_from_this()](beast::error_code e, std::size_t) {
        if (e) return;
        {
          std::lock_guard lock(self->owner.mutex);
          self->owner.targets.emplace_back(self->upgrade.target());
        }
        self->ws.async_accept(self->upgrade, [self](beast::error_code e2) { self->on_accept(e2); });
      });
    }
    void on_accept(beast::error_code ec) {
      if (ec) return;
      switch (behaviour) {
        case WsBehaviour::echo: return read();
        case WsBehaviour::close_on_open:
          owner.held.push_back(shared_from_this());
          return ws.async_close(websocket::close_code::going_away, [](beast::error_code) {});
        case WsBehaviour::silent: owner.held.push_back(shared_from_this()); return;
        case WsBehaviour::scripted: return send_script(0);
      }
    }
    void send_script(std::size_t i) {
      if (i == script.frames.size()) {
        if (!script.close_after) return read();
        owner.held.push_back(shared_from_this());
        return ws.async_close(websocket::close_code::going_away, [](beast::error_code) {});
      }
      ws.text(true);
      ws.async_write(asio::buffer(script.frames[i]), [self = shared_from_this(), i](beast::error_code e, std::size_t) {
        if (!e) self->send_script(i + 1);
      });
    }
    void read() {
      ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return;
        auto text = beast::buffers_to_string(self->buffer.data());
        self->buffer.consume(self->buffer.size());
        {
          std::lock_guard lock(self->owner.mutex);
          self->owner.received.push_back(text);
        }
        self->echo = std::move(text);
        self->ws.text(true);
        self->ws.async_write(asio::buffer(self->echo), [self](beast::error_code e, std::size_t) {
          if (!e) self->read();
        });
      });
    }
    Impl& owner;
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws;
    WsBehaviour behaviour;
    WsScript script;
    beast::flat_buffer buffer;
    http::request<http::empty_body> upgrade;
    std::string echo;
  };

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket s) {
      if (ec) return;
      const auto n = connections++;
      auto session = std::make_shared<Session>(*this, std::move(s), script ? WsBehaviour::scripted : choose(n));
      if (script) session->script = script(n);
      session->run();
      accept();
    });
  }

  Choose choose;
  Script script;
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> pings{0};
  mutable std::mutex mutex;
  std::vector<std::string> received;
  std::vector<std::string> targets;
};

FakeWssVenue::FakeWssVenue(Choose choose) : impl_(std::make_shared<Impl>(std::move(choose))) {
  impl_->accept();
  impl_->run();
}

FakeWssVenue::FakeWssVenue(Script script) : impl_(std::make_shared<Impl>(Choose{})) {
  impl_->script = std::move(script);
  impl_->accept();
  impl_->run();
}

FakeWssVenue::~FakeWssVenue() {
  impl_->shutdown();
}

std::string FakeWssVenue::url() const {
  return "wss://127.0.0.1:" + std::to_string(impl_->port()) + "/stream";
}
std::size_t FakeWssVenue::connections() const {
  return impl_->connections.load();
}
std::size_t FakeWssVenue::pings() const {
  return impl_->pings.load();
}
std::vector<std::string> FakeWssVenue::messages() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received;
}
std::vector<std::string> FakeWssVenue::targets() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->targets;
}

}  // namespace venue_test
