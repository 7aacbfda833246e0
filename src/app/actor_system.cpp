#include "app/actor_system.hpp"

#include <algorithm>
#include <thread>

#include <caf/all.hpp>

#include "supervision/errc.hpp"

namespace autotrader::app {

void configure_actor_system(caf::actor_system_config& config) {
  supervision::register_error_category(config);
  std::size_t cores = std::max(2u, std::thread::hardware_concurrency());
  config.set("scheduler.max-threads", cores);
  config.set("work-stealing.moderate-sleep-duration", caf::timespan{0});
}

}  // namespace autotrader::app
