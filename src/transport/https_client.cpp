#include "meridian/transport/https_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "meridian/transport/url.hpp"

namespace meridian::transport {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
// A REST answer is at most a few megabytes; anything bigger is a broken server.
constexpr std::uint64_t kBodyLimit = 8 * 1024 * 1024;

http::verb verb_of(HttpMethod m) noexcept {
  switch (m) {
    case HttpMethod::get: return http::verb::get;
    case HttpMethod::post: return http::verb::post;
    case HttpMethod::put: return http::verb::put;
    case HttpMethod::patch: return http::verb::patch;
    case HttpMethod::del: return http::verb::delete_;
  }
  return http::verb::get;
}
}  // namespace

std::string_view to_string(HttpMethod m) noexcept {
  return http::to_string(verb_of(m));
}

// One request: owns its connection, so a cancelled or finished request cannot touch a later one.
struct HttpsClient::Op : std::enable_shared_from_this<HttpsClient::Op> {
  Op(asio::any_io_executor ex, std::shared_ptr<asio::ssl::context> tls_ctx, HttpTimeouts t, Done d)
      : tls(std::move(tls_ctx)), resolver(ex), resolve_timer(ex), stream(ex, *tls), timeouts(t), done(std::move(d)) {
    parser.body_limit(kBodyLimit);
  }

  void start(HttpMethod method, const SecureUrl& url, std::string body, const HttpHeaders& headers) {
    host = url.host;
    request.method(verb_of(method));
    request.target(url.target);
    request.version(11);
    request.set(http::field::host, url.port == "443" ? url.host : url.host + ":" + url.port);
    request.set(http::field::user_agent, "meridiand");
    request.set(http::field::accept, "application/json");
    request.set(http::field::connection, "close");
    if (!body.empty()) request.set(http::field::content_type, "application/json");
    for (const auto& [k, v] : headers) request.set(k, v);
    request.body() = std::move(body);
    // Content-Length for a body (and 0 on a bodiless POST, PUT or PATCH, which servers expect).
    if (method != HttpMethod::get) request.prepare_payload();
    // The resolver has no timeout of its own: a timer cancels a stuck lookup.
    resolve_timer.expires_after(timeouts.connect);
    resolve_timer.async_wait([self = shared_from_this()](const beast::error_code& ec) {
      if (!ec) self->resolver.cancel();
    });
    resolver.async_resolve(url.host, url.port,
                           [self = shared_from_this()](const beast::error_code& ec, tcp::resolver::results_type r) {
                             self->on_resolve(ec, std::move(r));
                           });
  }

  void on_resolve(const beast::error_code& ec, tcp::resolver::results_type results) {
    resolve_timer.cancel();
    if (cancelled) return;
    if (ec) return fail("resolve " + host, ec == asio::error::operation_aborted ? beast::error::timeout : ec);
    beast::get_lowest_layer(stream).expires_after(timeouts.connect);
    beast::get_lowest_layer(stream).async_connect(
        results,
        [self = shared_from_this()](const beast::error_code& e, const tcp::endpoint&) { self->on_connect(e); });
  }

  void on_connect(const beast::error_code& ec) {
    if (cancelled) return;
    if (ec) return fail("connect " + host, ec);
    // SNI names the host; an IP literal is not a valid SNI name (RFC 6066), so none is sent.
    if (!is_ip_literal(host) && !SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()))
      return fail("TLS SNI", beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
    stream.set_verify_callback(asio::ssl::host_name_verification(host));
    beast::get_lowest_layer(stream).expires_after(timeouts.handshake);
    stream.async_handshake(asio::ssl::stream_base::client,
                           [self = shared_from_this()](const beast::error_code& e) { self->on_handshake(e); });
  }

  void on_handshake(const beast::error_code& ec) {
    if (cancelled) return;
    if (ec) return fail("TLS handshake with " + host, ec);
    beast::get_lowest_layer(stream).expires_after(timeouts.read);
    http::async_write(stream, request,
                      [self = shared_from_this()](const beast::error_code& e, std::size_t) { self->on_write(e); });
  }

  void on_write(const beast::error_code& ec) {
    if (cancelled) return;
    if (ec) return fail("write to " + host, ec);
    http::async_read(stream, buffer, parser,
                     [self = shared_from_this()](const beast::error_code& e, std::size_t) { self->on_read(e); });
  }

  void on_read(const beast::error_code& ec) {
    if (cancelled) return;
    if (ec) return fail("read from " + host, ec);
    HttpResult result;
    auto& msg = parser.get();
    result.response.status = msg.result_int();
    for (const auto& field : msg) result.response.headers.emplace_back(field.name_string(), field.value());
    result.response.body = std::move(msg.body());
    finish(std::move(result));
  }

  void fail(const std::string& what, const beast::error_code& ec) {
    HttpResult result;
    result.error = what + ": " + (ec == beast::error::timeout ? std::string("timed out") : ec.message());
    finish(std::move(result));
  }

  void finish(HttpResult result) {
    // Not a graceful TLS shutdown: the answer is complete and "Connection: close" was asked for.
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().close(ignored);
    auto d = std::move(done);
    done = nullptr;
    if (d) d(std::move(result));
  }

  void cancel() {
    cancelled = true;
    done = nullptr;
    resolver.cancel();
    resolve_timer.cancel();
    beast::get_lowest_layer(stream).cancel();
  }

  std::shared_ptr<asio::ssl::context> tls;  // outlives the stream that refers to it
  tcp::resolver resolver;
  asio::steady_timer resolve_timer;
  beast::ssl_stream<beast::tcp_stream> stream;
  HttpTimeouts timeouts;
  Done done;
  std::string host;
  http::request<http::string_body> request;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  bool cancelled = false;
};

HttpsClient::HttpsClient(asio::any_io_executor executor, const TlsOptions& tls, HttpTimeouts timeouts)
    : executor_(std::move(executor)), tls_(make_client_tls(tls)), timeouts_(timeouts) {}

HttpsClient::~HttpsClient() {
  cancel();
}

void HttpsClient::get(std::string_view url, Done done, HttpHeaders headers) {
  request(HttpMethod::get, url, {}, std::move(headers), std::move(done));
}

void HttpsClient::request(HttpMethod method, std::string_view url, std::string body, HttpHeaders headers, Done done) {
  cancel();
  std::string error;
  const auto parsed = parse_secure_url(url, error);
  if (!parsed) {
    // Still asynchronous, so callers see one calling convention.
    asio::post(executor_, [done = std::move(done), error] { done(HttpResult{error, {}}); });
    return;
  }
  auto op = std::make_shared<Op>(executor_, tls_, timeouts_, std::move(done));
  op->start(method, *parsed, std::move(body), headers);  // its handlers own it from here
  current_ = op;
}

void HttpsClient::cancel() {
  if (auto op = current_.lock()) op->cancel();
  current_.reset();
}

}  // namespace meridian::transport
