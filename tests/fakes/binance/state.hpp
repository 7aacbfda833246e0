#pragma once
// What the public API (test thread) and the I/O thread share: the REST logic and its data, the
// market clock, the scripts, the fault counters and the records, all under one mutex, with a
// condition variable that wakes the wait_* calls whenever something is recorded.
#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "tests/fakes/binance/fake_binance.hpp"
#include "tests/fakes/binance/rest_api.hpp"
#include "tests/fakes/binance/ws_api.hpp"

namespace autotrader::fakes::binance {

// What to do with a request before the normal handler sees it.
struct Decision {
  std::optional<Fault> fault;
  std::optional<Reply> scripted;
};

class State {
 public:
  explicit State(core::TimestampMs start_time, AccountOptions account = {})
      : api_(std::move(account)), now_(start_time) {}

  // Receives the user-data events of every exchange change, in order, while the lock is held; the
  // server's sink only queues them for its I/O thread.
  using EventSink = std::function<void(std::vector<nlohmann::json>)>;
  void set_event_sink(EventSink sink);

  // Every method takes the lock itself.
  core::TimestampMs now() const;
  core::TimestampMs server_time() const;
  void set_time(core::TimestampMs now);
  void set_skew(std::chrono::milliseconds skew);

  // Pops a one-shot fault for `path` or applies its standing script, counting what it injects.
  Decision decide(const std::string& path);
  void fail_next(std::string path, Fault fault, std::size_t times);
  void set_script(std::string path, Fault fault);
  void set_script(std::string path, Reply reply);
  void clear_script(const std::string& path);
  void clear_scripts();
  void count(FaultKind kind, std::size_t n = 1);
  std::size_t fault_count(FaultKind kind) const;
  std::size_t faults_total() const;

  // REST: the reply and the used weight to report with it. Counts the faults the reply injected.
  std::pair<Reply, int> rest(const HttpCall& call);
  // One WebSocket API frame of a connection.
  std::string ws_api(std::string_view text, WsApiSession& session);

  // The exchange (orders, balances, prices), for the public API. Prices move with the market:
  // publish_prices_at() takes each symbol's forming candle at `now` (the smallest interval of its
  // data sets) as its price and matches; set_price() publishes one price and matches.
  // With `only_unpriced`, symbols that have a price keep it (a data set added later does not
  // override a published price).
  void publish_prices_at(core::TimestampMs now, bool only_unpriced = false);
  void set_price(const std::string& symbol, const Decimal& price);
  // A double from a candle or trade as a price on the symbol's tick (8 decimals if no rules).
  std::optional<Decimal> price_from_double(const std::string& symbol, double value) const;
  std::optional<Decimal> price(const std::string& symbol) const;
  void set_balance(const std::string& asset, const Decimal& free);
  void fail_next_orders(OrderFault fault, std::size_t times);
  nlohmann::json orders_json(bool open_only) const;
  nlohmann::json trades_json() const;
  nlohmann::json balances_json() const;
  nlohmann::json order_lists_json() const;
  int used_weight() const;
  void set_used_weight(int weight);
  void set_weight_limit(int limit);
  void set_exchange_info(nlohmann::json info);
  void set_klines(core::Symbol symbol, core::Interval interval, std::vector<core::Candle> candles);
  // The candle events advance_to() must send when the clock moves from `from` to `to`, per
  // stream name, in order.
  std::vector<std::pair<std::string, nlohmann::json>> events_between(core::TimestampMs from,
                                                                     core::TimestampMs to) const;

  // Records.
  void record(RecordedRequest request);
  std::vector<RecordedRequest> requests() const;
  bool wait_for_requests(std::string_view path, std::size_t count,
                         std::chrono::milliseconds timeout) const;
  void clear_records();

  void ws_opened(WsConnectionInfo info);
  void ws_changed(std::uint64_t id, bool combined, std::vector<std::string> streams);
  void ws_silenced(std::uint64_t id);
  void ws_closed(std::uint64_t id);
  void ws_user_data(std::uint64_t id, std::optional<std::int64_t> subscription);
  void ws_message(std::uint64_t id, std::string text);
  void ws_ping_sent();
  void ws_pong(std::uint64_t id);

  std::size_t ws_connection_count() const;
  std::vector<WsConnectionInfo> ws_connections() const;
  std::vector<RecordedWsMessage> ws_messages() const;
  std::size_t ws_pings_sent() const;
  std::size_t ws_pongs_received() const;
  bool wait_for_connections(std::size_t count, std::chrono::milliseconds timeout) const;
  bool wait_until_subscribed(const std::string& stream, std::chrono::milliseconds timeout) const;
  bool wait_for_messages(std::size_t count, std::chrono::milliseconds timeout) const;
  bool wait_for_pongs(std::size_t count, std::chrono::milliseconds timeout) const;
  bool wait_for_no_connections(std::chrono::milliseconds timeout) const;
  bool wait_for_user_data_subscription(std::chrono::milliseconds timeout) const;

 private:
  struct Script {
    std::optional<Fault> fault;
    std::optional<Reply> reply;
  };
  template <typename Predicate>
  bool wait(std::chrono::milliseconds timeout, Predicate predicate) const;
  std::size_t connection_count_locked() const;
  void flush_events_locked();
  std::optional<Decimal> price_from_double_locked(const std::string& symbol, double value) const;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  RestApi api_;
  EventSink event_sink_;
  core::TimestampMs now_;
  std::chrono::milliseconds skew_{0};
  std::map<std::string, std::deque<Fault>> one_shot_;
  std::map<std::string, Script> scripts_;
  std::array<std::size_t, kFaultKindCount> fault_counts_{};
  std::vector<RecordedRequest> requests_;
  std::map<std::uint64_t, WsConnectionInfo> connections_;
  std::vector<RecordedWsMessage> ws_messages_;
  std::size_t pings_sent_ = 0;
  std::size_t pongs_received_ = 0;
};

// Whether a script key matches a path: exact, or a prefix when the key ends in '*'.
bool path_matches(const std::string& key, const std::string& path);

}  // namespace autotrader::fakes::binance
