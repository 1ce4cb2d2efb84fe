/// @file
/// @brief Lab 04's performance cases for the autograder: the fast FP32 versions and the BF16 WMMA kernel at
/// N = 4096.
///
/// Every FP32 version from 2D register blocking on, and the WMMA kernel with BF16 inputs (FP32 output), on random
/// square matrices. With --small, N = 128: one 128 x 128 block tile. The driver and its options:
/// tests/support/ws_perf.hpp.
#include <cstddef>
#include <functional>
#include <vector>

#include <cuda_bf16.h>

#include "matmul_fast.h"
#include "support/ws_perf.hpp"

namespace {

int matrix_size() { return ws_perf::size(4096, 128); }

std::size_t square(int n) { return static_cast<std::size_t>(n) * static_cast<std::size_t>(n); }

/// A case timing the square product C = A · B with @p launch, on random matrices of type T.
template <class T>
std::function<ws_perf::timed_work()> square_case(void (*launch)(const T*, const T*, float*, int, int, int)) {
  return [launch]() -> ws_perf::timed_work {
    const int n = matrix_size();
    auto a = ws_perf::random_device_buffer<T>(square(n), 1);
    auto b = ws_perf::random_device_buffer<T>(square(n), 2);
    auto c = ws_perf::device_output<float>(square(n));
    return {[=] { launch(a->data(), b->data(), c->data(), n, n, n); }, c};
  };
}

}  // namespace

std::vector<ws_perf::perf_case> ws_perf::lab_perf_cases() {
  return {
      {"regblock_2d 4096", square_case<float>(lab04::launch_matmul_regblock_2d)},
      {"vectorized 4096", square_case<float>(lab04::launch_matmul_vectorized)},
      {"warptiled 4096", square_case<float>(lab04::launch_matmul_warptiled)},
      {"double_buffered 4096", square_case<float>(lab04::launch_matmul_double_buffered)},
      {"wmma bf16 4096", square_case<__nv_bfloat16>(lab04::launch_matmul_wmma)},
  };
}
