// WebSocket fan-out load client (issue 18 item 6): N connections to a running meridiand on one
// io_context and one thread (plain Beast), counting frames and bytes cheaply (no JSON parse:
// the server appends "topic" and "seq" at the end of every stream message, and `ts` is the
// last top-level key before them), checking each topic's seq for gaps, and measuring latency
// from a priceUpdate's `ts`. With --pid it reads the daemon's utime+stime from /proc, for the
// server CPU per delivered message.
//
//   bench_ws_fanout --port 8080 --clients 1000 --seconds 10 [--target /ws] [--pid PID]
//                   [--subscribe SYMBOL] [--idle 1]
//
// The client speaks the protocol itself after a plain HTTP upgrade: it reads whatever the
// socket holds and walks the (unmasked) frames in it, so one read costs one syscall for many
// messages and a single thread keeps up with a server sending a million messages a second.
// --subscribe: each client takes that symbol's priceUpdate only (the 10,000-client latency
// run). --idle 1: each client subscribes to no symbol and only holds its connection; with
// --pid the daemon's RSS before and after connecting gives the memory per idle connection.
//
// Gaps: a topic that never skips (all but prices: and candles:) whose seq is not the previous
// one + 1; seq going backwards on any topic. A daemon without seq (before issue 18) reports
// none checked.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  std::string port = "8080";
  std::string target = "/ws";
  int clients = 1000;
  int seconds = 10;
  long pid = 0;
  std::string subscribe;  // one symbol's priceUpdate only
  bool idle = false;      // subscribe to nothing
};

struct Totals {
  std::uint64_t frames = 0;
  std::uint64_t bytes = 0;
  std::uint64_t stamped = 0;  // frames with a seq
  std::uint64_t gaps = 0;     // never-skipping topics: missing seqs
  std::uint64_t backwards = 0;
  std::uint64_t closed = 0;
  std::vector<std::uint32_t> latency_us;  // priceUpdate: now - ts (epoch ms: ms resolution)
};

std::int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The unsigned integer after `key` (searched backwards from the end), or -1.
std::int64_t number_before_end(std::string_view text, std::string_view key) {
  const auto at = text.rfind(key);
  if (at == std::string_view::npos) return -1;
  std::int64_t v = 0;
  const char* p = text.data() + at + key.size();
  auto [end, ec] = std::from_chars(p, text.data() + text.size(), v);
  return ec == std::errc{} ? v : -1;
}

class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(net::io_context& io, Totals& totals, const Options& o) : socket_(io), totals_(totals), options_(o) {
    buffer_.resize(64 * 1024);
  }

  void start(const tcp::resolver::results_type& endpoints) {
    net::async_connect(socket_, endpoints, [self = shared_from_this()](beast::error_code ec, auto) {
      if (ec) return self->fail();
      self->socket_.set_option(tcp::no_delay(true));
      self->request_ = "GET " + self->options_.target + " HTTP/1.1\r\nHost: " + self->options_.host +
                       "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
      net::async_write(self->socket_, net::buffer(self->request_), [self](beast::error_code ec2, std::size_t) {
        if (ec2) return self->fail();
        self->read();
      });
    });
  }

 private:
  // With --subscribe or --idle, a subscribe frame once the upgrade is answered (bytes sent
  // with the request are the HTTP server's, not the session's). A client frame is masked; a
  // zero key leaves the text as it is.
  void send_text_after_upgrade() {
    request_.clear();
    std::string text;
    if (options_.idle) text = R"({"type":"subscribe","symbols":[]})";
    if (!options_.subscribe.empty())
      text = R"({"type":"subscribe","symbols":[")" + options_.subscribe + R"("],"messages":["priceUpdate"]})";
    if (text.empty()) return;
    request_ += static_cast<char>(0x81);
    request_ += static_cast<char>(0x80 | text.size());  // < 126 bytes
    request_.append(4, '\0');
    request_ += text;
    net::async_write(socket_, net::buffer(request_), [self = shared_from_this()](beast::error_code, std::size_t) {});
  }

  void fail() {
    if (!failed_) ++totals_.closed;
    failed_ = true;
  }

  void read() {
    if (used_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
    socket_.async_read_some(net::buffer(buffer_.data() + used_, buffer_.size() - used_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) return self->fail();
                              self->used_ += n;
                              if (!self->consume()) return self->fail();
                              self->read();
                            });
  }

  // Walks the complete frames in the buffer; false on a close frame or a bad response.
  bool consume() {
    std::size_t at = 0;
    if (!upgraded_) {
      const std::string_view head(buffer_.data(), used_);
      const auto end = head.find("\r\n\r\n");
      if (end == std::string_view::npos) return true;
      if (!head.starts_with("HTTP/1.1 101")) return false;
      upgraded_ = true;
      at = end + 4;
      send_text_after_upgrade();
    }
    bool open = true;
    while (open && used_ - at >= 2) {
      const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + at);
      std::size_t len = p[1] & 0x7f, header = 2;
      if (len == 126) {
        if (used_ - at < 4) break;
        len = (std::size_t{p[2]} << 8) | p[3];
        header = 4;
      } else if (len == 127) {
        if (used_ - at < 10) break;
        len = 0;
        for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
        header = 10;
      }
      if (used_ - at < header + len) break;
      if ((p[0] & 0x0f) == 0x8)
        open = false;
      else
        on_frame(std::string_view(buffer_.data() + at + header, len));
      at += header + len;
    }
    std::memmove(buffer_.data(), buffer_.data() + at, used_ - at);
    used_ -= at;
    return open;
  }

  void on_frame(std::string_view text) {
    ++totals_.frames;
    totals_.bytes += text.size();
    const auto seq = number_before_end(text, "\"seq\":");
    if (seq < 0) return;
    ++totals_.stamped;
    const auto topic_at = text.rfind("\"topic\":\"");
    if (topic_at == std::string_view::npos) return;
    const auto name_at = topic_at + 9;
    const auto topic = text.substr(name_at, text.find('"', name_at) - name_at);
    const bool skips = topic.starts_with("prices:") || topic.starts_with("candles:");
    auto it = last_.find(topic);
    if (it == last_.end()) it = last_.emplace(std::string(topic), 0).first;
    auto& last = it->second;
    const auto s = static_cast<std::uint64_t>(seq);
    if (last != 0) {
      if (s <= last)
        ++totals_.backwards;
      else if (!skips && s != last + 1)
        totals_.gaps += s - last - 1;
    }
    last = std::max(last, s);
    if (topic.starts_with("prices:")) {
      const auto ts = number_before_end(text.substr(0, topic_at), "\"ts\":");
      if (ts > 0)
        totals_.latency_us.push_back(static_cast<std::uint32_t>(std::max<std::int64_t>(0, epoch_ms() - ts) * 1000));
    }
  }

  // Topic names looked up without making a string per frame.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view v) const noexcept { return std::hash<std::string_view>{}(v); }
  };
  tcp::socket socket_;
  std::string request_;
  std::vector<char> buffer_;
  std::size_t used_ = 0;
  bool upgraded_ = false, failed_ = false;
  Totals& totals_;
  const Options& options_;
  std::unordered_map<std::string, std::uint64_t, Hash, std::equal_to<>> last_;
};

// Resident memory of `pid` in KiB (VmRSS of /proc/pid/status).
long rss_kib(long pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.starts_with("VmRSS:")) return std::atol(line.c_str() + 6);
  return 0;
}

// utime + stime of `pid` in clock ticks (fields 14 and 15 of /proc/pid/stat).
double cpu_seconds(long pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const char* v = argv[i + 1];
    if (flag == "--host")
      o.host = v;
    else if (flag == "--port")
      o.port = v;
    else if (flag == "--target")
      o.target = v;
    else if (flag == "--clients")
      o.clients = std::atoi(v);
    else if (flag == "--seconds")
      o.seconds = std::atoi(v);
    else if (flag == "--pid")
      o.pid = std::atol(v);
    else if (flag == "--subscribe")
      o.subscribe = v;
    else if (flag == "--idle")
      o.idle = std::atoi(v) != 0;
    else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      std::exit(2);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const auto o = parse(argc, argv);
  // 10,000 connections need more descriptors than the usual soft limit of 1,024.
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  const long rss0 = o.pid ? rss_kib(o.pid) : 0;
  net::io_context io(1);
  Totals totals;
  const auto endpoints = tcp::resolver(io).resolve(o.host, o.port);
  std::vector<std::shared_ptr<Client>> clients;
  for (int i = 0; i < o.clients; ++i) {
    clients.push_back(std::make_shared<Client>(io, totals, o));
    clients.back()->start(endpoints);
  }
  // Connect and settle (a second per 2,000 clients, at least one), then the measured window.
  io.run_for(std::chrono::seconds(std::max(1, o.clients / 2000)));
  const long rss1 = o.pid ? rss_kib(o.pid) : 0;
  const auto frames0 = totals.frames;
  const auto bytes0 = totals.bytes;
  totals.latency_us.clear();
  const double cpu0 = o.pid ? cpu_seconds(o.pid) : 0;
  const auto t0 = std::chrono::steady_clock::now();
  io.run_for(std::chrono::seconds(o.seconds));
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = o.pid ? cpu_seconds(o.pid) - cpu0 : 0;
  const auto frames = totals.frames - frames0;
  const auto bytes = totals.bytes - bytes0;
  auto& lat = totals.latency_us;
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double p) { return lat.empty() ? 0.0 : lat[static_cast<std::size_t>(p * (lat.size() - 1))] / 1000.0; };
  std::printf("clients %d (closed or failed %llu), %.1f s\n", o.clients, static_cast<unsigned long long>(totals.closed),
              elapsed);
  std::printf("messages/s %.0f  bytes/s %.1f MB/s  (avg %.0f B)\n", frames / elapsed, bytes / elapsed / 1e6,
              frames ? static_cast<double>(bytes) / frames : 0.0);
  std::printf("seq-stamped %llu of %llu frames; gaps %llu, backwards %llu\n",
              static_cast<unsigned long long>(totals.stamped), static_cast<unsigned long long>(totals.frames),
              static_cast<unsigned long long>(totals.gaps), static_cast<unsigned long long>(totals.backwards));
  std::printf("priceUpdate latency from ts (ms resolution): p50 %.1f ms  p99 %.1f ms  max %.1f ms\n", pct(0.5),
              pct(0.99), pct(1.0));
  if (o.pid)
    std::printf("daemon RSS %ld KiB before connecting, %ld KiB connected: %.1f KiB per connection\n", rss0, rss1,
                static_cast<double>(rss1 - rss0) / std::max(1, o.clients));
  if (o.pid)
    std::printf("server CPU %.2f s over the window: %.2f us per delivered message\n", cpu,
                frames ? cpu * 1e6 / static_cast<double>(frames) : 0.0);
  return 0;
}
