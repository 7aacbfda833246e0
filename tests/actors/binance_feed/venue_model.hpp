#pragma once
// A Binance venue in memory for the feed's logic tests: a deterministic 1m data set, REST answers
// (time, exchangeInfo, klines with Binance's startTime/endTime/limit semantics, the forming bar
// included) and kline frames as the stream sends them. Time is whatever the test says it is.
#include <charconv>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "actors/binance_feed/binance_feed.hpp"
#include "core/market.hpp"

namespace autotrader::binance_feed::testing {

inline constexpr core::TimestampMs kMinute = 60'000;
inline constexpr core::TimestampMs kT0 = 1'699'999'980'000;  // a whole minute

inline core::Symbol btc() {
  return *core::Symbol::parse("BTCUSDT");
}

// Bar i of the data set: opens at kT0 + i minutes, prices drift slowly.
inline core::Candle bar(std::int64_t i, core::Symbol symbol = btc()) {
  core::Candle c;
  c.symbol = symbol;
  c.interval = core::Interval::m1;
  c.open_time = kT0 + i * kMinute;
  c.close_time = c.open_time + kMinute - 1;
  c.open = 100.0 + 0.01 * static_cast<double>(i % 50);
  c.close = c.open + 0.005;
  c.high = c.close + 0.02;
  c.low = c.open - 0.02;
  c.volume = 10.0 + static_cast<double>(i % 7);
  c.quote_volume = c.volume * c.close;
  c.trades = 5;
  return c;
}

inline std::int64_t index_of(const core::Candle& c) {
  return (c.open_time - kT0) / kMinute;
}

inline std::string kline_frame(const core::Candle& c, bool closed) {
  auto num = [](double v) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 8);
    return std::string{buf, end};
  };
  std::string lower{c.symbol.view()};
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return R"({"stream":")" + lower + R"(@kline_1m","data":{"e":"kline","E":)" +
         std::to_string(c.close_time + 1) + R"(,"s":")" + std::string{c.symbol.view()} +
         R"(","k":{"t":)" + std::to_string(c.open_time) + R"(,"T":)" +
         std::to_string(c.close_time) + R"(,"s":")" + std::string{c.symbol.view()} +
         R"(","i":"1m","o":")" + num(c.open) + R"(","c":")" + num(c.close) + R"(","h":")" +
         num(c.high) + R"(","l":")" + num(c.low) + R"(","v":")" + num(c.volume) +
         R"(","n":5,"x":)" + (closed ? "true" : "false") + R"(,"q":")" + num(c.quote_volume) +
         R"("}}})";
}

class VenueModel {
 public:
  std::set<std::int64_t> holes;  // bars the venue never had
  std::int64_t weight_used = 0;

  // The reply Binance would give to `url` when its clock shows `now`.
  HttpReply answer(const std::string& url, core::TimestampMs now) {
    HttpReply reply;
    reply.responded = true;
    reply.status = 200;
    auto path = url.substr(url.find("/api/"));
    auto query =
        path.find('?') == std::string::npos ? std::string{} : path.substr(path.find('?') + 1);
    path = path.substr(0, path.find('?'));
    int weight = 1;
    if (path == "/api/v3/time") {
      reply.body = R"({"serverTime":)" + std::to_string(now) + "}";
    } else if (path == "/api/v3/exchangeInfo") {
      weight = 20;
      reply.body =
          R"({"serverTime":)" + std::to_string(now) +
          R"(,"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000}],)"
          R"("symbols":[{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT","filters":[]},)"
          R"({"symbol":"ETHUSDT","status":"TRADING","baseAsset":"ETH","quoteAsset":"USDT","filters":[]}]})";
    } else if (path == "/api/v3/klines") {
      weight = 2;
      auto params = parse_query(query);
      auto symbol = *core::Symbol::parse(params["symbol"]);
      core::TimestampMs start = std::stoll(params["startTime"]);
      core::TimestampMs end = std::stoll(params["endTime"]);
      std::size_t limit = std::stoul(params["limit"]);
      reply.body = "[";
      std::size_t rows = 0;
      for (std::int64_t i = std::max<std::int64_t>(0, (start - kT0) / kMinute); rows < limit; ++i) {
        core::Candle c = bar(i, symbol);
        if (c.open_time > end || c.open_time > now) break;
        if (c.open_time < start || holes.count(i) != 0) continue;
        reply.body += (rows++ == 0 ? "" : ",") + row(c);
      }
      reply.body += "]";
    } else {
      reply.status = 404;
      reply.body = R"({"code":-1,"msg":"unknown path"})";
    }
    weight_used += weight;
    reply.used_weight_1m = weight_used;
    ++requests[path];
    return reply;
  }

  std::map<std::string, int> requests;

 private:
  static std::map<std::string, std::string> parse_query(const std::string& query) {
    std::map<std::string, std::string> out;
    std::size_t pos = 0;
    while (pos < query.size()) {
      auto amp = query.find('&', pos);
      auto part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
      auto eq = part.find('=');
      out[part.substr(0, eq)] = eq == std::string::npos ? "" : part.substr(eq + 1);
      if (amp == std::string::npos) break;
      pos = amp + 1;
    }
    return out;
  }
  static std::string row(const core::Candle& c) {
    auto num = [](double v) {
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 8);
      return "\"" + std::string{buf, end} + "\"";
    };
    return "[" + std::to_string(c.open_time) + "," + num(c.open) + "," + num(c.high) + "," +
           num(c.low) + "," + num(c.close) + "," + num(c.volume) + "," +
           std::to_string(c.close_time) + "," + num(c.quote_volume) + ",5,\"0\",\"0\",\"0\"]";
  }
};

}  // namespace autotrader::binance_feed::testing
