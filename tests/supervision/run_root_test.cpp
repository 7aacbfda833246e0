// Process-level tests: run_root_program is started as a real process, followed through a pipe
// (bounded reads with a deadline, never sleeps) and signalled like a daemon.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

class Program {
 public:
  explicit Program(const std::string& mode) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);  // sanitizer reports too
    std::string path = RUN_ROOT_PROGRAM;
    std::vector<char*> argv{path.data(), const_cast<char*>(mode.c_str()), nullptr};
    const int rc = posix_spawn(&pid_, path.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fds[0];
    if (rc != 0) throw std::runtime_error("posix_spawn failed");
  }

  ~Program() {
    if (pid_ > 0) {  // a failed test: do not leave the process behind
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(out_);
  }

  // Reads until `needle` is in the output; false at EOF or after the deadline.
  bool wait_for(const std::string& needle,
                std::chrono::seconds timeout = std::chrono::seconds(20)) {
    const auto deadline = Clock::now() + timeout;
    while (output_.find(needle) == std::string::npos)
      if (!read_some(deadline)) return false;
    return true;
  }

  // Reads to EOF (the process has exited or closed its output) and reaps it. -1 on timeout.
  int finish(std::chrono::seconds timeout = std::chrono::seconds(30)) {
    const auto deadline = Clock::now() + timeout;
    while (read_some(deadline)) {
    }
    if (Clock::now() >= deadline) return -1;
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  void signal(int signo) { kill(pid_, signo); }
  const std::string& output() const { return output_; }

  // Positions of the lines in the output, to check their order; npos when missing.
  std::size_t position(const std::string& line) const { return output_.find(line + "\n"); }

 private:
  bool read_some(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{out_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char buffer[4096];
    const auto n = read(out_, buffer, sizeof buffer);
    if (n <= 0) return false;
    output_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int out_ = -1;
  std::string output_;
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
