#pragma once
// What the Binance order tests share (binance_orders_e2e_test, binance_crash_test and the
// crash_recovery bench): the in-process FakeBinance with a 1-second market that follows the real
// clock, a fake_llm_server process as Gemini whose answer the test sets, the daemon's environment
// for mode binance-testnet, and the two books the checks compare: the venue's (what the fake
// exchange holds) and ours (the daemon's SQLite). check_books() is a pure function of those books,
// so its checks are tested against books with a planted violation each.
//
// No GoogleTest here: the bench includes it too. Failures come back as values (strings).
#include <SQLiteCpp/SQLiteCpp.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/decimal.hpp"
#include "core/market.hpp"
#include "tests/fakes/binance/fake_binance.hpp"
#include "tests/fakes/binance/klines.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace autotrader::test::binance_e2e {

namespace fb = fakes::binance;
using nlohmann::json;
using namespace std::chrono_literals;

// Distinctive test values: finding one in the daemon's output means a leak.
inline const std::string kApiKey = "binance-e2e-key-5f1c7a9e";
inline const std::string kApiSecret = "binance-e2e-secret-93d0b4c2";
inline const std::string kGeminiKey = "gemini-binance-e2e-61a2e8";
inline const std::vector<std::string> kSymbols{"BTCUSDT", "ETHUSDT"};

inline core::TimestampMs wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline core::Decimal dec(const std::string& text) {
  return core::Decimal::parse(text).value_or(core::Decimal{});
}
// A Binance decimal field ("0.00100000"); 0 when it is missing or not a decimal string.
inline core::Decimal json_decimal(const json& value) {
  return value.is_string() ? dec(value.get<std::string>()) : core::Decimal{};
}
inline core::Decimal operator+(const core::Decimal& a, const core::Decimal& b) {
  return core::add(a, b).value_or(core::Decimal{});
}
inline core::Decimal operator-(const core::Decimal& a, const core::Decimal& b) {
  return core::subtract(a, b).value_or(core::Decimal{});
}

// --- the market -------------------------------------------------------------------------------

// A FakeBinance whose market clock follows the real one: 1-second candles close every second
// (advance_to every 100 ms on a thread), so the daemon, deciding once per closed candle, decides
// about once a second per symbol. Its server time stays the real time, as Binance's does, so
// signed requests keep their recvWindow. The account starts with 10,000 USDT.
class FastMarket {
 public:
  // `minutes`: how long the candle data lasts after construction.
  explicit FastMarket(int minutes = 30) {
    fb::FakeBinanceOptions options;
    options.start_time = wall_ms() / 1000 * 1000;
    options.api_key = kApiKey;
    options.api_secret = kApiSecret;
    options.ping_interval = 5s;
    fake_ = std::make_unique<fb::FakeBinance>(options);
    const auto history = 400;  // candles before now: the daemon's warm-up reads them over REST
    std::uint64_t seed = 7;
    double price = 100.0;
    for (const auto& name : kSymbols) {
      auto symbol = *core::Symbol::parse(name);
      fake_->set_klines(
          symbol, core::Interval::s1,
          fb::generate_klines(symbol, core::Interval::s1, options.start_time - history * 1000,
                              static_cast<std::size_t>(history + minutes * 60), price, seed));
      ++seed;
      price *= 0.5;
    }
    // Dozens of restarts a minute each ask for exchangeInfo, the account and the open orders;
    // Binance's weight limit is not what these tests are about.
    fake_->set_weight_limit(1'000'000);
  }
  ~FastMarket() { stop_clock(); }
  FastMarket(const FastMarket&) = delete;
  FastMarket& operator=(const FastMarket&) = delete;

  std::optional<std::string> start() {
    if (auto error = fake_->start()) return error;
    fake_->advance_to(wall_ms());
    return std::nullopt;
  }
  fb::FakeBinance& fake() { return *fake_; }
  const fb::FakeBinance& fake() const { return *fake_; }

  // Candles close (and prices move, and resting orders match) while the clock runs.
  void start_clock() {
    std::lock_guard lock{mutex_};
    if (clock_.joinable()) return;
    running_ = true;
    clock_ = std::thread{[this] {
      std::unique_lock lock{mutex_};
      while (running_) {
        lock.unlock();
        fake_->advance_to(wall_ms());
        lock.lock();
        wake_.wait_for(lock, 100ms, [this] { return !running_; });
      }
    }};
  }
  void stop_clock() {
    {
      std::lock_guard lock{mutex_};
      running_ = false;
    }
    wake_.notify_all();
    if (clock_.joinable()) clock_.join();
  }

  // The daemon's environment for mode binance-testnet against this fake: fast timeouts and
  // retries (a request the fake leaves unanswered is given up after 1 s), risk limits that let
  // many small trades through, and Gemini as the only AI provider.
  void point_at(std::map<std::string, std::string>& env, std::uint16_t gemini_port) const {
    env["AUTOTRADER_HTTP_PORT"] = "0";
    env["AUTOTRADER_MODE"] = "binance-testnet";
    env["AUTOTRADER_MARKET_SYMBOLS"] = kSymbols[0] + "," + kSymbols[1];
    env["AUTOTRADER_MARKET_INTERVAL"] = "1s";
    env["AUTOTRADER_BINANCE_REST_BASE_URL"] = fake_->rest_base_url();
    env["AUTOTRADER_BINANCE_WS_BASE_URL"] = fake_->ws_base_url();
    env["AUTOTRADER_BINANCE_WS_API_URL"] = fake_->ws_base_url() + "/ws-api/v3";
    env["BINANCE_API_KEY"] = kApiKey;
    env["BINANCE_API_SECRET"] = kApiSecret;
    env["AUTOTRADER_BINANCE_WARMUP_CANDLES"] = "120";
    env["AUTOTRADER_BINANCE_REQUEST_TIMEOUT_SECONDS"] = "1";
    env["AUTOTRADER_BINANCE_ORDER_QUERY_DELAY_MS"] = "100";
    env["AUTOTRADER_BINANCE_POLL_INTERVAL_SECONDS"] = "1";
    env["AUTOTRADER_BINANCE_BACKOFF_INITIAL_SECONDS"] = "0.05";
    env["AUTOTRADER_BINANCE_BACKOFF_MAX_SECONDS"] = "0.5";
    env["AUTOTRADER_RISK_MAX_ORDERS_PER_MINUTE"] = "0";
    env["AUTOTRADER_RISK_MAX_DAILY_LOSS"] = "1";
    env["AUTOTRADER_RISK_MAX_DRAWDOWN"] = "1";
    env["AUTOTRADER_LLM_GEMINI_BASE_URL"] = "http://127.0.0.1:" + std::to_string(gemini_port);
    env["GEMINI_API_KEY"] = kGeminiKey;
    env["AUTOTRADER_LLM_PRIORITY"] = "gemini";
  }

 private:
  std::unique_ptr<fb::FakeBinance> fake_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool running_ = false;
  std::thread clock_;
};

// --- the AI ----------------------------------------------------------------------------------

// A decision as the model returns it: a 1% size, a 4% stop and a 12% target pass every risk rule.
inline json decision(const std::string& action, double confidence = 0.85) {
  return {{"action", action},
          {"confidence", confidence},
          {"reasoning", "binance e2e " + action},
          {"factors", {"rsi_oversold", "uptrend", "volume_confirms"}},
          {"position_size", 0.01},
          {"stop_loss_pct", 4.0},
          {"take_profit_pct", 12.0}};
}

// A fake_llm_server process as Gemini; answer() sets what both turns of every analysis get.
class FakeGemini {
 public:
  explicit FakeGemini(const std::string& program) {
    ProcessOptions options;
    options.argv = {program, "--key", "gemini=" + kGeminiKey};
    options.env = current_environment();
    process_ = std::make_unique<Process>(options);
    if (auto line = process_->wait_for_line("PORT ", 10s)) {
      port_ = static_cast<std::uint16_t>(std::stoi(line->substr(5)));
    }
  }
  ~FakeGemini() {
    process_->signal(SIGTERM);
    process_->wait(10s);
  }
  std::uint16_t port() const { return port_; }
  // "" when Gemini answers `action` from now on, else why not.
  std::string answer(const std::string& action) const {
    const json body{{"provider", "gemini"}, {"behaviour", {{"answer", decision(action)}}}};
    auto result = http_request(port_, "POST", "/_fake/default", body.dump());
    return result.status == 200 ? "" : "fake Gemini: " + result.body + result.error;
  }

 private:
  std::unique_ptr<Process> process_;
  std::uint16_t port_ = 0;
};

// --- the daemon ------------------------------------------------------------------------------

// /api/autonomous-status, or null when the daemon does not answer.
inline json autonomous_status(std::uint16_t port) {
  auto result = http_get(port, "/api/autonomous-status", 2s);
  if (result.status != 200) return nullptr;
  return json::parse(result.body, nullptr, false);
}

inline bool venue_ready(const json& status) {
  if (!status.is_object()) return false;
  const auto venue = status.find("venue_status");
  return venue != status.end() && venue->is_object() && venue->value("ready", false);
}

// Reads the daemon's output until it is reconciled with the venue (venue_status.ready), it
// exits, or the deadline passes; drains its pipes meanwhile.
inline bool wait_until_ready(Process& daemon, std::uint16_t port,
                             std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (venue_ready(autonomous_status(port))) return true;
    if (daemon.wait(20ms)) return false;
  }
  return false;
}

// The reports of every reconciliation in a daemon's output ("reconciled with Binance: {...}").
inline std::vector<json> reconcile_reports(const std::string& output) {
  std::vector<json> out;
  const std::string marker = "reconciled with Binance: ";
  for (auto at = output.find(marker); at != std::string::npos; at = output.find(marker, at + 1)) {
    const auto begin = at + marker.size();
    auto report =
        json::parse(output.substr(begin, output.find('\n', begin) - begin), nullptr, false);
    if (report.is_object()) out.push_back(std::move(report));
  }
  return out;
}

// --- the two books ---------------------------------------------------------------------------

// Our client order ids are "at-<decision id>-<purpose>" (venues/paper/client_order_id.hpp).
struct ClientId {
  std::string decision;
  std::string purpose;  // en, ex, sl, tp
};
inline std::optional<ClientId> parse_client_id(const std::string& id) {
  const auto dash = id.rfind('-');
  if (id.rfind("at-", 0) != 0 || dash == std::string::npos || dash <= 3) return std::nullopt;
  return ClientId{id.substr(3, dash - 3), id.substr(dash + 1)};
}

struct VenueOrder {
  std::string client_order_id;
  std::int64_t order_id = 0;
  std::int64_t order_list_id = -1;
  std::string symbol, side, type, status;
  core::Decimal orig_qty, executed_qty;
  bool open() const { return status == "NEW" || status == "PARTIALLY_FILLED"; }
};
struct VenueTrade {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  std::string symbol;
  core::Decimal qty;
};

// What the fake exchange holds: every order (closed ones too), every fill, and the account.
struct VenueBook {
  std::vector<VenueOrder> orders;
  std::vector<VenueTrade> trades;
  std::map<std::string, core::Decimal> holdings;  // asset -> free + locked

  static VenueBook read(const fb::FakeBinance& fake) {
    VenueBook book;
    for (const auto& o : fake.orders()) {
      book.orders.push_back({o.value("clientOrderId", ""), o.value("orderId", std::int64_t{0}),
                             o.value("orderListId", std::int64_t{-1}), o.value("symbol", ""),
                             o.value("side", ""), o.value("type", ""), o.value("status", ""),
                             json_decimal(o.value("origQty", json{})),
                             json_decimal(o.value("executedQty", json{}))});
    }
    for (const auto& t : fake.trades()) {
      book.trades.push_back({t.value("id", std::int64_t{0}), t.value("orderId", std::int64_t{0}),
                             t.value("symbol", ""), json_decimal(t.value("qty", json{}))});
    }
    const auto balances = fake.balances();  // items() does not keep a temporary alive
    for (const auto& [asset, balance] : balances.items()) {
      book.holdings[asset] = json_decimal(balance.value("free", json{})) +
                             json_decimal(balance.value("locked", json{}));
    }
    return book;
  }
};

// What the daemon recorded (its SQLite database, read after it stopped), and the positions its
// API showed.
struct OurBook {
  struct Order {
    std::string decision_id, venue, symbol, side, status;
  };
  struct Fill {
    std::string client_order_id, fill_id;
  };
  struct Position {
    core::Decimal quantity;
    bool protected_ = false;  // a stop-loss and a take-profit
    std::string decision_id;  // the API's only
  };
  std::set<std::string> decisions;
  // How the decisions ended: "executed <action>", or "<action>: <final_decision.reason>".
  std::map<std::string, int> outcomes;
  std::map<std::string, Order> orders;            // by client order id
  std::vector<Fill> fills;                        // of venue binance orders
  std::map<std::string, Position> positions;      // SQLite, venue binance, by symbol
  std::map<std::string, Position> api_positions;  // GET /api/positions, by symbol

  static OurBook read(const std::string& db_path) {
    OurBook book;
    SQLite::Database db{db_path, SQLite::OPEN_READONLY};
    SQLite::Statement decisions{db, "SELECT decision_id, action, executed, record FROM decisions"};
    while (decisions.executeStep()) {
      book.decisions.insert(decisions.getColumn(0).getString());
      const auto action = decisions.getColumn(1).getString();
      const auto record = json::parse(decisions.getColumn(3).getString(), nullptr, false);
      const auto final_decision =
          record.is_object() ? record.value("final_decision", json::object()) : json::object();
      ++book.outcomes[decisions.getColumn(2).getInt() != 0
                          ? "executed " + action
                          : action + ": " + final_decision.value("reason", std::string{"?"})];
    }
    SQLite::Statement orders{
        db, "SELECT client_order_id, decision_id, venue, symbol, side, status FROM orders"};
    while (orders.executeStep()) {
      book.orders[orders.getColumn(0).getString()] = {
          orders.getColumn(1).getString(), orders.getColumn(2).getString(),
          orders.getColumn(3).getString(), orders.getColumn(4).getString(),
          orders.getColumn(5).getString()};
    }
    SQLite::Statement fills{db,
                            "SELECT f.client_order_id, f.fill_id FROM fills f JOIN orders o ON "
                            "o.client_order_id = f.client_order_id WHERE o.venue = 'binance'"};
    while (fills.executeStep()) {
      book.fills.push_back({fills.getColumn(0).getString(), fills.getColumn(1).getString()});
    }
    SQLite::Statement positions{
        db,
        "SELECT symbol, quantity, stop_loss, take_profit FROM positions WHERE venue = "
        "'binance'"};
    while (positions.executeStep()) {
      Position p;
      p.quantity = dec(positions.getColumn(1).getString());
      p.protected_ = !positions.getColumn(2).isNull() && !positions.getColumn(3).isNull();
      book.positions[positions.getColumn(0).getString()] = p;
    }
    return book;
  }

  // GET /api/positions's "positions" array.
  void set_api_positions(const json& positions) {
    api_positions.clear();
    if (!positions.is_array()) return;
    for (const auto& p : positions) {
      Position position;
      position.quantity = json_decimal(p.value("quantity", json{}));
      position.protected_ =
          p.value("stop_loss", json{}).is_string() && p.value("take_profit", json{}).is_string();
      position.decision_id = p.value("decision_id", "");
      api_positions[p.value("symbol", "")] = position;
    }
  }
};

// A symbol's lot step (exchangeInfo LOT_SIZE) and base asset.
struct Lot {
  std::string base;
  core::Decimal step;
};
inline const std::map<std::string, Lot>& lots() {
  static const std::map<std::string, Lot> all{
      {"BTCUSDT", {"BTC", *core::Decimal::parse("0.00001")}},
      {"ETHUSDT", {"ETH", *core::Decimal::parse("0.0001")}}};
  return all;
}

struct BookCounts {
  std::size_t venue_orders = 0, entries = 0, venue_fills = 0, our_fills = 0, positions = 0,
              open_protective_orders = 0,
              legs_replaced = 0;  // OCO leg ids placed again after their list was cancelled
  std::vector<std::string> replaced_leg_ids;  // those ids, each with its copies
};

// Every way the two books may disagree, one line each; empty when they agree. The invariants:
// 1. no client order id was placed twice on the venue (an OCO leg's may be re-placed after its
//    list was cancelled, never while a copy is open, and only one copy may execute), and no
//    decision has two entry orders;
// 2. every venue order is ours: it names a recorded decision, and it is a recorded order of
//    venue binance and of that decision (an OCO leg once it has executed: resting and cancelled
//    legs have no orders row by the trading branch's design, only their position's stop and
//    target);
// 3. every venue fill of our orders is one fills row (fill_id = the trade id), and every fills
//    row is a venue fill;
// 4. our positions (SQLite and the API alike) equal the venue's base holdings, modulo dust: the
//    venue may hold more by less than one lot step per SELL that filled on the symbol (a sale is
//    rounded down to the step, and a BUY's fee is paid in the base asset);
// 5. every protected position has its OCO legs open on the venue (stop-loss and take-profit of
//    the position's decision, one list, covering the position), and no other order is open.
inline std::vector<std::string> check_books(const VenueBook& venue, const OurBook& ours,
                                            BookCounts* counts = nullptr) {
  std::vector<std::string> bad;
  BookCounts n;
  std::map<std::string, std::vector<const VenueOrder*>> placed;  // by client id, in order
  std::map<std::string, int> entries_by_decision;
  std::map<std::int64_t, const VenueOrder*> by_order_id;
  std::map<std::string, int> sells_filled;
  for (const auto& o : venue.orders) {
    by_order_id[o.order_id] = &o;
    ++n.venue_orders;
    placed[o.client_order_id].push_back(&o);
    if (o.side == "SELL" && !o.executed_qty.is_zero()) ++sells_filled[o.symbol];
    const auto id = parse_client_id(o.client_order_id);
    if (!id) {
      bad.push_back("venue order " + o.client_order_id + " has no client id of ours");
      continue;
    }
    if (id->purpose == "en") {
      ++n.entries;
      if (++entries_by_decision[id->decision] == 2) {
        bad.push_back("decision " + id->decision + " has two entry orders on the venue");
      }
    }
    const auto row = ours.orders.find(o.client_order_id);
    // An OCO leg gets its orders row when it executes (the trading branch records a protective
    // order as it triggers, as for the paper broker); one that rests or was cancelled has none.
    const bool leg = id->purpose == "sl" || id->purpose == "tp";
    if (row == ours.orders.end() && leg && o.executed_qty.is_zero()) {
      // recorded through its position's stop_loss and take_profit only
    } else if (row == ours.orders.end()) {
      bad.push_back("venue order " + o.client_order_id + " (" + o.status + ") is not in orders");
    } else {
      if (row->second.venue != "binance") {
        bad.push_back("order " + o.client_order_id + " is recorded for venue " + row->second.venue);
      }
      if (row->second.decision_id != id->decision) {
        bad.push_back("order " + o.client_order_id + " is recorded for decision " +
                      row->second.decision_id);
      }
    }
    if (ours.decisions.count(id->decision) == 0) {
      bad.push_back("venue order " + o.client_order_id + " names decision " + id->decision +
                    " that is not in decisions");
    }
  }

  for (const auto& [client_id, copies] : placed) {
    if (copies.size() < 2) continue;
    const auto id = parse_client_id(client_id);
    const bool leg = id && (id->purpose == "sl" || id->purpose == "tp");
    std::string what;
    int executed = 0;
    bool open_before_last = false;
    for (std::size_t i = 0; i < copies.size(); ++i) {
      what += (i == 0 ? "" : ", ") + copies[i]->status + " " + copies[i]->type + " #" +
              std::to_string(copies[i]->order_id);
      if (!copies[i]->executed_qty.is_zero()) ++executed;
      if (i + 1 < copies.size() && copies[i]->open()) open_before_last = true;
    }
    // A protective leg is re-placed under the same id when its list was cancelled and the
    // position still needs it (a SELL that never went out, a resize): safe while no two copies
    // are open at once (Binance refuses a duplicate id among open orders) and at most one
    // executes. An entry or an exit id twice is an order sent twice.
    if (leg) {
      n.legs_replaced += copies.size() - 1;
      n.replaced_leg_ids.push_back(client_id + " (" + what + ")");
    }
    if (!leg || executed > 1 || open_before_last) {
      bad.push_back("client order id " + client_id + " placed " + std::to_string(copies.size()) +
                    " times on the venue (" + what + ")");
    }
  }

  std::map<std::pair<std::string, std::string>, int> recorded;
  for (const auto& f : ours.fills) ++recorded[{f.client_order_id, f.fill_id}];
  std::set<std::pair<std::string, std::string>> made;
  for (const auto& t : venue.trades) {
    const auto order = by_order_id.find(t.order_id);
    if (order == by_order_id.end()) {
      bad.push_back("venue fill " + std::to_string(t.id) + " of an unknown order");
      continue;
    }
    ++n.venue_fills;
    const std::pair key{order->second->client_order_id, std::to_string(t.id)};
    made.insert(key);
    const auto times = recorded.count(key) != 0 ? recorded[key] : 0;
    if (times != 1) {
      bad.push_back("venue fill " + key.second + " of " + key.first + " is in fills " +
                    std::to_string(times) + " times");
    }
  }
  for (const auto& [key, times] : recorded) {
    n.our_fills += static_cast<std::size_t>(times);
    if (made.count(key) == 0) {
      bad.push_back("fills row " + key.second + " of " + key.first + " is no venue fill");
    }
  }

  for (const auto& [symbol, lot] : lots()) {
    const auto held_it = venue.holdings.find(lot.base);
    const auto held = held_it == venue.holdings.end() ? core::Decimal{} : held_it->second;
    core::Decimal dust;
    for (int i = 0; i <= sells_filled[symbol]; ++i) dust = dust + lot.step;
    for (const auto* book : {&ours.positions, &ours.api_positions}) {
      const char* where = book == &ours.positions ? "positions table" : "/api/positions";
      const auto p = book->find(symbol);
      const auto mine = p == book->end() ? core::Decimal{} : p->second.quantity;
      const auto excess = held - mine;
      if (excess.is_negative() || excess >= dust) {
        bad.push_back(std::string{where} + ": " + symbol + " " + mine.to_string() +
                      " but the venue holds " + held.to_string() + " " + lot.base);
      }
    }
  }
  if (ours.positions.size() != ours.api_positions.size()) {
    bad.push_back("positions table has " + std::to_string(ours.positions.size()) +
                  " positions, /api/positions " + std::to_string(ours.api_positions.size()));
  }

  std::set<std::string> protective;
  for (const auto& [symbol, p] : ours.api_positions) {
    ++n.positions;
    if (!p.protected_) continue;
    const VenueOrder* legs[2] = {nullptr, nullptr};
    for (const auto& o : venue.orders) {
      if (!o.open() || o.symbol != symbol) continue;
      if (o.client_order_id == "at-" + p.decision_id + "-sl") legs[0] = &o;
      if (o.client_order_id == "at-" + p.decision_id + "-tp") legs[1] = &o;
    }
    if (legs[0] == nullptr || legs[1] == nullptr) {
      bad.push_back("position " + symbol + " (decision " + p.decision_id +
                    ") has no open OCO legs on the venue");
      continue;
    }
    const auto step = lots().count(symbol) != 0 ? lots().at(symbol).step : core::Decimal{};
    for (const auto* leg : legs) {
      protective.insert(leg->client_order_id);
      const auto uncovered = p.quantity - (leg->orig_qty - leg->executed_qty);
      if (leg->side != "SELL" || leg->order_list_id < 0 ||
          leg->order_list_id != legs[0]->order_list_id || uncovered.is_negative() ||
          uncovered >= step) {
        bad.push_back("OCO leg " + leg->client_order_id + " (" + leg->side + " " +
                      leg->orig_qty.to_string() + ", list " + std::to_string(leg->order_list_id) +
                      ") does not protect " + symbol + " " + p.quantity.to_string());
      }
    }
    if (legs[0]->type != "STOP_LOSS_LIMIT" || legs[1]->type != "LIMIT_MAKER") {
      bad.push_back("OCO legs of " + symbol + " are " + legs[0]->type + " and " + legs[1]->type);
    }
  }
  for (const auto& o : venue.orders) {
    if (!o.open()) continue;
    if (protective.count(o.client_order_id) != 0) {
      ++n.open_protective_orders;
    } else {
      bad.push_back("venue order " + o.client_order_id + " is open but protects no position");
    }
  }
  if (counts != nullptr) *counts = n;
  return bad;
}

inline std::string joined(const std::vector<std::string>& lines, std::size_t at_most = 40) {
  std::string out;
  for (std::size_t i = 0; i < lines.size() && i < at_most; ++i) out += "  " + lines[i] + "\n";
  if (lines.size() > at_most) out += "  ... " + std::to_string(lines.size() - at_most) + " more\n";
  return out;
}

}  // namespace autotrader::test::binance_e2e
