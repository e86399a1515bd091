// WsWire and ws_frame_header: frames a session writes in one go are, byte for byte, what Beast
// writes for the same messages one at a time, a Beast client reads them as the messages they
// are, and Beast's own frames (a pong) written meanwhile never land inside them.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "ws_frame.hpp"
#include "ws_wire.hpp"

namespace meridian::api {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

// Messages of every header form: 7-bit, 16-bit and 64-bit lengths, at their edges.
std::vector<std::string> messages() {
  std::vector<std::string> out;
  for (std::size_t n : {0, 1, 125, 126, 127, 65535, 65536, 200000})
    out.push_back(std::string(n, static_cast<char>('a' + n % 26)));
  out.push_back(R"({"type":"priceUpdate","data":{"symbol":"BTC-USD"},"topic":"prices:BTC-USD","seq":7})");
  return out;
}

// A server socket accepted on loopback and the client end connected to it.
struct Pair {
  net::io_context io;
  tcp::socket server{io}, client{io};
  Pair() {
    tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
    client.connect(acceptor.local_endpoint());
    server = acceptor.accept();
  }
};

const std::string kUpgrade =
    "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

// Every byte a server sends after its upgrade reply, read by a raw client, until it closes.
std::string raw_after_upgrade(tcp::socket& client) {
  net::write(client, net::buffer(kUpgrade));
  std::string all;
  char chunk[65536];
  beast::error_code ec;
  for (;;) {
    const auto n = client.read_some(net::buffer(chunk), ec);
    if (ec) break;
    all.append(chunk, n);
  }
  const auto end = all.find("\r\n\r\n");
  return end == std::string::npos ? std::string{} : all.substr(end + 4);
}

// What Beast's own server writes for `texts`, one write per message (unfragmented).
std::string beast_bytes(const std::vector<std::string>& texts) {
  Pair pair;
  std::string seen;
  std::thread reader([&] { seen = raw_after_upgrade(pair.client); });
  websocket::stream<tcp::socket> ws(std::move(pair.server));
  ws.accept();
  ws.text(true);
  ws.auto_fragment(false);  // a message is one frame, as a session sends it
  for (const auto& t : texts) ws.write(net::buffer(t));
  beast::get_lowest_layer(ws).shutdown(tcp::socket::shutdown_send);
  reader.join();
  return seen;
}

// The frames of `texts` (which must outlive it) in one async_write_frames through a WsWire,
// as a session writes them.
struct FrameWriter {
  explicit FrameWriter(const std::vector<std::string>& texts) {
    for (const auto& t : texts) headers.push_back(ws_frame_header(t.size()));
    for (std::size_t i = 0; i < texts.size(); ++i) {
      buffers.emplace_back(headers[i].bytes.data(), headers[i].size);
      buffers.emplace_back(texts[i].data(), texts[i].size());
    }
  }
  std::vector<WsFrameHeader> headers;
  std::vector<net::const_buffer> buffers;
};

TEST(WsFrameHeader, LengthFormsAtTheirEdges) {
  EXPECT_EQ(ws_frame_header(125).size, 2);
  EXPECT_EQ(ws_frame_header(126).size, 4);
  EXPECT_EQ(ws_frame_header(65535).size, 4);
  EXPECT_EQ(ws_frame_header(65536).size, 10);
  EXPECT_EQ(ws_frame_header(3, false).bytes[0], 0x82);
  const auto h = ws_frame_header(0x0102030405ULL);
  EXPECT_EQ(h.bytes[1], 127);
  EXPECT_EQ(h.bytes[5], 0x01);
  EXPECT_EQ(h.bytes[9], 0x05);
}

TEST(WsWire, FramesWrittenAtOnceAreTheBytesBeastWrites) {
  const auto texts = messages();
  Pair pair;
  std::string seen;
  std::thread reader([&] { seen = raw_after_upgrade(pair.client); });
  websocket::stream<WsWire<tcp::socket>> ws(std::move(pair.server));
  FrameWriter frames(texts);
  bool done = false;
  std::size_t written = 0;
  ws.async_accept([&](beast::error_code accepted) {
    ASSERT_FALSE(accepted) << accepted.message();
    ws.next_layer().async_write_frames(frames.buffers, [&](beast::error_code ec, std::size_t n) {
      EXPECT_FALSE(ec) << ec.message();
      done = true;
      written = n;
    });
  });
  pair.io.run();
  EXPECT_TRUE(done);
  beast::get_lowest_layer(ws).shutdown(tcp::socket::shutdown_send);
  reader.join();
  EXPECT_EQ(written, seen.size());
  EXPECT_EQ(seen, beast_bytes(texts));
}

// A Beast client pings while a long frame write is under way: the server's Beast answers
// with a pong through the same socket, which waits for the frames on the wire and goes before
// the next write's; the client reads every message whole, in order, as text.
TEST(WsWire, BeastsPongWaitsForTheFramesOnTheWire) {
  auto texts = messages();
  // More than loopback's socket buffers hold: the write is still under way when the ping comes.
  for (int i = 0; i < 16; ++i) texts.push_back(std::string(1'000'000, static_cast<char>('A' + i % 26)));
  Pair pair;
  websocket::stream<WsWire<tcp::socket>> server(std::move(pair.server));
  websocket::stream<tcp::socket> client(std::move(pair.client));
  std::vector<std::string> got;
  int pongs = 0, pongs_before_last = -1;
  const std::string last = "last";
  std::thread reader([&] {
    client.handshake("x", "/");
    client.control_callback([&](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::pong) ++pongs;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the socket fills meanwhile
    client.ping({});
    beast::flat_buffer buffer;
    while (got.size() < texts.size() + 1) {
      beast::error_code ec;
      client.read(buffer, ec);
      if (ec) {  // a pong written inside a frame makes the rest garbage (invalid UTF-8, bad header)
        ADD_FAILURE() << "read: " << ec.message();
        return;
      }
      EXPECT_TRUE(client.got_text());
      got.push_back(beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
    }
    pongs_before_last = pongs;  // the pong is read on the way to `last`, which follows it
    beast::error_code closed;
    client.close(websocket::close_code::normal, closed);
  });
  const std::vector<std::string> tail{last};  // FrameWriter points into its texts
  FrameWriter frames(texts), after(tail);
  bool done = false;
  beast::flat_buffer in;
  beast::error_code read_error;
  server.async_accept([&](beast::error_code accepted) {
    ASSERT_FALSE(accepted) << accepted.message();
    server.next_layer().async_write_frames(frames.buffers, [&](beast::error_code ec, std::size_t) {
      EXPECT_FALSE(ec) << ec.message();
      server.next_layer().async_write_frames(after.buffers, [&](beast::error_code ec2, std::size_t) {
        EXPECT_FALSE(ec2) << ec2.message();
        done = true;
      });
    });
    // The server's read loop answers the ping (and the close) while the frames go out.
    server.async_read(in, [&](beast::error_code ec, std::size_t) { read_error = ec; });
  });
  pair.io.run();
  reader.join();
  EXPECT_TRUE(done);
  EXPECT_EQ(read_error, websocket::error::closed);
  EXPECT_EQ(pongs_before_last, 1);
  ASSERT_EQ(got.size(), texts.size() + 1);
  for (std::size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(got[i], texts[i]) << "message " << i;
  EXPECT_EQ(got.back(), last);
}

}  // namespace
}  // namespace meridian::api
