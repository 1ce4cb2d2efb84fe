/// @file
/// @brief Lab 03 tests: the CPU reference and every GPU matmul version against a double-precision reference.
///
/// Built against labs/ and solutions/ and for each backend (see cmake/WsLab.cmake). The shapes come from
/// tests/support/matmul_testing.hpp (tile multiples and not, k = 0, n = 1, one 512^3). C is prefilled with NaN and
/// fenced by guard bands, so a version that skips an element, or writes outside C, fails; a second run fences A and
/// B with NaN, so one that reads outside them fails too. Measured: the [gpu] tests take about 1.5 s on the CPU
/// backend on a 2-core machine.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <vector>

#include <cuda_runtime.h>

#include <ws/compare.hpp>
#include <ws/cuda_check.hpp>
#include <ws/device_buffer.hpp>
#include <ws/guard.hpp>

#include "matmul_gpu.h"
#include "support/kernel_launches.hpp"
#include "support/matmul_testing.hpp"
#include "support/nan_fenced_matrix.hpp"
#include "support/witness.hpp"

using ws_test::elements;
using nan_fenced_matrix = ws_test::nan_fenced_matrix<float>;

namespace {

/// Whether @p call throws an exception whose message contains @p text.
template <class F>
bool throws_with(const F& call, const std::string& text) {
  try {
    call();
  } catch (const std::exception& e) {
    return std::string(e.what()).find(text) != std::string::npos;
  }
  return false;
}

}  // namespace

TEST_CASE("the CPU reference matches the double-precision reference on every shape", "[lab03][cpu]") {
  const auto shape = GENERATE(from_range(ws_test::matmul_shapes()));
  const auto [m, n, k] = shape;
  INFO(shape.name());
  const auto a = ws_test::random_matrix(m, k, 1);
  const auto b = ws_test::random_matrix(k, n, 2);
  const auto expected = ws_test::reference_matmul(a, b, m, n, k);

  ws::guarded_buffer<float> c(elements(m, n));
  lab03::matmul_cpu_reference(a.data(), b.data(), c.data(), m, n, k);

  const auto report = ws::compare(expected, c.span(), ws_test::matmul_tolerance(k));
  INFO(report.summary("c", static_cast<std::size_t>(n)));
  CHECK(report.ok());
  ws_test::witness("cpu reference c " + shape.name(), c.span(), ws_test::matmul_tolerance(k));
  INFO(c.guard_report());
  CHECK(c.guards_intact());
  ws_test::witness("cpu reference guards " + shape.name(), c.guards_intact());
}

TEST_CASE("every GPU version matches the double-precision reference on every shape", "[lab03][matmul][gpu]") {
  const auto version = GENERATE(from_range(lab03::matmul_gpu_versions()));
  const auto shape = GENERATE(from_range(ws_test::matmul_shapes()));
  const auto [m, n, k] = shape;
  const std::string context = std::string(version) + " " + shape.name();
  INFO(context);
  const auto a = ws_test::random_matrix(m, k, 3);
  const auto b = ws_test::random_matrix(k, n, 4);
  const auto expected = ws_test::reference_matmul(a, b, m, n, k);

  const ws::device_buffer<float> d_a{std::span<const float>(a)};
  const ws::device_buffer<float> d_b{std::span<const float>(b)};
  ws::device_guarded_buffer<float> d_c(elements(m, n));
  lab03::launch_matmul(version, d_a.data(), d_b.data(), d_c.data(), m, n, k);
  WS_CUDA_CHECK(cudaDeviceSynchronize());

  const auto c = d_c.download();
  const auto report = ws::compare(expected, c, ws_test::matmul_tolerance(k));
  INFO(report.summary("c", static_cast<std::size_t>(n)));
  CHECK(report.ok());
  ws_test::witness("c " + context, c, ws_test::matmul_tolerance(k));
  INFO(d_c.guard_report());
  CHECK(d_c.guards_intact());
  ws_test::witness("guards " + context, d_c.guards_intact());
}

TEST_CASE("every GPU version computes in a kernel, not on the host", "[lab03][matmul][gpu]") {
  // On the CPU backend device memory is host memory, so a launcher could copy A and B back, multiply on the host
  // and copy C out, multiply through the device pointers and launch an empty decoy kernel, and pass the test above.
  // The device_work_scope sees all of these (tests/support/kernel_launches.hpp); on a GPU it says "unknown" and
  // only the result is checked.
  const auto version = GENERATE(from_range(lab03::matmul_gpu_versions()));
  const int m = 40;
  const int n = 70;
  const int k = 33;
  const std::string context = std::string(version) + " m=40 n=70 k=33";
  INFO(context);
  const auto a = ws_test::random_matrix(m, k, 11);
  const auto b = ws_test::random_matrix(k, n, 12);
  const ws::device_buffer<float> d_a{std::span<const float>(a)};
  const ws::device_buffer<float> d_b{std::span<const float>(b)};
  ws::device_buffer<float> d_c(elements(m, n));
  d_c.fill_bytes(0xFF);  // NaN: whoever computes C changes every byte

  {
    ws_test::device_work_scope scope({ws_test::watched(d_c.data(), d_c.size())});
    lab03::launch_matmul(version, d_a.data(), d_b.data(), d_c.data(), m, n, k);
    WS_CUDA_CHECK(cudaDeviceSynchronize());
    if (const auto& r = scope.report()) {
      const auto problems = r->problems("launch_matmul(\"" + std::string(version) + "\")");
      INFO(ws_test::join_lines(problems) << "\nthe product must run in a kernel on the GPU");
      CHECK(problems.empty());
      ws_test::witness("computes in a kernel " + context, problems.empty());
    }
  }
  const auto c = d_c.to_vector();
  const auto report = ws::compare(ws_test::reference_matmul(a, b, m, n, k), c, ws_test::matmul_tolerance(k));
  INFO(report.summary("c", static_cast<std::size_t>(n)));
  CHECK(report.ok());
  ws_test::witness("c " + context, c, ws_test::matmul_tolerance(k));
}

TEST_CASE("no GPU version reads outside A or B", "[lab03][matmul][gpu]") {
  const auto version = GENERATE(from_range(lab03::matmul_gpu_versions()));
  const auto shape = GENERATE(from_range(ws_test::matmul_shapes()));
  const auto [m, n, k] = shape;
  const std::string context = std::string(version) + " " + shape.name() + ", A and B fenced by NaN";
  INFO(context);
  const auto a = ws_test::random_matrix(m, k, 5);
  const auto b = ws_test::random_matrix(k, n, 6);
  const auto expected = ws_test::reference_matmul(a, b, m, n, k);

  nan_fenced_matrix d_a(a);
  nan_fenced_matrix d_b(b);
  ws::device_guarded_buffer<float> d_c(elements(m, n));
  lab03::launch_matmul(version, d_a.data(), d_b.data(), d_c.data(), m, n, k);
  WS_CUDA_CHECK(cudaDeviceSynchronize());

  const auto c = d_c.download();
  const auto report = ws::compare(expected, c, ws_test::matmul_tolerance(k));
  INFO(report.summary("c", static_cast<std::size_t>(n)));
  CHECK(report.ok());
  ws_test::witness("c " + context, c, ws_test::matmul_tolerance(k));
}

TEST_CASE("every GPU version launches nothing and writes nothing when C is empty", "[lab03][matmul][gpu]") {
  const auto version = GENERATE(from_range(lab03::matmul_gpu_versions()));
  const auto shape = GENERATE(ws_test::matmul_shape{0, 7, 5}, ws_test::matmul_shape{7, 0, 5},
                              ws_test::matmul_shape{0, 0, 0});
  const auto [m, n, k] = shape;
  const std::string context = std::string(version) + " " + shape.name();
  INFO(context);
  const auto a = ws_test::random_matrix(m, k, 7);
  const auto b = ws_test::random_matrix(k, n, 8);

  const ws::device_buffer<float> d_a{std::span<const float>(a)};
  const ws::device_buffer<float> d_b{std::span<const float>(b)};
  ws::device_guarded_buffer<float> d_c(elements(m, n));
  lab03::launch_matmul(version, d_a.data(), d_b.data(), d_c.data(), m, n, k);
  const bool synchronized = cudaDeviceSynchronize() == cudaSuccess;
  CHECK(synchronized);
  ws_test::witness("cudaDeviceSynchronize returns cudaSuccess " + context, synchronized);
  const bool no_error = cudaGetLastError() == cudaSuccess;
  CHECK(no_error);
  ws_test::witness("cudaGetLastError returns cudaSuccess " + context, no_error);
  INFO(d_c.guard_report());
  CHECK(d_c.guards_intact());
  ws_test::witness("guards " + context, d_c.guards_intact());
}

TEST_CASE("the GPU versions leave no CUDA error behind", "[lab03][matmul][gpu]") {
  const int m = 40;
  const int n = 70;
  const int k = 33;
  const ws::device_buffer<float> d_a{std::span<const float>(ws_test::random_matrix(m, k, 9))};
  const ws::device_buffer<float> d_b{std::span<const float>(ws_test::random_matrix(k, n, 10))};
  ws::device_buffer<float> d_c(elements(m, n));
  for (const auto version : lab03::matmul_gpu_versions()) {
    INFO(version);
    lab03::launch_matmul(version, d_a.data(), d_b.data(), d_c.data(), m, n, k);
    const bool synchronized = cudaDeviceSynchronize() == cudaSuccess;
    CHECK(synchronized);
    ws_test::witness("cudaDeviceSynchronize returns cudaSuccess " + std::string(version), synchronized);
    const bool no_error = cudaGetLastError() == cudaSuccess;
    CHECK(no_error);
    ws_test::witness("cudaGetLastError returns cudaSuccess " + std::string(version), no_error);
  }
}

TEST_CASE("an unknown GPU matmul version is rejected by name", "[lab03][matmul][gpu]") {
  CHECK_THROWS_AS(lab03::launch_matmul("warp_speed", nullptr, nullptr, nullptr, 0, 0, 0), std::invalid_argument);
  CHECK_THROWS_WITH(lab03::launch_matmul("warp_speed", nullptr, nullptr, nullptr, 0, 0, 0),
                    Catch::Matchers::Contains("warp_speed"));
  ws_test::witness("launch_matmul(\"warp_speed\") throws naming it",
                   throws_with([] { lab03::launch_matmul("warp_speed", nullptr, nullptr, nullptr, 0, 0, 0); },
                               "warp_speed"));
}
