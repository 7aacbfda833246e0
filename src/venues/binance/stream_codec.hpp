#pragma once
// Decoding of Binance WebSocket market-stream frames (reference binance.md §9): the combined-stream
// wrapper {"stream":..,"data":..} and raw events, of which the feed uses kline (k.x = closed),
// trade and serverShutdown; control replies {"result":..,"id":..} and errors {"code","msg"}.
// Pure functions: malformed input is an Error value, never an exception; unknown keys are ignored.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/market.hpp"
#include "venues/binance/errc.hpp"

namespace autotrader::binance {

// <symbol>@kline_<interval>. candle.closed is the event's k.x: a bar is final only when true.
struct KlineEvent {
  core::TimestampMs event_time = 0;  // E
  core::Candle candle;
};

struct TradeEvent {
  core::TimestampMs event_time = 0;  // E
  core::Trade trade;
};

// Binance is about to close the connection: reconnect now.
struct ServerShutdownEvent {
  core::TimestampMs event_time = 0;
};

// The answer to a SUBSCRIBE/UNSUBSCRIBE/... control message.
struct ControlReply {
  std::optional<std::int64_t> id;  // null or a non-integer id decode as nullopt
};

// {"code":2,"msg":"Invalid request: ..."} sent for a bad control message.
struct StreamError {
  std::int64_t code = 0;
  std::string message;
};

// A well-formed event of a kind the feed does not use (aggTrade, bookTicker, depth, ...).
struct OtherEvent {
  std::string type;  // the "e" field, or the stream name when the payload has none
};

using StreamEvent = std::variant<KlineEvent, TradeEvent, ServerShutdownEvent, ControlReply,
                                 StreamError, OtherEvent>;

// One text frame of a /stream?streams=... or /ws/... connection.
Expected<StreamEvent> decode_stream_frame(std::string_view frame);

}  // namespace autotrader::binance
