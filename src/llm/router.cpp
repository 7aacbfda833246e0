#include "llm/router.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "llm/technical.hpp"

namespace autotrader::llm {

namespace {

using std::chrono::milliseconds;

nlohmann::json optional_ms(std::optional<milliseconds> value) {
  if (value) return value->count();
  return nullptr;
}

nlohmann::json optional_time(std::optional<std::chrono::system_clock::time_point> time) {
  if (time) return iso8601_utc(*time);
  return nullptr;
}

bool needs_key(ProviderKind kind) {
  return kind != ProviderKind::local;
}

}  // namespace

std::vector<std::string_view> request_outcomes() {
  std::vector<std::string_view> outcomes{"success"};
  for (std::size_t i = 0; i < failure_kind_count; ++i) {
    outcomes.push_back(to_string(static_cast<FailureKind>(i)));
  }
  return outcomes;
}

std::string iso8601_utc(std::chrono::system_clock::time_point time) {
  auto ms = std::chrono::floor<milliseconds>(time.time_since_epoch());
  auto seconds = std::chrono::floor<std::chrono::seconds>(ms);
  std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  if (gmtime_r(&t, &utc) == nullptr) return "1970-01-01T00:00:00.000Z";
  char buffer[96];  // room for any int in every field, which the compiler checks
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>((ms - seconds).count()));
  return buffer;
}

Router::Router(std::vector<ProviderSettings> providers, RouterOptions options,
               std::shared_ptr<const core::Clock> clock)
    : options_{options}, clock_{std::move(clock)} {
  assert(clock_ != nullptr);
  options_.hedge.decision_window = std::max<std::size_t>(options_.hedge.decision_window, 1);
  if (!std::isfinite(options_.hedge.max_fraction)) options_.hedge.max_fraction = 0;
  hedged_.assign(options_.hedge.decision_window, false);

  bool primary_taken = false;
  for (auto& settings : providers) {
    if (settings.name.empty()) {
      rejected_.emplace_back("provider without a name");
      continue;
    }
    if (settings.name == technical_provider_name) {
      rejected_.push_back("reserved provider name: " + settings.name);
      continue;
    }
    if (find(settings.name) != nullptr) {
      rejected_.push_back("duplicate provider name: " + settings.name);
      continue;
    }
    Entry entry{std::move(settings),
                false,
                {},
                CircuitBreaker{options_.breaker},
                ProviderFigures{options_.figures},
                BreakerState::active};
    if (primary_taken && !options_.enable_backup_apis) {
      entry.excluded = "backup_apis_disabled";
    } else if (needs_key(entry.settings.kind) && entry.settings.api_key.empty()) {
      entry.excluded = "no_api_key";
    }
    primary_taken = true;
    if (!entry.excluded.empty()) entry.reported = BreakerState::disabled;
    entries_.push_back(std::move(entry));
  }
  ProviderSettings technical;
  technical.name = std::string{technical_provider_name};
  technical.model = std::string{technical_model_name};
  entries_.push_back(Entry{std::move(technical),
                           true,
                           {},
                           CircuitBreaker{options_.breaker},
                           ProviderFigures{options_.figures},
                           BreakerState::active});
}

Candidate Router::next_candidate(const std::vector<std::string>& already_tried) {
  if (already_tried.empty()) begin_decision();
  auto now = clock_->steady_now();
  for (auto& entry : entries_) {
    if (entry.technical || !entry.excluded.empty()) continue;
    if (std::find(already_tried.begin(), already_tried.end(), entry.settings.name) !=
        already_tried.end()) {
      continue;
    }
    bool allowed = entry.breaker.allow(now);
    report_state(entry);
    if (allowed) {
      return Candidate{entry.settings.name, &entry.settings,
                       entry.breaker.state() == BreakerState::half_open};
    }
  }
  return Candidate{std::string{technical_provider_name}, nullptr, false};
}

bool Router::record_success(std::string_view name, milliseconds latency, const Usage& usage) {
  Entry* entry = find(name);
  if (entry == nullptr) return false;
  entry->figures.record_success(latency, usage, clock_->wall_now());
  if (!entry->technical) {
    entry->breaker.on_success(clock_->steady_now());
    report_state(*entry);
  }
  if (observer_ != nullptr) {
    observer_->on_request(RequestEvent{entry->settings.name, "success", latency, usage});
  }
  return true;
}

bool Router::record_failure(std::string_view name, const Failure& failure, milliseconds latency) {
  Entry* entry = find(name);
  if (entry == nullptr) return false;
  entry->figures.record_failure(failure, clock_->wall_now());
  if (!entry->technical) {
    entry->breaker.on_failure(failure, clock_->steady_now());
    report_state(*entry);
  }
  if (observer_ != nullptr) {
    observer_->on_request(
        RequestEvent{entry->settings.name, to_string(failure.kind), latency, Usage{}});
  }
  return true;
}

void Router::record_fallback(std::string_view from, std::string_view to) {
  auto key = std::make_pair(std::string{from}, std::string{to});
  ++fallbacks_[key];
  if (observer_ != nullptr) observer_->on_fallback(from, to);
}

std::uint64_t Router::fallbacks(std::string_view from, std::string_view to) const {
  auto it = fallbacks_.find(std::make_pair(std::string{from}, std::string{to}));
  return it == fallbacks_.end() ? 0 : it->second;
}

std::optional<milliseconds> Router::hedge_delay(std::string_view name) const {
  if (!options_.hedge.enabled) return std::nullopt;
  const Entry* entry = find(name);
  if (entry == nullptr) return std::nullopt;
  return entry->figures.p95_latency();
}

bool Router::may_hedge() const {
  if (!options_.hedge.enabled || hedged_count_ == 0) return false;
  double allowed = options_.hedge.max_fraction * static_cast<double>(hedged_count_);
  // The epsilon keeps 0.05 x 60 from landing a hair below 3.
  return static_cast<double>(hedged_in_window_ + 1) <= allowed + 1e-9;
}

void Router::record_hedge() {
  if (hedged_count_ == 0) begin_decision();
  std::size_t current = (hedged_next_ + hedged_.size() - 1) % hedged_.size();
  if (hedged_[current]) return;
  hedged_[current] = true;
  ++hedged_in_window_;
  ++hedges_total_;
}

void Router::begin_decision() {
  ++decisions_total_;
  if (hedged_count_ == hedged_.size()) {
    if (hedged_[hedged_next_]) --hedged_in_window_;
  } else {
    ++hedged_count_;
  }
  hedged_[hedged_next_] = false;
  hedged_next_ = (hedged_next_ + 1) % hedged_.size();
}

std::vector<std::string> Router::names() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& entry : entries_) out.push_back(entry.settings.name);
  return out;
}

BreakerState Router::state(std::string_view name) const {
  const Entry* entry = find(name);
  return entry == nullptr ? BreakerState::disabled : status_of(*entry);
}

OpenReason Router::open_reason(std::string_view name) const {
  const Entry* entry = find(name);
  if (entry == nullptr || entry->technical) return OpenReason::none;
  return entry->breaker.open_reason();
}

const CircuitBreaker* Router::breaker(std::string_view name) const {
  const Entry* entry = find(name);
  return entry == nullptr || entry->technical ? nullptr : &entry->breaker;
}

const ProviderFigures* Router::figures(std::string_view name) const {
  const Entry* entry = find(name);
  return entry == nullptr ? nullptr : &entry->figures;
}

nlohmann::json Router::status_json() const {
  auto services = nlohmann::json::array();
  std::size_t active = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (status_of(entries_[i]) == BreakerState::active) ++active;
    services.push_back(service_json(entries_[i], i));
  }
  return nlohmann::json{{"enabled", options_.enable_backup_apis},
                        {"services", std::move(services)},
                        {"total_services", entries_.size()},
                        {"active_services", active}};
}

Router::Entry* Router::find(std::string_view name) {
  for (auto& entry : entries_) {
    if (entry.settings.name == name) return &entry;
  }
  return nullptr;
}

const Router::Entry* Router::find(std::string_view name) const {
  for (const auto& entry : entries_) {
    if (entry.settings.name == name) return &entry;
  }
  return nullptr;
}

BreakerState Router::status_of(const Entry& entry) const {
  if (entry.technical) return BreakerState::active;
  if (!entry.excluded.empty()) return BreakerState::disabled;
  return entry.breaker.state();
}

void Router::report_state(Entry& entry) {
  BreakerState now = status_of(entry);
  if (now == entry.reported) return;
  entry.reported = now;
  if (observer_ != nullptr) {
    observer_->on_breaker_state(entry.settings.name, now, entry.breaker.open_reason());
  }
}

nlohmann::json Router::service_json(const Entry& entry, std::size_t priority) const {
  const ProviderFigures& figures = entry.figures;
  auto steady_now = clock_->steady_now();
  auto wall_now = clock_->wall_now();
  auto to_wall = [&](std::optional<CircuitBreaker::TimePoint> at) -> nlohmann::json {
    if (!at) return nullptr;
    return iso8601_utc(wall_now + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                      *at - steady_now));
  };

  nlohmann::json reason = nullptr;
  if (!entry.excluded.empty()) {
    reason = entry.excluded;
  } else if (!entry.technical && entry.breaker.open_reason() != OpenReason::none) {
    reason = std::string{to_string(entry.breaker.open_reason())};
  }

  nlohmann::json by_class = nlohmann::json::object();
  for (auto klass :
       {FailureClass::retryable, FailureClass::non_retryable, FailureClass::invalid_answer}) {
    by_class[std::string{to_string(klass)}] = figures.errors(klass);
  }
  nlohmann::json by_kind = nlohmann::json::object();
  for (std::size_t i = 0; i < failure_kind_count; ++i) {
    auto kind = static_cast<FailureKind>(i);
    if (kind != FailureKind::cancelled)
      by_kind[std::string{to_string(kind)}] = figures.errors(kind);
  }
  nlohmann::json last_error = nullptr;
  if (const auto& error = figures.last_error()) {
    last_error = {{"kind", std::string{to_string(error->kind)}},
                  {"http_status", error->http_status},
                  {"message", error->message},
                  {"at", iso8601_utc(error->at)}};
  }
  nlohmann::json success_rate = nullptr;
  if (auto rate = figures.success_rate()) success_rate = *rate;

  bool in_rotation = entry.excluded.empty() && !entry.technical;
  return nlohmann::json{
      {"name", entry.settings.name},
      {"kind", entry.technical ? std::string{technical_provider_name}
                               : std::string{to_string(entry.settings.kind)}},
      {"model", entry.settings.model},
      {"priority", priority},
      {"status", std::string{to_string(status_of(entry))}},
      {"reason", reason},
      {"success_rate", success_rate},
      {"last_used", optional_time(figures.last_used())},
      {"error_count", figures.error_count()},
      {"consecutive_failures", figures.consecutive_failures()},
      {"calls", figures.calls()},
      {"cancelled", figures.cancelled()},
      {"avg_latency_ms", optional_ms(figures.average_latency())},
      {"p95_latency_ms", optional_ms(figures.p95_latency())},
      {"errors_by_class", std::move(by_class)},
      {"errors_by_kind", std::move(by_kind)},
      {"last_error", std::move(last_error)},
      {"tokens", {{"input", figures.input_tokens()}, {"output", figures.output_tokens()}}},
      {"next_probe", in_rotation ? to_wall(entry.breaker.next_probe_at()) : nullptr},
      {"retry_after_until", in_rotation ? to_wall(entry.breaker.held_until(steady_now)) : nullptr},
      {"opens", in_rotation ? entry.breaker.total_opens() : 0},
  };
}

}  // namespace autotrader::llm
