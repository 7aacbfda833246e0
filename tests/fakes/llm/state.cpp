#include "tests/fakes/llm/state.hpp"

#include <numeric>

namespace autotrader::fakes::llm {

State::State(const FakeLlmOptions& options) : options_(options), configs_(options.providers) {}

ProviderConfig State::config(Provider provider) const {
  std::lock_guard lock{mutex_};
  return configs_[index(provider)];
}

void State::configure(Provider provider, ProviderConfig config) {
  std::lock_guard lock{mutex_};
  configs_[index(provider)] = std::move(config);
}

void State::set_default(Provider provider, Behaviour behaviour) {
  std::lock_guard lock{mutex_};
  configs_[index(provider)].default_behaviour = std::move(behaviour);
}

void State::enqueue(Provider provider, Behaviour behaviour, std::size_t times) {
  std::lock_guard lock{mutex_};
  auto& script = scripts_[index(provider)];
  for (std::size_t i = 0; i < times; ++i) script.push_back(behaviour);
}

std::size_t State::scripted(Provider provider) const {
  std::lock_guard lock{mutex_};
  return scripts_[index(provider)].size();
}

void State::clear_scripts() {
  std::lock_guard lock{mutex_};
  for (auto& script : scripts_) script.clear();
}

void State::reset() {
  std::lock_guard lock{mutex_};
  configs_ = options_.providers;
  for (auto& script : scripts_) script.clear();
  request_counts_ = {};
  fault_counts_ = {};
  requests_.clear();
  sequence_ = 0;
}

State::Turn State::take(Provider provider) {
  std::lock_guard lock{mutex_};
  auto& script = scripts_[index(provider)];
  const auto& config = configs_[index(provider)];
  Turn turn{config.default_behaviour, config};
  if (!script.empty()) {
    turn.behaviour = std::move(script.front());
    script.pop_front();
  }
  if (const auto* fault = turn.behaviour.as_fault()) count_locked(fault->kind);
  if (turn.behaviour.delay.count() > 0) count_locked(FaultKind::delay);
  if (turn.behaviour.trickle) count_locked(FaultKind::trickle);
  return turn;
}

std::uint64_t State::next_sequence() {
  std::lock_guard lock{mutex_};
  return ++sequence_;
}

void State::record(RecordedRequest request) {
  {
    std::lock_guard lock{mutex_};
    if (request.provider) ++request_counts_[index(*request.provider)];
    requests_.push_back(std::move(request));
  }
  recorded_.notify_all();
}

std::vector<RecordedRequest> State::requests() const {
  std::lock_guard lock{mutex_};
  return requests_;
}

std::size_t State::request_count(Provider provider) const {
  std::lock_guard lock{mutex_};
  return request_counts_[index(provider)];
}

bool State::wait_for_requests(Provider provider, std::size_t count,
                              std::chrono::milliseconds timeout) const {
  std::unique_lock lock{mutex_};
  return recorded_.wait_for(lock, timeout,
                            [&] { return request_counts_[index(provider)] >= count; });
}

std::size_t State::fault_count(FaultKind kind) const {
  std::lock_guard lock{mutex_};
  return fault_counts_[static_cast<std::size_t>(kind)];
}

std::size_t State::faults_total() const {
  std::lock_guard lock{mutex_};
  return std::accumulate(fault_counts_.begin(), fault_counts_.end(), std::size_t{0});
}

void State::clear_records() {
  std::lock_guard lock{mutex_};
  request_counts_ = {};
  fault_counts_ = {};
  requests_.clear();
}

}  // namespace autotrader::fakes::llm
