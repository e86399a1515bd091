#include "replying_wss.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <mutex>
#include <thread>

namespace venue_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

struct ReplyingWssVenue::Impl {
  struct Session : std::enable_shared_from_this<Session> {
    Session(Impl& o, tcp::socket s, std::size_t n) : owner(o), ws(std::move(s), o.tls), number(n) {}

    void run() {
      ws.next_layer().async_handshake(asio::ssl::stream_base::server, [self =
                                                                           shared_from_this()](beast::error_code ec) {
        if (ec) {
          ++self->owner.handshake_failures;
          return;
        }
        http::async_read(self->ws.next_layer(), self->buffer, self->upgrade, [self](beast::error_code e, std::size_t) {
          if (e) return;
          self->ws.async_accept(self->upgrade, [self](beast::error_code e2) { self->on_accept(e2); });
        });
      });
    }
    void on_accept(beast::error_code ec) {
      if (ec) return;
      buffer.consume(buffer.size());
      {
        std::lock_guard lock(owner.mutex);
        owner.targets.emplace_back(upgrade.target());
        owner.newest = shared_from_this();
      }
      ++owner.connections;
      for (auto& f : owner.script.on_open ? owner.script.on_open(number) : std::vector<std::string>{})
        send(std::move(f));
      read();
    }
    void read() {
      ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) {
          self->closed = true;
          return;
        }
        auto text = beast::buffers_to_string(self->buffer.data());
        self->buffer.consume(self->buffer.size());
        {
          std::lock_guard lock(self->owner.mutex);
          self->owner.received.push_back({self->number, text});
        }
        if (self->owner.script.on_frame)
          for (auto& f : self->owner.script.on_frame(self->number, text)) self->send(std::move(f));
        self->read();
      });
    }
    void send(std::string frame) {
      if (closed) return;
      outbox.push_back(std::move(frame));
      if (outbox.size() == 1) write();
    }
    void write() {
      ws.text(true);
      ws.async_write(asio::buffer(outbox.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->outbox.pop_front();
        if (ec) {
          self->closed = true;
          self->outbox.clear();
          return;
        }
        if (self->closing && self->outbox.empty()) return self->do_close();
        if (!self->outbox.empty()) self->write();
      });
    }
    void close() {
      if (closed || closing) return;
      closing = true;
      if (outbox.empty()) do_close();
    }
    void do_close() {
      closed = true;
      ws.async_close(websocket::close_code::going_away, [self = shared_from_this()](beast::error_code) {});
    }

    Impl& owner;
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws;
    std::size_t number;
    beast::flat_buffer buffer;
    http::request<http::empty_body> upgrade;
    std::deque<std::string> outbox;
    bool closing = false;
    bool closed = false;
  };

  explicit Impl(Script s)
      : script(std::move(s)),
        tls(asio::ssl::context::tls_server),
        acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    tls.use_certificate_chain_file(MERIDIAN_VENUE_TEST_DIR "/test_venue_cert.pem");
    tls.use_private_key_file(MERIDIAN_VENUE_TEST_DIR "/test_venue_key.pem", asio::ssl::context::pem);
  }

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket s) {
      if (ec) return;
      std::make_shared<Session>(*this, std::move(s), accepted++)->run();
      accept();
    });
  }

  template <class F>
  void on_newest(F f) {
    asio::post(io, [this, f] {
      std::shared_ptr<Session> s;
      {
        std::lock_guard lock(mutex);
        s = newest;
      }
      if (s) f(*s);
    });
  }

  Script script;
  // Declared before the io_context so it outlives the sessions the context frees.
  asio::ssl::context tls;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::thread thread;
  std::size_t accepted = 0;  // server thread only
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> handshake_failures{0};
  mutable std::mutex mutex;
  std::shared_ptr<Session> newest;
  std::vector<Received> received;
  std::vector<std::string> targets;
};

ReplyingWssVenue::ReplyingWssVenue(Script script) : impl_(std::make_shared<Impl>(std::move(script))) {
  impl_->accept();
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

ReplyingWssVenue::~ReplyingWssVenue() {
  impl_->io.stop();
  impl_->thread.join();
  std::lock_guard lock(impl_->mutex);
  impl_->newest.reset();
}

std::string ReplyingWssVenue::url(const std::string& path) const {
  return "wss://127.0.0.1:" + std::to_string(impl_->acceptor.local_endpoint().port()) + path;
}
void ReplyingWssVenue::push(std::string frame) {
  impl_->on_newest([frame = std::move(frame)](Impl::Session& s) { s.send(frame); });
}
void ReplyingWssVenue::close() {
  impl_->on_newest([](Impl::Session& s) { s.close(); });
}
std::size_t ReplyingWssVenue::connections() const {
  return impl_->connections.load();
}
std::size_t ReplyingWssVenue::handshake_failures() const {
  return impl_->handshake_failures.load();
}
std::vector<ReplyingWssVenue::Received> ReplyingWssVenue::received() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received;
}
std::vector<std::string> ReplyingWssVenue::targets() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->targets;
}

}  // namespace venue_test
