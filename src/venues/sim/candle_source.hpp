#pragma once
// Where a simulated feed gets one symbol's closed candles: the generator or a klines file. The
// feed paces them; a source only hands them out in order. Not thread-safe: one owner.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/market.hpp"
#include "venues/sim/market_generator.hpp"

namespace autotrader::sim {

class CandleSource {
 public:
  virtual ~CandleSource() = default;
  // The next candle without consuming it; nullptr once the source is exhausted.
  virtual const core::Candle* peek() = 0;
  virtual void pop() = 0;
  // An independent source at the same position (a checkpoint a restarted feed resumes from).
  virtual std::unique_ptr<CandleSource> clone() const = 0;
};

// An endless generated series (market_generator.hpp).
class GeneratorSource final : public CandleSource {
 public:
  GeneratorSource(const GeneratorConfig& config, const SymbolSpec& spec);
  const core::Candle* peek() override;
  void pop() override;
  std::unique_ptr<CandleSource> clone() const override;
  const SymbolGenerator& generator() const { return generator_; }

 private:
  SymbolGenerator generator_;
  std::optional<core::Candle> next_;
};

struct ReplayError {
  std::filesystem::path file;
  std::size_t line = 0;  // 0: not about one line
  std::string message;
};
std::string to_string(const ReplayError& error);

// A klines file replayed once, in file order (Binance `/api/v3/klines` JSON or CSV, read by
// market::read_klines_file: the same reader backtests use). Ordering problems in the file are
// left to the quality gate behind the feed, which rejects or repairs them and counts them.
// Clones share the candles.
class ReplaySource final : public CandleSource {
 public:
  explicit ReplaySource(std::vector<core::Candle> candles);
  static std::variant<std::unique_ptr<ReplaySource>, ReplayError> open(
      const std::filesystem::path& file, core::Symbol symbol, core::Interval interval);

  const core::Candle* peek() override;
  void pop() override;
  std::unique_ptr<CandleSource> clone() const override;
  std::size_t size() const { return candles_->size(); }
  std::size_t position() const { return next_; }

 private:
  std::shared_ptr<const std::vector<core::Candle>> candles_;
  std::size_t next_ = 0;
};

// The file of one symbol: `{symbol}` in the configured path becomes the symbol's name
// ("data/{symbol}-1m.json" -> "data/BTCUSDT-1m.json"); a path without it is used as is.
std::filesystem::path replay_path_for(const std::string& configured, const core::Symbol& symbol);

}  // namespace autotrader::sim
