/// @file sandbox.tests.cpp
/// @brief The grader's process sandbox against real misbehaving commands: /bin/sh scripts that sleep, spin, allocate,
/// flood their output, write huge files, fork dozens of children and daemonize.
///
/// Most tests run twice, with plain rlimits and inside bubblewrap, because the two report a dying command
/// differently (bwrap turns "killed by signal N" into exit code 128 + N). Where bubblewrap or root is not available
/// the test says so with WARN and returns (Catch2 v2 has no SKIP). Every test keeps well under 3 s.
#include "sandbox.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;
using ws_grade::bwrap_unavailable_reason;
using ws_grade::run_limited;
using ws_grade::run_limits;
using ws_grade::run_result;
using ws_grade::sandbox_options;

// --- helpers ---------------------------------------------------------------------------------------------------------

/// Limits small enough that a broken sandbox fails the test quickly instead of hanging it.
run_limits quick_limits() {
  run_limits limits;
  limits.wall_seconds = 5;
  limits.cpu_seconds = 5;
  limits.memory_bytes = 512ull << 20;
  limits.file_bytes = 16ull << 20;
  limits.output_bytes = 64 << 10;
  return limits;
}

run_result run_sh(const std::string& script, const run_limits& limits, const sandbox_options& options) {
  return run_limited({"/bin/sh", "-c", script}, limits, options);
}

/// True when bubblewrap works here (for commands run as nobody when `as_nobody`); otherwise WARNs why.
bool bwrap_works(bool as_nobody = false) {
  const std::string reason = bwrap_unavailable_reason(as_nobody);
  if (!reason.empty()) WARN("bubblewrap is unavailable, so its variant of this test did not run: " << reason);
  return reason.empty();
}

/// A fresh folder, removed with everything in it when the test ends. By default beside the test binary, i.e. not
/// under /tmp (inside bwrap /tmp is a private tmpfs, which would make "cannot write there" pass for the wrong
/// reason); `under_tmp` puts it in the temp directory. Open to everyone, so commands run as nobody can use it.
class scratch_dir {
 public:
  explicit scratch_dir(const std::string& name, bool under_tmp = false) {
    const fs::path base = under_tmp ? fs::temp_directory_path() : fs::read_symlink("/proc/self/exe").parent_path();
    root_ = base / ("ws_sandbox_tests_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    fs::permissions(root_, fs::perms::all);
  }
  ~scratch_dir() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  const fs::path& path() const { return root_; }
  fs::path operator/(const std::string& name) const { return root_ / name; }

 private:
  fs::path root_;
};

/// How many processes on the machine have `marker` in their command line (arguments joined by spaces).
int processes_with(const std::string& marker) {
  int count = 0;
  std::error_code ec;
  for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(it->path() / "cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(marker) != std::string::npos) ++count;
  }
  return count;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

// --- exit codes, signals, output -------------------------------------------------------------------------------------

TEST_CASE("a command's exit code and its interleaved stdout and stderr are captured", "[grader][sandbox]") {
  const bool with_bwrap = GENERATE(false, true);
  if (with_bwrap && !bwrap_works()) return;
  sandbox_options options;
  options.use_bwrap = with_bwrap;

  const run_result failed = run_sh("echo out; echo err >&2; echo out again; exit 3", quick_limits(), options);
  CHECK(failed.used_bwrap == with_bwrap);
  CHECK(failed.exit_code == 3);
  CHECK(failed.signal == 0);
  CHECK(failed.output == "out\nerr\nout again\n");
  CHECK_FALSE(failed.output_cut);
  CHECK_FALSE(failed.timed_out);
  CHECK(failed.failure_reason() == "exited with code 3");

  const run_result passed = run_sh("echo fine", quick_limits(), options);
  CHECK(passed.exit_code == 0);
  CHECK(passed.output == "fine\n");
  CHECK(passed.failure_reason().empty());
}

TEST_CASE("a command killed by a signal is reported with the signal's number and name", "[grader][sandbox]") {
  const bool with_bwrap = GENERATE(false, true);
  if (with_bwrap && !bwrap_works()) return;
  sandbox_options options;
  options.use_bwrap = with_bwrap;

  const run_result r = run_sh("echo before; kill -SEGV $$", quick_limits(), options);
  CHECK(r.signal == 11);
  CHECK(r.exit_code == -1);
  CHECK(r.output == "before\n");
  CHECK(r.failure_reason() == "killed by signal 11 (Segmentation fault)");
}

TEST_CASE("the command gets the environment overrides, an empty stdin and no file descriptors of ours",
          "[grader][sandbox]") {
  const bool with_bwrap = GENERATE(false, true);
  if (with_bwrap && !bwrap_works()) return;
  // A descriptor without close-on-exec, as careless caller code would leave one.
  const int leaked = ::open("/dev/null", O_RDONLY);
  REQUIRE(leaked >= 0);
  sandbox_options options;
  options.use_bwrap = with_bwrap;
  options.env = {{"WS_SANDBOX_TEST", "42"}, {"PATH", "/usr/bin:/bin"}};

  // `cat` would wait for ever on an inherited terminal or pipe; /proc/self/fd lists ls's own 0, 1, 2 and its
  // directory handle, and nothing else.
  const run_result r = run_sh("cat; echo \"[$WS_SANDBOX_TEST]\"; ls /proc/self/fd | wc -l", quick_limits(), options);
  ::close(leaked);
  CHECK(r.exit_code == 0);
  CHECK(r.output == "[42]\n4\n");
}

TEST_CASE("a command that cannot be started is reported in the result, and a bad request throws",
          "[grader][sandbox]") {
  sandbox_options options;
  options.use_bwrap = false;
  const run_result missing = run_limited({"ws-sandbox-no-such-command"}, quick_limits(), options);
  CHECK(missing.exit_code == 127);
  CHECK_THAT(missing.start_error, Contains("ws-sandbox-no-such-command") && Contains("not found"));
  CHECK(missing.failure_reason() == missing.start_error);

  const scratch_dir scratch("not_executable");
  const fs::path text = scratch / "notes.txt";
  std::ofstream(text) << "not a program\n";
  fs::permissions(text, fs::perms::owner_read | fs::perms::owner_write);
  const run_result not_executable = run_limited({text.string()}, quick_limits(), options);
  CHECK(not_executable.exit_code == 127);
  CHECK_THAT(not_executable.start_error, Contains("exec " + text.string()) && Contains("Permission denied"));

  CHECK_THROWS_AS(run_limited({}, quick_limits(), options), std::invalid_argument);
  run_limits no_wall_limit = quick_limits();
  no_wall_limit.wall_seconds = 0;
  CHECK_THROWS_AS(run_limited({"true"}, no_wall_limit, options), std::invalid_argument);
  options.hidden = {text};  // a file cannot be covered by a tmpfs
  CHECK_THROWS_AS(run_limited({"true"}, quick_limits(), options), std::invalid_argument);
  options.hidden.clear();
  options.writable = {scratch / "missing"};
  CHECK_THROWS_AS(run_limited({"true"}, quick_limits(), options), std::invalid_argument);
  options.writable.clear();
  options.workdir = "/ws-sandbox-no-such-folder";
  CHECK_THROWS_AS(run_limited({"true"}, quick_limits(), options), std::invalid_argument);
}

// --- the limits ------------------------------------------------------------------------------------------------------

TEST_CASE("a command that sleeps past the wall limit is killed on time with a readable reason", "[grader][sandbox]") {
  const bool with_bwrap = GENERATE(false, true);
  if (with_bwrap && !bwrap_works()) return;
  sandbox_options options;
  options.use_bwrap = with_bwrap;
  run_limits limits = quick_limits();
  limits.wall_seconds = 0.5;

  const run_result r = run_sh("echo started; sleep 100", limits, options);
  CHECK(r.timed_out);
  CHECK(r.signal == 9);
  CHECK(r.output == "started\n");
  CHECK(r.wall_seconds >= 0.5);
  CHECK(r.wall_seconds < 1.5);
  CHECK(r.failure_reason() == "timed out after 0.5 s");
}

TEST_CASE("a busy loop is stopped by the CPU limit", "[grader][sandbox]") {
  const bool with_bwrap = GENERATE(false, true);
  if (with_bwrap && !bwrap_works()) return;
  sandbox_options options;
  options.use_bwrap = with_bwrap;
  run_limits limits = quick_limits();
  limits.cpu_seconds = 0.5;  // rounds up to 1 s
  limits.wall_seconds = 6;   // only a guard: on a busy machine 1 s of CPU takes longer

  const run_result r = run_sh("while :; do :; done", limits, options);
  CHECK(r.cpu_limit);
  CHECK_FALSE(r.timed_out);
  CHECK(r.signal == 24);  // SIGXCPU
  CHECK(r.failure_reason() == "used more than 1 s of CPU time");
}

TEST_CASE("a busy loop that ignores SIGXCPU is killed at the hard CPU limit and still reported as such",
          "[grader][sandbox]") {
  sandbox_options options;
  options.use_bwrap = false;
  run_limits limits = quick_limits();
  limits.cpu_seconds = 1;    // SIGXCPU at 1 s, SIGKILL at 2 s
  limits.wall_seconds = 8;  // only a guard: on a busy machine 2 s of CPU take longer

  const run_result r = run_sh("trap '' XCPU; while :; do :; done", limits, options);
  CHECK(r.signal == 9);
  CHECK_FALSE(r.timed_out);
  CHECK(r.cpu_limit);
  CHECK(r.failure_reason() == "used more than 1 s of CPU time");
}

TEST_CASE("a memory hog is killed by the memory limit", "[grader][sandbox]") {
  const bool with_bwrap = GENERATE(false, true);
  if (with_bwrap && !bwrap_works()) return;
  sandbox_options options;
  options.use_bwrap = with_bwrap;
  run_limits limits = quick_limits();
  limits.memory_bytes = 100ull << 20;
  limits.wall_seconds = 3;

  // tail keeps the last line in memory, and /dev/zero has no line ends: tail grows by ~1 GB/s. The memory is in a
  // grandchild, so only a sum over the whole tree sees it.
  const run_result r = run_sh("head -c 2000M /dev/zero | tail -n 1 > /dev/null; echo survived", limits, options);
  CHECK(r.out_of_memory);
  CHECK_FALSE(r.timed_out);
  CHECK(r.signal == 9);
  CHECK(r.output.find("survived") == std::string::npos);
  CHECK(r.wall_seconds < 2.0);
  CHECK(r.failure_reason() == "used more than 100 MB of memory");
}

TEST_CASE("limit_address_space makes allocations beyond the memory limit fail inside the command",
          "[grader][sandbox]") {
  sandbox_options options;
  options.use_bwrap = false;
  run_limits limits = quick_limits();
  limits.memory_bytes = 200ull << 20;
  limits.limit_address_space = true;

  // dd asks for its whole 300 MB buffer at once, so the allocation fails while almost nothing is resident (a
  // growing process could instead be caught by the polled limit first, since that one sums the whole tree).
  const run_result r = run_sh("dd if=/dev/zero of=/dev/null bs=300M count=1", limits, options);
  CHECK_FALSE(r.out_of_memory);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Contains("memory exhausted"));
}

TEST_CASE("an output flood is cut to its head and tail and the command still ends at the wall limit",
          "[grader][sandbox]") {
  const bool with_bwrap = GENERATE(false, true);
  if (with_bwrap && !bwrap_works()) return;
  sandbox_options options;
  options.use_bwrap = with_bwrap;
  run_limits limits = quick_limits();
  limits.wall_seconds = 0.5;
  limits.output_bytes = 64 << 10;

  const run_result flood = run_limited({"yes"}, limits, options);
  CHECK(flood.timed_out);
  CHECK(flood.output_cut);
  CHECK_THAT(flood.output, StartsWith("y\ny\ny\n") && Contains(" bytes cut ...]\ny\ny\n") && EndsWith("y\n"));
  CHECK(flood.output.size() <= (64u << 10) + 64);
  CHECK(flood.output.size() >= (64u << 10));

  // A finite flood: the kept text is exactly the first and the last 500 bytes, with the count of the rest.
  limits.wall_seconds = 5;
  limits.output_bytes = 1000;
  const run_result counted = run_sh("seq 1 200000", limits, options);
  CHECK(counted.exit_code == 0);
  CHECK(counted.output_cut);
  std::string all;
  for (int i = 1; i <= 200000; ++i) all += std::to_string(i) + "\n";
  const std::string head = all.substr(0, 500);
  const std::string tail = all.substr(all.size() - 500);
  const std::string middle = "[... " + std::to_string(all.size() - 1000) + " bytes cut ...]\n";
  CHECK(counted.output == head + (head.back() == '\n' ? "" : "\n") + middle + tail);
}

TEST_CASE("writing a file larger than the file limit is reported as file_limit", "[grader][sandbox]") {
  const bool with_bwrap = GENERATE(false, true);
  if (with_bwrap && !bwrap_works()) return;
  const scratch_dir scratch("file_limit");
  sandbox_options options;
  options.use_bwrap = with_bwrap;
  options.workdir = scratch.path();
  options.writable = {scratch.path()};
  run_limits limits = quick_limits();
  limits.file_bytes = 1 << 20;

  const run_result r = run_sh("exec head -c 2M /dev/zero > big", limits, options);
  CHECK(r.file_limit);
  CHECK(r.signal == 25);  // SIGXFSZ
  CHECK(fs::file_size(scratch / "big") == (1u << 20));
  CHECK(r.failure_reason() == "wrote a file larger than 1 MB");
}

// --- nothing is left behind ------------------------------------------------------------------------------------------

TEST_CASE("no process of a run survives it: background children and a double-forked setsid daemon are killed",
          "[grader][sandbox]") {
  const bool with_bwrap = GENERATE(false, true);
  const bool ends_by_timeout = GENERATE(false, true);
  if (with_bwrap && !bwrap_works()) return;
  sandbox_options options;
  options.use_bwrap = with_bwrap;
  run_limits limits = quick_limits();
  limits.wall_seconds = ends_by_timeout ? 1.0 : 5.0;

  // `sleep 1234567.<our pid><variant>` marks this run's processes (a variant that failed leaves its own marker);
  // the grep pattern does not match its own command line.
  const std::string fraction = std::to_string(::getpid()) + std::to_string(2 * with_bwrap + ends_by_timeout);
  const std::string seconds = "1234567." + fraction;
  const std::string script = "for i in $(seq 50); do sleep " + seconds + " & done\n" +
                             "( setsid sh -c 'sleep " + seconds + "; true' </dev/null >/dev/null 2>&1 & )\n" +
                             "sleep 0.3\n" +
                             "grep -las '[1]234567\\." + fraction + "' /proc/[0-9]*/cmdline | wc -l\n" +
                             (ends_by_timeout ? "sleep 100\n" : "exit 0\n");
  const run_result r = run_sh(script, limits, options);
  INFO(r.output);
  CHECK(r.timed_out == ends_by_timeout);
  // All 50 children and the daemon were running (the daemon's shell may show up too) ...
  CHECK(std::stoi(r.output) >= 51);
  // ... and none of them is now.
  CHECK(processes_with("sleep " + seconds + " ") == 0);
  CHECK(r.wall_seconds < limits.wall_seconds + 0.5);
}

TEST_CASE("run_limited can be called many times, also from several threads at once", "[grader][sandbox]") {
  sandbox_options options;
  options.use_bwrap = false;
  std::atomic<int> wrong{0};
  const std::string seconds = "1234568." + std::to_string(::getpid());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string word = std::to_string(t) + "-" + std::to_string(i);
        // Each run also leaves an orphan, which its own run must kill. A run that killed more than its own subtree
        // (say, every descendant of this process) would kill the other threads' commands mid-run: wrong results.
        const run_result r = run_sh("(sleep " + seconds + " &); echo " + word, quick_limits(), options);
        if (r.exit_code != 0 || r.output != word + "\n") ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(wrong == 0);
  CHECK(processes_with("sleep " + seconds + " ") == 0);
}

// --- users and the process limit (root only) ------------------------------------------------------------------------

TEST_CASE("drop_privileges runs the command as nobody", "[grader][sandbox]") {
  const bool with_bwrap = GENERATE(false, true);
  if (::geteuid() != 0) {
    WARN("not root, so there are no privileges to drop; not tested");
    return;
  }
  if (with_bwrap && !bwrap_works(true)) return;
  sandbox_options options;
  options.use_bwrap = with_bwrap;
  options.drop_privileges = true;
  options.workdir = "/";

  const run_result r = run_sh("id -u; id -g; id -G", quick_limits(), options);
  CHECK(r.used_bwrap == with_bwrap);
  CHECK(r.exit_code == 0);
  CHECK(r.output == "65534\n65534\n65534\n");
}

TEST_CASE("the process limit stops a fork bomb of a command run as nobody (or as ourselves when not root)",
          "[grader][sandbox]") {
  const bool with_bwrap = GENERATE(false, true);
  if (with_bwrap && !bwrap_works(true)) return;
  sandbox_options options;
  options.use_bwrap = with_bwrap;
  options.drop_privileges = true;  // root ignores RLIMIT_NPROC; not root, this does nothing
  options.workdir = "/";
  run_limits limits = quick_limits();
  limits.processes = 8;

  const run_result r = run_sh("for i in $(seq 30); do sleep 5 & done; echo all started", limits, options);
  INFO(r.output);
  CHECK_THAT(r.output, Contains("fork"));
  CHECK(r.output.find("all started") == std::string::npos);
  CHECK_FALSE(r.timed_out);
}

// --- bubblewrap's view of the machine --------------------------------------------------------------------------------

TEST_CASE("with bwrap only the writable folders and a private /tmp can be written", "[grader][sandbox]") {
  if (!bwrap_works()) return;
  const scratch_dir scratch("writable");
  fs::create_directories(scratch / "ro");
  fs::create_directories(scratch / "rw");
  sandbox_options options;
  options.workdir = scratch.path();
  options.writable = {scratch / "rw"};
  const std::string tmp_name = "ws_sandbox_tests_private_" + std::to_string(::getpid());

  const run_result r = run_sh("{ echo x > ro/new; } 2>/dev/null && echo RO; echo x > rw/new && echo RW; "
                              "{ echo x > /etc/" + tmp_name + "; } 2>/dev/null && echo ETC; "
                              "echo x > /tmp/" + tmp_name + " && echo TMP",
                              quick_limits(), options);
  CHECK(r.used_bwrap);
  CHECK(r.output == "RW\nTMP\n");
  CHECK(fs::exists(scratch / "rw" / "new"));
  CHECK_FALSE(fs::exists(scratch / "ro" / "new"));
  CHECK_FALSE(fs::exists("/etc/" + tmp_name));
  CHECK_FALSE(fs::exists(fs::path("/tmp") / tmp_name));
}

TEST_CASE("with bwrap a hidden folder looks empty, also around and inside writable folders", "[grader][sandbox]") {
  if (!bwrap_works()) return;
  const scratch_dir scratch("hidden");
  fs::create_directories(scratch / "secret" / "out");
  std::ofstream(scratch / "secret" / "answer.txt") << "42\n";

  SECTION("a writable folder inside a hidden one stays writable") {
    sandbox_options options;
    options.workdir = scratch.path();
    // Listed child first: the sandbox must still mount the hidden parent before it.
    options.writable = {scratch / "secret" / "out"};
    options.hidden = {scratch / "secret"};
    // The hidden folder's tmpfs is read-only: no place for files that live in memory.
    const run_result r = run_sh("ls -A secret; cat secret/answer.txt 2>/dev/null && echo LEAKED; "
                                "{ echo x > secret/planted; } 2>/dev/null && echo PLANTED; "
                                "echo x > secret/out/result && echo WRITTEN",
                                quick_limits(), options);
    CHECK(r.output == "out\nWRITTEN\n");
    CHECK(fs::exists(scratch / "secret" / "out" / "result"));
  }
  SECTION("a hidden folder inside a writable one stays hidden") {
    sandbox_options options;
    options.workdir = scratch.path();
    options.hidden = {scratch / "secret"};
    options.writable = {scratch.path()};
    const run_result r = run_sh("ls -A secret | wc -l; cat secret/answer.txt 2>/dev/null && echo LEAKED; "
                                "echo x > here && echo WRITTEN",
                                quick_limits(), options);
    CHECK(r.output == "0\nWRITTEN\n");
    CHECK(fs::exists(scratch / "here"));
    CHECK(read_file(scratch / "secret" / "answer.txt") == "42\n");
  }
}

TEST_CASE("with bwrap a writable folder under /tmp works", "[grader][sandbox]") {
  if (!bwrap_works()) return;
  const scratch_dir scratch("under_tmp", true);
  sandbox_options options;
  options.workdir = scratch.path();
  options.writable = {scratch.path()};
  const run_result r = run_sh("echo x > made_inside && echo WRITTEN", quick_limits(), options);
  CHECK(r.output == "WRITTEN\n");
  CHECK(fs::exists(scratch / "made_inside"));
}

TEST_CASE("with bwrap a readable folder under /tmp stays visible and read-only, its hidden part covered",
          "[grader][sandbox]") {
  // A checkout cloned into /tmp: the build reads it, writes only its build folder, and never sees solutions/.
  if (!bwrap_works()) return;
  const scratch_dir checkout("checkout_in_tmp", true);
  fs::create_directories(checkout / "solutions");
  fs::create_directories(checkout / "build");
  std::ofstream(checkout / "CMakeLists.txt") << "project\n";
  std::ofstream(checkout / "solutions" / "answer.txt") << "42\n";
  sandbox_options options;
  options.workdir = checkout / "build";
  options.readable = {checkout.path()};
  options.writable = {checkout / "build"};
  options.hidden = {checkout / "solutions"};
  const run_result r = run_sh("cat ../CMakeLists.txt; ls -A ../solutions | wc -l; (echo x > ../mine) 2>/dev/null || "
                              "echo READ-ONLY; echo y > made && echo WRITTEN",
                              quick_limits(), options);
  CHECK(r.output == "project\n0\nREAD-ONLY\nWRITTEN\n");
  CHECK_FALSE(fs::exists(checkout / "mine"));
  CHECK(fs::exists(checkout / "build" / "made"));
}

TEST_CASE("with bwrap the command has no network interface but lo", "[grader][sandbox]") {
  if (!bwrap_works()) return;
  sandbox_options options;
  const run_result r = run_limited({"cat", "/proc/net/dev"}, quick_limits(), options);
  REQUIRE(r.exit_code == 0);
  std::set<std::string> interfaces;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::size_t first = line.find_first_not_of(' ');
    interfaces.insert(line.substr(first, colon - first));
  }
  CHECK(interfaces == std::set<std::string>{"lo"});
}

TEST_CASE("with bwrap and allow_gpu_devices the NVIDIA device nodes that exist are visible", "[grader][sandbox]") {
  if (!bwrap_works()) return;
  std::string script = "test -e /dev/null";
  int devices = 0;
  std::error_code ec;
  for (fs::directory_iterator it("/dev", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind("nvidia", 0) != 0) continue;
    script += " && test -e " + it->path().string();
    ++devices;
  }
  if (devices == 0) WARN("no /dev/nvidia* here: only checked that allow_gpu_devices does no harm");
  sandbox_options options;
  options.allow_gpu_devices = true;
  const run_result with_devices = run_sh(script, quick_limits(), options);
  CHECK(with_devices.exit_code == 0);
  if (devices > 0) {
    options.allow_gpu_devices = false;  // and without the option they are not there
    CHECK(run_sh(script, quick_limits(), options).exit_code != 0);
  }
}

// --- issue 11: isolation by construction -----------------------------------------------------------------------------

TEST_CASE("a minimal_root view shows the system folders and the run's own paths, nothing else", "[grader][sandbox]") {
  if (!bwrap_works()) return;
  // Under /tmp, so that no folder of the view's own paths lies under /work or /home.
  const scratch_dir scratch("view", true);
  const scratch_dir outside("view_outside", true);
  std::ofstream(outside / "secret.txt") << "42\n";
  sandbox_options options;
  options.minimal_root = true;
  options.workdir = scratch.path();
  options.writable = {scratch.path()};

  SECTION("secrets, homes, other folders and the caller's own checkout are not there") {
    const std::string probe = " >/dev/null 2>&1 && echo ";
    std::string script = "cat /etc/shadow" + probe + "SHADOW; cat /etc/passwd" + probe + "PASSWD; " +
                         "cat " + (outside / "secret.txt").string() + probe + "OUTSIDE; " +
                         "ls " + fs::read_symlink("/proc/self/exe").parent_path().string() + probe + "TESTS; ";
    // Each alone: `ls` fails only when all are missing. The folder the scratch folder itself is in (the temp folder
    // may be anywhere) exists in the view, holding only the path to it.
    const std::string own_top = "/" + (++scratch.path().begin())->string();
    for (const std::string folder : {"/root", "/home", "/work", "/var", "/opt", "/srv", "/mnt", "/media", "/run"}) {
      if (folder != own_top) script += "ls " + folder + probe + folder + "; ";
    }
    const run_result r = run_sh(script + "echo done", quick_limits(), options);
    INFO(r.output);
    CHECK(r.used_bwrap);
    CHECK(r.output == "done\n");
  }
  SECTION("the root and /dev are read-only, the writable folder is not") {
    const run_result r = run_sh("{ echo x > /planted; } 2>/dev/null && echo ROOT; { echo x > /dev/planted; } "
                                "2>/dev/null && echo DEV; echo x > mine && echo MINE",
                                quick_limits(), options);
    CHECK(r.output == "MINE\n");
    CHECK(fs::exists(scratch / "mine"));
  }
  SECTION("a compiler builds and runs a dynamically linked program in it") {
    std::ofstream(scratch / "hello.c") << "#include <stdio.h>\nint main(void) { puts(\"hello\"); return 0; }\n";
    const run_result r = run_sh("cc hello.c -o hello && ./hello", quick_limits(), options);
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK(r.output == "hello\n");
  }
}

TEST_CASE("in a minimal_root view /tmp and /dev/shm are folders of the first writable path, not memory",
          "[grader][sandbox]") {
  if (!bwrap_works(true)) return;
  const scratch_dir scratch("view_temp");
  sandbox_options options;
  options.minimal_root = true;
  options.drop_privileges = true;  // the folders are open to other users, like /tmp
  options.workdir = scratch.path();
  options.writable = {scratch.path()};
  const run_result r = run_sh("echo a > /tmp/a && echo b > /dev/shm/b && echo $TMPDIR", quick_limits(), options);
  CHECK(r.output == "/tmp\n");
  CHECK(read_file(scratch / ".tmp" / "a") == "a\n");
  CHECK(read_file(scratch / ".shm" / "b") == "b\n");
  CHECK((fs::status(scratch / ".tmp").permissions() & fs::perms::all) == fs::perms::all);

  // A symlink left there by an earlier run is replaced, never followed.
  const scratch_dir target("view_temp_target");
  fs::permissions(target.path(), fs::perms::owner_all);
  fs::remove_all(scratch / ".shm");
  fs::create_directory_symlink(target.path(), scratch / ".shm");
  CHECK(run_sh("echo c > /dev/shm/c", quick_limits(), options).exit_code == 0);
  CHECK(fs::is_directory(fs::symlink_status(scratch / ".shm")));
  CHECK((fs::status(target.path()).permissions() & fs::perms::all) == fs::perms::owner_all);
  CHECK_FALSE(fs::exists(target / "c"));
}

TEST_CASE("masked files and folders cannot be opened, through every symlink that leads to them",
          "[grader][sandbox]") {
  const bool minimal_root = GENERATE(false, true);
  if (!bwrap_works()) return;
  const scratch_dir scratch("masked");
  fs::create_directories(scratch / "lib" / "private");
  std::ofstream(scratch / "lib" / "libforbidden.so.0.3") << "ELF?\n";
  fs::create_symlink("libforbidden.so.0.3", scratch / "lib" / "libforbidden.so.0");
  fs::create_symlink("libforbidden.so.0", scratch / "lib" / "libforbidden.so");
  std::ofstream(scratch / "lib" / "private" / "notes.txt") << "42\n";
  std::ofstream(scratch / "lib" / "allowed.txt") << "fine\n";
  sandbox_options options;
  options.minimal_root = minimal_root;
  options.workdir = scratch.path();
  options.readable = {scratch.path()};
  options.masked = {scratch / "lib" / "libforbidden.so", scratch / "lib" / "private", scratch / "no-such-file"};
  const run_result r = run_sh("for f in lib/libforbidden.so lib/libforbidden.so.0 lib/libforbidden.so.0.3 "
                              "lib/private/notes.txt; do cat $f >/dev/null 2>&1 && echo OPENED $f; done; "
                              "ls -A lib/private | wc -l; cat lib/allowed.txt",
                              quick_limits(), options);
  CHECK(r.output == "0\nfine\n");

  // The case that motivates it: a library a lab may not use (here only when the machine has it).
  const fs::path openblas = "/usr/lib/x86_64-linux-gnu/libopenblas.so.0";
  if (fs::exists(openblas)) {
    options.masked = {openblas};
    CHECK(run_sh("cat " + openblas.string() + " >/dev/null", quick_limits(), options).exit_code != 0);
    options.masked.clear();
    CHECK(run_sh("cat " + openblas.string() + " >/dev/null", quick_limits(), options).exit_code == 0);
  }
}

TEST_CASE("clear_env gives the command a fixed environment, none of the caller's", "[grader][sandbox]") {
  const bool with_bwrap = GENERATE(false, true);
  if (with_bwrap && !bwrap_works()) return;
  ::setenv("WS_SECRET_TOKEN", "hunter2", 1);
  const scratch_dir scratch("clear_env");
  sandbox_options options;
  options.use_bwrap = with_bwrap;
  options.clear_env = true;
  options.workdir = scratch.path();
  options.writable = {scratch.path()};  // visible wherever the scratch folder is, /tmp included
  options.env = {{"WS_ALLOWED", "yes"}};
  const run_result r = run_limited({"env"}, quick_limits(), options);
  ::unsetenv("WS_SECRET_TOKEN");
  REQUIRE(r.exit_code == 0);
  std::set<std::string> lines;
  std::istringstream text(r.output);
  for (std::string line; std::getline(text, line);) lines.insert(line);
  lines.erase("PWD=" + scratch.path().string());  // bwrap's --chdir sets it, harmlessly
  std::string path = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  if (fs::is_directory("/usr/local/cuda/bin")) path += ":/usr/local/cuda/bin";
  CHECK(lines == std::set<std::string>{path, "LANG=C.UTF-8", "HOME=" + scratch.path().string(), "TMPDIR=/tmp",
                                       "WS_ALLOWED=yes"});
  CHECK_THAT(r.output, !Contains("hunter2"));

  // A minimal_root view's TMPDIR: its /tmp inside bwrap, else the folder that stands for it.
  options.minimal_root = true;
  const std::string tmpdir = with_bwrap ? "/tmp" : (scratch / ".tmp").string();
  CHECK(run_sh("echo $TMPDIR", quick_limits(), options).output == tmpdir + "\n");
  options.minimal_root = false;

  // And without clear_env the caller's environment still passes (today's behaviour).
  ::setenv("WS_SECRET_TOKEN", "hunter2", 1);
  options.clear_env = false;
  const run_result inherited = run_limited({"env"}, quick_limits(), options);
  ::unsetenv("WS_SECRET_TOKEN");
  CHECK_THAT(inherited.output, Contains("WS_SECRET_TOKEN=hunter2"));
}

TEST_CASE("run_as_uid runs the build and the tests as two users, so a test cannot change the build's files",
          "[grader][sandbox]") {
  const bool with_bwrap = GENERATE(false, true);
  if (::geteuid() != 0) {
    WARN("not root, so there is no other user to run as; not tested");
    return;
  }
  if (with_bwrap && (!bwrap_works(true) || !ws_grade::bwrap_unavailable_reason_for_uid(65533).empty())) return;
  const scratch_dir scratch("run_as");
  sandbox_options builder;
  builder.use_bwrap = with_bwrap;
  builder.run_as_uid = 65533;
  builder.workdir = scratch.path();
  builder.writable = {scratch.path()};
  const run_result built = run_sh("id -u; id -g; id -G; echo built > artifact", quick_limits(), builder);
  CHECK(built.output == "65533\n65533\n65533\n");
  CHECK(fs::exists(scratch / "artifact"));

  sandbox_options tester = builder;
  tester.run_as_uid = 65534;
  tester.run_as_gid = 65534;
  const run_result tested = run_sh("id -u; { echo changed > artifact; } 2>/dev/null || echo REFUSED", quick_limits(),
                                   tester);
  CHECK(tested.output == "65534\nREFUSED\n");
  CHECK(read_file(scratch / "artifact") == "built\n");
}

// --- issue 11: what a run may write and hold -------------------------------------------------------------------------

TEST_CASE("writing more than written_bytes in all, across many files, is stopped with a readable reason",
          "[grader][sandbox]") {
  const int variant = GENERATE(0, 1, 2);  // no bwrap, bwrap, bwrap with a minimal_root view writing to /dev/shm
  if (variant > 0 && !bwrap_works()) return;
  const scratch_dir scratch("written_" + std::to_string(variant));
  sandbox_options options;
  options.use_bwrap = variant > 0;
  options.minimal_root = variant == 2;
  options.workdir = scratch.path();
  options.writable = {scratch.path()};
  run_limits limits = quick_limits();
  limits.written_bytes = 100ull << 20;
  limits.file_bytes = 16ull << 20;  // each file stays under the per-file limit: only the total can stop this

  // 1 GB as 100 files of 10 MB.
  const std::string folder = variant == 2 ? "/dev/shm" : ".";
  const run_result r = run_sh("for i in $(seq 100); do head -c 10M /dev/zero > " + folder + "/f$i || exit 1; done; "
                              "echo survived",
                              limits, options);
  INFO(r.output);
  CHECK(r.write_limit);
  CHECK_FALSE(r.file_limit);
  CHECK(r.signal == 9);
  CHECK(r.output.find("survived") == std::string::npos);
  CHECK(r.written_bytes > (100ull << 20));
  CHECK(r.written_bytes < (400ull << 20));
  CHECK(r.failure_reason() == "wrote more than 100 MB in all");
  if (variant == 2) CHECK(fs::exists(scratch / ".shm" / "f1"));

  // A file deleted while still open is no longer in any folder, but its blocks are still written.
  limits.file_bytes = 0;
  const run_result hidden = run_sh("exec 3> big; rm big; head -c 1000M /dev/zero >&3; echo survived", limits, options);
  CHECK(hidden.write_limit);
  CHECK(hidden.output.find("survived") == std::string::npos);

  // What was there before the run does not count.
  limits.written_bytes = 1ull << 20;
  const run_result again = run_sh("echo small > note", limits, options);
  CHECK(again.exit_code == 0);
  CHECK_FALSE(again.write_limit);
  CHECK(again.written_bytes < (1ull << 20));
}

TEST_CASE("memory written to a tmpfs counts against the memory limit where a memory cgroup can be made",
          "[grader][sandbox]") {
  if (!bwrap_works()) return;
  const ws_grade::memory_accounting accounting = ws_grade::memory_accounting_available();
  if (accounting == ws_grade::memory_accounting::rss_polling) {
    WARN("no memory cgroup can be made here, so tmpfs is not counted (minimal_root and written_bytes cover it)");
    return;
  }
  // Without minimal_root, /dev/shm is bwrap's own tmpfs: in no process's RSS, only the cgroup sees it.
  sandbox_options options;
  run_limits limits = quick_limits();
  limits.memory_bytes = 256ull << 20;
  limits.file_bytes = 0;
  limits.wall_seconds = 10;
  // (Which process the kernel's OOM killer picks is its choice: the shell may live long enough to say more.)
  const run_result r = run_sh("head -c 1000M /dev/zero > /dev/shm/fill", limits, options);
  INFO(r.output);
  CHECK(r.memory == accounting);
  CHECK(r.out_of_memory);
  CHECK(r.wall_seconds < 5);
  CHECK(r.failure_reason() == "used more than 256 MB of memory");

  // The old accounting still exists, and says so.
  options.memory_cgroup = false;
  limits.memory_bytes = 64ull << 20;
  CHECK(run_sh("true", limits, options).memory == ws_grade::memory_accounting::rss_polling);
  limits.memory_bytes = 0;
  CHECK(run_sh("true", limits, options).memory == ws_grade::memory_accounting::none);
  CHECK(std::string(ws_grade::to_string(accounting)).rfind("cgroup v", 0) == 0);
}

TEST_CASE("without a memory cgroup, files in bwrap's private tmpfs still count against the memory limit",
          "[grader][sandbox]") {
  if (!bwrap_works()) return;
  sandbox_options options;
  options.memory_cgroup = false;  // as on a machine without cgroups
  run_limits limits = quick_limits();
  limits.memory_bytes = 256ull << 20;
  limits.file_bytes = 0;
  limits.wall_seconds = 10;
  // The last one deletes its file but keeps it open, as memfd_create() does: no folder shows it.
  for (const std::string script : {"head -c 1000M /dev/zero > /tmp/fill", "head -c 1000M /dev/zero > /dev/shm/fill",
                                   "exec 3> /tmp/fill; rm /tmp/fill; head -c 1000M /dev/zero >&3"}) {
    const run_result r = run_sh(script + "; echo survived", limits, options);
    INFO(script << ": " << r.output);
    CHECK(r.memory == ws_grade::memory_accounting::rss_polling);
    CHECK(r.out_of_memory);
    CHECK(r.output.find("survived") == std::string::npos);
    CHECK(r.failure_reason() == "used more than 256 MB of memory");
  }
}
