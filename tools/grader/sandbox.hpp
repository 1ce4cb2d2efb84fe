/// @file sandbox.hpp
/// @brief The autograder's one way to start a process: learner code runs under a wall-clock limit, rlimits, a
/// polled memory limit and (where it works) bubblewrap, and leaves nothing behind.
///
/// Every command the grader starts (ninja building a submission, a test binary) goes through run_limited(). It must
/// never hang, never crash the grader and never leave processes behind, whatever the command does: loop forever,
/// allocate without end, flood its output, write huge files, fork, or daemonize (double fork + setsid).
///
/// How it keeps that promise (sandbox.cpp has the details):
///  - the command is started by a small *keeper* process forked for this run; the keeper is a child subreaper
///    (prctl PR_SET_CHILD_SUBREAPER), so every process the command ever starts, daemons included, stays in the
///    keeper's subtree. The calling process's own settings are never changed, and runs never see each other's
///    processes (several may run at once from different threads);
///  - the caller polls every 20 ms: it drains the output pipe into a head/tail buffer (the command never blocks on
///    a full pipe), checks the clock, and sums the resident memory of the keeper's subtree; on a breach it SIGKILLs
///    the whole subtree;
///  - when the command ends or is killed, every remaining process of the subtree is SIGKILLed and reaped before
///    run_limited() returns.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace ws_grade {

/// Limits on one run. A limit of 0 (cpu_seconds, memory_bytes, file_bytes, processes) means "no limit";
/// wall_seconds must be positive, so no run can hang.
struct run_limits {
  double wall_seconds = 60;                  ///< then the whole process tree is SIGKILLed
  double cpu_seconds = 120;                  ///< RLIMIT_CPU per process (soft = ceil, hard = soft + 1)
  std::uint64_t memory_bytes = 4ull << 30;   ///< resident memory of the whole tree, polled every 20 ms
  bool limit_address_space = false;          ///< also RLIMIT_AS = memory_bytes: good for compilers, but it breaks
                                             ///< AddressSanitizer and CUDA (both reserve huge address ranges)
  std::uint64_t file_bytes = 64ull << 20;    ///< RLIMIT_FSIZE: the largest file the command may write
  int processes = 256;                       ///< RLIMIT_NPROC, counted on top of the processes the user already
                                             ///< has; root ignores it, so it only bites with drop_privileges
  std::uint64_t output_bytes = 256 << 10;    ///< how much of stdout+stderr to keep: the first and the last half,
                                             ///< joined by a "[... N bytes cut ...]" line
};

/// Where and how the command runs.
struct sandbox_options {
  std::filesystem::path workdir;                ///< the command's working directory; empty: the caller's
  std::vector<std::filesystem::path> writable;  ///< with bwrap: bound read-write (must exist); all else read-only
  std::vector<std::filesystem::path> readable;  ///< with bwrap: stay visible read-only even inside /tmp (which is an
                                                ///< empty tmpfs) or inside a hidden folder, e.g. a checkout in /tmp
  std::vector<std::filesystem::path> hidden;    ///< with bwrap: folders covered by an empty tmpfs (e.g. solutions/,
                                                ///< $HOME); a path that does not exist has nothing to hide: skipped
  bool use_bwrap = true;                        ///< when bwrap_unavailable_reason() is ""; otherwise rlimits only
  bool drop_privileges = false;                 ///< when we are root: run as 65534 (nobody/nogroup), no groups
  bool allow_gpu_devices = false;               ///< with bwrap: --dev-bind every /dev/nvidia* that exists
  std::vector<std::pair<std::string, std::string>> env;  ///< added to / overriding the caller's environment
};

/// What happened. The flags say which limit ended the run; failure_reason() turns them into one line.
struct run_result {
  int exit_code = -1;         ///< when the command exited normally (-1 otherwise)
  int signal = 0;             ///< when it was killed by a signal (our SIGKILL included)
  bool timed_out = false;     ///< the wall limit was hit and we killed it
  bool out_of_memory = false; ///< the memory limit was hit and we killed it
  bool cpu_limit = false;     ///< SIGXCPU, or SIGKILL after using the whole RLIMIT_CPU
  bool file_limit = false;    ///< SIGXFSZ: it wrote past RLIMIT_FSIZE
  bool output_cut = false;    ///< the output was longer than output_bytes and its middle was cut
  bool used_bwrap = false;    ///< the command ran inside bubblewrap
  double wall_seconds = 0;    ///< from start to the end of the command
  std::string start_error;    ///< why the command could not be started ("" when it was); then exit_code is 127
  std::string output;         ///< stdout and stderr interleaved, cut to output_bytes
  run_limits limits;          ///< the limits of this run, for failure_reason()

  /// "" when the command exited with 0; else one readable line, e.g. "timed out after 5 s (a kernel or loop that
  /// never ends?)", "used more than 2048 MB of memory", "killed by signal 11 (Segmentation fault)",
  /// "exited with code 3", "used more than 120 s of CPU time", "wrote a file larger than 64 MB".
  std::string failure_reason() const;
};

/// "" when bubblewrap can be used here, else why not (one line). Probed once per process and per user (as
/// ourselves, and as nobody for drop_privileges): runs `bwrap <the namespace flags run_limited uses> true`, because
/// an installed bwrap can still be refused user namespaces by the kernel, AppArmor or a container runtime.
/// @param drop_privileges probe for commands that will run as nobody (only differs from false when we are root).
std::string bwrap_unavailable_reason(bool drop_privileges = false);

/// Runs `argv` (argv[0] searched in PATH, inside the sandbox when bwrap is used) under `limits` and `options`, and
/// returns when it and every process it started are gone. Never throws because of what the command does; throws
/// std::invalid_argument for a bad request (empty argv, wall_seconds <= 0, a missing workdir or writable path, a
/// hidden path that is a file) and std::system_error when the system refuses us (no pipe, no fork). Safe to call
/// from several threads at once. A command that cannot be started (not found, not executable, workdir not
/// accessible to nobody) comes back with exit_code 127 and start_error set; inside bwrap, bwrap itself reports it
/// (exit code 1 and its message in the output).
///
/// With bwrap, the command sees `/` read-only, a private /dev, /proc and empty /tmp, its writable and hidden paths
/// (mounted parents first, so a writable folder inside /tmp or inside a hidden folder works), no network but lo, no
/// capabilities, and its own PID namespace and session. A signal that kills the command shows as bwrap's exit code
/// 128 + N; run_limited() turns that back into `signal = N` (so under bwrap, a command that itself exits with 129 to
/// 159 is also reported as killed by a signal, as a shell would). The flags cpu_limit and file_limit come from how
/// the started command itself ended: a shell that reports its child's SIGXCPU as exit code 152 is not recognized.
/// @param argv the command and its arguments; argv[0] must not be empty
/// @param limits the limits (see run_limits)
/// @param options the working directory, sandbox layout, privileges and environment (see sandbox_options)
run_result run_limited(const std::vector<std::string>& argv, const run_limits& limits, const sandbox_options& options);

/// Runs one of our own commands (the build of the reference, a listing of a trusted binary, nvidia-smi): the
/// limits still apply, but no bubblewrap and no change of user. run_limited with use_bwrap = false.
/// @param argv    the command and its arguments
/// @param limits  the limits (see run_limits)
/// @param workdir its working directory
run_result run_trusted(const std::vector<std::string>& argv, const run_limits& limits,
                       const std::filesystem::path& workdir);

}  // namespace ws_grade
