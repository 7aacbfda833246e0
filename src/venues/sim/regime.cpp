#include "venues/sim/regime.hpp"

namespace autotrader::sim {

std::string_view to_string(Regime regime) {
  switch (regime) {
    case Regime::trending_up:
      return "trending_up";
    case Regime::trending_down:
      return "trending_down";
    case Regime::ranging:
      return "ranging";
    case Regime::high_volatility:
      return "high_volatility";
    case Regime::low_volatility:
      return "low_volatility";
  }
  return "unknown";
}

RegimeModel RegimeModel::defaults() {
  RegimeModel model;
  model.params[static_cast<std::size_t>(Regime::trending_up)] = {0.12, 0.03, 1.2, 0};
  model.params[static_cast<std::size_t>(Regime::trending_down)] = {-0.12, 0.035, 1.4, 0};
  // A half-life of the distance to the anchor of about an hour (ln 2 / 16 per day).
  model.params[static_cast<std::size_t>(Regime::ranging)] = {0, 0.02, 0.9, 16};
  model.params[static_cast<std::size_t>(Regime::high_volatility)] = {0, 0.08, 2.5, 0};
  model.params[static_cast<std::size_t>(Regime::low_volatility)] = {0, 0.008, 0.5, 0};
  // Ranging and quiet markets are the most common, as on real exchanges.
  model.next_weights = {0.2, 0.2, 0.3, 0.1, 0.2};
  return model;
}

RegimeModel RegimeModel::fixed(Regime regime) {
  auto model = defaults();
  model.mean_duration = std::chrono::milliseconds::max();
  model.next_weights = {};
  model.next_weights[static_cast<std::size_t>(regime)] = 1;
  return model;
}

}  // namespace autotrader::sim
