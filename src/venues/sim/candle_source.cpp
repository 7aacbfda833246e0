#include "venues/sim/candle_source.hpp"

#include "market/klines_file.hpp"

namespace autotrader::sim {

GeneratorSource::GeneratorSource(const GeneratorConfig& config, const SymbolSpec& spec)
    : generator_{config, spec} {}

const core::Candle* GeneratorSource::peek() {
  if (!next_) next_ = generator_.next();
  return &*next_;
}

void GeneratorSource::pop() {
  if (!next_) generator_.next();
  next_.reset();
}

std::unique_ptr<CandleSource> GeneratorSource::clone() const {
  return std::make_unique<GeneratorSource>(*this);
}

std::string to_string(const ReplayError& error) {
  std::string text = error.file.string();
  if (error.line > 0) text += ":" + std::to_string(error.line);
  return text + ": " + error.message;
}

ReplaySource::ReplaySource(std::vector<core::Candle> candles)
    : candles_{std::make_shared<const std::vector<core::Candle>>(std::move(candles))} {}

std::variant<std::unique_ptr<ReplaySource>, ReplayError> ReplaySource::open(
    const std::filesystem::path& file, core::Symbol symbol, core::Interval interval) {
  auto read = market::read_klines_file(file, symbol, interval);
  if (auto* error = std::get_if<market::KlinesFileError>(&read)) {
    return ReplayError{file, error->line, error->message};
  }
  auto& candles = std::get<std::vector<core::Candle>>(read);
  if (candles.empty()) return ReplayError{file, 0, "holds no candles"};
  return std::make_unique<ReplaySource>(std::move(candles));
}

const core::Candle* ReplaySource::peek() {
  return next_ < candles_->size() ? &(*candles_)[next_] : nullptr;
}

void ReplaySource::pop() {
  if (next_ < candles_->size()) ++next_;
}

std::unique_ptr<CandleSource> ReplaySource::clone() const {
  return std::make_unique<ReplaySource>(*this);
}

std::filesystem::path replay_path_for(const std::string& configured, const core::Symbol& symbol) {
  static constexpr std::string_view placeholder = "{symbol}";
  std::string path = configured;
  for (auto at = path.find(placeholder); at != std::string::npos;
       at = path.find(placeholder, at + symbol.view().size())) {
    path.replace(at, placeholder.size(), symbol.view());
  }
  return path;
}

}  // namespace autotrader::sim
