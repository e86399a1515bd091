#include "meridian/api/log_stream.hpp"

#include <boost/asio/post.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "log_query.hpp"
#include "meridian/api/ws_hub.hpp"
#include "ws_endpoint_hooks.hpp"
#include "ws_message.hpp"

namespace meridian::api {

namespace {

constexpr std::uint32_t kOtherModule = 0xff;

// Module names as small numbers, so a filter compares integers on the session's strand. Names
// come from loggers (a handful); past 254 the rest share "other", which no module filter names.
std::uint32_t module_index(std::string_view module) {
  static std::mutex mutex;
  static std::vector<std::string> names;
  std::lock_guard lock(mutex);
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == module) return static_cast<std::uint32_t>(i);
  if (names.size() >= kOtherModule) return kOtherModule;
  names.emplace_back(module);
  return static_cast<std::uint32_t>(names.size() - 1);
}

class LogHooks final : public WsEndpointHooks {
 public:
  LogHooks(std::shared_ptr<std::atomic<int>> clients, const core::LogFilter& filter) : clients_(std::move(clients)) {
    set(filter);
    clients_->fetch_add(1, std::memory_order_relaxed);
  }
  ~LogHooks() override { clients_->fetch_sub(1, std::memory_order_relaxed); }

  bool wants(const WsTarget& target) const override {
    const int level = static_cast<int>(target.tag >> 8) - 1;
    return level >= min_level_ && (module_ < 0 || static_cast<int>(target.tag & 0xff) == module_);
  }

  std::shared_ptr<const std::string> on_message(const nlohmann::json& msg) override {
    if (msg.at("type") != "subscribe") return nullptr;
    std::optional<std::string> level, module;
    for (auto [name, out] : {std::pair{"level", &level}, std::pair{"module", &module}}) {
      auto it = msg.find(name);
      if (it == msg.end() || it->is_null()) continue;
      if (!it->is_string())
        return error(field_error(name, std::string(name) + " must be a string", http::status::unprocessable_entity,
                                 "invalid_parameter"));
      *out = it->get<std::string>();
    }
    auto filter = log_filter(level, module);
    if (!filter) return error(filter.error());
    set(*filter);
    return ws_message(
        "subscribed",
        {{"level", std::string(core::level_name(static_cast<spdlog::level::level_enum>(filter->min_level)))},
         {"module", filter->module.empty() ? nlohmann::json(nullptr) : nlohmann::json(filter->module)}});
  }

 private:
  // The /ws error envelope: {"type":"error","error":{"code","message","details":{"field"}}}.
  static std::shared_ptr<const std::string> error(const ApiError& e) {
    return ws_message("error", {{"error", {{"code", e.code}, {"message", e.message}, {"details", e.details}}}});
  }

  void set(const core::LogFilter& filter) {
    min_level_ = filter.min_level;
    module_ = filter.module.empty() ? -1 : static_cast<int>(module_index(filter.module));
  }

  std::shared_ptr<std::atomic<int>> clients_;
  int min_level_ = 0;
  int module_ = -1;
};

std::int64_t steady_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::uint32_t log_tag(std::string_view level, std::string_view module) {
  return static_cast<std::uint32_t>(core::level_rank(level) + 1) << 8 | module_index(module);
}

LogStream::LogStream(boost::asio::io_context& io, WsHub& hub, core::LogRecords& records)
    : strand_(boost::asio::make_strand(io)), hub_(hub), records_(records) {}

LogStream::~LogStream() {
  stop();
}

void LogStream::start() {
  records_.set_listener([this](const core::LogRecord& r) { on_record(r); });
}

void LogStream::stop() {
  records_.set_listener(nullptr);
}

std::shared_ptr<WsEndpointHooks> LogStream::hooks(const core::LogFilter& filter) {
  return std::make_shared<LogHooks>(clients_, filter);
}

void LogStream::on_record(const core::LogRecord& r) {
  if (clients_->load(std::memory_order_relaxed) == 0) return;
  const auto now = steady_seconds();
  if (window_.exchange(now, std::memory_order_relaxed) != now) in_window_.store(0, std::memory_order_relaxed);
  if (in_window_.fetch_add(1, std::memory_order_relaxed) >= kMaxPerSecond) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  auto message = ws_message("log", {{"data", log_record_json(r)}});
  WsTarget target;
  target.audience = WsTarget::logs;
  target.tag = log_tag(r.level, r.logger);
  boost::asio::post(strand_, [this, message = std::move(message), target] { hub_.publish(message, target); });
}

}  // namespace meridian::api
