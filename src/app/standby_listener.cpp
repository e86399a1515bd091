#include "meridian/app/standby_listener.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include "meridian/api/http_types.hpp"
#include "meridian/core/time.hpp"

namespace meridian::app {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {
// A standby answers one small request per connection; anything slower or larger is cut off.
constexpr auto kRequestTimeout = std::chrono::seconds(5);
constexpr std::uint64_t kMaxHeader = 8 * 1024;
constexpr std::uint64_t kMaxBody = 1024;
// What a client is told to wait before asking again: about a takeover's duration.
constexpr int kRetryAfterS = 5;
}  // namespace

struct StandbyListener::State {
  State(net::io_context& io, std::string why) : acceptor(io), reason(std::move(why)), since(core::now()) {}
  tcp::acceptor acceptor;
  std::string reason;
  core::Timestamp since;
  bool closed = false;
};

namespace {

api::HttpResponse answer(const StandbyListener::State& state, const http::request<http::string_body>& req) {
  const auto target = std::string_view(req.target());
  const auto path = target.substr(0, target.find('?'));
  api::HttpResponse res;
  if (req.method() == http::verb::get && path == "/health") {
    const nlohmann::json body{{"status", "standby"},
                              {"reason", state.reason},
                              {"standby_since", core::to_iso8601(state.since)},
                              {"time", core::to_iso8601(core::now())}};
    res = api::json_response(req.version(), false, http::status::service_unavailable, body);
  } else {
    res = api::error_response(req.version(), false, http::status::service_unavailable, "standby",
                              "this meridiand is a hot standby (" + state.reason + "); it serves once it takes over");
  }
  res.set(http::field::retry_after, std::to_string(kRetryAfterS));
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

void serve(std::shared_ptr<StandbyListener::State> state, tcp::socket socket) {
  struct Connection {
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request_parser<http::string_body> parser;
    api::HttpResponse response;
    explicit Connection(tcp::socket s) : stream(std::move(s)) {
      parser.header_limit(kMaxHeader);
      parser.body_limit(kMaxBody);
    }
  };
  auto conn = std::make_shared<Connection>(std::move(socket));
  conn->stream.expires_after(kRequestTimeout);
  http::async_read(conn->stream, conn->buffer, conn->parser, [state, conn](beast::error_code ec, std::size_t) {
    if (ec) return;  // timed out, malformed or too large: just close
    conn->response = answer(*state, conn->parser.get());
    http::async_write(conn->stream, conn->response, [conn](beast::error_code, std::size_t) {
      beast::error_code ignored;
      conn->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  });
}

void accept(std::shared_ptr<StandbyListener::State> state) {
  state->acceptor.async_accept([state](beast::error_code ec, tcp::socket socket) {
    if (state->closed || ec == net::error::operation_aborted) return;
    if (!ec) serve(state, std::move(socket));
    accept(state);
  });
}

}  // namespace

StandbyListener::StandbyListener(net::io_context& io, const std::string& host, std::uint16_t port, std::string reason)
    : state_(std::make_shared<State>(io, std::move(reason))) {
  const tcp::endpoint endpoint(net::ip::make_address(host), port);
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(net::socket_base::max_listen_connections);
  accept(state_);
}

StandbyListener::~StandbyListener() {
  close();
}

std::uint16_t StandbyListener::port() const noexcept {
  beast::error_code ec;
  const auto endpoint = state_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void StandbyListener::close() {
  if (state_->closed) return;
  state_->closed = true;
  beast::error_code ignored;
  state_->acceptor.close(ignored);
}

}  // namespace meridian::app
