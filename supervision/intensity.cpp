#include "supervision/intensity.hpp"

namespace autotrader::supervision {

bool RestartWindow::record(time_point now) {
  while (!restarts_.empty() && now - restarts_.front() >= intensity_.period) restarts_.pop_front();
  restarts_.push_back(now);
  return restarts_.size() <= intensity_.max_restarts;
}

}  // namespace autotrader::supervision
