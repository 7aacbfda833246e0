#pragma once
// How the daemon configures CAF. Shared by the daemon and the benchmarks, so that what is
// measured is what runs.
namespace caf {
class actor_system_config;
}

namespace autotrader::app {

// - Registers the supervision error category (readable exit reasons).
// - One scheduler worker per core, at least 2: our actors never block (network I/O runs on Asio
//   threads), so CAF's default of max(cores, 4) only adds threads that compete for 2 cores.
// - No sleeping in the work-stealing policy's "moderate" phase: CAF 0.17 sleeps 50 us between
//   polls there, and a message enqueued from a non-worker thread (the I/O thread, the clock
//   thread) is not noticed until the sleep ends. With 0 an idle worker polls briefly, then waits
//   on a condition variable that an enqueue notifies at once.
void configure_actor_system(caf::actor_system_config& config);

}  // namespace autotrader::app
