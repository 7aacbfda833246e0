#pragma once
// Removes secret values from supervision events before anyone sees them. An exit reason can
// carry any error text (an exception's what(), a venue's error message), and the reasons reach
// the log, the metrics' log lines and /api/supervision; logging alone redacts only the log.
#include <memory>
#include <utility>

#include "core/log.hpp"
#include "supervision/observer.hpp"

namespace autotrader::app {

class RedactingObserver final : public supervision::Observer {
 public:
  explicit RedactingObserver(std::shared_ptr<supervision::Observer> next)
      : next_{std::move(next)} {}

  void on_event(const supervision::Event& event) override {
    if (event.reason.empty()) return next_->on_event(event);
    auto redacted = event;
    redacted.reason = core::log::redact(event.reason);
    next_->on_event(redacted);
  }

 private:
  std::shared_ptr<supervision::Observer> next_;
};

}  // namespace autotrader::app
