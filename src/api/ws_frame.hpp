#pragma once
// The header of an unfragmented, unmasked WebSocket frame (RFC 6455 §5.2), as a server sends
// it: the same bytes for every client, so a message's frame is its header and its shared text.
#include <array>
#include <cstddef>
#include <cstdint>

namespace meridian::api {

struct WsFrameHeader {
  std::array<unsigned char, 10> bytes{};
  std::uint8_t size = 0;  // 2, 4 or 10
};

// A final frame carrying `payload` bytes of a text (or binary) message.
inline WsFrameHeader ws_frame_header(std::size_t payload, bool text = true) noexcept {
  WsFrameHeader h;
  h.bytes[0] = static_cast<unsigned char>(0x80 | (text ? 0x1 : 0x2));  // FIN, opcode
  if (payload < 126) {
    h.bytes[1] = static_cast<unsigned char>(payload);
    h.size = 2;
  } else if (payload <= 0xffff) {
    h.bytes[1] = 126;
    h.bytes[2] = static_cast<unsigned char>(payload >> 8);
    h.bytes[3] = static_cast<unsigned char>(payload);
    h.size = 4;
  } else {
    h.bytes[1] = 127;
    for (int i = 0; i < 8; ++i)
      h.bytes[2 + i] = static_cast<unsigned char>(static_cast<std::uint64_t>(payload) >> (56 - 8 * i));
    h.size = 10;
  }
  return h;
}

}  // namespace meridian::api
