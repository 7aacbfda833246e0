#include "core/secret.hpp"

#include <algorithm>

namespace autotrader::core {

Secret::~Secret() {
  // volatile keeps the compiler from dropping stores to memory that is about to be freed.
  volatile char* bytes = value_.data();
  for (std::size_t i = 0; i < value_.size(); ++i) bytes[i] = 0;
}

bool Secret::matches(std::string_view candidate) const {
  unsigned char difference = value_.size() == candidate.size() ? 0 : 1;
  const std::size_t n = std::min(value_.size(), candidate.size());
  for (std::size_t i = 0; i < n; ++i) {
    difference |= static_cast<unsigned char>(value_[i] ^ candidate[i]);
  }
  return difference == 0;
}

std::ostream& operator<<(std::ostream& out, const Secret&) {
  return out << redacted_text;
}

bool Redactor::add(std::string_view value) {
  if (value.size() < min_length) return false;
  if (std::find(values_.begin(), values_.end(), value) != values_.end()) return true;
  const auto position =
      std::find_if(values_.begin(), values_.end(),
                   [&](const std::string& existing) { return existing.size() < value.size(); });
  values_.insert(position, std::string{value});
  return true;
}

std::string Redactor::apply(std::string_view text) const {
  if (values_.empty()) return std::string{text};
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto rest = text.substr(i);
    const auto hit = std::find_if(values_.begin(), values_.end(), [&](const std::string& value) {
      return rest.substr(0, value.size()) == value;
    });
    if (hit != values_.end()) {
      out += redacted_text;
      i += hit->size();
    } else {
      out += text[i];
      ++i;
    }
  }
  return out;
}

}  // namespace autotrader::core
