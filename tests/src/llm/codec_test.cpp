// What every format shares: provider kinds, transport errors, retry-hint parsing, the message
// budget and key redaction, and the nesting limit on untrusted JSON.
#include <gtest/gtest.h>

#include "llm/codec.hpp"
#include "llm/codec_detail.hpp"
#include "llm_test_support.hpp"

namespace autotrader::llm {
namespace {

using namespace std::chrono_literals;
using testing::failure_of;
using testing::fixture_settings;
using testing::response;

TEST(LlmCodec, ProviderKindNamesRoundTrip) {
  for (auto kind : {ProviderKind::gemini, ProviderKind::openai, ProviderKind::anthropic,
                    ProviderKind::together, ProviderKind::local}) {
    EXPECT_EQ(parse_provider_kind(to_string(kind)), kind);
  }
  EXPECT_EQ(to_string(ProviderKind::openai), "openai");
  EXPECT_FALSE(parse_provider_kind("OpenAI"));
  EXPECT_FALSE(parse_provider_kind(""));
}

TEST(LlmCodec, EveryRequestIsAReplayablePost) {
  Conversation conversation{"system", {{Role::user, "decide"}}};
  for (auto kind : {ProviderKind::gemini, ProviderKind::openai, ProviderKind::anthropic,
                    ProviderKind::together, ProviderKind::local}) {
    const auto request = build_request(fixture_settings(kind), conversation);
    EXPECT_EQ(request.method, "POST") << to_string(kind);
    EXPECT_TRUE(request.replayable) << to_string(kind);
  }
}

TEST(LlmCodec, TransportErrorsAreClassified) {
  struct Case {
    net::client_errc code;
    FailureKind kind;
  };
  for (const Case& c : {Case{net::client_errc::timeout, FailureKind::timeout},
                        Case{net::client_errc::cancelled, FailureKind::cancelled},
                        Case{net::client_errc::connect_failed, FailureKind::connection},
                        Case{net::client_errc::resolve_failed, FailureKind::connection},
                        Case{net::client_errc::tls_failed, FailureKind::connection},
                        Case{net::client_errc::closed, FailureKind::connection},
                        Case{net::client_errc::protocol_error, FailureKind::connection},
                        Case{net::client_errc::io_error, FailureKind::connection},
                        Case{net::client_errc::invalid_url, FailureKind::bad_request},
                        Case{net::client_errc::too_large, FailureKind::unparseable}}) {
    auto failure = classify_transport_error({c.code, "read from api.openai.com:443: reset"});
    EXPECT_EQ(failure.kind, c.kind) << net::to_string(c.code);
    EXPECT_EQ(failure.http_status, 0);
    EXPECT_FALSE(failure.retry_after);
  }
  auto timeout = classify_transport_error(
      {net::client_errc::timeout, "read from api.openai.com:443: timed out"});
  EXPECT_EQ(timeout.message, "timeout: read from api.openai.com:443: timed out");
  EXPECT_EQ(timeout.klass(), FailureClass::retryable);
  EXPECT_EQ(classify_transport_error({net::client_errc::invalid_url, "x"}).klass(),
            FailureClass::non_retryable)
      << "a pre-network error repeats on every retry";
}

TEST(LlmCodec, GoDurationsAsOpenAiPrintsThem) {
  EXPECT_EQ(detail::parse_go_duration("2.502s"), std::optional{2502ms});
  EXPECT_EQ(detail::parse_go_duration("20ms"), std::optional{20ms});
  EXPECT_EQ(detail::parse_go_duration("1m30s"), std::optional{90000ms});
  EXPECT_EQ(detail::parse_go_duration("6m0s. Visit"), std::optional{360000ms});
  EXPECT_EQ(detail::parse_go_duration("1h2m"), std::optional{3720000ms});
  EXPECT_FALSE(detail::parse_go_duration("soon"));
  EXPECT_FALSE(detail::parse_go_duration("5 minutes"));
  EXPECT_FALSE(detail::parse_go_duration(""));
  EXPECT_EQ(detail::parse_go_duration("99999999h"), std::optional{detail::kMaxRetryHint});
}

TEST(LlmCodec, ProtoDurationsAsRetryInfoCarriesThem) {
  EXPECT_EQ(detail::parse_proto_duration("26s"), std::optional{26000ms});
  EXPECT_EQ(detail::parse_proto_duration("1.5s"), std::optional{1500ms});
  EXPECT_EQ(detail::parse_proto_duration("0s"), std::optional{0ms});
  EXPECT_FALSE(detail::parse_proto_duration("26"));
  EXPECT_FALSE(detail::parse_proto_duration("-1s"));
  EXPECT_FALSE(detail::parse_proto_duration("1.5ms"));
}

TEST(LlmCodec, HttpDates) {
  // RFC 9110 §5.6.7's example.
  EXPECT_EQ(detail::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(detail::parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(detail::parse_http_date("Tue, 29 Feb 2000 12:00:00 GMT"), 951825600);
  EXPECT_FALSE(detail::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));
  EXPECT_FALSE(detail::parse_http_date("Sun, 06 Nox 1994 08:49:37 GMT"));
  EXPECT_FALSE(detail::parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT"));
  EXPECT_FALSE(detail::parse_http_date(""));
}

TEST(LlmCodec, RetryAfterHeaderForms) {
  auto hint = [](net::HeaderFields headers) {
    return detail::retry_hint_from_headers(response(429, "", std::move(headers)));
  };
  EXPECT_EQ(hint({{"Retry-After", "120"}}), std::optional{120000ms});
  EXPECT_EQ(hint({{"retry-after", " 1.5 "}}), std::optional{1500ms});
  EXPECT_EQ(hint({{"retry-after-ms", "250.5"}}), std::optional{250ms});
  EXPECT_EQ(hint({{"retry-after", "Sun, 06 Nov 1994 08:49:37 GMT"},
                  {"date", "Sun, 06 Nov 1994 08:49:00 GMT"}}),
            std::optional{37000ms});
  EXPECT_EQ(hint({{"retry-after", "Sun, 06 Nov 1994 08:49:00 GMT"},
                  {"date", "Sun, 06 Nov 1994 08:49:37 GMT"}}),
            std::optional{0ms})
      << "a date in the past means now";
  EXPECT_FALSE(hint({{"retry-after", "-5"}}));
  EXPECT_FALSE(hint({{"retry-after-ms", "abc"}}));
  EXPECT_FALSE(hint({}));
}

TEST(LlmCodec, RetryHintsInMessages) {
  EXPECT_EQ(detail::retry_hint_from_message("... Please try again in 2.502s. Visit ..."),
            std::optional{2502ms});
  EXPECT_EQ(detail::retry_hint_from_message("Please try again in 20ms."), std::optional{20ms});
  EXPECT_EQ(detail::retry_hint_from_message("Please retry in 26.4s."), std::optional{26400ms});
  EXPECT_EQ(detail::retry_hint_from_message("Try again in 1m30s"), std::optional{90000ms});
  EXPECT_FALSE(detail::retry_hint_from_message("Please try again later."));
  EXPECT_FALSE(detail::retry_hint_from_message(""));
}

TEST(LlmCodec, ProviderMessagesAreShortCleanAndKeyFree) {
  auto settings = fixture_settings(ProviderKind::openai);
  EXPECT_EQ(detail::provider_message("line\n\tbreak\x1b[31m red\x07", settings),
            "line break[31m red");
  std::string long_text(1000, 'x');
  EXPECT_EQ(detail::provider_message(long_text, settings).size(), detail::kMaxProviderMessageBytes);
  // A key at the very end of a long message is redacted before the cut, not half-kept.
  std::string tail = std::string(150, 'a') + " sk-test-key-0123456789";
  EXPECT_EQ(detail::provider_message(tail, settings).find("sk-"), std::string::npos);
  EXPECT_EQ(detail::provider_message("use sk-live-ABCDEFGHIJKLMNOP now", settings),
            "use [redacted] now");
  EXPECT_EQ(detail::provider_message("risk-free sk-short", settings), "risk-free sk-short");
}

TEST(LlmCodec, NumbersBeyondDoubleAreUnparseableNotInfinite) {
  // nlohmann reports an overflowing number as a parse error rather than as infinity.
  nlohmann::json body = {{"choices",
                          {{{"message", {{"content", R"({"action":"BUY","confidence":1e400})"}}},
                            {"finish_reason", "stop"}}}}};
  auto failure = failure_of(
      parse_response(fixture_settings(ProviderKind::openai), response(200, body.dump())));
  EXPECT_EQ(failure.kind, FailureKind::unparseable);
}

TEST(LlmCodec, DeepNestingIsRefusedNotRecursedInto) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_FALSE(detail::parse_json(deep));
  for (auto kind : {ProviderKind::gemini, ProviderKind::openai, ProviderKind::anthropic}) {
    auto settings = fixture_settings(kind);
    EXPECT_EQ(failure_of(parse_response(settings, response(200, deep))).kind,
              FailureKind::unparseable);
    EXPECT_EQ(failure_of(parse_response(settings, response(500, deep))).kind,
              FailureKind::server_error);
  }
  // Brackets inside strings do not count.
  EXPECT_TRUE(detail::parse_json(R"({"a":")" + std::string(1000, '[') + R"("})"));
  // Nor does a deep answer inside the text, which would be dumped recursively later.
  nlohmann::json body = {
      {"choices", {{{"message", {{"content", deep}}}, {"finish_reason", "stop"}}}}};
  EXPECT_EQ(
      failure_of(parse_response(fixture_settings(ProviderKind::openai), response(200, body.dump())))
          .kind,
      FailureKind::unparseable);
}

}  // namespace
}  // namespace autotrader::llm
