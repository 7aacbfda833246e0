#include "store/store.hpp"

#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "store/schema.hpp"
#include "store/timestamp.hpp"
#include "tests/support/process.hpp"

namespace autotrader::store {
namespace {

namespace fs = std::filesystem;
using core::Decimal;

Decimal dec(const char* text) {
  return *Decimal::parse(text);
}

TimePoint at(const char* text) {
  return *parse_timestamp(text);
}

OrderRow order(const std::string& client_order_id) {
  OrderRow o;
  o.client_order_id = client_order_id;
  o.decision_id = "d-1";
  o.venue = "paper";
  o.symbol = "BTCUSDT";
  o.side = "BUY";
  o.type = "LIMIT";
  o.quantity = dec("0.00150000");
  o.price = dec("97000.01");
  o.status = "NEW";
  o.created_at = at("2026-11-21T08:55:36.123Z");
  o.updated_at = o.created_at;
  return o;
}

class StoreDb : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove_all(dir_); }

  StoreOptions options() const {
    StoreOptions o;
    o.data_dir = dir_ / "data";
    return o;
  }
  std::unique_ptr<Store> open(const StoreOptions& o) {
    auto store = Store::open(o);
    EXPECT_TRUE(store) << store.error().message;
    return store ? std::move(store).value() : nullptr;
  }
  fs::path db_path() const { return dir_ / "data" / "autotrader.db"; }

  fs::path dir_ = test::make_temp_dir("store_db");
};

TEST_F(StoreDb, CreatesTheDatabaseAtTheLatestSchemaInWalMode) {
  auto store = open(options());
  ASSERT_TRUE(store);
  EXPECT_EQ(store->path(), db_path());
  EXPECT_TRUE(fs::exists(db_path()));
  EXPECT_EQ(*store->schema_version(), latest_schema_version());
  EXPECT_EQ(*store->journal_mode(), "wal");
  ASSERT_EQ(store->save_trading_state({{"state", "ACTIVE"}}, at("2026-11-21T08:00:00Z")),
            std::nullopt);
  EXPECT_TRUE(fs::exists(dir_ / "data" / "autotrader.db-wal"));

  // Reopening applies nothing and keeps the data.
  store.reset();
  store = open(options());
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->schema_version(), latest_schema_version());
  EXPECT_EQ((*store->load_trading_state())->at("state"), "ACTIVE");
}

TEST_F(StoreDb, MigrationsAreNumberedInOrder) {
  int expected = 1;
  for (const auto& m : migrations()) EXPECT_EQ(m.version, expected++) << m.name;
}

// A database of the first release (only the classic tables, user_version 1) with a row in it.
void make_v1_database(const fs::path& path) {
  fs::create_directories(path.parent_path());
  SQLite::Database db{path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
  db.exec(migrations().at(0).sql);
  db.exec(
      "INSERT INTO individual_trades (timestamp, ticker, action, price, quantity, pnl, "
      "hold_time, indicators) VALUES ('2026-01-02T03:04:05.000Z', 'AAPL', 'SELL', 190.5, 10, "
      "12.25, 3600, '{\"rsi\":71}')");
  db.exec(
      "INSERT INTO daily_performance VALUES ('2026-01-02', 3, 0.66, 40.5, 1800, 'AAPL', "
      "'{\"min_confidence\":0.6}')");
  db.exec("PRAGMA user_version=1");
}

TEST_F(StoreDb, AVersionOneDatabaseMigratesAndKeepsItsRows) {
  make_v1_database(db_path());
  auto store = open(options());
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->schema_version(), latest_schema_version());
  EXPECT_EQ(*store->journal_mode(), "wal");

  const auto trades = store->recent_trades(10);
  ASSERT_TRUE(trades) << trades.error().message;
  ASSERT_EQ(trades->size(), 1u);
  EXPECT_EQ((*trades)[0].ticker, "AAPL");
  EXPECT_EQ((*trades)[0].pnl, 12.25);
  EXPECT_EQ((*trades)[0].indicators["rsi"], 71);
  const auto day = store->daily_performance("2026-01-02");
  ASSERT_TRUE(day && *day);
  EXPECT_EQ((*day)->best_stock, "AAPL");
  EXPECT_EQ((*day)->parameters["min_confidence"], 0.6);

  // The tables of version 2 are there.
  EXPECT_EQ(store->insert_order(order("at-1")), std::nullopt);
}

TEST_F(StoreDb, AFailedMigrationLeavesThePreviousVersionWhole) {
  make_v1_database(db_path());
  {
    // Something in the way of migration 2, after its first tables would have been created.
    SQLite::Database db{db_path().string(), SQLite::OPEN_READWRITE};
    db.exec("CREATE TABLE positions (x INTEGER)");
  }
  auto store = Store::open(options());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, errc::migration_failed);
  EXPECT_NE(store.error().message.find("migration 2"), std::string::npos) << store.error().message;

  SQLite::Database db{db_path().string(), SQLite::OPEN_READONLY};
  EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), 1);
  EXPECT_FALSE(db.tableExists("decisions"));
  EXPECT_FALSE(db.tableExists("orders"));
}

TEST_F(StoreDb, ADatabaseFromANewerVersionIsRefused) {
  fs::create_directories(db_path().parent_path());
  {
    SQLite::Database db{db_path().string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
    db.exec("PRAGMA user_version=99");
  }
  auto store = Store::open(options());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, errc::schema_too_new);
}

TEST_F(StoreDb, AFileThatIsNotADatabaseIsCorrupt) {
  fs::create_directories(db_path().parent_path());
  std::ofstream{db_path()} << std::string(8192, 'x');
  auto store = Store::open(options());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, errc::corrupt) << store.error().message;
}

TEST_F(StoreDb, AnUnusableDataDirectoryIsAnErrorValue) {
  // The data "directory" is a regular file.
  std::ofstream{dir_ / "data"} << "x";
  auto store = Store::open(options());
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("data"), std::string::npos) << store.error().message;
}

TEST_F(StoreDb, AnUnwritableDataDirectoryIsReadOnly) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes through file permissions";
  fs::create_directories(dir_ / "data");
  fs::permissions(dir_ / "data", fs::perms::owner_read | fs::perms::owner_exec);
  auto store = Store::open(options());
  fs::permissions(dir_ / "data", fs::perms::owner_all);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, errc::read_only) << store.error().message;
}

TEST_F(StoreDb, DecisionsRoundTripNewestFirst) {
  auto store = open(options());
  ASSERT_TRUE(store);
  for (int i = 0; i < 3; ++i) {
    DecisionRow row;
    row.decision_id = "d-" + std::to_string(i);
    row.timestamp = at("2026-11-21T08:55:36.123Z") + std::chrono::minutes{i};
    row.symbol = "ETHUSDT";
    row.action = i == 1 ? "HOLD" : "BUY";
    row.confidence = 0.5 + i / 10.0;
    row.provider = "gemini";
    row.executed = i != 1;
    row.record = {{"decision_type", row.action}, {"seq", i}};
    ASSERT_EQ(store->insert_decision(row), std::nullopt);
  }
  const auto rows = store->recent_decisions(2);
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].decision_id, "d-2");
  EXPECT_EQ((*rows)[1].decision_id, "d-1");
  EXPECT_EQ((*rows)[1].action, "HOLD");
  EXPECT_FALSE((*rows)[1].executed);
  EXPECT_DOUBLE_EQ((*rows)[1].confidence, 0.6);
  EXPECT_EQ((*rows)[1].timestamp, at("2026-11-21T08:56:36.123Z"));
  EXPECT_EQ((*rows)[1].record["seq"], 1);

  DecisionRow again;
  again.decision_id = "d-0";
  const auto duplicate = store->insert_decision(again);
  ASSERT_TRUE(duplicate);
  EXPECT_EQ(duplicate->code, errc::duplicate);
}

TEST_F(StoreDb, ADecisionRowIsCompletedAndMarkedExecuted) {
  auto store = open(options());
  ASSERT_TRUE(store);
  DecisionRow row;
  row.decision_id = "d-1";
  row.timestamp = at("2026-11-21T08:55:36.123Z");
  row.symbol = "BTCUSDT";
  row.action = "BUY";
  row.record = {{"final_decision", {{"execute", true}}}};
  ASSERT_EQ(store->insert_decision(row), std::nullopt);
  row.record["final_decision"]["reason"] = "halted_before_send";
  row.confidence = 0.7;
  ASSERT_EQ(store->update_decision(row), std::nullopt);
  auto rows = store->recent_decisions(5);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_FALSE((*rows)[0].executed);
  EXPECT_DOUBLE_EQ((*rows)[0].confidence, 0.7);
  EXPECT_EQ((*rows)[0].record["final_decision"]["reason"], "halted_before_send");

  ASSERT_EQ(store->mark_decision_executed("d-1"), std::nullopt);
  rows = store->recent_decisions(5);
  ASSERT_TRUE(rows);
  EXPECT_TRUE((*rows)[0].executed);

  DecisionRow unknown;
  unknown.decision_id = "d-2";
  const auto missing = store->update_decision(unknown);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->code, errc::invalid_record);
  const auto not_there = store->mark_decision_executed("d-2");
  ASSERT_TRUE(not_there);
  EXPECT_EQ(not_there->code, errc::invalid_record);
}

TEST_F(StoreDb, OrdersAreKeyedByClientOrderIdAndADuplicateIsDetected) {
  auto store = open(options());
  ASSERT_TRUE(store);
  ASSERT_EQ(store->insert_order(order("at-1")), std::nullopt);
  auto market = order("at-2");
  market.type = "MARKET";
  market.price.reset();
  ASSERT_EQ(store->insert_order(market), std::nullopt);

  auto duplicate = order("at-1");
  duplicate.quantity = dec("5");
  const auto error = store->insert_order(duplicate);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, errc::duplicate);
  EXPECT_NE(error->message.find("at-1"), std::string::npos);

  const auto found = store->find_order("at-1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->quantity, dec("0.0015"));  // the first insert stands
  EXPECT_EQ((*found)->quantity.to_string(8), "0.00150000");
  EXPECT_EQ((*found)->price, dec("97000.01"));
  EXPECT_EQ((*found)->created_at, at("2026-11-21T08:55:36.123Z"));
  EXPECT_EQ((*found)->venue_order_id, "");
  EXPECT_FALSE((*store->find_order("at-2"))->price.has_value());
  EXPECT_FALSE(store->find_order("nope")->has_value());

  ASSERT_EQ(store->update_order_status("at-1", "FILLED", "v-77", at("2026-11-21T09:00:00Z")),
            std::nullopt);
  const auto updated = store->find_order("at-1");
  EXPECT_EQ((*updated)->status, "FILLED");
  EXPECT_EQ((*updated)->venue_order_id, "v-77");
  EXPECT_EQ((*updated)->updated_at, at("2026-11-21T09:00:00Z"));
  const auto missing = store->update_order_status("nope", "FILLED", "", at("2026-11-21T09:00:00Z"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->code, errc::invalid_record);

  const auto of_decision = store->orders_for_decision("d-1");
  ASSERT_TRUE(of_decision);
  ASSERT_EQ(of_decision->size(), 2u);
  EXPECT_EQ((*of_decision)[1].client_order_id, "at-2");
}

TEST_F(StoreDb, FillsBelongToAKnownOrderOnce) {
  auto store = open(options());
  ASSERT_TRUE(store);
  ASSERT_EQ(store->insert_order(order("at-1")), std::nullopt);
  FillRow fill;
  fill.client_order_id = "at-1";
  fill.fill_id = "t-1";
  fill.timestamp = at("2026-11-21T08:55:37Z");
  fill.price = dec("97000.01");
  fill.quantity = dec("0.001");
  fill.fee = dec("0.000001");
  fill.fee_asset = "BTC";
  const auto id = store->insert_fill(fill);
  ASSERT_TRUE(id) << id.error().message;
  fill.fill_id = "t-2";
  fill.quantity = dec("0.0005");
  ASSERT_TRUE(store->insert_fill(fill));

  const auto again = store->insert_fill(fill);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, errc::duplicate);
  fill.client_order_id = "unknown";
  fill.fill_id = "t-3";
  const auto orphan = store->insert_fill(fill);
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, errc::constraint);

  const auto fills = store->fills_for_order("at-1");
  ASSERT_TRUE(fills);
  ASSERT_EQ(fills->size(), 2u);
  EXPECT_EQ((*fills)[0].id, *id);
  EXPECT_EQ((*fills)[0].fee, dec("0.000001"));
  EXPECT_EQ((*fills)[1].quantity, dec("0.0005"));
  EXPECT_EQ((*fills)[1].fee_asset, "BTC");
}

TEST_F(StoreDb, PositionsUpsertAndRemove) {
  auto store = open(options());
  ASSERT_TRUE(store);
  PositionRow p;
  p.venue = "paper";
  p.symbol = "BTCUSDT";
  p.quantity = dec("0.0015");
  p.avg_entry_price = dec("97000.01");
  p.stop_loss = dec("95060.00");
  p.opened_at = at("2026-11-21T08:55:37Z");
  p.updated_at = p.opened_at;
  ASSERT_EQ(store->upsert_position(p), std::nullopt);
  p.quantity = dec("0.003");
  p.take_profit = dec("100880");
  ASSERT_EQ(store->upsert_position(p), std::nullopt);
  p.symbol = "ETHUSDT";
  p.quantity = dec("-1.5");
  p.stop_loss.reset();
  p.take_profit.reset();
  ASSERT_EQ(store->upsert_position(p), std::nullopt);

  auto rows = store->positions();
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].quantity, dec("0.003"));
  EXPECT_EQ((*rows)[0].stop_loss, dec("95060"));
  EXPECT_EQ((*rows)[0].take_profit, dec("100880"));
  EXPECT_EQ((*rows)[1].quantity, dec("-1.5"));
  EXPECT_FALSE((*rows)[1].stop_loss.has_value());

  ASSERT_EQ(store->remove_position("paper", "BTCUSDT"), std::nullopt);
  rows = store->positions();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].symbol, "ETHUSDT");
}

TEST_F(StoreDb, TradingStateIsOneRow) {
  auto store = open(options());
  ASSERT_TRUE(store);
  EXPECT_FALSE(store->load_trading_state()->has_value());
  ASSERT_EQ(store->save_trading_state({{"state", "HALTED"}, {"reason", "daily_loss"}},
                                      at("2026-11-21T08:00:00Z")),
            std::nullopt);
  ASSERT_EQ(store->save_trading_state({{"state", "ACTIVE"}}, at("2026-11-22T00:00:00Z")),
            std::nullopt);
  const auto state = store->load_trading_state();
  ASSERT_TRUE(state && *state);
  EXPECT_EQ(**state, (nlohmann::json{{"state", "ACTIVE"}}));
}

TEST_F(StoreDb, ParameterHistoryNewestFirst) {
  auto store = open(options());
  ASSERT_TRUE(store);
  for (int i = 0; i < 3; ++i) {
    ParameterChange c;
    c.timestamp = at("2026-11-21T08:00:00Z") + std::chrono::hours{i};
    c.parameters = {{"min_confidence", 0.6 + i / 100.0}};
    c.reason = "change " + std::to_string(i);
    ASSERT_TRUE(store->insert_parameter_change(c));
  }
  const auto history = store->parameter_history(10);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].reason, "change 2");
  EXPECT_EQ((*history)[2].timestamp, at("2026-11-21T08:00:00Z"));
  EXPECT_EQ((*history)[1].parameters["min_confidence"], 0.61);
}

TEST_F(StoreDb, TradesBetweenSelectsOneDayOldestFirst) {
  auto store = open(options());
  ASSERT_TRUE(store);
  for (const char* time : {"2026-11-20T23:59:59.999Z", "2026-11-21T00:00:00Z",
                           "2026-11-21T12:00:00Z", "2026-11-22T00:00:00Z"}) {
    TradeRow t;
    t.timestamp = at(time);
    t.ticker = time;
    t.action = "SELL";
    ASSERT_TRUE(store->insert_trade(t));
  }
  const auto day = store->trades_between(at("2026-11-21T00:00:00Z"), at("2026-11-22T00:00:00Z"));
  ASSERT_TRUE(day) << day.error().message;
  ASSERT_EQ(day->size(), 2u);
  EXPECT_EQ((*day)[0].ticker, "2026-11-21T00:00:00Z");
  EXPECT_EQ((*day)[1].ticker, "2026-11-21T12:00:00Z");
}

TEST_F(StoreDb, ClassicTradesAndDailyPerformanceRoundTrip) {
  auto store = open(options());
  ASSERT_TRUE(store);
  TradeRow t;
  t.timestamp = at("2026-11-21T08:00:00Z");
  t.ticker = "BTCUSDT";
  t.action = "SELL";
  t.price = 97100.5;
  t.quantity = 0.0015;
  t.pnl = 0.15;
  t.hold_time = 5400;
  t.indicators = {{"rsi", 72.5}, {"macd", "bullish"}};
  const auto id = store->insert_trade(t);
  ASSERT_TRUE(id);
  const auto trades = store->recent_trades(5);
  ASSERT_TRUE(trades);
  ASSERT_EQ(trades->size(), 1u);
  EXPECT_EQ((*trades)[0].id, *id);
  EXPECT_EQ((*trades)[0].quantity, 0.0015);
  EXPECT_EQ((*trades)[0].indicators, t.indicators);

  DailyPerformanceRow d;
  d.date = "2026-11-21";
  d.total_trades = 4;
  d.win_rate = 0.5;
  d.total_pnl = -3.25;
  d.avg_hold_time = 1200;
  d.best_stock = "ETHUSDT";
  d.parameters = {{"max_position_size", 0.1}};
  ASSERT_EQ(store->upsert_daily_performance(d), std::nullopt);
  d.total_trades = 5;
  d.win_rate = 0.6;
  ASSERT_EQ(store->upsert_daily_performance(d), std::nullopt);
  const auto day = store->daily_performance("2026-11-21");
  ASSERT_TRUE(day && *day);
  EXPECT_EQ((*day)->total_trades, 5);
  EXPECT_EQ((*day)->win_rate, 0.6);
  EXPECT_EQ((*day)->total_pnl, -3.25);
  EXPECT_EQ((*day)->parameters, d.parameters);
  EXPECT_FALSE(store->daily_performance("2026-11-20")->has_value());
}

// The database capped at a few pages more than its schema needs behaves as a full disk does:
// SQLITE_FULL comes back as disk_full, the failed transaction leaves no trace and what was
// committed before is still readable.
TEST_F(StoreDb, AFullDatabaseIsDiskFullAndKeepsWhatWasCommitted) {
  std::int64_t pages = 0;
  {
    auto store = open(options());
    ASSERT_TRUE(store);
    SQLite::Database db{db_path().string(), SQLite::OPEN_READONLY};
    pages = db.execAndGet("PRAGMA page_count").getInt64();
  }
  auto o = options();
  o.max_page_count = pages + 4;
  auto store = open(o);
  ASSERT_TRUE(store);

  std::optional<Error> error;
  int inserted = 0;
  for (; inserted < 1000 && !error; ++inserted) {
    DecisionRow row;
    row.decision_id = "d-" + std::to_string(inserted);
    row.timestamp = at("2026-11-21T08:00:00Z");
    row.record = {{"padding", std::string(2000, 'p')}};
    error = store->insert_decision(row);
  }
  ASSERT_TRUE(error) << "the capped database never filled up";
  EXPECT_EQ(error->code, errc::disk_full) << error->message;
  const int committed = inserted - 1;
  EXPECT_GT(committed, 0);

  const auto rows = store->recent_decisions(10'000);
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(rows->size(), static_cast<std::size_t>(committed));
}

TEST_F(StoreDb, AStoredValueThatDoesNotParseIsCorruptNotACrash) {
  auto store = open(options());
  ASSERT_TRUE(store);
  ASSERT_EQ(store->insert_order(order("at-1")), std::nullopt);
  {
    SQLite::Database db{db_path().string(), SQLite::OPEN_READWRITE};
    db.exec("UPDATE orders SET quantity = 'lots' WHERE client_order_id = 'at-1'");
  }
  const auto found = store->find_order("at-1");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, errc::corrupt);
  EXPECT_NE(found.error().message.find("quantity"), std::string::npos) << found.error().message;
}

TEST_F(StoreDb, IncidentsNewestFirst) {
  auto store = open(options());
  ASSERT_TRUE(store);
  IncidentRow first;
  first.time = at("2026-11-21T08:00:00Z");
  first.check = "market_data_fresh";
  first.action = "restart_child";
  first.outcome = "applied";
  first.detail = "BTCUSDT: no message for 180 s; restarting market/sim";
  auto id = store->insert_incident(first);
  ASSERT_TRUE(id) << id.error().message;
  IncidentRow second = first;
  second.time = at("2026-11-21T08:01:00Z");
  second.action = "none";
  second.outcome = "recovered";
  ASSERT_TRUE(store->insert_incident(second));
  const auto rows = store->recent_incidents(10);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].outcome, "recovered");
  EXPECT_EQ((*rows)[1].id, *id);
  EXPECT_EQ((*rows)[1].check, "market_data_fresh");
  EXPECT_EQ((*rows)[1].action, "restart_child");
  EXPECT_EQ((*rows)[1].detail, first.detail);
  EXPECT_EQ((*rows)[1].time, at("2026-11-21T08:00:00Z"));
  const auto one = store->recent_incidents(1);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->size(), 1u);
}

TEST_F(StoreDb, ProbeWriteRewritesItsOneRow) {
  auto store = open(options());
  ASSERT_TRUE(store);
  EXPECT_EQ(store->probe_write(at("2026-11-21T08:00:00Z")), std::nullopt);
  EXPECT_EQ(store->probe_write(at("2026-11-21T08:01:00Z")), std::nullopt);
  store.reset();
  {
    SQLite::Database db{db_path().string(), SQLite::OPEN_READWRITE};
    EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM health_probe").getInt(), 1);
    EXPECT_EQ(db.execAndGet("SELECT probed_at FROM health_probe").getString(),
              "2026-11-21T08:01:00.000Z");
  }
}

}  // namespace
}  // namespace autotrader::store
