#pragma once
// OTP's restart intensity as a plain class: remembers restart times within a sliding period.
#include <chrono>
#include <cstddef>
#include <deque>

#include "supervision/spec.hpp"

namespace autotrader::supervision {

// Owned by one supervisor and used only on its actor's thread.
class RestartWindow {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  explicit RestartWindow(Intensity intensity) : intensity_{intensity} {}

  // Records a restart at now. Returns false when this makes more than max_restarts restarts
  // within the period (restarts exactly `period` or longer ago no longer count).
  bool record(time_point now);

  // Restarts currently inside the window, as of the last record().
  std::size_t size() const { return restarts_.size(); }

 private:
  Intensity intensity_;
  std::deque<time_point> restarts_;
};

}  // namespace autotrader::supervision
