#include "tests/fakes/binance/klines.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>

namespace autotrader::fakes::binance {
namespace {

ApiError illegal_characters(const std::string& name) {
  return {400, -1100,
          "Illegal characters found in parameter '" + name + "'; legal range is '^[0-9]{1,20}$'."};
}

ApiError mandatory(const std::string& name) {
  return {400, -1102,
          "Mandatory parameter '" + name + "' was not sent, was empty/null, or malformed."};
}

std::string lower(std::string_view text) {
  std::string out{text};
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Parses a JSON number or decimal string as a double (Binance rows use strings).
std::optional<double> number_field(const nlohmann::json& value) {
  if (value.is_number()) return value.get<double>();
  if (!value.is_string()) return std::nullopt;
  const auto& text = value.get_ref<const std::string&>();
  char* end = nullptr;
  double parsed = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) return std::nullopt;
  return parsed;
}

}  // namespace

std::optional<std::int64_t> parse_integer_parameter(const std::string& text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (value > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  }
  return static_cast<std::int64_t>(value);
}

std::variant<KlinesQuery, ApiError> parse_klines_query(const std::optional<std::string>& symbol,
                                                       const std::optional<std::string>& interval,
                                                       const std::optional<std::string>& start_time,
                                                       const std::optional<std::string>& end_time,
                                                       const std::optional<std::string>& limit) {
  if (!symbol || symbol->empty()) return mandatory("symbol");
  if (!interval || interval->empty()) return mandatory("interval");
  KlinesQuery query;
  query.symbol = *symbol;
  auto parsed_interval = core::parse_interval(*interval);
  if (!parsed_interval) return ApiError{400, -1120, "Invalid interval."};
  query.interval = *parsed_interval;
  if (start_time) {
    query.start_time = parse_integer_parameter(*start_time);
    if (!query.start_time) return illegal_characters("startTime");
  }
  if (end_time) {
    query.end_time = parse_integer_parameter(*end_time);
    if (!query.end_time) return illegal_characters("endTime");
  }
  if (limit) {
    auto parsed_limit = parse_integer_parameter(*limit);
    if (!parsed_limit) return illegal_characters("limit");
    if (*parsed_limit < 1 || *parsed_limit > kKlinesMaxLimit) {
      return ApiError{400, -1130, "Data sent for parameter 'limit' is not valid."};
    }
    query.limit = static_cast<int>(*parsed_limit);
  }
  if (query.start_time && query.end_time && *query.start_time > *query.end_time) {
    return ApiError{400, -1023, "Start time is greater than end time."};
  }
  return query;
}

std::vector<core::Candle> select_klines(const std::vector<core::Candle>& candles,
                                        const KlinesQuery& query, core::TimestampMs now) {
  auto by_open = [](const core::Candle& c, core::TimestampMs t) { return c.open_time < t; };
  // Candles that have not opened by `now` do not exist yet.
  auto existing_end =
      std::upper_bound(candles.begin(), candles.end(), now,
                       [](core::TimestampMs t, const core::Candle& c) { return t < c.open_time; });
  auto first = candles.begin();
  auto last = existing_end;
  if (query.end_time) {
    last = std::upper_bound(
        candles.begin(), existing_end, *query.end_time,
        [](core::TimestampMs t, const core::Candle& c) { return t < c.open_time; });
  }
  if (query.start_time) {
    first = std::lower_bound(candles.begin(), existing_end, *query.start_time, by_open);
    if (first >= last) return {};
    auto count = std::min<std::ptrdiff_t>(last - first, query.limit);
    return {first, first + count};
  }
  if (first >= last) return {};
  auto count = std::min<std::ptrdiff_t>(last - first, query.limit);
  return {last - count, last};
}

std::string format_decimal(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.8f", value);
  return buffer;
}

nlohmann::json kline_row(const core::Candle& c) {
  return nlohmann::json::array(
      {c.open_time, format_decimal(c.open), format_decimal(c.high), format_decimal(c.low),
       format_decimal(c.close), format_decimal(c.volume), c.close_time,
       format_decimal(c.quote_volume), c.trades, format_decimal(c.volume / 2),
       format_decimal(c.quote_volume / 2), "0"});
}

nlohmann::json kline_event(const core::Candle& c, core::TimestampMs event_time, bool closed) {
  // First and last trade ids are made up but consistent with the trade count (-1 when none).
  std::int64_t first_trade = c.trades > 0 ? c.open_time / 1000 : -1;
  std::int64_t last_trade = c.trades > 0 ? first_trade + c.trades - 1 : -1;
  nlohmann::json k = {{"t", c.open_time},
                      {"T", c.close_time},
                      {"s", c.symbol.str()},
                      {"i", std::string{core::to_string(c.interval)}},
                      {"f", first_trade},
                      {"L", last_trade},
                      {"o", format_decimal(c.open)},
                      {"c", format_decimal(c.close)},
                      {"h", format_decimal(c.high)},
                      {"l", format_decimal(c.low)},
                      {"v", format_decimal(c.volume)},
                      {"n", c.trades},
                      {"x", closed},
                      {"q", format_decimal(c.quote_volume)},
                      {"V", format_decimal(c.volume / 2)},
                      {"Q", format_decimal(c.quote_volume / 2)},
                      {"B", "0"}};
  return {{"e", "kline"}, {"E", event_time}, {"s", c.symbol.str()}, {"k", std::move(k)}};
}

nlohmann::json trade_event(const core::Trade& t, core::TimestampMs event_time) {
  return {{"e", "trade"},
          {"E", event_time},
          {"s", t.symbol.str()},
          {"t", t.id},
          {"p", format_decimal(t.price)},
          {"q", format_decimal(t.quantity)},
          {"T", t.time},
          {"m", t.buyer_is_maker},
          {"M", true}};
}

std::string kline_stream_name(const core::Symbol& symbol, core::Interval interval) {
  return lower(symbol.view()) + "@kline_" + std::string{core::to_string(interval)};
}

std::string trade_stream_name(const core::Symbol& symbol) {
  return lower(symbol.view()) + "@trade";
}

std::vector<core::Candle> generate_klines(core::Symbol symbol, core::Interval interval,
                                          core::TimestampMs first_open_time, std::size_t count,
                                          double start_price, std::uint64_t seed) {
  const auto step = core::duration(interval).count();
  core::TimestampMs open_time = first_open_time - (first_open_time % step);
  std::mt19937_64 rng{seed};
  std::normal_distribution<double> move{0.0, 0.002};
  std::uniform_real_distribution<double> wick{0.0, 0.001};
  std::uniform_real_distribution<double> volume{5.0, 50.0};
  std::vector<core::Candle> candles;
  candles.reserve(count);
  double price = start_price;
  for (std::size_t i = 0; i < count; ++i, open_time += step) {
    core::Candle c;
    c.symbol = symbol;
    c.interval = interval;
    c.open_time = open_time;
    c.close_time = open_time + step - 1;
    c.open = price;
    c.close = price * std::exp(move(rng));
    c.high = std::max(c.open, c.close) * (1 + wick(rng));
    c.low = std::min(c.open, c.close) * (1 - wick(rng));
    c.volume = volume(rng);
    c.quote_volume = c.volume * (c.open + c.close) / 2;
    c.trades = 10 + static_cast<std::int64_t>(c.volume * 3);
    c.closed = true;
    candles.push_back(c);
    price = c.close;
  }
  return candles;
}

std::variant<std::vector<core::Candle>, std::string> load_klines_json(
    const std::filesystem::path& file, core::Symbol symbol, core::Interval interval) {
  std::ifstream in{file};
  if (!in) return file.string() + ": cannot be opened";
  auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_array()) return file.string() + ": not a JSON array of kline rows";
  std::vector<core::Candle> candles;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const auto& row = doc[i];
    auto fail = [&] { return file.string() + ": row " + std::to_string(i) + " is not a kline"; };
    if (!row.is_array() || row.size() < 9 || !row[0].is_number_integer() ||
        !row[6].is_number_integer() || !row[8].is_number_integer()) {
      return fail();
    }
    core::Candle c;
    c.symbol = symbol;
    c.interval = interval;
    c.open_time = row[0].get<core::TimestampMs>();
    c.close_time = row[6].get<core::TimestampMs>();
    c.trades = row[8].get<std::int64_t>();
    auto o = number_field(row[1]), h = number_field(row[2]), l = number_field(row[3]),
         cl = number_field(row[4]), v = number_field(row[5]), q = number_field(row[7]);
    if (!o || !h || !l || !cl || !v || !q) return fail();
    c.open = *o;
    c.high = *h;
    c.low = *l;
    c.close = *cl;
    c.volume = *v;
    c.quote_volume = *q;
    if (!candles.empty() && candles.back().open_time >= c.open_time) {
      return file.string() + ": row " + std::to_string(i) + " is not after the previous row";
    }
    candles.push_back(c);
  }
  return candles;
}

}  // namespace autotrader::fakes::binance
