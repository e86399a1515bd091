#pragma once
// `meridiand journal dead-letters [list|replay ID|discard ID]`: the operator's path for the
// journal records the database refused (storage/dead_letters.hpp). An offline command with
// its own database connection; it may run beside the daemon (a replay locks the portfolio row
// the way a journal batch does, and the daemon re-reads the pending list every few seconds).
#include <cstdint>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace meridian::app {

struct Config;

class JournalCommand {
 public:
  explicit JournalCommand(CLI::App& app);
  JournalCommand(const JournalCommand&) = delete;  // the app holds pointers to the options
  JournalCommand& operator=(const JournalCommand&) = delete;
  bool parsed() const;
  // Exit code: 0 done; 1 database failure or a replay the database refuses again; 2 no
  // database URL, or a letter that cannot be replayed or discarded (not pending, unknown id,
  // depends on a pending letter).
  int run(const Config& config) const;

 private:
  CLI::App* journal_;
  CLI::App* list_;
  CLI::App* replay_;
  CLI::App* discard_;
  bool all_ = false;
  std::optional<std::int64_t> portfolio_;  // list: one portfolio's letters, or every portfolio's
  std::int64_t id_ = 0;
};

}  // namespace meridian::app
