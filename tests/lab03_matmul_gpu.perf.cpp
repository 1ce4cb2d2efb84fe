/// @file
/// @brief Lab 03's performance cases for the autograder: the three GPU matmul versions on square matrices.
///
/// "naive" and "coalesced" at N = 1024, "tiled" at N = 2048, on random matrices; N = 64 with --small. The driver and
/// its options: tests/support/ws_perf.hpp.
#include <cstddef>
#include <functional>
#include <vector>

#include "matmul_gpu.h"
#include "support/ws_perf.hpp"

namespace {

/// A case timing launcher @p launch on random N x N matrices: N = @p full on a GPU, 64 with --small.
std::function<ws_perf::timed_work()> square(void (*launch)(const float*, const float*, float*, int, int, int),
                                              int full) {
  return [launch, full]() -> ws_perf::timed_work {
    const int n = ws_perf::size(full, 64);
    const auto count = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
    auto a = ws_perf::random_device_buffer<float>(count, 1);
    auto b = ws_perf::random_device_buffer<float>(count, 2);
    auto c = ws_perf::device_output<float>(count);
    return {[=] { launch(a->data(), b->data(), c->data(), n, n, n); }, c};
  };
}

}  // namespace

std::vector<ws_perf::perf_case> ws_perf::lab_perf_cases() {
  return {
      {"naive 1024", square(lab03::launch_matmul_naive, 1024)},
      {"coalesced 1024", square(lab03::launch_matmul_coalesced, 1024)},
      {"tiled 2048", square(lab03::launch_matmul_tiled, 2048)},
  };
}
