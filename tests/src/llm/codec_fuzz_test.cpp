// Seeded fuzzing of every response decoder: the fixtures (the seed corpus) mutated byte-wise, and
// plain random bytes, under every interesting status. Nothing may crash, throw or read out of
// bounds (ASan/UBSan); the result is a ModelReply or a Failure whose message is short, valid
// UTF-8, free of control characters and of anything shaped like a key, and a reply always
// survives validation and dump().
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "llm/codec.hpp"
#include "llm/validate.hpp"
#include "llm_test_support.hpp"

namespace autotrader::llm {
namespace {

using testing::fixture_settings;
using testing::read_fixture;
using testing::response;

struct Seed {
  ProviderKind kind;  // the format the body was written for
  std::string body;
};

const std::vector<Seed>& corpus() {
  static const std::vector<std::pair<ProviderKind, std::string>> files = {
      {ProviderKind::gemini, "gemini/response_ok.json"},
      {ProviderKind::gemini, "gemini/response_thought_parts.json"},
      {ProviderKind::gemini, "gemini/response_blocked_prompt.json"},
      {ProviderKind::gemini, "gemini/error_429_per_minute.json"},
      {ProviderKind::gemini, "gemini/error_429_per_day.json"},
      {ProviderKind::openai, "openai/response_ok.json"},
      {ProviderKind::openai, "openai/response_refusal.json"},
      {ProviderKind::openai, "openai/error_429_rate_limit.json"},
      {ProviderKind::openai, "openai/error_401_invalid_key.json"},
      {ProviderKind::anthropic, "anthropic/response_tool_use.json"},
      {ProviderKind::anthropic, "anthropic/response_prose.json"},
      {ProviderKind::anthropic, "anthropic/error_429_spend_limit.json"},
      {ProviderKind::anthropic, "anthropic/error_529_overloaded.json"},
      {ProviderKind::together, "together/response_eos.json"},
      {ProviderKind::local, "local/response_ollama.json"},
  };
  static const std::vector<Seed> seeds = [] {
    std::vector<Seed> out;
    for (const auto& [kind, file] : files) out.push_back({kind, read_fixture(file)});
    return out;
  }();
  return seeds;
}

// Mostly the format the seed was written for (deep paths), sometimes another one (mismatched
// envelopes).
ProviderKind pick_kind(const Seed& seed, std::mt19937_64& rng) {
  return rng() % 4 == 0 ? static_cast<ProviderKind>(rng() % 5) : seed.kind;
}

char random_char(std::mt19937_64& rng) {
  static constexpr std::string_view kAlphabet = R"({}[]":,.-+0123456789eEtruefalsnl \)";
  switch (rng() % 6) {
    case 0:
      return static_cast<char>(rng() % 256);
    case 1:
      return static_cast<char>(0x20 + rng() % 95);
    default:
      return kAlphabet[rng() % kAlphabet.size()];
  }
}

std::string mutate(std::string s, std::mt19937_64& rng) {
  int rounds = 1 + static_cast<int>(rng() % 6);
  for (int r = 0; r < rounds; ++r) {
    std::size_t pos = s.empty() ? 0 : rng() % s.size();
    switch (rng() % 6) {
      case 0:
        if (!s.empty()) s[pos] = random_char(rng);
        break;
      case 1:
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(pos), random_char(rng));
        break;
      case 2:
        s.erase(pos, 1 + rng() % 16);
        break;
      case 3:
        s.insert(pos, s.substr(rng() % (s.size() + 1), rng() % 32));
        break;
      case 4:
        s.resize(pos);
        break;
      default:
        if (s.size() > 1) std::swap(s[pos], s[rng() % s.size()]);
    }
  }
  return s;
}

nlohmann::json random_value(std::mt19937_64& rng) {
  static const std::vector<std::string> kStrings = {"",
                                                    "BUY",
                                                    "SELL",
                                                    "HOLD",
                                                    "buy",
                                                    "STOP",
                                                    "MAX_TOKENS",
                                                    "tool_use",
                                                    "emit_decision",
                                                    "length",
                                                    "eos",
                                                    "refusal",
                                                    "\x01\x1b[2J\u202e",
                                                    "26s",
                                                    "sk-proj-0123456789abcdef",
                                                    "bad key sk-test-key-0123456789",
                                                    "{\"action\":\"BUY\"}",
                                                    std::string(3000, 'x')};
  switch (rng() % 9) {
    case 0:
      return nullptr;
    case 1:
      return rng() % 2 == 0;
    case 2:
      return static_cast<std::int64_t>(rng()) >> (rng() % 64);
    case 3: {
      static constexpr double kDoubles[] = {0, -0.5, 0.72, 1.02, 7, 55, 1e300, -1e300, 5e-324};
      return kDoubles[rng() % std::size(kDoubles)];
    }
    case 4:
    case 5:
      return kStrings[rng() % kStrings.size()];
    case 6:
      return nlohmann::json::array({random_value(rng)});
    case 7:
      return nlohmann::json::object({{"action", random_value(rng)}});
    default:
      return nlohmann::json::object();
  }
}

// Replaces, removes or re-types one node of the document (also inside a JSON string leaf, where
// Gemini and OpenAI put the decision), so that most mutants keep the envelope and reach the
// decoders' deeper paths.
void mutate_tree(nlohmann::json& doc, std::mt19937_64& rng) {
  auto flat = doc.flatten();
  if (flat.empty() || !flat.is_object()) {
    doc = random_value(rng);
    return;
  }
  auto it = std::next(flat.begin(), static_cast<std::ptrdiff_t>(rng() % flat.size()));
  nlohmann::json::json_pointer pointer{it.key()};
  nlohmann::json& leaf = doc[pointer];
  if (leaf.is_string()) {
    auto inner = nlohmann::json::parse(leaf.get<std::string>(), nullptr, false);
    if (!inner.is_discarded() && inner.is_object() && rng() % 2 == 0) {
      mutate_tree(inner, rng);
      leaf = inner.dump();
      return;
    }
  }
  switch (rng() % 4) {
    case 0:
    case 1:
      leaf = random_value(rng);
      break;
    case 2:
      if (!pointer.empty()) doc[pointer.parent_pointer()] = random_value(rng);
      break;
    default:
      if (!pointer.empty()) {
        nlohmann::json& parent = doc[pointer.parent_pointer()];
        if (parent.is_object()) parent.erase(pointer.back());
      }
  }
}

bool has_control_characters(const std::string& text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return true;
  }
  return false;
}

void check(ProviderKind kind, const net::ClientResponse& http, std::size_t& replies) {
  ReplyResult result;
  ASSERT_NO_THROW(result = parse_response(fixture_settings(kind), http));
  if (auto* failure = std::get_if<Failure>(&result)) {
    EXPECT_LE(failure->message.size(), 300u);
    EXPECT_FALSE(has_control_characters(failure->message)) << failure->message;
    EXPECT_NO_THROW((void)nlohmann::json(failure->message).dump()) << "invalid UTF-8";
    EXPECT_EQ(failure->message.find("0123456789"), std::string::npos) << failure->message;
    return;
  }
  ++replies;
  const auto& reply = std::get<ModelReply>(result);
  EXPECT_NO_THROW((void)reply.decision.dump());
  EXPECT_NO_THROW((void)nlohmann::json(reply.model).dump());
  EXPECT_EQ(reply.model.find("0123456789"), std::string::npos) << reply.model;
  std::variant<Decision, Failure> validated;
  ASSERT_NO_THROW(validated = validate_decision(reply.decision));
  if (auto* decision = std::get_if<Decision>(&validated)) {
    EXPECT_NO_THROW((void)nlohmann::json(decision->reasoning).dump());
    EXPECT_LE(decision->reasoning.size(), kMaxReasoningBytes);
  }
}

TEST(LlmCodecFuzz, MutatedFixturesNeverCrash) {
  std::mt19937_64 rng{20240401};
  std::size_t replies = 0;
  for (int i = 0; i < 6000; ++i) {
    const Seed& seed = corpus()[rng() % corpus().size()];
    static constexpr int kStatuses[] = {200, 200, 200, 400, 401, 429, 500, 503, 529};
    int status = kStatuses[rng() % std::size(kStatuses)];
    check(pick_kind(seed, rng),
          response(status, mutate(seed.body, rng), {{"retry-after", mutate("12", rng)}}), replies);
  }
  RecordProperty("replies", static_cast<int>(replies));
  EXPECT_GT(replies, 0u);
}

TEST(LlmCodecFuzz, MutatedDocumentsNeverCrash) {
  std::mt19937_64 rng{99};
  std::size_t replies = 0;
  std::size_t decisions = 0;
  for (int i = 0; i < 4000; ++i) {
    const Seed& seed = corpus()[rng() % corpus().size()];
    auto doc = nlohmann::json::parse(seed.body);
    int rounds = 1 + static_cast<int>(rng() % 3);
    for (int r = 0; r < rounds; ++r) mutate_tree(doc, rng);
    std::size_t before = replies;
    check(pick_kind(seed, rng), response(rng() % 4 == 0 ? 429 : 200, doc.dump()), replies);
    if (replies > before) ++decisions;
  }
  // The mutants must reach the deep paths (a decision out of the envelope), not only fail at
  // the first brace.
  RecordProperty("replies", static_cast<int>(decisions));
  EXPECT_GT(decisions, 400u);
}

TEST(LlmCodecFuzz, RandomBytesAreFailures) {
  std::mt19937_64 rng{7};
  std::size_t replies = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(rng() % 512, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() % 256);
    auto kind = static_cast<ProviderKind>(rng() % 5);
    check(kind, response(i % 2 ? 200 : 429, bytes, {{"retry-after-ms", bytes.substr(0, 8)}}),
          replies);
  }
  EXPECT_EQ(replies, 0u);
}

}  // namespace
}  // namespace autotrader::llm
