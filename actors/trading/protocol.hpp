#pragma once
// The messages of the "trading" branch: the storage actor (storage_actor.hpp), the paper
// executor (executor_actor.hpp) and the trader (trader_actor.hpp). Process-local types, hence
// the unsafe-message declarations at the end.
//
//   anyone   -> storage:  (store_load_atom)                          -> StateDoc
//   trader   -> storage:  (store_audit_atom, trading::WriteAudit)    -> StoreResult
//   trader   -> storage:  (store_decision_atom, trading::RecordDecision) -> StoreResult
//   any      -> storage:  (store_state_atom, StateWrite)             -> StoreResult
//   executor -> storage:  (store_venue_atom, VenueBatch)             -> StoreResult
//   http     -> storage:  (store_trades_atom, limit, HttpReply)      answered through HttpReply
//   health   -> storage:  (store_probe_atom)                         -> StoreResult: the
//                         database takes a write (health_probe row) and the audit trail could
//                         be appended to; no decision or audit record is written
//   health   -> storage:  (store_incident_atom, store::IncidentRow)  -> StoreResult
//   http     -> storage:  (store_incidents_atom, limit, HttpReply)   answered through HttpReply
//   executor -> storage:  (store_equity_atom, EquitySample)          today's equity_history row;
//                         no answer (a chart's point: a failure is logged and counted, it does
//                         not halt trading)
//   http     -> storage:  (store_perf_atom, PerformanceQuery)        answered through its callback
//   storage  -> trader:   (storage_failed_atom, message)             a write failed: halt
//   trader   -> executor: (exec_place_atom, OrderMessage)            -> EventsMsg
//   trader   -> executor: (exec_account_atom)                        -> AccountUpdate
//   executor -> trader:   (exec_events_atom, EventsMsg)              events that came later
//   executor -> trader:   (exec_account_atom, AccountUpdate)         after every change
//   http     -> trader:   (trader_kill_atom, bool engage, reason, HttpReply)
//   http     -> trader:   (trader_toggle_atom)                       re-read the toggle
//   health   -> trader:   (trader_risk_atom, state, reason)          -> std::string, the trading
//                         state after it: "REDUCING" / "ACTIVE" set or lift reducing, "HALTED"
//                         halts (lifted only by the operator)
//
// Every write to the storage actor is a request: the sender learns of a failure, and the
// storage actor also tells the trader, which moves risk to HALTED (nothing executes unaudited
// or unrecorded).
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "net/http_message.hpp"
#include "risk/types.hpp"
#include "store/rows.hpp"
#include "trading/effects.hpp"
#include "venues/paper/venue.hpp"

namespace autotrader::trading_actors {

using store_load_atom = caf::atom_constant<caf::atom("st_load")>;
using store_audit_atom = caf::atom_constant<caf::atom("st_audit")>;
using store_decision_atom = caf::atom_constant<caf::atom("st_decide")>;
using store_state_atom = caf::atom_constant<caf::atom("st_state")>;
using store_venue_atom = caf::atom_constant<caf::atom("st_venue")>;
using store_trades_atom = caf::atom_constant<caf::atom("st_trades")>;
using store_probe_atom = caf::atom_constant<caf::atom("st_probe")>;
using store_incident_atom = caf::atom_constant<caf::atom("st_incid")>;
using store_incidents_atom = caf::atom_constant<caf::atom("st_incids")>;
using store_equity_atom = caf::atom_constant<caf::atom("st_equity")>;
using store_perf_atom = caf::atom_constant<caf::atom("st_perf")>;
using storage_failed_atom = caf::atom_constant<caf::atom("st_failed")>;
using exec_place_atom = caf::atom_constant<caf::atom("ex_place")>;
using exec_account_atom = caf::atom_constant<caf::atom("ex_acct")>;
using exec_events_atom = caf::atom_constant<caf::atom("ex_events")>;
using trader_kill_atom = caf::atom_constant<caf::atom("tr_kill")>;
using trader_toggle_atom = caf::atom_constant<caf::atom("tr_toggle")>;
using trader_risk_atom = caf::atom_constant<caf::atom("tr_risk")>;

// The durable state document of the branch, by owner: {"risk": ..., "executor": ...}.
struct StateDoc {
  nlohmann::json value = nlohmann::json::object();
};

// Replaces one owner's part of the state document.
struct StateWrite {
  std::string key;
  nlohmann::json value;
};

struct EventsMsg {
  paper::VenueEvents events;
};

// The answer to every storage write: ok, or what failed (for the log and the halt message).
struct StoreResult {
  bool ok = true;
  std::string error;
};

// An HTTP responder carried to an actor that answers when it can (net::Responder may be called
// from any thread). A responder that is dropped unanswered gets the server's 504.
struct HttpReply {
  net::Responder respond;
};

// An order for the executor, with what the database's individual_trades row wants to know
// about the decision that placed it (its indicators, small).
struct OrderMessage {
  paper::OrderRequest request;
  nlohmann::json context = nlohmann::json::object();
};

// An exit that completed (an exit order or a protective exit filled whole): the outcome for
// risk's win rate and for the day's performance.
struct ClosedTrade {
  core::Symbol symbol;
  core::Decimal realized_pnl;  // quote asset, fees included
  double hold_seconds = 0;
};

// The account after a change: what risk and the decision loop need, and the venue's positions
// (for their entry prices and protection).
struct AccountUpdate {
  risk::PortfolioView portfolio;
  std::vector<paper::Position> positions;
  std::vector<ClosedTrade> closed;  // exits completed since the previous update
};

// What the executor persists after a batch of venue events: the events (orders, fills), the
// positions of the symbols they touched (absent = closed), the classic trade rows and the
// broker's whole state (for a restart).
struct VenueBatch {
  std::string venue;
  std::string quote_asset;  // the fees' asset
  paper::VenueEvents events;
  std::vector<store::PositionRow> positions;
  std::vector<std::string> closed_symbols;
  std::vector<store::TradeRow> trades;
  std::vector<store::OrderRow> new_orders;  // rows for OrderAccepted / first-seen rejects
  nlohmann::json broker_state;
};

// The account as the executor sees it, for today's row of the equity history. The executor sends
// one after every batch of venue events and at most once a minute on prices alone.
struct EquitySample {
  double equity = 0;
  double cash = 0;
};

// The stored performance of the last `days` calendar dates, today included (dates in the
// trading day's zone, risk.day_utc_offset_minutes): the web dashboard's live stats and chart.
struct PerformanceRows {
  std::string from;                              // "YYYY-MM-DD", the first date asked for
  std::string today;                             // "YYYY-MM-DD"
  std::vector<store::EquityRow> equity;          // oldest first
  std::vector<store::DailyPerformanceRow> days;  // oldest first
  std::string error;  // not empty: the database could not be read (the rows are empty)
};

// A read for an HTTP thread: the storage actor calls `answer` once, on its own thread (so it
// must be cheap and thread-safe, e.g. build the JSON and call a net::Responder). A query that is
// dropped unanswered leaves the responder to the server's 504.
struct PerformanceQuery {
  int days = 30;  // >= 1
  std::function<void(PerformanceRows)> answer;
};

}  // namespace autotrader::trading_actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::trading_actors::StoreResult)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::trading_actors::HttpReply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::trading_actors::OrderMessage)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::trading_actors::AccountUpdate)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::trading_actors::VenueBatch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::trading_actors::StateDoc)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::trading_actors::StateWrite)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::trading_actors::EventsMsg)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::trading_actors::EquitySample)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::trading_actors::PerformanceQuery)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::store::IncidentRow)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::trading::WriteAudit)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::trading::RecordDecision)
