/// @file
/// @brief Lab 01's performance cases for the autograder: vector add and both SAXPY versions on 2^24 floats.
///
/// At 2^24 floats (64 MiB per vector) every kernel is bound by memory bandwidth on a GPU, so a learner's version
/// that reads or writes more than it must, or launches far too few threads, shows. Block size 256, as the bench.
/// The driver and its options: tests/support/ws_perf.hpp.
#include <cstddef>
#include <functional>
#include <vector>

#include "support/ws_perf.hpp"
#include "vector_add.h"

namespace {

constexpr int block_size = 256;
constexpr float alpha = 2.5f;

/// 2^24 elements on a GPU, 2^12 with --small.
std::size_t vector_size() { return static_cast<std::size_t>(ws_perf::size(1 << 24, 1 << 12)); }

}  // namespace

std::vector<ws_perf::perf_case> ws_perf::lab_perf_cases() {
  // SAXPY writes a separate output (not y), so every run does the same work on the same data.
  const auto saxpy = [](void (*launch)(float, const float*, const float*, float*, int, int)) {
    return [launch]() -> ws_perf::timed_work {
      const std::size_t n = vector_size();
      auto x = ws_perf::random_device_buffer<float>(n, 1);
      auto y = ws_perf::random_device_buffer<float>(n, 2);
      auto out = ws_perf::device_output<float>(n);
      return {[=] { launch(alpha, x->data(), y->data(), out->data(), static_cast<int>(n), block_size); }, out};
    };
  };
  return {
      {"vector_add 2^24",
       []() -> ws_perf::timed_work {
         const std::size_t n = vector_size();
         auto a = ws_perf::random_device_buffer<float>(n, 1);
         auto b = ws_perf::random_device_buffer<float>(n, 2);
         auto c = ws_perf::device_output<float>(n);
         return {[=] { lab01::launch_vector_add(a->data(), b->data(), c->data(), static_cast<int>(n), block_size); },
                 c};
       }},
      {"saxpy one_per_thread 2^24", saxpy(lab01::launch_saxpy_one_per_thread)},
      {"saxpy grid_stride 2^24", saxpy(lab01::launch_saxpy_grid_stride)},
  };
}
