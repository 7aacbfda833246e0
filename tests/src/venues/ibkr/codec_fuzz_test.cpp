// Seeded mutation fuzzing of the TWS codec: valid frames (recorded, documented and our own
// encodings of every message) are mutated — bytes flipped, inserted, deleted, duplicated,
// truncated, NULs and digits injected, length prefixes corrupted — and pushed through the frame
// reader and every decoder. Nothing may crash, throw or read out of bounds (ASan/UBSan); every
// failure must be an Error value; and anything a decoder accepts must encode again.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/src/venues/ibkr/ibkr_test_support.hpp"
#include "venues/ibkr/handshake.hpp"
#include "venues/ibkr/requests.hpp"
#include "venues/ibkr/responses.hpp"

namespace autotrader::ibkr {
namespace {

std::vector<std::string> corpus() {
  std::vector<std::string> frames;
  for (const auto& [name, bytes] : test::stoqey_frames()) {
    if (name != "handshake_prefix") frames.push_back(bytes);
  }
  for (const auto& [name, bytes] : test::documented_frames()) frames.push_back(bytes);
  OpenOrder open;
  open.order_id = 1;
  open.contract = us_stock("AAPL");
  open.action = "BUY";
  open.total_quantity = test::dec("10");
  open.order_type = "LMT";
  open.lmt_price = test::dec("185.25");
  open.order_ref = "d1-en";
  open.status = "Submitted";
  HistoricalData history;
  history.req_id = 4;
  history.bars = {{"1767364200", 185, 185.5, 184.9, 185.2, 1000, 185.1, 10}};
  ExecDetails exec;
  exec.contract = us_stock("AAPL");
  exec.shares = test::dec("10");
  exec.price = test::dec("185.24");
  CommissionReport commission;
  commission.exec_id = "e1";
  commission.commission = test::dec("1.0105");
  for (const Response& response :
       {Response{open}, Response{history}, Response{exec}, Response{commission},
        Response{TickPrice{2, 1, 185.25, 300, 0}}, Response{TickSize{2, 8, 12345}},
        Response{RealtimeBar{3, 1767364265, 185.1, 185.3, 185, 185.25, 1200, 185.17, 14}},
        Response{Position{"DU1", us_stock("AAPL"), test::dec("10"), test::dec("185.2")}},
        Response{OrderStatus{}}, Response{CurrentTime{1}}, Response{ExecDetailsEnd{7}}}) {
    frames.push_back(encode_response(response, 176).value());
  }
  return frames;
}

char random_byte(std::mt19937_64& rng) {
  static constexpr std::string_view kAlphabet{"0123456789-.,E\0\0\0 \xff", 20};
  if (rng() % 3 == 0) return static_cast<char>(rng() % 256);
  return kAlphabet[rng() % kAlphabet.size()];
}

std::string mutate(std::string s, std::mt19937_64& rng) {
  const int rounds = 1 + static_cast<int>(rng() % 4);
  for (int r = 0; r < rounds; ++r) {
    const std::size_t pos = s.empty() ? 0 : rng() % s.size();
    switch (rng() % 7) {
      case 0:
        if (!s.empty()) s[pos] = random_byte(rng);
        break;
      case 1:
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(pos), random_byte(rng));
        break;
      case 2:
        s.erase(pos, 1 + rng() % 8);
        break;
      case 3:
        s.insert(pos, s.substr(rng() % (s.size() + 1), rng() % 32));
        break;
      case 4:
        s.resize(pos);
        break;
      case 5:  // a length prefix of the payload's true size, so the decoders are reached
        if (s.size() >= 4) {
          const std::string payload = s.substr(4);
          s = payload.size() <= kMaxFrameBytes ? encode_frame(payload) : s;
        }
        break;
      default:
        if (s.size() > 1) std::swap(s[pos], s[rng() % s.size()]);
    }
  }
  return s;
}

// Every decoder on one payload; accepted messages must encode again without failing.
void decode_everything(const std::string& payload, std::size_t& accepted) {
  auto fields = split_fields(payload);
  if (!fields) return;
  (void)decode_client_hello(payload);
  (void)decode_server_hello(fields.value());
  for (int version : {157, 176, 178}) {
    auto response = decode_response(fields.value(), version);
    if (response) {
      ++accepted;
      auto again = encode_response(response.value(), version);
      EXPECT_TRUE(again.ok() || again.error().code == errc::invalid_field);
    } else {
      EXPECT_FALSE(response.error().message.empty());
    }
    auto request = decode_request(fields.value(), version);
    if (request) {
      ++accepted;
      auto again = encode_request(request.value(), version);
      // A decoded order can be one we would not send (a LMT without a price): refused, not sent.
      EXPECT_TRUE(again.ok() || again.error().code == errc::invalid_field);
    } else {
      EXPECT_FALSE(request.error().message.empty());
    }
  }
}

TEST(IbkrCodecFuzz, MutatedFramesNeverCrash) {
  const auto seeds = corpus();
  ASSERT_GE(seeds.size(), 30u);
  std::mt19937_64 rng{20260102};
  std::size_t accepted = 0;
  std::size_t reader_errors = 0;
  for (int i = 0; i < 30000; ++i) {
    // Sometimes several mutants in one stream, split into random chunks.
    std::string stream;
    const int count = 1 + static_cast<int>(rng() % 3);
    for (int j = 0; j < count; ++j) stream += mutate(seeds[rng() % seeds.size()], rng);
    FrameReader reader{1 << 16};
    std::size_t at = 0;
    while (at < stream.size()) {
      const std::size_t n = 1 + rng() % 64;
      reader.feed(std::string_view{stream}.substr(at, n));
      at += n;
      while (auto payload = reader.next()) {
        if (!payload->ok()) {
          ++reader_errors;
          break;
        }
        decode_everything(payload->value(), accepted);
      }
      if (reader.failed()) break;
    }
    EXPECT_LE(reader.buffered(), stream.size());
  }
  // The fuzzer must reach the decoders, not only the framing.
  EXPECT_GT(accepted, 1000u);
  EXPECT_GT(reader_errors, 0u);
}

// The unmutated corpus decodes cleanly (so the fuzzer starts from valid frames).
TEST(IbkrCodecFuzz, CorpusIsValid) {
  for (const auto& frame : corpus()) {
    if (frame.back() != '\0') {  // the client's version range: no NUL terminator
      EXPECT_TRUE(decode_client_hello(frame.substr(4)).ok());
      continue;
    }
    const Fields fields = test::fields_of(frame);
    ASSERT_FALSE(fields.empty());
    const bool as_response = decode_response(fields, 176).ok();
    const bool as_request = decode_request(fields, 176).ok();
    const bool as_hello = decode_server_hello(fields).ok();
    EXPECT_TRUE(as_response || as_request || as_hello) << fields[0];
  }
}

}  // namespace
}  // namespace autotrader::ibkr
