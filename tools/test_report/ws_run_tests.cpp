/// @file ws_run_tests.cpp
/// @brief Runs one Catch2 test binary for `./course check` and prints what a learner needs; keeps the progress file
/// that `./course start` shows.
///
///   ws_run_tests --exe BIN --filter "[gpu]" [--timeout 600] [--root WS_ROOT]
///                [--state build/progress.json --lab NN --part gpu|cpu]
///       Runs BIN FILTER --reporter xml --order decl --out <temporary file>: the XML report goes to a file, so what
///       the learner's code prints (stdout and stderr, read together for sanitizer reports) cannot corrupt it. Prints
///       the first failed checks (paths relative to WS_ROOT), a sanitizer's finding, how a crash ended, a timeout,
///       and "Passed 7 of 7 test cases" / "Failed 2 of 7 test cases". Exit code: 0 when every test case passed,
///       77 when the binary found no GPU (its SKIPPED line is printed; nothing is recorded), 1 otherwise.
///   ws_run_tests --show-state FILE --root WS_ROOT
///       One line per lab in WS_ROOT/labs: "NN<TAB>status" (progress.hpp's lab_status).
///   ws_run_tests --record-build-failed --state FILE --lab NN --root WS_ROOT
///   ws_run_tests --record-grade RESULTS_JSON --state FILE --lab NN --root WS_ROOT
///       What ./course check records when the lab does not compile, and ./course grade after grading labs/.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "progress.hpp"
#include "sanitizer_report.hpp"
#include "test_report.hpp"
#include "text.hpp"

namespace fs = std::filesystem;
using namespace ws_report;

namespace {

constexpr int k_skip_return_code = 77;
/// Failed checks shown; the rest are counted.
constexpr std::size_t k_shown_checks = 8;
/// Failed checks shown per test case.
constexpr std::size_t k_shown_per_case = 2;
/// The XML report is read up to this size (a passing run writes a few KB).
constexpr std::size_t k_max_report_bytes = 64u << 20;
/// Of the output, the first and the last this many bytes are kept.
constexpr std::size_t k_output_half = 256u << 10;

struct options {
  std::string exe, filter, root, state, lab, part;
  double timeout = 600;
  std::string show_state, record_grade;
  bool record_build_failed = false;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "ws_run_tests: " << why << "\n"
            << "usage: ws_run_tests --exe BIN --filter SPEC [--timeout S] [--root DIR] [--state FILE --lab NN --part P]\n"
            << "       ws_run_tests --show-state FILE --root DIR\n"
            << "       ws_run_tests --record-build-failed --state FILE --lab NN --root DIR\n"
            << "       ws_run_tests --record-grade RESULTS_JSON --state FILE --lab NN --root DIR\n";
  std::exit(2);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(a + " needs a value");
      return argv[++i];
    };
    if (a == "--exe") o.exe = value();
    else if (a == "--filter") o.filter = value();
    else if (a == "--root") o.root = value();
    else if (a == "--state") o.state = value();
    else if (a == "--lab") o.lab = value();
    else if (a == "--part") o.part = value();
    else if (a == "--show-state") o.show_state = value();
    else if (a == "--record-grade") o.record_grade = value();
    else if (a == "--record-build-failed") o.record_build_failed = true;
    else if (a == "--timeout") {
      const std::string v = value();
      char* end = nullptr;
      o.timeout = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || !(o.timeout > 0)) usage("--timeout takes seconds, not '" + v + "'");
    } else {
      usage("unknown argument '" + a + "'");
    }
  }
  if (!o.root.empty() && o.root.back() == '/') o.root.pop_back();
  return o;
}

/// labs/NN_* under the root, for a lab number.
fs::path lab_dir(const options& o) {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(fs::path(o.root) / "labs", ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory(ec) && name.size() > 3 && name.compare(0, 2, o.lab) == 0 && name[2] == '_') return e.path();
  }
  throw std::runtime_error("there is no lab " + o.lab + " in " + o.root + "/labs");
}

// --- running the binary ------------------------------------------------------------------------------------------------

struct run_result {
  int exit_code = -1;  ///< when it exited
  int signal = 0;      ///< when a signal ended it
  bool timed_out = false;
  std::string output;  ///< stdout and stderr together, the middle cut when long
};

/// Keeps the first and last k_output_half bytes of what it is given.
class head_tail {
public:
  void add(const char* p, std::size_t n) {
    const std::size_t to_head = std::min(n, k_output_half - std::min(head_.size(), k_output_half));
    head_.append(p, to_head);
    p += to_head;
    n -= to_head;
    if (n == 0) return;
    tail_.append(p, n);
    if (tail_.size() > 2 * k_output_half) {
      cut_ = true;
      tail_.erase(0, tail_.size() - k_output_half);
    }
  }
  std::string text() const {
    if (!cut_) return head_ + tail_;
    return head_ + "\n[... the middle of the output was cut ...]\n" + tail_;
  }

private:
  std::string head_, tail_;
  bool cut_ = false;
};

run_result run(const std::vector<std::string>& args, double timeout) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);  // its own process group: a timeout kills everything it started
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::fprintf(stderr, "ws_run_tests: cannot run %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  ::close(fds[1]);
  run_result r;
  head_tail out;
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  int status = 0;
  bool exited = false;
  double exited_at = 0;
  bool open = true;
  char buf[65536];
  while (open) {
    if (!exited) {
      const pid_t w = ::waitpid(pid, &status, WNOHANG);
      if (w == pid) {
        exited = true;
        exited_at = elapsed();
      }
    }
    // After it exits, what it left running gets a second to close the output.
    if ((!exited && elapsed() > timeout) || (exited && elapsed() - exited_at > 1.0)) {
      if (!exited) r.timed_out = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) {
      const ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n > 0) {
        out.add(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        open = false;
      }
    }
  }
  ::close(fds[0]);
  if (!exited) ::waitpid(pid, &status, 0);
  ::kill(-pid, SIGKILL);  // anything it left behind
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.output = out.text();
  return r;
}

/// The file's first `max` bytes ("" when it cannot be read).
std::string read_head(const fs::path& file, std::size_t max) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes(max, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(max));
  bytes.resize(in ? max : static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return bytes;
}

/// How many test cases `filter` selects (Catch2's --list-test-names-only), or nullopt.
std::optional<std::size_t> count_test_cases(const options& o) {
  const run_result r = run({o.exe, o.filter, "--list-test-names-only"}, 30);
  if (r.exit_code < 0 || r.timed_out) return std::nullopt;
  std::size_t n = 0;
  line_reader lines(r.output);
  for (std::string_view l; lines.next(l);) {
    if (!trim_space(l).empty()) ++n;
  }
  return n;
}

/// The last `n` lines of `text`, printable.
std::vector<std::string> last_lines(std::string_view text, std::size_t n) {
  std::vector<std::string_view> all;
  line_reader lines(text);
  for (std::string_view l; lines.next(l);) {
    all.push_back(l);
    if (all.size() > 4 * n) all.erase(all.begin(), all.end() - static_cast<std::ptrdiff_t>(n));
  }
  while (!all.empty() && trim_space(all.back()).empty()) all.pop_back();
  std::vector<std::string> out;
  for (std::size_t i = all.size() > n ? all.size() - n : 0; i < all.size(); ++i) {
    std::string line;  // printable and cut, but its indentation kept
    append_printable(line, all[i].substr(0, k_max_reason_bytes + 8), false);
    while (!line.empty() && (line.back() == ' ' || line.back() == '?')) line.pop_back();  // a '\r' shows as '?'
    out.push_back(cut(std::move(line), k_max_reason_bytes));
  }
  return out;
}

int run_tests(const options& o) {
  if (o.exe.empty() || o.filter.empty()) usage("--exe and --filter are needed");
  const bool record = !o.state.empty();
  if (record && (o.lab.empty() || o.part.empty() || o.root.empty())) usage("--state needs --lab, --part and --root");
  const std::string strip = o.root.empty() ? "" : o.root + "/";
  const auto show = [&](std::string_view indent, const std::string& line) {
    std::cout << indent << (strip.empty() ? line : replace_all(line, strip, "")) << '\n';
  };

  const char* tmp = std::getenv("TMPDIR");
  std::string name_template = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/ws-run-tests-XXXXXX";
  std::vector<char> xml_name(name_template.begin(), name_template.end());
  xml_name.push_back('\0');
  const int xml_fd = ::mkstemp(xml_name.data());
  if (xml_fd < 0) throw std::runtime_error(std::string("cannot create a temporary file: ") + std::strerror(errno));
  ::close(xml_fd);
  const fs::path xml_file = xml_name.data();
  const run_result r = run({o.exe, o.filter, "--reporter", "xml", "--order", "decl", "--out", xml_file.string()},
                           o.timeout);
  const std::string xml = read_head(xml_file, k_max_report_bytes);
  std::error_code ec;
  fs::remove(xml_file, ec);

  if (r.exit_code == k_skip_return_code) {  // no GPU: the binary said why
    for (const std::string& l : last_lines(r.output, 5)) std::cout << l << '\n';
    return k_skip_return_code;
  }
  if (r.exit_code == 127 && xml.empty()) {
    for (const std::string& l : last_lines(r.output, 5)) std::cout << "    " << l << '\n';
    return 1;
  }

  const test_report report = parse_catch2_xml(xml);
  std::size_t total = report.total_count();
  if (report.ended_early()) total = std::max(total, count_test_cases(o).value_or(0));
  const bool passed = !report.ended_early() && !r.timed_out && r.exit_code == 0 && report.failed_count == 0;

  if (r.timed_out) {
    show("    ", "did not finish in " + std::to_string(static_cast<long>(o.timeout)) +
                   " s: a kernel or loop that never ends?");
    if (const test_case_result* c = report.unfinished()) show("    ", "it was running \"" + c->name + "\"");
  }
  std::vector<std::string> markers{"/labs/", "/solutions/"};
  if (!o.root.empty()) markers = {o.root + "/labs/", o.root + "/solutions/"};
  const std::optional<sanitizer_finding> finding = find_sanitizer_finding(r.output, markers);
  if (finding) {
    for (const std::string& l : finding_lines(*finding, strip)) show("    ", l);
  }
  for (const std::string& e : cudacpu_errors(r.output, 3)) {
    if (!finding || e != finding->backend) show("    ", e);  // the finding's own line is shown with it
  }

  // The first checks of each failed test case (a test case often fails the same check for every size), up to
  // k_shown_checks in all.
  std::size_t shown = 0;
  std::size_t failed_checks = 0;
  for (const test_case_result& c : report.cases) {
    failed_checks += c.failure_count;
    if (c.failures.empty() || shown >= k_shown_checks) continue;
    show("    ", "\"" + c.name + "\":");
    std::size_t here = 0;
    for (const failed_check& check : c.failures) {
      if (shown >= k_shown_checks || here >= k_shown_per_case) break;
      failed_check relative = check;
      if (!strip.empty()) relative.file = replace_all(relative.file, strip, "");
      show("      ", describe_check(relative));
      ++shown;
      ++here;
    }
    if (c.failure_count > here) {
      std::cout << "      ... and " << c.failure_count - here << " more failed checks in this test case\n";
      failed_checks -= c.failure_count - here;  // counted here, not again below
    }
  }
  if (failed_checks > shown) {
    std::cout << "    ... and " << failed_checks - shown << " more failed checks in other test cases\n";
  }

  // A crash (the report stopped) or an exit code no failed check explains: show how the output ended.
  if (!r.timed_out && !finding && (report.ended_early() || (r.exit_code != 0 && report.failed_count == 0))) {
    std::string how = "the tests exited with code " + std::to_string(r.exit_code);
    if (report.ended_early()) {
      how = "the tests stopped before their report was complete";
      how += r.signal != 0 ? " (signal " + std::to_string(r.signal) + ": " + strsignal(r.signal) + ")"
                           : " (exit code " + std::to_string(r.exit_code) + ")";
      if (const test_case_result* c = report.unfinished()) how += " in \"" + c->name + "\"";
    }
    show("    ", how + ". How it ended:");
    for (const std::string& l : last_lines(r.output, 15)) show("      ", l);
  }

  if (total == 0) {
    std::cout << "  No tests ran\n";
  } else if (passed) {
    std::cout << "  Passed " << report.passed_count << " of " << total << " test case" << (total == 1 ? "" : "s") << '\n';
  } else {
    std::cout << "  Failed " << (total - std::min(total, report.passed_count)) << " of " << total << " test case"
              << (total == 1 ? "" : "s") << '\n';
  }

  if (record) {
    part_result part;
    part.result = passed ? "passing" : r.timed_out ? "timed out" : report.ended_early() ? "crashed" : "failing";
    part.total = total;
    part.failed = passed ? 0 : total - std::min(total, report.passed_count);
    part.when = now_utc();
    part.files_hash = lab_files_hash(lab_dir(o));
    update_progress(o.state, [&](progress& p) {
      lab_progress& lab = p.labs[o.lab];
      lab.build_failed.reset();
      lab.parts[o.part] = part;
    });
  }
  return passed ? 0 : 1;
}

int show_state(const options& o) {
  if (o.root.empty()) usage("--show-state needs --root");
  std::string warning;
  const progress state = load_progress(o.show_state, warning);
  if (!warning.empty()) std::cerr << "warning: " << warning << '\n';
  std::vector<fs::path> labs;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(fs::path(o.root) / "labs", ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory(ec) && name.size() > 3 && std::isdigit(static_cast<unsigned char>(name[0])) &&
        std::isdigit(static_cast<unsigned char>(name[1])) && name[2] == '_') {
      labs.push_back(e.path());
    }
  }
  std::sort(labs.begin(), labs.end());
  for (const fs::path& dir : labs) {
    const std::string number = dir.filename().string().substr(0, 2);
    const auto it = state.labs.find(number);
    std::cout << number << '\t' << lab_status(it == state.labs.end() ? nullptr : &it->second, lab_files_hash(dir))
              << '\n';
  }
  return 0;
}

int record_grade(const options& o) {
  if (o.state.empty() || o.lab.empty() || o.root.empty()) usage("--record-grade needs --state, --lab and --root");
  std::ifstream in(o.record_grade, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + o.record_grade);
  const nlohmann::json results = nlohmann::json::parse(in);
  grade_result g;
  g.score = results.at("score").get<double>();
  g.max_score = results.at("max_score").get<double>();
  g.when = now_utc();
  g.files_hash = lab_files_hash(lab_dir(o));
  update_progress(o.state, [&](progress& p) { p.labs[o.lab].grade = g; });
  return 0;
}

int record_build_failed(const options& o) {
  if (o.state.empty() || o.lab.empty() || o.root.empty()) usage("--record-build-failed needs --state, --lab, --root");
  part_result b;
  b.result = "does not build";
  b.when = now_utc();
  b.files_hash = lab_files_hash(lab_dir(o));
  update_progress(o.state, [&](progress& p) {
    lab_progress& lab = p.labs[o.lab];
    lab.parts.clear();
    lab.build_failed = b;
  });
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const options o = parse(argc, argv);
    if (!o.show_state.empty()) return show_state(o);
    if (!o.record_grade.empty()) return record_grade(o);
    if (o.record_build_failed) return record_build_failed(o);
    return run_tests(o);
  } catch (const std::exception& e) {
    std::cerr << "ws_run_tests: " << e.what() << '\n';
    return 2;
  }
}
