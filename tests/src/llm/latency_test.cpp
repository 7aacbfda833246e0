#include "llm/latency.hpp"

#include <algorithm>
#include <random>

#include <gtest/gtest.h>

namespace autotrader::llm {
namespace {

using std::chrono::milliseconds;
using WallTime = ProviderFigures::WallTime;

const WallTime t0{std::chrono::seconds{1'700'000'000}};

Failure failure(FailureKind kind, std::string message = {}) {
  Failure f;
  f.kind = kind;
  f.http_status = kind == FailureKind::auth ? 401 : 0;
  f.message = std::move(message);
  return f;
}

TEST(LlmFigures, StartEmpty) {
  ProviderFigures figures;
  EXPECT_FALSE(figures.success_rate().has_value());
  EXPECT_FALSE(figures.average_latency().has_value());
  EXPECT_FALSE(figures.p95_latency().has_value());
  EXPECT_FALSE(figures.last_used().has_value());
  EXPECT_FALSE(figures.last_error().has_value());
  EXPECT_EQ(figures.calls(), 0u);
}

TEST(LlmFigures, AverageAndNearestRankP95) {
  ProviderFigures figures;  // window 100, p95 from 20 samples
  // 1..100 ms in a shuffled order: p95 is the 95th smallest.
  std::vector<int> values(100);
  for (int i = 0; i < 100; ++i) values[static_cast<std::size_t>(i)] = i + 1;
  std::shuffle(values.begin(), values.end(), std::mt19937{7});
  for (std::size_t i = 0; i < values.size(); ++i) {
    figures.record_success(milliseconds{values[i]}, Usage{}, t0);
    if (i + 1 < 20) {
      EXPECT_FALSE(figures.p95_latency().has_value()) << i;
    }
  }
  EXPECT_EQ(figures.p95_latency(), milliseconds{95});
  EXPECT_EQ(figures.average_latency(), milliseconds{50});  // 50.5 truncated
  EXPECT_EQ(figures.latency_samples(), 100u);
}

TEST(LlmFigures, P95RoundsTheRankUp) {
  ProviderFigures figures;
  for (int i = 30; i >= 1; --i) figures.record_success(milliseconds{i}, Usage{}, t0);
  EXPECT_EQ(figures.p95_latency(), milliseconds{29});  // ceil(0.95 x 30) = 29th of 30
  for (int i = 0; i < 9; ++i) figures.record_success(milliseconds{100 + i}, Usage{}, t0);
  EXPECT_EQ(figures.p95_latency(), milliseconds{107});  // ceil(0.95 x 39) = 38th of 39
}

TEST(LlmFigures, P95CoversOnlyTheWindow) {
  FiguresOptions options;
  options.window = 20;
  options.min_latency_samples = 20;
  ProviderFigures figures{options};
  for (int i = 0; i < 20; ++i) figures.record_success(milliseconds{10'000}, Usage{}, t0);
  EXPECT_EQ(figures.p95_latency(), milliseconds{10'000});
  // 19 fast calls push 19 slow ones out; of 20 samples the ceil(0.95 x 20) = 19th is fast.
  for (int i = 0; i < 19; ++i) figures.record_success(milliseconds{100}, Usage{}, t0);
  EXPECT_EQ(figures.p95_latency(), milliseconds{100});
  EXPECT_EQ(figures.average_latency(), milliseconds{(19 * 100 + 10'000) / 20});
}

TEST(LlmFigures, SuccessRateOverTheWindowAndCancelledApart) {
  FiguresOptions options;
  options.window = 10;
  ProviderFigures figures{options};
  for (int i = 0; i < 10; ++i) figures.record_failure(failure(FailureKind::timeout), t0);
  EXPECT_DOUBLE_EQ(*figures.success_rate(), 0.0);
  for (int i = 0; i < 7; ++i) figures.record_success(milliseconds{1}, Usage{}, t0);
  EXPECT_DOUBLE_EQ(*figures.success_rate(), 0.7);
  figures.record_failure(failure(FailureKind::cancelled), t0);
  EXPECT_DOUBLE_EQ(*figures.success_rate(), 0.7);
  EXPECT_EQ(figures.cancelled(), 1u);
  EXPECT_EQ(figures.error_count(), 10u);
  EXPECT_EQ(figures.calls(), 17u);
}

TEST(LlmFigures, ErrorsByClassAndKindConsecutiveFailuresAndLastError) {
  ProviderFigures figures;
  figures.record_failure(failure(FailureKind::timeout), t0);
  figures.record_failure(failure(FailureKind::server_error), t0);
  figures.record_failure(failure(FailureKind::truncated), t0);
  figures.record_failure(failure(FailureKind::cancelled), t0);
  figures.record_failure(failure(FailureKind::auth, "invalid api key"), t0 + milliseconds{5});
  EXPECT_EQ(figures.errors(FailureClass::retryable), 2u);  // cancelled is not an error
  EXPECT_EQ(figures.errors(FailureClass::invalid_answer), 1u);
  EXPECT_EQ(figures.errors(FailureClass::non_retryable), 1u);
  EXPECT_EQ(figures.errors(FailureKind::timeout), 1u);
  EXPECT_EQ(figures.errors(FailureKind::auth), 1u);
  EXPECT_EQ(figures.errors(FailureKind::overloaded), 0u);
  EXPECT_EQ(figures.error_count(), 4u);
  EXPECT_EQ(figures.consecutive_failures(), 4);
  ASSERT_TRUE(figures.last_error().has_value());
  EXPECT_EQ(figures.last_error()->kind, FailureKind::auth);
  EXPECT_EQ(figures.last_error()->http_status, 401);
  EXPECT_EQ(figures.last_error()->message, "invalid api key");
  EXPECT_EQ(figures.last_error()->at, t0 + milliseconds{5});
  figures.record_success(milliseconds{1}, Usage{}, t0);
  EXPECT_EQ(figures.consecutive_failures(), 0);
}

TEST(LlmFigures, TokensAndLastUsed) {
  ProviderFigures figures;
  figures.record_success(milliseconds{900}, Usage{120, 40}, t0);
  figures.record_success(milliseconds{1100}, Usage{100, 30}, t0 + milliseconds{10});
  figures.record_failure(failure(FailureKind::timeout), t0 + milliseconds{20});
  EXPECT_EQ(figures.input_tokens(), 220u);
  EXPECT_EQ(figures.output_tokens(), 70u);
  EXPECT_EQ(figures.last_used(), t0 + milliseconds{20});
  EXPECT_EQ(figures.last_success(), t0 + milliseconds{10});
  EXPECT_EQ(figures.average_latency(), milliseconds{1000});  // failures keep no latency
}

TEST(LlmFigures, NegativeLatencyCountsAsZeroAndAZeroWindowAsOne) {
  FiguresOptions options;
  options.window = 0;
  options.min_latency_samples = 5;
  ProviderFigures figures{options};
  figures.record_success(milliseconds{-20}, Usage{}, t0);
  EXPECT_EQ(figures.p95_latency(), milliseconds{0});
  figures.record_success(milliseconds{30}, Usage{}, t0);
  EXPECT_EQ(figures.p95_latency(), milliseconds{30});
  EXPECT_EQ(figures.average_latency(), milliseconds{30});
}

}  // namespace
}  // namespace autotrader::llm
