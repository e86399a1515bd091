// Alerts end to end (#17 item 5): a real meridiand on a real database. A price alert triggers
// from the simulator and reaches the owner's /ws as `alert`; webhooks go to receivers written
// here: one that answers 200 and checks the signature, one that fails (retries, then a dead
// letter shown in GET /api/alerts), one that is slow, one that never answers (it holds only
// its own delivery: the others are delivered while it still waits); bad input is 422 naming the
// field; an alert survives a restart; a reloaded retry policy is the one deliveries follow.
#include <openssl/hmac.h>

#include <sys/stat.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "auth_client.hpp"
#include "fixture.hpp"
#include "meridian/auth/secret_box.hpp"
#include "support/ws_client.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr const char* kSecret = "whsec_e2e_0123456789";

std::string hmac_hex(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &len);
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", mac[i]);
    out += b;
  }
  return out;
}

// A webhook receiver on loopback: answers each POST as `mode` says, and records what it got.
class Receiver {
 public:
  enum class Mode { ok, fail, slow, hang };
  struct Hit {
    std::string timestamp, signature, body;
  };

  explicit Receiver(Mode mode) : mode_(mode), acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this] { run(); });
  }
  ~Receiver() {
    // A blocked accept is not woken by closing the acceptor: a connection of our own wakes it.
    stopping_ = true;
    boost::system::error_code ec;
    {
      asio::io_context io;
      tcp::socket s(io);
      s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
      thread_.join();
    }
    acceptor_.close(ec);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<Hit> hits() const {
    std::lock_guard lock(mutex_);
    return hits_;
  }
  std::size_t count() const { return hits().size(); }

 private:
  void run() {
    while (!stopping_) {
      boost::system::error_code ec;
      tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec || stopping_) break;
      asio::streambuf buf;
      const auto header_end = asio::read_until(socket, buf, "\r\n\r\n", ec);
      if (ec) continue;
      std::string data(asio::buffers_begin(buf.data()), asio::buffers_end(buf.data()));
      const std::string head = data.substr(0, header_end);
      auto header = [&](std::string name) {
        std::string lower = head;
        for (auto& c : lower) c = static_cast<char>(std::tolower(c));
        for (auto& c : name) c = static_cast<char>(std::tolower(c));
        auto at = lower.find("\r\n" + name + ":");
        if (at == std::string::npos) return std::string();
        auto start = at + 2 + name.size() + 1;
        auto end = head.find("\r\n", start);
        auto v = head.substr(start, end - start);
        while (!v.empty() && v.front() == ' ') v.erase(0, 1);
        return v;
      };
      const auto length =
          static_cast<std::size_t>(std::stoul(header("content-length").empty() ? "0" : header("content-length")));
      std::string body = data.substr(header_end);
      while (body.size() < length) {
        char chunk[4096];
        auto n = socket.read_some(asio::buffer(chunk), ec);
        if (ec) break;
        body.append(chunk, n);
      }
      {
        std::lock_guard lock(mutex_);
        hits_.push_back({header("x-meridian-timestamp"), header("x-meridian-signature"), body});
      }
      if (mode_ == Mode::hang) {
        held_.push_back(std::move(socket));  // never answered, never closed until the end
        continue;
      }
      if (mode_ == Mode::slow) std::this_thread::sleep_for(800ms);
      const std::string answer = mode_ == Mode::fail ? "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"
                                                     : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
      asio::write(socket, asio::buffer(answer), ec);
    }
  }

  Mode mode_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = acceptor_.local_endpoint().port();
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<Hit> hits_;
  std::vector<tcp::socket> held_;
  std::thread thread_;
};

const std::filesystem::path& secrets_key() {
  static TempDir dir("meridian-alerts-");
  static const auto file = [] {
    const auto path = dir.path() / "secrets-key";
    std::ofstream(path) << auth::SecretBox::new_key_text() << "\n";
    ::chmod(path.c_str(), 0600);
    return path;
  }();
  return file;
}

DaemonOptions alert_daemon() {
  DaemonOptions o;
  // Webhook limits are the defaults: 5 s per attempt, 5 attempts, backoff from 500 ms.
  o.extra_args = {"--secrets-key-file", secrets_key().string()};
  return o;
}

json post_alert(std::uint16_t port, const json& body) {
  return expect_json_response(post_json(port, "/api/alerts", body), 201, "POST /api/alerts " + body.dump());
}

json alert_of(std::uint16_t port, long long id) {
  const auto list = get_json(port, "/api/alerts");  // named: a range over a temporary's member dangles
  for (const auto& a : list["items"])
    if (a.value("id", 0LL) == id) return a;
  return nullptr;
}

// The alert's delivery status ("" before its first delivery, or when it is gone).
std::string delivery_status(std::uint16_t port, long long id) {
  const auto a = alert_of(port, id);
  if (!a.is_object() || !a["delivery"].is_object()) return "";
  return a["delivery"].value("status", "");
}

// A level alert that fires on the first price: every instrument trades above 1.
json fires_at_once(const std::string& url, const std::string& message) {
  return {{"kind", "price"},    {"symbol", "BTC-USD"}, {"condition", "above"},     {"threshold", 1},
          {"message", message}, {"webhook_url", url},  {"webhook_secret", kSecret}};
}

class Alerts : public SharedDaemonTest<Alerts> {
 public:
  static DaemonOptions daemon_options() { return alert_daemon(); }
};

TEST_F(Alerts, BadInputIs422NamingTheField) {
  const json price{{"kind", "price"}, {"symbol", "BTC-USD"}, {"condition", "crosses_above"}, {"threshold", 100}};
  auto with = [&](const char* k, json v) {
    auto b = price;
    b[k] = std::move(v);
    return b;
  };
  const std::vector<std::pair<json, std::string>> cases{
      {with("kind", "weather"), "kind"},
      {with("symbol", "NOPE-USD"), "symbol"},
      {with("condition", "sideways"), "condition"},
      {with("threshold", -3), "threshold"},
      {with("cooldown_s", -1), "cooldown_s"},
      {{{"kind", "indicator"},
        {"symbol", "BTC-USD"},
        {"indicator", "tarot"},
        {"period", 14},
        {"timeframe", "15m"},
        {"condition", "below"},
        {"threshold", 30}},
       "indicator"},
      {{{"kind", "indicator"},
        {"symbol", "BTC-USD"},
        {"indicator", "rsi"},
        {"period", 14},
        {"timeframe", "15m"},
        {"condition", "below"},
        {"threshold", 130}},
       "threshold"},
      {{{"kind", "drawdown"}, {"threshold", 400}}, "threshold"},
      {with("webhook_url", "ftp://example.com/x"), "webhook_url"},
      {with("webhook_url", "https://user:pass@example.com/x"), "webhook_url"},
      {with("webhook_url", "https://example.com/x"), "webhook_secret"},
  };
  for (const auto& [body, field] : cases) {
    auto b = body;
    if (b.contains("webhook_url") && field != "webhook_secret" && !b.contains("webhook_secret"))
      b["webhook_secret"] = kSecret;
    auto err = expect_error(post_json(port(), "/api/alerts", b), 422, "invalid_field", "POST " + b.dump());
    EXPECT_EQ(err["error"]["details"]["field"], field) << b.dump();
  }
  expect_error(call(port(), "POST", "/api/alerts", {}, "[1,2]"), 422, "invalid_field", "an array body");
  expect_error(post_json(port(), "/api/alerts",
                         {{"kind", "pnl"}, {"condition", "above"}, {"threshold", 1}, {"portfolio_id", 999}}),
               404, "not_found", "an unknown portfolio");
  expect_error(call(port(), "DELETE", "/api/alerts/987654"), 404, "not_found", "an unknown alert");
  expect_error(call(port(), "DELETE", "/api/alerts/abc"), 400, "invalid_parameter", "a bad id");
  // The secret is never returned.
  auto hooked = with("webhook_url", "http://127.0.0.1:9/x");
  hooked["webhook_secret"] = kSecret;
  auto made = post_alert(port(), hooked);
  EXPECT_EQ(made.dump().find(kSecret), std::string::npos) << made.dump();
  EXPECT_EQ(get_json(port(), "/api/alerts").dump().find(kSecret), std::string::npos);
  EXPECT_FALSE(daemon().output_contains(kSecret)) << "the secret is never logged";
  EXPECT_EQ(call(port(), "DELETE", "/api/alerts/" + std::to_string(made["id"].get<long long>())).status, 204);
}

TEST_F(Alerts, PriceCrossingFromTheSimulatorReachesTheOwnerOverTheWebSocket) {
  WsClient ws(port(), "/ws");
  auto quote = ws.next_matching(
      [](const json& m) { return m.value("type", "") == "priceUpdate" && m["data"].value("symbol", "") == "BTC-USD"; },
      10s);
  ASSERT_TRUE(quote) << "a BTC-USD price";
  const double price = (*quote)["data"]["price"].get<double>();
  // Crossing the current price in either direction: the simulated walk comes back to it soon.
  const auto up = post_alert(port(), {{"kind", "price"},
                                      {"symbol", "btcusdt"},
                                      {"condition", "crosses_above"},
                                      {"threshold", price},
                                      {"message", "up"}});
  const auto down = post_alert(port(), {{"kind", "price"},
                                        {"symbol", "BTC-USD"},
                                        {"condition", "crosses_below"},
                                        {"threshold", price},
                                        {"message", "down"}});
  EXPECT_EQ(up["state"], "waiting") << "a crossing waits for a price on the other side";
  std::set<long long> ids{up["id"].get<long long>(), down["id"].get<long long>()};
  auto alert = ws.next_matching(
      [&](const json& m) { return m.value("type", "") == "alert" && ids.contains(m["data"].value("alert_id", 0LL)); },
      60s);
  ASSERT_TRUE(alert) << "an alert message for one of the crossings";
  const auto& data = (*alert)["data"];
  const auto id = data["alert_id"].get<long long>();
  const bool upward = id == up["id"].get<long long>();
  EXPECT_EQ(data["message"], upward ? "up" : "down");
  ASSERT_TRUE(data["value"].is_number());
  ASSERT_TRUE(data["previous"].is_number()) << "a crossing carries the price before it";
  if (upward) {
    EXPECT_GE(data["value"].get<double>(), price);
    EXPECT_LT(data["previous"].get<double>(), price);
  } else {
    EXPECT_LE(data["value"].get<double>(), price);
    EXPECT_GT(data["previous"].get<double>(), price);
  }
  const auto listed = alert_of(port(), id);
  ASSERT_TRUE(listed.is_object());
  EXPECT_EQ(listed["status"], "triggered") << "one-shot";
  EXPECT_EQ(listed["trigger_count"], 1);
  EXPECT_EQ(listed["last_trigger"]["value"], data["value"]);
}

TEST_F(Alerts, WebhooksSignedRetriedDeadLetteredAndAHangingOneHoldsOnlyItself) {
  Receiver hang(Receiver::Mode::hang), ok(Receiver::Mode::ok), fail(Receiver::Mode::fail), slow(Receiver::Mode::slow);
  // The hanging receiver's alert first: its delivery is in flight when the others go.
  const auto hang_id = post_alert(port(), fires_at_once(hang.url(), "hang"))["id"].get<long long>();
  ASSERT_TRUE(poll_until([&] { return hang.count() == 1; }, kDeadline)) << "the hanging receiver was called";
  const auto ok_id = post_alert(port(), fires_at_once(ok.url(), "ok"))["id"].get<long long>();
  const auto fail_id = post_alert(port(), fires_at_once(fail.url(), "fail"))["id"].get<long long>();
  const auto slow_id = post_alert(port(), fires_at_once(slow.url(), "slow"))["id"].get<long long>();

  ASSERT_TRUE(poll_until([&] { return delivery_status(port(), ok_id) == "delivered"; }, kDeadline));
  EXPECT_EQ(ok.count(), 1u);
  const auto waiting = delivery_status(port(), hang_id);
  EXPECT_TRUE(waiting == "pending" || waiting == "retrying")
      << "the ok receiver was delivered while the hanging one still waits: " << waiting;

  // The signature checks out over the raw body, as a receiver would check it.
  const auto hit = ok.hits().at(0);
  EXPECT_EQ(hit.signature, "sha256=" + hmac_hex(kSecret, hit.timestamp + "." + hit.body));
  EXPECT_NEAR(
      std::stoll(hit.timestamp),
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count(),
      60);
  const auto body = json::parse(hit.body);
  EXPECT_EQ(body["type"], "alert");
  EXPECT_EQ(body["data"]["alert_id"], ok_id);
  EXPECT_EQ(body["data"]["message"], "ok");

  ASSERT_TRUE(poll_until([&] { return delivery_status(port(), slow_id) == "delivered"; }, kDeadline));

  // The failing receiver: 5 attempts, then a dead letter with the payload.
  ASSERT_TRUE(poll_until([&] { return delivery_status(port(), fail_id) == "dead_letter"; }, 30s));
  EXPECT_EQ(fail.count(), 5u);
  const auto failed = alert_of(port(), fail_id);
  ASSERT_EQ(failed["dead_letters"].size(), 1u);
  EXPECT_EQ(failed["dead_letters"][0]["attempts"], 5);
  EXPECT_EQ(failed["dead_letters"][0]["error"], "HTTP 500");
  EXPECT_EQ(failed["dead_letters"][0]["payload"]["data"]["alert_id"], fail_id);
  EXPECT_EQ(failed["delivery"]["http_status"], 500);

  // The hanging one: each attempt times out (5 s); 5 of them, then a dead letter.
  ASSERT_TRUE(poll_until([&] { return delivery_status(port(), hang_id) == "dead_letter"; }, 90s));
  EXPECT_EQ(hang.count(), 5u);
  EXPECT_EQ(alert_of(port(), hang_id)["dead_letters"][0]["error"], "timed out");

  // Dead letters are stored: the rows say the same.
  const auto row =
      db().query("SELECT jsonb_array_length(dead_letters) FROM alerts WHERE id = " + std::to_string(fail_id));
  EXPECT_EQ(row[0][0].as<int>(), 1);
  for (auto id : {hang_id, ok_id, fail_id, slow_id})
    EXPECT_EQ(call(port(), "DELETE", "/api/alerts/" + std::to_string(id)).status, 204);
}

// The webhook retry policy comes from the configuration and a reload replaces it: a failing
// receiver is given up after the reloaded number of attempts, not the started one.
class AlertsReload : public DaemonTest {
 protected:
  void write_config(const std::string& text) { std::ofstream(config_path()) << text; }
  std::string config_path() const { return (dir_.path() / "meridian.toml").string(); }

 private:
  TempDir dir_{"meridian-alerts-reload-"};
};

TEST_F(AlertsReload, AReloadedWebhookPolicyGivesUpAfterItsAttempts) {
  write_config("alert-webhook-attempts = 9\nalert-webhook-backoff-ms = 50\n");
  auto o = alert_daemon();
  o.extra_args.insert(o.extra_args.end(), {"--config", config_path()});
  auto& d = start_daemon(o);

  write_config("alert-webhook-attempts = 0\nalert-webhook-backoff-ms = 50\n");
  const auto bad = call(d.port(), "POST", "/api/admin/reload");
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_NE(bad.body.find("alert-webhook-attempts"), std::string::npos) << "names the key: " << bad.body;

  write_config("alert-webhook-attempts = 2\nalert-webhook-timeout-ms = 2000\nalert-webhook-backoff-ms = 50\n");
  const auto good = call(d.port(), "POST", "/api/admin/reload");
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(good.json()["applied"], json({"alert-webhook-timeout-ms", "alert-webhook-attempts"})) << good.body;
  EXPECT_TRUE(good.json()["restart_required"].empty()) << good.body;

  Receiver fail(Receiver::Mode::fail);
  const auto id = post_alert(d.port(), fires_at_once(fail.url(), "fail"))["id"].get<long long>();
  ASSERT_TRUE(poll_until([&] { return delivery_status(d.port(), id) == "dead_letter"; }, 30s));
  const auto failed = alert_of(d.port(), id);
  ASSERT_EQ(failed["dead_letters"].size(), 1u) << failed.dump();
  EXPECT_EQ(failed["dead_letters"][0]["attempts"], 2) << failed.dump();
  std::this_thread::sleep_for(300ms);  // six backoffs of the started policy would have retried by now
  EXPECT_EQ(fail.count(), 2u);
}

class AlertsRestart : public DaemonTest {};

TEST_F(AlertsRestart, AlertsSurviveARestart) {
  long long id = 0;
  {
    auto& d = start_daemon(alert_daemon());
    id = post_alert(d.port(), {{"kind", "indicator"},
                               {"symbol", "ETH-USD"},
                               {"indicator", "rsi"},
                               {"period", 14},
                               {"timeframe", "15m"},
                               {"condition", "below"},
                               {"threshold", 30},
                               {"recurring", true},
                               {"cooldown_s", 600},
                               {"webhook_url", "http://127.0.0.1:9/x"},
                               {"webhook_secret", kSecret}})["id"]
             .get<long long>();
    const auto stopped = d.stop(SIGTERM);
    ASSERT_TRUE(stopped && *stopped == 0);
  }
  auto& again = start_daemon(alert_daemon());
  const auto a = alert_of(again.port(), id);
  ASSERT_TRUE(a.is_object()) << "alert " << id << " after a restart";
  EXPECT_EQ(a["condition"]["indicator"], "rsi");
  EXPECT_EQ(a["condition"]["timeframe"], "15m");
  EXPECT_EQ(a["recurring"], true);
  EXPECT_EQ(a["cooldown_s"], 600);
  EXPECT_EQ(a["webhook"]["url"], "http://127.0.0.1:9/x");
}

}  // namespace
}  // namespace meridian::e2e
