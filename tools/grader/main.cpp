/// @file main.cpp
/// @brief ws_grade, the autograder behind `./course grade` and `./course submit` (docs/grading.md).
///
///   ws_grade grade  --root R --build B --lab LAB_FOLDER [--submission FILE.tar.gz|FOLDER] [--out results.json]
///                   [--gpu auto|yes|no] [--time-limit S] [--time-budget S] [--only 'TEST|TEST'] [--no-bwrap] [--perf-on-cpu-backend]
///   ws_grade batch  --root R --build B --lab LAB_FOLDER --submissions FOLDER --out-dir FOLDER [--gpu ...]
///   ws_grade pack   --root R --build B --lab LAB_FOLDER --from FOLDER --out-dir FOLDER
///   ws_grade check-manifest --manifest lab.json --tests TEST_BINARY [--perf PERF_DRIVER]
///
/// Batch mode grades each submission in its own process. For the grader's own tests only, the environment variable
/// WS_GRADE_TEST_CRASH_ON=<archive name> makes that submission's grading process abort (tests/grader/batch.tests.cpp).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <ws/json.hpp>

#include "archive.hpp"
#include "grade.hpp"
#include "manifest.hpp"
#include "report.hpp"
#include "sandbox.hpp"
#include "witness.hpp"
#include "workspace.hpp"

namespace fs = std::filesystem;
using namespace ws_grade;

namespace {

struct cli {
  std::string command;
  std::map<std::string, std::string> values;
  std::set<std::string> flags;

  [[nodiscard]] std::string get(const std::string& key, const std::string& fallback = "") const {
    const auto it = values.find(key);
    return it == values.end() ? fallback : it->second;
  }
  [[nodiscard]] std::string need(const std::string& key) const {
    const auto it = values.find(key);
    if (it == values.end()) throw std::runtime_error("ws_grade " + command + " needs --" + key);
    return it->second;
  }
};

cli parse(int argc, char** argv) {
  cli c;
  if (argc < 2) throw std::runtime_error("usage: ws_grade grade|batch|pack|check-manifest [options] (see docs/grading.md)");
  c.command = argv[1];
  const std::set<std::string> flags{"no-bwrap", "perf-on-cpu-backend"};
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (!a.starts_with("--")) throw std::runtime_error("unexpected argument '" + a + "'");
    a = a.substr(2);
    if (flags.contains(a)) {
      c.flags.insert(a);
    } else if (i + 1 < argc) {
      c.values[a] = argv[++i];
    } else {
      throw std::runtime_error("--" + a + " needs a value");
    }
  }
  return c;
}

/// A GPU the graded tests can use: the build has the CUDA backend and the driver lists a device.
bool probe_gpu(const fs::path& build) {
  std::ifstream cache(build / "CMakeCache.txt");
  std::string line;
  bool have_cuda = false;
  while (std::getline(cache, line)) have_cuda = have_cuda || line == "WS_HAVE_CUDA:INTERNAL=ON";
  if (!have_cuda) return false;
  const run_result r = run_trusted({"nvidia-smi", "-L"}, {.wall_seconds = 30}, fs::temp_directory_path());
  return r.exit_code == 0 && r.output.find("GPU ") != std::string::npos;
}

grade_options options_from(const cli& c) {
  grade_options o;
  o.root = fs::absolute(c.need("root"));
  o.build = fs::absolute(c.need("build"));
  o.lab_folder = c.need("lab");
  const std::string gpu = c.get("gpu", "auto");
  if (gpu == "auto") o.use_gpu = probe_gpu(o.build);
  else if (gpu == "yes") o.use_gpu = true;
  else if (gpu == "no") o.use_gpu = false;
  else throw std::runtime_error("--gpu takes auto, yes or no");
  o.use_bwrap = !c.flags.contains("no-bwrap");
  o.perf_on_cpu_backend = c.flags.contains("perf-on-cpu-backend");
  if (c.values.contains("time-limit")) o.time_limit_cap = std::stod(c.get("time-limit"));
  if (c.values.contains("time-budget")) o.time_budget = std::stod(c.get("time-budget"));
  if (c.values.contains("only")) {  // test names, separated by '|'
    std::istringstream names(c.get("only"));
    for (std::string name; std::getline(names, name, '|');) {
      if (!name.empty()) o.only.push_back(name);
    }
  }
  return o;
}

submission_source source_from(const fs::path& p) {
  if (!fs::exists(fs::symlink_status(p))) throw std::runtime_error(p.string() + " does not exist");
  return {p, !fs::is_directory(fs::symlink_status(p))};
}

int cmd_grade(const cli& c) {
  const grade_options o = options_from(c);
  const fs::path from = c.values.contains("submission") ? fs::path(c.get("submission"))
                                                         : o.root / "labs" / o.lab_folder;
  const grade_report r = grade_submission(o, source_from(from), std::cout);
  print_table(r, std::cout, ::isatty(1) != 0);
  const fs::path out = c.get("out", (o.root / "results.json").string());
  write_results_json(r, out);
  std::cout << "Results (Gradescope's format): " << out.string() << "\n";
  return 0;
}

/// The row of a submission whose grading did not finish: every test and case of the manifest, no points.
grade_report grader_error(const manifest& m, const fs::path& submission, const std::string& reason) {
  grade_report r;
  r.lab = m.lab;
  r.title = m.title;
  r.submission = submission.string();
  r.manifest_sha256 = m.sha256;
  r.verdict = "grader error";
  r.reason = reason;
  r.perf_status = "not graded (grader error)";
  r.sandbox = "none (the grading did not finish)";
  for (const manifest_test& mt : m.tests) {
    test_outcome t;
    t.name = mt.name;
    t.visibility = mt.visibility;
    t.max_points = mt.points;
    t.reason = "not run: grader error";
    r.tests.push_back(t);
  }
  for (const manifest_perf_case& c : m.perf) {
    perf_outcome p;
    p.name = c.name;
    p.max_points = c.points;
    r.perf.push_back(p);
  }
  r.max_score = m.test_points();
  return r;
}

/// What the summary's row needs from the results.json a grading process wrote: verdict, reason, score and the points
/// of each test and performance case of the manifest.
grade_report report_from_results(const manifest& m, const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("it wrote no " + file.filename().string());
  const nlohmann::json doc = nlohmann::json::parse(in);
  grade_report r = grader_error(m, doc.at("extra_data").at("submission").get<std::string>(), "");
  r.verdict = doc.at("extra_data").at("verdict").get<std::string>();
  r.reason = doc.at("extra_data").at("reason").get<std::string>();
  r.score = doc.at("score").get<double>();
  r.max_score = doc.at("max_score").get<double>();
  r.perf_counted = doc.contains("leaderboard");  // written exactly when performance counts
  std::map<std::string, double> points;
  for (const nlohmann::json& t : doc.at("tests")) points[t.at("name").get<std::string>()] = t.at("score").get<double>();
  const auto points_of = [&](const std::string& name) { return points.contains(name) ? points[name] : 0.0; };
  for (test_outcome& t : r.tests) t.points = points_of(t.name);
  for (perf_outcome& p : r.perf) p.points = points_of("performance: " + p.name);
  return r;
}

/// The grading process of one batch submission: grades it, writes `results`, exits (never returns). A grader error
/// it can catch is its results' verdict; a crash kills only this process, and cmd_batch reports it.
[[noreturn]] void grade_in_child(const grade_options& o, const manifest& m, const fs::path& archive,
                                 const fs::path& results) {
  int code = 0;
  try {
    // For the grader's own tests only (tests/grader/batch.tests.cpp): this submission's grading crashes.
    const char* crash_on = std::getenv("WS_GRADE_TEST_CRASH_ON");
    if (crash_on != nullptr && archive.filename() == crash_on) std::abort();
    std::ostringstream log;  // per-submission progress stays out of the summary; the failures are in its results
    grade_report r;
    try {
      r = grade_submission(o, {archive, true}, log);
    } catch (const std::exception& e) {
      r = grader_error(m, archive, e.what());
    } catch (...) {
      r = grader_error(m, archive, "an exception that is not a std::exception");
    }
    write_results_json(r, results);
  } catch (...) {
    code = 3;  // no results: cmd_batch says so
  }
  ::_exit(code);  // not exit(): the parent's streams and atexit handlers are the parent's
}

/// Grades every .tar.gz of a folder, each in its own process: a submission that crashes the grader (a bug of ours
/// that only it triggers) is a "grader error" row with the signal, and the batch goes on.
int cmd_batch(const cli& c) {
  const grade_options o = options_from(c);
  const fs::path in = c.need("submissions");
  const fs::path out = c.need("out-dir");
  fs::create_directories(out);
  // Other students' archives and results: without bubblewrap, file permissions keep them from each submission.
  for (const std::string& p : lock_down({in, out})) std::cout << "    made " << p << " unreadable to other users\n";
  std::vector<fs::path> archives;
  for (const fs::directory_entry& e : fs::directory_iterator(in)) {
    if (e.path().filename().string().ends_with(".tar.gz")) archives.push_back(e.path());
  }
  std::sort(archives.begin(), archives.end());
  if (archives.empty()) throw std::runtime_error("no .tar.gz submissions in " + in.string());
  const manifest m = load_manifest(o.root / "solutions" / o.lab_folder / "lab.json");
  const fs::path csv_path = out / "summary.csv";
  std::ofstream csv(csv_path, std::ios::trunc);
  csv << csv_header(m) << "\n";
  std::cout << "==> Grading " << archives.size() << " submissions of lab " << m.lab << " into " << out.string() << "\n";
  int index = 0;
  for (const fs::path& a : archives) {
    ++index;
    const std::string name = a.filename().string();
    const std::string stem = name.substr(0, name.size() - std::string(".tar.gz").size());
    const fs::path results = out / (stem + ".results.json");
    fs::remove(results);  // what is read back below is this grading's, or nothing
    std::cout << std::flush;
    csv << std::flush;  // the child must not inherit buffered text and write it a second time
    std::string failure;
    const pid_t child = ::fork();
    if (child == 0) grade_in_child(o, m, a, results);
    if (child < 0) {
      failure = std::string("cannot start a grading process: ") + std::strerror(errno);
    } else {
      int status = 0;
      while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
      }
      if (WIFSIGNALED(status)) {
        const char* what = ::strsignal(WTERMSIG(status));
        failure = "the grader crashed on this submission: killed by signal " + std::to_string(WTERMSIG(status)) +
                  " (" + (what != nullptr ? what : "unknown") + ")";
      } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        failure = "the grading process exited with code " + std::to_string(WEXITSTATUS(status)) + " without results";
      }
    }
    grade_report r;
    if (failure.empty()) {
      try {
        r = report_from_results(m, results);
      } catch (const std::exception& e) {
        failure = std::string("cannot read the grading's results: ") + e.what();
      }
    }
    if (!failure.empty()) {
      r = grader_error(m, a, failure);
      write_results_json(r, results);
    }
    csv << csv_row(name, r) << "\n" << std::flush;
    std::cout << "  [" << index << "/" << archives.size() << "] " << name << ": " << format_points(r.score) << " / "
              << format_points(r.max_score) << "  " << r.verdict << (r.reason.empty() ? "" : " (" + r.reason + ")")
              << "\n" << std::flush;
  }
  std::cout << "Summary: " << csv_path.string() << "\n";
  return 0;
}

std::string utc_stamp(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, format, &tm);
  return buffer;
}

int cmd_pack(const cli& c) {
  grade_options o = options_from(c);
  o.use_gpu = false;
  const fs::path from = c.need("from");
  const fs::path out_dir = c.need("out-dir");
  const manifest m = load_manifest(o.root / "solutions" / o.lab_folder / "lab.json");
  const read_result r = read_submission_folder(from, m.files);
  if (!r.missing.empty()) throw std::runtime_error(from.string() + " lacks " + r.missing.front());
  const std::string error = build_only(o, {from, false}, std::cout);
  if (!error.empty()) {
    std::cerr << "error: lab " << m.lab << " does not build, so it was not packed. The compiler's first error:\n"
              << error << "\n";
    return 1;
  }
  ws::json::value files = ws::json::value::object();
  for (const submitted_file& f : r.files) files.set(f.name, sha256_hex(f.contents));
  ws::json::value meta = ws::json::value::object();
  meta.set("lab", m.lab)
      .set("title", m.title)
      .set("manifest_sha256", m.sha256)
      .set("created", utc_stamp("%Y-%m-%dT%H:%M:%SZ"))
      .set("files", std::move(files));
  std::vector<submitted_file> contents = r.files;
  contents.push_back({"submission.json", meta.dump() + "\n"});

  fs::create_directories(out_dir);
  const std::string base = "lab" + m.lab + "-" + utc_stamp("%Y%m%d-%H%M%S");
  fs::path out = out_dir / (base + ".tar.gz");
  for (int n = 2; fs::exists(fs::symlink_status(out)); ++n) out = out_dir / (base + "-" + std::to_string(n) + ".tar.gz");
  write_submission_archive(out, contents, static_cast<std::int64_t>(std::time(nullptr)));
  std::cout << "Packed lab " << m.lab << ": " << out.string() << "\n";
  for (const submitted_file& f : r.files) std::cout << "  " << f.name << " (" << f.contents.size() << " bytes)\n";
  std::cout << "Hand this file in. Your instructor grades it with ./course grade " << m.lab << " --submission "
            << out.filename().string() << "\n";
  return 0;
}

/// The manifest and the test file agree: the same test cases, and each one's kind matches its [gpu]/[cpu] tag.
int cmd_check_manifest(const cli& c) {
  const manifest m = load_manifest(c.need("manifest"));
  const std::string tests = fs::absolute(c.need("tests")).string();
  std::map<std::string, std::string> in_binary;
  for (const std::string kind : {"gpu", "cpu"}) {
    const run_result r = run_trusted({tests, "--list-test-names-only", "[" + kind + "]"}, {.wall_seconds = 60},
                                     fs::temp_directory_path());
    if (!r.start_error.empty() || r.signal != 0 || r.timed_out) {
      throw std::runtime_error("cannot list the tests of " + tests + ": " + r.failure_reason());
    }
    std::istringstream lines(r.output);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) in_binary[line] = kind;
    }
  }
  int problems = 0;
  for (const manifest_test& t : m.tests) {
    const auto it = in_binary.find(t.name);
    if (it == in_binary.end()) {
      std::cerr << "lab.json names a test the binary does not have: \"" << t.name << "\"\n";
      ++problems;
    } else if (it->second != t.kind) {
      std::cerr << "\"" << t.name << "\" is tagged [" << it->second << "] but lab.json says kind " << t.kind << "\n";
      ++problems;
    }
  }
  for (const auto& [name, kind] : in_binary) {
    const bool listed = std::any_of(m.tests.begin(), m.tests.end(), [&](const manifest_test& t) { return t.name == name; });
    if (!listed) {
      std::cerr << "the test \"" << name << "\" [" << kind << "] is not in lab.json, so it is worth nothing\n";
      ++problems;
    }
  }
  // Every graded test reports what it checks (tests/support/witness.hpp): the grader's verdict rests on it.
  const fs::path scratch = fs::temp_directory_path() / ("ws-check-manifest-" + std::to_string(::getpid()));
  fs::create_directories(scratch);
  for (const manifest_test& t : m.tests) {
    if (!in_binary.contains(t.name)) continue;
    const fs::path file = scratch / "witness.bin";
    fs::remove(file);
    sandbox_options s;
    s.use_bwrap = false;
    s.workdir = scratch;
    s.env = {{"WS_WITNESS_FILE", file.string()}};
    const run_result r = run_limited({tests, catch2_test_spec(t.name), "--reporter", "compact"},
                                     {.wall_seconds = 600, .cpu_seconds = 1200, .memory_bytes = 8ull << 30}, s);
    std::ifstream in(file, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    std::string error;
    const auto records = parse_witnesses(bytes.str(), error);
    if (r.exit_code != 0) {
      std::cerr << "\"" << t.name << "\" does not pass on the reference solution: " << r.failure_reason() << "\n";
      ++problems;
    } else if (!records || records->empty()) {
      std::cerr << "\"" << t.name << "\" reports no witness (tests/support/witness.hpp), so the grader cannot check "
                   "it outside the learner's process" << (error.empty() ? "" : ": " + error) << "\n";
      ++problems;
    }
  }
  fs::remove_all(scratch);
  if (c.values.contains("perf")) {  // the performance driver has every case the manifest times
    const run_result r = run_trusted({fs::absolute(c.get("perf")).string(), "--list"}, {.wall_seconds = 60},
                                     fs::temp_directory_path());
    for (const manifest_perf_case& pc : m.perf) {
      if (r.output.find(pc.name + "\n") == std::string::npos) {
        std::cerr << "performance case \"" << pc.name << "\" is not a case of " << c.get("perf") << "\n";
        ++problems;
      }
    }
  } else if (!m.perf.empty()) {
    std::cerr << "lab.json has performance cases: pass the lab's driver with --perf to check them\n";
    ++problems;
  }
  if (problems == 0) {
    std::cout << "lab " << m.lab << ": lab.json and the tests agree (" << m.tests.size() << " tests, each with witnesses)\n";
  }
  return problems == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const cli c = parse(argc, argv);
    if (c.command == "grade") return cmd_grade(c);
    if (c.command == "batch") return cmd_batch(c);
    if (c.command == "pack") return cmd_pack(c);
    if (c.command == "check-manifest") return cmd_check_manifest(c);
    throw std::runtime_error("unknown command '" + c.command + "' (grade, batch, pack, check-manifest)");
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
}
