// The dashboard in headless Chromium (--dump-dom after a virtual-time budget): the page's
// script fills in the session state badge and a price row per symbol.
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "fixture.hpp"

namespace meridian::e2e {
namespace {

const char* const kChromium = "/usr/bin/chromium";

class Dashboard : public SharedDaemonTest<Dashboard> {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kChromium)) {
      if (in_ci()) FAIL() << kChromium << " is not installed and CI=true";
      GTEST_SKIP() << kChromium << " is not installed";
    }
    SharedDaemonTest<Dashboard>::SetUp();
  }
};

struct Page {
  std::string dom;      // what --dump-dom printed
  std::string log;      // Chromium's log, for failure messages
  std::string outcome;  // how it ended
};

// Loads `url` in headless Chromium and returns the DOM once the virtual-time budget is spent.
Page dump_dom(const std::string& url) {
  TempDir dir("meridian-e2e-chromium-");
  SpawnOptions spawn;
  spawn.argv = {kChromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + (dir.path() / "profile").string(),
                "--virtual-time-budget=8000",
                "--dump-dom",
                url};
  spawn.cwd = dir.path();
  spawn.output = dir.path() / "dom.html";
  spawn.error_output = dir.path() / "stderr.log";
  Process chromium(spawn);
  const auto status = chromium.wait_exit(std::chrono::seconds(90));
  Page page;
  page.outcome = status ? describe_wait_status(*status) : "still running after 90 s (killed)";
  chromium.kill_now();
  page.dom = read_file(spawn.output);
  // Chromium's log without the D-Bus complaints of a container.
  std::istringstream lines(read_file(spawn.error_output));
  for (std::string line; std::getline(lines, line);)
    if (line.find("dbus") == std::string::npos) page.log += line + "\n";
  if (page.log.size() > 4000) page.log = "[...]" + page.log.substr(page.log.size() - 4000);
  return page;
}

// The text of the element with `id` (no nested elements), or nullopt when absent.
std::optional<std::string> text_of_id(const std::string& dom, const std::string& id) {
  const std::regex re("<[a-z]+[^>]*\\sid=\"" + id + "\"[^>]*>([^<]*)<");
  std::smatch m;
  if (!std::regex_search(dom, m, re)) return std::nullopt;
  return m[1].str();
}

// symbol -> text of td.price for each row of #prices tbody.
std::map<std::string, std::string> price_cells(const std::string& dom) {
  std::map<std::string, std::string> out;
  const auto table = dom.find("id=\"prices\"");
  if (table == std::string::npos) return out;
  const auto end = dom.find("</table>", table);
  const std::string prices = dom.substr(table, end == std::string::npos ? std::string::npos : end - table);
  static const std::regex row(R"re(<tr[^>]*\sdata-symbol="([^"]+)"[^>]*>([\s\S]*?)</tr>)re");
  static const std::regex cell(R"re(<td[^>]*\sclass="price(?:\s[^"]*)?"[^>]*>([^<]*)</td>)re");
  for (std::sregex_iterator it(prices.begin(), prices.end(), row), stop; it != stop; ++it) {
    const std::string inner = (*it)[2].str();
    std::smatch m;
    out[(*it)[1].str()] = std::regex_search(inner, m, cell) ? m[1].str() : std::string("<no td.price>");
  }
  return out;
}

// "64,240.20" -> 64240.2; nullopt unless the text is a positive number.
std::optional<double> parse_price(std::string text) {
  std::erase(text, ',');
  static const std::regex number(R"(^\s*[0-9]+(\.[0-9]+)?\s*$)");
  if (!std::regex_match(text, number)) return std::nullopt;
  const double v = std::stod(text);
  return v > 0 ? std::optional<double>(v) : std::nullopt;
}

TEST_F(Dashboard, ShowsSessionStateAndAPricePerSymbol) {
  const auto page = dump_dom(daemon().base_url() + "/");
  const std::string context = "\nChromium " + page.outcome + "; its stderr (tail):\n" + page.log;
  ASSERT_NE(page.dom.find("id=\"status-badge\""), std::string::npos) << "no dashboard DOM was dumped" << context;

  const auto state = session_state(port());
  const auto badge = text_of_id(page.dom, "status-badge");
  ASSERT_TRUE(badge) << "#status-badge not found" << context;
  EXPECT_EQ(*badge, state) << "#status-badge does not show the session state" << context;

  auto symbols = get_json(port(), "/api/symbols");
  const auto cells = price_cells(page.dom);
  ASSERT_EQ(cells.size(), symbols.at("items").size()) << "rows in #prices tbody: " << cells.size() << context;
  for (const auto& item : symbols.at("items")) {
    const auto symbol = item.at("symbol").get<std::string>();
    auto it = cells.find(symbol);
    if (it == cells.end()) {
      ADD_FAILURE() << "no price row for " << symbol;
      continue;
    }
    EXPECT_TRUE(parse_price(it->second)) << symbol << ": td.price shows '" << it->second << "', not a price";
  }
  // The page's WebSocket connected (virtual time lets it run).
  EXPECT_EQ(text_of_id(page.dom, "ws-state").value_or("<missing>"), "connected") << context;
}

}  // namespace
}  // namespace meridian::e2e
