#include "meridian/app/tls_setup.hpp"

#include <openssl/crypto.h>

#include <boost/asio/ssl/context.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "meridian/app/config.hpp"
#include "meridian/app/secrets.hpp"
#include "meridian/transport/tls.hpp"

namespace meridian::app {

namespace {

std::string read_certificate(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("--tls-cert " + path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::shared_ptr<boost::asio::ssl::context> load_server_tls(const Config& config) {
  if (config.tls_cert.empty() && config.tls_key.empty()) return nullptr;
  if (config.tls_cert.empty() || config.tls_key.empty())
    throw std::runtime_error(
        "--tls-cert and --tls-key (MERIDIAN_TLS_CERT, MERIDIAN_TLS_KEY) go together: give both files for HTTPS, or "
        "neither for plain HTTP");
  const auto certificate = read_certificate(config.tls_cert);
  std::string key;
  try {
    key = read_secret_file(config.tls_key);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("--tls-key: ") + e.what());
  }
  try {
    auto ctx = transport::make_server_tls(certificate, key);
    OPENSSL_cleanse(key.data(), key.size());  // the context holds its own copy
    return ctx;
  } catch (const std::invalid_argument& e) {
    OPENSSL_cleanse(key.data(), key.size());
    throw std::runtime_error(std::string(e.what()) + " (--tls-cert " + config.tls_cert + ", --tls-key " +
                             config.tls_key + ")");
  }
}

}  // namespace meridian::app
