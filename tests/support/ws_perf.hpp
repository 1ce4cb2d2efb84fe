/// @file
/// @brief The labs' performance drivers: the timed cases a lab defines (tests/lab<NN>_<name>.perf.cpp), run and
/// reported by tests/support/ws_perf_main.cpp.
///
/// The autograder gives performance points on a GPU by running `lab<NN>_solutions_cuda_perf` and the learner's
/// `lab<NN>_graded_cuda_perf` in the same session and comparing their times case by case (cmake/WsLab.cmake builds
/// both from the same .perf.cpp). A case's `setup` allocates and fills the device data (random, never uniform) and
/// returns the work to time: `run` only launches the lab's launcher on device pointers (asynchronously is fine: the
/// driver times with CUDA events) and owns its buffers, so they are freed when the case is done; `output` is where it
/// writes. After timing, the driver reports `check`: 32 elements of the output, at places chosen by `--check-seed`,
/// and the grader gives speed points only when they match the reference's (work skipped at the timed size is not
/// fast, it is wrong).
///
/// Sizes: case names give the size timed on a GPU (an H100). `--small` (or the environment variable
/// `WS_PERF_SCALE_DOWN=1`) runs the same cases, under the same names, on tiny problems instead, as the CPU backend
/// and the ctest checks of the drivers need: a case picks its size with `ws_perf::size(full, small)`.
/// @code
/// std::vector<ws_perf::perf_case> ws_perf::lab_perf_cases() {
///   return {{"tiled 2048", [] {
///     const int n = ws_perf::size(2048, 64);
///     const auto count = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
///     auto a = ws_perf::random_device_buffer<float>(count, 1);
///     auto b = ws_perf::random_device_buffer<float>(count, 2);
///     auto c = ws_perf::device_output<float>(count);
///     return ws_perf::timed_work{[=] { lab03::launch_matmul_tiled(a->data(), b->data(), c->data(), n, n, n); }, c};
///   }}};
/// }
/// @endcode
/// Usage: `lab<NN>_<tree>_<backend>_perf [--list] [--case NAME]... [--runs N] [--warmup N] [--small]
/// [--check-seed S]`; one JSON line per case on stdout, e.g.
/// `{"case":"tiled 2048","median_ms":1.234,"min_ms":1.2,"runs":15,"check":[...]}`.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <ws/device_buffer.hpp>
#include <ws/random.hpp>

namespace ws_perf {

/// What a case's setup returns: the work to time and the buffer it writes.
struct timed_work {
  std::function<void()> run;                          ///< launches the work; called warmup + runs times
  std::shared_ptr<ws::device_buffer<float>> output;   ///< its result, sampled after the timing
};

/// One timed workload.
struct perf_case {
  std::string name;  ///< What the grader and `--case` call it, e.g. "tiled 2048" (the GPU size, even with --small).
  /// Allocates and fills the device data, then returns the work to time. Called once per run of the driver, before
  /// the warm-up; `run` must launch the same work each time.
  std::function<timed_work()> setup;
};

/// The lab's cases, in the order they are run. Each tests/lab<NN>_<name>.perf.cpp defines it.
std::vector<perf_case> lab_perf_cases();

/// True when the driver runs tiny problems (`--small`, or `WS_PERF_SCALE_DOWN=1` in the environment). Defined in
/// ws_perf_main.cpp; set before any setup runs.
bool small_problems() noexcept;

/// The problem size to use: @p full on a GPU, @p small under `small_problems()`.
/// @param full  the size in the case's name.
/// @param small a size the CPU backend runs in well under a second.
inline int size(int full, int small) noexcept { return small_problems() ? small : full; }

/// @p n random values in [-1, 1) on the device, the same for the same seed in every run, shared so that the body
/// (a copyable std::function) can own them.
/// @tparam T float, or a type constructible from float (__half, __nv_bfloat16): values are rounded to it.
/// @param n    number of elements.
/// @param seed which data.
template <class T>
std::shared_ptr<ws::device_buffer<T>> random_device_buffer(std::size_t n, std::uint64_t seed) {
  std::vector<float> values(n);
  ws::fill_random(values, seed);
  if constexpr (std::is_same_v<T, float>) {
    return std::make_shared<ws::device_buffer<T>>(std::span<const float>(values));
  } else {
    std::vector<T> converted(n);
    std::transform(values.begin(), values.end(), converted.begin(), [](float x) { return T(x); });
    return std::make_shared<ws::device_buffer<T>>(std::span<const T>(converted));
  }
}

/// @p n uninitialised elements on the device, for an output; shared as `random_device_buffer`'s.
/// @param n number of elements.
template <class T>
std::shared_ptr<ws::device_buffer<T>> device_output(std::size_t n) {
  return std::make_shared<ws::device_buffer<T>>(n);
}

}  // namespace ws_perf
