// The Binance executor inside the real trading branch (storage with SQLite in a temporary
// directory, the trader with a scripted pool) with a scripted transport: the test plays Binance,
// answering each request the executor sends, so every step of the order path is checked in
// order — orders refused until reconciled, the book stored before a place leaves, an unknown
// outcome queried and never re-sent, fills recorded once, the OCO protection placed, and a user
// data stream reconnect followed by a full status check.
#include <gtest/gtest.h>

#include <cmath>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <SQLiteCpp/SQLiteCpp.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "actors/binance_exec/binance_executor_actor.hpp"
#include "actors/feed/cursor_store.hpp"
#include "actors/llm/protocol.hpp"
#include "actors/trading/protocol.hpp"
#include "actors/trading/trading_shared.hpp"
#include "actors/trading/trading_tree.hpp"
#include "caf/all.hpp"
#include "store/store.hpp"
#include "supervision/supervisor.hpp"
#include "venues/paper/client_order_id.hpp"

namespace autotrader::binance_exec {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using trading_actors::exec_place_atom;
using trading_actors::OrderMessage;

constexpr auto kWait = 20s;

std::string read_file(const fs::path& path) {
  std::ifstream in{path};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

// What the executor sent, as the test sees it.
struct Sent {
  enum class Kind { rest, open_ws, send_ws, close_ws } kind = Kind::rest;
  std::uint64_t id = 0;
  binance::RestRequest request;  // rest
  std::string text;              // url or message
  std::string stored_book;       // rest: the trading_state row when the request left
};

struct Wire {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Sent> sent;
  caf::actor_addr executor;
  fs::path data_dir;

  // The next request the executor sent (in order), waiting up to kWait.
  std::optional<Sent> next() {
    std::unique_lock lock{mutex};
    if (!changed.wait_for(lock, kWait, [&] { return !sent.empty(); })) return std::nullopt;
    auto out = std::move(sent.front());
    sent.pop_front();
    return out;
  }
  bool idle_for(std::chrono::milliseconds span) {
    std::unique_lock lock{mutex};
    return !changed.wait_for(lock, span, [&] { return !sent.empty(); });
  }
};

class ScriptedTransport final : public OrderTransport {
 public:
  explicit ScriptedTransport(std::shared_ptr<Wire> wire) : wire_{std::move(wire)} {}
  void send(std::uint64_t id, const binance::RestRequest& request) override {
    Sent s;
    s.id = id;
    s.request = request;
    // What the database holds at the moment the request leaves (read on the actor's thread,
    // before the request could reach anyone).
    // Read-only and without Store::open (which would migrate, racing the storage actor).
    try {
      SQLite::Database db{(wire_->data_dir / "autotrader.db").string(), SQLite::OPEN_READONLY};
      SQLite::Statement q{db, "SELECT state FROM trading_state WHERE id = 1"};
      if (q.executeStep()) s.stored_book = q.getColumn(0).getString();
    } catch (const std::exception&) {
      // No database or table yet: nothing stored.
    }
    push(std::move(s));
  }
  void open_ws(std::uint64_t id, const std::string& url) override {
    push(Sent{Sent::Kind::open_ws, id, {}, url, {}});
  }
  void send_ws(std::uint64_t id, std::string text) override {
    push(Sent{Sent::Kind::send_ws, id, {}, std::move(text), {}});
  }
  void close_ws(std::uint64_t id) override { push(Sent{Sent::Kind::close_ws, id, {}, {}, {}}); }

 private:
  void push(Sent s) {
    std::lock_guard lock{wire_->mutex};
    wire_->sent.push_back(std::move(s));
    wire_->changed.notify_all();
  }
  std::shared_ptr<Wire> wire_;
};

caf::behavior silent_pool(caf::event_based_actor*, int) {
  return {[](llm_actors::llm_analyze_atom, const llm::DecisionInput&) {
    return llm_actors::PoolReply{};
  }};
}

RestOutcome answer(int status, std::string body) {
  RestOutcome o;
  o.status = status;
  o.body = std::move(body);
  o.sent_ms = o.received_ms = 1'700'000'000'000;
  return o;
}

RestOutcome lost_after_send() {
  RestOutcome o;
  o.transport = binance::HttpOutcome::Transport::failed_after_send;
  o.error = "timeout: first byte from 127.0.0.1:1";
  return o;
}

std::string param(const Sent& s, const std::string& name) {
  const auto& q = s.request.query;
  const auto key = name + "=";
  for (std::size_t at = 0; at < q.size();) {
    const auto end = q.find('&', at);
    const auto part = q.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (part.rfind(key, 0) == 0) return part.substr(key.size());
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return {};
}

class BinanceExecutor : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/binance-exec-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir = pattern;
    wire->data_dir = dir;
    settings.data_dir = dir;
    settings.mode = config::Mode::binance_testnet;
    settings.market.venue = "binance";
    settings.market.symbols = {"BTCUSDT"};
    settings.supervision.backoff_min = 10ms;
    settings.supervision.backoff_max = 50ms;
    settings.supervision.backoff_random_factor = 0;
    pool->set(system.spawn(silent_pool, 0));

    BinanceExecutorConfig config;
    config.engine.quote_asset = "USDT";
    config.engine.query_attempts = 3;
    config.engine.query_delay = 10ms;
    config.engine.poll_interval = 60s;
    config.symbols = {*core::Symbol::parse("BTCUSDT")};
    config.ws_api_url = "ws://127.0.0.1:1/ws-api/v3";
    config.signer = std::make_shared<const binance::RequestSigner>(*binance::RequestSigner::make(
        {core::Secret{"test-api-key"}, core::Secret{"test-secret-key"}}));
    config.transport = [w = wire](caf::actor_addr executor) {
      {
        std::lock_guard lock{w->mutex};
        w->executor = executor;
      }
      return std::make_unique<ScriptedTransport>(w);
    };
    config.stream_backoff.initial = 10ms;
    config.stream_backoff.max = 20ms;
    config.stream_backoff.jitter = 1ms;
    config.metrics = std::make_shared<BinanceExecMetrics>(*registry);
    config.feeds = feeds;
    config.clock = clock;
    exec_config = config;
  }

  void TearDown() override {
    if (root) {
      caf::scoped_actor self{system};
      self->monitor(root);
      self->send_exit(root, caf::exit_reason::user_shutdown);
      self->receive([](const caf::down_msg&) {});
    }
    caf::anon_send_exit(pool->get(), caf::exit_reason::kill);
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  void start() {
    auto config = exec_config;
    tree = trading_actors::trading_tree(
        settings, registry.get(), feeds, pool, {"gemini"}, clock,
        [config](caf::event_based_actor& parent, std::shared_ptr<trading_actors::TradingShared> s) {
          auto c = config;
          c.shared = std::move(s);
          return spawn_binance_executor_actor(parent, std::move(c));
        });
    root = supervision::spawn_supervisor(system, tree.spec);
  }

  caf::actor executor() {
    std::lock_guard lock{wire->mutex};
    return caf::actor_cast<caf::actor>(wire->executor);
  }

  void reply(const Sent& s, RestOutcome outcome) {
    caf::anon_send(executor(), bx_reply_atom::value, s.id, std::move(outcome));
  }

  // The next REST request; it must be `method path`.
  Sent expect_rest(const std::string& method, const std::string& path) {
    for (;;) {
      auto s = wire->next();
      if (!s) {
        ADD_FAILURE() << "no request; expected " << method << " " << path;
        return {};
      }
      if (s->kind != Sent::Kind::rest) {
        pending_ws.push_back(*s);
        continue;
      }
      EXPECT_EQ(binance::to_string(s->request.method), method) << s->request.path;
      EXPECT_EQ(s->request.path, path);
      return *s;
    }
  }

  Sent expect_ws(Sent::Kind kind) {
    for (auto it = pending_ws.begin(); it != pending_ws.end(); ++it) {
      if (it->kind == kind) {
        auto s = *it;
        pending_ws.erase(it);
        return s;
      }
    }
    for (;;) {
      auto s = wire->next();
      if (!s) {
        ADD_FAILURE() << "no WebSocket call";
        return {};
      }
      if (s->kind == kind) return *s;
      ADD_FAILURE() << "unexpected call while waiting for a WebSocket one: " << s->request.path;
    }
  }

  // Answers the reconciliation's questions: time, account, open orders, trades.
  void answer_sync(const std::string& open_orders = "[]", const std::string& trades = "[]",
                   bool with_time = true) {
    if (with_time)
      reply(expect_rest("GET", "/api/v3/time"), answer(200, R"({"serverTime":1700000000000})"));
    reply(expect_rest("GET", "/api/v3/account"), answer(200, account_body));
    reply(expect_rest("GET", "/api/v3/openOrders"), answer(200, open_orders));
    reply(expect_rest("GET", "/api/v3/myTrades"), answer(200, trades));
  }

  nlohmann::json venue_status() const {
    return tree.shared ? tree.shared->status_json().value("venue_status", nlohmann::json{})
                       : nlohmann::json{};
  }

  bool eventually(const std::function<bool()>& condition) const {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(5ms);  // polling a condition, not waiting for time to pass
    }
    return condition();
  }

  double metric(const std::string& series) const {
    const auto text = prometheus::TextSerializer{}.Serialize(registry->Collect());
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return std::nan("");
    return std::stod(text.substr(at + series.size() + 2));
  }

  trading_actors::EventsMsg place(const paper::OrderRequest& request) {
    caf::scoped_actor self{system};
    trading_actors::EventsMsg out;
    self->request(executor(), kWait, exec_place_atom::value, OrderMessage{request, {}})
        .receive([&](const trading_actors::EventsMsg& events) { out = events; },
                 [&](const caf::error& e) { ADD_FAILURE() << to_string(e); });
    return out;
  }

  static paper::OrderRequest buy(const std::string& decision) {
    paper::OrderRequest r;
    r.decision_id = decision;
    r.client_order_id = paper::make_client_order_id(decision, paper::OrderPurpose::entry);
    r.symbol = *core::Symbol::parse("BTCUSDT");
    r.side = paper::Side::buy;
    r.quantity = *core::Decimal::parse("0.01");
    r.protection =
        paper::Protection{*core::Decimal::parse("49000"), *core::Decimal::parse("52000")};
    return r;
  }

  fs::path dir;
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  config::Settings settings;
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::shared_ptr<feed::FeedCursorStore> feeds = std::make_shared<feed::FeedCursorStore>();
  std::shared_ptr<llm_actors::PoolHandle> pool = std::make_shared<llm_actors::PoolHandle>();
  std::shared_ptr<const core::Clock> clock = std::make_shared<core::SystemClock>();
  std::shared_ptr<Wire> wire = std::make_shared<Wire>();
  BinanceExecutorConfig exec_config;
  trading_actors::TradingTree tree;
  caf::actor root;
  std::vector<Sent> pending_ws;
  std::string account_body =
      R"({"canTrade":true,"balances":[{"asset":"USDT","free":"10000","locked":"0"},{"asset":"BTC","free":"0","locked":"0"}]})";
};

TEST_F(BinanceExecutor, TheOrderPathFromReconciliationToProtection) {
  start();
  auto info = expect_rest("GET", "/api/v3/exchangeInfo");
  // Before the venue is known, an order is refused at once (never queued for later).
  {
    auto events = place(buy("d0"));
    ASSERT_EQ(events.events.size(), 1u);
    const auto* rejected = std::get_if<paper::OrderRejected>(&events.events[0]);
    ASSERT_NE(rejected, nullptr);
    EXPECT_EQ(rejected->reason, paper::RejectReason::not_ready);
  }
  reply(info, answer(200, read_file(AUTOTRADER_FIXTURES "/exchange_info.json")));
  ASSERT_TRUE(eventually([&] { return !venue_status().empty(); }));
  EXPECT_FALSE(venue_status().value("ready", true));
  // Still reconciling: refused as not ready.
  {
    auto events = place(buy("d0"));
    ASSERT_EQ(events.events.size(), 1u);
    EXPECT_EQ(std::get<paper::OrderRejected>(events.events[0]).reason,
              paper::RejectReason::not_ready);
  }
  answer_sync();
  ASSERT_TRUE(eventually([&] { return venue_status().value("ready", false); }))
      << venue_status().dump();
  EXPECT_EQ(metric("autotrader_reconciliation_failed"), 0);
  EXPECT_EQ(metric("autotrader_reconciliations_total{result=\"ok\"}"), 1);

  // The user data stream: opened, subscribed once the clock is synced, then a full check.
  auto open = expect_ws(Sent::Kind::open_ws);
  EXPECT_EQ(open.text, "ws://127.0.0.1:1/ws-api/v3");
  caf::anon_send(executor(), bx_ws_open_atom::value, open.id);
  auto subscribe = expect_ws(Sent::Kind::send_ws);
  const auto request = nlohmann::json::parse(subscribe.text);
  EXPECT_EQ(request["method"], "userDataStream.subscribe.signature");
  EXPECT_EQ(request["params"]["apiKey"], "test-api-key");
  EXPECT_EQ(subscribe.text.find("test-secret-key"), std::string::npos);
  caf::anon_send(
      executor(), bx_ws_text_atom::value, open.id,
      nlohmann::json{{"id", request["id"]}, {"status", 200}, {"result", {{"subscriptionId", 0}}}}
          .dump());
  answer_sync("[]", "[]", false);
  ASSERT_TRUE(eventually([&] { return metric("autotrader_user_stream_up") == 1; }));

  // A BUY: the book holding it is in the database before the request leaves.
  const auto order = buy("d1");
  EXPECT_TRUE(place(order).events.empty());
  auto post = expect_rest("POST", "/api/v3/order");
  EXPECT_EQ(param(post, "newClientOrderId"), order.client_order_id);
  EXPECT_EQ(param(post, "quantity"), "0.01");
  EXPECT_FALSE(param(post, "signature").empty());
  EXPECT_NE(post.stored_book.find(order.client_order_id), std::string::npos)
      << "the place left before its order was recorded";

  // Its answer never comes: the order is queried, never re-sent.
  reply(post, lost_after_send());
  auto query = expect_rest("GET", "/api/v3/order");
  EXPECT_EQ(param(query, "origClientOrderId"), order.client_order_id);
  reply(query, answer(400, R"({"code":-2013,"msg":"Order does not exist."})"));
  query = expect_rest("GET", "/api/v3/order");
  reply(query, answer(200, nlohmann::json{{"symbol", "BTCUSDT"},
                                          {"orderId", 7},
                                          {"orderListId", -1},
                                          {"clientOrderId", order.client_order_id},
                                          {"price", "0"},
                                          {"origQty", "0.01"},
                                          {"executedQty", "0.01"},
                                          {"cummulativeQuoteQty", "500"},
                                          {"status", "FILLED"},
                                          {"timeInForce", "GTC"},
                                          {"type", "MARKET"},
                                          {"side", "BUY"},
                                          {"time", 1700000000000},
                                          {"updateTime", 1700000000000}}
                               .dump()));
  // A query has no fills: they come from myTrades, once.
  auto trades = expect_rest("GET", "/api/v3/myTrades");
  reply(trades, answer(200, R"([{"symbol":"BTCUSDT","id":41,"orderId":7,"orderListId":-1,
      "price":"50000","qty":"0.01","quoteQty":"500","commission":"0.5","commissionAsset":"USDT",
      "time":1700000000001,"isBuyer":true,"isMaker":false,"isBestMatch":true}])"));
  // Then the position is protected by an OCO list derived from the decision.
  auto oco = expect_rest("POST", "/api/v3/orderList/oco");
  EXPECT_EQ(param(oco, "listClientOrderId"), binance::oco_list_client_order_id("d1"));
  EXPECT_EQ(param(oco, "quantity"), "0.01");
  EXPECT_EQ(param(oco, "abovePrice"), "52000");
  EXPECT_EQ(param(oco, "belowStopPrice"), "49000");
  EXPECT_NE(oco.stored_book.find(binance::oco_list_client_order_id("d1")), std::string::npos);
  // No second place of the entry, ever.
  EXPECT_TRUE(wire->idle_for(100ms));

  ASSERT_TRUE(eventually([&] {
    store::StoreOptions options;
    options.data_dir = dir;
    auto db = store::Store::open(options);
    if (!db) return false;
    auto fills = (*db)->fills_for_order(order.client_order_id);
    return fills && fills->size() == 1 && (*fills)[0].fill_id == "41";
  }));
  ASSERT_TRUE(eventually([&] {
    const auto positions = tree.shared->positions_json()["positions"];
    return positions.size() == 1 && positions[0]["quantity"] == "0.01";
  }));

  // Binance now holds the bought BTC, locked by the OCO's legs.
  account_body =
      R"({"canTrade":true,"balances":[{"asset":"USDT","free":"9499.5","locked":"0"},{"asset":"BTC","free":"0","locked":"0.01"}]})";

  // The stream drops: reconnected after the backoff, and once subscribed again every order is
  // checked (account, open orders, our orders, trades).
  caf::anon_send(executor(), bx_ws_closed_atom::value, open.id, std::string{"connection reset"});
  ASSERT_TRUE(eventually([&] { return metric("autotrader_user_stream_reconnects_total") == 1; }));
  auto reopen = expect_ws(Sent::Kind::open_ws);
  EXPECT_NE(reopen.id, open.id);
  caf::anon_send(executor(), bx_ws_open_atom::value, reopen.id);
  auto resubscribe = nlohmann::json::parse(expect_ws(Sent::Kind::send_ws).text);
  caf::anon_send(
      executor(), bx_ws_text_atom::value, reopen.id,
      nlohmann::json{
          {"id", resubscribe["id"]}, {"status", 200}, {"result", {{"subscriptionId", 1}}}}
          .dump());
  reply(expect_rest("GET", "/api/v3/account"), answer(200, account_body));
  reply(expect_rest("GET", "/api/v3/openOrders"), answer(200, "[]"));
  // The OCO's legs are unfinished orders of ours: each is queried.
  auto leg_query = expect_rest("GET", "/api/v3/order");
  EXPECT_NE(param(leg_query, "origClientOrderId").find("d1"), std::string::npos);
}

}  // namespace
}  // namespace autotrader::binance_exec
