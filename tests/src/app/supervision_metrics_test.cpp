#include "app/supervision_metrics.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "net/metrics_endpoint.hpp"

namespace autotrader::app {
namespace {

using Kind = supervision::Event::Kind;

supervision::Event event(Kind kind, std::string supervisor, std::string child,
                         std::uint64_t restart_count = 0, std::string reason = {}) {
  supervision::Event e;
  e.kind = kind;
  e.supervisor = std::move(supervisor);
  e.child = std::move(child);
  e.restart_count = restart_count;
  e.reason = std::move(reason);
  e.abnormal = !e.reason.empty();
  return e;
}

supervision::ChildSpec child(std::string id) {
  supervision::ChildSpec spec;
  spec.id = std::move(id);
  spec.start = [](caf::event_based_actor&) { return caf::actor{}; };
  return spec;
}

class SupervisionMetricsTest : public ::testing::Test {
 protected:
  bool has_line(const std::string& line) const {
    return net::serialize_metrics(registry_).find(line + "\n") != std::string::npos;
  }

  prometheus::Registry registry_;
  std::ostringstream log_text_;
  std::shared_ptr<spdlog::logger> log_ = std::make_shared<spdlog::logger>(
      "supervision", std::make_shared<spdlog::sinks::ostream_sink_st>(log_text_));
  SupervisionMetrics metrics_{registry_, log_};
};

TEST_F(SupervisionMetricsTest, PreregisteredSeriesExportZeroBeforeAnyEvent) {
  supervision::SupervisorSpec inner;
  inner.id = "market";
  inner.children.push_back(child("feed"));
  supervision::SupervisorSpec root;
  root.id = "root";
  root.children.push_back(child("http"));
  root.children.push_back(supervision::supervisor_child(inner));
  metrics_.preregister(root);

  EXPECT_TRUE(has_line(R"(autotrader_supervisor_child_up{child="http",supervisor="root"} 0)"));
  EXPECT_TRUE(has_line(R"(autotrader_supervisor_child_up{child="feed",supervisor="market"} 0)"));
  EXPECT_TRUE(
      has_line(R"(autotrader_supervisor_restarts_total{child="market",supervisor="root"} 0)"));
  EXPECT_TRUE(has_line(R"(autotrader_supervisor_escalations_total{supervisor="market"} 0)"));
  EXPECT_TRUE(has_line(R"(autotrader_supervisor_escalations_total{supervisor="root"} 0)"));
}

TEST_F(SupervisionMetricsTest, CountsRestartsUpStateAndEscalations) {
  metrics_.on_event(event(Kind::child_started, "root", "http"));
  EXPECT_TRUE(has_line(R"(autotrader_supervisor_child_up{child="http",supervisor="root"} 1)"));
  EXPECT_TRUE(
      has_line(R"(autotrader_supervisor_restarts_total{child="http",supervisor="root"} 0)"));

  metrics_.on_event(event(Kind::child_exited, "root", "http", 0, "boom"));
  EXPECT_TRUE(has_line(R"(autotrader_supervisor_child_up{child="http",supervisor="root"} 0)"));
  metrics_.on_event(event(Kind::restart_scheduled, "root", "http"));
  metrics_.on_event(event(Kind::child_started, "root", "http", 1));
  metrics_.on_event(event(Kind::child_exited, "root", "http", 1, "boom"));
  metrics_.on_event(event(Kind::child_started, "root", "http", 2));
  EXPECT_TRUE(
      has_line(R"(autotrader_supervisor_restarts_total{child="http",supervisor="root"} 2)"));
  EXPECT_TRUE(has_line(R"(autotrader_supervisor_child_up{child="http",supervisor="root"} 1)"));

  metrics_.on_event(event(Kind::gave_up, "market", "", 0, "too many restarts"));
  metrics_.on_event(event(Kind::escalated, "market", "", 0, "too many restarts"));
  EXPECT_TRUE(has_line(R"(autotrader_supervisor_escalations_total{supervisor="market"} 1)"));
}

TEST_F(SupervisionMetricsTest, LogsEachEventOnceWithItsReason) {
  metrics_.on_event(event(Kind::child_exited, "root", "http", 0, "system_error(runtime_error)"));
  auto restart = event(Kind::restart_scheduled, "root", "http");
  restart.delay = std::chrono::milliseconds{1500};
  metrics_.on_event(restart);
  metrics_.on_event(event(Kind::escalated, "root", "", 0, "supervisor.intensity_exceeded"));
  log_->flush();
  auto text = log_text_.str();
  EXPECT_NE(text.find("root/http exited abnormally: system_error(runtime_error)"),
            std::string::npos);
  EXPECT_NE(text.find("root/http restarting in 1.500 s"), std::string::npos);
  EXPECT_NE(text.find("supervisor root escalated to its parent: supervisor.intensity_exceeded"),
            std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
}

}  // namespace
}  // namespace autotrader::app
