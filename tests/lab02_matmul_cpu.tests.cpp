/// @file
/// @brief Lab 02 tests: every CPU matmul version against a double-precision reference, on shapes chosen to break
/// blocking and packing code.
///
/// Built against labs/ and solutions/ (see cmake/WsLab.cmake). C is prefilled with NaN (a version that skips an
/// element, or adds to C instead of overwriting it, leaves a NaN) and fenced by guard bands (a write past either
/// end of C is caught).
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include <ws/compare.hpp>
#include <ws/guard.hpp>

#include "matmul_cpu.h"
#include "support/matmul_testing.hpp"
#include "support/witness.hpp"

namespace {

/// Runs @p version on the shape with fresh random inputs and checks C against the reference.
void check_version(std::string_view version, const ws_test::matmul_shape& shape, int threads) {
  const auto [m, n, k] = shape;
  const std::string label = std::string(version) + " " + shape.name() + " threads=" + std::to_string(threads);
  INFO(label);
  const auto a = ws_test::random_matrix(m, k, 21);
  const auto b = ws_test::random_matrix(k, n, 22);
  const auto expected = ws_test::reference_matmul(a, b, m, n, k);

  ws::guarded_buffer<float> c(expected.size());
  lab02::matmul_cpu(version, a.data(), b.data(), c.data(), m, n, k, threads);

  const auto report = ws::compare(expected, c.span(), ws_test::matmul_tolerance(k));
  INFO(report.summary("C", static_cast<std::size_t>(n)));
  CHECK(report.ok());
  ws_test::witness("C " + label, c.span(), ws_test::matmul_tolerance(k));
  INFO(c.guard_report());
  CHECK(c.guards_intact());
  ws_test::witness("guards " + label, c.guards_intact());
}

}  // namespace

TEST_CASE("every CPU version matches the reference on shapes that are not tile multiples", "[lab02][cpu]") {
  const auto version = GENERATE(from_range(lab02::matmul_cpu_versions()));
  const auto shape = GENERATE(from_range(ws_test::matmul_shapes()));
  // "parallel" with 3 threads: an odd count, so the rows do not split evenly.
  check_version(version, shape, version == "parallel" ? 3 : 1);
}

TEST_CASE("the packed versions are right when every dimension spans several packing blocks", "[lab02][cpu]") {
  // Larger than one block of A (MC rows), one panel of B (NC columns) and one step of the reduction (KC) for every
  // micro-kernel the build may choose, and none of them a multiple: every edge case of the loop nest at once.
  const auto version = GENERATE(as<std::string_view>{}, "packed", "parallel");
  check_version(version, {301, 4133, 801}, 2);
}

TEST_CASE("the parallel version gives bit-identical results with any number of threads", "[lab02][cpu]") {
  // Threads split the rows of C; each element is still summed in the same order, so the bits must not change.
  const int m = 203, n = 97, k = 450;
  const auto a = ws_test::random_matrix(m, k, 23);
  const auto b = ws_test::random_matrix(k, n, 24);
  ws::guarded_buffer<float> one(ws_test::elements(m, n));
  lab02::matmul_cpu_parallel(a.data(), b.data(), one.data(), m, n, k, 1);
  const auto right = ws::compare(ws_test::reference_matmul(a, b, m, n, k), one.span(), ws_test::matmul_tolerance(k));
  INFO(right.summary("C with 1 thread", n));
  REQUIRE(right.ok());  // identical and wrong would prove nothing
  ws_test::witness("C threads=1", one.span(), ws_test::matmul_tolerance(k));
  const int threads = GENERATE(2, 3, 7, 64);
  INFO("threads=" << threads);
  ws::guarded_buffer<float> many(one.size());
  lab02::matmul_cpu_parallel(a.data(), b.data(), many.data(), m, n, k, threads);
  const auto report = ws::compare(one.span(), many.span(), ws::tolerance::exact());
  INFO(report.summary("C", n));
  CHECK(report.ok());
  ws_test::witness("C threads=" + std::to_string(threads) + " bit-identical to threads=1", report.ok());
  CHECK(many.guards_intact());
  ws_test::witness("guards threads=" + std::to_string(threads), many.guards_intact());
}

TEST_CASE("the build chose a known SIMD micro-kernel", "[lab02][cpu]") {
  const auto name = lab02::simd_kernel_name();
  INFO("micro-kernel: " << name);
#if WS_LAB02_EXPECT_PORTABLE
  const bool known = name == "portable";  // built without -march=native: the fallback every CPU can run
#else
  const bool known = name == "avx512" || name == "avx2" || name == "portable";
#endif
  CHECK(known);
  ws_test::witness("the micro-kernel is a known one", known);
}

TEST_CASE("the dispatcher rejects an unknown version name", "[lab02][cpu]") {
  float x = 1.0f;
  CHECK_THROWS_AS(lab02::matmul_cpu("fastest", &x, &x, &x, 1, 1, 1), std::invalid_argument);
  bool rejected = false;
  try {
    lab02::matmul_cpu("fastest", &x, &x, &x, 1, 1, 1);
  } catch (const std::invalid_argument&) {
    rejected = true;
  } catch (...) {
  }
  ws_test::witness("matmul_cpu(\"fastest\") throws invalid_argument", rejected);
}
