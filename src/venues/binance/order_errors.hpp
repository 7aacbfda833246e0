#pragma once
// What the executor does after a signed order request answered (or did not): the classification
// of transport failures, HTTP statuses and Binance error codes (reference binance.md §8) into
// the few cases that need different handling. The table is in README.md. Pure.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "venues/paper/venue.hpp"

namespace autotrader::binance {

// Which request it was: a place must never be re-sent blindly, a read can always be repeated.
enum class RequestKind : std::uint8_t { place, query, cancel, read };

enum class ReplyClass : std::uint8_t {
  success,                // 2xx: decode the body
  not_sent,               // the request never left (connect/TLS failed): sending it is safe
  rejected,               // final: Binance refused it and did nothing (reason where one fits)
  retry_after_time_sync,  // -1021: resync the server clock, then the same request again
  unknown_outcome,        // sent, outcome unknown (timeout, dropped, 5xx, -1007): query by
                          // client order id, never re-send
  not_found_yet,          // -2013 on a query: the order may still be propagating; query again
  rate_limited,           // 429, 418, -1003, -1015: wait retry_after; a place: query first
};
const char* to_string(ReplyClass reply_class);  // "success", "not_sent", ...

// What came back. `transport` says whether there is an HTTP answer at all.
struct HttpOutcome {
  enum class Transport : std::uint8_t { answered, failed_before_send, failed_after_send };
  Transport transport = Transport::answered;
  int status = 0;                                   // when answered
  std::string_view body;                            // when answered
  std::optional<std::chrono::seconds> retry_after;  // the Retry-After header, when present
};

struct Classification {
  ReplyClass reply_class = ReplyClass::success;
  std::optional<paper::RejectReason> reason;  // rejected only, where one of ours fits
  // The account's keys or signing are broken (-1022, -2014, -2015): nothing will succeed until a
  // person acts, so the executor halts trading and alerts.
  bool halt_trading = false;
  std::int64_t code = 0;  // Binance's error code, 0 when none
  std::optional<std::chrono::seconds> retry_after;
  // For the log and the audit: status, code and Binance's msg. Never holds a request parameter
  // or a key (Binance's msg names parameters, not their values).
  std::string message;
};

Classification classify(RequestKind kind, const HttpOutcome& outcome);

}  // namespace autotrader::binance
