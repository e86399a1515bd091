// The OpenAPI document of the daemon's real route table: every route has an entry in the
// companion table (openapi_schemas.cpp) and every entry a route; the document's references
// resolve, path parameters are declared, errors refer to the one Error schema.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>

#include "meridian/api/alert_routes.hpp"
#include "meridian/api/backtests.hpp"
#include "meridian/api/decision_routes.hpp"
#include "meridian/api/gateway_routes.hpp"
#include "meridian/api/openapi.hpp"
#include "meridian/api/routes.hpp"
#include "meridian/api/sentiment_routes.hpp"

using namespace meridian;
using api::http::verb;
namespace http = api::http;

namespace {

// The daemon's table, as serve.cpp builds it (backtests and alerts without a database: null).
struct LiveTable {
  boost::asio::io_context io;
  core::InstrumentTable instruments{core::default_instruments()};
  engine::JournalQueue journal{1024};
  engine::EngineRunner runner{io,
                              instruments,
                              engine::PortfolioConfig{},
                              engine::RunnerConfig{},
                              market::SimConfig{},
                              journal,
                              engine::RecoveredState{}};
  storage::JournalWriter writer{"", journal, instruments, 1, [](std::uint64_t) {}};
  api::ApiContext ctx{runner, instruments, writer, core::now(), "test", false, {}, {}};
  api::Router router;
  LiveTable() {
    api::add_all_routes(router, ctx);
    api::add_backtest_routes(router, ctx, nullptr);
    api::add_alert_routes(router, ctx, nullptr);
    api::add_sentiment_routes(router, ctx, nullptr);
    api::add_decision_routes(router, ctx, nullptr);
    api::add_gateway_routes(router, nullptr, ctx, nullptr);
  }
};

void each_ref(const nlohmann::json& node, const std::function<void(const std::string&)>& fn) {
  if (node.is_object()) {
    if (auto r = node.find("$ref"); r != node.end()) fn(r->get<std::string>());
    for (const auto& [k, v] : node.items()) each_ref(v, fn);
  } else if (node.is_array()) {
    for (const auto& v : node) each_ref(v, fn);
  }
}

}  // namespace

TEST(OpenApi, EveryRouteHasAnEntryAndEveryEntryARoute) {
  LiveTable live;
  ASSERT_GT(live.router.routes().size(), 60u);
  for (const auto& route : live.router.routes()) {
    EXPECT_NE(api::find_operation_doc(route.method, route.pattern), nullptr)
        << http::to_string(route.method) << " " << route.pattern
        << " has no entry in src/api/openapi_schemas.cpp: add its query, body and response schemas";
  }
  for (const auto& entry : api::operation_docs()) {
    const bool routed = std::any_of(live.router.routes().begin(), live.router.routes().end(), [&](const api::Route& r) {
      return r.method == entry.method && r.pattern == entry.pattern;
    });
    EXPECT_TRUE(routed) << http::to_string(entry.method) << " " << entry.pattern << ": an entry without a route";
    // Each entry is JSON (a typo would otherwise surface only at the first request).
    EXPECT_NO_THROW({
      const auto parsed = nlohmann::json::parse(entry.doc);
      EXPECT_TRUE(parsed.is_object()) << entry.pattern;
    }) << entry.pattern;
  }
}

TEST(OpenApi, DocumentDescribesEveryOperationWithResolvableSchemas) {
  LiveTable live;
  const auto doc = api::openapi_document(live.router, "1.2.3");
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"]["version"], "1.2.3");
  // For validating without a daemon: node web/e2e/validate-openapi.mjs reads MERIDIAN_OPENAPI_FILE.
  if (const char* out = std::getenv("MERIDIAN_OPENAPI_OUT")) std::ofstream(out) << doc.dump(2);
  std::size_t operations = 0;
  for (const auto& route : live.router.routes()) {
    std::string method(http::to_string(route.method));
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    SCOPED_TRACE(method + " " + route.pattern);
    ASSERT_TRUE(doc["paths"].contains(route.pattern));
    ASSERT_TRUE(doc["paths"][route.pattern].contains(method));
    const auto& op = doc["paths"][route.pattern][method];
    ++operations;
    EXPECT_EQ(op["x-meridian-role"], std::string(api::to_string(route.role)));
    EXPECT_EQ(op["summary"], route.summary);
    // Path parameters: each {name} of the pattern, declared required.
    std::set<std::string> declared;
    for (const auto& p : op.value("parameters", nlohmann::json::array()))
      if (p.value("in", "") == "path") {
        EXPECT_TRUE(p["required"].get<bool>());
        declared.insert(p["name"].get<std::string>());
      }
    for (std::size_t at = route.pattern.find('{'); at != std::string::npos; at = route.pattern.find('{', at + 1))
      EXPECT_TRUE(declared.count(route.pattern.substr(at + 1, route.pattern.find('}', at) - at - 1)));
    // A success response, and every 4xx/5xx is the Error shape.
    bool success = false;
    for (const auto& [status, response] : op["responses"].items()) {
      if (status.starts_with('2')) success = true;
      if (status.starts_with('4') || (status.starts_with('5') && !response.contains("content"))) {
        ASSERT_TRUE(response.contains("$ref")) << status;
        const auto name = response["$ref"].get<std::string>().substr(std::string("#/components/responses/").size());
        EXPECT_EQ(doc["components"]["responses"][name]["content"]["application/json"]["schema"]["$ref"],
                  "#/components/schemas/Error");
      }
    }
    EXPECT_TRUE(success);
    // Anonymous routes need no credentials; the rest accept a bearer token or an API key.
    if (route.role == api::Role::anonymous && !route.scrape) {
      EXPECT_TRUE(op["security"].empty());
    } else if (!route.scrape) {
      EXPECT_EQ(op["security"].size(), 2u);
      EXPECT_TRUE(op["responses"].contains("401"));
      EXPECT_TRUE(op["responses"].contains("403"));
    }
  }
  EXPECT_EQ(operations, live.router.routes().size());
  // Every reference names something the document has.
  std::size_t refs = 0;
  each_ref(doc, [&](const std::string& ref) {
    ++refs;
    ASSERT_TRUE(ref.starts_with("#/")) << ref;
    EXPECT_TRUE(doc.contains(nlohmann::json::json_pointer(ref.substr(1)))) << ref;
  });
  EXPECT_GT(refs, 200u);
}

TEST(OpenApi, RequestBodiesAndQueryParametersComeFromTheTable) {
  LiveTable live;
  const auto doc = api::openapi_document(live.router, "x");
  const auto& trade = doc["paths"]["/api/trade"]["post"];
  EXPECT_EQ(trade["requestBody"]["content"]["application/json"]["schema"]["required"],
            nlohmann::json({"symbol", "side"}));
  EXPECT_EQ(trade["responses"]["201"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Order");
  EXPECT_TRUE(trade["responses"].contains("422"));
  const auto& orders = doc["paths"]["/api/orders"]["get"];
  std::set<std::string> query;
  for (const auto& p : orders["parameters"]) query.insert(p["$ref"].get<std::string>());
  EXPECT_TRUE(query.count("#/components/parameters/status"));
  EXPECT_TRUE(query.count("#/components/parameters/limit"));
  // The openapi route itself is public, and /api/stats an admin's.
  EXPECT_EQ(doc["paths"]["/api/openapi.json"]["get"]["x-meridian-role"], "anonymous");
  EXPECT_EQ(doc["paths"]["/api/stats"]["get"]["x-meridian-role"], "admin");
}
