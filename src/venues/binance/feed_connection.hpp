#pragma once
// The life cycle of the Binance market-stream connection, as a plain state machine: what to open,
// close and fetch, and when; the actor performs the effects and reports what happened.
//
//   start ──► connecting ──handshake──► subscribed ──first frame──► streaming
//                ▲   │ failed                  │ closed / idle / serverShutdown
//                │   ▼                         ▼
//                └── waiting (backoff) ◄───────┘
//
// The combined-stream URL carries the subscriptions, so a completed handshake means subscribed;
// then the gaps are filled from REST (FillGaps) because candles may have closed while no stream
// was open. No frame (data or ping) for idle_timeout means a silently dead connection: close it
// and reconnect. Binance closes every connection after 24 hours, so after rotation_period a
// second connection is opened; once it streams, it becomes the primary and the old one is
// closed: the two overlap, so no candle is lost (the sequencer drops the duplicates). A
// serverShutdown event starts the same overlapped switch at once. Reconnects wait for
// ReconnectBackoff; the server clock is synced at start, every resync_period and on -1021.
//
// Plain class, not thread-safe: owned by the feed actor. Time (steady) is always an argument.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/random.hpp"
#include "venues/binance/reconnect_backoff.hpp"

namespace autotrader::binance {

using ConnectionId = std::uint64_t;

// The label of autotrader_feed_reconnects_total{venue,reason}.
enum class ReconnectReason : std::uint8_t {
  connection_lost,  // the transport closed or failed while subscribed
  connect_failed,   // an attempt did not get to subscribed
  idle_timeout,     // no frame for idle_timeout
  server_shutdown,  // Binance announced the close
  rotation,         // our switch before the 24-hour limit
};
const char* to_string(ReconnectReason reason);
// Every reason's name, to pre-register the metric's label sets.
std::vector<std::string> reconnect_reason_names();

struct FeedConnectionOptions {
  // Binance pings every 20 s, so 50 s without any frame means two pings were lost.
  std::chrono::milliseconds idle_timeout{50'000};
  // Binance closes a connection after 24 hours; switch well before.
  std::chrono::milliseconds rotation_period{std::chrono::hours{23}};
  std::chrono::milliseconds resync_period{std::chrono::hours{1}};
  BackoffOptions backoff;
};

namespace effect {
struct Open {
  ConnectionId id;
};
struct Close {
  ConnectionId id;
};
// A reconnect happened or began; count it.
struct CountReconnect {
  ReconnectReason reason;
};
// A new subscription is live: every candle closed so far must come from REST.
struct FillGaps {};
// Fetch GET /api/v3/time and update the server clock.
struct SyncTime {};
}  // namespace effect

using Effect = std::variant<effect::Open, effect::Close, effect::CountReconnect, effect::FillGaps,
                            effect::SyncTime>;
using Effects = std::vector<Effect>;

class FeedConnection {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  enum class Phase : std::uint8_t { idle, waiting, connecting, subscribed, streaming };

  FeedConnection(FeedConnectionOptions options, std::shared_ptr<core::Random> random);

  Effects start(TimePoint now);

  // The transport's reports, for any connection this machine opened; stale ids are ignored.
  Effects on_open(ConnectionId id, TimePoint now);    // the WebSocket handshake completed
  Effects on_frame(ConnectionId id, TimePoint now);   // a data frame or a ping arrived
  Effects on_closed(ConnectionId id, TimePoint now);  // closed, failed or timed out
  Effects on_server_shutdown(ConnectionId id, TimePoint now);
  // A REST error code; -1021 (timestamp outside recvWindow) means our clock offset is stale.
  Effects on_api_error(std::int64_t code);

  // Runs whatever is due: reconnect after backoff, idle timeouts, rotation, resync.
  Effects on_tick(TimePoint now);
  // When on_tick next has something to do.
  std::optional<TimePoint> next_deadline() const;

  // Whether frames of this connection are to be used (the primary, and a rotation candidate
  // once subscribed: during the overlap both deliver, the sequencer drops duplicates).
  bool accepts(ConnectionId id) const;
  bool is_primary(ConnectionId id) const { return primary_.id == id && primary_.id != 0; }
  Phase phase() const { return primary_.phase; }
  bool rotating() const { return secondary_.id != 0; }

 private:
  struct Slot {
    ConnectionId id = 0;
    Phase phase = Phase::idle;
    TimePoint since{};          // when the phase began
    TimePoint last_activity{};  // last frame (or the handshake)
  };

  ConnectionId open(Slot& slot, TimePoint now, Effects& out);
  // The primary is gone: promote a subscribed rotation candidate or wait for the backoff.
  void lose_primary(ReconnectReason reason, TimePoint now, Effects& out);
  void begin_rotation(TimePoint now, Effects& out);
  void promote_secondary(TimePoint now, Effects& out);
  void abandon_rotation(TimePoint now, Effects& out);

  FeedConnectionOptions options_;
  ReconnectBackoff backoff_;
  ConnectionId next_id_ = 1;
  Slot primary_;
  Slot secondary_;
  ReconnectReason pending_reason_ = ReconnectReason::connection_lost;
  TimePoint retry_at_{};                // primary waiting: when to open again
  std::optional<TimePoint> rotate_at_;  // when the next rotation begins
  bool rotation_is_shutdown_ = false;   // the running rotation answers a serverShutdown
  std::optional<TimePoint> resync_at_;
};

}  // namespace autotrader::binance
