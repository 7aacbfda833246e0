#pragma once
// "Did you mean ...?" for misspelt keys and variable names.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace autotrader::config {

// Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word` if at most two edits away (and not all of `word` changed).
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

}  // namespace autotrader::config
