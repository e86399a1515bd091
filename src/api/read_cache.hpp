#pragma once
// Answers of read-mostly routes (Route::snapshot_read), kept while nothing they are made of
// changes: such a route's answer is a function of the portfolios' snapshots (and their
// directory: which portfolios exist, who owns them), the request target (path and query) and
// the caller (user, role, API key). The server looks here after the auth gate admitted the
// caller and before the handler runs, so a cached answer reaches only a caller the gate let
// through, and only one with the same identity as the caller it was made for.
//
// An answer is labelled with the ReadStamp taken before its handler ran; it is served only
// while the current stamp is the same, so it is replaced once any portfolio publishes a new
// snapshot or the directory changes. (A handler that read a snapshot newer than its label
// only costs the next caller a miss.)
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "meridian/api/http_types.hpp"
#include "meridian/engine/engine_runner.hpp"

namespace meridian::api {

// What a cached answer's validity is judged by. The directory is held (not only its address),
// so a new directory can never reuse the address of the one an answer was labelled with; every
// portfolio's snapshot version only grows, so within one directory their sum changes whenever
// any of them does.
struct ReadStamp {
  std::shared_ptr<const engine::PortfolioDirectory> directory;
  std::uint64_t versions = 0;

  static ReadStamp of(const engine::EngineRunner& runner);
  bool operator==(const ReadStamp& o) const noexcept { return directory == o.directory && versions == o.versions; }
};

// Who an answer was made for and what it answers, besides the stamp. `target` is the request
// target as sent (path and query); the caller is its user, role and API key (a key may narrow
// the portfolios its user sees); HTTP version and keep-alive shape the response's headers.
struct ReadKey {
  std::size_t route = 0;
  std::string_view target;
  std::int64_t user_id = 0;
  Role role = Role::anonymous;
  std::int64_t api_key_id = 0;
  unsigned version = 11;
  bool keep_alive = true;

  static ReadKey of(std::size_t route, const HttpRequest& req, const auth::Principal& caller) noexcept {
    return {route, req.target(), caller.user_id, caller.role, caller.api_key_id, req.version(), req.keep_alive()};
  }
};

class ReadCache {
 public:
  // The answer made for `key` under `stamp`, or null. No allocation: the hot read path.
  std::shared_ptr<const HttpResponse> find(const ReadKey& key, const ReadStamp& stamp) const;
  // Keeps `res` (a 200, its headers final) as the answer for `key` under `stamp`; it replaces
  // whatever answer shared its slot. Any thread.
  void store(const ReadKey& key, ReadStamp stamp, const HttpResponse& res);

 private:
  struct Entry {
    ReadStamp stamp;
    ReadKey key;         // its target points into `target`
    std::string target;  // owned
    HttpResponse response;
  };
  static bool same(const Entry& e, const ReadKey& key) noexcept;
  static std::size_t slot_of(const ReadKey& key) noexcept;
  // A small direct-mapped table: the polled routes' answers, a few per caller. A collision
  // only evicts (the next request renders again).
  static constexpr std::size_t kSlots = 512;
  std::array<std::atomic<std::shared_ptr<const Entry>>, kSlots> slots_{};
};

}  // namespace meridian::api
