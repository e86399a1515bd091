#include "meridian/app/journal_cmd.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "app_log.hpp"
#include "meridian/app/config.hpp"
#include "meridian/core/instrument.hpp"
#include "meridian/storage/dead_letters.hpp"
#include "meridian/storage/migrations.hpp"

namespace meridian::app {

JournalCommand::JournalCommand(CLI::App& app) {
  journal_ = app.add_subcommand("journal", "Inspect the journal's dead letters (records the database refused)");
  journal_->require_subcommand(1);
  auto* letters = journal_->add_subcommand("dead-letters", "List, replay or discard dead-lettered journal records");
  letters->require_subcommand(1);
  list_ = letters->add_subcommand("list", "Pending dead letters (--all: replayed and discarded too), oldest first");
  list_->add_flag("--all", all_, "Include replayed and discarded letters");
  list_->add_option("--portfolio", portfolio_, "Only this portfolio's letters (default: every portfolio's)")
      ->check(CLI::PositiveNumber);
  replay_ = letters->add_subcommand("replay", "Write a pending dead letter's record to the database again");
  replay_->add_option("id", id_, "Dead letter id")->required()->check(CLI::PositiveNumber);
  discard_ = letters->add_subcommand("discard", "Mark a pending dead letter discarded (it is not to be written)");
  discard_->add_option("id", id_, "Dead letter id")->required()->check(CLI::PositiveNumber);
}

bool JournalCommand::parsed() const {
  return journal_->parsed();
}

int JournalCommand::run(const Config& config) const {
  if (config.database_url.empty()) {
    app_log()->error("journal needs --database-url or DATABASE_URL");
    return 2;
  }
  try {
    storage::apply_migrations(config.database_url);
    if (list_->parsed()) {
      const auto letters = storage::list_dead_letters(config.database_url, portfolio_, !all_);
      for (const auto& d : letters)
        std::cout << fmt::format("{}\tportfolio {}\t{}\t{}\tseq {}\t{}{}\n\terror: {}\n\tpayload: {}\n", d.id,
                                 d.portfolio_id, d.state, d.kind, d.journal_seq, core::to_iso8601(d.first_seen),
                                 d.depends_on ? fmt::format("\tdepends on {}", *d.depends_on) : std::string(), d.error,
                                 d.payload);
      std::cout << letters.size() << (all_ ? " dead letters" : " pending dead letters") << std::endl;
      return 0;
    }
    // Replay decodes symbols by name: every known instrument, whatever --symbols the daemon runs with.
    const core::InstrumentTable instruments(core::default_instruments());
    const auto refused = replay_->parsed() ? storage::replay_dead_letter(config.database_url, instruments, id_)
                                           : storage::discard_dead_letter(config.database_url, id_);
    if (refused) {
      app_log()->error("{}", *refused);
      return 2;
    }
    std::cout << "dead letter " << id_ << (replay_->parsed() ? " replayed" : " discarded") << std::endl;
    return 0;
  } catch (const std::exception& e) {
    app_log()->error("journal dead-letters failed: {}", e.what());
    return 1;
  }
}

}  // namespace meridian::app
