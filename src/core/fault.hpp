#pragma once
// Named fault points (STYLE habit 7): `core::fault::point("http.start")` does nothing unless that
// point is armed, and then throws or aborts, as armed. Crash tests arm a point, crash, restart
// and verify; chaos drills arm them in a running daemon. An unarmed point costs one relaxed
// atomic load.
//
// Arming comes from AUTOTRADER_FAULTS (parse_and_arm), e.g.
//   AUTOTRADER_FAULTS="http.start=throw:bind refused*1,executor.after_send=abort"
// point=action[:message][*times]; action is `throw` (std::runtime_error with the message) or
// `abort` (std::abort, for kill-style crash tests); *times limits the firings (default: every
// time). Thread-safe.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace autotrader::core::fault {

enum class Action : std::uint8_t { throw_error, abort };

struct Arming {
  Action action = Action::throw_error;
  std::string message;
  std::uint32_t times = 0;  // 0: every time
};

void arm(std::string point, Arming arming);
void disarm_all();

// Parses a spec as above and arms every point in it; returns the error (naming the part that
// is wrong) and arms nothing when the spec is malformed.
std::optional<std::string> parse_and_arm(std::string_view spec);

// The armed points, for logging at start-up.
std::vector<std::string> armed_points();

// Called with the point's name each time a point fires, before it throws or aborts (metrics).
void set_listener(std::function<void(const std::string& point)> listener);

// Fires the point if it is armed.
void point(std::string_view name);

}  // namespace autotrader::core::fault
