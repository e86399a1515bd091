#pragma once
// `meridiand secrets rotate --new-key-file FILE`: re-seals every stored broker credential under
// a new master key, in one transaction, and prints how many moved. The current key is the one
// configured as for `serve` (--secrets-key-file or MERIDIAN_SECRETS_KEY); the new one comes from
// a file (mode 0600), never a flag's value. Running it again moves nothing (idempotent); a row
// under a key that is neither the current nor the new one stops it before anything changes.
// Afterwards the daemon is restarted with the new key: it cannot open rows under the old one.
#include <string>

namespace CLI {
class App;
}

namespace meridian::app {

struct Config;

class SecretsCommand {
 public:
  explicit SecretsCommand(CLI::App& app);
  SecretsCommand(const SecretsCommand&) = delete;  // the app holds pointers to the options
  SecretsCommand& operator=(const SecretsCommand&) = delete;
  bool parsed() const;
  // Exit code: 0 done (also when nothing was left to move); 1 a database failure, or a row that
  // does not open under the current key; 2 no database, no current key, an unusable new key
  // file, or rows under an unknown key. Only 0 changed anything.
  int run(const Config& config) const;

 private:
  CLI::App* secrets_;
  CLI::App* rotate_;
  std::string new_key_file_;
};

}  // namespace meridian::app
