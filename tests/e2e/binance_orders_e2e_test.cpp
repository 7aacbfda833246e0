// Mode binance-testnet end to end: the real `autotrader run --mode binance-testnet` against the
// in-process FakeBinance (REST, market streams and the WebSocket API's user data stream) with a
// 1-second market, and a fake_llm_server process as Gemini answering BUY, then SELL, then BUY.
// After several decisions have traded, the venue's book and ours agree (check_books: every venue
// order is a recorded order of a recorded decision, every venue fill is one fills row, our
// positions are the venue's balances, each position's OCO legs are open), and the status shows
// the venue reconciled. A start without the API key, and binance-live without both halves of the
// opt-in, refuse with the configuration exit code.
#include <signal.h>

#include <gtest/gtest.h>

#include <functional>

#include "tests/e2e/binance_e2e_support.hpp"
#include "tests/e2e/daemon_fixture.hpp"

#ifndef FAKE_LLM_SERVER
#error "FAKE_LLM_SERVER must name the fake_llm_server program"
#endif

namespace autotrader::test {
namespace {

using namespace binance_e2e;

constexpr auto kWait = 60s;
constexpr int kExitConfig = 78;

class BinanceOrdersE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(gemini_.port(), 0) << "fake_llm_server did not start";
    ASSERT_EQ(market_.start(), std::nullopt);
    market_.point_at(daemon_.env, gemini_.port());
  }

  // Polls `done` until it holds, the deadline passes or the daemon exits (draining its output).
  bool poll(const std::function<bool()>& done, const std::string& what) {
    const auto until = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < until) {
      if (done()) return true;
      if (process_->wait(50ms)) {
        ADD_FAILURE() << "the daemon exited while waiting for " << what << "\n"
                      << process_->output();
        return false;
      }
    }
    ADD_FAILURE() << "timed out waiting for " << what << "\n" << process_->output();
    return false;
  }

  // Venue orders whose client id has `purpose` and that filled.
  std::size_t filled(const std::string& purpose) const {
    std::size_t n = 0;
    for (const auto& o : VenueBook::read(market_.fake()).orders) {
      const auto id = parse_client_id(o.client_order_id);
      if (id && id->purpose == purpose && o.status == "FILLED") ++n;
    }
    return n;
  }

  OurBook our_book(const json& positions) const {
    auto book = OurBook::read(daemon_.path("data/autotrader.db"));
    book.set_api_positions(positions);
    return book;
  }

  json positions() const {
    auto result = http_get(port_, "/api/positions");
    auto body = json::parse(result.body, nullptr, false);
    return body.is_object() ? body.value("positions", json::array()) : json::array();
  }

  FakeGemini gemini_{FAKE_LLM_SERVER};
  FastMarket market_;
  DaemonFixture daemon_;
  std::unique_ptr<Process> process_;
  std::uint16_t port_ = 0;
};

TEST_F(BinanceOrdersE2e, DecisionsTradeOnTheVenueAndBothBooksAgree) {
  ASSERT_EQ(gemini_.answer("BUY"), "");
  market_.start_clock();
  process_ = daemon_.start({"run", "--mode", "binance-testnet"});
  auto port = wait_for_http_port(*process_);
  ASSERT_TRUE(port.has_value()) << process_->output();
  port_ = *port;
  ASSERT_TRUE(wait_until_ready(*process_, port_, kWait)) << process_->output();

  // Entries on both symbols, then exits, then entries again.
  ASSERT_TRUE(poll([&] { return filled("en") >= 3; }, "three filled entries"));
  ASSERT_EQ(gemini_.answer("SELL"), "");
  ASSERT_TRUE(poll([&] { return filled("ex") >= 2; }, "two filled exits"));
  ASSERT_EQ(gemini_.answer("BUY"), "");
  const auto entries = filled("en");
  ASSERT_TRUE(poll([&] { return filled("en") >= entries + 2; }, "two more entries"));

  // Quiet: no more decisions (HOLD, and no candle closes), so every order settles.
  ASSERT_EQ(gemini_.answer("HOLD"), "");
  market_.stop_clock();
  std::vector<std::string> disagreements;
  const bool settled = poll(
      [&] {
        try {
          disagreements = check_books(VenueBook::read(market_.fake()), our_book(positions()));
        } catch (const std::exception& e) {  // the daemon is writing; read again
          disagreements = {e.what()};
        }
        return disagreements.empty();
      },
      "the books to agree");
  EXPECT_TRUE(settled) << joined(disagreements);

  const auto status = autonomous_status(port_);
  EXPECT_EQ(status.value("mode", ""), "binance-testnet") << status.dump();
  EXPECT_TRUE(venue_ready(status)) << status.dump();
  EXPECT_EQ(status["venue_status"].value("user_stream", ""), "up") << status.dump();
  const auto api_positions = positions();

  process_->signal(SIGTERM);
  EXPECT_EQ(process_->wait(kStopDeadline), 0) << process_->output();
  BookCounts counts;
  const auto venue = VenueBook::read(market_.fake());
  const auto ours = our_book(api_positions);
  EXPECT_EQ(check_books(venue, ours, &counts), std::vector<std::string>{});
  EXPECT_GE(counts.entries, 5U);
  EXPECT_GE(counts.venue_fills, 7U);
  EXPECT_EQ(counts.open_protective_orders, 2 * counts.positions);
  std::cout << "venue orders " << counts.venue_orders << ", entries " << counts.entries
            << ", fills " << counts.venue_fills << ", positions " << counts.positions
            << ", open OCO legs " << counts.open_protective_orders << "\n";
  // The keys never reach the output.
  EXPECT_EQ(process_->output().find(kApiSecret), std::string::npos);
  EXPECT_EQ(process_->output().find(kApiKey), std::string::npos);
}

TEST_F(BinanceOrdersE2e, AStartWithoutTheApiKeyIsAConfigurationError) {
  daemon_.env.erase("BINANCE_API_KEY");
  auto result = daemon_.run({"run", "--mode", "binance-testnet"});
  EXPECT_EQ(result.exit_code, kExitConfig) << result.out << result.err;
  EXPECT_NE((result.out + result.err).find("BINANCE_API_KEY"), std::string::npos) << result.err;
  EXPECT_EQ((result.out + result.err).find(kApiSecret), std::string::npos);
  EXPECT_TRUE(market_.fake().requests_to("/api/v3/order").empty());
}

TEST_F(BinanceOrdersE2e, LiveModeNeedsBothOptIns) {
  // The fake's loopback URLs are accepted in live mode (with a warning), so only the opt-in is
  // missing.
  struct Case {
    bool config_half;
    bool flag;
    std::vector<std::string> named;
  };
  for (const auto& c :
       {Case{false, false, {"live_trading", "--i-understand-live-trading"}},
        Case{true, false, {"--i-understand-live-trading"}}, Case{false, true, {"live_trading"}}}) {
    daemon_.env["AUTOTRADER_LIVE_TRADING"] = c.config_half ? "true" : "false";
    std::vector<std::string> args{"run", "--mode", "binance-live"};
    if (c.flag) args.push_back("--i-understand-live-trading");
    auto result = daemon_.run(args);
    const auto output = result.out + result.err;
    EXPECT_EQ(result.exit_code, kExitConfig) << output;
    EXPECT_NE(output.find("binance-live refused"), std::string::npos) << output;
    for (const auto& name : c.named) EXPECT_NE(output.find(name), std::string::npos) << output;
  }
  EXPECT_TRUE(market_.fake().requests_to("/api/v3/order").empty());
  EXPECT_TRUE(market_.fake().requests_to("/api/v3/account").empty());
}

}  // namespace
}  // namespace autotrader::test
