#pragma once
// The TWS socket framing (reference ibkr-tws.md §2) as pure functions: every message is a 4-byte
// big-endian length N and N bytes of NUL-terminated text fields, the first being the message id.
// FrameReader turns an arbitrary byte stream (TCP chunks split anywhere, several messages per
// chunk) into whole payloads; FieldWriter and FieldReader turn fields into typed values and back.
//
// Values on the wire: integers and decimals as plain text, booleans as 1/0, and "unset" numbers
// as an empty field or as TWS's sentinels (2147483647, 9223372036854775807,
// 1.7976931348623157E308, 2^127-1 for a Decimal size) — every one of them reads as nullopt from
// the optional_* readers.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "venues/ibkr/errc.hpp"

namespace autotrader::ibkr {

// @stoqey/ib's MAX_V100_MESSAGE_LENGTH; a longer length prefix is an error, never an allocation.
inline constexpr std::size_t kMaxFrameBytes = 0xffffff;

// One message: its fields without the terminating NULs. fields[0] is the message id.
using Fields = std::vector<std::string>;

// 4-byte big-endian length + payload. `payload` must be at most kMaxFrameBytes (asserted).
std::string encode_frame(std::string_view payload);

// Splits a payload of NUL-terminated fields. A payload that does not end in NUL is a
// malformed_frame error (TWS terminates every field, the last one too).
Expected<Fields> split_fields(std::string_view payload);

// The streaming decoder of the length prefix. Owned by one connection; not thread-safe.
// Memory is bounded by max_frame_bytes plus the bytes of one feed() call: a length prefix is
// checked before anything waits for its payload.
class FrameReader {
 public:
  explicit FrameReader(std::size_t max_frame_bytes = kMaxFrameBytes)
      : max_frame_bytes_{max_frame_bytes} {}

  // Appends received bytes (any split). Ignored once the reader has failed.
  void feed(std::string_view bytes);

  // The next whole payload (without its prefix); nullopt when more bytes are needed. A length of
  // 0 or above the maximum is an error that sticks: the stream cannot be resynchronised, every
  // later call returns the same error and the connection must be dropped.
  std::optional<Expected<std::string>> next();

  // Bytes received but not yet returned (a partial frame).
  std::size_t buffered() const { return buffer_.size() - offset_; }
  bool failed() const { return error_.has_value(); }

 private:
  std::size_t max_frame_bytes_;
  std::string buffer_;
  std::size_t offset_ = 0;  // start of the first unread byte in buffer_
  std::optional<Error> error_;
};

// TWS's "unset" sentinels (ibapi/common.py: UNSET_INTEGER, UNSET_LONG, UNSET_DOUBLE,
// UNSET_DECIMAL).
inline constexpr std::int64_t kUnsetInteger = 2147483647;
inline constexpr std::int64_t kUnsetLong = 9223372036854775807;
inline constexpr std::string_view kUnsetDoubleText = "1.7976931348623157E308";
inline constexpr std::string_view kUnsetDecimalText = "170141183460469231731687303715884105727";

// A decimal as TWS writes it: plain ("185.25", "-3", ".5") or Java's scientific form
// ("1.0E-4", "1.2345E7"), exactly; nullopt when malformed or not representable exactly
// (more than 18 fraction digits, or beyond the mantissa). Empty text is not a decimal.
std::optional<core::Decimal> parse_wire_decimal(std::string_view text);

// Builds one message's fields. Text containing a NUL would break the framing: the first such
// field is remembered and frame() then fails with invalid_field naming it.
class FieldWriter {
 public:
  FieldWriter& text(std::string_view value, const char* name = "text");
  FieldWriter& integer(std::int64_t value);
  // nullopt → empty field (unset).
  FieldWriter& optional_integer(const std::optional<std::int64_t>& value);
  FieldWriter& boolean(bool value);  // "1" / "0"
  // Shortest exact text ("185.25", "10"); nullopt → empty field.
  FieldWriter& decimal(const core::Decimal& value);
  FieldWriter& optional_decimal(const std::optional<core::Decimal>& value);
  // Shortest round-trip text of a double in fixed notation ("185.25", "0.00001"), never an
  // exponent, so TWS and our own decoders read it alike.
  FieldWriter& number(double value);
  FieldWriter& empty(int count = 1);

  // The payload so far (fields, each NUL-terminated).
  const std::string& payload() const { return payload_; }
  // The whole frame: length prefix + payload, or the first invalid field.
  Expected<std::string> frame() const;

 private:
  std::string payload_;
  std::optional<std::string> bad_field_;
};

// Reads one message's fields in order with a sticky error: after the first failure every read
// returns a default value and ok() is false; error() names the message, the field index and the
// field. Reading past the end is missing_field; extra fields at the end are left unread (later
// server versions append fields), so decoders are tolerant of them by construction.
class FieldReader {
 public:
  // Starts after the message id (index 1).
  FieldReader(const Fields& fields, const char* message, std::size_t start = 1)
      : fields_{fields}, message_{message}, index_{start} {}

  std::string text(const char* name);
  // Empty → 0 (TWS's own decoder reads an empty integer as 0); non-digits are invalid_field.
  std::int64_t integer(const char* name);
  // Empty, 2147483647 or 9223372036854775807 → nullopt.
  std::optional<std::int64_t> optional_integer(const char* name);
  // Empty → 0; otherwise parse_wire_decimal, and the unset sentinels are invalid here.
  core::Decimal decimal(const char* name);
  // Empty or a sentinel → nullopt.
  std::optional<core::Decimal> optional_decimal(const char* name);
  // A finite double (plain or scientific); empty → 0. For values where exactness does not
  // matter (bars, ticks). The unset double sentinel is invalid here.
  double number(const char* name);
  std::optional<double> optional_number(const char* name);
  // "1" / "0"; empty → false.
  bool boolean(const char* name);
  // Skips `count` fields whose meaning we do not use (they must be present).
  void skip(std::size_t count, const char* name);

  bool ok() const { return !error_.has_value(); }
  const Error& error() const { return *error_; }
  std::size_t index() const { return index_; }
  std::size_t remaining() const { return index_ < fields_.size() ? fields_.size() - index_ : 0; }

 private:
  const std::string* take(const char* name);
  void fail(errc code, const char* name, std::string_view why);

  const Fields& fields_;
  const char* message_;
  std::size_t index_;
  std::optional<Error> error_;
};

}  // namespace autotrader::ibkr
