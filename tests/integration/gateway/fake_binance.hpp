#pragma once
// A fake Binance spot API for the gateway tests, over loopback TLS on FakeHttpsVenue (REST) and
// ReplyingWssVenue (the user data stream), sharing one order book:
// - SIGNED endpoints as the venue checks them: the X-MBX-APIKEY header (-2015), the HMAC-SHA256
//   of the query and body under the secret (-1022, verified with OpenSSL: independent of the
//   gateway's libsodium signer), and the timestamp within recvWindow of the fake's clock, or
//   more than 1 s ahead of it (-1021). The fake's clock can be set off the system's.
// - GET /api/v3/time, /api/v3/exchangeInfo (the `exchange_info` text), POST/GET/DELETE
//   /api/v3/order (by origClientOrderId or orderId), GET /api/v3/openOrders, /api/v3/account,
//   POST/PUT/DELETE /api/v3/userDataStream (listenKey), every answer with
//   X-MBX-USED-WEIGHT-1M and order answers with X-MBX-ORDER-COUNT-10S/1D.
// - A newClientOrderId already carried by an open order is refused with -2010 "Duplicate order
//   sent." (Binance's rule: unique among open orders only, so a gateway that re-sends must ask
//   by id first: a filled order's id is taken again).
// - The stream (wss://.../ws/<listenKey>) carries executionReport events for what the venue
//   does; the test scripts how each POST is answered and makes the venue act (fills over
//   several messages, cancel, expire, an expired listenKey).
// Thread-safe: the servers' threads and the test read and change the book under one mutex.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fake_venue.hpp"
#include "replying_wss.hpp"

namespace gateway_test {

inline constexpr const char* kBinanceKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
inline constexpr const char* kBinanceSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

struct BinanceOrder {
  std::int64_t id = 0;
  std::string client_order_id;
  std::string symbol;
  std::string side;
  std::string type;
  std::string time_in_force;
  std::string quantity;  // as sent
  std::string price;
  std::string stop_price;
  std::string status = "NEW";
  double executed = 0;
  double quote = 0;  // sum of price * qty over its fills
};

class FakeBinance {
 public:
  // How the n-th POST /api/v3/order (0-based, re-sends and refused ones counted) is answered,
  // once its signature and timestamp passed.
  enum class Post {
    accept,            // 200 and the order (FULL)
    reject,            // 400 {"code":-2010,"msg":reject_reason}, no order
    rate_limit,        // 429 {"code":-1003} with Retry-After: retry_after, no order
    server_error,      // 503 {"code":-1001,"msg":"Internal error; unable to process your request."}, no order
    accept_then_lost,  // the order is created, no answer ever comes (the client times out)
  };

  FakeBinance();
  std::string rest_url() const { return rest_.url(); }
  // The user data stream of a listen key.
  std::string stream_url(const std::string& listen_key) const { return stream_.url("/ws/" + listen_key); }

  // Test thread: scripting.
  std::function<Post(std::size_t n)> on_post = [](std::size_t) { return Post::accept; };
  std::string reject_reason = "Account has insufficient balance for requested action.";
  std::string retry_after = "1";
  std::string commission_asset = "USDT";         // the asset fills' commissions are charged in (set before fill)
  std::atomic<std::int64_t> clock_offset_ms{0};  // the venue's clock minus the system's
  void set_exchange_info(std::string json);
  std::string exchange_info() const;
  void set_balance(const std::string& asset, const std::string& free, const std::string& locked);

  // Test thread: the venue acts on an order (by client order id); the stream is told.
  void fill(const std::string& client_order_id, double qty, double price);  // a trade: a new trade id
  void cancel(const std::string& client_order_id);                          // as if by the venue
  void expire(const std::string& client_order_id);
  // The current listen key expires: listenKeyExpired on the stream, then the stream closes and
  // the key is refused (-1125) by keepalives.
  void expire_listen_key();
  // The stream drops (the key stays valid): a client reconnects to the same URL.
  void drop_stream() { stream_.close(); }

  // What the venue holds.
  std::size_t order_count() const;
  std::optional<BinanceOrder> order(const std::string& client_order_id) const;
  std::size_t requests(const std::string& method, const std::string& target_part) const;
  std::size_t stream_connections() const { return stream_.connections(); }
  std::vector<std::string> stream_targets() const { return stream_.targets(); }
  std::string listen_key() const;
  std::int64_t server_time_ms() const;

 private:
  venue_test::Reply handle(const venue_test::LoggedRequest& r);
  venue_test::Reply signed_route(const venue_test::LoggedRequest& r, const std::string& path,
                                 const std::map<std::string, std::string>& params);
  venue_test::Reply create(const std::map<std::string, std::string>& params);
  venue_test::Reply listen_key_route(const venue_test::LoggedRequest& r,
                                     const std::map<std::string, std::string>& params);
  std::string order_json(const BinanceOrder& o, const std::string& cancel_id = {}) const;
  void report(const BinanceOrder& o, const std::string& execution_type, const std::string& trade = {});
  void end(const std::string& client_order_id, const std::string& status);
  BinanceOrder* find(const std::map<std::string, std::string>& params);
  BinanceOrder* find_client(const std::string& cid);

  mutable std::mutex mutex_;
  std::map<std::int64_t, BinanceOrder> orders_;  // by orderId
  std::map<std::string, std::pair<std::string, std::string>> balances_;
  std::string exchange_info_;
  std::size_t posts_ = 0;
  std::size_t weight_ = 0;
  std::size_t order_requests_ = 0;
  std::int64_t next_id_ = 1000;
  std::int64_t next_trade_ = 5000;
  std::string listen_key_;
  std::size_t listen_keys_made_ = 0;
  venue_test::ReplyingWssVenue stream_;
  venue_test::FakeHttpsVenue rest_;
};

}  // namespace gateway_test
