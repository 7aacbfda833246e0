#pragma once
// The Binance Spot execution venue as a sans-I/O state machine: our book of orders, positions and
// balances on one Binance account, what must be sent to Binance next, and what every answer,
// user-data-stream event and timer means. The executor actor (actors/binance_exec) owns one,
// sends its requests through a transport and feeds the results back; nothing here blocks, reads a
// socket or a system clock (time comes from the injected core::Clock), so every path, the
// unknown-outcome ones above all, is unit-tested step by step.
//
// The rules it keeps (reference binance.md §8 "Unknown-outcome rules"):
// - Every order carries our newClientOrderId, derived from the decision id, and is in the book
//   (and persisted by the owner, see take_outgoing) before its request leaves.
// - A place whose outcome is unknown (timeout, dropped connection, 5xx, -1007, 429) is never sent
//   again: the order is queried by client id, again while Binance answers -2013 (it may still be
//   propagating), up to query_attempts times; only then is it concluded never placed. If it turns
//   up later (a stream event, a sweep), it is taken back into the book.
// - Fills are deduplicated by Binance's trade id, whichever way they arrive (the FULL answer, an
//   executionReport, myTrades after a restart or a stream gap).
// - Each position with protection has its stop-loss and take-profit on the venue as one OCO list
//   (LIMIT_MAKER above, STOP_LOSS_LIMIT below), re-armed after a restart; where an OCO cannot be
//   placed the engine watches prices itself and exits with a MARKET SELL.
// - A SELL of a protected symbol first cancels its OCO list (whose legs lock the base asset).
// - reconcile() at start, and sweep() after the user data stream comes back, ask Binance for the
//   account, the open orders, every order still open in our book and the trades since the last one
//   recorded; the book follows the venue. Until the first reconciliation completes, ready() is
//   false and place() refuses.
//
// Not thread-safe: one actor owns it.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/clock.hpp"
#include "core/decimal.hpp"
#include "core/market.hpp"
#include "venues/binance/endpoints.hpp"
#include "venues/binance/filters.hpp"
#include "venues/binance/order_codec.hpp"
#include "venues/binance/order_errors.hpp"
#include "venues/binance/signing.hpp"
#include "venues/binance/user_stream.hpp"
#include "venues/paper/venue.hpp"

namespace autotrader::binance {

// What reconciliation does with an open order Binance has and our book does not.
enum class UnknownOrderPolicy : std::uint8_t { cancel, adopt };

struct ExecutionOptions {
  std::vector<SymbolInfo> symbols;  // from exchangeInfo: the tradable symbols and their filters
  std::string quote_asset = "USDT";
  int query_attempts = 5;  // -2013 answers before an unknown order counts as never placed
  std::chrono::milliseconds query_delay{500};
  std::chrono::milliseconds poll_interval{10'000};  // sweeps while the user data stream is down
  // Sweeps while it is up too: a stream that died without a word (no close, no error) loses no
  // fill for longer than this. 0 turns them off.
  std::chrono::milliseconds sweep_interval{60'000};
  bool use_oco = true;
  core::Decimal stop_limit_offset_pct = core::Decimal::from_integer(0);  // below the stop
  UnknownOrderPolicy unknown_orders = UnknownOrderPolicy::cancel;
  int resend_attempts = 2;  // for a place that never left, or that -1021 refused
};

// A request for the owner to send: `id` comes back with its outcome (on_reply).
struct Outgoing {
  std::uint64_t id = 0;
  RequestKind kind = RequestKind::read;
  RestRequest request;
  // A place (order or OCO list): the owner persists state() before sending it, so that a crash
  // after the send finds the order in the book.
  bool places = false;
  bool time_sync = false;  // GET /api/v3/time, unsigned
};

// The outcome of a request as the engine needs it (the transport's, with its timing).
struct ReplyInput {
  HttpOutcome outcome;
  core::TimestampMs sent_ms = 0;
  core::TimestampMs received_ms = 0;
};

// What the last reconciliation found, for the log, the audit and /api/autonomous-status.
struct ReconcileReport {
  bool complete = false;
  std::size_t open_orders_on_venue = 0;
  std::size_t orders_resolved = 0;         // our unfinished orders whose fate was learned
  std::size_t fills_recovered = 0;         // fills Binance made that our book had not seen
  std::size_t unknown_adopted = 0;         // venue orders not in our book, taken in
  std::size_t unknown_cancelled = 0;       // ... or cancelled
  std::size_t protections_armed = 0;       // OCO lists placed (or re-placed)
  std::vector<std::string> discrepancies;  // positions that disagree with balances, and the like
};

nlohmann::json to_json(const ReconcileReport& report);

class ExecutionEngine {
 public:
  ExecutionEngine(ExecutionOptions options, std::shared_ptr<const RequestSigner> signer,
                  std::shared_ptr<const core::Clock> clock);
  ~ExecutionEngine();
  ExecutionEngine(const ExecutionEngine&) = delete;
  ExecutionEngine& operator=(const ExecutionEngine&) = delete;

  // The durable part of the book (orders not yet final and the recent final ones, positions with
  // their protection, the trade ids seen), and its restore; a restore error names what is wrong.
  nlohmann::json state() const;
  std::optional<std::string> restore(const nlohmann::json& state);

  // Starts a reconciliation (time sync, account, open orders, our unfinished orders, trades since
  // the last recorded): at start, and by the owner whenever it wants the book proven again.
  void reconcile();
  // After the user data stream (re)subscribed: the same questions without blocking trading.
  void sweep();
  // The user data stream is up (subscribed) or down; while down, a sweep every poll_interval,
  // while up every sweep_interval.
  void set_stream_up(bool up);

  // The first reconciliation has completed: orders may be placed.
  bool ready() const;
  // Why trading must not go on (a reconciliation that keeps failing, keys Binance refuses); empty
  // when it may.
  std::string blocked_reason() const;
  const ReconcileReport& last_reconcile() const;
  // True once after each completed reconciliation (the owner logs and audits its report).
  bool take_reconciled();
  // Things worth a log line (discrepancies, fills in an unpriceable asset, revived orders);
  // drained by the owner.
  std::vector<std::string> take_notes();
  // What it did about protection (OCO lists placed, cancelled and why), for the info log: the
  // trail that explains a list's ids appearing twice on the venue.
  std::vector<std::string> take_journal();

  // An order from the trader. Answers a reject at once when it cannot be sent (bad input, not
  // ready, a duplicate id, a filter it fails); otherwise the order is in the book, its request is
  // queued, and its events come later.
  paper::VenueEvents place(const paper::OrderRequest& request);
  paper::VenueEvents cancel(std::string_view client_order_id);

  // The requests to send now (in order). Those with `places` must be sent only after state() is
  // persisted.
  std::vector<Outgoing> take_outgoing();

  paper::VenueEvents on_reply(std::uint64_t id, const ReplyInput& reply);
  paper::VenueEvents on_user_event(const UserEvent& event);
  // A market price: kept for equity and notional checks, and protection watched here for
  // positions whose OCO list could not be placed.
  paper::VenueEvents on_price(const core::Symbol& symbol, const core::Decimal& price);
  // Due queries, sweeps and retries. next_wake() is when on_timer next has something to do.
  paper::VenueEvents on_timer();
  std::optional<std::chrono::steady_clock::time_point> next_wake() const;

  // Reads (paper::Venue's).
  std::optional<paper::Order> order(std::string_view client_order_id) const;
  std::vector<paper::Order> open_orders() const;
  std::vector<paper::Balance> balances() const;
  std::vector<paper::Position> positions() const;
  std::optional<paper::Position> position(const core::Symbol& symbol) const;
  std::optional<core::Decimal> last_price(const core::Symbol& symbol) const;
  core::Decimal quote_balance() const;  // free + locked
  core::Decimal equity() const;         // quote + every base balance of our symbols at its price
  std::string_view name() const { return "binance"; }
  // The account's keys or signing are refused (-1022, -2014, -2015): nothing will work.
  bool credentials_refused() const;
  // The venue's clock as the last time sync measured it (the user data stream's subscribe is
  // signed with it).
  const ServerClock& server_clock() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace autotrader::binance
