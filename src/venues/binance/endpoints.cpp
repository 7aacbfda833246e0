#include "venues/binance/endpoints.hpp"

#include <cctype>

namespace autotrader::binance {
namespace {

std::string lower(std::string_view text) {
  std::string out{text};
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::string exchange_info_target(const std::vector<core::Symbol>& symbols) {
  std::string target{"/api/v3/exchangeInfo"};
  if (symbols.empty()) return target;
  // symbols=["A","B"] with [ ] " , percent-encoded; symbol characters need no encoding.
  target += "?symbols=%5B";
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    if (i > 0) target += "%2C";
    target += "%22";
    target += symbols[i].view();
    target += "%22";
  }
  target += "%5D";
  return target;
}

std::string klines_target(const core::Symbol& symbol, core::Interval interval,
                          const KlineRange& range) {
  std::string target{"/api/v3/klines?symbol="};
  target += symbol.view();
  target += "&interval=";
  target += core::to_string(interval);
  target += "&startTime=" + std::to_string(range.start_time);
  target += "&endTime=" + std::to_string(range.end_time);
  target += "&limit=" + std::to_string(range.limit);
  return target;
}

std::string combined_stream_url(std::string_view ws_base, const std::vector<core::Symbol>& symbols,
                                core::Interval interval, bool with_trades) {
  while (!ws_base.empty() && ws_base.back() == '/') ws_base.remove_suffix(1);
  for (std::string_view path : {std::string_view{"/ws"}, std::string_view{"/stream"}}) {
    if (ends_with(ws_base, path)) {
      ws_base.remove_suffix(path.size());
      break;
    }
  }
  std::string url{ws_base};
  url += "/stream?streams=";
  bool first = true;
  for (const auto& symbol : symbols) {
    std::string name = lower(symbol.view());
    url += (first ? "" : "/") + name + "@kline_" + std::string{core::to_string(interval)};
    first = false;
    if (with_trades) url += "/" + name + "@trade";
  }
  return url;
}

void ServerClock::update(core::TimestampMs server_time, core::TimestampMs sent,
                         core::TimestampMs received) {
  offset_ms_ = server_time - (sent + (received - sent) / 2);
  synced_ = true;
}

}  // namespace autotrader::binance
