/// @file output_fuzz.cpp
/// @brief libFuzzer target for the readers of a run's output: Catch2's XML report (tools/test_report/test_report.cpp),
/// the sanitizer reader and failure reasons (sanitizer_report.cpp) and the build log's first error
/// (tools/grader/output.cpp) must never crash, hang or return unbounded or unprintable text, whatever the learner's
/// program wrote.
///
/// Built with clang only (tests/grader/CMakeLists.txt), with AddressSanitizer and UBSan, and run by the ctest
/// `grader.fuzz.output` for a bounded time from the seeds in corpus/. By hand:
///   build/ci/tests/grader/output_fuzz -max_len=65536 /tmp/new-corpus tests/grader/fuzz/corpus
/// An input's first line (up to 200 bytes) is the learner's path prefix / the path to strip; the rest is the output,
/// read both as a run's output and as its XML report.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "output.hpp"
#include "sanitizer_report.hpp"
#include "test_report.hpp"

namespace {

/// Stops the run (and so the fuzzer, which records the input) when `ok` is false.
void expect(bool ok) {
  if (!ok) std::abort();
}

bool printable(std::string_view s, bool newlines) {
  return std::all_of(s.begin(), s.end(), [&](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 0x20 && u != 0x7f) || (newlines && c == '\n');
  });
}

void expect_field(std::string_view s, bool newlines) {
  expect(s.size() <= ws_report::k_max_field_bytes + 3);
  expect(printable(s, newlines));
}

void expect_reason(std::string_view s) {
  expect(s.size() <= ws_report::k_max_reason_bytes + 3);
  expect(printable(s, false));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.substr(0, 200).find('\n');
  const std::string_view prefix = newline == std::string_view::npos ? std::string_view() : input.substr(0, newline);
  const std::string_view output = newline == std::string_view::npos ? input : input.substr(newline + 1);

  // The XML report.
  const ws_report::test_report report = ws_report::parse_catch2_xml(output);
  expect(report.cases.size() <= ws_report::k_max_cases_kept);
  expect(report.total_count() >= report.cases.size());
  expect(!report.complete || report.started);
  for (const ws_report::test_case_result& c : report.cases) {
    expect_field(c.name, false);
    expect_field(c.file, false);
    expect_field(c.std_out, true);
    expect_field(c.std_err, true);
    expect(c.failures.size() <= ws_report::k_max_failures_kept && c.failures.size() <= c.failure_count);
    expect(!c.passed || c.finished);
    for (const ws_report::failed_check& f : c.failures) {
      for (const std::string* s : {&f.expression, &f.expanded, &f.message}) expect_field(*s, true);
      for (const std::string* s : {&f.file, &f.macro, &f.section}) expect_field(*s, false);
      expect_reason(ws_report::describe_check(f));
    }
  }
  const std::string first_name = report.cases.empty() ? "" : report.cases.front().name;

  // The output: sanitizers, the CPU backend, the reasons.
  for (const std::string_view p : {std::string_view(), prefix}) {
    expect_reason(ws_report::sanitizer_reason(output, p));
    expect_reason(ws_report::failure_reason(report, first_name, output, p));
    if (const auto f = ws_report::find_sanitizer_finding(output, {std::string(p), "/labs/"})) {
      for (const std::string& line : ws_report::finding_lines(*f, p)) {
        expect(line.size() <= ws_report::k_max_reason_bytes + 5);
        expect(printable(line, false));
      }
    }
  }
  for (const std::string& e : ws_report::cudacpu_errors(output, 4)) expect_reason(e);

  // The build log.
  const int context = static_cast<int>(size % 64) - 8;  // negative and over-large contexts too
  for (const int c : {8, context}) {
    const std::string error = ws_grade::first_compiler_error(output, prefix, c);
    expect(error.size() <= 52 * (ws_grade::k_max_line_bytes + 1));
    expect(printable(error, true));
  }
  return 0;
}
