#include "config/dotenv.hpp"

#include <cctype>
#include <optional>

namespace autotrader::config {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view skip_blanks(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  return text;
}

std::string_view trim_end(std::string_view text) {
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

bool is_name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// After a closing quote only blanks and a comment may follow.
bool only_comment_left(std::string_view rest) {
  rest = skip_blanks(rest);
  return rest.empty() || rest.front() == '#';
}

std::optional<std::string> parse_value(std::string_view rest, std::string& value) {
  const auto start = skip_blanks(rest);
  if (!start.empty() && start.front() == '\'') {
    const auto close = start.find('\'', 1);
    if (close == std::string_view::npos) return "unterminated single quote";
    if (!only_comment_left(start.substr(close + 1)))
      return "unexpected text after the closing quote";
    value = std::string{start.substr(1, close - 1)};
    return std::nullopt;
  }
  if (!start.empty() && start.front() == '"') {
    value.clear();
    for (std::size_t i = 1; i < start.size(); ++i) {
      const char c = start[i];
      if (c == '"') {
        if (!only_comment_left(start.substr(i + 1))) {
          return "unexpected text after the closing quote";
        }
        return std::nullopt;
      }
      if (c == '\\' && i + 1 < start.size()) {
        const char next = start[++i];
        switch (next) {
          case 'n':
            value += '\n';
            break;
          case 't':
            value += '\t';
            break;
          case '"':
            value += '"';
            break;
          case '\\':
            value += '\\';
            break;
          default:
            value += '\\';
            value += next;
        }
        continue;
      }
      value += c;
    }
    value.clear();
    return "unterminated double quote";
  }
  // Unquoted: a '#' after a blank starts a comment, so "a#b" keeps its '#'.
  std::size_t end = rest.size();
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '#' && i > 0 && is_blank(rest[i - 1])) {
      end = i;
      break;
    }
  }
  value = std::string{trim_end(skip_blanks(rest.substr(0, end)))};
  return std::nullopt;
}

}  // namespace

DotenvContent parse_dotenv(std::string_view text) {
  DotenvContent content;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto newline = text.find('\n');
    auto line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    line = skip_blanks(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.substr(0, 7) == "export " || line.substr(0, 7) == "export\t") {
      line = skip_blanks(line.substr(7));
    }
    if (line.empty() || !is_name_start(line.front())) {
      content.problems.push_back({line_number, "expected NAME=VALUE"});
      continue;
    }
    std::size_t name_end = 1;
    while (name_end < line.size() && is_name_char(line[name_end])) ++name_end;
    const auto name = line.substr(0, name_end);
    auto rest = skip_blanks(line.substr(name_end));
    if (rest.empty() || rest.front() != '=') {
      content.problems.push_back({line_number, "expected '=' after " + std::string{name}});
      continue;
    }
    rest.remove_prefix(1);
    std::string value;
    if (auto problem = parse_value(rest, value)) {
      content.problems.push_back({line_number, *problem + " in the value of " + std::string{name}});
      continue;
    }
    content.entries.push_back({std::string{name}, std::move(value), line_number});
  }
  return content;
}

}  // namespace autotrader::config
