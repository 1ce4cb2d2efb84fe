/// @file report.cpp
/// @brief results.json (Gradescope's format), the learner's table and the instructor's CSV.
#include "report.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include <ws/json.hpp>

namespace ws_grade {

namespace {

std::string summary_text(const grade_report& r) {
  std::ostringstream out;
  out << "Lab " << r.lab << " (" << r.title << "): " << format_points(r.score) << " / " << format_points(r.max_score)
      << "\n";
  if (r.verdict == "rejected") out << "The submission was rejected: " << r.reason << "\n";
  if (r.verdict == "build failed") out << "The submission does not compile. The compiler's first error:\n" << r.details << "\n";
  out << "Performance: " << r.perf_status << "\n";
  out << "Sandbox: " << r.sandbox << "\n";
  for (const std::string& note : r.notes) out << "Note: " << note << "\n";
  return out.str();
}

std::string test_text(const test_outcome& t) {
  std::ostringstream out;
  if (t.passed) {
    out << "Passed on " << t.ran_on << " in " << std::lround(t.seconds * 1000) << " ms.";
    return out.str();
  }
  out << t.reason;
  if (!t.ran_on.empty()) out << "\n(ran on " << t.ran_on << ")";
  if (!t.output.empty()) {
    // The end of the run is where the failures and the sanitizer's report are.
    const std::size_t keep = 4000;
    out << "\n\n" << (t.output.size() > keep ? "[...]\n" + t.output.substr(t.output.size() - keep) : t.output);
  }
  return out.str();
}

std::string perf_text(const perf_outcome& p) {
  if (!p.note.empty()) return p.note;
  char buffer[200];
  std::snprintf(buffer, sizeof buffer, "%.3f ms vs the reference's %.3f ms (%.2fx): %s of %s points", p.learner_ms,
                p.reference_ms, p.learner_ms / p.reference_ms, format_points(p.points).c_str(),
                format_points(p.max_points).c_str());
  return buffer;
}

std::string csv_field(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += "\"\"";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out + "\"";
}

}  // namespace

std::string format_points(double points) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", points);
  std::string s = buffer;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

void write_results_json(const grade_report& r, const std::filesystem::path& out) {
  using ws::json::value;
  value tests = value::array();
  int number = 1;
  for (const test_outcome& t : r.tests) {
    value v = value::object();
    v.set("name", t.name)
        .set("number", std::to_string(number++))
        .set("score", t.points)
        .set("max_score", t.max_points)
        .set("status", t.passed ? "passed" : "failed")
        .set("output", test_text(t))
        .set("visibility", t.visibility);
    tests.push_back(std::move(v));
  }
  value leaderboard = value::array();
  if (r.perf_counted) {
    for (const perf_outcome& p : r.perf) {
      value v = value::object();
      v.set("name", "performance: " + p.name)
          .set("number", std::to_string(number++))
          .set("score", p.points)
          .set("max_score", p.max_points)
          .set("status", p.points >= p.max_points ? "passed" : "failed")
          .set("output", perf_text(p))
          .set("visibility", "visible");
      tests.push_back(std::move(v));
      if (p.learner_ms > 0) {
        value entry = value::object();
        entry.set("name", p.name + " (ms)").set("value", p.learner_ms).set("order", "asc");
        leaderboard.push_back(std::move(entry));
      }
    }
  }
  value extra = value::object();
  extra.set("lab", r.lab)
      .set("verdict", r.verdict)
      .set("reason", r.reason)
      .set("performance", r.perf_status)
      .set("sandbox", r.sandbox)
      .set("manifest_sha256", r.manifest_sha256)
      .set("submission", r.submission);
  value doc = value::object();
  doc.set("score", r.score)
      .set("max_score", r.max_score)
      .set("execution_time", static_cast<std::int64_t>(std::lround(r.seconds)))
      .set("output", summary_text(r))
      .set("output_format", "text")
      .set("tests", std::move(tests));
  if (r.perf_counted) doc.set("leaderboard", std::move(leaderboard));
  doc.set("extra_data", std::move(extra));

  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
  const std::filesystem::path temp = out.string() + ".tmp";
  ws::json::write_file(temp, doc);
  std::filesystem::rename(temp, out);
}

void print_table(const grade_report& r, std::ostream& out, bool colour) {
  const char* bold = colour ? "\033[1m" : "";
  const char* red = colour ? "\033[31m" : "";
  const char* green = colour ? "\033[32m" : "";
  const char* dim = colour ? "\033[2m" : "";
  const char* reset = colour ? "\033[0m" : "";
  out << "\n" << bold << "Lab " << r.lab << ": " << r.title << reset << "\n";
  if (r.verdict == "rejected") out << red << "  The submission was rejected: " << r.reason << reset << "\n";
  if (r.verdict == "build failed") {
    out << red << "  It does not compile. The compiler's first error:" << reset << "\n";
    std::istringstream lines(r.details);
    for (std::string line; std::getline(lines, line);) out << "    " << line << "\n";
  }
  out << "\n  " << bold << "points  status  test" << reset << "\n";
  for (const test_outcome& t : r.tests) {
    char points[32];
    std::snprintf(points, sizeof points, "%6s", (format_points(t.points) + "/" + format_points(t.max_points)).c_str());
    out << "  " << points << "  " << (t.passed ? green : red) << (t.passed ? "passed" : "FAILED") << reset << "  "
        << t.name;
    if (t.visibility != "visible") out << dim << "  (" << t.visibility << " on Gradescope)" << reset;
    out << "\n";
    if (!t.passed && r.verdict == "graded") out << "                  " << dim << "-> " << reset << t.reason << "\n";
  }
  out << "\n  Performance: " << r.perf_status << "\n";
  if (r.perf_counted) {
    for (const perf_outcome& p : r.perf) {
      char points[32];
      std::snprintf(points, sizeof points, "%6s", (format_points(p.points) + "/" + format_points(p.max_points)).c_str());
      out << "  " << points << "  " << p.name << ": " << perf_text(p) << "\n";
    }
  }
  for (const std::string& note : r.notes) out << "  Note: " << note << "\n";
  out << "  Sandbox: " << r.sandbox << "\n";
  out << "\n" << bold << "Score: " << format_points(r.score) << " / " << format_points(r.max_score) << reset;
  if (!r.perf_counted && !r.perf.empty()) out << " (performance not graded: no GPU)";
  out << "\n";
}

std::string csv_header(const manifest& m) {
  std::string h = "submission,verdict,score,max_score";
  for (const manifest_test& t : m.tests) h += "," + csv_field(t.name);
  for (const manifest_perf_case& c : m.perf) h += "," + csv_field("performance: " + c.name);
  return h + ",reason";
}

std::string csv_row(const std::string& submission, const grade_report& r) {
  std::string row = csv_field(submission) + "," + csv_field(r.verdict) + "," + format_points(r.score) + "," +
                    format_points(r.max_score);
  for (const test_outcome& t : r.tests) row += "," + format_points(t.points);
  for (const perf_outcome& p : r.perf) row += "," + (r.perf_counted ? format_points(p.points) : std::string());
  return row + "," + csv_field(r.reason);
}

}  // namespace ws_grade
