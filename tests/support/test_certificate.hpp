#pragma once
// Throwaway TLS credentials made at test time (OpenSSL's C API), so no key is checked in.
#include <string>

namespace meridian::testing {

struct TestCertificate {
  std::string certificate;  // PEM; self-signed, so it is also the one CA a client trusts
  std::string key;          // PEM, unencrypted PKCS#8
};

// A fresh EC P-256 key and a self-signed certificate for 127.0.0.1 and localhost, valid from a
// minute ago for a day. `passphrase` non-empty: the key is encrypted with it (AES-256-CBC).
// Throws std::runtime_error when OpenSSL fails.
TestCertificate make_test_certificate(const std::string& passphrase = {});

}  // namespace meridian::testing
