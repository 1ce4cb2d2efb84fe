/// @file output.tests.cpp
/// @brief The grader's reasons for a failed run (ws_report::sanitizer_reason and failure_reason, tools/test_report)
/// and for a failed build (first_compiler_error, tools/grader/output.hpp): the usual outputs of AddressSanitizer,
/// compute-sanitizer and the CPU backend give the usual one-line reasons, a sanitizer's finding outranks the failed
/// check of Catch2's report it caused, and hostile output (a 30,000-byte sanitizer banner, a 10 MB line, NUL bytes,
/// walls of '=') gives a short, printable reason quickly.
///
/// The 30,000-byte banner is the regression: std::regex_replace overflowed the stack on it and killed ws_grade.
/// tests/grader/fuzz/output_fuzz.cpp looks for more inputs of that kind.
#include "output.hpp"
#include "sanitizer_report.hpp"
#include "test_report.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using ws_grade::first_compiler_error;

/// The grader's reason from a run's output alone (no report: the process never wrote one).
std::string failure_from_output(std::string_view output, std::string_view learner_prefix = {}) {
  return ws_report::failure_reason(ws_report::test_report{}, "", output, learner_prefix);
}

using namespace std::string_literals;

/// What the CPU backend's memory checker prints for lab 01's missing bounds check (the first frame is ours).
const std::string k_asan_report =
    "Filters: vector add on the GPU matches the CPU reference on sizes around the block size\n"
    "=================================================================\n"
    "==4242==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x60b000000170 at pc 0x55d4c1e2 bp 0x7ffd "
    "sp 0x7ffd\n"
    "READ of size 4 at 0x60b000000170 thread T3\n"
    "    #0 0x55d4c1e1 in ws_cudacpu::run_block(ws_cudacpu::launch const&) /work/main/common/cudasim/src/run.cpp:88\n"
    "    #1 0x55d4c1e2 in lab01::vector_add_kernel(float const*, float const*, float*, int) "
    "/work/main/build/grade/graded/01_vector_add/vector_add.cu:32\n"
    "    #2 0x55d4c1e3 in lab01::launch_vector_add(float const*, float const*, float*, int) "
    "/work/main/build/grade/graded/01_vector_add/vector_add.cu:51\n"
    "\n"
    "SUMMARY: AddressSanitizer: heap-buffer-overflow /work/main/common/cudasim/src/launch.cpp:88 in run_block\n";

const std::string k_asan_reason =
    "memory checker: heap-buffer-overflow, READ of size 4 at vector_add.cu:32 (lab01::vector_add_kernel)";

/// Checks what every reason must be, whatever the input: one printable line of bounded size.
void check_printable_line(const std::string& reason) {
  INFO(reason.substr(0, 600));
  CHECK(reason.size() <= ws_grade::k_max_reason_bytes + 3);
  for (const char c : reason) {
    const auto u = static_cast<unsigned char>(c);
    CHECK((u >= 0x20 && u != 0x7f));
  }
}

}  // namespace

// --- usual outputs ---------------------------------------------------------------------------------------------------

TEST_CASE("an AddressSanitizer report gives its kind, the access and the first frame in the learner's files",
          "[output]") {
  CHECK(failure_from_output(k_asan_report) == k_asan_reason);
  // A failed check the out-of-bounds read caused is in Catch2's report, but the sanitizer's finding wins.
  const ws_report::test_report report = ws_report::parse_catch2_xml(
      "<Catch><TestCase name=\"t\"><Expression success=\"false\" type=\"CHECK\" filename=\"tests/lab01.tests.cpp\" "
      "line=\"40\"><Original>ok</Original><Expanded>false</Expanded></Expression><OverallResult success=\"false\"/>"
      "</TestCase></Catch>");
  CHECK(ws_report::failure_reason(report, "t", "") == "tests/lab01.tests.cpp:40: failed: CHECK( ok ) for: false");
  CHECK(ws_report::failure_reason(report, "t", k_asan_report) == k_asan_reason);
  // A WRITE, with no frame in the learner's files: the kind and the access only.
  CHECK(failure_from_output("==7==ERROR: AddressSanitizer: stack-buffer-overflow on address 0x7ff at pc 0x1\n"
                            "WRITE of size 8 at 0x7ff0001 thread T0\n"
                            "    #0 0x1 in main /work/main/tests/support/ws_test_main.cpp:14\n") ==
        "memory checker: stack-buffer-overflow, WRITE of size 8");
}

TEST_CASE("the learner's files are found under a caller's path prefix as well as under /graded/", "[output]") {
  const std::string moved = "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x6 at pc 0x1\n"
                            "READ of size 4 at 0x6000 thread T0\n"
                            "    #0 0x1 in ws_cudacpu::run_block() /w/common/cudasim/src/launch.cpp:88\n"
                            "    #1 0x2 in lab03::matmul_kernel_tiled(float const*) /w/build/x/src/matmul_gpu.cu:70\n";
  CHECK(failure_from_output(moved) == "memory checker: heap-use-after-free, READ of size 4");
  CHECK(failure_from_output(moved, "/w/build/x/src/") ==
        "memory checker: heap-use-after-free, READ of size 4 at matmul_gpu.cu:70 (lab03::matmul_kernel_tiled)");
  CHECK(failure_from_output(k_asan_report, "/nowhere/") == k_asan_reason);
}

TEST_CASE("a SUMMARY line alone, compute-sanitizer and the CPU backend give their lines", "[output]") {
  CHECK(failure_from_output("x\nSUMMARY: AddressSanitizer: SEGV (/lib/libc.so.6+0x1) in memcpy\n") ==
        "SUMMARY: AddressSanitizer: SEGV (/lib/libc.so.6+0x1) in memcpy");
  CHECK(failure_from_output("========= COMPUTE-SANITIZER\n"
                            "========= Invalid __global__ read of size 4 bytes\n"
                            "=========     at 0x70 in vector_add_kernel(const float *, int)\n"
                            "========= ERROR SUMMARY: 1 error\n") == "Invalid __global__ read of size 4 bytes");
  CHECK(failure_from_output("Randomness seeded to: 1\n"
                            "cudacpu: error: vector_add.cu:12: a block of 2048 threads is over the limit of 1024\n") ==
        "cudacpu: error: vector_add.cu:12: a block of 2048 threads is over the limit of 1024");
  // Catch2's text is not read: the failed checks come from its XML report (tools/test_report).
  CHECK(failure_from_output("/w/tests/lab01_vector_add.tests.cpp:42: failed: report.ok() for: false\n").empty());
  CHECK(failure_from_output("All tests passed (3 assertions in 1 test case)\n").empty());
  CHECK(failure_from_output("").empty());
}

TEST_CASE("a long line is cut to the reason's size, on a UTF-8 boundary", "[output]") {
  const std::string reason = failure_from_output("cudacpu: error: " + std::string(500, 'x') + "\n");
  CHECK(reason.size() == ws_grade::k_max_reason_bytes + 3);
  CHECK_THAT(reason, StartsWith("cudacpu: error: xxx"));
  // "é" is two bytes; cutting between them would leave invalid UTF-8 behind.
  std::string accents = "cudacpu: error:  ";  // 17 bytes: byte 400 is the second of a pair
  while (accents.size() < 600) accents += "\xC3\xA9";
  const std::string cut = failure_from_output(accents);
  REQUIRE(cut.size() >= 4);
  CHECK(cut.substr(cut.size() - 3) == "...");
  CHECK(cut.substr(cut.size() - 5, 2) == "\xC3\xA9");
}

TEST_CASE("the first compiler error keeps gcc's In function line and a few lines after it, paths shortened",
          "[output]") {
  const std::string log = "[1/3] Building CUDA object graded/x.o\n"
                          "FAILED: graded/x.o\n"
                          "/b/graded/01_vector_add/vector_add.cu: In function 'void f()':\n"
                          "/b/graded/01_vector_add/vector_add.cu:12:5: error: 'y' was not declared in this scope\n"
                          "   12 |     y = 1;\n"
                          "      |     ^\n"
                          "ninja: build stopped: subcommand failed.\n";
  CHECK(first_compiler_error(log, "/b/graded/01_vector_add/") ==
        "vector_add.cu: In function 'void f()':\n"
        "vector_add.cu:12:5: error: 'y' was not declared in this scope\n"
        "   12 |     y = 1;\n"
        "      |     ^");
  CHECK(first_compiler_error(log, "/b/graded/01_vector_add/", 1) ==
        "vector_add.cu: In function 'void f()':\nvector_add.cu:12:5: error: 'y' was not declared in this scope\n"
        "   12 |     y = 1;");
  CHECK(first_compiler_error("/usr/bin/ld: x.o: undefined reference to `lab01::f()'\n", "") ==
        "/usr/bin/ld: x.o: undefined reference to `lab01::f()'");
  CHECK(first_compiler_error("[1/2] ok\n[2/2] ok\n", "/b/").empty());
}

// --- hostile outputs -------------------------------------------------------------------------------------------------

TEST_CASE("a 30,000-byte AddressSanitizer banner on one line gives a short reason (std::regex crashed on it)",
          "[output]") {
  for (const char fill : {'A', '=', '(', ' ', '-'}) {
    const std::string line = "==1==ERROR: AddressSanitizer: " + std::string(30000, fill);
    const std::string reason = failure_from_output(line + "\nREAD of size 4 at 0x1 thread T0\n" + line);
    INFO("fill '" << fill << "'");
    CHECK_THAT(reason, StartsWith("memory checker: "));
    check_printable_line(reason);
  }
}

TEST_CASE("a 10 MB line is looked at only in its first few KB, and quickly", "[output]") {
  const auto started = std::chrono::steady_clock::now();
  std::string huge(10u << 20, 'x');
  huge.replace(huge.size() / 2, 16, "cudacpu: error: ");  // far past what is looked at
  CHECK(failure_from_output(huge).empty());
  CHECK(failure_from_output(huge, std::string(5000, '/')).empty());
  CHECK(first_compiler_error("a.cu:1: error: " + huge, std::string(3000, 'x')).size() <= ws_grade::k_max_line_bytes);

  huge.replace(0, 30, "==1==ERROR: AddressSanitizer: ");
  check_printable_line(failure_from_output(huge));
  check_printable_line(failure_from_output("cudacpu: error: " + huge));
  check_printable_line(failure_from_output(std::string(10u << 20, '\n') + "cudacpu: error: x"));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(seconds < 5);  // milliseconds in practice; a quadratic scan would take minutes
}

TEST_CASE("NUL and other control bytes in the output come back as '?'", "[output]") {
  const std::string nul_check = "cudacpu: error: a\0b for: \x1b[31m1 == 2 \xC2\x9B\r\n"s;
  const std::string reason = failure_from_output(nul_check);
  CHECK(reason == "cudacpu: error: a?b for: ?[31m1 == 2 ?");
  check_printable_line(failure_from_output("\0\0\0==1==ERROR: AddressSanitizer: \0\0\n"
                                           "READ of size 4 at 0x\0 \0\n"
                                           "    #0 0x1 in \0 /graded/\0\n"s));
  CHECK(failure_from_output(std::string(1000, '\0')).empty());
  const std::string error = first_compiler_error("a.cu:1:1: error: \0x\n\0\n"s, "");
  CHECK(error == "a.cu:1:1: error: ?x\n?");
}

TEST_CASE("lines of nothing but '=' give no reason", "[output]") {
  std::string walls;
  for (int i = 0; i < 100; ++i) walls += std::string(static_cast<std::size_t>(1 + i * 300), '=') + "\n";
  CHECK(failure_from_output(walls).empty());
  CHECK(failure_from_output(std::string(30000, '=')).empty());
  CHECK(failure_from_output("=========\n========= \n==========\n").empty());
  CHECK(first_compiler_error(walls, "=").empty());
}

TEST_CASE("stack frames of odd shapes neither crash nor claim a learner's line", "[output]") {
  const std::string head = "==1==ERROR: AddressSanitizer: SEGV on unknown address\n";
  for (const std::string& frame : {" in /graded/"s, "/graded/ in f"s, " in  /graded/x.cu:1"s, " in f(/graded/"s,
                                  "#0 in g /graded/"s, " in x /graded/a/"s, "in/graded/ in "s}) {
    INFO(frame);
    const std::string reason = failure_from_output(head + frame + "\n");
    CHECK_THAT(reason, StartsWith("memory checker: SEGV"));
    check_printable_line(reason);
  }
  CHECK(failure_from_output(head + "    #0 0x1 in f /graded/\n") == "memory checker: SEGV");
  // A banner of another shape keeps its text.
  CHECK(failure_from_output("==1==ERROR: AddressSanitizer failed to allocate 0x10 bytes\n") ==
        "memory checker: AddressSanitizer failed to allocate 0x10 bytes");
}
