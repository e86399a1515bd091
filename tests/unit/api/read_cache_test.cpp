// ReadCache (src/api/read_cache.hpp): a kept answer is found only under the stamp it was kept
// with and only for the same route, target, caller (user, role, API key) and HTTP framing.
#include "read_cache.hpp"

#include <gtest/gtest.h>

namespace meridian::api {
namespace {

HttpResponse answer(std::string body) {
  HttpResponse res{http::status::ok, 11};
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

struct Fixture {
  ReadStamp stamp{std::make_shared<const engine::PortfolioDirectory>(), 7};
  ReadKey key{3, "/api/portfolios?limit=5", 42, Role::trader, 0, 11, true};
};

TEST(ReadCache, FindsWhatWasKeptUnderTheSameStamp) {
  Fixture f;
  ReadCache cache;
  EXPECT_EQ(cache.find(f.key, f.stamp), nullptr);
  cache.store(f.key, f.stamp, answer("ann's"));
  const std::string target(f.key.target);  // a key whose target lives elsewhere finds it too
  auto key = f.key;
  key.target = target;
  auto kept = cache.find(key, f.stamp);
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->body(), "ann's");
}

TEST(ReadCache, NewSnapshotOrDirectoryMisses) {
  Fixture f;
  ReadCache cache;
  cache.store(f.key, f.stamp, answer("old"));
  EXPECT_EQ(cache.find(f.key, ReadStamp{f.stamp.directory, 8}), nullptr) << "a portfolio published";
  // The same versions in a new directory (a portfolio added, another removed) is another stamp.
  EXPECT_EQ(cache.find(f.key, ReadStamp{std::make_shared<const engine::PortfolioDirectory>(), 7}), nullptr);
  EXPECT_NE(cache.find(f.key, f.stamp), nullptr);
}

TEST(ReadCache, NeverCrossesCallersRoutesOrTargets) {
  Fixture f;
  ReadCache cache;
  cache.store(f.key, f.stamp, answer("ann's"));
  auto other = [&](auto change) {
    auto k = f.key;
    change(k);
    return cache.find(k, f.stamp);
  };
  EXPECT_EQ(other([](ReadKey& k) { k.user_id = 43; }), nullptr) << "another user";
  EXPECT_EQ(other([](ReadKey& k) { k.role = Role::admin; }), nullptr) << "the same user with another role";
  EXPECT_EQ(other([](ReadKey& k) { k.api_key_id = 9; }), nullptr) << "an API key (its portfolio scope)";
  EXPECT_EQ(other([](ReadKey& k) { k.user_id = 0, k.role = Role::anonymous; }), nullptr) << "anonymous";
  EXPECT_EQ(other([](ReadKey& k) { k.route = 4; }), nullptr) << "another route";
  EXPECT_EQ(other([](ReadKey& k) { k.target = "/api/portfolios?limit=6"; }), nullptr) << "another query";
  EXPECT_EQ(other([](ReadKey& k) { k.version = 10; }), nullptr) << "HTTP/1.0";
  EXPECT_EQ(other([](ReadKey& k) { k.keep_alive = false; }), nullptr) << "Connection: close";
}

}  // namespace
}  // namespace meridian::api
