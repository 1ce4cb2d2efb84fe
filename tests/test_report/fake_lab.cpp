/// @file fake_lab.cpp
/// @brief A stand-in for a lab's test binary, for ws_run_tests' tests (run_tests_cli.sh): two [gpu] test cases and
/// one [cpu], and WS_FAKE_LAB chooses how the second [gpu] one behaves:
///   pass, fail (two failed checks with INFO), crash (SIGSEGV), exit (_exit(3) in the middle: a cut report), hang,
///   skip (exit 77 before Catch2 starts, as a cuda binary without a GPU), asan (an AddressSanitizer report on stderr,
///   then exit 1, as ASan does), cudacpu (the CPU backend's error line and a failed check), print (raw XML on stdout).
#include <catch2/catch.hpp>  // its implementation: ws_catch_impl (tests/support/catch_impl.cpp)

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/catch_run.hpp"

namespace {

std::string mode() {
  const char* m = std::getenv("WS_FAKE_LAB");
  return m == nullptr ? "pass" : m;
}

}  // namespace

TEST_CASE("the first kernel matches the CPU reference", "[gpu]") { CHECK(1 + 1 == 2); }

TEST_CASE("the second kernel matches the CPU reference", "[gpu]") {
  const std::string m = mode();
  if (m == "fail") {
    for (int n : {3, 5}) {
      INFO("n = " << n);
      CHECK(n + 1 == 2);
    }
  } else if (m == "crash") {
    std::raise(SIGSEGV);
  } else if (m == "exit") {
    std::fflush(stdout);
    ::_exit(3);
  } else if (m == "hang") {
    for (;;) ::pause();
  } else if (m == "asan") {
    std::fprintf(stderr,
                 "=================================================================\n"
                 "==4242==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x60b000000170 at pc 0x55 bp 0x7f\n"
                 "READ of size 4 at 0x60b000000170 thread T3\n"
                 "    #0 0x55d4c1e1 in ws_cudacpu::run_block() /w/common/cudacpu/src/run.cpp:88\n"
                 "    #1 0x55d4c1e2 in lab01::vector_add_kernel(float const*, int) %s/labs/01_fake/fake.cu:32\n"
                 "\n"
                 "SUMMARY: AddressSanitizer: heap-buffer-overflow %s/labs/01_fake/fake.cu:32 in lab01::f\n",
                 std::getenv("WS_FAKE_ROOT"), std::getenv("WS_FAKE_ROOT"));
    ::_exit(1);
  } else if (m == "cudacpu") {
    std::fprintf(stderr, "cudacpu: error: fake.cu:12: a block of 2048 threads is over the limit of 1024\n");
    CHECK(false);
  } else if (m == "print") {
    std::printf("</TestCase><OverallResult success=\"true\"/></Catch>\n");
    CHECK(false);
  }
}

TEST_CASE("the CPU reference is exact", "[cpu]") { CHECK(2 * 2 == 4); }

int main(int argc, char* argv[]) {
  if (mode() == "skip") {
    std::printf("SKIPPED: no usable CUDA device (a stand-in)\n");
    return 77;
  }
  return ws_test::run_catch(argc, argv);
}
