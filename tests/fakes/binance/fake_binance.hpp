#pragma once
// FakeBinance: a Binance Spot server for tests, on 127.0.0.1 (port 0 by default), that speaks the
// real protocol: REST (ping, time, exchangeInfo, klines, with X-MBX-USED-WEIGHT-1M and Binance
// error bodies), the market streams (/ws/<stream>, /stream?streams=..., control messages, kline
// and trade events, ping frames, serverShutdown), and an exchange with one account: the SIGNED
// order, account, trade and OCO endpoints (HMAC key and signature, recvWindow, filters, balances)
// matched against the fake's own prices, and the WebSocket API (/ws-api/v3) whose user data
// stream pushes executionReport / outboundAccountPosition / listStatus. With a TLS identity, every
// connection may be TLS or plain (told apart by its first bytes), so https/wss and http/ws share
// one port.
//
// Tests script it (when(path).reply, fail_next(path, fault), fail_next_orders(order fault),
// ws().drop_all(), ws().go_silent()) and read what it received (requests(), ws().messages()) and
// what the exchange holds (orders(), trades(), balances()). Every injected fault is counted.
//
// Time: the market clock (serverTime, which klines exist, event times) is manual: set_time(),
// advance_to() and set_clock_skew(); nothing moves it by itself. Transport timers (ping interval,
// pong timeout, delays, connection age) are real time.
//
// Threading: the server runs on its own I/O thread. Every public method may be called from any
// other thread; the WebSocket methods return after the I/O thread has done the work, so a frame
// "published" is already queued on every subscribed connection when publish_* returns.
// Beast and Asio stay in the .cpp files.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/decimal.hpp"
#include "core/market.hpp"
#include "tests/fakes/binance/fault.hpp"
#include "tests/fakes/binance/tls_identity.hpp"

namespace autotrader::fakes::binance {

// tests/fixtures/binance/exchange_info.json in the source tree.
std::filesystem::path default_exchange_info_file();

struct FakeBinanceOptions {
  std::uint16_t port = 0;
  core::TimestampMs start_time = 1'700'000'000'000;  // the market clock at construction
  std::filesystem::path exchange_info_file = default_exchange_info_file();
  std::optional<TlsIdentity> tls;                   // serve https/wss too (on the same port)
  std::chrono::milliseconds ping_interval{20'000};  // Binance: a ping frame every 20 s
  std::chrono::milliseconds pong_timeout{60'000};   // Binance: no pong within 1 min -> disconnect
  std::chrono::milliseconds max_connection_age{24 * 3'600'000};  // Binance: 24 h per connection

  // The one account behind the signed endpoints and the user data stream (test data, not
  // secrets). Every asset of the exchangeInfo symbols has a balance: `balances`, else 0.
  std::string api_key = "fake-api-key";
  std::string api_secret = "fake-api-secret";
  std::map<std::string, core::Decimal> balances{{"USDT", core::Decimal::from_integer(10'000)}};
  core::Decimal commission_rate = *core::Decimal::from_units(1, 3);  // 0.001 of the amount
  std::size_t market_fill_parts = 1;  // a MARKET order fills in this many equal trades
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct RecordedRequest {
  std::string method;
  std::string path;                            // the target before '?', not decoded
  std::string query;                           // after '?', as sent
  std::map<std::string, std::string> params;   // the decoded query
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  bool tls = false;
  bool websocket_upgrade = false;
  core::TimestampMs server_time = 0;  // the market clock when it arrived
};

struct RecordedWsMessage {
  std::uint64_t connection = 0;
  std::string text;
};

struct WsConnectionInfo {
  std::uint64_t id = 0;
  std::string target;  // the upgrade request's target
  bool tls = false;
  bool combined = false;
  bool silent = false;               // go_silent() was applied
  std::vector<std::string> streams;  // current subscriptions, in order
  std::size_t pongs_received = 0;
  bool ws_api = false;                                 // a /ws-api/v3 connection
  std::optional<std::int64_t> user_data_subscription;  // its active subscriptionId
};

class FakeBinance;

// when(path): a standing script for one path (exact, or a prefix when it ends in '*'), used for
// every matching request until cleared. One-shot faults from fail_next() go first.
class RouteScript {
 public:
  void reply(int status, std::string body, HeaderList headers = {});
  void fault(Fault fault);
  void clear();

 private:
  friend class FakeBinance;
  RouteScript(FakeBinance& fake, std::string path) : fake_(fake), path_(std::move(path)) {}
  FakeBinance& fake_;
  std::string path_;
};

// The WebSocket side: fault injection on open connections, control records, waits. connection
// counts exclude silent connections (a client that gave up on one has moved on).
class WsControl {
 public:
  std::size_t connection_count() const;
  std::vector<WsConnectionInfo> connections() const;
  std::vector<RecordedWsMessage> messages() const;  // text frames received, in order
  std::size_t pings_sent() const;
  std::size_t pongs_received() const;

  // Block until the condition holds or the timeout passes; false on timeout.
  bool wait_for_connections(std::size_t count, std::chrono::milliseconds timeout) const;
  bool wait_until_subscribed(const std::string& stream, std::chrono::milliseconds timeout) const;
  bool wait_for_messages(std::size_t count, std::chrono::milliseconds timeout) const;
  bool wait_for_pongs(std::size_t count, std::chrono::milliseconds timeout) const;
  // Until no connection is left at all, silent ones included.
  bool wait_for_no_connections(std::chrono::milliseconds timeout) const;
  // Until a (non-silent) WebSocket API connection has an active user-data subscription.
  bool wait_for_user_data_subscription(std::chrono::milliseconds timeout) const;

  // Faults on every open connection; each affected connection counts once.
  void drop_all();                  // close TCP abruptly (no close frame)
  void go_silent();                 // keep TCP open, send nothing, read nothing
  void send_malformed();            // a truncated JSON text frame
  void send_raw(std::string text);  // any text frame (not counted as a fault)
  void server_shutdown();           // the serverShutdown event (the connection stays open)
  void close_all();                 // a close frame with 1001 "going away"
  // The same faults on the WebSocket API connections only (the user data stream), counted as
  // drop_connection / go_silent.
  void drop_user_streams();
  void silence_user_streams();

 private:
  friend class FakeBinance;
  explicit WsControl(FakeBinance& fake) : fake_(fake) {}
  FakeBinance& fake_;
};

class FakeBinance {
 public:
  explicit FakeBinance(FakeBinanceOptions options = {});
  ~FakeBinance();  // stop()
  FakeBinance(const FakeBinance&) = delete;
  FakeBinance& operator=(const FakeBinance&) = delete;

  // Loads the exchangeInfo fixture, binds 127.0.0.1:port and starts the I/O thread. On failure a
  // message such as "cannot read .../exchange_info.json" or "bind: address in use".
  std::optional<std::string> start();
  // Closes every connection and joins the I/O thread. Idempotent.
  void stop();
  std::uint16_t port() const;
  bool tls() const;
  // "https://127.0.0.1:<port>" with TLS, else "http://..."; ws_base_url(): "wss://..." /
  // "ws://...".
  std::string rest_base_url() const;
  std::string ws_base_url() const;

  // The market clock. serverTime = now() + skew.
  core::TimestampMs now() const;
  void set_time(core::TimestampMs now);  // moves the clock, publishes nothing
  void set_clock_skew(std::chrono::milliseconds skew);
  // Moves the clock forward to `now` and plays the data sets to subscribers: for each candle that
  // closed in between, a closing event (x=true, E = close time + 1), then for the candle now
  // forming one update (x=false, E = now). Moving backwards is ignored.
  void advance_to(core::TimestampMs now);

  // Data. The exchangeInfo symbols and the data-set symbols are the valid symbols.
  void set_klines(core::Symbol symbol, core::Interval interval, std::vector<core::Candle> candles);
  void set_exchange_info(std::string json);  // replaces the fixture (must parse as JSON)
  void set_weight_limit(int limit);          // default 6000 per minute of server time
  void set_used_weight(int weight);          // for the current minute of server time
  int used_weight() const;

  // Stream events, to every connection subscribed to the candle's (trade's) stream, with
  // E = now(). publish_kline sends x = candle.closed. Both publish a price (the close, the trade
  // price, on the symbol's tick) and match resting orders.
  void publish_kline(const core::Candle& candle);
  void publish_trade(const core::Trade& trade);

  // The exchange. A symbol's price is the last one published: the forming candle's close when
  // advance_to() moves the clock (or when its data set is set, if it had none), publish_*(), or
  // set_price(), which publishes a trade at exactly `price` and matches. JSON in Binance's
  // shapes: orders() every order (closed ones too) as GET /api/v3/order answers, open_orders(),
  // trades() every fill as myTrades answers, balances() {"USDT":{"free","locked"},..},
  // order_lists() every OCO as GET /api/v3/orderList answers.
  std::optional<core::Decimal> price(const std::string& symbol) const;
  void set_price(core::Symbol symbol, core::Decimal price);
  void set_balance(const std::string& asset, core::Decimal free);
  nlohmann::json orders() const;
  nlohmann::json open_orders() const;
  nlohmann::json trades() const;
  nlohmann::json balances() const;
  nlohmann::json order_lists() const;
  // Faults for the next `times` order requests (see OrderFault); counted under their FaultKind.
  // clear_scripts() clears them too.
  void fail_next_orders(OrderFault fault, std::size_t times = 1);

  RouteScript when(std::string path) { return RouteScript{*this, std::move(path)}; }
  void fail_next(std::string path, Fault fault, std::size_t times = 1);
  void clear_scripts();  // standing scripts and pending one-shot faults
  std::size_t fault_count(FaultKind kind) const;
  std::size_t faults_total() const;

  std::vector<RecordedRequest> requests() const;
  std::vector<RecordedRequest> requests_to(std::string_view path) const;
  bool wait_for_requests(std::string_view path, std::size_t count,
                         std::chrono::milliseconds timeout) const;
  void clear_records();  // requests and WS messages

  WsControl& ws() { return ws_; }
  const WsControl& ws() const { return ws_; }

  class Impl;  // public so the internal session code can name it; defined in fake_binance.cpp

 private:
  friend class RouteScript;
  friend class WsControl;
  std::unique_ptr<Impl> impl_;
  WsControl ws_;
};

}  // namespace autotrader::fakes::binance
