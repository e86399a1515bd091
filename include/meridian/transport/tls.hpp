#pragma once
// TLS settings: the client context shared by the HTTPS and WSS clients, and the server context
// of the daemon's own listener. Both refuse protocols older than TLS 1.2 (RFC 8996).
#include <memory>
#include <string>
#include <string_view>

namespace boost::asio::ssl {
class context;
}

namespace meridian::transport {

struct TlsOptions {
  // PEM file of the certificates trusted to sign server certificates; empty: the system store.
  std::string ca_file;
};

// A client context that verifies peers against `options`. Throws std::invalid_argument naming
// the file when the CA file cannot be loaded (a start-up error, not a runtime one).
std::shared_ptr<boost::asio::ssl::context> make_client_tls(const TlsOptions& options);

// A server context from PEM text (the caller reads the files, and checks who else may read the
// key): `certificate_chain` is the server's certificate, then its intermediates. TLS 1.2 and
// newer, no compression, no renegotiation, TLS 1.2 suites with forward secrecy and AEAD only.
// An encrypted key is refused, never prompted for. Throws std::invalid_argument saying what
// failed (no certificate, unusable key, a key that does not belong to the certificate).
std::shared_ptr<boost::asio::ssl::context> make_server_tls(std::string_view certificate_chain,
                                                           std::string_view private_key);

}  // namespace meridian::transport
