// Fuzz target: the HTTP request path, from raw bytes through Beast's request parser (with the
// server's limits) and the real route table into every handler's query, path and body
// validation, and on into the engine's commands (orders, trades, risk limits, strategies).
//
// Input, two forms:
//   "RAW\n" + bytes           the bytes as read from a socket: up to 8 pipelined requests.
//   anything else             requests separated by "\n%%\n"; each is "METHOD TARGET\n" + body,
//                             sent with Host, Content-Type: application/json and its length.
// The second form lets the fuzzer spend its time on targets and bodies instead of on HTTP
// framing; fuzz/http.dict holds the route paths and JSON field names. Every input starts from
// the same daemon state, one with a price for every symbol (fake_daemon.hpp), so an input
// replays the same way every time.
//
// The request guard runs first, as in the session: the RAW form reaches Host, Origin,
// Content-Type and framing checks; the second form passes them.
// Checked, beyond the sanitizers: a handler never throws and never answers 500 (a client's
// mistake is a 4xx, a handler bug would be a 500), every reply is sent exactly once, and every
// 4xx body is the API's JSON error shape {"error":{"code","message",...}}.
#include <spdlog/spdlog.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/url/parse.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fake_daemon.hpp"
#include "meridian/api/http_server.hpp"
#include "meridian/api/request_guard.hpp"

namespace {

using namespace meridian;
namespace http = api::http;

// http_server.cpp's per-request header limit.
constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kMaxRequests = 8;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "http_fuzz: %s\n", what.c_str());
  std::abort();
}

void check_response(const api::HttpResponse& res, std::string_view what) {
  const auto code = res.result_int();
  if (code == 500) fail("500 for " + std::string(what) + ": " + res.body().substr(0, 500));
  if (code < 400 || code >= 500) return;  // 503 from /health is its document, not an error
  auto body = nlohmann::json::parse(res.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("error") || !body["error"].is_object() ||
      !body["error"].contains("code") || !body["error"]["code"].is_string() || !body["error"].contains("message") ||
      !body["error"]["message"].is_string())
    fail(std::to_string(code) + " without the JSON error shape for " + std::string(what) + ": " +
         res.body().substr(0, 500));
}

// The daemon's own guard, as `meridiand serve` on 127.0.0.1:8080 builds it.
const api::RequestGuard& guard() {
  static const api::RequestGuard g("127.0.0.1", 8080);
  return g;
}

// A refusal by the guard: a 4xx in the error shape (or 501 for a transfer coding it does not
// implement), never a 500 or a success.
bool refused(std::optional<api::HttpResponse> res, std::string_view what) {
  if (!res) return false;
  check_response(*res, what);
  const auto code = res->result_int();
  if ((code < 400 || code >= 500) && code != 501) fail(std::string(what) + " answered " + std::to_string(code));
  return true;
}

// HttpSession's request path without the socket: the guard (framing, Host, Origin, content
// type), then the same parse, match and handler call.
void dispatch(fuzz::FakeDaemon& daemon, const api::HttpRequest& req) {
  if (refused(guard().check_request(req), "the request guard")) return;
  if (boost::beast::websocket::is_upgrade(req)) return;  // the WebSocket target's business
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) return;  // 400 invalid_target, answered by the session
  const std::string_view path = url->encoded_path();
  if (api::state_changing(req.method()) && refused(guard().check_origin(req), "the origin check")) return;
  const bool head = req.method() == http::verb::head;
  auto match = daemon.router.match(head ? http::verb::get : req.method(), path);
  if (!match.route) return;  // 404/405, answered by the session
  if (refused(api::check_json_content_type(req), "the content-type check")) return;
  const std::string what = std::string(req.method_string()) + " " + match.route->pattern;

  auto replies = std::make_shared<int>(0);
  api::Request request{req, path, url->params(), std::move(match.params)};
  try {
    match.route->handler(request, [replies, what](api::HttpResponse&& res) {
      if (++*replies > 1) fail("a second reply for " + what);
      check_response(res, what);
    });
  } catch (const std::exception& e) {
    fail("handler for " + what + " threw: " + e.what());
  }
  daemon.settle();  // engine commands answer from the strand
  if (*replies != 1) fail("no reply for " + what);
}

// Feeds `bytes` to a fresh parser per request, as the session does; returns what is left.
std::string_view parse_one(fuzz::FakeDaemon& daemon, std::string_view bytes) {
  http::request_parser<http::string_body> parser;
  parser.body_limit(api::ServerConfig{}.body_limit);
  parser.header_limit(kHeaderLimit);
  parser.eager(true);
  boost::beast::error_code ec;
  while (!parser.is_done() && !bytes.empty()) {
    const auto used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    bytes.remove_prefix(used);
    if (ec == http::error::need_more) {
      ec = {};
      if (used == 0) break;
      continue;
    }
    if (ec) return {};  // 400/413 or a closed connection
    if (used == 0) break;
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return {};
  }
  dispatch(daemon, parser.get());
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto& daemon = fuzz::pristine_daemon();

  if (input.starts_with("RAW\n")) {
    input.remove_prefix(4);
    for (std::size_t n = 0; n < kMaxRequests && !input.empty(); ++n) input = parse_one(daemon, input);
    return 0;
  }

  constexpr std::string_view kSeparator = "\n%%\n";
  for (std::size_t n = 0; n < kMaxRequests && !input.empty(); ++n) {
    const auto end = input.find(kSeparator);
    const auto part = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view{} : input.substr(end + kSeparator.size());

    const auto line_end = part.find('\n');
    const auto line = part.substr(0, line_end);
    const auto body = line_end == std::string_view::npos ? std::string_view{} : part.substr(line_end + 1);
    const auto space = line.find(' ');
    if (space == std::string_view::npos) continue;
    std::string raw;
    raw.reserve(part.size() + 128);
    raw.append(line.substr(0, space)).append(" ").append(line.substr(space + 1)).append(" HTTP/1.1\r\n");
    raw.append("Host: localhost\r\nContent-Type: application/json\r\nContent-Length: ");
    raw.append(std::to_string(body.size())).append("\r\n\r\n").append(body);
    parse_one(daemon, raw);
  }
  return 0;
}
