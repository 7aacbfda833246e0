#include "core/fault.hpp"

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>

namespace autotrader::core::fault {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, Arming, std::less<>> points;
  std::function<void(const std::string&)> listener;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

// True while any point is armed: the fast path of point() reads only this.
std::atomic<bool> g_any_armed{false};

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool valid_point_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::string> parse_one(std::string_view part, std::string& name, Arming& arming) {
  auto eq = part.find('=');
  if (eq == std::string_view::npos) return "'" + std::string{part} + "': expected point=action";
  name = std::string{trim(part.substr(0, eq))};
  if (!valid_point_name(name)) {
    return "'" + name + "': a point name has lower-case letters, digits, '.' and '_'";
  }
  std::string_view rest = trim(part.substr(eq + 1));
  if (auto star = rest.rfind('*'); star != std::string_view::npos) {
    auto count = trim(rest.substr(star + 1));
    std::uint64_t times = 0;
    if (count.empty() || count.size() > 9) return "'" + name + "': *times needs a number";
    for (char c : count) {
      if (c < '0' || c > '9') return "'" + name + "': *times needs a number";
      times = times * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (times == 0) return "'" + name + "': *times must be at least 1";
    arming.times = static_cast<std::uint32_t>(times);
    rest = trim(rest.substr(0, star));
  }
  auto colon = rest.find(':');
  auto action = trim(rest.substr(0, colon));
  if (colon != std::string_view::npos) arming.message = std::string{rest.substr(colon + 1)};
  if (action == "throw") {
    arming.action = Action::throw_error;
    if (arming.message.empty()) arming.message = "fault injected at " + name;
  } else if (action == "abort") {
    arming.action = Action::abort;
  } else {
    return "'" + name + "': unknown action '" + std::string{action} + "' (throw or abort)";
  }
  return std::nullopt;
}

}  // namespace

void arm(std::string point, Arming arming) {
  auto& r = registry();
  std::lock_guard lock{r.mutex};
  r.points[std::move(point)] = std::move(arming);
  g_any_armed.store(true, std::memory_order_relaxed);
}

void disarm_all() {
  auto& r = registry();
  std::lock_guard lock{r.mutex};
  r.points.clear();
  g_any_armed.store(false, std::memory_order_relaxed);
}

std::optional<std::string> parse_and_arm(std::string_view spec) {
  std::vector<std::pair<std::string, Arming>> parsed;
  while (!trim(spec).empty()) {
    auto comma = spec.find(',');
    auto part = trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    if (part.empty()) continue;
    std::string name;
    Arming arming;
    if (auto error = parse_one(part, name, arming)) return error;
    parsed.emplace_back(std::move(name), std::move(arming));
  }
  for (auto& [name, arming] : parsed) arm(std::move(name), std::move(arming));
  return std::nullopt;
}

std::vector<std::string> armed_points() {
  auto& r = registry();
  std::lock_guard lock{r.mutex};
  std::vector<std::string> names;
  for (const auto& entry : r.points) names.push_back(entry.first);
  return names;
}

void set_listener(std::function<void(const std::string& point)> listener) {
  auto& r = registry();
  std::lock_guard lock{r.mutex};
  r.listener = std::move(listener);
}

void point(std::string_view name) {
  if (!g_any_armed.load(std::memory_order_relaxed)) return;
  Arming fired;
  std::function<void(const std::string&)> listener;
  {
    auto& r = registry();
    std::lock_guard lock{r.mutex};
    auto it = r.points.find(name);
    if (it == r.points.end()) return;
    fired = it->second;
    if (it->second.times > 0 && --it->second.times == 0) r.points.erase(it);
    g_any_armed.store(!r.points.empty(), std::memory_order_relaxed);
    listener = r.listener;
  }
  if (listener) listener(std::string{name});
  if (fired.action == Action::abort) std::abort();
  throw std::runtime_error(fired.message);
}

}  // namespace autotrader::core::fault
