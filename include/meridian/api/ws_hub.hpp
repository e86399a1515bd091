#pragma once
// The WebSocket hub: turns engine events into messages, serialising each once, and fans
// them out to sessions outside any lock. Runs on its own strand so the engine strand
// only ever posts to it.
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "meridian/api/api_context.hpp"

namespace meridian::api {

class WsSession;

class WsHub {
 public:
  WsHub(boost::asio::io_context& io, ApiContext& ctx);

  // Subscribes to the engine's bus; call before the engine starts.
  void attach(engine::EventBus& bus);
  // Sessions share the registry, so one destroyed after the hub still leaves safely.
  struct Registry {
    std::mutex mutex;  // guards sessions only; never held while sending
    std::unordered_map<std::uint64_t, std::weak_ptr<WsSession>> sessions;
  };
  void join(const std::shared_ptr<WsSession>& session);
  std::shared_ptr<Registry> registry() const noexcept { return registry_; }
  // Shutdown: every session gets a close frame (going away).
  void close_all();
  std::size_t clients() const;
  std::uint64_t next_id() noexcept { return ++last_id_; }
  ApiContext& context() noexcept { return ctx_; }

  // Messages built once and shared by REST-free callers (the `connected` greeting).
  static std::string status_message(std::string_view type, const engine::Snapshot& snap, const char* key = "data");

 private:
  void on_event(const engine::EngineEvent& event, const std::shared_ptr<const engine::Snapshot>& snap);
  void broadcast(std::shared_ptr<const std::string> message, int coalesce_key = -1);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  ApiContext& ctx_;
  std::shared_ptr<Registry> registry_ = std::make_shared<Registry>();
  std::atomic<std::uint64_t> last_id_{0};
  std::vector<std::uint64_t> last_ticks_;  // hub strand only: per-symbol tick count last broadcast
};

}  // namespace meridian::api
