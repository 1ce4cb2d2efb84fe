/// @file grade.cpp
/// @brief Grading one submission: read, stage, build in the sandbox, run each test case, time on a GPU, score.
#include "grade.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "archive.hpp"
#include "output.hpp"
#include "sandbox.hpp"

namespace ws_grade {

namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Writes `contents` to `file` unless it already holds exactly that (so ninja does not rebuild what did not change).
void write_if_different(const fs::path& file, const std::string& contents) {
  if (fs::exists(file) && read_text(file) == contents) return;
  fs::remove(file);  // never write through a symlink someone left there
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << contents;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
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
    fd_ = ::open((build / ".grade.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
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

/// A scratch folder under $TMPDIR, removed at the end. Owned by nobody when we are root, so the unprivileged tests
/// can write into it.
class scratch_dir {
public:
  scratch_dir() {
    std::string templ = (fs::temp_directory_path() / "ws-grade-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("cannot create a scratch folder in " + templ);
    path_ = templ;
    if (::geteuid() == 0 && ::chown(path_.c_str(), 65534, 65534) != 0) {
      throw std::runtime_error("cannot hand the scratch folder to the unprivileged user");
    }
  }
  ~scratch_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

private:
  fs::path path_;
};

bool is_cpu_only(const manifest& m) {
  return std::none_of(m.files.begin(), m.files.end(), [](const std::string& f) { return f.ends_with(".cu"); });
}

// ---------------------------------------------------------------------------------------------------------------
// Steps

struct lab_context {
  manifest m;
  std::string lab;       // "lab01"
  fs::path solutions;    // root/solutions/NN_name
  fs::path graded;       // build/graded/NN_name
  bool cpu_only = false;
};

lab_context load_lab(const grade_options& options) {
  lab_context ctx;
  ctx.solutions = options.root / "solutions" / options.lab_folder;
  ctx.m = load_manifest(ctx.solutions / "lab.json");
  ctx.lab = "lab" + ctx.m.lab;
  ctx.graded = options.build / "graded" / options.lab_folder;
  ctx.cpu_only = is_cpu_only(ctx.m);
  if (!fs::is_directory(ctx.graded)) {
    throw std::runtime_error(ctx.graded.string() + " does not exist: configure the grade preset first "
                             "(./course grade does)");
  }
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

/// Writes the submission and the pristine headers into the graded tree.
void stage(const lab_context& ctx, const std::vector<submitted_file>& files) {
  for (const fs::directory_entry& e : fs::directory_iterator(ctx.solutions)) {
    const std::string name = e.path().filename().string();
    const bool header = name.ends_with(".h") || name.ends_with(".hpp") || name.ends_with(".cuh");
    const bool submitted = std::find(ctx.m.files.begin(), ctx.m.files.end(), name) != ctx.m.files.end();
    if (header && !submitted && e.is_regular_file()) write_if_different(ctx.graded / name, read_text(e.path()));
  }
  for (const submitted_file& f : files) write_if_different(ctx.graded / f.name, f.contents);
}

std::string sandbox_description(const grade_options& options) {
  if (!options.use_bwrap) return "rlimits only (bubblewrap turned off)";
  const std::string why = bwrap_unavailable_reason(true);  // what the tests get: they run as nobody
  return why.empty() ? "bubblewrap + rlimits" : "rlimits only (bubblewrap unavailable: " + why + ")";
}

/// The sandbox every untrusted step shares; `unprivileged`: the command runs as nobody (the tests), not as us (ninja).
sandbox_options base_sandbox(const grade_options& options, bool unprivileged) {
  sandbox_options s;
  s.drop_privileges = unprivileged;
  s.use_bwrap = options.use_bwrap && bwrap_unavailable_reason(unprivileged).empty();
  // The solutions are the answers: neither the compiler (#include "/abs/path") nor a test may read them.
  s.hidden.push_back(options.root / "solutions");
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0' && fs::is_directory(home)) {
    s.hidden.push_back(home);
  }
  return s;
}

/// Where the learner's binaries run: as nobody, in the scratch folder, the checkout hidden, GPU devices when needed.
/// Leak reports are off: a leak is not what a test grades.
sandbox_options run_sandbox(const grade_options& options, const fs::path& scratch, bool on_gpu) {
  sandbox_options s = base_sandbox(options, true);
  s.workdir = scratch;
  s.writable.push_back(scratch);
  s.allow_gpu_devices = on_gpu;
  s.hidden.push_back(options.root);
  s.env = {{"ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0:symbolize=1"}, {"HOME", scratch.string()}};
  return s;
}

/// Runs ninja for `targets` in the sandbox. Returns "" or the first compiler error.
std::string build_targets(const grade_options& options, const lab_context& ctx, const std::vector<std::string>& targets,
                          std::ostream& log) {
  std::vector<std::string> argv{"cmake", "--build", options.build.string(), "--target"};
  argv.insert(argv.end(), targets.begin(), targets.end());
  sandbox_options s = base_sandbox(options, false);
  s.workdir = options.build;
  s.writable.push_back(options.build);
  // ninja and cmake read the checkout (all but solutions/), wherever it is: in $HOME, even in /tmp.
  s.readable.push_back(options.root);
  run_limits limits;
  limits.wall_seconds = 900;  // the first build also compiles the tests themselves
  limits.cpu_seconds = 1800;
  limits.memory_bytes = 16ull << 30;  // the whole tree: ninja runs a compiler per core (nvcc on a GPU machine)
  limits.file_bytes = 1ull << 30;
  limits.processes = 512;
  limits.output_bytes = 1 << 20;
  log << "    building " << ctx.lab << " from the submission (" << (s.use_bwrap ? "sandboxed" : "rlimits only")
      << ")...\n" << std::flush;
  const run_result r = run_limited(argv, limits, s);
  if (r.exit_code == 0) return "";
  const std::string error = first_compiler_error(r.output, ctx.graded.string() + "/");
  if (!error.empty()) return error;
  return "the build failed: " + r.failure_reason() + "\n" + r.output.substr(r.output.size() > 2000 ? r.output.size() - 2000 : 0);
}

/// Builds what the graded targets need but the submission cannot touch (the runtime, the Catch2 main, the reference
/// solution's performance driver), outside the sandbox: this is our code. The sandboxed build then compiles only the
/// submission and the test file.
void prepare(const grade_options& options, const lab_context& ctx, const std::vector<std::string>& extra,
             std::ostream& log) {
  std::vector<std::string> argv{"cmake", "--build", options.build.string(), "--target",
                                ctx.lab + (ctx.cpu_only ? "_solutions_tests" : "_solutions_cudacpu_tests")};
  argv.insert(argv.end(), extra.begin(), extra.end());
  run_limits limits;
  limits.wall_seconds = 1800;
  limits.cpu_seconds = 3600;
  limits.memory_bytes = 16ull << 30;
  limits.file_bytes = 1ull << 30;
  limits.output_bytes = 1 << 20;
  log << "    preparing the grading build (the first time compiles the CPU backend with its memory checker)...\n"
      << std::flush;
  const run_result r = run_trusted(argv, limits, options.build);
  if (r.exit_code != 0) {
    throw std::runtime_error("the grading build of the reference solution failed (" + r.failure_reason() + "):\n" +
                             r.output.substr(r.output.size() > 3000 ? r.output.size() - 3000 : 0));
  }
}

std::vector<std::string> test_targets(const lab_context& ctx, bool gpu) {
  if (ctx.cpu_only) return {ctx.lab + "_graded_tests"};
  std::vector<std::string> t{ctx.lab + "_graded_cudacpu_tests"};
  if (gpu) t.push_back(ctx.lab + "_graded_cuda_tests");
  return t;
}

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

test_outcome run_test(const grade_options& options, const lab_context& ctx, const manifest_test& test,
                      const fs::path& scratch, const std::string& compute_sanitizer) {
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
  const std::string exe = ctx.cpu_only ? ctx.lab + "_graded_tests"
                                       : ctx.lab + (on_gpu ? "_graded_cuda_tests" : "_graded_cudacpu_tests");
  argv.push_back((scratch / exe).string());
  argv.insert(argv.end(), {catch2_test_spec(test.name), "--reporter", "compact", "--order", "decl"});

  const sandbox_options s = run_sandbox(options, scratch, on_gpu);
  double time_limit = test.time_limit_seconds;
  if (options.time_limit_cap > 0) time_limit = std::min(time_limit, options.time_limit_cap);
  run_limits limits;
  limits.wall_seconds = time_limit;
  limits.cpu_seconds = 2 * time_limit + 10;  // the CPU backend runs blocks on every core
  limits.memory_bytes = 6ull << 30;                        // AddressSanitizer's shadow and redzones included
  limits.output_bytes = 64 << 10;

  const run_result r = run_limited(argv, limits, s);
  out.seconds = r.wall_seconds;
  out.output = r.output;
  const bool catch_passed = r.exit_code == 0 && r.output.find("Passed") != std::string::npos &&
                            r.output.find("No test cases matched") == std::string::npos;
  if (catch_passed) {
    out.passed = true;
    out.points = test.points;
    return out;
  }
  if (r.output.find("No test cases matched") != std::string::npos) {
    out.reason = "the test binary has no test case of this name: the lab's manifest is out of date (tell your "
                 "instructor)";
  } else if (r.timed_out) {
    out.reason = "did not finish within " + format_seconds(time_limit) + " s: too slow, or a loop that never ends";
  } else if (r.out_of_memory || r.cpu_limit || r.file_limit) {
    out.reason = r.failure_reason();
  } else if (r.exit_code == k_sanitizer_exit_code && on_gpu) {
    out.reason = "compute-sanitizer: " + failure_from_output(r.output);
  } else {
    out.reason = failure_from_output(r.output);
    if (out.reason.empty()) out.reason = r.failure_reason();
    if (out.reason.empty()) out.reason = "the test did not pass (exit code " + std::to_string(r.exit_code) + ")";
  }
  out.reason = replace_all(out.reason, ctx.graded.string() + "/", "");
  out.reason = replace_all(out.reason, (options.root / "tests").string() + "/", "tests/");
  return out;
}

/// One case's timing from a performance driver, and the sample of its output it reported.
struct perf_timing {
  double median_ms = 0;
  std::vector<double> check;
};

/// Runs a performance driver once for `cases`; returns case -> timing (empty on failure, with `error` set).
std::map<std::string, perf_timing> run_perf(const grade_options& options, const fs::path& exe,
                                            const std::vector<std::string>& cases, const fs::path& scratch,
                                            bool on_gpu, unsigned check_seed, std::string& error) {
  std::vector<std::string> argv{exe.string(), "--check-seed", std::to_string(check_seed)};
  for (const std::string& c : cases) argv.insert(argv.end(), {"--case", c});
  if (!on_gpu) argv.push_back("--small");
  const sandbox_options s = run_sandbox(options, scratch, on_gpu);
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
                       const fs::path& scratch, std::ostream& log) {
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
  const fs::path mine = scratch / (ctx.lab + "_graded_" + backend + "_perf");
  const fs::path reference = scratch / (ctx.lab + "_solutions_" + backend + "_perf");
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
      for (const auto& [name, t] : run_perf(options, exe, cases, scratch, on_gpu, check_seed, e)) {
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
  prepare(options, ctx, {}, log);
  stage(ctx, files);
  return build_targets(options, ctx, test_targets(ctx, false), log);
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
  const std::vector<submitted_file> files = read_files(ctx, source, report);
  if (report.verdict == "rejected") {
    for (test_outcome& t : report.tests) t.reason = "not run: the submission was rejected";
    return finish();
  }

  build_lock lock(options.build, log);
  const bool perf_wanted = !ctx.m.perf.empty() && !ctx.cpu_only && (options.use_gpu || options.perf_on_cpu_backend);
  const std::string backend = options.use_gpu ? "cuda" : "cudacpu";
  std::vector<std::string> trusted;
  if (options.use_gpu) trusted.push_back(ctx.lab + "_solutions_cuda_tests");
  if (perf_wanted) trusted.push_back(ctx.lab + "_solutions_" + backend + "_perf");
  prepare(options, ctx, trusted, log);
  if (options.use_gpu) {
    // The first CUDA program on a machine creates /dev/nvidia-uvm; one inside the sandbox could not. The reference's
    // test binary asks for the device count first (tests/support/ws_test_main.cpp): a trusted first use.
    run_trusted({(options.build / "tests" / (ctx.lab + "_solutions_cuda_tests")).string(), "--list-test-names-only"},
                {.wall_seconds = 60}, options.build);
  }
  stage(ctx, files);
  std::vector<std::string> targets = test_targets(ctx, options.use_gpu);
  if (perf_wanted) targets.push_back(ctx.lab + "_graded_" + backend + "_perf");
  const std::string error = build_targets(options, ctx, targets, log);
  if (!error.empty()) {
    report.verdict = "build failed";
    const std::size_t eol = error.find('\n');
    report.reason = "it does not compile: " + error.substr(0, eol);
    report.details = error;
    for (test_outcome& t : report.tests) t.reason = "not run: the submission does not compile";
    return finish();
  }
  report.verdict = "graded";

  scratch_dir scratch;
  std::vector<std::string> binaries = test_targets(ctx, options.use_gpu);
  if (perf_wanted) {
    binaries.push_back(ctx.lab + "_graded_" + backend + "_perf");
    binaries.push_back(ctx.lab + "_solutions_" + backend + "_perf");
  }
  for (const std::string& b : binaries) {
    fs::copy_file(options.build / "tests" / b, scratch.path() / b, fs::copy_options::overwrite_existing);
  }
  const std::string compute_sanitizer = options.use_gpu ? find_compute_sanitizer() : "";
  for (std::size_t i = 0; i < ctx.m.tests.size(); ++i) {
    log << "    [" << (i + 1) << "/" << ctx.m.tests.size() << "] " << ctx.m.tests[i].name << "\n" << std::flush;
    report.tests[i] = run_test(options, ctx, ctx.m.tests[i], scratch.path(), compute_sanitizer);
  }
  grade_performance(options, ctx, report, scratch.path(), log);
  return finish();
}

}  // namespace ws_grade
