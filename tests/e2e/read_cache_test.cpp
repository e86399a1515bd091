// Kept answers of read-mostly routes (issue 18 item 5, src/api/read_cache.hpp) end to end, and
// HTTP/1.1 pipelining: several requests in one TCP write are all answered, in order; a kept
// answer changes with the snapshot it was made from; it never reaches another user, another
// role, or a caller the auth gate refuses.
#include <algorithm>
#include <cctype>

#include "auth_client.hpp"
#include "fixture.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

constexpr const char* kPassword = "correct horse battery staple";

struct Answer {
  std::string status_line;
  std::string body;
};

// Splits what the server sent into responses (each framed by its Content-Length).
std::vector<Answer> split_answers(std::string_view bytes) {
  std::vector<Answer> out;
  while (!bytes.empty()) {
    const auto head_end = bytes.find("\r\n\r\n");
    if (head_end == std::string_view::npos) break;
    const auto head = bytes.substr(0, head_end);
    Answer a;
    a.status_line = std::string(head.substr(0, head.find("\r\n")));
    std::size_t length = 0;
    std::string lower(head);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (const auto at = lower.find("\r\ncontent-length:"); at != std::string::npos)
      length = std::stoul(lower.substr(at + 17, lower.find("\r\n", at + 2) - at - 17));
    a.body = std::string(bytes.substr(head_end + 4, length));
    out.push_back(std::move(a));
    bytes.remove_prefix(std::min(bytes.size(), head_end + 4 + length));
  }
  return out;
}

std::string get_request(std::string_view target, bool last) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (last ? "Connection: close\r\n" : "") +
         "\r\n";
}

class ReadCache : public SharedDaemonTest<ReadCache> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.autostart = false;  // the session starts when a test says so
    return o;
  }
};

TEST_F(ReadCache, PipelinedRequestsInOneWriteAreAllAnsweredInOrder) {
  // Kept answers and rendered ones mixed: the same route twice (the second one kept), then others.
  const std::vector<std::string> targets = {"/api/engine/status", "/api/engine/status", "/health",
                                            "/api/trading/status"};
  std::string bytes;
  for (std::size_t i = 0; i < targets.size(); ++i) bytes += get_request(targets[i], i + 1 == targets.size());
  const auto r = raw_exchange(port(), bytes);
  const auto answers = split_answers(r.received);
  ASSERT_EQ(answers.size(), targets.size()) << r.received.substr(0, 600);
  for (const auto& a : answers) EXPECT_EQ(a.status_line, "HTTP/1.1 200 OK");
  // Each answer is its own request's: the engine status has "running", health "status", the
  // trading status "is_running".
  EXPECT_TRUE(json::parse(answers[0].body).contains("running"));
  EXPECT_TRUE(json::parse(answers[1].body).contains("running"));
  EXPECT_EQ(json::parse(answers[2].body).value("status", ""), "ok") << answers[2].body;
  EXPECT_TRUE(json::parse(answers[3].body).contains("is_running"));
  EXPECT_TRUE(r.closed_by_peer) << "Connection: close on the last request closes after its answer";
}

TEST_F(ReadCache, PipelinedRequestsOfOtherRoutesAreAnsweredInOrder) {
  // Three requests in one write: a 404 between two kept routes' answers keeps its place.
  const std::string three = get_request("/api/symbols", false) + get_request("/api/no-such-route", false) +
                            get_request("/api/trading/positions", true);
  const auto r = raw_exchange(port(), three);
  const auto answers = split_answers(r.received);
  ASSERT_EQ(answers.size(), 3u) << r.received.substr(0, 600);
  EXPECT_EQ(answers[0].status_line, "HTTP/1.1 200 OK");
  EXPECT_TRUE(json::parse(answers[0].body).contains("items")) << answers[0].body;
  EXPECT_EQ(answers[1].status_line, "HTTP/1.1 404 Not Found");
  EXPECT_EQ(answers[2].status_line, "HTTP/1.1 200 OK");
  EXPECT_TRUE(json::parse(answers[2].body).is_array() || json::parse(answers[2].body).is_object()) << answers[2].body;
}

TEST_F(ReadCache, AnswerChangesWithTheSnapshot) {
  ASSERT_EQ(session_state(port()), "stopped");
  // Read twice: the second read may be served from the kept answer.
  for (int i = 0; i < 2; ++i) {
    const auto status = get_json(port(), "/api/trading/status");
    EXPECT_EQ(status.value("state", ""), "stopped");
    EXPECT_EQ(get_json(port(), "/api/engine/status").value("running", true), false);
  }
  // A command publishes a new snapshot before it answers: the next read is of that one.
  ASSERT_EQ(post_json(port(), "/api/trading/start", json::object()).status, 200);
  EXPECT_EQ(get_json(port(), "/api/trading/status").value("state", ""), "running");
  EXPECT_EQ(get_json(port(), "/api/engine/status").value("running", false), true);
  ASSERT_EQ(post_json(port(), "/api/trading/stop", json::object()).status, 200);
  EXPECT_EQ(get_json(port(), "/api/trading/status").value("state", ""), "stopped");
}

TEST_F(ReadCache, QueryIsPartOfWhatIsKept) {
  const auto one = get_json(port(), "/api/market/BTC-USD?limit=1");
  const auto two = get_json(port(), "/api/market/BTC-USD?limit=2");
  ASSERT_TRUE(one.contains("items") && two.contains("items")) << one.dump() << two.dump();
  // The simulated feed's warm-up history holds many bars: each limit is met exactly.
  EXPECT_EQ(one["items"].size(), 1u);
  EXPECT_EQ(two["items"].size(), 2u);
  EXPECT_EQ(get_json(port(), "/api/market/BTC-USD?limit=1")["items"].size(), 1u);
}

// With accounts: kept answers never cross users or roles, and the gate decides before them.
class ReadCacheAuth : public SharedDaemonTest<ReadCacheAuth> {
 public:
  static DaemonOptions daemon_options() {
    auto o = ReadCache::daemon_options();  // a stopped session, as above
    o.auth = true;                         // with accounts, roles and the gate
    return o;
  }

 protected:
  static Headers admin() {
    static const Headers headers = bearer(admin_token(port(), daemon().state_dir()));
    return headers;
  }
  // A user the admin creates with `role`, signed in: their access token.
  static std::string user(const std::string& email, const std::string& role) {
    expect_json_response(
        post_json(port(), "/api/users", {{"email", email}, {"role", role}, {"password", kPassword}}, admin()), 201,
        "create " + email);
    return login(port(), email, kPassword).value("access_token", "");
  }
  static std::vector<std::string> portfolio_names(const Headers& who) {
    std::vector<std::string> names;
    // Held: a range-for over a temporary's member would walk freed memory.
    const auto list = expect_json_response(call(port(), "GET", "/api/portfolios", who), 200, "portfolios");
    for (const auto& p : list["items"]) names.push_back(p.value("name", ""));
    std::sort(names.begin(), names.end());
    return names;
  }
};

TEST_F(ReadCacheAuth, KeptAnswersNeverCrossUsersOrRoles) {
  const auto ann = bearer(user("ann@example.com", "trader"));
  const auto bob = bearer(user("bob@example.com", "trader"));
  ASSERT_EQ(post_json(port(), "/api/portfolios", {{"name", "ann-book"}, {"initial_capital", 20'000}}, ann).status, 201);
  ASSERT_EQ(post_json(port(), "/api/portfolios", {{"name", "bob-book"}, {"initial_capital", 30'000}}, bob).status, 201);
  // The same target, read in turns, each twice (the second read may be a kept answer): each
  // caller sees only what they may see.
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(portfolio_names(ann), std::vector<std::string>{"ann-book"});
    EXPECT_EQ(portfolio_names(bob), std::vector<std::string>{"bob-book"});
    const auto all = portfolio_names(admin());
    EXPECT_NE(std::find(all.begin(), all.end(), "ann-book"), all.end());
    EXPECT_NE(std::find(all.begin(), all.end(), "bob-book"), all.end());
  }
}

TEST_F(ReadCacheAuth, GateDecidesBeforeAKeptAnswer) {
  // An admitted caller's read is kept (the administrator's: a viewer owns no portfolio, so
  // /api/trading/status is 404 for one); then callers the gate refuses ask for the same target.
  const auto reader = admin();
  for (int i = 0; i < 2; ++i) EXPECT_EQ(call(port(), "GET", "/api/trading/status", reader).status, 200);
  EXPECT_EQ(call(port(), "GET", "/api/trading/status").status, 401) << "no credentials";
  EXPECT_EQ(call(port(), "GET", "/api/trading/status", bearer("not-a-token")).status, 401) << "a bad token";
  // Pipelined: the refused request between two admitted ones is refused, the others answered.
  const std::string auth = "Authorization: " + reader.front().second + "\r\n";
  const std::string bytes = "GET /api/trading/status HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "\r\n" +
                            "GET /api/trading/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
                            "GET /api/trading/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + auth +
                            "\r\n";
  const auto answers = split_answers(raw_exchange(port(), bytes).received);
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0].status_line, "HTTP/1.1 200 OK");
  EXPECT_EQ(answers[1].status_line, "HTTP/1.1 401 Unauthorized");
  EXPECT_EQ(answers[2].status_line, "HTTP/1.1 200 OK");
  EXPECT_TRUE(json::parse(answers[2].body).contains("is_running")) << answers[2].body;
}

}  // namespace
}  // namespace meridian::e2e
