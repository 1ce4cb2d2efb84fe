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
///
/// For untrusted code (security review, issue 11) the grader also asks for isolation by construction: a
/// `minimal_root` view that shows only the system folders and the run's own paths, a scrubbed environment
/// (`clear_env`), separate unprivileged users for the build and the tests (`run_as_uid`), a cap on all bytes written
/// (`run_limits::written_bytes`), and memory accounting that includes tmpfs and page cache (a memory cgroup per run,
/// where we may create one; see memory_accounting).
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
  std::uint64_t memory_bytes = 4ull << 30;   ///< resident memory of the whole tree, polled every 20 ms, and
                                             ///< tmpfs/page cache where a cgroup counts them (memory_accounting)
  bool limit_address_space = false;          ///< also RLIMIT_AS = memory_bytes: good for compilers, but it breaks
                                             ///< AddressSanitizer and CUDA (both reserve huge address ranges)
  std::uint64_t file_bytes = 64ull << 20;    ///< RLIMIT_FSIZE: the largest file the command may write
  int processes = 256;                       ///< RLIMIT_NPROC, counted on top of the processes the user already
                                             ///< has; root ignores it, so it only bites with drop_privileges
  std::uint64_t output_bytes = 256 << 10;    ///< how much of stdout+stderr to keep: the first and the last half,
                                             ///< joined by a "[... N bytes cut ...]" line
  /// @brief The most the run may add, in all, to its writable paths (their .tmp and .shm folders included); 0: no
  /// limit. RLIMIT_FSIZE caps one file only: 3 GB spread over many files went through it.
  ///
  /// Counted as disk usage (st_blocks, like `du`: a sparse file counts what it holds; each inode once, symlinks not
  /// followed, other file systems not entered), as growth over what the paths held when the run started (walked
  /// once before it, and once after it for run_result::written_bytes), polled with the memory check. A walk costs
  /// 1-3 µs per file (9-27 ms for 10,000 small files, 200 ms for 100,000, on a loaded 2-core VM), so the next poll
  /// waits 9 walk durations, at least 20 ms: measured, the caller spent 8-11% of a core during a run over 10,000
  /// files. With 10,000 files the count is up to 0.3 s old, and the limit is exceeded by what the command writes in
  /// that time. Over the limit the whole tree is killed and run_result::write_limit is set. Files deleted while a
  /// process of the run keeps them open count too (found through /proc/PID/fd). Only the writable paths are
  /// counted: without bwrap, or without minimal_root, /tmp is outside them.
  std::uint64_t written_bytes = 0;
};

/// Where and how the command runs.
struct sandbox_options {
  std::filesystem::path workdir;                ///< the command's working directory; empty: the caller's
  std::vector<std::filesystem::path> writable;  ///< with bwrap: bound read-write (must exist); all else read-only
  std::vector<std::filesystem::path> readable;  ///< with bwrap: stay visible read-only even inside /tmp (which is an
                                                ///< empty tmpfs) or inside a hidden folder, e.g. a checkout in /tmp
  std::vector<std::filesystem::path> hidden;    ///< with bwrap: folders covered by an empty read-only tmpfs (e.g.
                                                ///< solutions/, $HOME); a path that does not exist is skipped
  bool use_bwrap = true;                        ///< when bwrap_unavailable_reason() is ""; otherwise rlimits only
  bool drop_privileges = false;                 ///< when we are root: run as 65534 (nobody/nogroup), no groups;
                                                ///< run_as_uid, when set, says who instead
  bool allow_gpu_devices = false;               ///< with bwrap: --dev-bind every /dev/nvidia* that exists
  std::vector<std::pair<std::string, std::string>> env;  ///< added to / overriding the caller's environment
                                                         ///< (or to the scrubbed one, with clear_env)

  /// @brief With bwrap: start from an empty root instead of binding `/`, so nothing is visible by accident.
  ///
  /// Why: with `/` bound, `#include "/etc/shadow"` worked and other checkouts were readable; hiding a few folders
  /// cannot keep up with what a machine holds. The view has, read-only, only what a compiler and a dynamically
  /// linked program need: /usr (compilers, headers, libraries, /usr/local/cuda), /bin /sbin /lib /lib64 /lib32
  /// /libx32 (symlinks into /usr on merged-/usr systems, else bound), /etc/ld.so.cache, /etc/ld.so.conf(.d) (the
  /// dynamic loader), /etc/alternatives (cc, c++, libblas are links through it), /etc/localtime (time zone). Not
  /// /etc's users, passwords or keys, not /root /home /tmp /var /opt /srv /mnt /media /run /work, and /sys only
  /// with allow_gpu_devices (the CUDA driver reads the GPU's PCI and NUMA topology there). Then the
  /// `readable` paths (read-only), the `writable` ones (read-write), the `hidden` and `masked` ones, each at its own
  /// path; a new /proc, a minimal read-only /dev (null, zero, random, tty...). /tmp and /dev/shm are the folders
  /// `.tmp` and `.shm` inside the first writable path (created, mode 1777), not memory: what is written there is
  /// disk, counted by written_bytes. TMPDIR is /tmp. The root itself is read-only. Without bwrap it has no effect
  /// but TMPDIR (set to `<first writable>/.tmp`, so temporary files are still counted).
  bool minimal_root = false;
  /// @brief With bwrap: files or folders that must not be usable inside the view even though a parent is bound,
  /// e.g. a library a lab may not use (/usr/lib/x86_64-linux-gnu/libopenblas.so.0).
  ///
  /// Symbolic links are followed to the real file, which is the one covered (so every name that leads to it fails,
  /// the alternatives included): a file is covered by /dev/null on a nodev mount (opening it fails with EACCES,
  /// dlopen() fails), a folder by an empty read-only tmpfs. Paths that do not exist are skipped. Works with and
  /// without minimal_root.
  std::vector<std::filesystem::path> masked;
  /// @brief The command gets none of the caller's environment, only PATH (/usr/local/sbin:/usr/local/bin:/usr/sbin:
  /// /usr/bin:/sbin:/bin, then /usr/local/cuda/bin when it exists), LANG=C.UTF-8, HOME (the workdir, else the first
  /// writable path, else /), TMPDIR (see minimal_root; else /tmp) and then the `env` pairs.
  ///
  /// Why: the grader's environment holds tokens (a test printed one). With and without bwrap.
  bool clear_env = false;
  /// @brief When we are root: the user (and group; -1: the same number as the user) the command runs as, with no
  /// supplementary groups. -1: as drop_privileges says (65534 when set, else ourselves).
  ///
  /// Why: the build and the tests run as two different unprivileged users (e.g. 65533 builds, 65534 tests), so a
  /// test can never change the build's files. The caller makes the writable paths writable for that user (chown);
  /// bwrap is probed for that user (bwrap_unavailable_reason_for_uid()). Not root: ignored, like drop_privileges.
  int run_as_uid = -1;
  int run_as_gid = -1;  ///< see run_as_uid
  /// @brief Enforce memory_bytes with a memory cgroup of this run when we may create one (see memory_accounting);
  /// false: RSS polling only.
  bool memory_cgroup = true;
};

/// How a run's memory was counted (run_result::memory, memory_accounting_available()).
enum class memory_accounting {
  none,         ///< memory_bytes was 0: not counted
  rss_polling,  ///< the resident memory of the process tree, polled every 20 ms, plus the files in bwrap's own
                ///< tmpfs (/tmp, /dev/shm: walked through /proc/PID/root like written_bytes) and the memfd_create()
                ///< or deleted tmpfs files the tree holds open (/proc/PID/fd). Blind to page cache, to SysV shared
                ///< memory segments no process has attached, and to tmpfs outside the sandbox (without bwrap)
  cgroup_v1,    ///< the RSS poll plus a memory cgroup v1 per run (memory.limit_in_bytes, memsw too when present):
                ///< the kernel counts anonymous memory, tmpfs/shared memory and page cache (reclaimed first), and
                ///< kills at memory_bytes + 64 MB + memory_bytes / 16, a margin over what the 20 ms poll can miss, so
                ///< that for ordinary memory the poll, which kills the whole tree at once, still acts first. An OOM
                ///< kill in the cgroup sets out_of_memory and ends the whole tree too.
  cgroup_v2,    ///< the same with cgroup v2 (memory.max, memory.swap.max = 0, memory.oom.group = 1)
};

/// "rss polling", "cgroup v1" ...: for the grader's report.
const char* to_string(memory_accounting accounting);

/// What happened. The flags say which limit ended the run; failure_reason() turns them into one line.
struct run_result {
  int exit_code = -1;         ///< when the command exited normally (-1 otherwise)
  int signal = 0;             ///< when it was killed by a signal (our SIGKILL included)
  bool timed_out = false;     ///< the wall limit was hit and we killed it
  bool out_of_memory = false; ///< the memory limit was hit and we killed it
  bool cpu_limit = false;     ///< SIGXCPU, or SIGKILL after using the whole RLIMIT_CPU
  bool file_limit = false;    ///< SIGXFSZ: it wrote past RLIMIT_FSIZE
  bool output_cut = false;    ///< the output was longer than output_bytes and its middle was cut
  bool write_limit = false;   ///< the run wrote more than run_limits::written_bytes in all and we killed it
  bool used_bwrap = false;    ///< the command ran inside bubblewrap
  memory_accounting memory = memory_accounting::none;  ///< how memory_bytes was enforced in this run
  std::uint64_t written_bytes = 0;  ///< growth of the writable paths at the last count (0 when written_bytes = 0)
  double wall_seconds = 0;    ///< from start to the end of the command
  std::string start_error;    ///< why the command could not be started ("" when it was); then exit_code is 127
  std::string output;         ///< stdout and stderr interleaved, cut to output_bytes
  run_limits limits;          ///< the limits of this run, for failure_reason()

  /// "" when the command exited with 0; else one readable line, e.g. "timed out after 5 s" (no guess at why),
  /// "used more than 2048 MB of memory", "killed by signal 11 (Segmentation fault)",
  /// "exited with code 3", "used more than 120 s of CPU time", "wrote a file larger than 64 MB",
  /// "wrote more than 100 MB in all".
  std::string failure_reason() const;
};

/// "" when bubblewrap can be used here, else why not (one line). Probed once per process and per user (as
/// ourselves, and as nobody for drop_privileges): runs `bwrap <the namespace flags run_limited uses> true`, because
/// an installed bwrap can still be refused user namespaces by the kernel, AppArmor or a container runtime.
/// @param drop_privileges probe for commands that will run as nobody (only differs from false when we are root).
std::string bwrap_unavailable_reason(bool drop_privileges = false);

/// The same for commands run as `uid` (what run_as_uid asks for); probed once per uid.
std::string bwrap_unavailable_reason_for_uid(int uid);

/// How run_limited() will enforce a memory limit here (cgroup_v1, cgroup_v2 or rss_polling): probed once, by
/// creating and removing a memory cgroup under our own. For the grader's report before any run.
memory_accounting memory_accounting_available();

/// Runs `argv` (argv[0] searched in PATH, inside the sandbox when bwrap is used) under `limits` and `options`, and
/// returns when it and every process it started are gone. Never throws because of what the command does; throws
/// std::invalid_argument for a bad request (empty argv, wall_seconds <= 0, a missing workdir or writable path, a
/// hidden path that is a file, a run_as_uid or run_as_gid below -1, a bad env name) and std::system_error when the
/// system refuses us (no pipe, no fork, cannot make the view's .tmp). Safe to call from several threads at once. A
/// command that cannot be started (not found, not executable, workdir not accessible to its user) comes back with
/// exit_code 127 and start_error set; inside bwrap, bwrap itself reports it (exit code 1 and its message in the
/// output).
///
/// With bwrap, the command sees `/` read-only (with minimal_root: only the system folders listed there), a private
/// /dev, /proc and empty /tmp (with minimal_root: the .tmp folder of the first writable path), its writable, hidden
/// (empty read-only tmpfs) and masked paths (mounted parents first, so a writable folder inside /tmp or inside a
/// hidden folder works), no network but lo, no capabilities, and its own PID namespace and session. A signal that
/// kills the command shows as bwrap's exit code 128 + N; run_limited() turns that back into `signal = N` (so under
/// bwrap, a command that itself exits with 129 to 159 is also reported as killed by a signal, as a shell would). The
/// flags cpu_limit and file_limit come from how the started command itself ended: a shell that reports its child's
/// SIGXCPU as exit code 152 is not recognized.
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
