#include "meridian/transport/tls.hpp"

#include <boost/asio/ssl/context.hpp>
#include <stdexcept>

namespace meridian::transport {

std::shared_ptr<boost::asio::ssl::context> make_client_tls(const TlsOptions& options) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ctx->set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (options.ca_file.empty())
    ctx->set_default_verify_paths(ec);
  else
    ctx->load_verify_file(options.ca_file, ec);
  if (ec)
    throw std::invalid_argument("TLS: cannot load CA " +
                                (options.ca_file.empty() ? std::string("system store") : options.ca_file) + ": " +
                                ec.message());
  return ctx;
}

}  // namespace meridian::transport
