#pragma once
// `autotrader indicators FILE`: reads a klines file (see klines_file.hpp), runs it through a
// SymbolPipeline (quality gate, then every indicator) and prints one CSV row per accepted
// candle with every indicator value; an empty cell is an indicator still warming up. What the
// gate rejected, repaired or found missing goes to `err`, one line each, with a summary.
//
// Columns: open_time,close,<indicator names in indicators::indicator_names() order>,trend,
// volume_ratio. Numbers are printed in their shortest form that reads back to the same double.
//
// Returns 0 when the file was read (even if the gate rejected candles), 1 when it could not be
// read or parsed (the error, with its line, on `err`).
#include <filesystem>
#include <ostream>

namespace autotrader::market {

int run_indicators_command(const std::filesystem::path& file, std::ostream& out, std::ostream& err);

}  // namespace autotrader::market
