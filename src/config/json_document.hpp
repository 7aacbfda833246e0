#pragma once
// Parses JSON text and remembers the line of every object key, so configuration errors can
// point at "file:line". nlohmann::json alone keeps no positions.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace autotrader::config {

struct JsonSyntaxError {
  std::size_t line = 0;    // 1-based
  std::size_t column = 0;  // 1-based, in bytes
  std::string message;     // "syntax error while parsing ..."
};

struct JsonDocument {
  nlohmann::json value;
  // Key path ("http.port"; array elements as "list[0]") -> line of the key. A repeated key maps
  // to its last occurrence, whose value is the one kept.
  std::map<std::string, std::size_t> key_lines;
  std::vector<std::string> duplicate_keys;  // paths of keys that appear more than once
  std::optional<JsonSyntaxError> syntax_error;
};

JsonDocument parse_json_document(std::string_view text);

// 1-based line and column of a 0-based byte offset.
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset);

}  // namespace autotrader::config
