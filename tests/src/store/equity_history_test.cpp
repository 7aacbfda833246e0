// Migration 4 (equity_history) and the date-range reads of the dashboard's performance chart.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "store/schema.hpp"
#include "store/store.hpp"
#include "store/timestamp.hpp"
#include "tests/support/process.hpp"

namespace autotrader::store {
namespace {

namespace fs = std::filesystem;

class EquityHistory : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove_all(dir_); }

  StoreOptions options() const {
    StoreOptions o;
    o.data_dir = dir_ / "data";
    return o;
  }
  std::unique_ptr<Store> open() {
    auto store = Store::open(options());
    EXPECT_TRUE(store) << store.error().message;
    return store ? std::move(store).value() : nullptr;
  }

  fs::path dir_ = test::make_temp_dir("equity_history");
};

EquityRow equity(const std::string& date, double value, double cash) {
  EquityRow row;
  row.date = date;
  row.equity = value;
  row.cash = cash;
  row.updated_at = *parse_timestamp(date + "T12:00:00Z");
  return row;
}

DailyPerformanceRow day(const std::string& date, std::int64_t trades, double pnl) {
  DailyPerformanceRow row;
  row.date = date;
  row.total_trades = trades;
  row.total_pnl = pnl;
  return row;
}

TEST_F(EquityHistory, IsMigrationFour) {
  ASSERT_GE(migrations().size(), 4u);
  EXPECT_EQ(migrations().at(3).version, 4);
  EXPECT_NE(migrations().at(3).sql.find("equity_history"), std::string::npos);
}

TEST_F(EquityHistory, AVersionThreeDatabaseGainsTheTableAndKeepsItsRows) {
  const auto path = dir_ / "data" / "autotrader.db";
  fs::create_directories(path.parent_path());
  {
    SQLite::Database db{path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
    for (int i = 0; i < 3; ++i) db.exec(migrations().at(static_cast<std::size_t>(i)).sql);
    db.exec(
        "INSERT INTO daily_performance VALUES ('2026-01-02', 3, 0.66, 40.5, 1800, 'AAPL', '{}')");
    db.exec("PRAGMA user_version=3");
  }
  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->schema_version(), 4);
  EXPECT_EQ(store->upsert_equity(equity("2026-01-02", 10'040.5, 9'000)), std::nullopt);
  const auto rows = store->equity_between("2026-01-01", "2026-01-31");
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  const auto days = store->daily_performance_between("2026-01-01", "2026-01-31");
  ASSERT_TRUE(days);
  ASSERT_EQ(days->size(), 1u);
  EXPECT_EQ((*days)[0].total_pnl, 40.5);
}

TEST_F(EquityHistory, OneRowPerDateTheLastWriteWins) {
  auto store = open();
  ASSERT_TRUE(store);
  ASSERT_EQ(store->upsert_equity(equity("2026-11-21", 10'000, 10'000)), std::nullopt);
  auto later = equity("2026-11-21", 10'012.25, 9'500.5);
  later.updated_at = *parse_timestamp("2026-11-21T23:59:00.250Z");
  ASSERT_EQ(store->upsert_equity(later), std::nullopt);
  const auto rows = store->equity_between("2026-11-21", "2026-11-21");
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].date, "2026-11-21");
  EXPECT_EQ((*rows)[0].equity, 10'012.25);
  EXPECT_EQ((*rows)[0].cash, 9'500.5);
  EXPECT_EQ((*rows)[0].updated_at, later.updated_at);
}

TEST_F(EquityHistory, RangesAreInclusiveAndOldestFirst) {
  auto store = open();
  ASSERT_TRUE(store);
  // Written out of order, across a month's end.
  for (const char* date : {"2026-12-02", "2026-11-29", "2026-12-01", "2026-11-30", "2026-11-28"}) {
    ASSERT_EQ(store->upsert_equity(equity(date, 10'000, 10'000)), std::nullopt);
    ASSERT_EQ(store->upsert_daily_performance(day(date, 1, 1.5)), std::nullopt);
  }
  const auto rows = store->equity_between("2026-11-29", "2026-12-01");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].date, "2026-11-29");
  EXPECT_EQ((*rows)[1].date, "2026-11-30");
  EXPECT_EQ((*rows)[2].date, "2026-12-01");
  const auto days = store->daily_performance_between("2026-11-29", "2026-12-01");
  ASSERT_TRUE(days);
  ASSERT_EQ(days->size(), 3u);
  EXPECT_EQ((*days)[0].date, "2026-11-29");
  EXPECT_EQ((*days)[2].date, "2026-12-01");
  EXPECT_TRUE(store->equity_between("2027-01-01", "2027-01-31")->empty());
}

TEST_F(EquityHistory, ADamagedTimestampIsCorruptNotACrash) {
  auto store = open();
  ASSERT_TRUE(store);
  ASSERT_EQ(store->upsert_equity(equity("2026-11-21", 1, 1)), std::nullopt);
  {
    SQLite::Database db{(dir_ / "data" / "autotrader.db").string(), SQLite::OPEN_READWRITE};
    db.exec("UPDATE equity_history SET updated_at = 'yesterday'");
  }
  const auto rows = store->equity_between("2026-11-21", "2026-11-21");
  ASSERT_FALSE(rows);
  EXPECT_EQ(rows.error().code, errc::corrupt);
}

}  // namespace
}  // namespace autotrader::store
