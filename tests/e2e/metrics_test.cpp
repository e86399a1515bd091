// GET /metrics: Prometheus text with the counters operators alert on, and counters that move.
#include <map>
#include <set>
#include <sstream>

#include "fixture.hpp"

namespace meridian::e2e {
namespace {

class Metrics : public SharedDaemonTest<Metrics> {};

// name -> value of every sample line; every sample must have HELP and TYPE lines before it.
std::map<std::string, double> parse_exposition(const std::string& text) {
  std::map<std::string, double> samples;
  std::set<std::string> typed;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream t(line.substr(7));
      std::string name;
      t >> name;
      typed.insert(name);
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    std::string name;
    double value = 0;
    s >> name >> value;
    EXPECT_FALSE(s.fail()) << "unparsable sample: " << line;
    // A labelled sample's family is its name before the labels; a histogram's _bucket, _sum
    // and _count samples belong to the family its TYPE line names.
    auto family = name.substr(0, name.find('{'));
    for (const std::string suffix : {"_bucket", "_sum", "_count"})
      if (!typed.count(family) && family.size() > suffix.size() && family.ends_with(suffix) &&
          typed.count(family.substr(0, family.size() - suffix.size())))
        family.resize(family.size() - suffix.size());
    EXPECT_TRUE(typed.count(family)) << "no TYPE line for " << name;
    samples[name] = value;
  }
  return samples;
}

TEST_F(Metrics, ExposesCountersThatMove) {
  auto res = http_get(port(), "/metrics");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.header("Content-Type").rfind("text/plain", 0), 0u) << res.header("Content-Type");
  auto first = parse_exposition(res.body);
  for (const char* name :
       {"meridian_http_requests_total", "meridian_ticks_total", "meridian_trades_total", "meridian_journal_backlog",
        "meridian_journal_commits_total", "meridian_database_up", "meridian_equity", "meridian_ws_clients",
        "meridian_ws_messages_sent_total", "meridian_ws_bytes_sent_total", "meridian_tick_to_fill_seconds_count"})
    EXPECT_TRUE(first.count(name)) << name << " missing";
  EXPECT_EQ(first["meridian_database_up"], 1.0);
  ASSERT_TRUE(poll_until(
      [&] {
        auto now = parse_exposition(http_get(port(), "/metrics").body);
        return now["meridian_ticks_total"] > first["meridian_ticks_total"] &&
               now["meridian_http_requests_total"] > first["meridian_http_requests_total"];
      },
      kDeadline))
      << "ticks or request counters did not move";
  http_get(port(), "/api/nope");
  EXPECT_GE(parse_exposition(http_get(port(), "/metrics").body)["meridian_http_client_errors_total"], 1.0);
}

}  // namespace
}  // namespace meridian::e2e
