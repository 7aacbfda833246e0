#pragma once
// Helpers of the TWS codec tests: the frame fixtures (tests/fixtures/ibkr/*.txt, "<name> <hex>"
// per line) and frames built from field lists.
#include <gtest/gtest.h>

#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>
#include <string>

#include "venues/ibkr/wire.hpp"

namespace autotrader::ibkr::test {

inline std::map<std::string, std::string> load_frames(const std::string& file) {
  std::ifstream in{std::string{AUTOTRADER_SOURCE_DIR} + "/tests/fixtures/ibkr/" + file};
  EXPECT_TRUE(in.good()) << file;
  std::map<std::string, std::string> frames;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream row{line};
    std::string name;
    std::string hex;
    row >> name >> hex;
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
      bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    frames[name] = bytes;
  }
  return frames;
}

inline const std::map<std::string, std::string>& stoqey_frames() {
  static const auto frames = load_frames("stoqey_client_frames_v176.txt");
  return frames;
}

inline const std::map<std::string, std::string>& documented_frames() {
  static const auto frames = load_frames("documented_frames_v176.txt");
  return frames;
}

// The frame of the given fields, each NUL-terminated.
inline std::string frame_of(std::initializer_list<std::string> fields) {
  std::string payload;
  for (const auto& field : fields) {
    payload += field;
    payload.push_back('\0');
  }
  return encode_frame(payload);
}

// The fields of one whole frame (length prefix checked).
inline Fields fields_of(const std::string& frame) {
  EXPECT_GE(frame.size(), 4u);
  FrameReader reader;
  reader.feed(frame);
  auto payload = reader.next();
  EXPECT_TRUE(payload.has_value());
  EXPECT_TRUE(payload && payload->ok());
  EXPECT_EQ(reader.buffered(), 0u);
  if (!payload || !payload->ok()) return {};
  auto fields = split_fields(payload->value());
  EXPECT_TRUE(fields.ok());
  return fields.ok() ? fields.value() : Fields{};
}

inline core::Decimal dec(const char* text) {
  return *core::Decimal::parse(text);
}

}  // namespace autotrader::ibkr::test
