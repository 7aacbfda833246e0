#include "supervision/restart_plan.hpp"

namespace autotrader::supervision {

bool should_restart(Restart restart, bool abnormal) {
  switch (restart) {
    case Restart::permanent:
      return true;
    case Restart::transient:
      return abnormal;
    case Restart::temporary:
      return false;
  }
  return false;
}

RestartPlan plan_restart(Strategy strategy, const std::vector<Restart>& restarts,
                         std::size_t failed, bool abnormal) {
  RestartPlan plan;
  if (!should_restart(restarts[failed], abnormal)) {
    plan.remove_failed = restarts[failed] == Restart::temporary;
    return plan;
  }
  plan.restart = true;
  // The strategy decides the affected range [begin, end) around the failed child.
  std::size_t begin = failed;
  std::size_t end = failed + 1;
  if (strategy == Strategy::one_for_all) {
    begin = 0;
    end = restarts.size();
  } else if (strategy == Strategy::rest_for_one) {
    end = restarts.size();
  }
  for (std::size_t i = end; i-- > begin;) {
    if (i == failed) continue;
    plan.stop.push_back(i);
    if (restarts[i] == Restart::temporary) plan.remove.push_back(i);
  }
  // Everything affected comes back in start order, except temporary children. OTP restarts a
  // transient sibling even if it had exited normally before: a group restart starts afresh.
  for (std::size_t i = begin; i < end; ++i)
    if (i == failed || restarts[i] != Restart::temporary) plan.restart_group.push_back(i);
  return plan;
}

}  // namespace autotrader::supervision
