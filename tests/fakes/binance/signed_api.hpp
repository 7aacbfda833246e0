#pragma once
// The fake's SIGNED REST endpoints (reference binance.md §3, §5-§8) as a plain class: the
// X-MBX-APIKEY check (-2014 missing, -2015 unknown), the HMAC-SHA256 signature over query + body
// with the signature in either (-1022), the timestamp / recvWindow rule against the server time
// (-1021), then the order, account and trade endpoints on one Exchange, the order faults, and the
// X-MBX-ORDER-COUNT-10S / -1D headers of accepted orders. Not thread-safe: State calls it under
// its mutex. Request weights are counted by RestApi, which routes signed paths here.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tests/fakes/binance/api_types.hpp"
#include "tests/fakes/binance/exchange.hpp"

namespace autotrader::fakes::binance {

// The account the fake serves. The key and secret are test data, not secrets.
struct AccountOptions {
  std::string api_key = "fake-api-key";
  std::string api_secret = "fake-api-secret";
  std::map<std::string, Decimal> balances{{"USDT", Decimal::from_integer(10'000)}};
  Decimal commission_rate = *Decimal::from_units(1, 3);  // 0.001
  std::size_t market_fill_parts = 1;
};

// HMAC-SHA256 of `payload` keyed with `key`, 64 lower-case hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view payload);
// What a REST signature covers: the query string followed by the body, without a separator,
// each without its `signature=` parameter (it may be in either).
std::string rest_signature_payload(std::string_view query, std::string_view body);
// What a WebSocket API signature covers: every param but `signature`, sorted by name, joined as
// name=value with '&' (strings as they are, numbers and booleans as their JSON text).
std::string ws_api_signature_payload(const nlohmann::json& params);
// Hex signatures compare case-insensitively (Binance: "the resulting signature value is
// case-insensitive").
bool signature_equal(std::string_view expected_hex, std::string_view given);

// Binance's timing rule: timestamp < serverTime + 1000 and serverTime - timestamp <= recvWindow
// (default 5000, at most 60000, else -1131). -1102 when the timestamp is missing or malformed.
std::optional<ApiError> check_timing(const std::optional<std::string>& timestamp,
                                     const std::optional<std::string>& recv_window,
                                     core::TimestampMs server_time);

class SignedApi {
 public:
  explicit SignedApi(AccountOptions account);

  // Whether `path` is one of the signed endpoints served here.
  static bool serves(std::string_view path);
  // The request weight of a signed endpoint (rest-api.md).
  static int weight_of(std::string_view method, std::string_view path, const Params& params);

  Reply handle(const HttpCall& call, core::TimestampMs server_time);

  // -2014 for a missing key, -2015 for an unknown one.
  std::optional<ApiError> check_api_key(const std::optional<std::string>& key) const;
  const AccountOptions& account() const { return account_; }
  Exchange& exchange() { return exchange_; }
  const Exchange& exchange() const { return exchange_; }

  void fail_next_orders(OrderFault fault, std::size_t times);
  void clear_order_faults() { order_faults_.clear(); }

 private:
  Reply place_order(const HttpCall& call, core::TimestampMs now, bool test_only);
  Reply place_oco(const HttpCall& call, core::TimestampMs now);
  Reply query_order(const Params& params);
  Reply cancel_order(const Params& params, core::TimestampMs now);
  Reply open_orders(const Params& params) const;
  Reply my_trades(const Params& params) const;
  Reply cancel_list(const Params& params, core::TimestampMs now);
  Reply query_list(const Params& params) const;
  Reply open_lists() const;
  // Counts `orders` new orders and returns the X-MBX-ORDER-COUNT-* headers.
  std::vector<std::pair<std::string, std::string>> count_orders(int orders, core::TimestampMs now);
  std::optional<OrderFault> take_order_fault();
  static void deliver_with_fault(Reply& reply, const std::optional<OrderFault>& fault);

  AccountOptions account_;
  Exchange exchange_;
  std::deque<OrderFault> order_faults_;
  std::int64_t ten_second_window_ = -1;
  int ten_second_count_ = 0;
  std::int64_t day_window_ = -1;
  int day_count_ = 0;
};

}  // namespace autotrader::fakes::binance
