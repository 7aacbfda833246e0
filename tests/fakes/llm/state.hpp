#pragma once
// What the public API (test threads) and the I/O thread share: each provider's config, script
// FIFO and request count, the fault counters and the request records, under one mutex, with a
// condition variable that wakes wait_for_requests() whenever a request is recorded.
#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <vector>

#include "tests/fakes/llm/fake_llm.hpp"

namespace autotrader::fakes::llm {

class State {
 public:
  explicit State(const FakeLlmOptions& options);

  // Every method takes the lock itself.
  ProviderConfig config(Provider provider) const;
  void configure(Provider provider, ProviderConfig config);
  void set_default(Provider provider, Behaviour behaviour);
  void enqueue(Provider provider, Behaviour behaviour, std::size_t times);
  std::size_t scripted(Provider provider) const;
  void clear_scripts();
  void reset();  // everything back to the options given at construction

  // What to serve a request that passed the checks: the front of the FIFO, else the default;
  // with the config of that moment. Counts the faults and modifiers it serves.
  struct Turn {
    Behaviour behaviour;
    ProviderConfig config;
  };
  Turn take(Provider provider);

  std::uint64_t next_sequence();
  void record(RecordedRequest request);  // counts it for its provider, wakes the waiters
  std::vector<RecordedRequest> requests() const;
  std::size_t request_count(Provider provider) const;
  bool wait_for_requests(Provider provider, std::size_t count,
                         std::chrono::milliseconds timeout) const;
  std::size_t fault_count(FaultKind kind) const;
  std::size_t faults_total() const;
  void clear_records();

 private:
  static std::size_t index(Provider p) { return static_cast<std::size_t>(p); }
  void count_locked(FaultKind kind) { ++fault_counts_[static_cast<std::size_t>(kind)]; }

  const FakeLlmOptions options_;
  mutable std::mutex mutex_;
  mutable std::condition_variable recorded_;
  std::array<ProviderConfig, kProviderCount> configs_;
  std::array<std::deque<Behaviour>, kProviderCount> scripts_;
  std::array<std::size_t, kProviderCount> request_counts_{};
  std::array<std::size_t, kFaultKindCount> fault_counts_{};
  std::vector<RecordedRequest> requests_;
  std::uint64_t sequence_ = 0;
};

}  // namespace autotrader::fakes::llm
