#include "market/indicators_command.hpp"

#include <array>
#include <charconv>
#include <string>
#include <variant>

#include "market/klines_file.hpp"
#include "market/pipeline.hpp"

namespace autotrader::market {
namespace {

void write_number(std::ostream& out, double value) {
  std::array<char, 64> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  if (ec == std::errc{}) out.write(buffer.data(), end - buffer.data());
}

struct Tally {
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  std::size_t repaired = 0;
  std::size_t gaps = 0;
  std::size_t missing = 0;
};

void report(std::ostream& err, const std::string& file, const PushResult& result, Tally& tally) {
  const Verdict& verdict = result.verdict;
  const auto open_time = std::to_string(verdict.candle.open_time);
  if (!result.accepted()) {
    ++tally.rejected;
    err << file << ": candle " << open_time << " rejected: " << to_string(*verdict.reason) << "\n";
    return;
  }
  ++tally.accepted;
  if (verdict.outcome == Outcome::repaired) {
    ++tally.repaired;
    err << file << ": candle " << open_time << " repaired: " << to_string(*verdict.reason) << "\n";
  }
  if (verdict.gap.count > 0) {
    ++tally.gaps;
    tally.missing += verdict.gap.count;
    err << file << ": " << verdict.gap.count << " candle(s) missing before " << open_time
        << ", from " << verdict.gap.open_times.front() << "\n";
  }
}

}  // namespace

int run_indicators_command(const std::filesystem::path& file, std::ostream& out,
                           std::ostream& err) {
  auto read = read_klines_file(file);
  if (auto* error = std::get_if<KlinesFileError>(&read)) {
    err << file.string();
    if (error->line > 0) err << ":" << error->line;
    err << ": " << error->message << "\n";
    return 1;
  }
  const auto& series = std::get<KlinesSeries>(read);
  SymbolPipeline pipeline{"file", series.symbol, series.interval};

  out << "open_time,close";
  for (auto name : indicators::indicator_names()) out << ',' << name;
  out << ",trend,volume_ratio\n";

  Tally tally;
  for (const auto& candle : series.candles) {
    // The data's own close time as "now": a file has no age.
    const PushResult result = pipeline.push(candle, candle.close_time);
    report(err, file.string(), result, tally);
    if (!result.snapshot) continue;
    const Snapshot& snapshot = *result.snapshot;
    out << snapshot.open_time << ',';
    write_number(out, snapshot.last_price);
    for (const auto& value : indicators::in_column_order(snapshot.indicators)) {
      out << ',';
      if (value) write_number(out, *value);
    }
    out << ',' << to_string(snapshot.trend) << ',';
    write_number(out, snapshot.volume_ratio);
    out << '\n';
  }
  if (tally.rejected + tally.repaired + tally.gaps > 0) {
    err << file.string() << ": " << series.candles.size() << " candles, " << tally.accepted
        << " accepted, " << tally.rejected << " rejected, " << tally.repaired << " repaired, "
        << tally.gaps << " gap(s) with " << tally.missing << " candle(s) missing\n";
  }
  return 0;
}

}  // namespace autotrader::market
