/// @file bench_runner.cpp
/// @brief The benchmark child process: posix_spawn into its own process group, a reader thread on its output pipe.
#include "data/bench_runner.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;  // NOLINT: POSIX's, for posix_spawnp

namespace ws_viz {

namespace {

using clock_type = std::chrono::steady_clock;

constexpr auto kill_after = std::chrono::seconds(2);         // SIGTERM, then SIGKILL this much later
constexpr auto drain_after_exit = std::chrono::milliseconds(500);  // output still held by a leftover grandchild
constexpr int poll_ms = 50;

/// posix_spawnp with stdin from /dev/null, stdout and stderr into @p out_fd, in a new process group, with the
/// signals a benchmark expects at their defaults (the UI may ignore SIGPIPE). Returns 0 or an errno value.
int spawn(const std::vector<std::string>& argv, int out_fd, pid_t& pid) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDERR_FILENO);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group: cancel() signals the benchmark and all it started
  sigset_t none, defaults;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigemptyset(&defaults);
  for (const int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);

  const int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  return rc;
}

bool leader_exited(pid_t pid) {
  siginfo_t info{};
  // WNOWAIT: the leader stays a zombie, so its process group id cannot be reused before we are done with it.
  return waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid;
}

}  // namespace

bench_runner::~bench_runner() {
  cancel();
  if (reader_.joinable()) reader_.join();
}

bool bench_runner::start(const std::vector<std::string>& argv, std::string& error) {
  std::lock_guard lock(mutex_);
  if (running_) {
    error = "a benchmark is already running";
    return false;
  }
  if (argv.empty() || argv[0].empty()) {
    error = "no program to run";
    return false;
  }
  if (reader_.joinable()) reader_.join();  // the previous run's reader has set running_ = false: it is ending

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    error = std::string("cannot make a pipe: ") + std::strerror(errno);
    return false;
  }
  pid_t pid = 0;
  const int rc = spawn(argv, fds[1], pid);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    error = "cannot start " + argv[0] + ": " + std::strerror(rc);
    return false;
  }

  progress_ = {};
  new_records_.clear();
  record_count_ = 0;
  last_line_.clear();
  message_.clear();
  cancel_requested_ = false;
  running_ = true;
  reader_ = std::thread(&bench_runner::read_loop, this, pid, fds[0]);
  return true;
}

void bench_runner::cancel() {
  std::lock_guard lock(mutex_);
  // The reader thread sends the signals: only it knows the leader has not been reaped yet.
  if (running_) cancel_requested_ = true;
}

bool bench_runner::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

bench_runner::progress bench_runner::current() const {
  std::lock_guard lock(mutex_);
  return progress_;
}

std::vector<record> bench_runner::take_new_records() {
  std::lock_guard lock(mutex_);
  std::vector<record> out;
  out.swap(new_records_);
  return out;
}

std::string bench_runner::finish_message() const {
  std::lock_guard lock(mutex_);
  return message_;
}

void bench_runner::read_loop(pid_t pid, int fd) {
  std::string pending;  // bytes after the last newline
  char chunk[4096];
  bool open = true, term_sent = false, kill_sent = false, exited = false;
  clock_type::time_point kill_at{}, drain_until{};

  for (;;) {
    if (open) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, poll_ms) > 0) {
        const ssize_t n = read(fd, chunk, sizeof chunk);
        if (n > 0) {
          pending.append(chunk, static_cast<std::size_t>(n));
          for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1)) {
            handle_line(pending.substr(0, nl));
          }
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
          open = false;  // every writer has closed the pipe
        }
      }
    } else {
      poll(nullptr, 0, poll_ms);
    }

    const auto now = clock_type::now();
    bool cancel;
    {
      std::lock_guard lock(mutex_);
      cancel = cancel_requested_;
    }
    if (cancel && !term_sent) {
      kill(-pid, SIGTERM);
      term_sent = true;
      kill_at = now + kill_after;
    }
    if (term_sent && !kill_sent && now >= kill_at) {
      kill(-pid, SIGKILL);
      kill_sent = true;
    }
    if (!exited && leader_exited(pid)) {
      exited = true;
      drain_until = now + drain_after_exit;
    }
    // Done when the leader has exited and its output is read, or a leftover still holds the pipe after a while.
    if (exited && (!open || now >= drain_until)) break;
  }
  if (!pending.empty()) handle_line(pending);
  close(fd);

  // Whatever the benchmark started and left behind goes with it. The leader is still an unreaped zombie, so the
  // group id is still this group's.
  kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  std::lock_guard lock(mutex_);
  const std::string detail = last_line_.empty() ? "" : ": " + last_line_;
  if (cancel_requested_) {
    message_ = "cancelled";
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    message_ = "finished: " + std::to_string(record_count_) + (record_count_ == 1 ? " record" : " records");
    progress_.done = progress_.total;
    progress_.current.clear();
  } else if (WIFEXITED(status)) {
    message_ = "failed: exit code " + std::to_string(WEXITSTATUS(status)) + detail;
  } else {
    const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    message_ = "failed: killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")" + detail;
  }
  running_ = false;
}

void bench_runner::handle_line(const std::string& raw) {
  std::string line = raw;
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();

  if (line.starts_with("WS-PROGRESS ")) {
    std::istringstream in(line.substr(12));
    progress p;
    if (in >> p.done >> p.total) {
      std::getline(in >> std::ws, p.current);
      std::lock_guard lock(mutex_);
      progress_ = std::move(p);
      return;
    }
  } else if (line.starts_with("WS-RECORD ")) {
    std::string error;
    std::optional<record> r = parse_record(line.substr(10), error);
    std::lock_guard lock(mutex_);
    if (r) {
      new_records_.push_back(std::move(*r));
      ++record_count_;
    } else {
      last_line_ = "unreadable WS-RECORD line (" + error + ")";
    }
    return;
  }
  if (line.find_first_not_of(" \t") == std::string::npos) return;
  std::lock_guard lock(mutex_);
  last_line_ = std::move(line);
}

}  // namespace ws_viz
