#pragma once
// Reads the KEY=VALUE lines of a .env file: `#` comments, an optional `export ` prefix, and
// single-quoted (literal) or double-quoted (with \n \t \" \\ escapes) values. A value spans one
// line. Error messages never repeat a value, which may be a secret.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace autotrader::config {

struct DotenvEntry {
  std::string name;
  std::string value;
  std::size_t line = 0;  // 1-based
};

struct DotenvProblem {
  std::size_t line = 0;
  std::string message;
};

struct DotenvContent {
  std::vector<DotenvEntry> entries;  // in file order; a later entry of the same name wins
  std::vector<DotenvProblem> problems;
};

DotenvContent parse_dotenv(std::string_view text);

}  // namespace autotrader::config
