#pragma once
// The technical-analysis provider: the pool's last resort, always available, deterministic and
// free. It turns the indicators of a DecisionInput into a Decision marked provider "technical",
// with the factors it used and a reasoning text. Pure and total: no I/O, no clock, never throws;
// NaN, infinite or out-of-range numbers are treated as missing.
//
// Rules (thresholds in TechnicalOptions):
//   Votes. RSI below 30 votes buy (oversold), above 70 sell (overbought). MA20 above MA50 by more
//   than the neutral band votes buy (bullish alignment; with one snapshot we see where the
//   averages stand, not the moment they crossed), below votes sell. Trend "up" votes buy,
//   "down" sell. The MACD histogram's sign votes when present. A signal inside its neutral zone
//   is present but casts no vote.
//   Action. BUY when at least two signals vote buy and none votes sell; SELL likewise; HOLD when
//   the votes disagree, when fewer than two agree, or when the price is unusable.
//   Confidence. Agreement = the weight of the agreeing votes / the weight of all signals (RSI,
//   MA and trend 1 each, MACD 0.5), so a missing signal lowers it. BUY/SELL confidence =
//   0.3 + 0.5 * agreement, +0.1 when volume confirms (volume ratio >= 1.2), -0.1 when it is thin
//   (< 0.8), capped at 0.9; below 0.5 the answer becomes HOLD. HOLD confidence = 0.5 * the weight
//   of the signals present / the weight of all: a hold from complete data is only a coin toss's
//   worth of conviction, one from no data is none.
//   Risk. With a usable ATR: stop loss = 2 ATR in percent of the price (clamped to 0.5..10 %),
//   take profit = 2 x the stop (at most 20 %), position size = min(10 %, 1 % risk / stop %) x
//   confidence. Without ATR: stop 2 %, take profit 4 %, half of 10 % x confidence. HOLD carries
//   no size, stop or target.
// Whether a SELL can be executed (spot positions are never negative) is the risk module's call:
// the provider reports the signal.
#include <string_view>

#include "llm/types.hpp"

namespace autotrader::llm {

inline constexpr std::string_view technical_provider_name = "technical";
inline constexpr std::string_view technical_model_name = "rules-v1";

struct TechnicalOptions {
  double rsi_oversold = 30;
  double rsi_overbought = 70;
  double ma_neutral_band_pct = 0.1;  // |MA20 - MA50| / MA50 below this: no alignment
  double volume_confirms = 1.2;      // volume ratio at or above: confirmation
  double volume_thin = 0.8;          // below: thin volume
  int min_agreeing_votes = 2;
  double min_action_confidence = 0.5;
  double max_confidence = 0.9;
  double atr_stop_multiple = 2.0;
  double reward_risk = 2.0;
  double risk_per_trade_pct = 1.0;  // percent of equity lost when the stop is hit
  double max_position_size = 0.1;   // fraction of equity
  double min_stop_loss_pct = 0.5;
  double max_stop_loss_pct = 10;
  double max_take_profit_pct = 20;
  double default_stop_loss_pct = 2;
  double default_take_profit_pct = 4;
};

// The transcript holds one turn, phase "technical": as the prompt the inputs used (JSON), as the
// answer the decision's own fields (action, confidence, reasoning, factors, position_size,
// stop_loss_pct, take_profit_pct) as compact JSON.
Decision technical_decision(const DecisionInput& input, const TechnicalOptions& options = {});

}  // namespace autotrader::llm
