#pragma once
// A hash map of at most `capacity` entries that forgets its least recently used entry to make
// room for a new one: the bounded tables of per-client state (the API's request rate limiter,
// the login throttle), which must not grow with the number of clients an attacker can invent.
//
// Contract: not thread-safe (callers hold their own lock). find() and touch() make the entry
// the most recently used. Once full, inserting reuses the evicted entry's node, so a full
// table allocates nothing more (beyond what copying a key allocates). Pointers to values stay
// valid until their entry is erased or evicted.
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace meridian::core {

template <class K, class V, class Hash = std::hash<K>, class Eq = std::equal_to<K>>
class LruMap {
 public:
  explicit LruMap(std::size_t capacity) : capacity_(capacity) {
    if (capacity == 0) throw std::invalid_argument("LruMap capacity must be at least 1");
    map_.reserve(capacity);
  }
  LruMap(const LruMap&) = delete;
  LruMap& operator=(const LruMap&) = delete;

  std::size_t size() const noexcept { return map_.size(); }
  std::size_t capacity() const noexcept { return capacity_; }

  // The value of `key` (now the most recently used), or null.
  V* find(const K& key) {
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    to_front(it->second);
    return &it->second.value;
  }

  // The value of `key`, now the most recently used; a value-initialised one inserted when
  // absent (`inserted` says so), after evicting the least recently used entry when full.
  struct Touched {
    V& value;
    bool inserted;
  };
  Touched touch(const K& key) {
    if (auto it = map_.find(key); it != map_.end()) {
      to_front(it->second);
      return {it->second.value, false};
    }
    typename Map::iterator at;
    if (map_.size() < capacity_) {
      at = map_.try_emplace(key).first;
    } else {
      // Reuse the oldest entry's node: a full table does not allocate.
      Entry* oldest = oldest_;
      unlink(*oldest);
      auto node = map_.extract(*oldest->key);
      node.key() = key;
      node.mapped() = Entry{};
      at = map_.insert(std::move(node)).position;
    }
    Entry& entry = at->second;
    entry.key = &at->first;
    link_front(entry);
    return {entry.value, true};
  }

  void erase(const K& key) {
    auto it = map_.find(key);
    if (it == map_.end()) return;
    unlink(it->second);
    map_.erase(it);
  }

  // Erases entries from the least recently used end while `stale(value)` holds, at most
  // `limit` of them; returns how many. Callers sweep a little on each operation, so quiet
  // tables shrink without a full scan.
  template <class Pred>
  std::size_t erase_stale(Pred&& stale, std::size_t limit) {
    std::size_t erased = 0;
    while (erased < limit && oldest_ && stale(std::as_const(oldest_->value))) {
      erase(*oldest_->key);
      ++erased;
    }
    return erased;
  }

 private:
  struct Entry {
    V value{};
    Entry* newer = nullptr;
    Entry* older = nullptr;
    const K* key = nullptr;  // the map node's own key (node addresses are stable)
  };
  using Map = std::unordered_map<K, Entry, Hash, Eq>;

  void unlink(Entry& e) noexcept {
    (e.newer ? e.newer->older : newest_) = e.older;
    (e.older ? e.older->newer : oldest_) = e.newer;
    e.newer = e.older = nullptr;
  }
  void link_front(Entry& e) noexcept {
    e.older = newest_;
    e.newer = nullptr;
    (newest_ ? newest_->newer : oldest_) = &e;
    newest_ = &e;
  }
  void to_front(Entry& e) noexcept {
    if (newest_ == &e) return;
    unlink(e);
    link_front(e);
  }

  std::size_t capacity_;
  Map map_;
  Entry* newest_ = nullptr;
  Entry* oldest_ = nullptr;
};

}  // namespace meridian::core
