#pragma once
// /ws/logs: every log record, as it is logged, to the clients whose filter (level, module: the
// query of the upgrade, or a {"type":"subscribe","level":..,"module":..} message) it passes, as
// {"type":"log","ts":..,"data":{record}} (api/log_query.hpp's record JSON).
//
// Contract: the records sink's listener (core/log_records.hpp) runs on whatever thread logs, the
// engine strand included: it does nothing while no /ws/logs client is connected, and otherwise
// serialises the record once and posts it to a strand of its own, which hands it to the hub
// (WsHub::publish), so no session code runs inside a logging call. A line logged while that
// happens is streamed like any other; at most kMaxPerSecond records a second are streamed (the
// rest dropped and counted), so a line that the stream itself causes can never feed back
// without bound.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <memory>

#include "meridian/core/log_records.hpp"

namespace meridian::api {

class WsHub;
class WsEndpointHooks;

class LogStream {
 public:
  static constexpr std::int64_t kMaxPerSecond = 1000;

  LogStream(boost::asio::io_context& io, WsHub& hub, core::LogRecords& records);
  ~LogStream();
  LogStream(const LogStream&) = delete;
  LogStream& operator=(const LogStream&) = delete;

  // Becomes the records' listener; stop() (and the destructor) leave. Start-up and shutdown.
  void start();
  void stop();
  // A /ws/logs session's filter, starting as `filter` (level and module; checked by the caller).
  std::shared_ptr<WsEndpointHooks> hooks(const core::LogFilter& filter);
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

 private:
  void on_record(const core::LogRecord& record);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  WsHub& hub_;
  core::LogRecords& records_;
  std::shared_ptr<std::atomic<int>> clients_ = std::make_shared<std::atomic<int>>(0);
  std::atomic<std::int64_t> window_{0};  // the current second (steady clock), and records streamed in it
  std::atomic<std::int64_t> in_window_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

// The tag (WsTarget::tag) of a record: its level and interned module, what a filter compares.
std::uint32_t log_tag(std::string_view level, std::string_view module);

}  // namespace meridian::api
