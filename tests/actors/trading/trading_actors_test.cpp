// The trading branch (storage, executor, trader under their rest_for_one supervisor) in a real
// actor system: the test plays the market feed (it sends the snapshots to the subscribers) and
// the AI pool (a scripted actor), and reads the results where an operator would: the API views,
// the metrics, the audit file and the database. Waits are on conditions with a deadline.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "actors/feed/protocol.hpp"
#include "actors/llm/protocol.hpp"
#include "actors/trading/protocol.hpp"
#include "actors/trading/trading_tree.hpp"
#include "caf/all.hpp"
#include "store/audit_record.hpp"
#include "store/store.hpp"
#include "supervision/supervisor.hpp"
#include "tests/src/trading/loop_fixture.hpp"

namespace autotrader::trading_actors {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kWait = 20s;
using trading::test::kT0;  // 2023-11-14T22:13:00Z, a minute boundary

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = kWait) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);  // polling a condition, not waiting for time to pass
  }
  return condition();
}

// BTCUSDT 1m candles after kT0 and the scripted decisions of the decision loop's own tests.
using trading::test::candle;
using trading::test::decision;

// The AI pool: answers each analysis with the next scripted decision (HOLD when none is left).
struct PoolScript {
  std::mutex mutex;
  std::deque<llm::Decision> answers;
  int asked = 0;
};

caf::behavior scripted_pool(caf::event_based_actor*, std::shared_ptr<PoolScript> script) {
  return {[script](llm_actors::llm_analyze_atom, const llm::DecisionInput&) {
    std::lock_guard lock{script->mutex};
    ++script->asked;
    llm_actors::PoolReply reply;
    reply.decision = decision(llm::Action::hold, 0.5);
    if (!script->answers.empty()) {
      reply.decision = script->answers.front();
      script->answers.pop_front();
    }
    reply.attempts.push_back({reply.decision.provider, "success", 5ms, "", false});
    return reply;
  }};
}

class TradingBranch : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/trading-actors-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir = pattern;
    settings.data_dir = dir;
    settings.market.symbols = {"BTCUSDT"};
    settings.supervision.backoff_min = 10ms;
    settings.supervision.backoff_max = 50ms;
    settings.supervision.backoff_random_factor = 0;
    settings.supervision.max_restarts = 20;
    settings.risk.max_orders_per_minute = 0;
    pool->set(system.spawn(scripted_pool, script));
  }

  void TearDown() override {
    stop();
    caf::anon_send_exit(pool->get(), caf::exit_reason::kill);  // or ~actor_system waits for it
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  void start() {
    tree = trading_tree(settings, registry.get(), feeds, pool, {"gemini"}, clock);
    root = supervision::spawn_supervisor(system, tree.spec);
    // Both the executor and the trader subscribe to the feed, and the trader has loaded.
    ASSERT_TRUE(eventually([&] {
      return feeds->subscribers("sim").size() == 2 && status().value("is_running", false) &&
             tree.shared->executor.get();
    }));
  }

  void stop() {
    if (!root) return;
    caf::scoped_actor self{system};
    self->monitor(root);
    self->send_exit(root, caf::exit_reason::user_shutdown);
    self->receive([](const caf::down_msg&) {});
    root = caf::actor{};
  }

  // What the feed does: every subscriber gets the snapshot.
  void publish(const market::Snapshot& snapshot) {
    for (const auto& subscriber : feeds->subscribers("sim")) {
      caf::anon_send(subscriber, feed::SnapshotUpdate{"sim", snapshot});
    }
  }

  // Candle n closes at `price`, observed a second later.
  void close_candle(int n, double price) {
    clock->set(core::TimestampMs{candle(n, "BTCUSDT", price).as_of} + 1000);
    publish(candle(n, "BTCUSDT", price));
  }

  void script_next(llm::Decision d) {
    std::lock_guard lock{script->mutex};
    script->answers.push_back(std::move(d));
  }

  nlohmann::json status() const {
    return tree.shared ? tree.shared->status_json() : nlohmann::json{};
  }
  std::uint64_t status_count(const char* key) const {
    const auto s = status();
    return s.contains(key) && s[key].is_number() ? s[key].get<std::uint64_t>() : 0;
  }
  std::string trading_state() const { return status()["risk"].value("trading_state", ""); }

  std::vector<nlohmann::json> audit_lines() const {
    std::vector<nlohmann::json> lines;
    std::ifstream in{dir / "logs" / "autonomous_trades.jsonl"};
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }

  std::unique_ptr<store::Store> database() const {
    store::StoreOptions options;
    options.data_dir = dir;
    auto opened = store::Store::open(options);
    EXPECT_TRUE(opened) << opened.error().message;
    return opened ? std::move(*opened) : nullptr;
  }

  std::string metrics_text() const {
    return prometheus::TextSerializer{}.Serialize(registry->Collect());
  }

  // Waits until the executor has accepted `n` orders: a candle that reaches it before the order
  // would not fill it.
  void accepted_by_the_venue(int n) {
    ASSERT_TRUE(eventually([&] {
      return metric("autotrader_orders_total{side=\"BUY\",status=\"accepted\",venue=\"paper\"}") ==
             n;
    }));
  }

  // The value of one series, given as it is printed ("name{labels}"); NaN when absent.
  double metric(const std::string& series) const {
    const auto text = metrics_text();
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return std::nan("");
    return std::stod(text.substr(at + series.size() + 2));
  }

  // POST /api/kill-switch as the HTTP route sends it.
  net::HttpResponse kill_switch(bool engage) {
    auto answer = std::make_shared<std::promise<net::HttpResponse>>();
    auto trader = tree.shared->trader.get();
    EXPECT_TRUE(trader);
    caf::anon_send(trader, trader_kill_atom::value, engage, std::string{"test"},
                   HttpReply{[answer](net::HttpResponse r) { answer->set_value(std::move(r)); }});
    auto future = answer->get_future();
    EXPECT_EQ(future.wait_for(kWait), std::future_status::ready);
    return future.get();
  }

  // A clock the test sets to "now" for each candle.
  struct SettableClock final : core::Clock {
    std::atomic<core::TimestampMs> wall{kT0};
    std::chrono::system_clock::time_point wall_now() const override {
      return std::chrono::system_clock::time_point{std::chrono::milliseconds{wall.load()}};
    }
    std::chrono::steady_clock::time_point steady_now() const override {
      return std::chrono::steady_clock::now();
    }
    void set(core::TimestampMs ms) { wall = ms; }
  };

  fs::path dir;
  config::Settings settings;
  std::shared_ptr<SettableClock> clock = std::make_shared<SettableClock>();
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::shared_ptr<feed::FeedCursorStore> feeds = std::make_shared<feed::FeedCursorStore>();
  std::shared_ptr<llm_actors::PoolHandle> pool = std::make_shared<llm_actors::PoolHandle>();
  std::shared_ptr<PoolScript> script = std::make_shared<PoolScript>();
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  TradingTree tree;
  caf::actor root;
};

TEST_F(TradingBranch, ABuyIsAuditedRecordedExecutedAndFilledWithItsProtection) {
  start();
  script_next(decision(llm::Action::buy));
  close_candle(1, 50'000);
  ASSERT_TRUE(eventually([&] { return status_count("trades_executed") == 1; })) << status();
  accepted_by_the_venue(1);
  close_candle(2, 50'100);  // the market order fills at this price; the AI says HOLD
  ASSERT_TRUE(eventually([&] {
    const auto positions = tree.shared->positions_json()["positions"];
    return positions.size() == 1 && status_count("decisions") == 2;
  })) << tree.shared->positions_json();
  const auto position = tree.shared->positions_json()["positions"][0];
  EXPECT_EQ(position["symbol"], "BTCUSDT");
  EXPECT_EQ(position["quantity"], "0.01");  // 5% of 10 000 at 50 000
  EXPECT_EQ(position["stop_loss"], "49000");
  EXPECT_EQ(position["take_profit"], "52000");
  const auto text = metrics_text();
  EXPECT_EQ(metric("autotrader_decisions_total{action=\"BUY\",provider=\"gemini\"}"), 1.0);
  EXPECT_EQ(metric("autotrader_orders_total{side=\"BUY\",status=\"filled\",venue=\"paper\"}"), 1.0)
      << text;
  stop();

  const auto lines = audit_lines();
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines) EXPECT_TRUE(store::validate_audit_record(line));
  EXPECT_EQ(lines[0]["final_decision"]["reason"], "execute");
  EXPECT_EQ(lines[1]["final_decision"]["reason"], "hold");
  auto db = database();
  ASSERT_TRUE(db);
  const auto decisions = db->recent_decisions(10);
  ASSERT_TRUE(decisions);
  ASSERT_EQ(decisions->size(), 2u);
  const std::string buy_id = lines[0]["decision_id"];
  const auto orders = db->orders_for_decision(buy_id);
  ASSERT_TRUE(orders);
  ASSERT_EQ(orders->size(), 1u);
  EXPECT_EQ((*orders)[0].client_order_id, "at-" + buy_id + "-en");
  EXPECT_EQ((*orders)[0].status, "FILLED");
  const auto fills = db->fills_for_order((*orders)[0].client_order_id);
  ASSERT_TRUE(fills);
  EXPECT_EQ(fills->size(), 1u);
  const auto positions = db->positions();
  ASSERT_TRUE(positions);
  ASSERT_EQ(positions->size(), 1u);
  EXPECT_EQ((*positions)[0].stop_loss->to_string(), "49000");
}

TEST_F(TradingBranch, AnAuditTrailThatCannotBeWrittenHaltsAndNothingIsExecuted) {
  // <data>/logs is a file: the audit trail cannot be opened.
  std::ofstream{dir / "logs"} << "not a directory\n";
  start();
  script_next(decision(llm::Action::buy));
  close_candle(1, 50'000);
  ASSERT_TRUE(eventually([&] { return trading_state() == "HALTED"; })) << status();
  EXPECT_EQ(status_count("trades_executed"), 0u);
  EXPECT_NE(status()["risk"]["halt_message"].get<std::string>().find("audit"), std::string::npos)
      << status();
  close_candle(2, 50'100);
  ASSERT_TRUE(eventually([&] { return status_count("loop_iterations") == 2; }));
  EXPECT_TRUE(tree.shared->positions_json()["positions"].empty());
  EXPECT_GE(metric("autotrader_storage_failures_total"), 1.0);
  stop();
  auto db = database();
  ASSERT_TRUE(db);
  const auto decisions = db->recent_decisions(10);
  ASSERT_TRUE(decisions);
  for (const auto& row : *decisions) EXPECT_FALSE(row.executed) << row.decision_id;
}

TEST_F(TradingBranch, TheKillSwitchHaltsEntriesAndSurvivesRestartsOfEveryActor) {
  start();
  script_next(decision(llm::Action::buy));
  close_candle(1, 50'000);
  ASSERT_TRUE(eventually([&] { return status_count("trades_executed") == 1; })) << status();
  accepted_by_the_venue(1);
  close_candle(2, 50'100);
  ASSERT_TRUE(eventually([&] { return tree.shared->positions_json()["positions"].size() == 1; }));

  const auto engaged = kill_switch(true);
  EXPECT_EQ(engaged.status, 200);
  EXPECT_EQ(trading_state(), "HALTED");
  EXPECT_EQ(metric("autotrader_kill_switch_engaged"), 1.0);

  // A BUY while halted is audited with the reason and not executed.
  script_next(decision(llm::Action::buy));
  close_candle(3, 50'200);
  ASSERT_TRUE(eventually([&] { return status_count("risk_rejected") == 1; })) << status();
  EXPECT_EQ(status_count("trades_executed"), 1u);

  // The trader dies: its successor loads the halt.
  const auto first_trader = tree.shared->trader.get();
  caf::anon_send_exit(first_trader, caf::exit_reason::kill);
  ASSERT_TRUE(eventually([&] {
    const auto now = tree.shared->trader.get();
    return now && now != first_trader && status().value("is_running", false) &&
           status()["risk"].value("trading_state", "") == "HALTED";
  })) << status();

  // The storage actor dies: rest_for_one restarts all three; the account comes back from the
  // database with its protected position, and the halt holds.
  const auto first_storage = tree.shared->storage.get();
  caf::anon_send_exit(first_storage, caf::exit_reason::kill);
  ASSERT_TRUE(eventually([&] {
    const auto executor = tree.shared->executor.get();
    const auto storage = tree.shared->storage.get();
    return storage && storage != first_storage && executor && status().value("is_running", false) &&
           tree.shared->positions_json()["positions"].size() == 1;
  })) << tree.shared->positions_json();
  EXPECT_EQ(tree.shared->positions_json()["positions"][0]["stop_loss"], "49000");
  EXPECT_EQ(trading_state(), "HALTED");

  const auto resumed = kill_switch(false);
  EXPECT_EQ(resumed.status, 200);
  EXPECT_EQ(trading_state(), "ACTIVE");
}

TEST_F(TradingBranch, PausedDecisionsAreAuditedButNotExecuted) {
  settings.trading.autonomous = false;
  start();
  script_next(decision(llm::Action::buy));
  close_candle(1, 50'000);
  ASSERT_TRUE(eventually([&] { return status_count("paused") == 1; })) << status();
  // The decision is done once its row is recorded (after the audit acknowledgement); a candle
  // that closes before would find it still in flight.
  ASSERT_TRUE(eventually([&] {
    return metric("autotrader_storage_writes_total{kind=\"decision\",result=\"ok\"}") == 1.0;
  }));
  EXPECT_EQ(status_count("trades_executed"), 0u);
  EXPECT_FALSE(status()["enabled"].get<bool>());

  // The toggle, as POST /api/autonomous-toggle does it.
  tree.shared->set_autonomous(true);
  caf::anon_send(tree.shared->trader.get(), trader_toggle_atom::value);
  script_next(decision(llm::Action::buy));
  close_candle(2, 50'000);
  ASSERT_TRUE(eventually([&] { return status_count("trades_executed") == 1; })) << status();
  stop();
  const auto lines = audit_lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["final_decision"]["reason"], "paused");
  EXPECT_EQ(lines[1]["final_decision"]["reason"], "execute");
}

// What the health monitor sends: the storage probe, incidents, and risk moves for the trader.
TEST_F(TradingBranch, HealthMessagesProbeRecordIncidentsAndMoveRisk) {
  start();
  caf::scoped_actor self{system};
  auto storage = tree.shared->storage.get();
  ASSERT_TRUE(storage);
  StoreResult probe{false, "no answer"};
  self->request(storage, kWait, store_probe_atom::value)
      .receive([&](const StoreResult& r) { probe = r; }, [](const caf::error&) {});
  EXPECT_TRUE(probe.ok) << probe.error;
  EXPECT_TRUE(audit_lines().empty());  // the probe writes no audit record

  store::IncidentRow incident;
  incident.time = std::chrono::system_clock::time_point{std::chrono::milliseconds{kT0}};
  incident.check = "disk_free";
  incident.action = "risk_reducing";
  incident.outcome = "applied";
  incident.detail = "8.0% free";
  StoreResult stored{false, "no answer"};
  self->request(storage, kWait, store_incident_atom::value, incident)
      .receive([&](const StoreResult& r) { stored = r; }, [](const caf::error&) {});
  EXPECT_TRUE(stored.ok) << stored.error;
  auto answer = std::make_shared<std::promise<net::HttpResponse>>();
  caf::anon_send(storage, store_incidents_atom::value, std::size_t{10},
                 HttpReply{[answer](net::HttpResponse r) { answer->set_value(std::move(r)); }});
  auto future = answer->get_future();
  ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
  const auto listed = future.get();
  EXPECT_EQ(listed.status, 200);
  const auto body = nlohmann::json::parse(listed.body);
  ASSERT_EQ(body["incidents"].size(), 1u) << listed.body;
  EXPECT_EQ(body["incidents"][0]["check"], "disk_free");
  EXPECT_EQ(body["incidents"][0]["outcome"], "applied");

  auto trader = tree.shared->trader.get();
  auto move = [&](const char* state) {
    std::string now = "no answer";
    self->request(trader, kWait, trader_risk_atom::value, std::string{state}, std::string{"test"})
        .receive([&](const std::string& s) { now = s; },
                 [&](const caf::error& e) { now = caf::to_string(e); });
    return now;
  };
  EXPECT_EQ(move("REDUCING"), "REDUCING");
  EXPECT_EQ(trading_state(), "REDUCING");
  EXPECT_EQ(move("ACTIVE"), "ACTIVE");
  EXPECT_EQ(move("HALTED"), "HALTED");
  EXPECT_EQ(move("ACTIVE"), "HALTED");  // a halt is lifted by the operator only
  EXPECT_NE(move("SIDEWAYS"), "HALTED");
  EXPECT_EQ(trading_state(), "HALTED");
}

}  // namespace
}  // namespace autotrader::trading_actors
