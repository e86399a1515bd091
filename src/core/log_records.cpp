#include "meridian/core/log_records.hpp"

#include <spdlog/spdlog.h>

#include <array>

namespace meridian::core {

namespace {

constexpr std::array<std::string_view, 6> kLevels = {"trace", "debug", "info", "warn", "error", "critical"};

// Set while this thread runs the listener: a record it logs then is not handed to it again.
thread_local bool in_listener = false;

}  // namespace

std::string_view level_name(spdlog::level::level_enum level) noexcept {
  const auto i = static_cast<std::size_t>(level);
  return i < kLevels.size() ? kLevels[i] : std::string_view("off");
}

std::optional<spdlog::level::level_enum> parse_level(std::string_view name) noexcept {
  const int rank = level_rank(name);
  if (rank < 0) return std::nullopt;
  return static_cast<spdlog::level::level_enum>(rank);
}

int level_rank(std::string_view name) noexcept {
  if (name == "warning") name = "warn";
  for (std::size_t i = 0; i < kLevels.size(); ++i)
    if (kLevels[i] == name) return static_cast<int>(i);
  return -1;
}

bool is_module_name(std::string_view name) {
  static constexpr std::array<std::string_view, 13> kModules = {
      "core",    "indicators", "strategies", "risk", "execution", "market",  "engine",
      "storage", "api",        "app",        "auth", "backtest",  "meridian"};
  for (auto m : kModules)
    if (m == name) return true;
  return !name.empty() && spdlog::get(std::string(name)) != nullptr;
}

bool LogFilter::matches(const LogRecord& r) const noexcept {
  if (level_rank(r.level) < min_level) return false;
  if (!module.empty() && r.logger != module) return false;
  if (since && r.at < *since) return false;
  return before == 0 || r.id < before;
}

LogRecords::LogRecords(std::size_t ring_capacity, std::size_t queue_capacity)
    : ring_capacity_(ring_capacity), queue_capacity_(queue_capacity) {}

void LogRecords::log(const spdlog::details::log_msg& msg) {
  try {
    LogRecord record;
    record.at = std::chrono::time_point_cast<Timestamp::duration>(msg.time);
    record.level = std::string(level_name(msg.level));
    record.logger.assign(msg.logger_name.data(), msg.logger_name.size());
    record.message.assign(msg.payload.data(), msg.payload.size());
    std::shared_ptr<const Listener> listener;
    {
      std::lock_guard lock(mutex_);
      record.id = next_id_++;
      if (msg.level >= spdlog::level::warn && queue_on_.load(std::memory_order_relaxed)) {
        if (queue_.size() < queue_capacity_)
          queue_.push_back(record);
        else
          dropped_.fetch_add(1, std::memory_order_relaxed);
      }
      if (ring_.size() == ring_capacity_) ring_.pop_front();
      ring_.push_back(record);
      if (!in_listener) listener = listener_;
    }
    if (listener && *listener) {
      in_listener = true;
      (*listener)(record);
      in_listener = false;
    }
  } catch (...) {
    // A log line is never worth an exception in the caller (out of memory: the record is lost).
    in_listener = false;
  }
}

std::vector<LogRecord> LogRecords::newest(const LogFilter& filter, std::size_t limit) const {
  std::vector<LogRecord> out;
  std::lock_guard lock(mutex_);
  for (auto it = ring_.rbegin(); it != ring_.rend() && out.size() < limit; ++it)
    if (filter.matches(*it)) out.push_back(*it);
  return out;
}

void LogRecords::take_queued(std::vector<LogRecord>& out) {
  std::lock_guard lock(mutex_);
  if (out.empty()) {
    out.swap(queue_);
  } else {
    out.insert(out.end(), std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
    queue_.clear();
  }
}

void LogRecords::set_listener(Listener listener) {
  auto shared = listener ? std::make_shared<const Listener>(std::move(listener)) : nullptr;
  std::lock_guard lock(mutex_);
  listener_ = std::move(shared);
}

}  // namespace meridian::core
