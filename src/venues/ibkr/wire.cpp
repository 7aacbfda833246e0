#include "venues/ibkr/wire.hpp"

#include <cassert>
#include <charconv>
#include <cmath>
#include <system_error>

namespace autotrader::ibkr {

std::string encode_frame(std::string_view payload) {
  assert(payload.size() <= kMaxFrameBytes);
  const auto n = static_cast<std::uint32_t>(payload.size());
  std::string frame;
  frame.reserve(4 + payload.size());
  frame.push_back(static_cast<char>((n >> 24) & 0xff));
  frame.push_back(static_cast<char>((n >> 16) & 0xff));
  frame.push_back(static_cast<char>((n >> 8) & 0xff));
  frame.push_back(static_cast<char>(n & 0xff));
  frame.append(payload);
  return frame;
}

Expected<Fields> split_fields(std::string_view payload) {
  if (payload.empty() || payload.back() != '\0') {
    return make_error(errc::malformed_frame, "payload is not NUL-terminated fields");
  }
  Fields fields;
  std::size_t start = 0;
  while (start < payload.size()) {
    const std::size_t end = payload.find('\0', start);
    fields.emplace_back(payload.substr(start, end - start));
    start = end + 1;
  }
  return fields;
}

void FrameReader::feed(std::string_view bytes) {
  if (error_) return;
  // Drop consumed bytes before growing, so the buffer holds at most one partial frame plus the
  // new chunk.
  if (offset_ > 0 && offset_ >= buffer_.size() / 2) {
    buffer_.erase(0, offset_);
    offset_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<Expected<std::string>> FrameReader::next() {
  if (error_) return Expected<std::string>{*error_};
  if (buffered() < 4) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + offset_);
  const std::size_t n = (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) |
                        (std::size_t{p[2]} << 8) | std::size_t{p[3]};
  if (n == 0) {
    error_ = make_error(errc::empty_frame, "length prefix 0");
  } else if (n > max_frame_bytes_) {
    error_ = make_error(errc::frame_too_large, "length prefix " + std::to_string(n) +
                                                   " above the maximum " +
                                                   std::to_string(max_frame_bytes_));
  }
  if (error_) {
    buffer_.clear();
    offset_ = 0;
    return Expected<std::string>{*error_};
  }
  if (buffered() - 4 < n) return std::nullopt;
  std::string payload = buffer_.substr(offset_ + 4, n);
  offset_ += 4 + n;
  if (offset_ == buffer_.size()) {
    buffer_.clear();
    offset_ = 0;
  }
  return Expected<std::string>{std::move(payload)};
}

namespace {

bool parse_int64(std::string_view text, std::int64_t& out) {
  if (text.empty()) return false;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(first, last, out);
  return ec == std::errc{} && ptr == last;
}

// Multiplies by 10^exponent exactly, or nullopt.
std::optional<core::Decimal> shift(const core::Decimal& value, int exponent) {
  if (exponent >= 0) {
    std::optional<core::Decimal> result = value;
    const auto ten = core::Decimal::from_integer(10);
    for (int i = 0; i < exponent && result; ++i) result = core::multiply(*result, ten);
    return result;
  }
  return core::Decimal::from_units(value.mantissa(), value.scale() - exponent);
}

}  // namespace

std::optional<core::Decimal> parse_wire_decimal(std::string_view text) {
  const std::size_t e = text.find_first_of("eE");
  if (e == std::string_view::npos) return core::Decimal::parse(text);
  std::string_view exponent_text = text.substr(e + 1);
  if (!exponent_text.empty() && exponent_text.front() == '+') exponent_text.remove_prefix(1);
  std::int64_t exponent = 0;
  if (!parse_int64(exponent_text, exponent) || exponent < -40 || exponent > 40) {
    return std::nullopt;
  }
  const auto mantissa = core::Decimal::parse(text.substr(0, e));
  if (!mantissa) return std::nullopt;
  return shift(*mantissa, static_cast<int>(exponent));
}

FieldWriter& FieldWriter::text(std::string_view value, const char* name) {
  if (value.find('\0') != std::string_view::npos && !bad_field_) bad_field_ = name;
  payload_.append(value);
  payload_.push_back('\0');
  return *this;
}

FieldWriter& FieldWriter::integer(std::int64_t value) {
  return text(std::to_string(value));
}

FieldWriter& FieldWriter::optional_integer(const std::optional<std::int64_t>& value) {
  return value ? integer(*value) : empty();
}

FieldWriter& FieldWriter::boolean(bool value) {
  return text(value ? "1" : "0");
}

FieldWriter& FieldWriter::decimal(const core::Decimal& value) {
  return text(value.to_string());
}

FieldWriter& FieldWriter::optional_decimal(const std::optional<core::Decimal>& value) {
  return value ? decimal(*value) : empty();
}

FieldWriter& FieldWriter::number(double value) {
  char buffer[512];  // fixed notation of the largest double needs 309 digits
  const auto [ptr, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  if (ec != std::errc{}) {
    if (!bad_field_) bad_field_ = "number";
    return empty();
  }
  return text(std::string_view(buffer, static_cast<std::size_t>(ptr - buffer)));
}

FieldWriter& FieldWriter::empty(int count) {
  for (int i = 0; i < count; ++i) payload_.push_back('\0');
  return *this;
}

Expected<std::string> FieldWriter::frame() const {
  if (bad_field_) {
    return make_error(errc::invalid_field, "field '" + *bad_field_ + "' contains a NUL");
  }
  if (payload_.size() > kMaxFrameBytes) {
    return make_error(errc::frame_too_large,
                      "message of " + std::to_string(payload_.size()) + " bytes");
  }
  return encode_frame(payload_);
}

void FieldReader::fail(errc code, const char* name, std::string_view why) {
  if (error_) return;
  error_ = make_error(code, std::string{message_} + ": field " + std::to_string(index_) + " (" +
                                name + ") " + std::string{why});
}

const std::string* FieldReader::take(const char* name) {
  if (error_) return nullptr;
  if (index_ >= fields_.size()) {
    fail(errc::missing_field, name, "is missing");
    return nullptr;
  }
  return &fields_[index_++];
}

std::string FieldReader::text(const char* name) {
  const std::string* field = take(name);
  return field ? *field : std::string{};
}

std::int64_t FieldReader::integer(const char* name) {
  const std::string* field = take(name);
  if (!field || field->empty()) return 0;
  std::int64_t value = 0;
  if (!parse_int64(*field, value)) {
    --index_;
    fail(errc::invalid_field, name, "is not an integer");
    return 0;
  }
  return value;
}

std::optional<std::int64_t> FieldReader::optional_integer(const char* name) {
  const std::string* field = take(name);
  if (!field || field->empty()) return std::nullopt;
  std::int64_t value = 0;
  if (!parse_int64(*field, value)) {
    --index_;
    fail(errc::invalid_field, name, "is not an integer");
    return std::nullopt;
  }
  if (value == kUnsetInteger || value == kUnsetLong) return std::nullopt;
  return value;
}

namespace {

bool is_unset_number(std::string_view text) {
  return text == kUnsetDoubleText || text == kUnsetDecimalText || text == "Infinity" ||
         text == "1.7976931348623157e+308";
}

}  // namespace

core::Decimal FieldReader::decimal(const char* name) {
  const std::string* field = take(name);
  if (!field || field->empty()) return {};
  const auto value = parse_wire_decimal(*field);
  if (!value) {
    --index_;
    fail(errc::invalid_field, name, "is not a decimal");
    return {};
  }
  return *value;
}

std::optional<core::Decimal> FieldReader::optional_decimal(const char* name) {
  const std::string* field = take(name);
  if (!field || field->empty() || is_unset_number(*field)) return std::nullopt;
  const auto value = parse_wire_decimal(*field);
  if (!value) {
    --index_;
    fail(errc::invalid_field, name, "is not a decimal");
    return std::nullopt;
  }
  return value;
}

double FieldReader::number(const char* name) {
  const auto value = optional_number(name);
  if (!ok()) return 0;
  if (!value && !fields_[index_ - 1].empty()) {
    --index_;
    fail(errc::invalid_field, name, "is the unset sentinel");
    return 0;
  }
  return value.value_or(0);
}

std::optional<double> FieldReader::optional_number(const char* name) {
  const std::string* field = take(name);
  if (!field || field->empty() || is_unset_number(*field)) return std::nullopt;
  double value = 0;
  const char* first = field->data();
  const char* last = first + field->size();
  if (*first == '+') ++first;  // from_chars takes no '+'; Java never writes one, be lenient
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc{} || ptr != last || !std::isfinite(value)) {
    --index_;
    fail(errc::invalid_field, name, "is not a number");
    return std::nullopt;
  }
  return value;
}

bool FieldReader::boolean(const char* name) {
  const std::string* field = take(name);
  if (!field || field->empty() || *field == "0") return false;
  if (*field == "1") return true;
  --index_;
  fail(errc::invalid_field, name, "is not a boolean (1/0)");
  return false;
}

void FieldReader::skip(std::size_t count, const char* name) {
  for (std::size_t i = 0; i < count && ok(); ++i) take(name);
}

}  // namespace autotrader::ibkr
