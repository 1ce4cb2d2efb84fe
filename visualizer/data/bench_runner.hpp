/// @file bench_runner.hpp
/// @brief Runs a benchmark (the live panel's `./course bench <workload> --stream`) as a child process, so the UI can
/// show its progress and its records as they arrive without ever blocking a frame.
///
/// The child runs in its own process group with stdout and stderr on a pipe; a background thread reads the lines
/// `--stream` makes the benchmark print (docs/bench_results.md):
///
///     WS-PROGRESS <done> <total> <name of the row starting>
///     WS-RECORD <one-line JSON record, the fields of a results file's record (schema v2, or v1 converted)>
///
/// Other lines are kept only to explain a failure. Every member function may be called from any thread.
#pragma once

#include <mutex>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

#include "data/results.hpp"

namespace ws_viz {

class bench_runner {
 public:
  /// Where the benchmark is: rows done, rows in all, and the name of the row being timed.
  struct progress {
    int done = 0;
    int total = 0;
    std::string current;
  };

  bench_runner() = default;
  bench_runner(const bench_runner&) = delete;
  bench_runner& operator=(const bench_runner&) = delete;
  /// Cancels a running benchmark and waits for its reader thread.
  ~bench_runner();

  /// Starts @p argv (argv[0] found on PATH when it has no '/'). Returns false with @p error set when one is
  /// already running or the program cannot be started; the previous run's records and message are then kept.
  bool start(const std::vector<std::string>& argv, std::string& error);

  /// Asks the benchmark to stop: SIGTERM to its process group, SIGKILL 2 s later if anything is left. Returns at
  /// once; running() turns false when the group is gone.
  void cancel();

  /// True from a successful start() until the child has exited and been reaped.
  [[nodiscard]] bool running() const;

  /// The last WS-PROGRESS line (done = total once the benchmark finished successfully).
  [[nodiscard]] progress current() const;

  /// The records that arrived since the last call, in the order the benchmark printed them.
  std::vector<record> take_new_records();

  /// "" while running or before the first run; then "finished: 12 records", "cancelled", or
  /// "failed: exit code 1: <last line of output>" ("failed: killed by signal 9: ..." for a signal).
  [[nodiscard]] std::string finish_message() const;

 private:
  void read_loop(pid_t pid, int fd);
  void handle_line(const std::string& line);

  mutable std::mutex mutex_;
  std::thread reader_;
  bool running_ = false;
  bool cancel_requested_ = false;
  progress progress_;
  std::vector<record> new_records_;
  int record_count_ = 0;
  std::string last_line_;  ///< the last line that was neither WS-PROGRESS nor WS-RECORD
  std::string message_;
};

}  // namespace ws_viz
