// WebSocket fan-out load client (issue 18 item 6): N connections to a running meridiand on one
// io_context and one thread (plain Beast), counting frames and bytes cheaply (no JSON parse:
// the server appends "topic" and "seq" at the end of every stream message, and `ts` is the
// last top-level key before them), checking each topic's seq for gaps, and measuring latency
// from a priceUpdate's `ts`. With --pid it reads the daemon's utime+stime from /proc, for the
// server CPU per delivered message.
//
//   bench_ws_fanout --port 8080 --clients 1000 --seconds 10 [--target /ws] [--pid PID]
//
// Gaps: a topic that never skips (all but prices: and candles:) whose seq is not the previous
// one + 1; seq going backwards on any topic. A daemon without seq (before issue 18) reports
// none checked.
#include <unistd.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
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
  Client(net::io_context& io, Totals& totals, const Options& o) : ws_(io), totals_(totals), options_(o) {}

  void start(const tcp::resolver::results_type& endpoints) {
    beast::get_lowest_layer(ws_).async_connect(endpoints, [self = shared_from_this()](beast::error_code ec, auto) {
      if (ec) return self->fail();
      self->ws_.async_handshake(self->options_.host, self->options_.target, [self](beast::error_code ec2) {
        if (ec2) return self->fail();
        self->read();
      });
    });
  }

 private:
  void fail() { ++totals_.closed; }
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      if (ec) return self->fail();
      self->on_frame(n);
      self->buffer_.consume(n);
      self->read();
    });
  }

  void on_frame(std::size_t n) {
    ++totals_.frames;
    totals_.bytes += n;
    const auto data = buffer_.cdata();
    const std::string_view text(static_cast<const char*>(data.data()), data.size());
    const auto seq = number_before_end(text, "\"seq\":");
    if (seq < 0) return;
    ++totals_.stamped;
    const auto topic_at = text.rfind("\"topic\":\"");
    if (topic_at == std::string_view::npos) return;
    const auto name_at = topic_at + 9;
    const auto topic = text.substr(name_at, text.find('"', name_at) - name_at);
    const bool skips = topic.starts_with("prices:") || topic.starts_with("candles:");
    auto& last = last_[std::string(topic)];
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

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  Totals& totals_;
  const Options& options_;
  std::unordered_map<std::string, std::uint64_t> last_;
};

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
  net::io_context io(1);
  Totals totals;
  const auto endpoints = tcp::resolver(io).resolve(o.host, o.port);
  std::vector<std::shared_ptr<Client>> clients;
  for (int i = 0; i < o.clients; ++i) {
    clients.push_back(std::make_shared<Client>(io, totals, o));
    clients.back()->start(endpoints);
  }
  // One second to connect and settle, then the measured window.
  io.run_for(std::chrono::seconds(1));
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
    std::printf("server CPU %.2f s over the window: %.2f us per delivered message\n", cpu,
                frames ? cpu * 1e6 / static_cast<double>(frames) : 0.0);
  return 0;
}
