#include "meridian/transport/tls.hpp"

#include <openssl/ssl.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <stdexcept>

namespace meridian::transport {

namespace ssl = boost::asio::ssl;

namespace {

// Every context of ours, client or server, speaks TLS 1.2 or newer.
void set_protocol_floor(ssl::context& ctx) {
  if (SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION) != 1)
    throw std::invalid_argument("TLS: cannot set the minimum protocol version");
}

// Mozilla's "intermediate" TLS 1.2 suites: ECDHE key exchange and AEAD ciphers only (no CBC,
// no RSA key transport, no DHE needing parameters). TLS 1.3's suites all qualify, so OpenSSL's
// defaults stay for it.
constexpr const char* kServerCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

}  // namespace

std::shared_ptr<ssl::context> make_client_tls(const TlsOptions& options) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds);
  set_protocol_floor(*ctx);
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

std::shared_ptr<ssl::context> make_server_tls(std::string_view certificate_chain, std::string_view private_key) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_RENEGOTIATION);
  set_protocol_floor(*ctx);
  if (SSL_CTX_set_cipher_list(ctx->native_handle(), kServerCiphers) != 1)
    throw std::invalid_argument("TLS: the cipher list is not supported by this OpenSSL");
  // A daemon has nobody at a terminal to type a passphrase: an encrypted key fails to load.
  ctx->set_password_callback([](std::size_t, ssl::context::password_purpose) { return std::string(); });
  boost::system::error_code ec;
  ctx->use_certificate_chain(boost::asio::buffer(certificate_chain.data(), certificate_chain.size()), ec);
  if (ec) throw std::invalid_argument("TLS certificate: " + ec.message());
  ctx->use_private_key(boost::asio::buffer(private_key.data(), private_key.size()), ssl::context::pem, ec);
  if (ec) throw std::invalid_argument("TLS private key: " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
    throw std::invalid_argument("TLS private key: it does not belong to the certificate");
  return ctx;
}

}  // namespace meridian::transport
