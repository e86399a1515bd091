#pragma once
// `meridiand data import` and `meridiand data export`: bars between CSV files and the
// market_data table. Offline commands: no engine, their own database connection, logs on
// stderr so an export to stdout stays clean.
#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace meridian::app {

struct Config;

struct DataImportOptions {
  std::string csv;
  std::string symbol;
  std::string timeframe = "1m";
  std::string format = "auto";  // auto, generic, binance, coinbase
};

struct DataExportOptions {
  std::string symbol;
  std::string timeframe = "1m";
  std::string start;   // ISO-8601 or epoch ms; bars opening at or after it
  std::string end;     // bars opening before it
  std::string output;  // empty or "-": stdout
};

// Reads the CSV (bad rows counted and skipped, see market::parse_csv_bars) and upserts its bars
// in one transaction, so a re-import adds nothing; prints rows read, imported and skipped by
// reason to `out`. Applies pending migrations first.
// Exit code: 0 ok; 1 database failure; 2 no database URL, unknown symbol or timeframe, or a
// file that cannot be used at all.
int data_import(const std::string& database_url, const DataImportOptions& options, std::ostream& out);

// Writes `ts,open,high,low,close,volume` (ts in epoch milliseconds, exact decimals) for the
// bars in the range. A timeframe with no stored rows there is rolled up from 1m rows
// (storage::load_bars). Exit codes as for import; an unwritable output is 2. A file output is
// written beside its path and renamed into place, so a failure leaves no partial file. What
// was written (bar count, whether rolled up) goes to the log.
int data_export(const std::string& database_url, const DataExportOptions& options);

// The `data` subcommand and its two children, registered on the main app.
class DataCommand {
 public:
  explicit DataCommand(CLI::App& app);
  DataCommand(const DataCommand&) = delete;  // the app holds pointers to the options
  DataCommand& operator=(const DataCommand&) = delete;
  bool parsed() const;
  // Runs the parsed child with the database URL from the shared options.
  int run(const Config& config) const;

 private:
  CLI::App* data_;
  CLI::App* import_;
  CLI::App* export_;
  DataImportOptions import_options_;
  DataExportOptions export_options_;
};

}  // namespace meridian::app
