#include "market/klines_file.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "market/series.hpp"

namespace autotrader::market {
namespace {

constexpr std::size_t kRequiredColumns = 7;
constexpr std::int64_t kMicrosecondsThreshold = 100'000'000'000'000;  // 10^14
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{1} << 30;

constexpr std::string_view kColumnNames[] = {
    "open time", "open", "high", "low", "close", "volume", "close time", "quote volume", "trades"};

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

// Column access for a JSON row: numbers or numeric strings.
class JsonColumns {
 public:
  explicit JsonColumns(const nlohmann::json& row) : row_{row} {}
  std::size_t size() const { return row_.size(); }
  std::optional<std::int64_t> integer(std::size_t i) const {
    const auto& v = row_[i];
    if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<std::int64_t>();
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return std::nullopt;
      }
      return static_cast<std::int64_t>(u);
    }
    if (v.is_string()) return parse_integer(v.get_ref<const std::string&>());
    return std::nullopt;
  }
  std::optional<double> number(std::size_t i) const {
    const auto& v = row_[i];
    if (v.is_number()) {
      const double d = v.get<double>();
      return std::isfinite(d) ? std::optional<double>{d} : std::nullopt;
    }
    if (v.is_string()) return parse_number(v.get_ref<const std::string&>());
    return std::nullopt;
  }

 private:
  const nlohmann::json& row_;
};

// Column access for a CSV line, split on commas; fields are trimmed and may be quoted.
class CsvColumns {
 public:
  explicit CsvColumns(std::string_view line) {
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = line.find(',', start);
      fields_.push_back(clean(line.substr(start, comma - start)));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  std::size_t size() const { return fields_.size(); }
  std::optional<std::int64_t> integer(std::size_t i) const { return parse_integer(fields_[i]); }
  std::optional<double> number(std::size_t i) const { return parse_number(fields_[i]); }

 private:
  static std::string_view clean(std::string_view field) {
    const auto first = field.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    field = field.substr(first, field.find_last_not_of(" \t\r") - first + 1);
    if (field.size() >= 2 && field.front() == '"' && field.back() == '"') {
      field = field.substr(1, field.size() - 2);
    }
    return field;
  }
  std::vector<std::string_view> fields_;
};

std::string column_error(std::size_t i, const char* what) {
  return "column " + std::to_string(i + 1) + " (" + std::string{kColumnNames[i]} + ") " + what;
}

template <typename Columns>
std::variant<core::Candle, std::string> parse_columns(const Columns& columns,
                                                      std::optional<core::Symbol> symbol,
                                                      std::optional<core::Interval> interval) {
  if (columns.size() < kRequiredColumns) {
    return "expected at least " + std::to_string(kRequiredColumns) + " columns, got " +
           std::to_string(columns.size());
  }
  core::Candle candle;
  for (std::size_t i : {std::size_t{0}, std::size_t{6}}) {
    if (!columns.integer(i)) return column_error(i, "is not an integer");
  }
  double* prices[] = {&candle.open, &candle.high, &candle.low, &candle.close, &candle.volume};
  for (std::size_t i = 1; i <= 5; ++i) {
    const auto value = columns.number(i);
    if (!value) return column_error(i, "is not a finite number");
    *prices[i - 1] = *value;
  }
  if (columns.size() > 7) {
    const auto value = columns.number(7);
    if (!value) return column_error(7, "is not a finite number");
    candle.quote_volume = *value;
  }
  if (columns.size() > 8) {
    const auto value = columns.integer(8);
    if (!value) return column_error(8, "is not an integer");
    candle.trades = *value;
  }
  candle.open_time = *columns.integer(0);
  candle.close_time = *columns.integer(6);
  if (candle.open_time >= kMicrosecondsThreshold) {
    candle.open_time /= 1000;
    candle.close_time /= 1000;
  }
  const auto actual = interval_of(candle.open_time, candle.close_time);
  if (!actual) {
    return "close time " + std::to_string(candle.close_time) + " - open time " +
           std::to_string(candle.open_time) + " + 1 ms is not the length of any interval";
  }
  if (interval && *actual != *interval) {
    return "the row is a " + std::string{core::to_string(*actual)} + " candle, expected " +
           std::string{core::to_string(*interval)};
  }
  candle.interval = *actual;
  if (symbol) candle.symbol = *symbol;
  candle.closed = true;
  return candle;
}

std::size_t line_at(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

// The line on which each element of a top-level JSON array starts (the text is valid JSON).
std::vector<std::size_t> element_lines(std::string_view text) {
  std::vector<std::size_t> lines;
  std::size_t line = 1;
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  bool expecting = false;
  for (char c : text) {
    if (c == '\n') ++line;
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (depth == 1 && expecting && c != ']') {
      lines.push_back(line);
      expecting = false;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
      if (depth == 1) expecting = true;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 1) {
      expecting = true;
    }
  }
  return lines;
}

using Result = std::variant<std::vector<core::Candle>, KlinesFileError>;

Result parse_json(std::string_view text, std::optional<core::Symbol> symbol,
                  std::optional<core::Interval> interval) {
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return KlinesFileError{line_at(text, e.byte > 0 ? e.byte - 1 : 0),
                           "invalid JSON: " + std::string{e.what()}};
  } catch (const nlohmann::json::exception& e) {
    // A number too large for any JSON type: nlohmann names it but gives no position.
    return KlinesFileError{1, "invalid JSON: " + std::string{e.what()}};
  }
  if (!document.is_array()) return KlinesFileError{1, "expected a JSON array of kline rows"};
  const std::vector<std::size_t> lines = element_lines(text);
  std::vector<core::Candle> candles;
  candles.reserve(document.size());
  for (std::size_t i = 0; i < document.size(); ++i) {
    const std::size_t line = i < lines.size() ? lines[i] : 1;
    const auto& row = document[i];
    if (!row.is_array()) return KlinesFileError{line, "a kline row must be a JSON array"};
    auto parsed = parse_columns(JsonColumns{row}, symbol, interval);
    if (auto* error = std::get_if<std::string>(&parsed)) return KlinesFileError{line, *error};
    candles.push_back(std::get<core::Candle>(parsed));
  }
  return candles;
}

Result parse_csv(std::string_view text, std::optional<core::Symbol> symbol,
                 std::optional<core::Interval> interval) {
  std::vector<core::Candle> candles;
  std::size_t line = 0;
  bool first = true;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view content = text.substr(start, end - start);
    start = end + 1;
    ++line;
    if (content.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const CsvColumns columns{content};
    if (first) {
      first = false;
      // A header names its columns: its first field is not a number.
      if (!columns.integer(0)) continue;
    }
    auto parsed = parse_columns(columns, symbol, interval);
    if (auto* error = std::get_if<std::string>(&parsed)) return KlinesFileError{line, *error};
    candles.push_back(std::get<core::Candle>(parsed));
  }
  return candles;
}

Result parse_any(std::string_view text, std::optional<core::Symbol> symbol,
                 std::optional<core::Interval> interval) {
  // A UTF-8 byte order mark, as spreadsheet programs write, is not content.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '[' || text[first] == '{')) {
    return parse_json(text, symbol, interval);
  }
  return parse_csv(text, symbol, interval);
}

std::variant<std::string, KlinesFileError> read_text(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return KlinesFileError{0, "cannot read " + path.string() + ": " + ec.message()};
  if (size > kMaxFileBytes) {
    return KlinesFileError{0, path.string() + " is larger than 1 GiB; split it"};
  }
  std::ifstream in{path, std::ios::binary};
  if (!in) return KlinesFileError{0, "cannot open " + path.string()};
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return KlinesFileError{0, "cannot read " + path.string()};
  return std::move(buffer).str();
}

}  // namespace

std::variant<core::Candle, std::string> parse_kline_row(const nlohmann::json& row) {
  if (!row.is_array()) return std::string{"a kline row must be a JSON array"};
  return parse_columns(JsonColumns{row}, std::nullopt, std::nullopt);
}

std::variant<core::Candle, std::string> parse_kline_row(const nlohmann::json& row,
                                                        core::Symbol symbol,
                                                        core::Interval interval) {
  if (!row.is_array()) return std::string{"a kline row must be a JSON array"};
  return parse_columns(JsonColumns{row}, symbol, interval);
}

Result parse_klines(std::string_view text, core::Symbol symbol, core::Interval interval) {
  return parse_any(text, symbol, interval);
}

Result read_klines_file(const std::filesystem::path& path, core::Symbol symbol,
                        core::Interval interval) {
  auto text = read_text(path);
  if (auto* error = std::get_if<KlinesFileError>(&text)) return *error;
  return parse_any(std::get<std::string>(text), symbol, interval);
}

std::variant<KlinesSeries, KlinesFileError> read_klines_file(const std::filesystem::path& path) {
  auto text = read_text(path);
  if (auto* error = std::get_if<KlinesFileError>(&text)) return *error;
  const std::string stem = path.stem().string();
  KlinesSeries series;
  series.symbol =
      core::Symbol::parse(stem.substr(0, stem.find('-'))).value_or(*core::Symbol::parse("UNKNOWN"));
  // The first row tells the interval; the second pass holds every row to it.
  auto rows = parse_any(std::get<std::string>(text), series.symbol, std::nullopt);
  if (auto* error = std::get_if<KlinesFileError>(&rows)) return *error;
  auto& candles = std::get<std::vector<core::Candle>>(rows);
  if (candles.empty()) return KlinesFileError{0, path.string() + " has no klines"};
  series.interval = candles.front().interval;
  auto checked = parse_any(std::get<std::string>(text), series.symbol, series.interval);
  if (auto* error = std::get_if<KlinesFileError>(&checked)) return *error;
  series.candles = std::move(std::get<std::vector<core::Candle>>(checked));
  return series;
}

}  // namespace autotrader::market
