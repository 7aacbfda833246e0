// The kill -9 proof of mode binance-testnet (issue 6). One FakeBinance for the whole test (its
// orders, fills and balances persist) and one data directory; the real daemon is started and
// killed again and again while decisions keep coming, so orders are in flight when it dies:
// - at random moments (SIGKILL after a delay from a seeded RNG; the seed is printed, and
//   AUTOTRADER_CRASH_SEED replays a run),
// - at each named fault point, armed to abort once (binance.before_send, binance.after_send,
//   binance.after_fill, storage.before_venue_write, storage.before_audit),
// - with order faults on the fake in some rounds (accepted then no answer, accepted then a 5xx,
//   accepted but invisible to the first queries: -2013).
// A last clean run reaches venue_status.ready and settles; then the books must agree
// (check_books: no client order id placed twice, no decision with two entries, every venue fill
// recorded exactly once, our positions the venue's, each one protected by open OCO legs, no stray
// open order) and every audit line must parse and have the documented shape. The checks
// themselves are proven in CheckBooksCatches: each planted violation is reported.
#include <signal.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <set>

#include "store/audit_record.hpp"
#include "tests/e2e/binance_e2e_support.hpp"
#include "tests/e2e/daemon_fixture.hpp"

#ifndef FAKE_LLM_SERVER
#error "FAKE_LLM_SERVER must name the fake_llm_server program"
#endif

namespace autotrader::test {
namespace {

using namespace binance_e2e;

constexpr int kRandomRounds = 36;
constexpr int kRoundsPerFaultPoint = 4;
constexpr int kSigAbrt = 128 + SIGABRT;
constexpr int kSigKill = 128 + SIGKILL;
const std::vector<std::string> kFaultPoints{"binance.before_send", "binance.after_send",
                                            "binance.after_fill", "storage.before_venue_write",
                                            "storage.before_audit"};

std::uint64_t seed_of_run() {
  if (const char* text = std::getenv("AUTOTRADER_CRASH_SEED")) return std::stoull(text);
  return std::random_device{}();
}

// Every line of every audit file (data/logs/*.jsonl) parses and has the audit record's shape;
// returns the bad lines and counts the good ones.
std::vector<std::string> check_audit(const std::string& dir, std::size_t& records) {
  std::vector<std::string> bad;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".jsonl") continue;
    std::ifstream in{entry.path()};
    std::size_t number = 0;
    for (std::string line; std::getline(in, line);) {
      ++number;
      const auto where = entry.path().filename().string() + ":" + std::to_string(number);
      auto record = json::parse(line, nullptr, false);
      if (!record.is_object()) {
        bad.push_back(where + " does not parse: " + line.substr(0, 200));
        continue;
      }
      if (record.contains("filler")) continue;
      if (auto shape = store::validate_audit_record(record); !shape) {
        bad.push_back(where + ": " + shape.error().message);
        continue;
      }
      ++records;
    }
  }
  if (ec) bad.push_back("cannot list " + dir + ": " + ec.message());
  return bad;
}

// The lines of `output` (round markers too) that name a client order id or decision of
// `disagreements`, at most 200.
std::string lines_about(const std::string& output, const std::vector<std::string>& disagreements) {
  std::set<std::string> needles;
  for (const auto& line : disagreements) {
    for (auto at = line.find("at-"); at != std::string::npos; at = line.find("at-", at + 1)) {
      const auto end = line.find_first_of(" ()", at);
      if (auto id = parse_client_id(line.substr(at, end - at))) needles.insert(id->decision);
    }
  }
  std::string out;
  std::size_t lines = 0;
  std::size_t start = 0;
  while (start < output.size() && lines < 200) {
    const auto end = std::min(output.find('\n', start), output.size());
    const auto line = output.substr(start, end - start);
    bool keep = line.rfind("=== round", 0) == 0;
    for (const auto& needle : needles) keep = keep || line.find(needle) != std::string::npos;
    if (keep && !needles.empty()) {
      out += line.substr(0, 400) + "\n";
      if (line.rfind("=== round", 0) != 0) ++lines;
    }
    start = end + 1;
  }
  return out;
}

// Sanitizer reports in a run's output: a crash we did not cause.
bool sanitizer_report(const std::string& output) {
  return output.find("ERROR: AddressSanitizer") != std::string::npos ||
         output.find("runtime error:") != std::string::npos ||
         output.find("ERROR: LeakSanitizer") != std::string::npos;
}

TEST(BinanceCrash, KilledFiftyTimesNoOrderTwiceEveryFillOnceProtected) {
  const auto seed = seed_of_run();
  std::cout << "crash test seed " << seed << " (AUTOTRADER_CRASH_SEED=" << seed << " replays it)\n";
  std::mt19937_64 rng{seed};

  FakeGemini gemini{FAKE_LLM_SERVER};
  ASSERT_NE(gemini.port(), 0) << "fake_llm_server did not start";
  FastMarket market{30};
  ASSERT_EQ(market.start(), std::nullopt);
  auto& fake = market.fake();
  DaemonFixture daemon;
  market.point_at(daemon.env, gemini.port());
  market.start_clock();

  // The rounds: each fault point kRoundsPerFaultPoint times, the rest random kills, shuffled.
  std::vector<std::string> rounds(kRandomRounds, "random");
  for (const auto& point : kFaultPoints) {
    for (int i = 0; i < kRoundsPerFaultPoint; ++i) rounds.push_back(point);
  }
  std::shuffle(rounds.begin() + 1, rounds.end(), rng);  // the first round is a random kill
  const std::vector<fb::OrderFault> order_faults{fb::OrderFault::accept_then_timeout(),
                                                 fb::OrderFault::accept_then_server_error(503),
                                                 fb::OrderFault::delayed_visibility(3)};

  std::map<std::string, int> kills;    // by kind: random, or the fault point that fired
  std::map<std::string, int> unfired;  // fault rounds whose point did not fire (then SIGKILL)
  std::size_t resolved = 0, recovered = 0, reconciliations = 0, order_fault_rounds = 0;
  std::string history;  // every run's output, for the lines behind a disagreement
  for (std::size_t r = 0; r < rounds.size(); ++r) {
    const auto& kind = rounds[r];
    fake.clear_scripts();
    if (r % 3 == 1) {
      fake.fail_next_orders(order_faults[(r / 3) % order_faults.size()], 1);
      ++order_fault_rounds;
    }
    // Mostly entries (a position to protect and exits to make), sometimes exits; a fault round
    // buys, so that its point meets an order.
    const bool buy = kind != "random" || std::uniform_int_distribution<int>{0, 9}(rng) < 6;
    ASSERT_EQ(gemini.answer(buy ? "BUY" : "SELL"), "");
    auto env = daemon.env;
    if (kind != "random") env["AUTOTRADER_FAULTS"] = kind + "=abort*1";
    ProcessOptions options;
    options.argv = {AUTOTRADER_EXE, "run"};
    options.env = env;
    options.cwd = daemon.dir();
    auto process = std::make_unique<Process>(options);

    if (kind == "random") {
      // Dies anywhere: during the start, the reconciliation or the trading that follows.
      const auto delay =
          std::chrono::milliseconds{std::uniform_int_distribution<int>{300, 4500}(rng)};
      const auto exited = process->wait(delay);
      ASSERT_FALSE(exited.has_value())
          << "round " << r << ": the daemon exited by itself (" << *exited << ")\n"
          << process->output();
      process->signal(SIGKILL);
      ASSERT_EQ(process->wait(10s), kSigKill);
      ++kills["random"];
    } else {
      const auto code = process->wait(15s);
      if (code == kSigAbrt) {
        ++kills[kind];
      } else {
        ASSERT_FALSE(code.has_value())
            << "round " << r << " (" << kind << "): the daemon exited with " << *code << "\n"
            << process->output();
        process->signal(SIGKILL);
        ASSERT_EQ(process->wait(10s), kSigKill);
        ++unfired[kind];
      }
    }
    const auto output = process->output();
    ASSERT_FALSE(sanitizer_report(output)) << "round " << r << ":\n" << output;
    std::cout << "round " << r << ": " << kind << (r % 3 == 1 ? " + order fault" : "") << "\n";
    history += "=== round " + std::to_string(r) + " (" + kind + ")\n" + output;
    for (const auto& report : reconcile_reports(output)) {
      ++reconciliations;
      resolved += report.value("orders_resolved", std::size_t{0});
      recovered += report.value("fills_recovered", std::size_t{0});
    }
  }

  // The last run: clean, quiet (HOLD), until the books agree.
  fake.clear_scripts();
  ASSERT_EQ(gemini.answer("HOLD"), "");
  auto process = daemon.start({"run"});
  const auto port = wait_for_http_port(*process);
  ASSERT_TRUE(port.has_value()) << process->output();
  ASSERT_TRUE(wait_until_ready(*process, *port, 60s)) << process->output();
  market.stop_clock();
  std::vector<std::string> disagreements{"not read yet"};
  json api_positions;
  const auto until = std::chrono::steady_clock::now() + 60s;
  while (!disagreements.empty() && std::chrono::steady_clock::now() < until) {
    if (process->wait(100ms)) break;
    try {
      auto body = json::parse(http_get(*port, "/api/positions").body, nullptr, false);
      api_positions = body.is_object() ? body.value("positions", json::array()) : json::array();
      auto ours = OurBook::read(daemon.path("data/autotrader.db"));
      ours.set_api_positions(api_positions);
      disagreements = check_books(VenueBook::read(fake), ours);
    } catch (const std::exception& e) {  // the daemon is writing; read again
      disagreements = {e.what()};
    }
  }
  const auto status = autonomous_status(*port);
  EXPECT_TRUE(venue_ready(status)) << status.dump();
  process->signal(SIGTERM);
  EXPECT_EQ(process->wait(kStopDeadline), 0) << process->output();
  EXPECT_FALSE(sanitizer_report(process->output())) << process->output();
  for (const auto& report : reconcile_reports(process->output())) {
    ++reconciliations;
    resolved += report.value("orders_resolved", std::size_t{0});
    recovered += report.value("fills_recovered", std::size_t{0});
  }

  // The verdict, on the books as the daemon left them.
  BookCounts counts;
  auto ours = OurBook::read(daemon.path("data/autotrader.db"));
  ours.set_api_positions(api_positions);
  const auto final_disagreements = check_books(VenueBook::read(fake), ours, &counts);
  EXPECT_TRUE(final_disagreements.empty())
      << final_disagreements.size() << " disagreement(s) between the venue and our books:\n"
      << joined(final_disagreements) << "what the daemon logged about them:\n"
      << lines_about(history + process->output(), final_disagreements);
  std::size_t audit_records = 0;
  const auto bad_audit = check_audit(daemon.path("data/logs"), audit_records);
  EXPECT_TRUE(bad_audit.empty()) << joined(bad_audit);

  int total_kills = 0;
  std::cout << "kills:";
  for (const auto& [kind, n] : kills) {
    std::cout << " " << kind << "=" << n;
    total_kills += n;
  }
  std::cout << "\nfault rounds whose point did not fire (killed instead):";
  for (const auto& [kind, n] : unfired) {
    std::cout << " " << kind << "=" << n;
    total_kills += n;
  }
  std::cout << "\norder faults injected by the fake: accept_then_timeout="
            << fake.fault_count(fb::FaultKind::accept_then_timeout) << " accept_then_server_error="
            << fake.fault_count(fb::FaultKind::accept_then_server_error)
            << " delayed_visibility=" << fake.fault_count(fb::FaultKind::delayed_visibility)
            << " (in " << order_fault_rounds << " rounds)\n"
            << "venue orders " << counts.venue_orders << " (entries " << counts.entries
            << "), venue fills " << counts.venue_fills << ", fills rows " << counts.our_fills
            << ", decisions " << ours.decisions.size() << ", positions " << counts.positions
            << ", open OCO legs " << counts.open_protective_orders << " (leg ids re-placed "
            << counts.legs_replaced << ")"
            << ", audit records " << audit_records << "\nreconciliations " << reconciliations
            << ", unknown outcomes resolved " << resolved << ", fills recovered " << recovered
            << "\n";

  if (!counts.replaced_leg_ids.empty()) {
    // Allowed (check_books), but worth seeing why: the daemon's lines about those decisions.
    std::cout << "OCO leg ids re-placed:\n"
              << joined(counts.replaced_leg_ids) << "what the daemon logged about them:\n"
              << lines_about(history + process->output(), counts.replaced_leg_ids);
  }
  std::cout << "decisions:";
  for (const auto& [outcome, n] : ours.outcomes) std::cout << " [" << outcome << "] " << n;
  std::cout << "\n";

  EXPECT_GE(total_kills, 50);
  // The test proves something only if the crashes met orders: each point fired, and there was
  // trading to crash into.
  for (const auto& point : kFaultPoints) EXPECT_GE(kills[point], 1) << point << " never fired";
  EXPECT_GE(counts.entries, 10U);
  EXPECT_GE(counts.venue_fills, 10U);
  EXPECT_GE(fake.fault_count(fb::FaultKind::accept_then_timeout) +
                fake.fault_count(fb::FaultKind::accept_then_server_error) +
                fake.fault_count(fb::FaultKind::delayed_visibility),
            3U);
}

// --- the checks catch what they claim ---------------------------------------------------------

VenueOrder venue_order(const std::string& id, std::int64_t order_id, const std::string& side,
                       const std::string& status, const std::string& qty,
                       const std::string& type = "MARKET", std::int64_t list = -1) {
  VenueOrder o;
  o.client_order_id = id;
  o.order_id = order_id;
  o.order_list_id = list;
  o.symbol = "BTCUSDT";
  o.side = side;
  o.type = type;
  o.status = status;
  o.orig_qty = dec(qty);
  o.executed_qty = status == "FILLED" ? dec(qty) : core::Decimal{};
  return o;
}

// A consistent pair of books: decision d1 bought 1 BTC (fee 0.001 BTC), its OCO legs rest.
std::pair<VenueBook, OurBook> agreeing_books() {
  VenueBook venue;
  venue.orders = {venue_order("at-d1-en", 1, "BUY", "FILLED", "1"),
                  venue_order("at-d1-sl", 2, "SELL", "NEW", "0.999", "STOP_LOSS_LIMIT", 7),
                  venue_order("at-d1-tp", 3, "SELL", "NEW", "0.999", "LIMIT_MAKER", 7)};
  venue.trades = {{11, 1, "BTCUSDT", dec("1")}};
  venue.holdings = {{"BTC", dec("0.999")}, {"USDT", dec("9900")}};
  OurBook ours;
  ours.decisions = {"d1"};
  ours.orders["at-d1-en"] = {"d1", "binance", "BTCUSDT", "BUY", "FILLED"};
  ours.fills = {{"at-d1-en", "11"}};
  ours.positions["BTCUSDT"] = {dec("0.999"), true, ""};
  ours.api_positions["BTCUSDT"] = {dec("0.999"), true, "d1"};
  return {venue, ours};
}

bool reported(const std::vector<std::string>& found, const std::string& needle) {
  return std::any_of(found.begin(), found.end(), [&](const std::string& line) {
    return line.find(needle) != std::string::npos;
  });
}

TEST(BinanceCrash, CheckBooksCatches) {
  {
    auto [venue, ours] = agreeing_books();
    EXPECT_EQ(check_books(venue, ours), std::vector<std::string>{});
  }
  {  // the same client id twice, and a decision with two entries
    auto [venue, ours] = agreeing_books();
    venue.orders.push_back(venue_order("at-d1-en", 4, "BUY", "CANCELED", "1"));
    const auto found = check_books(venue, ours);
    EXPECT_TRUE(reported(found, "at-d1-en placed 2 times")) << joined(found);
    EXPECT_TRUE(reported(found, "decision d1 has two entry orders")) << joined(found);
  }
  {  // an OCO leg re-placed after its list was cancelled is fine; two open copies are not, nor
     // two that executed
    auto [venue, ours] = agreeing_books();
    auto cancelled = venue.orders[1];
    cancelled.order_id = 20;
    cancelled.status = "CANCELED";
    venue.orders.insert(venue.orders.begin() + 1, cancelled);
    EXPECT_EQ(check_books(venue, ours), std::vector<std::string>{});
    venue.orders[1].status = "NEW";
    EXPECT_TRUE(reported(check_books(venue, ours), "at-d1-sl placed 2 times"));
    venue.orders[1].status = "FILLED";
    venue.orders[1].executed_qty = venue.orders[1].orig_qty;
    venue.orders[2].executed_qty = dec("0.5");
    EXPECT_TRUE(reported(check_books(venue, ours), "at-d1-sl placed 2 times"));
  }
  {  // a venue order we never recorded, of a decision we never made
    auto [venue, ours] = agreeing_books();
    venue.orders.push_back(venue_order("at-d9-ex", 5, "SELL", "CANCELED", "1"));
    const auto found = check_books(venue, ours);
    EXPECT_TRUE(reported(found, "at-d9-ex (CANCELED) is not in orders")) << joined(found);
    EXPECT_TRUE(reported(found, "names decision d9 that is not in decisions")) << joined(found);
  }
  {  // an OCO leg that executed without its orders row
    auto [venue, ours] = agreeing_books();
    venue.orders[1].status = "FILLED";
    venue.orders[1].executed_qty = venue.orders[1].orig_qty;
    EXPECT_TRUE(reported(check_books(venue, ours), "at-d1-sl (FILLED) is not in orders"));
  }
  {  // a venue fill missing from fills, one recorded twice, one that never happened
    auto [venue, ours] = agreeing_books();
    venue.trades.push_back({12, 1, "BTCUSDT", dec("0")});
    auto lost = check_books(venue, ours);
    EXPECT_TRUE(reported(lost, "venue fill 12 of at-d1-en is in fills 0 times")) << joined(lost);
    ours.fills.push_back({"at-d1-en", "11"});
    auto twice = check_books(venue, ours);
    EXPECT_TRUE(reported(twice, "venue fill 11 of at-d1-en is in fills 2 times")) << joined(twice);
    ours.fills.push_back({"at-d1-en", "99"});
    auto phantom = check_books(venue, ours);
    EXPECT_TRUE(reported(phantom, "fills row 99 of at-d1-en is no venue fill")) << joined(phantom);
  }
  {  // positions that are not the venue's: more than held, or less by more than dust
    auto [venue, ours] = agreeing_books();
    ours.positions["BTCUSDT"].quantity = dec("1");
    EXPECT_TRUE(reported(check_books(venue, ours), "positions table: BTCUSDT 1 but the venue"));
    auto [venue2, ours2] = agreeing_books();
    ours2.api_positions["BTCUSDT"].quantity = dec("0.99899");
    EXPECT_TRUE(reported(check_books(venue2, ours2), "/api/positions: BTCUSDT 0.99899"));
    auto [venue3, ours3] = agreeing_books();
    venue3.holdings["ETH"] = dec("0.5");  // bought by no order of ours
    EXPECT_TRUE(reported(check_books(venue3, ours3), "ETHUSDT 0 but the venue holds 0.5"));
  }
  {  // dust below one step per filled SELL is allowed
    auto [venue, ours] = agreeing_books();
    venue.holdings["BTC"] = dec("0.999009");
    EXPECT_EQ(check_books(venue, ours), std::vector<std::string>{});
  }
  {  // a position without open legs, legs that do not cover it, a stray open order
    auto [venue, ours] = agreeing_books();
    venue.orders[1].status = "CANCELED";
    EXPECT_TRUE(reported(check_books(venue, ours), "has no open OCO legs"));
    auto [venue2, ours2] = agreeing_books();
    venue2.orders[2].orig_qty = dec("0.5");
    EXPECT_TRUE(reported(check_books(venue2, ours2), "does not protect BTCUSDT"));
    auto [venue3, ours3] = agreeing_books();
    venue3.orders.push_back(venue_order("at-d1-ex", 6, "SELL", "NEW", "1", "LIMIT"));
    ours3.orders["at-d1-ex"] = {"d1", "binance", "BTCUSDT", "SELL", "NEW"};
    EXPECT_TRUE(reported(check_books(venue3, ours3), "at-d1-ex is open but protects no position"));
  }
}

TEST(BinanceCrash, CheckAuditCatchesATornOrMisshapenLine) {
  const auto dir = make_temp_dir("binance-crash-audit");
  std::ofstream{dir + "/autonomous_trades.jsonl"}
      << "{\"filler\":\"x\"}\n{\"decision_id\":\"d1\"}\n"
      << "{\"timestamp\":\"2026-";
  std::ofstream{dir + "/autonomous_trades.jsonl.torn"} << "not json\n";  // not an audit file
  std::size_t records = 0;
  const auto bad = check_audit(dir, records);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(records, 0U);
  ASSERT_EQ(bad.size(), 2U) << joined(bad);
  EXPECT_NE(bad[0].find("autonomous_trades.jsonl:2: "), std::string::npos) << bad[0];
  EXPECT_NE(bad[1].find("autonomous_trades.jsonl:3 does not parse"), std::string::npos) << bad[1];
}

}  // namespace
}  // namespace autotrader::test
