#include "meridian/app/data_cmd.hpp"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "app_log.hpp"
#include "meridian/app/config.hpp"
#include "meridian/core/instrument.hpp"
#include "meridian/market/csv_bars.hpp"
#include "meridian/storage/bar_store.hpp"
#include "meridian/storage/migrations.hpp"
#include "output_file.hpp"

namespace meridian::app {

namespace {

// What a command is about, once its names are checked: the catalogue's spelling of the
// symbol, its id and the timeframe.
struct Target {
  std::string symbol;
  core::SymbolId id = 0;
  core::Timeframe timeframe = core::Timeframe::m1;
};

std::optional<Target> resolve(const char* command, const std::string& database_url, const std::string& symbol,
                              const std::string& timeframe) {
  if (database_url.empty()) {
    app_log()->error("data {} needs --database-url or DATABASE_URL", command);
    return std::nullopt;
  }
  const core::InstrumentTable catalogue(core::default_instruments());
  const auto id = catalogue.find(symbol);
  if (!id) {
    std::string known;
    for (const auto& inst : catalogue.all()) known += (known.empty() ? "" : ", ") + inst.symbol;
    app_log()->error("unknown symbol '{}' (known: {})", symbol, known);
    return std::nullopt;
  }
  const auto tf = core::parse_timeframe(timeframe);
  if (!tf) {
    app_log()->error("unknown timeframe '{}' (1m, 5m, 15m, 1h, 4h, 1d)", timeframe);
    return std::nullopt;
  }
  return Target{catalogue.at(*id).symbol, *id, *tf};
}

std::optional<core::Timestamp> time_option(const std::string& text, const char* name, bool& bad) {
  if (text.empty()) return std::nullopt;
  auto t = core::parse_time(text);
  if (!t) {
    app_log()->error("{} '{}' is not an ISO-8601 UTC time or epoch milliseconds", name, text);
    bad = true;
  }
  return t;
}

}  // namespace

int data_import(const std::string& database_url, const DataImportOptions& o, std::ostream& out) {
  const auto target = resolve("import", database_url, o.symbol, o.timeframe);
  if (!target) return 2;
  const auto format = market::parse_csv_format(o.format);
  if (!format) {
    app_log()->error("unknown format '{}' (auto, generic, binance, coinbase)", o.format);
    return 2;
  }
  market::CsvOptions options;
  options.format = *format;
  options.symbol = target->id;
  options.timeframe = target->timeframe;
  // Rows off the timeframe's boundaries would not line up with the bars the engine makes.
  options.period = core::period_of(target->timeframe);
  const auto csv = market::read_csv_bars(o.csv, options);
  if (!csv.error.empty()) {
    app_log()->error("{}", csv.error);
    return 2;
  }
  storage::UpsertCounts counts;
  try {
    storage::apply_migrations(database_url);
    counts = storage::upsert_bars(database_url, target->symbol, csv.bars);
  } catch (const std::exception& e) {
    app_log()->error("database error, nothing imported: {}", e.what());
    return 1;
  }
  out << target->symbol << ' ' << core::to_string(target->timeframe) << " from " << o.csv << " ("
      << market::to_string(csv.format) << " format" << (csv.newest_first ? ", newest first" : "") << ")\n";
  out << "rows read: " << csv.rows << "\n";
  out << "imported: " << csv.bars.size() << " (new " << counts.inserted << ", updated " << counts.updated
      << ", unchanged " << counts.unchanged << ")\n";
  out << "skipped: " << csv.bad.total();
  const char* separator = " (";
  for (std::size_t i = 0; i < market::kBadRowKinds; ++i) {
    const auto reason = static_cast<market::BadRow>(i);
    if (csv.bad[reason] == 0) continue;
    out << separator << market::to_string(reason) << ' ' << csv.bad[reason];
    separator = ", ";
  }
  out << (csv.bad.total() > 0 ? ")\n" : "\n");
  return 0;
}

int data_export(const std::string& database_url, const DataExportOptions& o) {
  const auto target = resolve("export", database_url, o.symbol, o.timeframe);
  if (!target) return 2;
  bool bad = false;
  storage::BarRange range{time_option(o.start, "--start", bad), time_option(o.end, "--end", bad)};
  if (bad) return 2;
  if (range.start && range.end && *range.start >= *range.end) {
    app_log()->error("--start must be before --end");
    return 2;
  }
  storage::LoadedBars loaded;
  try {
    loaded = storage::load_bars(database_url, target->symbol, target->id, target->timeframe, range);
  } catch (const std::exception& e) {
    app_log()->error("database error: {}", e.what());
    return 1;
  }
  Output output(o.output);
  if (!output.is_open()) {
    app_log()->error("cannot write {}: {}", o.output, std::strerror(errno));
    return 2;
  }
  output.write("ts,open,high,low,close,volume\n");
  std::string line;
  for (const auto& b : loaded.bars) {
    line = std::to_string(core::epoch_ms(b.open_time));
    for (const auto& v :
         {b.open.to_string(), b.high.to_string(), b.low.to_string(), b.close.to_string(), b.volume.to_string()}) {
      line += ',';
      line += v;
    }
    line += '\n';
    output.write(line);
  }
  if (!output.commit()) {
    app_log()->error("cannot write {}: {}", output.name(), std::strerror(errno));
    return 2;
  }
  app_log()->info("exported {} {} bars of {}{} to {}", loaded.bars.size(), core::to_string(target->timeframe),
                  target->symbol, loaded.aggregated ? " (rolled up from 1m)" : "", output.name());
  return 0;
}

DataCommand::DataCommand(CLI::App& app) {
  data_ = app.add_subcommand("data", "Import bars from CSV into the database, or export them as CSV");
  data_->require_subcommand(1);
  import_ = data_->add_subcommand("import", "Load bars from a CSV file into market_data (idempotent)");
  import_->add_option("--csv", import_options_.csv, "CSV of bars: generic, Binance klines or Coinbase candles")
      ->required()
      ->check(CLI::ExistingFile);
  import_->add_option("--symbol", import_options_.symbol, "Symbol the bars belong to")->required();
  import_->add_option("--timeframe", import_options_.timeframe, "Timeframe of the bars (1m, 5m, 15m, 1h, 4h, 1d)");
  import_->add_option("--format", import_options_.format, "auto, generic, binance or coinbase");
  export_ = data_->add_subcommand("export", "Write bars from market_data as CSV");
  export_->add_option("--symbol", export_options_.symbol, "Symbol")->required();
  export_->add_option("--timeframe", export_options_.timeframe,
                      "1m, 5m, 15m, 1h, 4h, 1d (rolled up from 1m when none are stored)");
  export_->add_option("--start", export_options_.start, "First bar open time (ISO-8601 UTC or epoch ms)");
  export_->add_option("--end", export_options_.end, "Bars opening before this time");
  export_->add_option("--output", export_options_.output, "Output CSV (default: stdout)");
}

bool DataCommand::parsed() const {
  return data_->parsed();
}

int DataCommand::run(const Config& config) const {
  if (import_->parsed()) return data_import(config.database_url, import_options_, std::cout);
  return data_export(config.database_url, export_options_);
}

}  // namespace meridian::app
