#include "venues/binance/feed_connection.hpp"

#include <algorithm>

#include "venues/binance/rest_codec.hpp"

namespace autotrader::binance {
namespace {

bool is_live(FeedConnection::Phase phase) {
  return phase == FeedConnection::Phase::subscribed || phase == FeedConnection::Phase::streaming;
}

}  // namespace

const char* to_string(ReconnectReason reason) {
  switch (reason) {
    case ReconnectReason::connection_lost:
      return "connection_lost";
    case ReconnectReason::connect_failed:
      return "connect_failed";
    case ReconnectReason::idle_timeout:
      return "idle_timeout";
    case ReconnectReason::server_shutdown:
      return "server_shutdown";
    case ReconnectReason::rotation:
      return "rotation";
  }
  return "unknown";
}

std::vector<std::string> reconnect_reason_names() {
  std::vector<std::string> names;
  for (auto reason : {ReconnectReason::connection_lost, ReconnectReason::connect_failed,
                      ReconnectReason::idle_timeout, ReconnectReason::server_shutdown,
                      ReconnectReason::rotation}) {
    names.emplace_back(to_string(reason));
  }
  return names;
}

FeedConnection::FeedConnection(FeedConnectionOptions options, std::shared_ptr<core::Random> random)
    : options_{options}, backoff_{options.backoff, std::move(random)} {}

ConnectionId FeedConnection::open(Slot& slot, TimePoint now, Effects& out) {
  slot = Slot{next_id_++, Phase::connecting, now, now};
  out.emplace_back(effect::Open{slot.id});
  return slot.id;
}

Effects FeedConnection::start(TimePoint now) {
  Effects out;
  if (primary_.phase != Phase::idle) return out;
  out.emplace_back(effect::SyncTime{});
  resync_at_ = now + options_.resync_period;
  open(primary_, now, out);
  return out;
}

Effects FeedConnection::on_open(ConnectionId id, TimePoint now) {
  Effects out;
  Slot* slot = id == primary_.id ? &primary_ : id == secondary_.id ? &secondary_ : nullptr;
  if (slot == nullptr || id == 0 || slot->phase != Phase::connecting) return out;
  slot->phase = Phase::subscribed;
  slot->since = now;
  slot->last_activity = now;
  if (slot == &primary_) {
    out.emplace_back(effect::FillGaps{});
    rotate_at_ = now + options_.rotation_period;
  }
  return out;
}

Effects FeedConnection::on_frame(ConnectionId id, TimePoint now) {
  Effects out;
  if (id == 0) return out;
  if (id == primary_.id && is_live(primary_.phase)) {
    primary_.last_activity = now;
    if (primary_.phase == Phase::subscribed) {
      primary_.phase = Phase::streaming;
      backoff_.reset();  // only a connection that really streams proves the venue healthy
    }
  } else if (id == secondary_.id && is_live(secondary_.phase)) {
    secondary_.last_activity = now;
    promote_secondary(now, out);
  }
  return out;
}

void FeedConnection::promote_secondary(TimePoint now, Effects& out) {
  ConnectionId old = primary_.id;
  primary_ = secondary_;
  primary_.phase = Phase::streaming;
  secondary_ = Slot{};
  if (old != 0) out.emplace_back(effect::Close{old});
  out.emplace_back(effect::CountReconnect{rotation_is_shutdown_ ? ReconnectReason::server_shutdown
                                                                : ReconnectReason::rotation});
  // The overlap should have covered everything; asking REST costs one page and proves it.
  out.emplace_back(effect::FillGaps{});
  rotation_is_shutdown_ = false;
  rotate_at_ = now + options_.rotation_period;
}

void FeedConnection::lose_primary(ReconnectReason reason, TimePoint now, Effects& out) {
  out.emplace_back(effect::CountReconnect{reason});
  rotation_is_shutdown_ = false;
  if (secondary_.id != 0) {
    // A rotation was under way: its connection takes over at once.
    primary_ = secondary_;
    secondary_ = Slot{};
    if (is_live(primary_.phase)) {
      out.emplace_back(effect::FillGaps{});
      rotate_at_ = now + options_.rotation_period;
    }
    return;
  }
  primary_ = Slot{0, Phase::waiting, now, now};
  retry_at_ = now + backoff_.next();
  rotate_at_.reset();
}

void FeedConnection::begin_rotation(TimePoint now, Effects& out) {
  rotate_at_.reset();
  open(secondary_, now, out);
}

void FeedConnection::abandon_rotation(TimePoint now, Effects& out) {
  out.emplace_back(effect::Close{secondary_.id});
  secondary_ = Slot{};
  rotation_is_shutdown_ = false;
  rotate_at_ = now + backoff_.next();
}

Effects FeedConnection::on_closed(ConnectionId id, TimePoint now) {
  Effects out;
  if (id == 0) return out;
  if (id == primary_.id) {
    lose_primary(primary_.phase == Phase::connecting ? ReconnectReason::connect_failed
                                                     : ReconnectReason::connection_lost,
                 now, out);
  } else if (id == secondary_.id) {
    secondary_ = Slot{};
    rotation_is_shutdown_ = false;
    rotate_at_ = now + backoff_.next();
  }
  return out;
}

Effects FeedConnection::on_server_shutdown(ConnectionId id, TimePoint now) {
  Effects out;
  if (id == 0) return out;
  if (id == primary_.id && is_live(primary_.phase)) {
    rotation_is_shutdown_ = true;
    if (secondary_.id == 0) begin_rotation(now, out);
  } else if (id == secondary_.id) {
    abandon_rotation(now, out);
  }
  return out;
}

Effects FeedConnection::on_api_error(std::int64_t code) {
  Effects out;
  if (code == kInvalidTimestamp) out.emplace_back(effect::SyncTime{});
  return out;
}

Effects FeedConnection::on_tick(TimePoint now) {
  Effects out;
  if (primary_.phase == Phase::waiting && now >= retry_at_) {
    open(primary_, now, out);
  } else if (primary_.phase == Phase::connecting && now - primary_.since >= options_.idle_timeout) {
    // The transport has its own timeouts; this one only guards against a report never coming.
    out.emplace_back(effect::Close{primary_.id});
    lose_primary(ReconnectReason::connect_failed, now, out);
  } else if (is_live(primary_.phase) && now - primary_.last_activity >= options_.idle_timeout) {
    out.emplace_back(effect::Close{primary_.id});
    lose_primary(ReconnectReason::idle_timeout, now, out);
  }
  if (secondary_.id != 0 && now - secondary_.last_activity >= options_.idle_timeout) {
    abandon_rotation(now, out);
  }
  if (rotate_at_ && now >= *rotate_at_ && is_live(primary_.phase) && secondary_.id == 0) {
    begin_rotation(now, out);
  }
  if (resync_at_ && now >= *resync_at_) {
    out.emplace_back(effect::SyncTime{});
    resync_at_ = now + options_.resync_period;
  }
  return out;
}

std::optional<FeedConnection::TimePoint> FeedConnection::next_deadline() const {
  std::optional<TimePoint> next;
  auto consider = [&](TimePoint t) { next = next ? std::min(*next, t) : t; };
  if (primary_.phase == Phase::waiting) consider(retry_at_);
  if (primary_.phase == Phase::connecting) consider(primary_.since + options_.idle_timeout);
  if (is_live(primary_.phase)) consider(primary_.last_activity + options_.idle_timeout);
  if (secondary_.id != 0) consider(secondary_.last_activity + options_.idle_timeout);
  if (rotate_at_ && is_live(primary_.phase) && secondary_.id == 0) consider(*rotate_at_);
  if (resync_at_) consider(*resync_at_);
  return next;
}

bool FeedConnection::accepts(ConnectionId id) const {
  if (id == 0) return false;
  return (id == primary_.id && is_live(primary_.phase)) ||
         (id == secondary_.id && is_live(secondary_.phase));
}

}  // namespace autotrader::binance
