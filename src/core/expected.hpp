#pragma once
// A value or an error, for results that can fail in an expected way (a malformed frame, a full
// disk): the error is a value the caller must look at, never an exception. Deliberately tiny;
// std::expected is C++23. Each module names its own: `template <class T> using Expected =
// core::Expected<T, Error>;`.
#include <utility>
#include <variant>

namespace autotrader::core {

template <class T, class E>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_{std::in_place_index<0>, std::move(value)} {}  // NOLINT: implicit
  Expected(E error) : v_{std::in_place_index<1>, std::move(error)} {}  // NOLINT: implicit

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
  const E& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

}  // namespace autotrader::core
