/// @file sanitizer_report.tests.cpp
/// @brief The sanitizer reader and failure reasons (tools/test_report/sanitizer_report.hpp): AddressSanitizer and
/// ThreadSanitizer findings with the learner's frames, the lines ./course check prints for them, the CPU backend's
/// errors, one-line descriptions of failed checks, and a reason that prefers a sanitizer's finding to a failed check.
/// (The grader's own reasons on hostile output are tests/grader/output.tests.cpp.)
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sanitizer_report.hpp"
#include "test_report.hpp"
#include "text.hpp"

namespace {

using ws_report::find_sanitizer_finding;
using ws_report::finding_lines;

const std::string k_asan =
    "Randomness seeded to: 1\n"
    "=================================================================\n"
    "==4242==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x60b000000170 at pc 0x55d4c1e2 bp 0x7ffd\n"
    "READ of size 4 at 0x60b000000170 thread T3\n"
    "    #0 0x55d4c1e1 in ws_cudacpu::run_block(ws_cudacpu::launch const&) /r/common/cudacpu/src/run.cpp:88\n"
    "    #1 0x55d4c1e2 in lab01::vector_add_kernel(float const*, float const*, float*, int) "
    "/r/labs/01_vector_add/vector_add.cu:32\n"
    "    #2 0x55d4c1e3 in lab01::launch_vector_add(float const*, float const*, float*, int) "
    "/r/labs/01_vector_add/vector_add.cu:51\n"
    "    #3 0x55d4c1e4 in main /r/labs/01_vector_add/vector_add.cu:60\n"
    "\n"
    "SUMMARY: AddressSanitizer: heap-buffer-overflow /r/labs/01_vector_add/vector_add.cu:32 in lab01::f\n";

const std::string k_tsan =
    "==================\n"
    "WARNING: ThreadSanitizer: data race (pid=977)\n"
    "  Write of size 4 at 0x7b0400000010 by thread T2:\n"
    "    #0 lab05::reduce_kernel(float const*, float*, long) /r/labs/05_reductions/reduce.cu:41:9 (lab05_tests+0x1a2b)\n"
    "    #1 cudacpu::run_block() /r/common/cudacpu/src/scheduler.cpp:300 (lab05_tests+0x1a2c)\n"
    "\n"
    "  Previous read of size 4 at 0x7b0400000010 by thread T1:\n"
    "    #0 lab05::reduce_kernel(float const*, float*, long) /r/labs/05_reductions/reduce.cu:39:5 (lab05_tests+0x1a00)\n"
    "\n"
    "SUMMARY: ThreadSanitizer: data race /r/labs/05_reductions/reduce.cu:41:9 in lab05::reduce_kernel\n"
    "==================\n";

/// A file of tests/test_report/data.
std::string data(const std::string& name) {
  std::ifstream in(std::string(WS_TEST_REPORT_DATA) + "/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// `text` without the line that contains `part` (and its '\n').
std::string without_line(std::string text, const std::string& part) {
  const std::size_t at = text.find(part);
  REQUIRE(at != std::string::npos);
  const std::size_t begin = text.rfind('\n', at) + 1;
  text.erase(begin, text.find('\n', at) + 1 - begin);
  return text;
}

}  // namespace

TEST_CASE("an AddressSanitizer report: headline, access, the learner's frames, summary", "[sanitizer]") {
  const auto f = find_sanitizer_finding(k_asan, {"/labs/", "/solutions/"});
  REQUIRE(f);
  CHECK(f->checker == "memory checker");
  CHECK(f->kind == "heap-buffer-overflow");
  CHECK(f->headline == "ERROR: AddressSanitizer: heap-buffer-overflow on address 0x60b000000170");
  REQUIRE(f->accesses.size() == 1);
  CHECK(f->accesses[0].what == "READ of size 4");
  REQUIRE(f->accesses[0].frames.size() == 3);
  CHECK(f->accesses[0].frames[0].function == "lab01::vector_add_kernel");
  CHECK(f->accesses[0].frames[0].location == "/r/labs/01_vector_add/vector_add.cu:32");
  CHECK(f->where == "vector_add.cu:32 (lab01::vector_add_kernel)");
  CHECK(finding_lines(*f, "/r/") ==
        std::vector<std::string>{"ERROR: AddressSanitizer: heap-buffer-overflow on address 0x60b000000170",
                                 "READ of size 4",
                                 "  at labs/01_vector_add/vector_add.cu:32 (lab01::vector_add_kernel)",
                                 "  at labs/01_vector_add/vector_add.cu:51 (lab01::launch_vector_add)",
                                 "SUMMARY: AddressSanitizer: heap-buffer-overflow labs/01_vector_add/vector_add.cu:32 "
                                 "in lab01::f"});
  CHECK_FALSE(find_sanitizer_finding("all fine\n", {"/labs/"}));
}

TEST_CASE("a ThreadSanitizer report: both accesses with their frames in the learner's files", "[sanitizer]") {
  const auto f = find_sanitizer_finding(k_tsan, {"/labs/"});
  REQUIRE(f);
  CHECK(f->checker == "race checker");
  CHECK(f->kind == "data race");
  CHECK(f->headline == "WARNING: ThreadSanitizer: data race");
  REQUIRE(f->accesses.size() == 2);
  CHECK(f->accesses[0].what == "Write of size 4");
  CHECK(f->accesses[1].what == "Previous read of size 4");
  REQUIRE(f->accesses[0].frames.size() == 1);
  CHECK(f->accesses[0].frames[0].function == "lab05::reduce_kernel");
  CHECK(f->accesses[0].frames[0].location == "/r/labs/05_reductions/reduce.cu:41:9");
  CHECK(ws_report::sanitizer_reason(k_tsan, "/r/labs/") ==
        "race checker: data race, Write of size 4 at reduce.cu:41:9 (lab05::reduce_kernel), previous read at "
        "reduce.cu:39:5 (lab05::reduce_kernel)");
  const auto lines = finding_lines(*f, "/r/");
  CHECK(lines.size() == 6);
  CHECK(lines[2] == "  at labs/05_reductions/reduce.cu:41:9 (lab05::reduce_kernel)");
}

// cudacpu_race_shared.out: what tests/cudacpu/bug_race_shared.cu printed in races mode (WS_CPU_THREADS=1), the
// checkout's path replaced by /r/: TSan's report, then the backend's line (common/cudacpu/src/race_report.cpp).
TEST_CASE("the CPU backend's race report: both accesses, and its line in CUDA's terms first", "[sanitizer]") {
  const std::string out = data("cudacpu_race_shared.out");
  const std::string backend =
      "cudacpu: error: /r/tests/cudacpu/bug_race_shared.cu:12: data race on __shared__ tile[32] (declared at "
      "bug_race_shared.cu:8) in block (1,0,0): read by thread (31,0,0) at bug_race_shared.cu:12, then write by thread "
      "(32,0,0) at bug_race_shared.cu:10; no __syncthreads() between these lines";
  const auto f = find_sanitizer_finding(out, {"/r/tests/"});
  REQUIRE(f);
  CHECK(f->backend == backend);
  REQUIRE(f->accesses.size() == 2);
  CHECK(f->accesses[0].what == "Write of size 4");
  CHECK(f->accesses[1].what == "Previous read of size 4");
  // Each access keeps its learner frames: the kernel's line, then the launch (the translator's lambda).
  REQUIRE(f->accesses[1].frames.size() == 2);
  CHECK(f->accesses[1].frames[0].location == "/r/tests/cudacpu/bug_race_shared.cu:12");
  CHECK(f->accesses[1].frames[0].function == "reverse_block");
  CHECK(f->accesses[1].frames[1].location == "/r/tests/cudacpu/bug_race_shared.cu:20");
  CHECK(f->accesses[1].frames[1].function == "operator()");
  CHECK(finding_lines(*f, "/r/") ==
        std::vector<std::string>{"WARNING: ThreadSanitizer: data race",
                                 ws_report::one_line(ws_report::replace_all(backend, "/r/", "")),
                                 "Write of size 4",
                                 "  at tests/cudacpu/bug_race_shared.cu:10 (reverse_block)",
                                 "  at tests/cudacpu/bug_race_shared.cu:20 (operator())",
                                 "Previous read of size 4",
                                 "  at tests/cudacpu/bug_race_shared.cu:12 (reverse_block)",
                                 "  at tests/cudacpu/bug_race_shared.cu:20 (operator())",
                                 "SUMMARY: ThreadSanitizer: data race tests/cudacpu/bug_race_shared.cu:10 in "
                                 "reverse_block(float*, bool)"});
  // The one-line reason is the backend's: both lines, the variable, the CUDA threads.
  CHECK(ws_report::sanitizer_reason(out, "/r/tests/") ==
        "race checker: data race on __shared__ tile[32] (declared at bug_race_shared.cu:8) in block (1,0,0): read by "
        "thread (31,0,0) at bug_race_shared.cu:12, then write by thread (32,0,0) at bug_race_shared.cu:10; no "
        "__syncthreads() between these lines");

  // Without the backend's line (another runtime), the reason still names both accesses.
  const std::string tsan_only = without_line(out, "cudacpu: error:");
  CHECK(find_sanitizer_finding(tsan_only, {"/r/tests/"})->backend.empty());
  CHECK(ws_report::sanitizer_reason(tsan_only, "/r/tests/") ==
        "race checker: data race, Write of size 4 at bug_race_shared.cu:10 (reverse_block), previous read at "
        "bug_race_shared.cu:12 (reverse_block)");

  // A backend line far from the report (another report's, k_backend_lines on) is not this one's.
  std::string far = tsan_only;
  far.insert(far.find("ThreadSanitizer: reported"), std::string(10, '\n') + backend + "\n");
  CHECK(find_sanitizer_finding(far, {"/r/tests/"})->backend.empty());
}

TEST_CASE("an access whose stack ThreadSanitizer lost says so", "[sanitizer]") {
  const std::string out = "WARNING: ThreadSanitizer: data race (pid=1)\n"
                          "  Read of size 4 at 0x7b0400000010 by thread T2:\n"
                          "    #0 k(float*) /r/labs/03_matmul_gpu/matmul_gpu.cu:113:5 (t+0x1)\n"
                          "\n"
                          "  Previous write of size 4 at 0x7b0400000010 by thread T1:\n"
                          "    [failed to restore the stack]\n"
                          "\n"
                          "SUMMARY: ThreadSanitizer: data race /r/labs/03_matmul_gpu/matmul_gpu.cu:113:5 in k\n";
  const auto f = find_sanitizer_finding(out, {"/r/labs/"});
  REQUIRE(f);
  REQUIRE(f->accesses.size() == 2);
  CHECK_FALSE(f->accesses[0].stack_lost);
  CHECK(f->accesses[1].stack_lost);
  const auto lines = finding_lines(*f, "/r/");
  REQUIRE(lines.size() == 6);
  CHECK(lines[3] == "Previous write of size 4");
  CHECK(lines[4] == "  (ThreadSanitizer no longer had this access's stack)");
}

TEST_CASE("the CPU backend's errors are listed once each", "[sanitizer]") {
  const std::string out = "x cudacpu: error: a.cu:3: too many threads\ncudacpu: error: a.cu:3: too many threads\n"
                          "cudacpu: error: b.cu:4: \x1b[31mred\ncudacpu: error: c.cu:5: z\n";
  CHECK(ws_report::cudacpu_errors(out, 2) ==
        std::vector<std::string>{"cudacpu: error: a.cu:3: too many threads", "cudacpu: error: b.cu:4: ?[31mred"});
}

TEST_CASE("a failed check in one line; a sanitizer's finding outranks it", "[sanitizer]") {
  ws_report::failed_check c;
  c.file = "tests/t.cpp";
  c.line = 42;
  c.macro = "REQUIRE";
  c.expression = "x == 2";
  c.expanded = "1 == 2";
  c.message = "n = 3\nblock = 32";
  CHECK(ws_report::describe_check(c) == "tests/t.cpp:42: failed: REQUIRE( x == 2 ) for: 1 == 2 with: n = 3; block = 32");
  c.expression.clear();
  c.macro = "exception";
  c.message = "std::bad_alloc";
  CHECK(ws_report::describe_check(c) == "tests/t.cpp:42: failed: unexpected exception: std::bad_alloc");

  const ws_report::test_report r = ws_report::parse_catch2_xml(
      "<Catch><TestCase name=\"a\"><OverallResult success=\"true\"/></TestCase><TestCase name=\"b\">"
      "<Expression success=\"false\" type=\"CHECK\" filename=\"t.cpp\" line=\"9\"><Original>ok</Original>"
      "<Expanded>false</Expanded></Expression><OverallResult success=\"false\"/></TestCase></Catch>");
  CHECK(ws_report::failure_reason(r, "b", "", "") == "t.cpp:9: failed: CHECK( ok ) for: false");
  CHECK(ws_report::failure_reason(r, "", "", "") == "t.cpp:9: failed: CHECK( ok ) for: false");
  CHECK(ws_report::failure_reason(r, "a", "", "").empty());
  CHECK(ws_report::failure_reason(r, "b", k_asan, "/r/labs/") ==
        "memory checker: heap-buffer-overflow, READ of size 4 at vector_add.cu:32 (lab01::vector_add_kernel)");
}
