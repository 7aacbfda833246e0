#pragma once
// Which children a failure touches, per OTP's strategies and restart types: a pure function so
// every strategy x restart type combination can be tested without actors.
#include <cstddef>
#include <vector>

#include "supervision/spec.hpp"

namespace autotrader::supervision {

struct RestartPlan {
  bool restart = false;                    // false: the failed child stays down (or is removed)
  bool remove_failed = false;              // the failed child is temporary: delete its spec
  std::vector<std::size_t> stop;           // siblings to stop first, in reverse start order
  std::vector<std::size_t> remove;         // temporary siblings among `stop`, deleted once stopped
  std::vector<std::size_t> restart_group;  // children to start again, in start order
};

// OTP's rule for whether a child is restarted after exiting.
bool should_restart(Restart restart, bool abnormal);

// The plan after child `failed` (an index into `restarts`, the children's restart types in
// start order) exited, abnormally or not.
RestartPlan plan_restart(Strategy strategy, const std::vector<Restart>& restarts,
                         std::size_t failed, bool abnormal);

}  // namespace autotrader::supervision
