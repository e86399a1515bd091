#pragma once
// A fake Alpaca trading API for the gateway tests: the REST order routes (POST/GET/DELETE/PATCH
// /v2/orders..., by client order id, the open orders) and GET /v2/positions over loopback TLS on
// FakeHttpsVenue, and the trade_updates stream (auth,
// listen, then events) on ReplyingWssVenue, sharing one order book. The test scripts how each
// POST is answered and makes the venue act (fill, cancel, expire, reject) with or without
// telling the stream; it then asserts on what the venue holds (how many orders, which ids).
// Thread-safe: the servers' threads and the test's read and change the book under one mutex.
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fake_venue.hpp"
#include "replying_wss.hpp"

namespace gateway_test {

inline constexpr const char* kKeyId = "PKTESTKEY0001";
inline constexpr const char* kSecret = "test-secret-0001";

struct VenueOrder {
  std::string id;
  std::string client_order_id;
  std::string symbol;
  std::string side;
  std::string type;
  std::string qty;
  std::string limit_price;
  std::string status = "new";
  double filled = 0;
  double notional = 0;  // sum of price * qty over its fills
};

class FakeAlpaca {
 public:
  // How the n-th POST /v2/orders (0-based, re-sends counted) is answered.
  enum class Post {
    accept,            // 200 and the order
    reject,            // 403 {"message": reject_reason}, no order
    rate_limit,        // 429 with Retry-After: retry_after, no order
    server_error,      // 500, no order
    accept_then_500,   // the order is created, the answer is a 500
    accept_then_lost,  // the order is created, no answer ever comes (the client times out)
  };

  FakeAlpaca();
  std::string rest_url() const { return rest_.url(); }
  std::string stream_url() const { return stream_.url("/stream"); }

  // Test thread: scripting.
  std::function<Post(std::size_t n)> on_post = [](std::size_t) { return Post::accept; };
  std::string reject_reason = "insufficient buying power";
  std::string retry_after = "1";
  std::atomic<bool> stream_silent{false};     // venue actions do not tell the stream (it missed them)
  std::atomic<bool> open_orders_fail{false};  // GET /v2/orders?status=open answers 500

  // Test thread: the venue acts on an order (by our client order id). A fill event carries
  // `execution_id`; the stream is told unless stream_silent.
  void fill(const std::string& client_order_id, double qty, double price, const std::string& execution_id);
  void cancel(const std::string& client_order_id);  // as if by the venue (e.g. end of day: expire)
  void expire(const std::string& client_order_id);
  void reject_after_accept(const std::string& client_order_id, const std::string& reason);
  // Sends a trade update for the order as it stands now (a duplicate of the last fill, etc.).
  void push_fill_event(const std::string& client_order_id, double qty, double price, const std::string& execution_id);
  void drop_stream() { stream_.close(); }
  // An order the venue holds without any POST in this test (sent before a restart, or by
  // someone else on the account); no stream event. Returns its venue id.
  std::string place(const std::string& client_order_id, const std::string& qty, const std::string& limit_price,
                    const std::string& symbol = "AAPL");
  // GET /v2/positions answers with these (symbol -> signed quantity, average entry price).
  void set_position(const std::string& symbol, double qty, double avg_entry_price);

  // What the venue holds.
  std::size_t order_count() const;
  std::optional<VenueOrder> order(const std::string& client_order_id) const;
  std::size_t requests(const std::string& method, const std::string& target_part) const;
  std::vector<venue_test::LoggedRequest> request_log() const { return rest_.requests(); }
  std::size_t stream_connections() const { return stream_.connections(); }
  // Connections that sent listen (authorised ones).
  std::size_t listens() const;

 private:
  venue_test::Reply handle(const venue_test::LoggedRequest& r);
  venue_test::Reply create(const venue_test::LoggedRequest& r);
  std::string order_json(const VenueOrder& o) const;
  void event(const VenueOrder& o, const std::string& name, const std::string& extra = {}, bool force = false);
  VenueOrder* find_client(const std::string& cid);
  VenueOrder* find_id(const std::string& id);

  mutable std::mutex mutex_;
  venue_test::Reply open_orders() const;
  venue_test::Reply positions() const;

  std::map<std::string, VenueOrder> orders_;  // by venue id
  std::map<std::string, std::pair<double, double>> positions_;
  std::size_t posts_ = 0;
  std::size_t next_id_ = 1;
  venue_test::ReplyingWssVenue stream_;
  venue_test::FakeHttpsVenue rest_;
};

}  // namespace gateway_test
