/// @file
/// @brief Lab 01 tests: vector add and SAXPY, CPU reference and kernels, on sizes around the block size.
///
/// Built against labs/ and solutions/ and for each backend (see cmake/WsLab.cmake). Outputs are prefilled with NaN
/// and fenced by guard bands, so a kernel that skips elements or writes past the end fails.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include <cuda_runtime.h>

#include <ws/compare.hpp>
#include <ws/cuda_check.hpp>
#include <ws/device_buffer.hpp>
#include <ws/guard.hpp>
#include <ws/random.hpp>

#include "support/kernel_launches.hpp"
#include "support/witness.hpp"
#include "vector_add.h"

namespace {

// 0, 1, around the block sizes used below, a prime, and one large enough for the grid-stride loop to go around.
const std::vector<int> sizes = {0, 1, 31, 32, 33, 127, 128, 129, 255, 256, 257, 1021, 100'003};
const std::vector<int> block_sizes = {32, 128, 256, 1024};

std::vector<float> random_vector(int n, std::uint64_t seed) {
  std::vector<float> v(static_cast<std::size_t>(n));
  ws::fill_random(v, seed);
  return v;
}

std::string where(int n, int block_size) {
  return "n=" + std::to_string(n) + " block_size=" + std::to_string(block_size);
}

// alpha * x + y may be fused into one FMA on the GPU and not on the CPU: allow one rounding of difference.
const ws::tolerance saxpy_tolerance = ws::tolerance::for_reduction(2);

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

TEST_CASE("the CPU reference adds and scales small vectors exactly", "[lab01][cpu]") {
  const std::vector<float> a = {1.0f, -2.0f, 0.5f};
  const std::vector<float> b = {10.0f, 20.0f, -0.25f};
  std::vector<float> c(3, NAN);
  lab01::vector_add_cpu(a.data(), b.data(), c.data(), 3);
  CHECK(c == std::vector<float>{11.0f, 18.0f, 0.25f});
  ws_test::witness("vector_add_cpu n=3", c, ws::tolerance::exact());
  lab01::saxpy_cpu(2.0f, a.data(), b.data(), c.data(), 3);
  CHECK(c == std::vector<float>{12.0f, 16.0f, 0.75f});
  ws_test::witness("saxpy_cpu n=3", c, ws::tolerance::exact());
}

TEST_CASE("the CPU reference leaves everything alone when n is 0", "[lab01][cpu]") {
  ws::guarded_buffer<float> c(0);
  lab01::vector_add_cpu(nullptr, nullptr, c.data(), 0);
  CHECK(c.guards_intact());
  ws_test::witness("vector_add_cpu n=0 guards intact", c.guards_intact());
}

TEST_CASE("vector add on the GPU matches the CPU reference on sizes around the block size", "[lab01][gpu]") {
  const int block_size = GENERATE_COPY(from_range(block_sizes));
  const int n = GENERATE_COPY(from_range(sizes));
  INFO(where(n, block_size));
  const auto a = random_vector(n, 1);
  const auto b = random_vector(n, 2);
  std::vector<float> expected(a.size());
  lab01::vector_add_cpu(a.data(), b.data(), expected.data(), n);

  ws::device_buffer<float> d_a(a.size());
  ws::device_buffer<float> d_b(b.size());
  d_a.copy_from_host(a);
  d_b.copy_from_host(b);
  ws::device_guarded_buffer<float> d_c(a.size());
  lab01::launch_vector_add(d_a.data(), d_b.data(), d_c.data(), n, block_size);
  WS_CUDA_CHECK(cudaDeviceSynchronize());

  const auto c = d_c.download();
  const auto report = ws::compare(expected, c, ws::tolerance::exact());
  INFO(report.summary("c"));
  CHECK(report.ok());
  ws_test::witness("vector_add c " + where(n, block_size), c, ws::tolerance::exact());
  INFO(d_c.guard_report());
  CHECK(d_c.guards_intact());
  ws_test::witness("vector_add guards " + where(n, block_size), d_c.guards_intact());
}

TEST_CASE("every SAXPY version matches the CPU reference on sizes around the block size", "[lab01][gpu]") {
  const auto version = GENERATE(from_range(lab01::saxpy_versions()));
  const int block_size = GENERATE_COPY(from_range(block_sizes));
  const int n = GENERATE_COPY(from_range(sizes));
  const std::string context = std::string(version) + " " + where(n, block_size);
  INFO(context);
  const float alpha = -1.75f;
  const auto x = random_vector(n, 3);
  const auto y = random_vector(n, 4);
  std::vector<float> expected(x.size());
  lab01::saxpy_cpu(alpha, x.data(), y.data(), expected.data(), n);

  ws::device_buffer<float> d_x(x.size());
  ws::device_buffer<float> d_y(y.size());
  d_x.copy_from_host(x);
  d_y.copy_from_host(y);
  ws::device_guarded_buffer<float> d_out(x.size());
  lab01::launch_saxpy(version, alpha, d_x.data(), d_y.data(), d_out.data(), n, block_size);
  WS_CUDA_CHECK(cudaDeviceSynchronize());

  const auto out = d_out.download();
  const auto report = ws::compare(expected, out, saxpy_tolerance);
  INFO(report.summary("out"));
  CHECK(report.ok());
  ws_test::witness("saxpy out " + context, out, saxpy_tolerance);
  INFO(d_out.guard_report());
  CHECK(d_out.guards_intact());
  ws_test::witness("saxpy guards " + context, d_out.guards_intact());
}

TEST_CASE("SAXPY may write its result over y", "[lab01][gpu]") {
  const auto version = GENERATE(from_range(lab01::saxpy_versions()));
  const int n = 1000;
  INFO(version);
  const auto x = random_vector(n, 5);
  const auto y = random_vector(n, 6);
  std::vector<float> expected(x.size());
  lab01::saxpy_cpu(3.0f, x.data(), y.data(), expected.data(), n);

  ws::device_buffer<float> d_x(x.size());
  ws::device_buffer<float> d_y(y.size());
  d_x.copy_from_host(x);
  d_y.copy_from_host(y);
  lab01::launch_saxpy(version, 3.0f, d_x.data(), d_y.data(), d_y.data(), n, 128);
  WS_CUDA_CHECK(cudaDeviceSynchronize());

  const auto got = d_y.to_vector();
  const auto report = ws::compare(expected, got, saxpy_tolerance);
  INFO(report.summary("y"));
  CHECK(report.ok());
  ws_test::witness("saxpy over y " + std::string(version) + " n=1000", got, saxpy_tolerance);
}

TEST_CASE("the host SAXPY wrapper copies in, computes and copies the result back", "[lab01][gpu]") {
  const int n = GENERATE_COPY(from_range(sizes));
  const int block_size = 256;
  INFO(where(n, block_size));
  const auto x = random_vector(n, 7);
  const auto y = random_vector(n, 8);
  std::vector<float> expected(x.size());
  lab01::saxpy_cpu(0.5f, x.data(), y.data(), expected.data(), n);

  ws::guarded_buffer<float> out(x.size());
  lab01::saxpy_gpu(0.5f, x.data(), y.data(), out.data(), n, block_size);

  const auto report = ws::compare(expected, out.span(), saxpy_tolerance);
  INFO(report.summary("out"));
  CHECK(report.ok());
  ws_test::witness("saxpy_gpu out " + where(n, block_size), out.span(), saxpy_tolerance);
  INFO(out.guard_report());
  CHECK(out.guards_intact());
  ws_test::witness("saxpy_gpu guards " + where(n, block_size), out.guards_intact());
}

TEST_CASE("the host SAXPY wrapper and every launcher run their work in a kernel", "[lab01][gpu]") {
  // On the CPU backend device memory is host memory, so a launcher could copy its inputs back, compute on the host
  // and copy the answer out, launch an empty decoy kernel after computing on the host, or read and write the
  // device pointers directly: every correctness test above would pass. The device_work_scope sees all of these
  // (see tests/support/kernel_launches.hpp); on a GPU it says "unknown" and only the results are checked.
  const int n = 1000;
  const int block_size = 256;
  const auto x = random_vector(n, 9);
  const auto y = random_vector(n, 10);
  ws::device_buffer<float> d_x(x.size());
  ws::device_buffer<float> d_y(y.size());
  d_x.copy_from_host(x);
  d_y.copy_from_host(y);
  std::vector<float> expected_add(x.size());
  std::vector<float> expected_saxpy(x.size());
  lab01::vector_add_cpu(x.data(), y.data(), expected_add.data(), n);
  lab01::saxpy_cpu(2.0f, x.data(), y.data(), expected_saxpy.data(), n);

  // Runs @p launch on a fresh NaN-filled output inside a scope, then checks how it worked and what it computed.
  const auto check_launcher = [&](const std::string& name, const std::vector<float>& expected,
                                  const ws::tolerance& tol, const auto& launch) {
    ws::device_buffer<float> d_out(x.size());
    d_out.fill_bytes(0xFF);  // NaN: whoever computes the output changes every byte
    {
      ws_test::device_work_scope scope({ws_test::watched(d_out.data(), d_out.size())});
      launch(d_out.data());
      WS_CUDA_CHECK(cudaDeviceSynchronize());
      if (const auto& r = scope.report()) {
        const auto problems = r->problems(name);
        INFO(ws_test::join_lines(problems) << "\nthe work must run in a kernel on the GPU");
        CHECK(problems.empty());
        ws_test::witness(name + " computes in a kernel", problems.empty());
      }
    }
    const auto out = d_out.to_vector();
    const auto report = ws::compare(expected, out, tol);
    INFO(name << ": " << report.summary("out"));
    CHECK(report.ok());
    ws_test::witness(name + " out n=1000", out, tol);
  };
  check_launcher("launch_vector_add", expected_add, ws::tolerance::exact(),
                 [&](float* out) { lab01::launch_vector_add(d_x.data(), d_y.data(), out, n, block_size); });
  for (const auto version : lab01::saxpy_versions()) {
    check_launcher("launch_saxpy(\"" + std::string(version) + "\")", expected_saxpy, saxpy_tolerance,
                   [&](float* out) { lab01::launch_saxpy(version, 2.0f, d_x.data(), d_y.data(), out, n, block_size); });
  }

  // The host wrapper copies in and out by design: its host output must come back by a copy, after a kernel.
  std::vector<float> out(x.size(), NAN);
  {
    ws_test::device_work_scope scope({ws_test::watched(out.data(), out.size())});
    lab01::saxpy_gpu(2.0f, x.data(), y.data(), out.data(), n, block_size);
    if (const auto& r = scope.report()) {
      const auto problems = r->wrapper_problems("saxpy_gpu");
      INFO(ws_test::join_lines(problems) << "\nthe work must run in a kernel on the GPU");
      CHECK(problems.empty());
      ws_test::witness("saxpy_gpu computes in a kernel", problems.empty());
    }
  }
  const auto report = ws::compare(expected_saxpy, out, saxpy_tolerance);
  INFO("saxpy_gpu: " << report.summary("out"));
  CHECK(report.ok());
  ws_test::witness("saxpy_gpu out n=1000", out, saxpy_tolerance);
}

TEST_CASE("the launchers leave no CUDA error behind", "[lab01][gpu]") {
  ws::device_buffer<float> d(300);
  WS_CUDA_CHECK(cudaMemset(d.data(), 0, d.size() * sizeof(float)));
  lab01::launch_vector_add(d.data(), d.data(), d.data(), 300, 256);
  for (const auto version : lab01::saxpy_versions()) {
    lab01::launch_saxpy(version, 1.0f, d.data(), d.data(), d.data(), 300, 256);
  }
  const bool synchronized = cudaDeviceSynchronize() == cudaSuccess;
  CHECK(synchronized);
  ws_test::witness("cudaDeviceSynchronize returns cudaSuccess", synchronized);
  const bool no_error = cudaGetLastError() == cudaSuccess;
  CHECK(no_error);
  ws_test::witness("cudaGetLastError returns cudaSuccess", no_error);
}

TEST_CASE("an unknown SAXPY version is rejected by name", "[lab01][gpu]") {
  CHECK_THROWS_WITH(lab01::launch_saxpy("warp_speed", 1.0f, nullptr, nullptr, nullptr, 0, 256),
                    Catch::Matchers::Contains("warp_speed"));
  ws_test::witness("launch_saxpy(\"warp_speed\") throws naming it",
                   throws_with([] { lab01::launch_saxpy("warp_speed", 1.0f, nullptr, nullptr, nullptr, 0, 256); },
                               "warp_speed"));
}
