#include "app/process_pool.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/child_process.h"
#include "core/elapsed.h"

namespace terse {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

volatile sig_atomic_t g_interrupted = 0;
void on_interrupt(int) { g_interrupted = 1; }

// Installs the interrupt handler for the pool's lifetime and restores the previous one after.
class InterruptGuard {
 public:
  InterruptGuard() {
    g_interrupted = 0;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &old_int_);
    ::sigaction(SIGTERM, &action, &old_term_);
  }
  ~InterruptGuard() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

struct Running {
  size_t job;
  pid_t pid;
  Clock::time_point start;
};

absl::StatusOr<pid_t> start_child(const PoolJob& job) {
  std::error_code ec;
  fs::create_directories(job.log.parent_path(), ec);
  const int log = ::open(job.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open `", job.log.string(), "`: ", std::strerror(errno)));
  }
  std::vector<char*> args;
  for (const std::string& arg : job.argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log);
    return absl::InternalError("fork() failed");
  }
  if (pid == 0) {
    die_with_parent(parent);
    const int null_in = ::open("/dev/null", O_RDONLY);
    ::dup2(null_in, STDIN_FILENO);
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    ::execv(args[0], args.data());
    std::fprintf(stderr, "cannot run `%s`: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(log);
  return pid;
}

void signal_all(const std::vector<Running>& running, int signal) {
  for (const Running& r : running) ::kill(r.pid, signal);
}

}  // namespace

absl::StatusOr<bool> run_process_pool(const std::vector<PoolJob>& jobs, int64_t parallel,
                                      const PoolCallbacks& callbacks,
                                      std::chrono::milliseconds grace) {
  InterruptGuard guard;
  std::vector<Running> running;
  size_t next = 0;
  Clock::time_point kill_at = Clock::time_point::max();
  bool stopping = false;
  while (next < jobs.size() || !running.empty()) {
    if (g_interrupted && !stopping) {
      stopping = true;
      signal_all(running, SIGTERM);
      kill_at = Clock::now() + grace;
    }
    if (Clock::now() > kill_at) signal_all(running, SIGKILL);
    while (!stopping && next < jobs.size() && static_cast<int64_t>(running.size()) < parallel) {
      auto pid = start_child(jobs[next]);
      if (!pid.ok()) {
        signal_all(running, SIGKILL);
        for (const Running& r : running) ::waitpid(r.pid, nullptr, 0);
        return pid.status();
      }
      running.push_back({next, *pid, Clock::now()});
      if (callbacks.on_start) callbacks.on_start(next);
      ++next;
    }
    if (stopping && next < jobs.size()) next = jobs.size();  // start no more
    bool reaped = false;
    for (auto it = running.begin(); it != running.end();) {
      int status = 0;
      if (::waitpid(it->pid, &status, WNOHANG) != it->pid) {
        ++it;
        continue;
      }
      PoolResult result;
      result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      result.seconds = seconds_since(it->start);
      result.interrupted = g_interrupted != 0 && result.exit_code != 0;
      const size_t job = it->job;
      it = running.erase(it);
      reaped = true;
      if (callbacks.on_finish) callbacks.on_finish(job, result);
    }
    if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return !stopping && g_interrupted == 0;
}

}  // namespace terse
