#pragma once
// The market-stream side of the fake as plain code: which URL targets are stream endpoints, the
// subscription set of one connection with its control messages (SUBSCRIBE, UNSUBSCRIBE,
// LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY) and the framing of events (combined streams wrap
// them in {"stream","data"}). No sockets; one WsSession owns one StreamSubscriptions.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/fakes/binance/rest_api.hpp"

namespace autotrader::fakes::binance {

// A WebSocket endpoint: "/ws" and "/ws/<s1>/<s2>" (raw), "/stream" and "/stream?streams=s1/s2"
// (combined). nullopt for any other path.
struct StreamTarget {
  bool combined = false;
  std::vector<std::string> streams;
};
std::optional<StreamTarget> parse_stream_target(std::string_view path, const Params& query);

// Binance's stream limit per connection.
inline constexpr std::size_t kMaxStreamsPerConnection = 1024;

class StreamSubscriptions {
 public:
  explicit StreamSubscriptions(StreamTarget target);

  bool combined() const { return combined_; }
  const std::vector<std::string>& streams() const { return streams_; }
  bool contains(std::string_view stream) const;

  // Answers one text frame from the client. Replies as Binance does: {"result":null,"id":1} for
  // (UN)SUBSCRIBE, the stream list for LIST_SUBSCRIPTIONS, the value for GET_PROPERTY, and
  // {"code":N,"msg":..,"id":..} for errors (0 unknown property, 1 bad value type, 2 invalid
  // request, 3 invalid JSON).
  std::string handle_control(std::string_view text);

  // The frame that carries `payload` of `stream` on this connection.
  std::string frame(std::string_view stream, const nlohmann::json& payload) const;

 private:
  bool combined_;
  std::vector<std::string> streams_;  // in subscription order, as LIST_SUBSCRIPTIONS reports
};

// {"e":"serverShutdown","E":time}; combined connections get it as stream "!serverShutdown".
nlohmann::json server_shutdown_event(std::int64_t event_time);
inline constexpr std::string_view kServerShutdownStream = "!serverShutdown";

}  // namespace autotrader::fakes::binance
