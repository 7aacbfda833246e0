#pragma once
// Errors of the Binance module, as values: decoders and the plain state machines never throw on
// bad input; they return what went wrong so the feed can count it, log it once and go on.
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace autotrader::binance {

enum class errc : std::uint8_t {
  malformed_json = 1,  // not JSON at all, or truncated
  missing_field,       // a documented field is absent
  invalid_field,       // a field has the wrong JSON type or an unusable value
  unexpected_shape,    // valid JSON that is none of the documented messages
  api_error,           // Binance answered {"code":..,"msg":..}
};

// A stable lower-case name for logs and metric labels, e.g. "missing_field".
const char* to_string(errc code);

struct Error {
  errc code = errc::malformed_json;
  std::string message;  // what and where, e.g. "kline: field 'k.o' is not a decimal"
};

// A value or an Error. Deliberately tiny: the codecs need nothing more, and it keeps the module
// free of a dependency only for this.
template <class T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_{std::in_place_index<0>, std::move(value)} {}      // NOLINT: implicit
  Expected(Error error) : v_{std::in_place_index<1>, std::move(error)} {}  // NOLINT: implicit

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Only when ok().
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }

  // Only when !ok().
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

inline Error make_error(errc code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace autotrader::binance
