#pragma once
// The layer between a WebSocket stream and its transport (TCP, or TLS over TCP) that lets a
// session write several pre-encoded frames in one write (issue 18: one syscall per publish
// cycle per client, not one per message) while Beast still writes its own frames (the
// handshake's reply, pongs, idle pings, close) through the same socket.
//
// Both go through this layer, which lets one writer hold the socket at a time: Beast's
// write_some waits while a frame write is under way, and a frame write waits while Beast's
// frame is half written. Contract (what makes "half written" observable here): every write
// Beast makes through a session is smaller than 64 KiB (asio's largest single write_some), so
// a Beast write_some that completes short is followed by the rest of the same frame, and one
// that completes whole ends it. Sessions send their data messages only with async_write_frames.
// Call from the session's strand only.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace meridian::api {

template <class Inner>
class WsWire {
 public:
  using executor_type = typename Inner::executor_type;
  using next_layer_type = Inner;
  // Called once with the outcome of a whole frame write: every byte written, or the error.
  using Done = std::function<void(boost::beast::error_code, std::size_t)>;

  template <class... Args>
  explicit WsWire(Args&&... args) : inner_(std::forward<Args>(args)...) {}

  Inner& next_layer() noexcept { return inner_; }
  const Inner& next_layer() const noexcept { return inner_; }
  executor_type get_executor() noexcept { return inner_.get_executor(); }

  template <class Buffers, class Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    inner_.async_read_some(buffers, std::forward<Handler>(handler));
  }

  // Beast's writes: parked while a frame write holds the socket.
  template <class Buffers, class Handler>
  void async_write_some(const Buffers& buffers, Handler&& handler) {
    auto start = [this, buffers, handler = std::forward<Handler>(handler)]() mutable {
      beast_write(buffers, std::move(handler));
    };
    if (owner_ == Owner::frames) {
      if (auto pending = pending_.lock()) {
        pending->parked_beast = std::make_unique<Parked<decltype(start)>>(std::move(start));
        return;
      }
    }
    start();
  }

  // Writes `buffers` (whole frames) in full, then calls `done`. `buffers` and what they point
  // to must live until then. One at a time.
  void async_write_frames(const std::vector<boost::asio::const_buffer>& buffers, Done done) {
    auto pending = std::make_shared<Pending>();
    pending->frames = &buffers;
    pending->done = std::move(done);
    pending_ = pending;
    if (owner_ == Owner::beast) {
      // Starts when Beast's frame is written: Beast's write op in flight owns it until then.
      if (auto slot = beast_slot_.lock()) {
        *slot = std::move(pending);
        return;
      }
    }
    owner_ = Owner::frames;
    write_frames_step(std::move(pending));
  }

 private:
  enum class Owner : std::uint8_t { none, beast, frames };
  struct Resumable {
    virtual ~Resumable() = default;
    virtual void resume() = 0;
  };
  template <class F>
  struct Parked final : Resumable {
    explicit Parked(F&& start) : start_(std::move(start)) {}
    void resume() override { start_(); }
    F start_;
  };
  // One frame write: its callback and the Beast write parked behind it. Ownership contract (what
  // keeps a session from leaking): only an operation in flight owns a Pending (the frame write's
  // own op, or Beast's write op it waits behind), never this object, so an io_context destroyed
  // with the write pending destroys the Pending and releases what its callbacks hold (the
  // session), as Beast's own operations do.
  struct Pending {
    const std::vector<boost::asio::const_buffer>* frames = nullptr;
    Done done;
    std::unique_ptr<Resumable> parked_beast;  // Beast waits for at most one write at a time
    std::size_t offset = 0, written = 0;
  };
  using Slot = std::shared_ptr<Pending>;  // a frame write waiting behind Beast's write

  template <class Buffers, class Handler>
  void beast_write(const Buffers& buffers, Handler&& handler) {
    owner_ = Owner::beast;
    const auto asked = boost::asio::buffer_size(buffers);
    // A frame write already waiting behind this frame's previous write_some carries over.
    auto slot = std::make_shared<Slot>(std::move(carried_));
    beast_slot_ = slot;
    inner_.async_write_some(buffers, [this, asked, slot, handler = std::forward<Handler>(handler)](
                                         boost::beast::error_code ec, std::size_t n) mutable {
      auto waiting = std::move(*slot);
      if (ec || n >= asked) {
        owner_ = Owner::none;
        if (waiting) {
          owner_ = Owner::frames;
          write_frames_step(std::move(waiting));
        }
      } else {
        // The rest of Beast's frame follows (the handler writes it at once): the waiting frame
        // write moves to that write.
        carried_ = std::move(waiting);
      }
      handler(ec, n);
    });
  }

  // The frames from `offset` bytes into the list on: at most 64 buffers a write_some, as the
  // kernel takes at most IOV_MAX and asio passes 64.
  void write_frames_step(std::shared_ptr<Pending> pending) {
    const auto& all = *pending->frames;
    std::size_t skip = pending->offset;
    std::size_t i = 0;
    while (i < all.size() && skip >= all[i].size()) skip -= all[i++].size();
    view_.clear();
    for (; i < all.size() && view_.size() < 64; ++i, skip = 0) view_.push_back(all[i] + skip);
    inner_.async_write_some(view_,
                            [this, pending = std::move(pending)](boost::beast::error_code ec, std::size_t n) mutable {
                              pending->offset += n;
                              pending->written += n;
                              std::size_t total = 0;
                              for (const auto& b : *pending->frames) total += b.size();
                              if (!ec && pending->offset < total) return write_frames_step(std::move(pending));
                              owner_ = Owner::none;
                              auto done = std::move(pending->done);
                              auto parked = std::move(pending->parked_beast);
                              const auto written = pending->written;
                              pending.reset();
                              if (parked) parked->resume();
                              done(ec, written);
                            });
  }

  Inner inner_;
  Owner owner_ = Owner::none;
  std::weak_ptr<Pending> pending_;  // the frame write under way or waiting (owned by its op)
  std::weak_ptr<Slot> beast_slot_;  // where a frame write waits behind Beast's write in flight
  Slot carried_;                    // only between a short Beast write_some and the next one
  std::vector<boost::asio::const_buffer> view_;
};

// Beast's close handshake ends with the transport's own teardown.
template <class Inner, class Handler>
void async_teardown(boost::beast::role_type role, WsWire<Inner>& wire, Handler&& handler) {
  using boost::beast::websocket::async_teardown;
  async_teardown(role, wire.next_layer(), std::forward<Handler>(handler));
}

template <class Inner>
void teardown(boost::beast::role_type role, WsWire<Inner>& wire, boost::beast::error_code& ec) {
  using boost::beast::websocket::teardown;
  teardown(role, wire.next_layer(), ec);
}

}  // namespace meridian::api
