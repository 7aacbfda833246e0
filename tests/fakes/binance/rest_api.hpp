#pragma once
// The fake's REST endpoints as a plain class: request in, reply out, no sockets, so the Binance
// rules (parameters, errors, weights) are tested directly. Public market data is answered here;
// the signed endpoints (orders, account, trades) go to its SignedApi. Not thread-safe:
// FakeBinance calls it under its mutex.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/market.hpp"
#include "tests/fakes/binance/api_types.hpp"
#include "tests/fakes/binance/fault.hpp"
#include "tests/fakes/binance/klines.hpp"
#include "tests/fakes/binance/signed_api.hpp"

namespace autotrader::fakes::binance {

// Splits and percent-decodes a query string ("a=1&b=%5B%22X%22%5D"); '+' stays '+' (Binance
// clients percent-encode). A later duplicate wins.
Params decode_query(std::string_view query);

// The reply a fault stands for (not used for drop, silence and delay, which are not replies).
Reply fault_reply(const Fault& fault);

// The Binance error body {"code":..,"msg":..}.
std::string error_body(int code, const std::string& msg);

class RestApi {
 public:
  static constexpr int kDefaultWeightLimit = 6000;

  explicit RestApi(AccountOptions account = {}) : signed_(std::move(account)) {}

  // exchangeInfo as served (serverTime is replaced on every reply); its symbols are the valid
  // symbols of every endpoint and the ones the exchange trades, with its filters.
  void set_exchange_info(nlohmann::json info);
  const nlohmann::json& exchange_info() const { return exchange_info_; }

  // Replaces the candles of one (symbol, interval); they are sorted by open time and a later
  // duplicate open time replaces an earlier one.
  void set_klines(std::vector<core::Candle> candles, core::Symbol symbol, core::Interval interval);
  const std::vector<core::Candle>* klines(core::Symbol symbol, core::Interval interval) const;
  const std::map<std::pair<std::string, core::Interval>, std::vector<core::Candle>>& all_klines()
      const {
    return klines_;
  }

  // REQUEST_WEIGHT per minute of server time; above the limit requests get 429 / -1003.
  void set_weight_limit(int limit) { weight_limit_ = limit; }
  void set_used_weight(int weight, core::TimestampMs now);
  int used_weight(core::TimestampMs now) const;

  // The weight Binance charges for this request (rest-api.md).
  static int weight_of(std::string_view path, const Params& params,
                       std::string_view method = "GET");

  // Answers one request at server time `now`, adding its weight first; `used_weight` tells what
  // the X-MBX-USED-WEIGHT-1M header must say.
  Reply handle(const HttpCall& call, core::TimestampMs now);
  // The same for a request without headers or body (public endpoints, tests).
  Reply handle(std::string_view method, std::string_view path, const Params& params,
               core::TimestampMs now);

  SignedApi& signed_api() { return signed_; }
  const SignedApi& signed_api() const { return signed_; }

  bool known_symbol(std::string_view symbol) const;

 private:
  Reply exchange_info_reply(const Params& params, core::TimestampMs now) const;
  Reply klines_reply(const Params& params, core::TimestampMs now) const;

  nlohmann::json exchange_info_ = nlohmann::json::object();
  std::map<std::pair<std::string, core::Interval>, std::vector<core::Candle>> klines_;
  SignedApi signed_;
  int weight_limit_ = kDefaultWeightLimit;
  std::int64_t weight_minute_ = -1;
  int weight_used_ = 0;
};

}  // namespace autotrader::fakes::binance
