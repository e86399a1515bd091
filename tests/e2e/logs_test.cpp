// Logs and configuration reload end to end (issue 17 items 4 and 9): meridiand with PostgreSQL.
//   Logs:     a warning lands in system_logs and GET /api/logs reads it back (newest first,
//             paged, filtered; an unknown level or module 422, a bad
//             number or time 400, each naming it); /ws/logs streams a live line that
//             passes its filter; /ws/strategies sends an instance's change when it starts;
//             SIGHUP re-reads the config file and a changed risk limit shows in
//             /api/risk/limits; POST /api/admin/reload names a key that needs a restart; a bad
//             file answers 422 and changes nothing.
//   LogsAuth: with auth on, GET /api/logs, /ws/logs and POST /api/admin/reload need an admin.
#include <csignal>
#include <fstream>
#include <tuple>

#include "auth_client.hpp"
#include "fixture.hpp"
#include "support/poll.hpp"
#include "support/process.hpp"
#include "support/ws_client.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

class Logs : public DaemonTest {
 protected:
  void write_config(const std::string& text) { std::ofstream(config_path()) << text; }
  std::string config_path() const { return (dir_.path() / "meridian.toml").string(); }
  Daemon& start_with_config(std::string text, bool autostart = true) {
    write_config(text);
    DaemonOptions o;
    o.autostart = autostart;
    o.extra_args = {"--config", config_path()};
    return start_daemon(o);
  }
  static double order_notional_limit(std::uint16_t port) {
    return get_json(port, "/api/risk/limits/1")["limits"].value("max_order_notional", -1.0);
  }

 private:
  TempDir dir_{"meridian-logs-"};
};

TEST_F(Logs, WarningsLandInSystemLogsAndArePagedNewestFirst) {
  auto& d = start_with_config("max-order-notional = 1000\n");
  // Provoked: two reloads of a bad file, each an error of the app (and start-up warned that auth
  // is off).
  write_config("max-drawdown = \"half\"\n");
  for (int i = 0; i < 2; ++i) EXPECT_EQ(http_post(d.port(), "/api/admin/reload").status, 422);
  json page;
  ASSERT_TRUE(poll_until(
      [&] {
        page = get_json(d.port(), "/api/logs?level=warn&module=app&limit=1");
        return page.value("source", "") == "database" && page["items"].size() == 1 && !page["next"].is_null();
      },
      kDeadline))
      << page.dump();
  const auto& first = page["items"][0];
  EXPECT_EQ(first["module"], "app");
  EXPECT_TRUE(first["level"] == "warn" || first["level"] == "error" || first["level"] == "critical");
  for (const char* field : {"id", "time", "ts", "logger", "message"}) EXPECT_TRUE(first.contains(field)) << field;
  // The next page is older.
  const auto next = page["next"].get<std::int64_t>();
  auto older = get_json(d.port(), "/api/logs?level=warn&before=" + std::to_string(next));
  ASSERT_FALSE(older["items"].empty());
  EXPECT_LT(older["items"][0]["id"].get<std::int64_t>(), next);
  // Nothing at or above critical was logged; nothing from before a time in the future.
  EXPECT_TRUE(get_json(d.port(), "/api/logs?level=critical")["items"].empty());
  EXPECT_TRUE(get_json(d.port(), "/api/logs?since=2255-01-01T00:00:00Z")["items"].empty());

  // An unknown level or module is 422 (the rule); a malformed number or time is 400, as on
  // every list route.
  for (const auto& [query, status, field] :
       std::vector<std::tuple<std::string, int, std::string>>{{"level=loud", 422, "level"},
                                                              {"module=nosuchmodule", 422, "module"},
                                                              {"limit=0", 400, "limit"},
                                                              {"limit=1001", 400, "limit"},
                                                              {"since=yesterday", 400, "since"},
                                                              {"before=-1", 400, "before"}}) {
    const auto r = http_get(d.port(), "/api/logs?" + query);
    EXPECT_EQ(r.status, status) << query << ": " << r.body;
    EXPECT_EQ(r.json()["error"]["details"].value("field", ""), field) << query << ": " << r.body;
  }
}

TEST_F(Logs, WsLogsStreamsAFilteredLiveLineAndABadReloadChangesNothing) {
  auto& d = start_with_config("max-order-notional = 1000\nthreads = 2\n");
  ASSERT_EQ(order_notional_limit(d.port()), 1000);
  EXPECT_THROW(WsClient(d.port(), "/ws/logs?level=loud"), std::runtime_error);

  WsClient errors(d.port(), "/ws/logs?level=error&module=app");
  WsClient api_only(d.port(), "/ws/logs?module=api");
  ASSERT_TRUE(errors.next_of_type("connected", kDeadline));
  ASSERT_TRUE(api_only.next_of_type("connected", kDeadline));
  // A subscribe message changes the filter; a bad one is an error naming the field.
  api_only.send(json{{"type", "subscribe"}, {"level", "nope"}});
  auto refused = api_only.next_of_type("error", kDeadline);
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["error"]["details"]["field"], "level") << refused->dump();
  api_only.send(json{{"type", "subscribe"}, {"level", "warn"}, {"module", "api"}});
  ASSERT_TRUE(api_only.next_of_type("subscribed", kDeadline));

  write_config("max-order-notional = \"a lot\"\nthreads = 2\n");
  auto r = http_post(d.port(), "/api/admin/reload");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "invalid_config") << r.body;
  EXPECT_EQ(order_notional_limit(d.port()), 1000);

  // The reload's error, live, to the client following the app's errors.
  auto line = errors.next_of_type("log", kDeadline);
  ASSERT_TRUE(line);
  EXPECT_EQ((*line)["data"]["level"], "error");
  EXPECT_EQ((*line)["data"]["module"], "app");
  // The api-only client got no app line.
  auto other = api_only.next_matching([](const json& m) { return m.value("type", "") == "log"; },
                                      std::chrono::milliseconds(300));
  if (other) {
    EXPECT_EQ((*other)["data"]["module"], "api");
  }

  // SIGHUP: a good file applies the risk limit; the key that needs a restart is named by POST.
  write_config("max-order-notional = 2500\nthreads = 3\n");
  ASSERT_EQ(::kill(d.process().pid(), SIGHUP), 0);
  EXPECT_TRUE(poll_until([&] { return order_notional_limit(d.port()) == 2500; }, kDeadline))
      << get_json(d.port(), "/api/risk/limits/1").dump();
  write_config("max-order-notional = 3000\nthreads = 3\n");
  const auto answer = expect_json_response(http_post(d.port(), "/api/admin/reload"), 200, "POST /api/admin/reload");
  EXPECT_EQ(answer["applied"], json::array({"max-order-notional"})) << answer.dump();
  EXPECT_EQ(answer["restart_required"], json::array({"threads"})) << answer.dump();
  ASSERT_EQ(answer["notes"].size(), 1u) << answer.dump();
  EXPECT_NE(answer["notes"][0].get<std::string>().find("default portfolio only"), std::string::npos);
  EXPECT_TRUE(poll_until([&] { return order_notional_limit(d.port()) == 3000; }, kDeadline));
  EXPECT_TRUE(d.running());
}

TEST_F(Logs, WsStrategiesSendsAnInstanceChangeWhenItStarts) {
  auto& d = start_with_config("", /*autostart=*/false);
  WsClient strategies(d.port(), "/ws/strategies");
  ASSERT_TRUE(strategies.next_of_type("connected", kDeadline));
  expect_json_response(http_post(d.port(), "/api/trading/start"), 200, "POST /api/trading/start");
  auto change = strategies.next_of_type("strategy", kDeadline);
  ASSERT_TRUE(change);
  EXPECT_EQ((*change)["portfolio_id"], 1);
  EXPECT_TRUE((*change)["data"].is_object());
  EXPECT_TRUE((*change)["data"].contains("name")) << change->dump();
}

class LogsAuth : public DaemonTest {};

TEST_F(LogsAuth, LogsAndReloadNeedAnAdmin) {
  DaemonOptions o;
  o.auth = true;
  auto& d = start_daemon(o);
  EXPECT_EQ(http_get(d.port(), "/api/logs").status, 401);
  EXPECT_EQ(http_post(d.port(), "/api/admin/reload").status, 401);
  EXPECT_THROW(WsClient(d.port(), "/ws/logs"), std::runtime_error);
  const auto token = admin_token(d.port(), d.state_dir());
  const Headers admin{{"Authorization", "Bearer " + token}};
  EXPECT_EQ(http_get(d.port(), "/api/logs", admin).status, 200);
  HttpRequest reload;
  reload.method = "POST";
  reload.target = "/api/admin/reload";
  reload.headers = admin;
  const auto r = http_request(d.port(), reload);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().value("unchanged", false), true) << r.body;
  WsClient logs(d.port(), "/ws/logs?token=" + token);
  EXPECT_TRUE(logs.next_of_type("connected", kDeadline));
}

}  // namespace
}  // namespace meridian::e2e
