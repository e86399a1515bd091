#include "read_cache.hpp"

#include <functional>

namespace meridian::api {

ReadStamp ReadStamp::of(const engine::EngineRunner& runner) {
  ReadStamp stamp{runner.portfolios(), 0};
  if (!stamp.directory) return stamp;
  for (const auto& entry : *stamp.directory)
    if (entry.store)
      if (auto snap = entry.store->load()) stamp.versions += snap->version;
  return stamp;
}

bool ReadCache::same(const Entry& e, const ReadKey& key) noexcept {
  const auto& k = e.key;
  return k.route == key.route && k.version == key.version && k.keep_alive == key.keep_alive &&
         k.user_id == key.user_id && k.role == key.role && k.api_key_id == key.api_key_id && e.target == key.target;
}

std::size_t ReadCache::slot_of(const ReadKey& key) noexcept {
  std::size_t h = std::hash<std::string_view>{}(key.target);
  h ^= key.route + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= static_cast<std::size_t>(key.user_id) * 0x9e3779b97f4a7c15ULL + static_cast<std::size_t>(key.api_key_id);
  return h % kSlots;
}

std::shared_ptr<const HttpResponse> ReadCache::find(const ReadKey& key, const ReadStamp& stamp) const {
  auto entry = slots_[slot_of(key)].load(std::memory_order_acquire);
  if (!entry || !(entry->stamp == stamp) || !same(*entry, key)) return nullptr;
  return {entry, &entry->response};
}

void ReadCache::store(const ReadKey& key, ReadStamp stamp, const HttpResponse& res) {
  auto entry = std::make_shared<Entry>(Entry{std::move(stamp), key, std::string(key.target), res});
  entry->key.target = entry->target;
  slots_[slot_of(key)].store(std::move(entry), std::memory_order_release);
}

}  // namespace meridian::api
