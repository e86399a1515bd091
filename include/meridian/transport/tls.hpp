#pragma once
// TLS settings shared by the HTTPS and WSS clients.
#include <memory>
#include <string>

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

}  // namespace meridian::transport
