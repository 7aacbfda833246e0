#include "risk/types.hpp"

#include <algorithm>

namespace autotrader::risk {

std::string_view to_string(Side side) {
  return side == Side::buy ? "BUY" : "SELL";
}

const PositionView* PortfolioView::find(const core::Symbol& symbol) const {
  const auto it = std::find_if(positions.begin(), positions.end(),
                               [&](const PositionView& p) { return p.symbol == symbol; });
  return it == positions.end() ? nullptr : &*it;
}

std::size_t PortfolioView::open_positions() const {
  return static_cast<std::size_t>(
      std::count_if(positions.begin(), positions.end(),
                    [](const PositionView& p) { return !p.quantity.is_zero(); }));
}

bool RiskVerdict::has(RejectReason reason) const {
  return std::any_of(rejections.begin(), rejections.end(),
                     [&](const Rejection& r) { return r.reason == reason; });
}

}  // namespace autotrader::risk
