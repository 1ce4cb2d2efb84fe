/// @file grade.cpp
/// @brief Grading one submission: read, stage, build in the sandbox, run each test case, check its witnesses against
/// the reference solution's, time on a GPU, score.
#include "grade.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <ostream>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "archive.hpp"
#include "output.hpp"
#include "sandbox.hpp"
#include "sanitizer_report.hpp"
#include "test_report.hpp"
#include "witness.hpp"
#include "workspace.hpp"

namespace ws_grade {

namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

/// Reads a file a learner's process wrote, without following a link it may have put there and without reading more
/// than `max_bytes`; std::nullopt when it is missing, not a plain file or too large.
std::optional<std::string> read_untrusted(const fs::path& file, std::uint64_t max_bytes) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return std::nullopt;
  }
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  bytes.resize(done);
  return bytes;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Catch2's report of a run (tools/test_report: the one reader of test results)

/// A report larger than this is not read (a passing test case writes a few hundred bytes).
constexpr std::uint64_t k_max_report_bytes = 64ull << 20;

/// The arguments that run exactly the test case `name` and write Catch2's XML report to the file `report` (not to
/// stdout, where the learner's printf would mix into it).
std::vector<std::string> catch2_args(const std::string& name, const fs::path& report) {
  return {catch2_test_spec(name), "--reporter", "xml", "--order", "decl", "--out", report.string()};
}

/// The report a run wrote: the learner's process may write or forge it, so it is only data (a forged pass still
/// needs the witnesses); a missing, linked or oversized file reads as a run that never started.
ws_report::test_report read_catch2_report(const fs::path& file) {
  return ws_report::parse_catch2_xml(read_untrusted(file, k_max_report_bytes).value_or(""));
}

/// Catch2's part of the verdict: the process exited 0, its report is whole, and the test case named exactly `name`
/// is in it and passed.
bool catch2_passed(const run_result& r, const ws_report::test_report& report, const std::string& name) {
  const ws_report::test_case_result* c = report.find(name);
  return r.exit_code == 0 && report.complete && c != nullptr && c->passed;
}

/// The failed checks of the test case `name`, one line each (at most 8), for the learner's per-test output.
std::string failed_checks_text(const ws_report::test_report& report, const std::string& name) {
  const ws_report::test_case_result* c = report.find(name);
  if (c == nullptr || c->failures.empty()) return "";
  std::string text = "Failed checks:\n";
  for (std::size_t i = 0; i < c->failures.size() && i < 8; ++i) text += "  " + ws_report::describe_check(c->failures[i]) + "\n";
  if (c->failure_count > 8) text += "  ... and " + std::to_string(c->failure_count - 8) + " more\n";
  return text;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::string format_seconds(double s) {
  std::ostringstream out;
  out.precision(s < 10 ? 2 : 3);
  out << s;
  return out.str();
}

/// One grading at a time per build folder: the graded tree has one set of file names.
class build_lock {
public:
  explicit build_lock(const fs::path& build, std::ostream& log) {
    fd_ = ::open((build / ".grade.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) throw std::runtime_error("cannot open " + (build / ".grade.lock").string());
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      log << "    waiting for another grading in " << build.string() << " to finish...\n" << std::flush;
      ::flock(fd_, LOCK_EX);
    }
  }
  ~build_lock() { ::close(fd_); }
  build_lock(const build_lock&) = delete;
  build_lock& operator=(const build_lock&) = delete;

private:
  int fd_ = -1;
};

/// A folder under $TMPDIR, removed at the end. `owner` >= 0 (when we are root): handed to that user, mode 0700
/// (a test's scratch folder); otherwise ours, with `mode` (0755: binaries the test user may run but not change).
class temp_folder {
public:
  temp_folder(const char* prefix, int owner, mode_t mode) {
    std::string templ = (fs::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("cannot create a folder in " + templ);
    path_ = templ;
    ::chmod(path_.c_str(), mode);
    if (owner >= 0 && ::geteuid() == 0 && ::chown(path_.c_str(), owner, owner) != 0) {
      throw std::runtime_error("cannot hand " + path_.string() + " to the unprivileged user");
    }
  }
  ~temp_folder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  temp_folder(const temp_folder&) = delete;
  temp_folder& operator=(const temp_folder&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

private:
  fs::path path_;
};

bool is_cpu_only(const manifest& m) {
  return std::none_of(m.files.begin(), m.files.end(), [](const std::string& f) { return f.ends_with(".cu"); });
}

bool is_root() { return ::geteuid() == 0; }

// ---------------------------------------------------------------------------------------------------------------
// The lab, its workspace, and the submission's files in it

struct lab_context {
  manifest m;
  std::string lab;        // "lab01"
  fs::path solutions;     // root/solutions/NN_name
  graded_workspace ws;    // where submissions are compiled (workspace.hpp)
  fs::path graded;        // ws.build/graded/NN_name: the submission's files
  bool cpu_only = false;
};

lab_context load_lab(const grade_options& options) {
  lab_context ctx;
  ctx.solutions = options.root / "solutions" / options.lab_folder;
  ctx.m = load_manifest(ctx.solutions / "lab.json");
  ctx.lab = "lab" + ctx.m.lab;
  ctx.ws = workspace_for(options.build);
  ctx.graded = ctx.ws.build / "graded" / options.lab_folder;
  ctx.cpu_only = is_cpu_only(ctx.m);
  return ctx;
}

/// Reads the submission; fills report.verdict/reason when it must be rejected. Returns the files in manifest order.
std::vector<submitted_file> read_files(const lab_context& ctx, const submission_source& source, grade_report& report) {
  std::vector<std::string> wanted = ctx.m.files;
  if (source.is_archive) wanted.push_back("submission.json");
  read_result r;
  try {
    r = source.is_archive ? read_submission_archive(source.path, wanted) : read_submission_folder(source.path, wanted);
  } catch (const rejected_submission& e) {
    report.verdict = "rejected";
    report.reason = e.what();
    return {};
  } catch (const std::exception& e) {
    report.verdict = "rejected";
    report.reason = std::string("cannot read the submission: ") + e.what();
    return {};
  }
  std::vector<std::string> missing;
  for (const std::string& name : r.missing) {
    if (name != "submission.json") missing.push_back(name);
  }
  if (!missing.empty()) {
    report.verdict = "rejected";
    report.reason = "the submission lacks " + join(missing) + " (a submission holds: " + join(ctx.m.files) + ")";
    return {};
  }
  // A folder (the learner's labs/NN_name, an upload) holds READMEs and headers; only an archive's extras are news.
  if (source.is_archive) {
    for (const std::string& name : r.ignored) report.notes.push_back("ignored " + name + " (not a file this lab grades)");
  }
  std::vector<submitted_file> files;
  for (submitted_file& f : r.files) {
    if (f.name != "submission.json") {
      files.push_back(std::move(f));
      continue;
    }
    try {
      const nlohmann::json meta = nlohmann::json::parse(f.contents);
      const std::string sha = meta.value("manifest_sha256", "");
      if (meta.value("lab", "") != ctx.m.lab) {
        report.notes.push_back("submission.json says lab " + meta.value("lab", "?") + ", graded as lab " + ctx.m.lab);
      } else if (sha != ctx.m.sha256) {
        report.notes.push_back("made for another version of this lab's manifest (graded with today's)");
      }
    } catch (const std::exception&) {
      report.notes.push_back("submission.json is not valid JSON (ignored)");
    }
  }
  return files;
}

/// Writes the pristine headers and `files` into the graded tree (as the build user's files). With no files: empty
/// placeholders for the lab's sources, which is what the graded tree holds between gradings, so no submission can
/// read another's.
void stage(const lab_context& ctx, const std::vector<submitted_file>& files) {
  fs::create_directories(ctx.graded);
  for (const fs::directory_entry& e : fs::directory_iterator(ctx.solutions)) {
    const std::string name = e.path().filename().string();
    const bool header = name.ends_with(".h") || name.ends_with(".hpp") || name.ends_with(".cuh");
    const bool submitted = std::find(ctx.m.files.begin(), ctx.m.files.end(), name) != ctx.m.files.end();
    if (header && !submitted && e.is_regular_file()) write_if_different(ctx.graded / name, read_text(e.path()));
  }
  for (const std::string& name : ctx.m.files) {
    const auto it = std::find_if(files.begin(), files.end(), [&](const submitted_file& f) { return f.name == name; });
    write_if_different(ctx.graded / name, it == files.end() ? std::string() : it->contents);
  }
  if (ctx.ws.separate_users) chown_tree(ctx.graded, k_build_uid);
}

/// Deletes what the build made from a submission's files (the lab library's translated sources and objects, the
/// library, the linked binaries), so the next submission's build cannot read, `.incbin` or run it. What is ours (the
/// test file's object, the CPU backend) stays.
void scrub_submission_outputs(const lab_context& ctx) {
  const std::string prefix = ctx.lab + "_graded";
  const fs::path tests = ctx.ws.build / "tests";
  std::error_code ec;
  for (const fs::path& dir : {tests, tests / "cudacpu", tests / "CMakeFiles"}) {
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const bool derived = name.starts_with(prefix) || name.starts_with("lib" + prefix);
      const bool ours = name.ends_with("_tests.dir") || name.ends_with("_perf.dir");  // the test files' objects
      if (derived && !ours) {
        std::error_code remove_ec;
        fs::remove_all(it->path(), remove_ec);
      }
    }
  }
}

/// Puts the placeholders back and scrubs what was built from the submission when a grading ends, however it ends.
class staged_submission {
public:
  /// Also scrubs before: prepare() built the placeholders' objects (the test's object waits for the lab's library),
  /// and a file written within the same clock tick as those would not look newer to ninja.
  staged_submission(const lab_context& ctx, const std::vector<submitted_file>& files) : ctx_(ctx) {
    stage(ctx, files);
    scrub_submission_outputs(ctx);
  }
  ~staged_submission() {
    try {
      stage(ctx_, {});
      scrub_submission_outputs(ctx_);
    } catch (const std::exception&) {
      // the next grading stages over it anyway
    }
  }
  staged_submission(const staged_submission&) = delete;
  staged_submission& operator=(const staged_submission&) = delete;

private:
  const lab_context& ctx_;
};

// ---------------------------------------------------------------------------------------------------------------
// Sandboxes

std::string isolation_description(const grade_options& options) {
  const std::string why = !options.use_bwrap ? "turned off"
                          : is_root()        ? bwrap_unavailable_reason_for_uid(static_cast<int>(k_test_uid))
                                             : bwrap_unavailable_reason(false);
  if (why.empty()) {
    return is_root() ? "bubblewrap (only the compiler, the libraries and its own files visible) + separate users + "
                       "rlimits"
                     : "bubblewrap (only the compiler, the libraries and its own files visible) + rlimits";
  }
  if (is_root()) {
    return "separate users + file permissions + rlimits (bubblewrap unavailable: " + why +
           "): the reference and other submissions are unreadable, the rest of the system is visible";
  }
  return "NOT ISOLATED: rlimits only (bubblewrap unavailable: " + why +
         ", and not root, so no separate users): the submission's code could read every file you can. Grade "
         "untrusted work as root or where bubblewrap works";
}

/// The sandbox line of every report: the isolation, and how memory is counted (a cgroup counts tmpfs and page cache).
std::string sandbox_description(const grade_options& options) {
  return isolation_description(options) + "; memory counted by " + to_string(memory_accounting_available());
}

/// The compute libraries the sandbox hides from a submission: every BLAS, LAPACK, cuBLAS, cuDNN, oneDNN, NCCL and
/// PyTorch file in the library folders, except those the lab's manifest allows.
std::vector<fs::path> forbidden_libraries(const manifest& m) {
  const bool cublas = std::find(m.libraries.begin(), m.libraries.end(), "cublas") != m.libraries.end();
  std::vector<std::string> prefixes = {"libopenblas", "libblas", "libcblas", "liblapack", "libmkl", "libblis",
                                       "libatlas", "libdnnl", "libmkldnn", "libcudnn", "libnccl", "libtorch",
                                       "libc10", "libcusparse", "libcusolver", "libcufft", "libcurand"};
  if (!cublas) prefixes.insert(prefixes.end(), {"libcublas", "libnvblas"});
  std::vector<fs::path> found;
  for (const char* dir : {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib", "/usr/lib64",
                          "/usr/local/lib", "/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib"}) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const bool match = std::any_of(prefixes.begin(), prefixes.end(),
                                     [&](const std::string& p) { return name.starts_with(p); }) ||
                         name.starts_with("openblas") || name.starts_with("blas") || name.starts_with("lapack");
      if (match) found.push_back(it->path());
    }
  }
  return found;
}

/// What every untrusted step shares: the minimal view (system folders only, the forbidden libraries masked), a
/// scrubbed environment, rlimits.
sandbox_options untrusted_sandbox(const grade_options& options, const lab_context& ctx, uid_t user) {
  sandbox_options s;
  const std::string no_bwrap =
      is_root() ? bwrap_unavailable_reason_for_uid(static_cast<int>(user)) : bwrap_unavailable_reason(false);
  s.use_bwrap = options.use_bwrap && no_bwrap.empty();
  s.minimal_root = true;
  s.clear_env = true;
  s.masked = forbidden_libraries(ctx.m);
  if (is_root()) s.run_as_uid = user;
  return s;
}

/// Where the learner's binaries run: as the test user, in a scratch folder, seeing the binaries' folder and the system.
/// Leak reports are off: a leak is not what a test grades.
sandbox_options run_sandbox(const grade_options& options, const lab_context& ctx, const fs::path& binaries,
                            const fs::path& scratch, bool on_gpu) {
  sandbox_options s = untrusted_sandbox(options, ctx, k_test_uid);
  s.workdir = scratch;
  s.writable.push_back(scratch);
  s.readable.push_back(binaries);
  s.allow_gpu_devices = on_gpu;
  s.env = {{"ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0:symbolize=1"}, {"HOME", scratch.string()}};
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Building

std::vector<std::string> test_targets(const lab_context& ctx, bool gpu) {
  if (ctx.cpu_only) return {ctx.lab + "_graded_tests"};
  std::vector<std::string> t{ctx.lab + "_graded_cudacpu_tests"};
  if (gpu) t.push_back(ctx.lab + "_graded_cuda_tests");
  return t;
}

/// Builds the submission's `targets` in its workspace, as the build user, in the sandbox. Returns "" or the first
/// compiler error (or why the build was stopped).
std::string build_targets(const grade_options& options, const lab_context& ctx, const std::vector<std::string>& targets,
                          std::ostream& log) {
  std::vector<std::string> argv{"cmake", "--build", ctx.ws.build.string(), "--target"};
  argv.insert(argv.end(), targets.begin(), targets.end());
  sandbox_options s = untrusted_sandbox(options, ctx, k_build_uid);
  s.workdir = ctx.ws.build;
  s.writable.push_back(ctx.ws.build);
  s.readable.push_back(ctx.ws.source);
  // Sized for a grading host, not for the first build of the whole tree (prepare() did that): one lab's files.
  run_limits limits;
  limits.wall_seconds = 300;
  limits.cpu_seconds = 600;
  limits.memory_bytes = 4ull << 30;               // the whole tree: ninja, the compilers, the linker
  limits.limit_address_space = !options.use_gpu;  // each compiler too (nvcc's tools reserve more than they use)
  limits.file_bytes = 512ull << 20;
  limits.written_bytes = 2ull << 30;              // growth of the build folder, all files together
  limits.processes = 256;
  limits.output_bytes = 1 << 20;
  log << "    building " << ctx.lab << " from the submission (" << (s.use_bwrap ? "sandboxed" : "rlimits only")
      << ")...\n" << std::flush;
  const run_result r = run_limited(argv, limits, s);
  if (r.exit_code == 0) return "";
  if (r.timed_out || r.out_of_memory || r.cpu_limit || r.file_limit || r.write_limit) {
    return "the build exceeded its limit: it " + r.failure_reason() +
           ". Does the code make the compiler do unbounded work (a constexpr or template recursion, an #include of a "
           "device file)?";
  }
  const std::string error = first_compiler_error(r.output, ctx.graded.string() + "/");
  if (!error.empty()) return error;
  return "the build failed: " + r.failure_reason() + "\n" + r.output.substr(r.output.size() > 2000 ? r.output.size() - 2000 : 0);
}

run_limits trusted_build_limits() {
  run_limits limits;
  limits.wall_seconds = 1800;
  limits.cpu_seconds = 3600;
  limits.memory_bytes = 16ull << 30;
  limits.file_bytes = 1ull << 30;
  limits.output_bytes = 1 << 20;
  return limits;
}

/// Builds what grading needs and no submission can touch, before the submission is staged: the reference solution's
/// binaries in the grader's own build (`reference_targets`), and, in the workspace, everything the graded targets
/// link but the submission's files (the CPU backend, the test's own object), with placeholders where the
/// submission's files go. The sandboxed build then compiles only the submission and links.
void prepare(const grade_options& options, const lab_context& ctx, const std::vector<std::string>& reference_targets,
             const std::vector<std::string>& graded_targets, std::ostream& log) {
  log << "    preparing the grading builds (the first time compiles the CPU backend with its memory checker twice: "
         "minutes)...\n" << std::flush;
  if (!reference_targets.empty()) {
    std::vector<std::string> argv{"cmake", "--build", options.build.string(), "--target"};
    argv.insert(argv.end(), reference_targets.begin(), reference_targets.end());
    const run_result r = run_trusted(argv, trusted_build_limits(), options.build);
    if (r.exit_code != 0) {
      throw std::runtime_error("the grading build of the reference solution failed (" + r.failure_reason() + "):\n" +
                               r.output.substr(r.output.size() > 3000 ? r.output.size() - 3000 : 0));
    }
  }
  prepare_workspace(options.root, ctx.ws, log);
  stage(ctx, {});
  scrub_submission_outputs(ctx);  // a grading that crashed may have left them
  // Everything the graded targets link but what is made from the submission's files: ninja's own graph says what.
  sandbox_options s;
  s.use_bwrap = false;  // the workspace holds our code and placeholders only
  s.workdir = ctx.ws.build;
  if (ctx.ws.separate_users) s.run_as_uid = k_build_uid;
  const auto ninja = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"ninja", "-C", ctx.ws.build.string()});
    const run_result r = run_limited(args, trusted_build_limits(), s);
    if (r.exit_code != 0) {
      throw std::runtime_error("the graded build in " + ctx.ws.build.string() + " cannot be brought up to date (" +
                               r.failure_reason() + "):\n" +
                               r.output.substr(r.output.size() > 3000 ? r.output.size() - 3000 : 0));
    }
    return r.output;
  };
  ninja({"build.ninja"});  // CMake again first, when the copied sources changed
  // Walk the graph down from the graded targets through what is made from the submission (its sources, their
  // translations, objects and library, which are not built here) to the first nodes that are not (our objects and
  // libraries, the CPU backend's translator): those are built now.
  const auto from_submission = [&](const std::string& node) {
    const bool ours = node.find("_tests.dir/") != std::string::npos || node.find("_perf.dir/") != std::string::npos;
    return node.starts_with("graded/") || (node.find(ctx.lab + "_graded") != std::string::npos && !ours);
  };
  std::vector<std::string> inputs;
  std::vector<std::string> queue = graded_targets;
  std::set<std::string> seen(queue.begin(), queue.end());
  while (!queue.empty() && seen.size() < 500) {
    const std::string target = queue.back();
    queue.pop_back();
    std::istringstream lines(ninja({"-t", "query", target}));
    bool in_inputs = false;
    bool phony = false;  // a target's name stands for its file: query the file instead
    for (std::string line; std::getline(lines, line);) {
      if (line.find("  input:") == 0) {
        in_inputs = true;
        phony = line == "  input: phony";
      }
      if (line.find("  outputs:") == 0) in_inputs = false;
      if (!in_inputs || line.find("    ") != 0) continue;
      std::string input = line.substr(4);
      while (input.starts_with("| ") || input.starts_with("|| ")) input = input.substr(input.find(' ') + 1);
      if (input.empty() || input.starts_with("/")) continue;  // the system's files
      if (phony || from_submission(input)) {
        if (seen.insert(input).second) queue.push_back(input);
      } else {
        inputs.push_back(input);
      }
    }
  }
  std::sort(inputs.begin(), inputs.end());
  inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
  if (!inputs.empty()) ninja(inputs);
}

// ---------------------------------------------------------------------------------------------------------------
// The reference's witnesses

/// The reference solution's run of one test case: its witnesses and how long it took.
struct reference_run {
  std::vector<witness_record> records;
  double seconds = 0;
};

/// Where the reference's witnesses of the binary `exe` are cached: under the grader's build, by the binary's hash,
/// so a batch or the grader's own tests pay once per reference build.
fs::path witness_cache(const grade_options& options, const fs::path& exe) {
  return options.build / "witnesses" / sha256_hex(read_text(exe)).substr(0, 24);
}

/// Runs the reference's binary `exe` for `test` (our code: no sandbox, but limits) and returns its witnesses, cached
/// in `cache` (witness_cache) by the test's name. Throws when the reference fails its own test or reports no witness:
/// the grader cannot grade that test honestly.
reference_run reference_for(const fs::path& cache, const fs::path& exe, const manifest_test& test, bool on_gpu) {
  const std::string key = sha256_hex(test.name).substr(0, 24);
  const fs::path records_file = cache / (key + ".bin");
  const fs::path seconds_file = cache / (key + ".seconds");
  reference_run ref;
  std::string error;
  if (fs::exists(records_file) && fs::exists(seconds_file)) {
    if (auto parsed = parse_witnesses(read_text(records_file), error)) {
      ref.records = std::move(*parsed);
      ref.seconds = std::stod(read_text(seconds_file));
      return ref;
    }
  }
  temp_folder scratch("ws-grade-reference", -1, 0700);
  const fs::path file = scratch.path() / "witness.bin";
  sandbox_options s;
  s.use_bwrap = false;
  s.workdir = scratch.path();
  s.allow_gpu_devices = on_gpu;
  s.env = {{"WS_WITNESS_FILE", file.string()}, {"ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0:symbolize=1"}};
  run_limits limits;
  limits.wall_seconds = 600;
  limits.cpu_seconds = 1200;
  limits.memory_bytes = 8ull << 30;
  limits.file_bytes = 2ull << 30;
  limits.output_bytes = 64 << 10;
  const fs::path report_file = scratch.path() / "report.xml";
  std::vector<std::string> argv{exe.string()};
  for (std::string& a : catch2_args(test.name, report_file)) argv.push_back(std::move(a));
  const run_result r = run_limited(argv, limits, s);
  const ws_report::test_report report = read_catch2_report(report_file);
  if (!catch2_passed(r, report, test.name)) {
    throw std::runtime_error("the reference solution does not pass its own test \"" + test.name + "\" (" +
                             r.failure_reason() + "): " + ws_report::failure_reason(report, test.name, r.output));
  }
  auto parsed = parse_witnesses(read_text(file), error);
  if (!parsed || parsed->empty()) {
    throw std::runtime_error("the test \"" + test.name + "\" reports no witness (tests/support/witness.hpp)" +
                             (error.empty() ? "" : ": " + error) + "; every graded test must, or it cannot be graded");
  }
  ref.records = std::move(*parsed);
  ref.seconds = r.wall_seconds;
  fs::create_directories(cache);
  ::chmod(cache.c_str(), 0700);
  write_if_different(records_file, serialize_witnesses(ref.records));
  write_if_different(seconds_file, std::to_string(ref.seconds));
  return ref;
}

// ---------------------------------------------------------------------------------------------------------------
// Running a test

/// compute-sanitizer, when it is installed (PATH or the toolkit's usual place).
std::string find_compute_sanitizer() {
  for (const char* candidate : {"/usr/local/cuda/bin/compute-sanitizer", "/usr/local/cuda/compute-sanitizer/compute-sanitizer"}) {
    if (::access(candidate, X_OK) == 0) return candidate;
  }
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::stringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');) {
      const fs::path p = fs::path(dir) / "compute-sanitizer";
      if (!dir.empty() && ::access(p.c_str(), X_OK) == 0) return p.string();
    }
  }
  return "";
}

constexpr int k_sanitizer_exit_code = 86;

/// The binary a test case runs from, for the graded tree or the reference ("graded" / "solutions").
std::string test_binary(const lab_context& ctx, const std::string& tree, bool on_gpu) {
  if (ctx.cpu_only) return ctx.lab + "_" + tree + "_tests";
  return ctx.lab + "_" + tree + (on_gpu ? "_cuda_tests" : "_cudacpu_tests");
}

/// The time a submission may spend on all its tests: 5 times the reference solution's, at least a minute. A correct
/// but slow submission still finishes; one that sleeps just under every test's limit does not take hours.
double time_budget(const grade_options& options, double reference_seconds) {
  return options.time_budget > 0 ? options.time_budget : std::max(60.0, 5 * reference_seconds);
}

test_outcome run_test(const grade_options& options, const lab_context& ctx, const manifest_test& test,
                      const fs::path& binaries, const std::string& compute_sanitizer, const reference_run& reference,
                      double budget_left, double budget) {
  test_outcome out;
  out.name = test.name;
  out.visibility = test.visibility;
  out.max_points = test.points;

  const bool on_gpu = test.kind == "gpu" && options.use_gpu && !ctx.cpu_only;
  std::vector<std::string> argv;
  if (on_gpu && !compute_sanitizer.empty()) {
    argv = {compute_sanitizer, "--tool", "memcheck", "--error-exitcode", std::to_string(k_sanitizer_exit_code),
            "--print-limit", "5"};
    out.ran_on = "GPU + compute-sanitizer";
  } else if (on_gpu) {
    out.ran_on = "GPU (no compute-sanitizer here)";
  } else {
    out.ran_on = ctx.cpu_only ? "CPU + memory checker" : "CPU backend + memory checker";
  }
  argv.push_back((binaries / test_binary(ctx, "graded", on_gpu)).string());

  double time_limit = test.time_limit_seconds;
  if (options.time_limit_cap > 0) time_limit = std::min(time_limit, options.time_limit_cap);
  const bool budget_bound = budget_left < time_limit;
  time_limit = std::min(time_limit, budget_left);
  if (time_limit < 0.5) {
    out.reason = "not run: the submission used up its time budget of " + format_seconds(budget) +
                 " s for all its tests (5 times what the reference solution needs, at least 60 s)";
    return out;
  }

  // A fresh scratch folder per test, the test user's: nothing one test leaves there reaches the next, and the
  // binaries (ours, read-only) cannot be replaced.
  temp_folder scratch("ws-grade-run", static_cast<int>(k_test_uid), 0700);
  const fs::path witness_file = scratch.path() / "witness.bin";
  const fs::path report_file = scratch.path() / "report.xml";
  for (std::string& a : catch2_args(test.name, report_file)) argv.push_back(std::move(a));
  sandbox_options s = run_sandbox(options, ctx, binaries, scratch.path(), on_gpu);
  s.env.emplace_back("WS_WITNESS_FILE", witness_file.string());
  run_limits limits;
  limits.wall_seconds = time_limit;
  limits.cpu_seconds = 2 * time_limit + 10;  // the CPU backend runs blocks on every core
  limits.memory_bytes = 6ull << 30;          // AddressSanitizer's shadow and redzones included
  limits.file_bytes = 1ull << 30;
  limits.written_bytes = 1ull << 30;         // everything it writes, the witnesses included
  limits.output_bytes = 64 << 10;

  const run_result r = run_limited(argv, limits, s);
  out.seconds = r.wall_seconds;
  const ws_report::test_report report = read_catch2_report(report_file);
  out.output = r.output;
  if (const std::string checks = failed_checks_text(report, test.name); !checks.empty()) {
    out.output += (out.output.empty() || out.output.back() == '\n' ? "" : "\n") + checks;
  }
  if (catch2_passed(r, report, test.name)) {
    // The test says it passed; the grader believes only the witnesses (witness.hpp).
    std::string error;
    const std::optional<std::string> bytes = read_untrusted(witness_file, 1ull << 30);
    const auto records = bytes ? parse_witnesses(*bytes, error) : std::nullopt;
    if (!bytes) {
      out.reason = "it reported no results to the grader: the test ended before its checks";
    } else if (!records) {
      out.reason = "its report of its results is malformed (" + error + ")";
    } else {
      out.reason = compare_witnesses(reference.records, *records);
    }
    if (out.reason.empty()) {
      out.passed = true;
      out.points = test.points;
      return out;
    }
  } else if (r.exit_code == 0 && report.complete && report.total_count() == 0) {  // the test spec matched nothing
    out.reason = "the test binary has no test case of this name: the lab's manifest is out of date (tell your "
                 "instructor)";
  } else if (r.timed_out && budget_bound) {
    out.reason = "did not finish within " + format_seconds(time_limit) + " s, what was left of the submission's time "
                 "budget of " + format_seconds(budget) + " s (5 times what the reference solution needs, at least 60 s)";
  } else if (r.timed_out) {
    out.reason = "did not finish within " + format_seconds(time_limit) + " s: too slow, or a loop that never ends";
  } else if (r.out_of_memory || r.cpu_limit || r.file_limit || r.write_limit) {
    out.reason = r.failure_reason();
  } else if (r.exit_code == k_sanitizer_exit_code && on_gpu) {
    out.reason = "compute-sanitizer: " + ws_report::failure_reason(report, test.name, r.output);
  } else {
    out.reason = ws_report::failure_reason(report, test.name, r.output);
    if (out.reason.empty()) out.reason = r.failure_reason();
    if (out.reason.empty()) out.reason = "the test did not pass (exit code " + std::to_string(r.exit_code) + ")";
  }
  for (std::string* text : {&out.reason, &out.output}) {
    *text = replace_all(*text, ctx.graded.string() + "/", "");
    *text = replace_all(*text, (ctx.ws.source / "tests").string() + "/", "tests/");
  }
  return out;
}


// ---------------------------------------------------------------------------------------------------------------
// Performance (a real GPU only)

/// One case's timing from a performance driver, and the sample of its output it reported.
struct perf_timing {
  double median_ms = 0;
  std::vector<double> check;
};

/// Runs a performance driver once for `cases`; returns case -> timing (empty on failure, with `error` set).
/// The learner's driver runs in the sandbox `s`; the reference's (ours) with use_bwrap off.
std::map<std::string, perf_timing> run_perf(const fs::path& exe, const std::vector<std::string>& cases,
                                            const sandbox_options& s, bool on_gpu, unsigned check_seed,
                                            std::string& error) {
  std::vector<std::string> argv{exe.string(), "--check-seed", std::to_string(check_seed)};
  for (const std::string& c : cases) argv.insert(argv.end(), {"--case", c});
  if (!on_gpu) argv.push_back("--small");
  run_limits limits;
  limits.wall_seconds = 300;
  limits.cpu_seconds = 600;
  limits.memory_bytes = 16ull << 30;
  const run_result r = run_limited(argv, limits, s);
  std::map<std::string, perf_timing> times;
  if (r.exit_code != 0) {
    error = r.failure_reason();
    return times;
  }
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;
    try {
      const nlohmann::json j = nlohmann::json::parse(line);
      perf_timing t;
      t.median_ms = j.at("median_ms").get<double>();
      for (const nlohmann::json& v : j.at("check")) t.check.push_back(v.is_number() ? v.get<double>() : NAN);
      times[j.at("case").get<std::string>()] = t;
    } catch (const std::exception&) {
      // a learner's printf that happens to start with '{' is not a timing line
    }
  }
  return times;
}

/// "" when the learner's sample of the output matches the reference's, else why not. The tolerance allows another
/// summation order (and bf16 inputs), not another answer.
std::string check_mismatch(const std::vector<double>& mine, const std::vector<double>& reference) {
  if (mine.size() != reference.size() || reference.empty()) return "it reported no sample of its result";
  for (std::size_t i = 0; i < mine.size(); ++i) {
    if (!(std::abs(mine[i] - reference[i]) <= 1e-2 * (1 + std::abs(reference[i])))) {
      std::ostringstream why;
      why << "its result at the timed size differs from the reference's (sampled element " << i << ": "
          << mine[i] << " instead of " << reference[i] << "): no speed points for skipped or wrong work";
      return why.str();
    }
  }
  return "";
}

void grade_performance(const grade_options& options, const lab_context& ctx, grade_report& report,
                       const fs::path& binaries, std::ostream& log) {
  for (const manifest_perf_case& c : ctx.m.perf) report.perf.push_back({c.name, c.points, 0, 0, 0, ""});
  if (ctx.m.perf.empty()) {
    report.perf_status = "none in this lab";
    return;
  }
  const bool on_gpu = options.use_gpu && !ctx.cpu_only;
  if (!on_gpu && !options.perf_on_cpu_backend) {
    report.perf_status = "not graded (no GPU)";
    for (perf_outcome& p : report.perf) p.note = "not graded (no GPU)";
    return;
  }
  report.perf_counted = true;
  report.perf_status = on_gpu ? "graded on this GPU against the reference solution"
                              : "TEST MODE: timed on the CPU backend, not a GPU (the grader's own tests)";
  const std::string backend = on_gpu ? "cuda" : "cudacpu";
  std::vector<std::string> cases;
  for (std::size_t i = 0; i < ctx.m.perf.size(); ++i) {
    const manifest_perf_case& c = ctx.m.perf[i];
    const bool ready = std::all_of(c.requires_passed.begin(), c.requires_passed.end(), [&](const std::string& t) {
      return std::any_of(report.tests.begin(), report.tests.end(),
                         [&](const test_outcome& o) { return o.name == t && o.passed; });
    });
    if (ready) {
      cases.push_back(c.name);
    } else {
      report.perf[i].note = "no speed points before its correctness tests pass";
    }
  }
  if (cases.empty()) return;
  log << "    timing " << cases.size() << " performance case(s) against the reference solution...\n" << std::flush;
  const fs::path mine = binaries / (ctx.lab + "_graded_" + backend + "_perf");
  const fs::path reference = options.build / "tests" / (ctx.lab + "_solutions_" + backend + "_perf");
  temp_folder scratch("ws-grade-perf", static_cast<int>(k_test_uid), 0700);
  const sandbox_options learner_sandbox = run_sandbox(options, ctx, binaries, scratch.path(), on_gpu);
  sandbox_options reference_sandbox;
  reference_sandbox.use_bwrap = false;
  reference_sandbox.allow_gpu_devices = on_gpu;
  std::map<std::string, perf_timing> best_mine;
  std::map<std::string, perf_timing> best_ref;
  std::string error;
  // Where the drivers sample their outputs changes with every grading, so no submission can know it.
  const unsigned check_seed = std::random_device{}();
  // Alternate reference and learner twice and keep each side's best median: a clock boost or a noisy neighbour
  // then hurts neither side more than the other.
  for (int round = 0; round < 2 && error.empty(); ++round) {
    for (const auto& [exe, best] : {std::pair{reference, &best_ref}, std::pair{mine, &best_mine}}) {
      std::string e;
      const sandbox_options& s = exe == mine ? learner_sandbox : reference_sandbox;
      for (const auto& [name, t] : run_perf(exe, cases, s, on_gpu, check_seed, e)) {
        if (!best->contains(name) || t.median_ms < best->at(name).median_ms) (*best)[name] = t;
      }
      if (!e.empty()) error = (exe == mine ? "your performance run failed: " : "the reference run failed: ") + e;
    }
  }
  for (perf_outcome& p : report.perf) {
    if (!p.note.empty()) continue;
    if (!best_mine.contains(p.name) || !best_ref.contains(p.name) || best_ref[p.name].median_ms <= 0) {
      p.note = error.empty() ? "no timing came back" : error;
      continue;
    }
    p.learner_ms = best_mine[p.name].median_ms;
    p.reference_ms = best_ref[p.name].median_ms;
    p.note = check_mismatch(best_mine[p.name].check, best_ref[p.name].check);
    if (p.note.empty()) p.points = p.max_points * perf_credit(p.learner_ms / p.reference_ms);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Public

std::string catch2_test_spec(const std::string& name) {
  std::string spec;
  for (const char c : name) {
    if (c == ',' || c == '[' || c == ']' || c == '"' || c == '\\' || c == '*' || c == '~') spec.push_back('\\');
    spec.push_back(c);
  }
  return spec;
}

double perf_credit(double ratio) {
  if (!(ratio > 0) || !std::isfinite(ratio)) return 0;
  return std::clamp((10.0 - ratio) / (10.0 - 1.2), 0.0, 1.0);
}

std::string build_only(const grade_options& options, const submission_source& source, std::ostream& log) {
  lab_context ctx = load_lab(options);
  grade_report scratch_report;
  const std::vector<submitted_file> files = read_files(ctx, source, scratch_report);
  if (!scratch_report.verdict.empty()) return scratch_report.reason;
  build_lock lock(options.build, log);
  const std::vector<std::string> targets = test_targets(ctx, false);
  prepare(options, ctx, {}, targets, log);
  staged_submission staged(ctx, files);
  return build_targets(options, ctx, targets, log);
}

grade_report grade_submission(const grade_options& options, const submission_source& source, std::ostream& log) {
  const auto started = std::chrono::steady_clock::now();
  lab_context ctx = load_lab(options);
  grade_report report;
  report.lab = ctx.m.lab;
  report.title = ctx.m.title;
  report.submission = source.path.string();
  report.manifest_sha256 = ctx.m.sha256;
  report.sandbox = sandbox_description(options);
  for (const manifest_test& t : ctx.m.tests) {
    report.tests.push_back({t.name, t.visibility, t.points, 0, false, "", "", "", 0});
  }
  auto finish = [&] {
    report.score = 0;
    report.max_score = ctx.m.test_points();
    for (const test_outcome& t : report.tests) report.score += t.points;
    if (report.perf.empty()) {
      for (const manifest_perf_case& c : ctx.m.perf) report.perf.push_back({c.name, c.points, 0, 0, 0, ""});
    }
    if (report.perf_counted) {
      report.max_score += ctx.m.perf_points();
      for (const perf_outcome& p : report.perf) report.score += p.points;
    }
    if (report.perf_status.empty()) {
      report.perf_status = ctx.m.perf.empty() ? "none in this lab"
                           : options.use_gpu  ? "not graded (the correctness tests did not run)"
                                              : "not graded (no GPU)";
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
  };

  log << "==> Grading lab " << ctx.m.lab << " (" << ctx.m.title << "): " << source.path.string() << "\n" << std::flush;
  if (report.sandbox.starts_with("NOT ISOLATED")) log << "warning: " << report.sandbox << "\n" << std::flush;
  // Without bubblewrap, file permissions are what keeps the answers and other people's work from the unprivileged
  // users that build and run submissions.
  for (const std::string& p : lock_down({options.root / "solutions", options.build, options.root / "submissions"})) {
    log << "    made " << p << " unreadable to other users (it holds answers or other people's work)\n";
  }
  const std::vector<submitted_file> files = read_files(ctx, source, report);
  if (report.verdict == "rejected") {
    for (test_outcome& t : report.tests) t.reason = "not run: the submission was rejected";
    return finish();
  }

  build_lock lock(options.build, log);
  const bool perf_wanted = !ctx.m.perf.empty() && !ctx.cpu_only && (options.use_gpu || options.perf_on_cpu_backend);
  const std::string backend = options.use_gpu ? "cuda" : "cudacpu";
  std::vector<std::string> reference_targets;
  for (const bool gpu : {false, true}) {
    if (!gpu || (options.use_gpu && !ctx.cpu_only)) reference_targets.push_back(test_binary(ctx, "solutions", gpu));
  }
  if (perf_wanted) reference_targets.push_back(ctx.lab + "_solutions_" + backend + "_perf");
  std::vector<std::string> targets = test_targets(ctx, options.use_gpu);
  if (perf_wanted) targets.push_back(ctx.lab + "_graded_" + backend + "_perf");
  prepare(options, ctx, reference_targets, targets, log);
  if (options.use_gpu) {
    // The first CUDA program on a machine creates /dev/nvidia-uvm; one inside the sandbox could not. The reference's
    // test binary asks for the device count first (tests/support/ws_test_main.cpp): a trusted first use.
    run_trusted({(options.build / "tests" / (ctx.lab + "_solutions_cuda_tests")).string(), "--list-test-names-only"},
                {.wall_seconds = 60}, options.build);
  }

  // The reference's witnesses, before anything of the submission runs (cached after the first grading).
  log << "    the reference solution's results (computed once per reference build)...\n" << std::flush;
  const auto selected = [&](const manifest_test& t) {
    return options.only.empty() || std::find(options.only.begin(), options.only.end(), t.name) != options.only.end();
  };
  for (const std::string& name : options.only) {
    if (std::none_of(ctx.m.tests.begin(), ctx.m.tests.end(), [&](const manifest_test& t) { return t.name == name; })) {
      throw std::runtime_error("--only names a test lab " + ctx.m.lab + " does not have: \"" + name + "\"");
    }
  }
  std::vector<reference_run> references;
  std::map<fs::path, fs::path> caches;  // reference binary -> its witness cache (one hash per binary)
  double reference_seconds = 0;
  for (std::size_t i = 0; i < ctx.m.tests.size(); ++i) {
    if (!selected(ctx.m.tests[i])) {
      references.emplace_back();
      continue;
    }
    const bool on_gpu = ctx.m.tests[i].kind == "gpu" && options.use_gpu && !ctx.cpu_only;
    const fs::path exe = options.build / "tests" / test_binary(ctx, "solutions", on_gpu);
    if (!caches.contains(exe)) caches[exe] = witness_cache(options, exe);
    references.push_back(reference_for(caches[exe], exe, ctx.m.tests[i], on_gpu));
    reference_seconds += references.back().seconds;
  }

  staged_submission staged(ctx, files);
  const std::string error = build_targets(options, ctx, targets, log);
  if (!error.empty()) {
    report.verdict = "build failed";
    const std::size_t eol = error.find('\n');
    report.reason = (error.starts_with("the build exceeded") ? "" : "it does not compile: ") + error.substr(0, eol);
    report.details = error;
    for (test_outcome& t : report.tests) t.reason = "not run: the submission does not compile";
    return finish();
  }
  report.verdict = "graded";

  // The binaries run from a folder of ours that the test user can read but not change.
  temp_folder binaries("ws-grade-bin", -1, 0755);
  for (const std::string& b : targets) {
    fs::copy_file(ctx.ws.build / "tests" / b, binaries.path() / b, fs::copy_options::overwrite_existing);
    ::chmod((binaries.path() / b).c_str(), 0555);
  }
  const std::string compute_sanitizer = options.use_gpu ? find_compute_sanitizer() : "";
  const double budget = time_budget(options, reference_seconds);
  double used = 0;
  for (std::size_t i = 0; i < ctx.m.tests.size(); ++i) {
    if (!selected(ctx.m.tests[i])) {
      report.tests[i].reason = "not run: not among the tests asked for (--only)";
      continue;
    }
    log << "    [" << (i + 1) << "/" << ctx.m.tests.size() << "] " << ctx.m.tests[i].name << "\n" << std::flush;
    report.tests[i] = run_test(options, ctx, ctx.m.tests[i], binaries.path(), compute_sanitizer, references[i],
                               budget - used, budget);
    used += report.tests[i].seconds;
  }
  grade_performance(options, ctx, report, binaries.path(), log);
  return finish();
}

}  // namespace ws_grade
