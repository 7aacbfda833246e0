#include "config/json_document.hpp"

#include <algorithm>
#include <cstddef>
#include <iterator>

namespace autotrader::config {
namespace {

using nlohmann::json;

// An input iterator that records how many bytes the parser has consumed, so the SAX handler
// knows where in the text each event happened.
class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* position, const char* begin, std::size_t* consumed)
      : position_{position}, begin_{begin}, consumed_{consumed} {}

  reference operator*() const { return *position_; }
  CountingIterator& operator++() {
    ++position_;
    *consumed_ = static_cast<std::size_t>(position_ - begin_);
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const CountingIterator& other) const { return position_ == other.position_; }
  bool operator!=(const CountingIterator& other) const { return position_ != other.position_; }

 private:
  const char* position_;
  const char* begin_;
  std::size_t* consumed_;
};

// Builds the DOM like nlohmann's own parser and records key lines on the way.
class LineTrackingBuilder final : public nlohmann::json_sax<json> {
 public:
  LineTrackingBuilder(std::string_view text, const std::size_t* consumed, JsonDocument& out)
      : text_{text}, consumed_{consumed}, out_{out} {}

  bool null() override { return put(nullptr); }
  bool boolean(bool value) override { return put(value); }
  bool number_integer(number_integer_t value) override { return put(value); }
  bool number_unsigned(number_unsigned_t value) override { return put(value); }
  bool number_float(number_float_t value, const string_t&) override { return put(value); }
  bool string(string_t& value) override { return put(std::move(value)); }
  bool binary(binary_t& value) override { return put(json::binary(std::move(value))); }

  bool start_object(std::size_t) override { return open(json::object()); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_array() override { return close(); }

  bool key(string_t& name) override {
    const auto& parent_path = paths_.back();
    key_ = name;
    key_path_ = parent_path.empty() ? name : parent_path + "." + name;
    // The parser has just read the key's closing quote, which is on the key's line.
    out_.key_lines[key_path_] = line_and_column(text_, *consumed_ == 0 ? 0 : *consumed_ - 1).first;
    if (stack_.back()->contains(name)) out_.duplicate_keys.push_back(key_path_);
    return true;
  }

  bool parse_error(std::size_t byte, const std::string&,
                   const nlohmann::detail::exception& error) override {
    // `byte` counts from 1 and points at the character that broke the syntax.
    const auto offset = std::min(byte == 0 ? 0 : byte - 1, text_.size());
    const auto [line, column] = line_and_column(text_, offset);
    out_.syntax_error = JsonSyntaxError{line, column, detail_of(error.what())};
    return false;
  }

 private:
  // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..." -> the
  // part after the position, which we state ourselves.
  static std::string detail_of(std::string_view what) {
    const auto column = what.find("column ");
    const auto colon = what.find(": ", column == std::string_view::npos ? 0 : column);
    if (colon == std::string_view::npos) return std::string{what};
    return std::string{what.substr(colon + 2)};
  }

  std::string child_path() const {
    if (stack_.empty()) return {};
    if (stack_.back()->is_array()) {
      return paths_.back() + "[" + std::to_string(stack_.back()->size()) + "]";
    }
    return key_path_;
  }

  template <typename Value>
  json* place(Value&& value) {
    if (stack_.empty()) {
      out_.value = json(std::forward<Value>(value));
      return &out_.value;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(json(std::forward<Value>(value)));
      return &parent.back();
    }
    json& slot = parent[key_];
    slot = json(std::forward<Value>(value));
    return &slot;
  }

  template <typename Value>
  bool put(Value&& value) {
    place(std::forward<Value>(value));
    return true;
  }

  bool open(json container) {
    auto path = child_path();
    stack_.push_back(place(std::move(container)));
    paths_.push_back(std::move(path));
    return true;
  }

  bool close() {
    stack_.pop_back();
    paths_.pop_back();
    return true;
  }

  std::string_view text_;
  const std::size_t* consumed_;
  JsonDocument& out_;
  // Open containers and their paths. Pointers stay valid: objects are maps, and an array only
  // grows after its last element (the one on the stack) has been closed.
  std::vector<json*> stack_;
  std::vector<std::string> paths_;
  std::string key_;
  std::string key_path_;
};

}  // namespace

std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const auto before = text.substr(0, offset);
  const auto line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const auto last_newline = before.rfind('\n');
  const auto column = last_newline == std::string_view::npos ? offset + 1 : offset - last_newline;
  return {line, column};
}

JsonDocument parse_json_document(std::string_view text) {
  JsonDocument document;
  std::size_t consumed = 0;
  LineTrackingBuilder builder{text, &consumed, document};
  const CountingIterator first{text.data(), text.data(), &consumed};
  const CountingIterator last{text.data() + text.size(), text.data(), &consumed};
  try {
    json::sax_parse(first, last, &builder);
  } catch (const json::exception& error) {
    // Syntax errors come through parse_error(); this is for anything the parser throws besides.
    document.syntax_error = JsonSyntaxError{1, 1, error.what()};
  }
  if (document.syntax_error) document.value = nullptr;
  return document;
}

}  // namespace autotrader::config
