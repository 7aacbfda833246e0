// Process-level tests: run_root_program is started as a real process, followed through a pipe
// (bounded reads with a deadline, never sleeps) and signalled like a daemon.
#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace {

using autotrader::test::Process;

// The program under test; it prints every event as one line on stdout.
class Program {
 public:
  explicit Program(const std::string& mode)
      : process_{{{RUN_ROOT_PROGRAM, mode}, autotrader::test::current_environment(), {}, {}}} {}

  bool wait_for(const std::string& needle,
                std::chrono::seconds timeout = std::chrono::seconds(20)) {
    return process_.wait_for_output(needle, timeout);
  }
  // The exit code once the process has exited; -1 on timeout.
  int finish(std::chrono::seconds timeout = std::chrono::seconds(30)) {
    return process_.wait(timeout).value_or(-1);
  }
  void signal(int signo) { process_.signal(signo); }
  // stdout, then stderr (sanitizer reports).
  std::string output() const { return process_.output(); }
  // Position of a stdout line, to check the order of events; npos when missing.
  std::size_t position(const std::string& line) const { return process_.out().find(line + "\n"); }

 private:
  Process process_;
};

TEST(SupervisionRunRoot, GivingUpAtEveryLevelEndsTheProcessWithExitCode70) {
  Program p{"crashloop"};
  EXPECT_EQ(p.finish(), 70) << p.output();
  EXPECT_NE(p.position("EVENT gave_up mid/w more than 1 restarts within 60000ms"),
            std::string::npos)
      << p.output();
  EXPECT_NE(p.output().find("EXIT 70 supervisor.intensity_exceeded: root: more than 1 restarts"),
            std::string::npos)
      << p.output();
}

TEST(SupervisionRunRoot, SigtermStopsTheTreeInReverseOrderAndExitsZero) {
  Program p{"sigterm"};
  ASSERT_TRUE(p.wait_for("READY\n")) << p.output();
  p.signal(SIGTERM);
  EXPECT_EQ(p.finish(), 0) << p.output();
  const std::vector<std::string> order{
      "EVENT child_stopped root/b exit_reason(user_shutdown)",
      "EVENT child_stopped mid/y exit_reason(user_shutdown)",
      "EVENT child_stopped mid/x exit_reason(user_shutdown)",
      "EVENT child_stopped root/mid exit_reason(user_shutdown)",
      "EVENT child_stopped root/a exit_reason(user_shutdown)",
      "EXIT 0 exit_reason(user_shutdown)",
  };
  std::size_t last = 0;
  for (const auto& line : order) {
    const auto at = p.position(line);
    ASSERT_NE(at, std::string::npos) << line << "\n" << p.output();
    EXPECT_GT(at, last) << line << "\n" << p.output();
    last = at;
  }
}

TEST(SupervisionRunRoot, ChildThatReallyHangsEndsTheProcessAtOnceSayingWhy) {
  Program p{"hang"};
  const int code = p.finish();
  EXPECT_EQ(code, 70) << p.output();
  EXPECT_NE(p.output().find("EVENT hang_detected mid/w hang: no heartbeat reply within 200ms"),
            std::string::npos)
      << p.output();
  EXPECT_NE(p.output().find("FATAL supervisor.unkillable_child: mid: w: still alive 300ms after "
                            "exit_reason::kill: its handler thread is stuck, the process must "
                            "be restarted"),
            std::string::npos)
      << p.output();
  EXPECT_EQ(p.output().find("EXIT "), std::string::npos) << p.output();  // no orderly exit
}

TEST(SupervisionRunRoot, ExitWatchdogEndsAProcessThatCannotFinishShuttingDown) {
  Program p{"leaked_actor"};
  ASSERT_TRUE(p.wait_for("READY\n")) << p.output();
  p.signal(SIGTERM);
  EXPECT_EQ(p.finish(), 0) << p.output();  // the tree stopped in order: its exit code
  EXPECT_NE(p.position("EVENT child_stopped root/a exit_reason(user_shutdown)"), std::string::npos)
      << p.output();
  EXPECT_NE(p.position("WATCHDOG"), std::string::npos) << p.output();
  EXPECT_EQ(p.position("EXIT 0 exit_reason(user_shutdown)"), std::string::npos) << p.output();
}

TEST(SupervisionRunRoot, SecondSignalForcesExit130) {
  Program p{"double_signal"};
  ASSERT_TRUE(p.wait_for("READY\n")) << p.output();
  p.signal(SIGTERM);
  ASSERT_TRUE(p.wait_for("SHUTDOWN signal 15\n")) << p.output();
  p.signal(SIGTERM);  // the child ignores user_shutdown for 60 s: do not wait for it
  EXPECT_EQ(p.finish(), 130) << p.output();
  EXPECT_NE(p.position("FORCED"), std::string::npos) << p.output();
}

}  // namespace
