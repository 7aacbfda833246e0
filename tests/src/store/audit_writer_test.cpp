#include "store/audit_writer.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace autotrader::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

nlohmann::json record(const std::string& timestamp, int seq = 0) {
  return {{"timestamp", timestamp},
          {"decision_type", "BUY"},
          {"seq", seq},
          {"market_data", {{"symbol", "BTCUSDT"}, {"price", "97000.12"}}},
          {"ai_analysis", {{"provider", "technical"}, {"confidence", 0.8}}},
          {"risk_validation", {{"approved", true}, {"reasons", nlohmann::json::array()}}},
          {"final_decision", {{"action", "BUY"}}},
          {"execution", {{"client_order_id", "at-1"}}}};
}

std::string read_file(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Every line of the file as JSON; fails the test on a torn line or a missing final '\n'.
std::vector<nlohmann::json> read_jsonl(const fs::path& path) {
  const std::string text = read_file(path);
  std::vector<nlohmann::json> lines;
  if (text.empty()) return lines;
  EXPECT_EQ(text.back(), '\n') << path << " does not end on a whole line";
  std::size_t begin = 0;
  while (begin < text.size()) {
    auto end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    auto line = nlohmann::json::parse(text.substr(begin, end - begin), nullptr, false);
    EXPECT_FALSE(line.is_discarded()) << "torn line at byte " << begin << " of " << path;
    lines.push_back(std::move(line));
    begin = end + 1;
  }
  return lines;
}

class StoreAuditWriter : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove_all(dir_); }

  AuditWriterOptions options() const {
    AuditWriterOptions o;
    o.directory = dir_ / "logs";
    return o;
  }
  std::unique_ptr<AuditWriter> open(const AuditWriterOptions& o) {
    auto writer = AuditWriter::open(o);
    EXPECT_TRUE(writer) << writer.error().message;
    return writer ? std::move(writer).value() : nullptr;
  }

  fs::path dir_ = test::make_temp_dir("store_audit");
};

TEST_F(StoreAuditWriter, AppendsOneValidLinePerRecord) {
  auto writer = open(options());
  ASSERT_TRUE(writer);
  EXPECT_EQ(writer->active_path(), dir_ / "logs" / "autonomous_trades.jsonl");
  EXPECT_FALSE(writer->recovery().repaired);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(writer->append(record("2026-11-21T08:55:36.123Z", i)), std::nullopt);
  }
  EXPECT_EQ(writer->records_appended(), 5u);
  const auto lines = read_jsonl(writer->active_path());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[3]["seq"], 3);
  EXPECT_EQ(lines[3]["market_data"]["price"], "97000.12");
}

TEST_F(StoreAuditWriter, RefusesARecordOfTheWrongShapeAndWritesNothing) {
  auto writer = open(options());
  ASSERT_TRUE(writer);
  auto bad = record("2026-11-21T08:55:36.123Z");
  bad.erase("risk_validation");
  const auto error = writer->append(bad);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, errc::invalid_record);
  EXPECT_EQ(read_file(writer->active_path()), "");
  EXPECT_EQ(writer->records_appended(), 0u);
}

TEST_F(StoreAuditWriter, InvalidUtf8FromAProviderIsReplacedNotLost) {
  auto writer = open(options());
  ASSERT_TRUE(writer);
  auto r = record("2026-11-21T08:55:36.123Z");
  r["ai_analysis"]["reasoning"] = std::string{"bad \xff\xfe bytes"};
  ASSERT_EQ(writer->append(r), std::nullopt);
  const auto lines = read_jsonl(writer->active_path());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["ai_analysis"]["reasoning"], "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes");
}

TEST_F(StoreAuditWriter, RotatesDailyByTheRecordsDate) {
  auto writer = open(options());
  ASSERT_TRUE(writer);
  ASSERT_EQ(writer->append(record("2026-11-20T10:00:00.000Z", 1)), std::nullopt);
  ASSERT_EQ(writer->append(record("2026-11-20T23:59:59.999Z", 2)), std::nullopt);
  ASSERT_EQ(writer->append(record("2026-11-21T00:00:00.000Z", 3)), std::nullopt);
  // A clock step back does not rotate backwards: the record stays in the active file.
  ASSERT_EQ(writer->append(record("2026-11-20T23:00:00.000Z", 4)), std::nullopt);
  EXPECT_EQ(writer->rotations(), 1u);

  const auto rotated = read_jsonl(dir_ / "logs" / "autonomous_trades-2026-11-20.jsonl");
  ASSERT_EQ(rotated.size(), 2u);
  EXPECT_EQ(rotated[1]["seq"], 2);
  const auto active = read_jsonl(writer->active_path());
  ASSERT_EQ(active.size(), 2u);
  EXPECT_EQ(active[0]["seq"], 3);
  EXPECT_EQ(active[1]["seq"], 4);
}

TEST_F(StoreAuditWriter, RotationUsesTheConfiguredZone) {
  auto o = options();
  o.utc_offset = std::chrono::minutes{60};
  auto writer = open(o);
  ASSERT_TRUE(writer);
  ASSERT_EQ(writer->append(record("2026-11-20T22:30:00.000Z", 1)), std::nullopt);
  // 23:30Z is already the 21st at UTC+1.
  ASSERT_EQ(writer->append(record("2026-11-20T23:30:00.000Z", 2)), std::nullopt);
  EXPECT_EQ(writer->rotations(), 1u);
  EXPECT_EQ(read_jsonl(dir_ / "logs" / "autonomous_trades-2026-11-20.jsonl").size(), 1u);
  EXPECT_EQ(read_jsonl(writer->active_path()).size(), 1u);
}

TEST_F(StoreAuditWriter, AfterARestartTheActiveFileKeepsItsDateAndNamesDoNotCollide) {
  {
    auto writer = open(options());
    ASSERT_TRUE(writer);
    ASSERT_EQ(writer->append(record("2026-11-20T10:00:00.000Z", 1)), std::nullopt);
  }
  // A file of that date already exists (e.g. restored by hand): the rotation picks ".1".
  std::ofstream{dir_ / "logs" / "autonomous_trades-2026-11-20.jsonl"} << "{}\n";
  auto writer = open(options());
  ASSERT_TRUE(writer);
  ASSERT_EQ(writer->append(record("2026-11-20T11:00:00.000Z", 2)), std::nullopt);
  EXPECT_EQ(writer->rotations(), 0u);
  ASSERT_EQ(writer->append(record("2026-11-21T01:00:00.000Z", 3)), std::nullopt);
  EXPECT_EQ(writer->rotations(), 1u);
  EXPECT_EQ(read_jsonl(dir_ / "logs" / "autonomous_trades-2026-11-20.1.jsonl").size(), 2u);
  EXPECT_EQ(read_jsonl(dir_ / "logs" / "autonomous_trades-2026-11-20.jsonl").size(), 1u);
  EXPECT_EQ(read_jsonl(writer->active_path()).size(), 1u);
}

TEST_F(StoreAuditWriter, OpenCutsATornLastLineAndKeepsIt) {
  const fs::path logs = dir_ / "logs";
  fs::create_directories(logs);
  const std::string whole = record("2026-11-21T08:00:00.000Z", 1).dump() + "\n";
  const std::string torn = R"({"timestamp":"2026-11-21T08:00:01.000Z","decision_ty)";
  std::ofstream{logs / "autonomous_trades.jsonl", std::ios::binary} << whole << torn;

  auto writer = open(options());
  ASSERT_TRUE(writer);
  EXPECT_TRUE(writer->recovery().repaired);
  EXPECT_EQ(writer->recovery().torn_bytes, torn.size());
  EXPECT_EQ(writer->recovery().moved_to, logs / "autonomous_trades.jsonl.torn");
  EXPECT_NE(writer->recovery().message.find("autonomous_trades.jsonl"), std::string::npos);
  EXPECT_EQ(read_file(logs / "autonomous_trades.jsonl.torn"), torn + "\n");
  EXPECT_EQ(read_file(writer->active_path()), whole);

  ASSERT_EQ(writer->append(record("2026-11-21T08:00:02.000Z", 2)), std::nullopt);
  EXPECT_EQ(read_jsonl(writer->active_path()).size(), 2u);
}

TEST_F(StoreAuditWriter, OpenCutsALastLineThatIsNotJson) {
  const fs::path logs = dir_ / "logs";
  fs::create_directories(logs);
  const std::string whole = record("2026-11-21T08:00:00.000Z", 1).dump() + "\n";
  // What a power cut can leave: a block of zeros after the last whole line.
  const std::string zeros(100, '\0');
  std::ofstream{logs / "autonomous_trades.jsonl", std::ios::binary} << whole << zeros << "\n";

  auto writer = open(options());
  ASSERT_TRUE(writer);
  EXPECT_TRUE(writer->recovery().repaired);
  EXPECT_EQ(writer->recovery().torn_bytes, zeros.size() + 1);
  EXPECT_EQ(read_file(writer->active_path()), whole);
}

TEST_F(StoreAuditWriter, OnlyATornLineIsCutToAnEmptyFile) {
  const fs::path logs = dir_ / "logs";
  fs::create_directories(logs);
  std::ofstream{logs / "autonomous_trades.jsonl", std::ios::binary} << R"({"timesta)";
  auto writer = open(options());
  ASSERT_TRUE(writer);
  EXPECT_TRUE(writer->recovery().repaired);
  EXPECT_EQ(read_file(writer->active_path()), "");
}

TEST_F(StoreAuditWriter, AnUnusablePathIsAnErrorValue) {
  // The logs "directory" is a regular file.
  std::ofstream{dir_ / "logs"} << "x";
  auto writer = AuditWriter::open(options());
  ASSERT_FALSE(writer);
  EXPECT_NE(writer.error().message.find("logs"), std::string::npos) << writer.error().message;

  // The active file is a directory.
  fs::remove(dir_ / "logs");
  fs::create_directories(dir_ / "logs" / "autonomous_trades.jsonl");
  auto second = AuditWriter::open(options());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, errc::cannot_open) << second.error().message;
}

TEST_F(StoreAuditWriter, ASecondWriterOfTheSameFileIsBusy) {
  auto first = open(options());
  ASSERT_TRUE(first);
  auto second = AuditWriter::open(options());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, errc::busy) << second.error().message;
  first.reset();
  EXPECT_TRUE(open(options()));
}

TEST_F(StoreAuditWriter, AnUnwritableDirectoryIsReadOnly) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes through file permissions";
  fs::create_directories(dir_ / "logs");
  fs::permissions(dir_ / "logs", fs::perms::owner_read | fs::perms::owner_exec);
  auto writer = AuditWriter::open(options());
  fs::permissions(dir_ / "logs", fs::perms::owner_all);
  ASSERT_FALSE(writer);
  EXPECT_EQ(writer.error().code, errc::read_only) << writer.error().message;
}

// A file that cannot grow (RLIMIT_FSIZE, SIGXFSZ ignored: write(2) fails with EFBIG, as it
// fails with ENOSPC on a full disk) makes append() return the error, and the file still ends
// on a whole line: the partial write at the limit was cut back.
TEST_F(StoreAuditWriter, AFileThatCannotGrowIsAnErrorValueAndStaysValid) {
  const auto logs = dir_ / "logs";
  const auto result =
      test::run_command({{STORE_AUDIT_CHILD, "fill", logs.string(), "20000"}, {}, {}, {}}, 60s);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  std::istringstream out{result.out};
  std::string code;
  std::size_t appended = 0;
  out >> code >> appended;
  EXPECT_EQ(code, "file_too_large");
  EXPECT_GT(appended, 3u);
  const auto path = logs / "autonomous_trades.jsonl";
  EXPECT_LE(fs::file_size(path), 20000u);
  EXPECT_EQ(read_jsonl(path).size(), appended);
}

// kill -9 while the child appends as fast as it can, 20 times at random moments: every line of
// the file is whole JSON and each run's records are exactly seq 0..n-1, with at least as many
// records as the child had reported appended. A writer that buffers lines in user space or
// splits them across writes that can be far apart fails this at once; the gap between two
// back-to-back write(2) calls is too short for 20 kills to hit reliably, which is why the
// single write (and its cut-back on a short write) is also tested directly above.
TEST_F(StoreAuditWriter, KillNineNeverLeavesATornLine) {
  const auto logs = dir_ / "logs";
  const auto path = logs / "autonomous_trades.jsonl";
  const unsigned seed = std::random_device{}();
  std::mt19937 rng{seed};
  SCOPED_TRACE("seed " + std::to_string(seed));
  constexpr int runs = 20;
  std::map<long long, std::size_t> reported;
  for (int run = 0; run < runs; ++run) {
    const std::size_t target = std::uniform_int_distribution<std::size_t>{1, 500}(rng);
    test::ProcessOptions options;
    options.argv = {STORE_AUDIT_CHILD, "flood", logs.string(), std::to_string(run)};
    test::Process child{options};
    ASSERT_TRUE(child.wait_for_output(std::string(target, '.'), 60s)) << child.err();
    child.signal(SIGKILL);
    ASSERT_EQ(child.wait(30s), 128 + SIGKILL);
    reported[run] = child.out().size();

    std::map<long long, long long> next_seq;
    for (const auto& line : read_jsonl(path)) {
      ASSERT_TRUE(line.is_object());
      const long long r = line["run"].get<long long>();
      EXPECT_EQ(line["seq"].get<long long>(), next_seq[r]) << "run " << r;
      ++next_seq[r];
    }
    for (const auto& [r, count] : reported) {
      EXPECT_GE(static_cast<std::size_t>(next_seq[r]), count) << "run " << r;
    }
    if (HasFailure()) return;
  }
}

TEST_F(StoreAuditWriter, ProbeWritesNothingAndSeesARemovedFile) {
  auto writer = open(options());
  ASSERT_TRUE(writer);
  EXPECT_EQ(writer->probe(), std::nullopt);
  EXPECT_EQ(read_file(writer->active_path()), "");
  EXPECT_EQ(writer->records_appended(), 0u);
  fs::remove(writer->active_path());
  const auto error = writer->probe();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, errc::cannot_open) << error->message;
}

}  // namespace
}  // namespace autotrader::store
