#include "core/launcher.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "core/child_process.h"
#include "core/status.h"

namespace terse {
namespace {

using Clock = std::chrono::steady_clock;

volatile sig_atomic_t g_interrupted = 0;
void on_interrupt(int) { g_interrupted = 1; }

struct Rank {
  int64_t rank = 0;
  pid_t pid = -1;
  int fd = -1;          // read end of the rank's stdout + stderr; -1 once closed
  std::string partial;  // output after the last newline
  bool running = true;
  int exit_code = 0;
};

absl::Status check_spec(const LaunchSpec& spec) {
  if (spec.argv.empty()) return absl::InvalidArgumentError("launch: no command to run after `--`");
  if (spec.nproc < 1 || spec.nnodes < 1) {
    return absl::InvalidArgumentError("launch: --nproc and --nnodes must be at least 1");
  }
  if (spec.node_rank < 0 || spec.node_rank >= spec.nnodes) {
    return absl::InvalidArgumentError(
        absl::StrCat("launch: --node-rank ", spec.node_rank, " must be in [0, ", spec.nnodes, ")"));
  }
  if (spec.nnodes > 1 && spec.master_port == 0) {
    return absl::InvalidArgumentError(
        "launch: with several machines, give every one the same --master-addr and --master-port");
  }
  return absl::OkStatus();
}

// In the child: points stdout and stderr at the pipe, sets the torchrun variables and execs.
[[noreturn]] void exec_rank(const LaunchSpec& spec, int64_t local_rank, int64_t port, int out_fd) {
  ::dup2(out_fd, STDOUT_FILENO);
  ::dup2(out_fd, STDERR_FILENO);
  const int64_t world = spec.nproc * spec.nnodes;
  ::setenv("RANK", std::to_string(spec.node_rank * spec.nproc + local_rank).c_str(), 1);
  ::setenv("LOCAL_RANK", std::to_string(local_rank).c_str(), 1);
  ::setenv("WORLD_SIZE", std::to_string(world).c_str(), 1);
  ::setenv("LOCAL_WORLD_SIZE", std::to_string(spec.nproc).c_str(), 1);
  ::setenv("MASTER_ADDR", spec.master_addr.c_str(), 1);
  ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
  std::vector<char*> args;
  for (const std::string& arg : spec.argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  std::fprintf(stderr, "terse launch: cannot run `%s`: %s\n", args[0], std::strerror(errno));
  ::_exit(127);
}

absl::StatusOr<Rank> start_rank(const LaunchSpec& spec, int64_t local_rank, int64_t port) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return absl::InternalError("launch: pipe() failed");
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return absl::InternalError("launch: fork() failed");
  if (pid == 0) {
    die_with_parent(parent);
    ::close(fds[0]);
    exec_rank(spec, local_rank, port, fds[1]);
  }
  ::close(fds[1]);
  Rank rank;
  rank.rank = spec.node_rank * spec.nproc + local_rank;
  rank.pid = pid;
  rank.fd = fds[0];
  return rank;
}

void print_lines(Rank& rank, bool flush_partial) {
  size_t newline;
  while ((newline = rank.partial.find('\n')) != std::string::npos) {
    std::cout << "[rank " << rank.rank << "] " << rank.partial.substr(0, newline) << "\n";
    rank.partial.erase(0, newline + 1);
  }
  if (flush_partial && !rank.partial.empty()) {
    std::cout << "[rank " << rank.rank << "] " << rank.partial << "\n";
    rank.partial.clear();
  }
  std::cout.flush();
}

// Reads whatever the ranks wrote, waiting at most `timeout_ms`.
void pump_output(std::vector<Rank>& ranks, int timeout_ms) {
  std::vector<pollfd> polls;
  for (const Rank& rank : ranks) {
    if (rank.fd >= 0) polls.push_back({rank.fd, POLLIN, 0});
  }
  if (polls.empty() || ::poll(polls.data(), polls.size(), timeout_ms) <= 0) return;
  for (Rank& rank : ranks) {
    for (const pollfd& p : polls) {
      if (p.fd != rank.fd || (p.revents & (POLLIN | POLLHUP)) == 0) continue;
      char buffer[4096];
      const ssize_t got = ::read(rank.fd, buffer, sizeof(buffer));
      if (got > 0) {
        rank.partial.append(buffer, static_cast<size_t>(got));
        print_lines(rank, false);
      } else {
        ::close(rank.fd);
        rank.fd = -1;
        print_lines(rank, true);
      }
    }
  }
}

// Collects ranks that have exited. The first failure of the job is reported and returned
// (`first_failure` is 0 until then); later exits only say how the rank ended.
int reap(std::vector<Rank>& ranks, int first_failure) {
  for (Rank& rank : ranks) {
    int status = 0;
    if (!rank.running || ::waitpid(rank.pid, &status, WNOHANG) != rank.pid) continue;
    rank.running = false;
    rank.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (rank.exit_code == 0) continue;
    const std::string how = WIFSIGNALED(status)
                                ? absl::StrCat("was killed by signal ", WTERMSIG(status))
                                : absl::StrCat("exited with code ", rank.exit_code);
    if (first_failure == 0) {
      first_failure = rank.exit_code;
      std::cout << "terse launch: rank " << rank.rank << " " << how << "; stopping the other ranks"
                << std::endl;
    } else {
      std::cout << "terse launch: rank " << rank.rank << " " << how << std::endl;
    }
  }
  return first_failure;
}

void signal_all(std::vector<Rank>& ranks, int signal) {
  for (const Rank& rank : ranks) {
    if (rank.running) ::kill(rank.pid, signal);
  }
}

bool any_active(const std::vector<Rank>& ranks) {
  for (const Rank& rank : ranks) {
    if (rank.running || rank.fd >= 0) return true;
  }
  return false;
}

}  // namespace

std::string self_executable_path() {
  char path[PATH_MAX] = {0};
  const ssize_t length = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
  return length > 0 ? std::string(path, static_cast<size_t>(length)) : "terse";
}

absl::StatusOr<int64_t> find_free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!ok) return absl::InternalError("could not find a free TCP port");
  return static_cast<int64_t>(ntohs(address.sin_port));
}

absl::StatusOr<int> launch(const LaunchSpec& spec) {
  TERSE_RETURN_IF_ERROR(check_spec(spec));
  int64_t port = spec.master_port;
  if (port == 0) {
    TERSE_ASSIGN_OR_RETURN(port, find_free_port());
  }
  ::signal(SIGINT, on_interrupt);
  ::signal(SIGTERM, on_interrupt);
  std::vector<Rank> ranks;
  for (int64_t local = 0; local < spec.nproc; ++local) {
    auto rank = start_rank(spec, local, port);
    if (!rank.ok()) {
      signal_all(ranks, SIGKILL);
      return rank.status();
    }
    ranks.push_back(std::move(*rank));
  }
  int result = 0;
  Clock::time_point kill_at = Clock::time_point::max();
  while (any_active(ranks)) {
    pump_output(ranks, 100);
    const int failure = reap(ranks, result);
    if (result == 0 && (failure != 0 || g_interrupted)) {
      result = failure != 0 ? failure : 130;  // 130: interrupted, as a shell reports Ctrl-C
      signal_all(ranks, SIGTERM);
      kill_at = Clock::now() + spec.grace;
    }
    if (Clock::now() > kill_at) signal_all(ranks, SIGKILL);
  }
  return result;
}

absl::Status launch_ranks(const LaunchSpec& spec) {
  TERSE_ASSIGN_OR_RETURN(const int code, launch(spec));
  if (code == kExitInputError) {
    return absl::InvalidArgumentError("a rank stopped on bad usage or input (exit code 2)");
  }
  if (code != 0) return absl::AbortedError(absl::StrCat("a rank failed (exit code ", code, ")"));
  return absl::OkStatus();
}

}  // namespace terse
