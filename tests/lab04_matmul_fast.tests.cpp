/// @file
/// @brief Lab 04 tests: the fast FP32 kernels, the WMMA tensor-core kernel and the cuBLAS wrappers against a
/// double-precision reference, and what FP16 and BF16 inputs cost in accuracy.
///
/// Built against labs/ and solutions/ and for each backend (see cmake/WsLab.cmake). The shapes come from
/// tests/support/matmul_testing.hpp (tile multiples and not, k = 0, n = 1, one 512^3); 3x300x20 and 512^3 take the
/// float4 paths, the others the element-wise ones (37x68x30 because k % 4 != 0 although n % 4 == 0). C is
/// prefilled with NaN and fenced by guard bands, so a version that skips an element or writes outside C fails; A and
/// B are fenced by NaN, so a read outside them that the zero padding would otherwise hide turns C into NaN.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <ws/compare.hpp>
#include <ws/cuda_check.hpp>
#include <ws/device_buffer.hpp>
#include <ws/guard.hpp>

#include "lab04_manifest.hpp"
#include "matmul_fast.h"
#include "support/kernel_launches.hpp"
#include "support/matmul_testing.hpp"
#include "support/nan_fenced_matrix.hpp"
#include "support/witness.hpp"

namespace {

using ws_test::elements;
using ws_test::nan_fenced_matrix;

/// A problem's inputs and its double-precision reference, made once per shape and kept: the reference of the 512^3
/// shape costs a good part of a second, and every version is checked against it.
struct problem {
  std::vector<float> a;         ///< m x k
  std::vector<float> b;         ///< k x n
  std::vector<float> expected;  ///< the double-precision reference of a · b, rounded to float
};

const problem& problem_for(const ws_test::matmul_shape& s) {
  static std::map<std::tuple<int, int, int>, problem> cache;
  const auto key = std::make_tuple(s.m, s.n, s.k);
  auto it = cache.find(key);
  if (it == cache.end()) {
    problem p;
    p.a = ws_test::random_matrix(s.m, s.k, 41);
    p.b = ws_test::random_matrix(s.k, s.n, 42);
    p.expected = ws_test::reference_matmul(p.a, p.b, s.m, s.n, s.k);
    it = cache.emplace(key, std::move(p)).first;
  }
  return it->second;
}

/// How to round a float to the 16-bit input type T, and back.
template <class T>
struct narrow;
template <>
struct narrow<__half> {
  static __half from_float(float x) { return __float2half_rn(x); }
  static float to_float(__half x) { return __half2float(x); }
};
template <>
struct narrow<__nv_bfloat16> {
  static __nv_bfloat16 from_float(float x) { return __float2bfloat16_rn(x); }
  static float to_float(__nv_bfloat16 x) { return __bfloat162float(x); }
};

/// A problem's inputs rounded to T, and the double-precision reference of the rounded inputs: what a kernel that
/// multiplies exactly and accumulates in float must reproduce up to float accumulation.
template <class T>
struct narrow_problem {
  std::vector<T> a;                     ///< the inputs rounded to T
  std::vector<T> b;                     ///< the inputs rounded to T
  std::vector<float> expected_rounded;  ///< reference of the rounded inputs
};

/// Rounds @p x to T into @p out; returns the rounded values as floats.
template <class T>
std::vector<float> rounded(const std::vector<float>& x, std::vector<T>& out) {
  out.resize(x.size());
  std::vector<float> back(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    out[i] = narrow<T>::from_float(x[i]);
    back[i] = narrow<T>::to_float(out[i]);
  }
  return back;
}

template <class T>
const narrow_problem<T>& narrow_problem_for(const ws_test::matmul_shape& s) {
  static std::map<std::tuple<int, int, int>, narrow_problem<T>> cache;
  const auto key = std::make_tuple(s.m, s.n, s.k);
  auto it = cache.find(key);
  if (it == cache.end()) {
    const problem& p = problem_for(s);
    narrow_problem<T> q;
    const auto a = rounded(p.a, q.a);
    const auto b = rounded(p.b, q.b);
    q.expected_rounded = ws_test::reference_matmul(a, b, s.m, s.n, s.k);
    it = cache.emplace(key, std::move(q)).first;
  }
  return it->second;
}

/// Compares @p got with @p expected under @p tol, and witnesses @p got; @p label (with the shape) names the
/// comparison in a failure and the witness.
void check_close(const std::string& label, const ws_test::matmul_shape& s, std::span<const float> expected,
                 std::span<const float> got, const ws::tolerance& tol) {
  const auto report = ws::compare(expected, got, tol);
  INFO(report.summary(label, static_cast<std::size_t>(s.n)));
  CHECK(report.ok());
  ws_test::witness(label, got, tol);
}

/// Checks that @p c's guard bands are intact, and witnesses the verdict under @p label.
void check_guards(const std::string& label, const ws::device_guarded_buffer<float>& c) {
  INFO(c.guard_report());
  CHECK(c.guards_intact());
  ws_test::witness(label + " guards intact", c.guards_intact());
}

/// Whether @p call throws an exception of type E whose message contains @p text.
template <class E = std::exception, class F>
bool throws_with(const F& call, const std::string& text) {
  try {
    call();
  } catch (const E& e) {
    return std::string(e.what()).find(text) != std::string::npos;
  } catch (...) {
    return false;
  }
  return false;
}

/// One cuBLAS handle for the whole run: creating one is slow on a GPU, and the tests never change its settings.
cublasHandle_t cublas() {
  static const cublasHandle_t handle = [] {
    cublasHandle_t h = nullptr;
    const cublasStatus_t status = cublasCreate(&h);
    if (status != CUBLAS_STATUS_SUCCESS) {
      throw std::runtime_error(std::string("cublasCreate failed: ") + cublasGetStatusString(status));
    }
    return h;
  }();
  return handle;
}

/// The WMMA kernel's C for shape @p s with inputs rounded to T, computed once and kept: both WMMA tests check it,
/// against different references, and on the CPU backend one 512^3 run takes seconds. C's guard bands are checked
/// by whichever test computes it.
template <class T>
const std::vector<float>& wmma_result(const ws_test::matmul_shape& s) {
  static std::map<std::tuple<int, int, int>, std::vector<float>> cache;
  const auto key = std::make_tuple(s.m, s.n, s.k);
  auto it = cache.find(key);
  if (it == cache.end()) {
    const auto& q = narrow_problem_for<T>(s);
    const nan_fenced_matrix<T> d_a(q.a);
    const nan_fenced_matrix<T> d_b(q.b);
    ws::device_guarded_buffer<float> d_c(elements(s.m, s.n));
    lab04::launch_matmul_wmma(d_a.data(), d_b.data(), d_c.data(), s.m, s.n, s.k);
    WS_CUDA_CHECK(cudaDeviceSynchronize());
    check_guards("wmma " + s.name(), d_c);
    it = cache.emplace(key, d_c.download()).first;
  }
  return it->second;
}

/// Runs cuBLAS GemmEx on shape @p s with inputs rounded to T; returns C.
template <class T>
std::vector<float> run_gemmex(const ws_test::matmul_shape& s) {
  const auto& q = narrow_problem_for<T>(s);
  const nan_fenced_matrix<T> d_a(q.a);
  const nan_fenced_matrix<T> d_b(q.b);
  ws::device_guarded_buffer<float> d_c(elements(s.m, s.n));
  lab04::matmul_cublas_gemmex(cublas(), d_a.data(), d_b.data(), d_c.data(), s.m, s.n, s.k);
  WS_CUDA_CHECK(cudaDeviceSynchronize());
  check_guards("cublas gemmex " + s.name(), d_c);
  return d_c.download();
}

/// sqrt(sum (got - expected)^2 / sum expected^2): the error of a whole matrix, relative to its size. Unlike the
/// largest element-wise relative error it is not dominated by the few results that cancel to almost zero.
double normwise_relative_error(std::span<const float> expected, std::span<const float> got) {
  double err = 0.0;
  double ref = 0.0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double d = static_cast<double>(got[i]) - static_cast<double>(expected[i]);
    err += d * d;
    ref += static_cast<double>(expected[i]) * static_cast<double>(expected[i]);
  }
  return ref > 0.0 ? std::sqrt(err / ref) : 0.0;
}

/// The shapes with enough outputs (at least 1000) for an error statistic to mean something.
std::vector<ws_test::matmul_shape> large_shapes() {
  std::vector<ws_test::matmul_shape> out;
  for (const auto& s : ws_test::matmul_shapes()) {
    if (elements(s.m, s.n) >= 1000 && s.k > 0) out.push_back(s);
  }
  return out;
}

}  // namespace

TEST_CASE("the version lists name the versions the benchmark and the visualizer expect", "[lab04][cpu]") {
  // The manifest (lab.json, generated into lab04_manifest.hpp) declares the versions; the code must offer them all.
  const auto& fp32_names = lab04::manifest::matmul_fast_versions;
  const bool fp32 = lab04::matmul_fast_versions() == std::vector<std::string_view>(fp32_names.begin(), fp32_names.end());
  CHECK(fp32);
  ws_test::witness("matmul_fast_versions", fp32);
  const auto& tensor_names = lab04::manifest::tensor_core_versions;
  const bool tensor =
      lab04::tensor_core_versions() == std::vector<std::string_view>(tensor_names.begin(), tensor_names.end());
  CHECK(tensor);
  ws_test::witness("tensor_core_versions", tensor);
}

TEST_CASE("bf16 inputs lose about 8 times more accuracy than fp16 inputs, both within the precision bound",
          "[lab04][cpu]") {
  // Host only: round the inputs, multiply exactly (in double) and compare with the product of the unrounded inputs.
  // This is the error a tensor-core kernel cannot avoid; its float accumulation adds far less (see the WMMA tests).
  // bf16 keeps 8 significand bits to fp16's 11, so its rounding error should be about 2^3 = 8 times larger.
  const auto shape = GENERATE(from_range(large_shapes()));
  const auto [m, n, k] = shape;
  INFO(shape.name());
  const auto& expected = problem_for(shape).expected;
  const auto& f16 = narrow_problem_for<__half>(shape).expected_rounded;
  const auto& b16 = narrow_problem_for<__nv_bfloat16>(shape).expected_rounded;

  const auto report_f16 = ws::compare(expected, f16, ws::tolerance::for_precision(ws::eps_fp16, k));
  const auto report_b16 = ws::compare(expected, b16, ws::tolerance::for_precision(ws::eps_bf16, k));
  INFO(report_f16.summary("fp16 inputs", static_cast<std::size_t>(n)));
  INFO(report_b16.summary("bf16 inputs", static_cast<std::size_t>(n)));
  CHECK(report_f16.ok());
  ws_test::witness("fp16 inputs " + shape.name(), f16, ws::tolerance::for_precision(ws::eps_fp16, k));
  CHECK(report_b16.ok());
  ws_test::witness("bf16 inputs " + shape.name(), b16, ws::tolerance::for_precision(ws::eps_bf16, k));

  const double err_f16 = normwise_relative_error(expected, f16);
  const double err_b16 = normwise_relative_error(expected, b16);
  INFO("normwise relative error: fp16 " << err_f16 << ", bf16 " << err_b16 << ", ratio " << err_b16 / err_f16);
  CHECK(err_f16 > 0.0);
  CHECK(err_b16 > 4.0 * err_f16);
  CHECK(err_b16 < 16.0 * err_f16);
  CHECK(report_b16.max_abs_error > report_f16.max_abs_error);
  ws_test::witness("bf16 error 4 to 16 times fp16's " + shape.name(),
                   err_f16 > 0.0 && err_b16 > 4.0 * err_f16 && err_b16 < 16.0 * err_f16 &&
                       report_b16.max_abs_error > report_f16.max_abs_error);
}

TEST_CASE("every FP32 version matches the double-precision reference on every shape", "[lab04][matmul][gpu]") {
  const auto version = GENERATE(from_range(lab04::matmul_fast_versions()));
  const auto shape = GENERATE(from_range(ws_test::matmul_shapes()));
  const auto [m, n, k] = shape;
  const std::string label = std::string(version) + " " + shape.name();
  INFO(label);
  const auto& p = problem_for(shape);

  const nan_fenced_matrix<float> d_a(p.a);
  const nan_fenced_matrix<float> d_b(p.b);
  ws::device_guarded_buffer<float> d_c(elements(m, n));
  lab04::launch_matmul(version, d_a.data(), d_b.data(), d_c.data(), m, n, k);
  WS_CUDA_CHECK(cudaDeviceSynchronize());

  check_close(label, shape, p.expected, d_c.download(), ws_test::matmul_tolerance(k));
  check_guards(label, d_c);
}

/// The 17 x 33 x 65 problem on the device in every input precision, for the tests that launch everything once.
struct launch_problem {
  ws_test::matmul_shape shape{17, 33, 65};
  ws::device_buffer<float> a{std::span<const float>(problem_for(shape).a)};
  ws::device_buffer<float> b{std::span<const float>(problem_for(shape).b)};
  ws::device_buffer<__half> a16{std::span<const __half>(narrow_problem_for<__half>(shape).a)};
  ws::device_buffer<__half> b16{std::span<const __half>(narrow_problem_for<__half>(shape).b)};
  ws::device_buffer<__nv_bfloat16> abf{std::span<const __nv_bfloat16>(narrow_problem_for<__nv_bfloat16>(shape).a)};
  ws::device_buffer<__nv_bfloat16> bbf{std::span<const __nv_bfloat16>(narrow_problem_for<__nv_bfloat16>(shape).b)};
  ws::device_buffer<float> c{elements(shape.m, shape.n)};
};

TEST_CASE("every FP32 version and the WMMA kernel compute in a kernel, not on the host", "[lab04][matmul][gpu]") {
  // On the CPU backend device memory is host memory, so a launcher could copy A and B back, multiply on the host
  // and copy C out, multiply through the device pointers behind a decoy kernel, or call cuBLAS instead of its own
  // kernel (cuBLAS belongs in the matmul_cublas_* wrappers only), and pass the tests above. The device_work_scope
  // sees all of these (tests/support/kernel_launches.hpp); on a GPU it says "unknown" and only C is checked.
  launch_problem d;
  const auto [m, n, k] = d.shape;
  // Runs @p work, the version called @p name, on a NaN-filled C inside a scope; checks how and what it computed.
  const auto check_version = [&](const std::string& name, std::span<const float> expected, const ws::tolerance& tol,
                                 const auto& work) {
    INFO(name << " " << d.shape.name());
    d.c.fill_bytes(0xFF);  // NaN: whoever computes C changes every byte
    {
      ws_test::device_work_scope scope({ws_test::watched(d.c.data(), d.c.size())});
      work();
      WS_CUDA_CHECK(cudaDeviceSynchronize());
      if (const auto& r = scope.report()) {
        const auto problems = r->problems(name);
        INFO(ws_test::join_lines(problems) << "\nthe product must run in your kernel on the GPU");
        CHECK(problems.empty());
        ws_test::witness(name + " computes in a kernel " + d.shape.name(), problems.empty());
      }
    }
    check_close(name + " " + d.shape.name(), d.shape, expected, d.c.to_vector(), tol);
  };

  for (const auto version : lab04::matmul_fast_versions()) {
    check_version(std::string(version), problem_for(d.shape).expected, ws_test::matmul_tolerance(k),
                  [&] { lab04::launch_matmul(version, d.a.data(), d.b.data(), d.c.data(), m, n, k); });
  }
  check_version("wmma fp16", narrow_problem_for<__half>(d.shape).expected_rounded, ws_test::matmul_tolerance(k),
                [&] { lab04::launch_matmul_wmma(d.a16.data(), d.b16.data(), d.c.data(), m, n, k); });
  check_version("wmma bf16", narrow_problem_for<__nv_bfloat16>(d.shape).expected_rounded,
                ws_test::matmul_tolerance(k),
                [&] { lab04::launch_matmul_wmma(d.abf.data(), d.bbf.data(), d.c.data(), m, n, k); });
}

TEST_CASE("every FP32 version is right when its matrices are not 16-byte aligned", "[lab04][matmul][gpu]") {
  // n and k are multiples of 4, so only the alignment of the pointers rules out float4 loads and stores here.
  const auto version = GENERATE(from_range(lab04::matmul_fast_versions()));
  const ws_test::matmul_shape shape{70, 132, 36};
  const auto [m, n, k] = shape;
  const std::string label = std::string(version) + " " + shape.name() + ", pointers 4 bytes past a 16-byte boundary";
  INFO(label);
  const auto& p = problem_for(shape);

  const nan_fenced_matrix<float> d_a(p.a, 1);
  const nan_fenced_matrix<float> d_b(p.b, 1);
  ws::device_guarded_buffer<float> d_c(elements(m, n) + 1);
  lab04::launch_matmul(version, d_a.data(), d_b.data(), d_c.data() + 1, m, n, k);
  WS_CUDA_CHECK(cudaDeviceSynchronize());

  const auto got = d_c.download();
  CHECK(std::isnan(got[0]));  // the element just before C: nothing may write it
  ws_test::witness(label + " element before C untouched", std::isnan(got[0]));
  check_close(label, shape, p.expected, std::span<const float>(got).subspan(1), ws_test::matmul_tolerance(k));
  check_guards(label, d_c);
}

TEST_CASE("the WMMA kernel is exact up to float accumulation on inputs rounded to fp16 or bf16",
          "[lab04][matmul][wmma][gpu]") {
  // A product of two fp16 (or two bf16) values is exact in float, so the only error left is the float
  // accumulation: the FP32 kernels' tolerance, against a reference computed from the rounded inputs.
  const auto type = GENERATE(as<std::string>{}, "fp16", "bf16");
  const auto shape = GENERATE(from_range(ws_test::matmul_shapes()));
  const std::string label = "wmma " + type + " " + shape.name();
  INFO(label);
  const auto tol = ws_test::matmul_tolerance(shape.k);
  if (type == "fp16") {
    check_close(label, shape, narrow_problem_for<__half>(shape).expected_rounded, wmma_result<__half>(shape), tol);
  } else {
    check_close(label, shape, narrow_problem_for<__nv_bfloat16>(shape).expected_rounded,
                wmma_result<__nv_bfloat16>(shape), tol);
  }
}

TEST_CASE("the WMMA kernel stays within the fp16 or bf16 precision bound of the FP32 result",
          "[lab04][matmul][wmma][gpu]") {
  // What mixed precision costs: the same kernel against the reference of the unrounded FP32 inputs. The bound
  // (ws::tolerance::for_precision) grows with the input type's epsilon: 2^-10 for fp16, 2^-7 for bf16.
  const auto type = GENERATE(as<std::string>{}, "fp16", "bf16");
  const auto shape = GENERATE(from_range(ws_test::matmul_shapes()));
  const std::string label = "wmma " + type + " " + shape.name() + " vs FP32";
  INFO(label);
  const auto& expected = problem_for(shape).expected;
  if (type == "fp16") {
    check_close(label, shape, expected, wmma_result<__half>(shape),
                ws::tolerance::for_precision(ws::eps_fp16, static_cast<std::size_t>(shape.k)));
  } else {
    check_close(label, shape, expected, wmma_result<__nv_bfloat16>(shape),
                ws::tolerance::for_precision(ws::eps_bf16, static_cast<std::size_t>(shape.k)));
  }
}

TEST_CASE("cuBLAS SGEMM called through the row-major wrapper matches the reference on every shape",
          "[lab04][matmul][cublas][gpu]") {
  const auto shape = GENERATE(from_range(ws_test::matmul_shapes()));
  const auto [m, n, k] = shape;
  const std::string label = "cublas sgemm " + shape.name();
  INFO(label);
  const auto& p = problem_for(shape);

  const nan_fenced_matrix<float> d_a(p.a);
  const nan_fenced_matrix<float> d_b(p.b);
  ws::device_guarded_buffer<float> d_c(elements(m, n));
  lab04::matmul_cublas_sgemm(cublas(), d_a.data(), d_b.data(), d_c.data(), m, n, k);
  WS_CUDA_CHECK(cudaDeviceSynchronize());

  check_close(label, shape, p.expected, d_c.download(), ws_test::matmul_tolerance(k));
  check_guards(label, d_c);
}

TEST_CASE("cuBLAS GemmEx with fp16 or bf16 inputs matches the rounded-input reference on every shape",
          "[lab04][matmul][cublas][gpu]") {
  const auto type = GENERATE(as<std::string>{}, "fp16", "bf16");
  const auto shape = GENERATE(from_range(ws_test::matmul_shapes()));
  const std::string label = "cublas gemmex " + type + " " + shape.name();
  INFO(label);
  const auto tol = ws_test::matmul_tolerance(shape.k);
  if (type == "fp16") {
    check_close(label, shape, narrow_problem_for<__half>(shape).expected_rounded, run_gemmex<__half>(shape), tol);
  } else {
    check_close(label, shape, narrow_problem_for<__nv_bfloat16>(shape).expected_rounded,
                run_gemmex<__nv_bfloat16>(shape), tol);
  }
}

TEST_CASE("a failing cuBLAS call is reported with the call's name", "[lab04][cublas][gpu]") {
  // k = -1 is an invalid argument for cuBLAS (CUBLAS_STATUS_INVALID_VALUE); nothing is read or written.
  ws::device_buffer<float> d(16);
  ws::device_buffer<__half> d16(16);
  CHECK_THROWS_AS(lab04::matmul_cublas_sgemm(cublas(), d.data(), d.data(), d.data(), 4, 4, -1), std::runtime_error);
  CHECK_THROWS_WITH(lab04::matmul_cublas_sgemm(cublas(), d.data(), d.data(), d.data(), 4, 4, -1),
                    Catch::Matchers::Contains("cublasSgemm"));
  CHECK_THROWS_WITH(lab04::matmul_cublas_gemmex(cublas(), d16.data(), d16.data(), d.data(), 4, 4, -1),
                    Catch::Matchers::Contains("cublasGemmEx"));
  ws_test::witness("sgemm k=-1 throws naming cublasSgemm",
                   throws_with<std::runtime_error>(
                       [&] { lab04::matmul_cublas_sgemm(cublas(), d.data(), d.data(), d.data(), 4, 4, -1); },
                       "cublasSgemm"));
  ws_test::witness("gemmex k=-1 throws naming cublasGemmEx",
                   throws_with<std::runtime_error>(
                       [&] { lab04::matmul_cublas_gemmex(cublas(), d16.data(), d16.data(), d.data(), 4, 4, -1); },
                       "cublasGemmEx"));
}

TEST_CASE("the launchers leave no CUDA error behind", "[lab04][gpu]") {
  launch_problem d;
  const auto [m, n, k] = d.shape;
  for (const auto version : lab04::matmul_fast_versions()) {
    lab04::launch_matmul(version, d.a.data(), d.b.data(), d.c.data(), m, n, k);
  }
  lab04::launch_matmul_wmma(d.a16.data(), d.b16.data(), d.c.data(), m, n, k);
  lab04::launch_matmul_wmma(d.abf.data(), d.bbf.data(), d.c.data(), m, n, k);
  lab04::matmul_cublas_sgemm(cublas(), d.a.data(), d.b.data(), d.c.data(), m, n, k);
  lab04::matmul_cublas_gemmex(cublas(), d.a16.data(), d.b16.data(), d.c.data(), m, n, k);
  lab04::matmul_cublas_gemmex(cublas(), d.abf.data(), d.bbf.data(), d.c.data(), m, n, k);
  const bool synchronized = cudaDeviceSynchronize() == cudaSuccess;
  CHECK(synchronized);
  ws_test::witness("cudaDeviceSynchronize returns cudaSuccess", synchronized);
  const bool no_error = cudaGetLastError() == cudaSuccess;
  CHECK(no_error);
  ws_test::witness("cudaGetLastError returns cudaSuccess", no_error);
}

TEST_CASE("an empty C (m = 0 or n = 0) launches nothing and leaves no error", "[lab04][gpu]") {
  // A grid of zero blocks is an invalid launch configuration, so every launcher must return before launching.
  ws::device_buffer<float> d(16);
  ws::device_buffer<__nv_bfloat16> d16(16);
  for (const auto& [m, n] : {std::pair{0, 5}, std::pair{5, 0}}) {
    const std::string where = "m=" + std::to_string(m) + " n=" + std::to_string(n);
    INFO(where);
    // Calls @p work, named @p name: it must not throw.
    const auto no_throw = [&](const std::string& name, const auto& work) {
      bool threw = false;
      try {
        work();
      } catch (const std::exception& e) {
        threw = true;
        INFO(name << " threw: " << e.what());
        CHECK_FALSE(threw);
      }
      ws_test::witness(name + " " + where + " does not throw", !threw);
    };
    for (const auto version : lab04::matmul_fast_versions()) {
      no_throw(std::string(version), [&] { lab04::launch_matmul(version, d.data(), d.data(), d.data(), m, n, 3); });
    }
    no_throw("wmma", [&] { lab04::launch_matmul_wmma(d16.data(), d16.data(), d.data(), m, n, 3); });
    no_throw("cublas sgemm", [&] { lab04::matmul_cublas_sgemm(cublas(), d.data(), d.data(), d.data(), m, n, 3); });
    no_throw("cublas gemmex",
             [&] { lab04::matmul_cublas_gemmex(cublas(), d16.data(), d16.data(), d.data(), m, n, 3); });
  }
  const bool synchronized = cudaDeviceSynchronize() == cudaSuccess;
  CHECK(synchronized);
  ws_test::witness("cudaDeviceSynchronize returns cudaSuccess", synchronized);
  const bool no_error = cudaGetLastError() == cudaSuccess;
  CHECK(no_error);
  ws_test::witness("cudaGetLastError returns cudaSuccess", no_error);
}

TEST_CASE("an unknown FP32 version is rejected by name", "[lab04][gpu]") {
  CHECK_THROWS_AS(lab04::launch_matmul("warp_speed", nullptr, nullptr, nullptr, 1, 1, 1), std::invalid_argument);
  CHECK_THROWS_WITH(lab04::launch_matmul("warp_speed", nullptr, nullptr, nullptr, 1, 1, 1),
                    Catch::Matchers::Contains("warp_speed"));
  ws_test::witness("launch_matmul(\"warp_speed\") throws invalid_argument naming it",
                   throws_with<std::invalid_argument>(
                       [] { lab04::launch_matmul("warp_speed", nullptr, nullptr, nullptr, 1, 1, 1); }, "warp_speed"));
}
