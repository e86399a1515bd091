#pragma once
// The native TLS listener's credentials: --tls-cert / --tls-key (MERIDIAN_TLS_CERT /
// MERIDIAN_TLS_KEY), read once before `serve` listens.
//
// Contract:
// - Both files or neither: neither serves plain HTTP; one alone is a configuration error.
// - The key file is a secret, checked as the signing secret is (secrets.hpp read_secret_file):
//   a regular file that neither its group nor others may read or write. It must be unencrypted
//   (a daemon has nobody to type a passphrase).
// - The certificate file holds the server's certificate, then its intermediates (PEM).
#include <memory>

namespace boost::asio::ssl {
class context;
}

namespace meridian::app {

struct Config;

// The server context (transport::make_server_tls), or nullptr when neither file is configured.
// Throws std::runtime_error naming the flag, the file and the problem, never the key.
std::shared_ptr<boost::asio::ssl::context> load_server_tls(const Config& config);

}  // namespace meridian::app
