/// @file
/// @brief The main() of every test binary: Catch2, plus an honest skip when a GPU binary finds no GPU.
///
/// A binary built for the native `cuda` backend first asks the runtime for a device. Without a usable one it prints
/// why and exits with WS_SKIP_RETURN_CODE, which ctest registers as SKIP_RETURN_CODE, so the tests show as Skipped,
/// never Passed. Binaries built for the `cudacpu` backend (or none) always run.

#include <cstdio>

#include "catch_run.hpp"  // Catch2 itself: catch_impl.cpp, compiled once
#include "skip_without_gpu.hpp"

int main(int argc, char* argv[]) {
  if (ws_test::skip_without_gpu()) {
    std::printf("         these GPU tests also run on the CPU backend; see `./course doctor`\n");
    return WS_SKIP_RETURN_CODE;
  }
  return ws_test::run_catch(argc, argv);
}
