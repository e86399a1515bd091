#include "meridian/api/client_address.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>

namespace meridian::api {

namespace {
constexpr std::array<std::uint8_t, 12> kV4MappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
// The all-zero network with this marker byte stands for "no address" (:: itself is no peer).
constexpr std::uint8_t kUnknownMarker = 0xff;

bool v4_mapped(const std::array<std::uint8_t, 16>& bytes) noexcept {
  return std::equal(kV4MappedPrefix.begin(), kV4MappedPrefix.end(), bytes.begin());
}
}  // namespace

ClientAddress ClientAddress::parse(std::string_view text) noexcept {
  ClientAddress out;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(text, ec);
  if (ec) {
    out.network[15] = kUnknownMarker;
    return out;
  }
  if (address.is_v4()) {
    const auto v4 = address.to_v4();
    out.network = boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, v4).to_bytes();
    out.loopback = v4.is_loopback();
    return out;
  }
  const auto v6 = address.to_v6();
  out.network = v6.to_bytes();
  if (v6.is_v4_mapped()) {
    out.loopback = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).is_loopback();
    return out;
  }
  out.loopback = v6.is_loopback();
  if (!out.loopback) std::fill(out.network.begin() + 8, out.network.end(), std::uint8_t{0});
  return out;
}

std::string ClientAddress::to_string() const {
  if (v4_mapped(network))
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, boost::asio::ip::address_v6(network))
        .to_string();
  if (loopback) return "::1";  // the one IPv6 address kept whole
  std::array<std::uint8_t, 16> unknown{};
  unknown[15] = kUnknownMarker;
  if (network == unknown) return "unknown";
  return boost::asio::ip::address_v6(network).to_string() + "/64";
}

}  // namespace meridian::api
