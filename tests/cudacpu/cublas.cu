/// @file
/// @brief cuBLAS's GEMMs against a long double reference, argument checks and status codes. The same file runs
///        against the cudacpu stand-in (`common/cudacpu/include/cublas_v2.h`, ctest cudacpu.cublas) and, on a GPU,
///        against the real library (ctest cudacpu.cublas.gpu), so the stand-in's semantics are checked against
///        cuBLAS itself. Cases only the stand-in can check (its pointer checks) are under `#if WS_CUDACPU`.
///
/// Matrices are column-major, as in cuBLAS. Every leading dimension may exceed the rows it must hold; A's and B's
/// padding is NaN (a GEMM that reads it fails) and C's padding holds a sentinel that must survive.
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "ws/compare.hpp"
#include "ws/device_buffer.hpp"
#include "ws/random.hpp"

namespace {

// ---- helpers ----

/// Fails the test case when a cuBLAS call does not return @p expected, naming the call and both statuses.
#define CUBLAS_REQUIRE_STATUS(expected, call)                                                                     \
  do {                                                                                                            \
    const cublasStatus_t cublas_status_ = (call);                                                                 \
    INFO(#call << " returned " << cublasGetStatusName(cublas_status_));                                           \
    REQUIRE(cublas_status_ == (expected));                                                                        \
  } while (0)
/// Fails the test case unless a cuBLAS call succeeds.
#define CUBLAS_REQUIRE(call) CUBLAS_REQUIRE_STATUS(CUBLAS_STATUS_SUCCESS, call)

/// Flat index of element (i, j) of a column-major matrix with leading dimension ld.
std::size_t at(int i, int j, int ld) { return static_cast<std::size_t>(i) + static_cast<std::size_t>(j) * ld; }

/// What C's padding (rows m .. ldc-1) holds; a GEMM must leave it alone. Exact in half and bfloat16 too.
constexpr float k_sentinel = 4224.0f;

/// A cuBLAS handle, destroyed on scope exit.
class blas_handle {
 public:
  blas_handle() { CUBLAS_REQUIRE(cublasCreate(&h_)); }
  blas_handle(const blas_handle&) = delete;
  blas_handle& operator=(const blas_handle&) = delete;
  ~blas_handle() { cublasDestroy(h_); }
  /// The handle.
  cublasHandle_t get() const { return h_; }

 private:
  cublasHandle_t h_ = nullptr;
};

/// A rows x cols column-major matrix with leading dimension ld: random values in [-1, 1], NaN padding.
std::vector<float> random_matrix(int rows, int cols, int ld, std::uint64_t seed) {
  std::vector<float> values(static_cast<std::size_t>(rows) * cols);
  ws::fill_random(values, seed);
  std::vector<float> m(static_cast<std::size_t>(ld) * cols, std::numeric_limits<float>::quiet_NaN());
  for (int j = 0; j < cols; ++j)
    for (int i = 0; i < rows; ++i) m[at(i, j, ld)] = values[at(i, j, rows)];
  return m;
}

/// C for a test: NaN inside when @p nan_inside (beta = 0 must ignore it), else random; the sentinel in the padding.
std::vector<float> output_matrix(int m, int n, int ldc, bool nan_inside, std::uint64_t seed) {
  std::vector<float> c = random_matrix(m, n, ldc, seed);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < ldc; ++i) {
      float& x = c[at(i, j, ldc)];
      if (i >= m) x = k_sentinel;
      else if (nan_inside) x = std::numeric_limits<float>::quiet_NaN();
    }
  return c;
}

/// C = alpha * op(A) op(B) + beta * C in type R, column-major, compact (ld = m). beta == 0 ignores C.
template <class R, class T>
std::vector<R> reference_gemm(cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, R alpha,
                              const std::vector<T>& a, int lda, const std::vector<T>& b, int ldb, R beta,
                              const std::vector<T>& c, int ldc) {
  const auto op_a = [&](int i, int p) {
    return static_cast<R>(transa == CUBLAS_OP_N ? a[at(i, p, lda)] : a[at(p, i, lda)]);
  };
  const auto op_b = [&](int p, int j) {
    return static_cast<R>(transb == CUBLAS_OP_N ? b[at(p, j, ldb)] : b[at(j, p, ldb)]);
  };
  std::vector<R> out(static_cast<std::size_t>(m) * n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      R sum = 0;
      for (int p = 0; p < k; ++p) sum += op_a(i, p) * op_b(p, j);
      const R old = beta == R{0} ? R{0} : beta * static_cast<R>(c[at(i, j, ldc)]);
      out[at(i, j, m)] = alpha * sum + old;
    }
  return out;
}

/// reference_gemm for op(A) = A, op(B) = B, compact (lda = m, ldb = k, ldc = m), rounded to float.
std::vector<float> reference_nn(int m, int n, int k, long double alpha, const std::vector<float>& a,
                                const std::vector<float>& b, long double beta, const std::vector<float>& c) {
  const auto r = reference_gemm<long double>(CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, alpha, a, m, b, k, beta, c, m);
  return std::vector<float>(r.begin(), r.end());
}

/// The m x n interior of a column-major C with leading dimension ldc, compact, as type R.
template <class R, class T>
std::vector<R> interior(const std::vector<T>& c, int m, int n, int ldc) {
  std::vector<R> out(static_cast<std::size_t>(m) * n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) out[at(i, j, m)] = static_cast<R>(static_cast<float>(c[at(i, j, ldc)]));
  return out;
}

/// How many padding elements of C (rows m .. ldc-1) no longer hold the sentinel.
template <class T>
int damaged_padding(const std::vector<T>& c, int m, int n, int ldc) {
  int damaged = 0;
  for (int j = 0; j < n; ++j)
    for (int i = m; i < ldc; ++i)
      if (static_cast<float>(c[at(i, j, ldc)]) != k_sentinel) ++damaged;
  return damaged;
}

/// Rows of an operand as stored, when op(X) is r x c: r for CUBLAS_OP_N, c when transposed.
int stored_rows(cublasOperation_t op, int r, int c) { return op == CUBLAS_OP_N ? r : c; }
/// Columns of the storage (see stored_rows).
int stored_cols(cublasOperation_t op, int r, int c) { return op == CUBLAS_OP_N ? c : r; }

/// "N", "T" or "C", for messages.
const char* op_name(cublasOperation_t op) {
  return op == CUBLAS_OP_N ? "N" : (op == CUBLAS_OP_T ? "T" : "C");
}

/// Float data rounded to a narrow type T.
template <class T>
std::vector<T> narrow(const std::vector<float>& x) {
  std::vector<T> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = T(x[i]);
  return out;
}

/// Multiplies every element by s (the stream test's earlier work).
__global__ void scale_kernel(float* x, int n, float s) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) x[i] *= s;
}

}  // namespace

// ---- Sgemm / Dgemm ----

TEST_CASE("cublasSgemm matches a long double reference for every transpose, odd shapes, padding, alpha and beta",
          "[cublas][gemm]") {
  const cublasOperation_t ta = GENERATE(CUBLAS_OP_N, CUBLAS_OP_T, CUBLAS_OP_C);
  const cublasOperation_t tb = GENERATE(CUBLAS_OP_N, CUBLAS_OP_T);
  const auto [m, n, k] = GENERATE(std::tuple{1, 1, 1}, std::tuple{17, 33, 65}, std::tuple{64, 48, 80},
                                  std::tuple{3, 1, 129}, std::tuple{1, 40, 7});
  const int pad = GENERATE(0, 5);
  const float beta = GENERATE(0.0f, 1.0f, -0.5f);
  const float alpha = 1.5f;
  const int lda = stored_rows(ta, m, k) + pad;
  const int ldb = stored_rows(tb, k, n) + pad;
  const int ldc = m + pad;
  const auto a = random_matrix(stored_rows(ta, m, k), stored_cols(ta, m, k), lda, 1);
  const auto b = random_matrix(stored_rows(tb, k, n), stored_cols(tb, k, n), ldb, 2);
  const auto c0 = output_matrix(m, n, ldc, beta == 0.0f, 3);

  ws::device_buffer<float> d_a{std::span<const float>(a)}, d_b{std::span<const float>(b)},
      d_c{std::span<const float>(c0)};
  blas_handle h;
  CUBLAS_REQUIRE(cublasSgemm(h.get(), ta, tb, m, n, k, &alpha, d_a.data(), lda, d_b.data(), ldb, &beta, d_c.data(),
                             ldc));
  const auto c = d_c.to_vector();

  const auto expected_ld = reference_gemm<long double>(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc);
  const std::vector<float> expected(expected_ld.begin(), expected_ld.end());
  ws::tolerance tol = ws::tolerance::for_reduction(static_cast<std::size_t>(k));
  tol.abs *= 2;  // alpha = 1.5 scales the error too, and beta * C adds one rounding
  const auto report = ws::compare(expected, interior<float>(c, m, n, ldc), tol);
  INFO(op_name(ta) << op_name(tb) << " m=" << m << " n=" << n << " k=" << k << " pad=" << pad << " beta=" << beta);
  INFO(report.summary("C"));
  CHECK(report.ok());
  CHECK(damaged_padding(c, m, n, ldc) == 0);
}

TEST_CASE("cublasSgemm with beta = 1 accumulates: two calls give twice the product", "[cublas][gemm]") {
  const int m = 23, n = 19, k = 31;
  const auto a = random_matrix(m, k, m, 11);
  const auto b = random_matrix(k, n, k, 12);
  const std::vector<float> zero(static_cast<std::size_t>(m) * n, 0.0f);
  ws::device_buffer<float> d_a{std::span<const float>(a)}, d_b{std::span<const float>(b)},
      d_c{std::span<const float>(zero)};
  blas_handle h;
  const float alpha = 1.0f, beta = 1.0f;
  for (int call = 0; call < 2; ++call)
    CUBLAS_REQUIRE(cublasSgemm(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, d_a.data(), m, d_b.data(), k,
                               &beta, d_c.data(), m));
  const auto expected = reference_nn(m, n, k, 2.0L, a, b, 0.0L, zero);
  const auto report = ws::compare(expected, d_c.to_vector(), ws::tolerance::for_reduction(2 * k));
  INFO(report.summary("C"));
  CHECK(report.ok());
}

TEST_CASE("cublasSgemm with k = 0 or alpha = 0 only scales C by beta, as reference BLAS does", "[cublas][gemm]") {
  const int m = 6, n = 5;
  const int k = GENERATE(0, 4);
  const float alpha = k == 0 ? 1.0f : 0.0f;
  const float beta = GENERATE(0.0f, 2.0f);
  const auto a = random_matrix(m, std::max(k, 1), m, 21);
  const auto b = random_matrix(std::max(k, 1), n, std::max(k, 1), 22);
  const auto c0 = output_matrix(m, n, m, beta == 0.0f, 23);
  ws::device_buffer<float> d_a{std::span<const float>(a)}, d_b{std::span<const float>(b)},
      d_c{std::span<const float>(c0)};
  blas_handle h;
  CUBLAS_REQUIRE(cublasSgemm(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, d_a.data(), m, d_b.data(),
                             std::max(k, 1), &beta, d_c.data(), m));
  const auto c = d_c.to_vector();
  INFO("k=" << k << " alpha=" << alpha << " beta=" << beta);
  for (std::size_t i = 0; i < c.size(); ++i) {
    INFO("element " << i);
    REQUIRE(c[i] == (beta == 0.0f ? 0.0f : beta * c0[i]));
  }
}

TEST_CASE("cublasSgemm on an empty C (m = 0 or n = 0) succeeds and writes nothing", "[cublas][gemm]") {
  blas_handle h;
  const float alpha = 1.0f, beta = 0.0f;
  std::vector<float> c0(4, k_sentinel);
  ws::device_buffer<float> d_c{std::span<const float>(c0)};
  CUBLAS_REQUIRE(cublasSgemm(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, 0, 4, 3, &alpha, nullptr, 1, nullptr, 3, &beta,
                             d_c.data(), 1));
  CUBLAS_REQUIRE(cublasSgemm(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, 4, 0, 3, &alpha, nullptr, 4, nullptr, 3, &beta,
                             d_c.data(), 4));
  CHECK(d_c.to_vector() == c0);
}

TEST_CASE("cublasDgemm matches a long double reference for every transpose", "[cublas][gemm]") {
  const cublasOperation_t ta = GENERATE(CUBLAS_OP_N, CUBLAS_OP_T);
  const cublasOperation_t tb = GENERATE(CUBLAS_OP_N, CUBLAS_OP_T);
  const int m = 29, n = 13, k = 47, pad = 2;
  const int lda = stored_rows(ta, m, k) + pad, ldb = stored_rows(tb, k, n) + pad, ldc = m + pad;
  const auto af = random_matrix(stored_rows(ta, m, k), stored_cols(ta, m, k), lda, 31);
  const auto bf = random_matrix(stored_rows(tb, k, n), stored_cols(tb, k, n), ldb, 32);
  const auto cf = output_matrix(m, n, ldc, false, 33);
  // Doubles that are not floats: the float data plus a small irrational-ish offset.
  std::vector<double> a(af.size()), b(bf.size()), c0(cf.size());
  for (std::size_t i = 0; i < af.size(); ++i) a[i] = af[i] + 1e-9 * std::sin(static_cast<double>(i));
  for (std::size_t i = 0; i < bf.size(); ++i) b[i] = bf[i] - 1e-9 * std::cos(static_cast<double>(i));
  for (std::size_t i = 0; i < cf.size(); ++i) c0[i] = cf[i];
  ws::device_buffer<double> d_a{std::span<const double>(a)}, d_b{std::span<const double>(b)},
      d_c{std::span<const double>(c0)};
  blas_handle h;
  const double alpha = -0.75, beta = 0.25;
  CUBLAS_REQUIRE(cublasDgemm(h.get(), ta, tb, m, n, k, &alpha, d_a.data(), lda, d_b.data(), ldb, &beta, d_c.data(),
                             ldc));
  const auto c = d_c.to_vector();
  const auto expected_ld = reference_gemm<long double>(ta, tb, m, n, k, -0.75L, a, lda, b, ldb, 0.25L, c0, ldc);
  const std::vector<double> expected(expected_ld.begin(), expected_ld.end());
  std::vector<double> got(static_cast<std::size_t>(m) * n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) got[at(i, j, m)] = c[at(i, j, ldc)];
  const auto report = ws::compare(expected, got, ws::tolerance::for_reduction(k, DBL_EPSILON));
  INFO(op_name(ta) << op_name(tb) << ": " << report.summary("C"));
  CHECK(report.ok());
  int damaged = 0;
  for (int j = 0; j < n; ++j)
    for (int i = m; i < ldc; ++i) damaged += c[at(i, j, ldc)] != k_sentinel;
  CHECK(damaged == 0);
}

TEST_CASE("cublasSgemmStridedBatched computes each GEMM of the batch, a zero stride reusing one matrix",
          "[cublas][gemm]") {
  const int m = 9, n = 7, k = 11, batch = 3;
  const long long stride_a = GENERATE(0LL, 9LL * 11 + 4);
  const long long stride_b = 11LL * 7 + 1, stride_c = 9LL * 7 + 2;
  const auto a = random_matrix(m, k + (stride_a == 0 ? 0 : 2 * (k + 1)), m, 41);  // enough for every batch
  std::vector<float> b(static_cast<std::size_t>(stride_b) * batch);
  ws::fill_random(b, 42);
  std::vector<float> c0(static_cast<std::size_t>(stride_c) * batch, k_sentinel);
  ws::device_buffer<float> d_a{std::span<const float>(a)}, d_b{std::span<const float>(b)},
      d_c{std::span<const float>(c0)};
  blas_handle h;
  const float alpha = 1.0f, beta = 0.0f;
  CUBLAS_REQUIRE(cublasSgemmStridedBatched(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, d_a.data(), m,
                                           stride_a, d_b.data(), k, stride_b, &beta, d_c.data(), m, stride_c,
                                           batch));
  const auto c = d_c.to_vector();
  for (int i = 0; i < batch; ++i) {
    const std::vector<float> ai(a.begin() + i * stride_a, a.begin() + i * stride_a + m * k);
    const std::vector<float> bi(b.begin() + i * stride_b, b.begin() + i * stride_b + k * n);
    const auto expected = reference_nn(m, n, k, 1.0L, ai, bi, 0.0L, ai);
    const std::vector<float> got(c.begin() + i * stride_c, c.begin() + i * stride_c + m * n);
    const auto report = ws::compare(expected, got, ws::tolerance::for_reduction(k));
    INFO("batch " << i << " strideA " << stride_a << ": " << report.summary("C"));
    CHECK(report.ok());
    for (long long e = m * n; e < stride_c; ++e) CHECK(c[i * stride_c + e] == k_sentinel);
  }
}

// ---- GemmEx ----

/// One cublasGemmEx problem with narrow inputs T, checked against a long double reference on the rounded inputs.
template <class T, class TC>
void check_gemm_ex(cudaDataType ab_type, cudaDataType c_type, float out_eps, cublasOperation_t ta,
                   cublasOperation_t tb, int m, int n, int k, int pad, float beta) {
  const int lda = stored_rows(ta, m, k) + pad, ldb = stored_rows(tb, k, n) + pad, ldc = m + pad;
  const auto a = narrow<T>(random_matrix(stored_rows(ta, m, k), stored_cols(ta, m, k), lda, 51));
  const auto b = narrow<T>(random_matrix(stored_rows(tb, k, n), stored_cols(tb, k, n), ldb, 52));
  const auto c0 = narrow<TC>(output_matrix(m, n, ldc, beta == 0.0f, 53));
  ws::device_buffer<T> d_a{std::span<const T>(a)}, d_b{std::span<const T>(b)};
  ws::device_buffer<TC> d_c{std::span<const TC>(c0)};
  blas_handle h;
  const float alpha = 0.5f;
  CUBLAS_REQUIRE(cublasGemmEx(h.get(), ta, tb, m, n, k, &alpha, d_a.data(), ab_type, lda, d_b.data(), ab_type, ldb,
                              &beta, d_c.data(), c_type, ldc, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
  const auto c = d_c.to_vector();
  std::vector<float> af(a.size()), bf(b.size()), cf(c0.size());
  for (std::size_t i = 0; i < a.size(); ++i) af[i] = static_cast<float>(a[i]);
  for (std::size_t i = 0; i < b.size(); ++i) bf[i] = static_cast<float>(b[i]);
  for (std::size_t i = 0; i < c0.size(); ++i) cf[i] = static_cast<float>(c0[i]);
  const auto expected_ld = reference_gemm<long double>(ta, tb, m, n, k, 0.5L, af, lda, bf, ldb,
                                                       static_cast<long double>(beta), cf, ldc);
  const std::vector<float> expected(expected_ld.begin(), expected_ld.end());
  ws::tolerance tol = ws::tolerance::for_reduction(static_cast<std::size_t>(k));
  tol.rel += out_eps;  // the result's rounding to C's type (0 for float)
  tol.abs += out_eps;
  const auto report = ws::compare(expected, interior<float>(c, m, n, ldc), tol);
  INFO(op_name(ta) << op_name(tb) << " m=" << m << " n=" << n << " k=" << k << " pad=" << pad << " beta=" << beta);
  INFO(report.summary("C"));
  CHECK(report.ok());
  CHECK(damaged_padding(c, m, n, ldc) == 0);
}

TEST_CASE("cublasGemmEx with half inputs and float accumulation matches a reference on the rounded inputs",
          "[cublas][gemm_ex]") {
  const cublasOperation_t ta = GENERATE(CUBLAS_OP_N, CUBLAS_OP_T);
  const cublasOperation_t tb = GENERATE(CUBLAS_OP_N, CUBLAS_OP_T);
  const auto [m, n, k] = GENERATE(std::tuple{1, 1, 1}, std::tuple{17, 33, 65}, std::tuple{64, 64, 64});
  const int pad = GENERATE(0, 3);
  const float beta = GENERATE(0.0f, 1.0f);
  SECTION("float output") { check_gemm_ex<__half, float>(CUDA_R_16F, CUDA_R_32F, 0.0f, ta, tb, m, n, k, pad, beta); }
  SECTION("half output") {
    check_gemm_ex<__half, __half>(CUDA_R_16F, CUDA_R_16F, ws::eps_fp16, ta, tb, m, n, k, pad, beta);
  }
}

TEST_CASE("cublasGemmEx with bfloat16 inputs and float accumulation matches a reference on the rounded inputs",
          "[cublas][gemm_ex]") {
  const cublasOperation_t ta = GENERATE(CUBLAS_OP_N, CUBLAS_OP_T);
  const cublasOperation_t tb = GENERATE(CUBLAS_OP_N, CUBLAS_OP_T);
  const auto [m, n, k] = GENERATE(std::tuple{1, 1, 1}, std::tuple{17, 33, 65}, std::tuple{64, 64, 64});
  const int pad = GENERATE(0, 3);
  const float beta = GENERATE(0.0f, 1.0f);
  SECTION("float output") {
    check_gemm_ex<__nv_bfloat16, float>(CUDA_R_16BF, CUDA_R_32F, 0.0f, ta, tb, m, n, k, pad, beta);
  }
  SECTION("bfloat16 output") {
    check_gemm_ex<__nv_bfloat16, __nv_bfloat16>(CUDA_R_16BF, CUDA_R_16BF, ws::eps_bf16, ta, tb, m, n, k, pad, beta);
  }
}

TEST_CASE("cublasGemmEx with float data takes a cublasComputeType_t or an old cudaDataType compute type",
          "[cublas][gemm_ex]") {
  const int m = 33, n = 17, k = 40;
  const auto a = random_matrix(m, k, m, 61);
  const auto b = random_matrix(k, n, k, 62);
  const auto c0 = output_matrix(m, n, m, true, 63);
  ws::device_buffer<float> d_a{std::span<const float>(a)}, d_b{std::span<const float>(b)},
      d_c{std::span<const float>(c0)};
  blas_handle h;
  const float alpha = 1.0f, beta = 0.0f;
  SECTION("CUBLAS_COMPUTE_32F") {
    CUBLAS_REQUIRE(cublasGemmEx(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, d_a.data(), CUDA_R_32F, m,
                                d_b.data(), CUDA_R_32F, k, &beta, d_c.data(), CUDA_R_32F, m, CUBLAS_COMPUTE_32F,
                                CUBLAS_GEMM_DEFAULT_TENSOR_OP));
  }
  SECTION("CUDA_R_32F as the compute type (pre-CUDA 11 code)") {
    CUBLAS_REQUIRE(cublasGemmEx(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, d_a.data(), CUDA_R_32F, m,
                                d_b.data(), CUDA_R_32F, k, &beta, d_c.data(), CUDA_R_32F, m, CUDA_R_32F,
                                CUBLAS_GEMM_DEFAULT));
  }
  const auto expected = reference_nn(m, n, k, 1.0L, a, b, 0.0L, c0);
  const auto report = ws::compare(expected, d_c.to_vector(), ws::tolerance::for_reduction(k));
  INFO(report.summary("C"));
  CHECK(report.ok());
}

TEST_CASE("cublasGemmEx with TF32 allowed stays within TF32's precision", "[cublas][gemm_ex]") {
  // A GPU rounds the inputs to TF32 (10 mantissa bits) here; the stand-in computes in full float, well inside.
  const int m = 48, n = 40, k = 64;
  const auto a = random_matrix(m, k, m, 71);
  const auto b = random_matrix(k, n, k, 72);
  const auto c0 = output_matrix(m, n, m, true, 73);
  ws::device_buffer<float> d_a{std::span<const float>(a)}, d_b{std::span<const float>(b)},
      d_c{std::span<const float>(c0)};
  blas_handle h;
  const float alpha = 1.0f, beta = 0.0f;
  CUBLAS_REQUIRE(cublasGemmEx(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, d_a.data(), CUDA_R_32F, m,
                              d_b.data(), CUDA_R_32F, k, &beta, d_c.data(), CUDA_R_32F, m,
                              CUBLAS_COMPUTE_32F_FAST_TF32, CUBLAS_GEMM_DEFAULT));
  const auto expected = reference_nn(m, n, k, 1.0L, a, b, 0.0L, c0);
  const auto report = ws::compare(expected, d_c.to_vector(), ws::tolerance::for_precision(0x1p-10f, k));
  INFO(report.summary("C"));
  CHECK(report.ok());
}

// ---- handles, modes, streams ----

TEST_CASE("a cuBLAS handle keeps its stream, math mode and pointer mode", "[cublas][handle]") {
  blas_handle h;
  cudaStream_t s = nullptr;
  REQUIRE(cudaStreamCreate(&s) == cudaSuccess);
  cudaStream_t got = reinterpret_cast<cudaStream_t>(1);
  CUBLAS_REQUIRE(cublasGetStream(h.get(), &got));
  CHECK(got == nullptr);
  CUBLAS_REQUIRE(cublasSetStream(h.get(), s));
  CUBLAS_REQUIRE(cublasGetStream(h.get(), &got));
  CHECK(got == s);
  CUBLAS_REQUIRE(cublasSetStream(h.get(), nullptr));

  cublasMath_t mode = CUBLAS_PEDANTIC_MATH;
  CUBLAS_REQUIRE(cublasGetMathMode(h.get(), &mode));
  CHECK(mode == CUBLAS_DEFAULT_MATH);
  CUBLAS_REQUIRE(cublasSetMathMode(h.get(), CUBLAS_TF32_TENSOR_OP_MATH));
  CUBLAS_REQUIRE(cublasGetMathMode(h.get(), &mode));
  CHECK(mode == CUBLAS_TF32_TENSOR_OP_MATH);

  cublasPointerMode_t pm = CUBLAS_POINTER_MODE_DEVICE;
  CUBLAS_REQUIRE(cublasGetPointerMode(h.get(), &pm));
  CHECK(pm == CUBLAS_POINTER_MODE_HOST);

  int version = 0;
  CUBLAS_REQUIRE(cublasGetVersion(h.get(), &version));
  CHECK(version >= 110000);
  CHECK(std::string(cublasGetStatusName(CUBLAS_STATUS_INVALID_VALUE)) == "CUBLAS_STATUS_INVALID_VALUE");
  CHECK(std::string(cublasGetStatusName(CUBLAS_STATUS_NOT_SUPPORTED)) == "CUBLAS_STATUS_NOT_SUPPORTED");
  CHECK(std::string(cublasGetStatusString(CUBLAS_STATUS_SUCCESS)) == "success");
  REQUIRE(cudaStreamDestroy(s) == cudaSuccess);
}

TEST_CASE("cublasSgemm reads alpha and beta from device memory in CUBLAS_POINTER_MODE_DEVICE", "[cublas][handle]") {
  const int m = 12, n = 10, k = 14;
  const auto a = random_matrix(m, k, m, 81);
  const auto b = random_matrix(k, n, k, 82);
  const auto c0 = output_matrix(m, n, m, false, 83);
  const std::vector<float> scalars{2.0f, -1.0f};
  ws::device_buffer<float> d_a{std::span<const float>(a)}, d_b{std::span<const float>(b)},
      d_c{std::span<const float>(c0)}, d_scalars{std::span<const float>(scalars)};
  blas_handle h;
  CUBLAS_REQUIRE(cublasSetPointerMode(h.get(), CUBLAS_POINTER_MODE_DEVICE));
  CUBLAS_REQUIRE(cublasSgemm(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, d_scalars.data(), d_a.data(), m, d_b.data(),
                             k, d_scalars.data() + 1, d_c.data(), m));
  const auto expected = reference_nn(m, n, k, 2.0L, a, b, -1.0L, c0);
  ws::tolerance tol = ws::tolerance::for_reduction(k);
  tol.abs *= 3;
  const auto report = ws::compare(expected, d_c.to_vector(), tol);
  INFO(report.summary("C"));
  CHECK(report.ok());
}

TEST_CASE("cublasSgemm on the handle's stream runs after the kernel issued before it on that stream",
          "[cublas][stream]") {
  const int m = 40, n = 24, k = 32;
  const auto a = random_matrix(m, k, m, 91);
  const auto b = random_matrix(k, n, k, 92);
  ws::device_buffer<float> d_a{std::span<const float>(a)}, d_b{std::span<const float>(b)},
      d_c(static_cast<std::size_t>(m) * n);
  cudaStream_t s = nullptr;
  REQUIRE(cudaStreamCreate(&s) == cudaSuccess);
  blas_handle h;
  CUBLAS_REQUIRE(cublasSetStream(h.get(), s));
  // Earlier work on the stream: B *= 3. The GEMM must see it.
  scale_kernel<<<(k * n + 127) / 128, 128, 0, s>>>(d_b.data(), k * n, 3.0f);
  REQUIRE(cudaGetLastError() == cudaSuccess);
  const float alpha = 1.0f, beta = 0.0f;
  CUBLAS_REQUIRE(cublasSgemm(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, d_a.data(), m, d_b.data(), k, &beta,
                             d_c.data(), m));
  std::vector<float> c(static_cast<std::size_t>(m) * n);
  REQUIRE(cudaMemcpyAsync(c.data(), d_c.data(), c.size() * sizeof(float), cudaMemcpyDeviceToHost, s) == cudaSuccess);
  REQUIRE(cudaStreamSynchronize(s) == cudaSuccess);
  const auto expected = reference_nn(m, n, k, 3.0L, a, b, 0.0L, a);
  const auto report = ws::compare(expected, c, ws::tolerance::for_reduction(k));
  INFO(report.summary("C"));
  CHECK(report.ok());
  REQUIRE(cudaStreamDestroy(s) == cudaSuccess);
}

// ---- argument checks ----

TEST_CASE("cuBLAS calls with a null handle return CUBLAS_STATUS_NOT_INITIALIZED", "[cublas][errors]") {
  const float alpha = 1.0f, beta = 0.0f;
  CUBLAS_REQUIRE_STATUS(CUBLAS_STATUS_NOT_INITIALIZED, cublasDestroy(nullptr));
  CUBLAS_REQUIRE_STATUS(CUBLAS_STATUS_NOT_INITIALIZED, cublasSetStream(nullptr, nullptr));
  CUBLAS_REQUIRE_STATUS(CUBLAS_STATUS_NOT_INITIALIZED, cublasSetMathMode(nullptr, CUBLAS_DEFAULT_MATH));
  CUBLAS_REQUIRE_STATUS(CUBLAS_STATUS_NOT_INITIALIZED,
                        cublasSgemm(nullptr, CUBLAS_OP_N, CUBLAS_OP_N, 1, 1, 1, &alpha, nullptr, 1, nullptr, 1, &beta,
                                    nullptr, 1));
  CUBLAS_REQUIRE_STATUS(CUBLAS_STATUS_NOT_INITIALIZED,
                        cublasGemmEx(nullptr, CUBLAS_OP_N, CUBLAS_OP_N, 1, 1, 1, &alpha, nullptr, CUDA_R_16F, 1,
                                     nullptr, CUDA_R_16F, 1, &beta, nullptr, CUDA_R_32F, 1, CUBLAS_COMPUTE_32F,
                                     CUBLAS_GEMM_DEFAULT));
  CUBLAS_REQUIRE_STATUS(CUBLAS_STATUS_INVALID_VALUE, cublasCreate(nullptr));
}

TEST_CASE("cublasSgemm rejects negative sizes, unknown operations and too small leading dimensions",
          "[cublas][errors]") {
  const int m = 8, n = 6, k = 5;
  std::vector<float> c0(static_cast<std::size_t>(m) * n, k_sentinel);
  ws::device_buffer<float> d_a(static_cast<std::size_t>(m) * k * 2), d_b(static_cast<std::size_t>(k) * n * 2),
      d_c{std::span<const float>(c0)};
  blas_handle h;
  const float alpha = 1.0f, beta = 0.0f;
  const auto sgemm = [&](cublasOperation_t ta, cublasOperation_t tb, int mm, int nn, int kk, int lda, int ldb,
                         int ldc) {
    return cublasSgemm(h.get(), ta, tb, mm, nn, kk, &alpha, d_a.data(), lda, d_b.data(), ldb, &beta, d_c.data(), ldc);
  };
  const cublasOperation_t N = CUBLAS_OP_N, T = CUBLAS_OP_T;
  const cublasStatus_t bad = CUBLAS_STATUS_INVALID_VALUE;
  CUBLAS_REQUIRE_STATUS(bad, sgemm(N, N, -1, n, k, m, k, m));
  CUBLAS_REQUIRE_STATUS(bad, sgemm(N, N, m, -1, k, m, k, m));
  CUBLAS_REQUIRE_STATUS(bad, sgemm(N, N, m, n, -1, m, k, m));
  // cuBLAS's GEMMs take N, T and C; CUBLAS_OP_CONJG is an unsupported placeholder.
  CUBLAS_REQUIRE_STATUS(bad, sgemm(CUBLAS_OP_CONJG, N, m, n, k, m, k, m));
  CUBLAS_REQUIRE_STATUS(bad, sgemm(N, CUBLAS_OP_CONJG, m, n, k, m, k, m));
  CUBLAS_REQUIRE_STATUS(bad, sgemm(N, N, m, n, k, m - 1, k, m));  // A is m x k: lda >= m
  CUBLAS_REQUIRE_STATUS(bad, sgemm(T, N, m, n, k, k - 1, k, m));  // A is stored k x m: lda >= k
  CUBLAS_REQUIRE_STATUS(bad, sgemm(N, N, m, n, k, m, k - 1, m));  // B is k x n: ldb >= k
  CUBLAS_REQUIRE_STATUS(bad, sgemm(N, T, m, n, k, m, n - 1, m));  // B is stored n x k: ldb >= n
  CUBLAS_REQUIRE_STATUS(bad, sgemm(N, N, m, n, k, m, k, m - 1));  // C is m x n: ldc >= m
  CUBLAS_REQUIRE_STATUS(bad, sgemm(N, N, 0, n, k, 0, k, 1));      // lda >= max(1, m) even when m = 0
  CUBLAS_REQUIRE_STATUS(bad, sgemm(N, N, m, n, k, m, k, 0));
  // The transposed checks accept what the non-transposed ones would reject, and the other way round.
  CUBLAS_REQUIRE(sgemm(T, N, m, n, k, k, k, m));
  CUBLAS_REQUIRE(sgemm(N, T, m, n, k, m, n, m));
}

TEST_CASE("a rejected cublasSgemm leaves C untouched", "[cublas][errors]") {
  const int m = 4, n = 3, k = 2;
  std::vector<float> c0(static_cast<std::size_t>(m) * n, k_sentinel);
  ws::device_buffer<float> d_a(static_cast<std::size_t>(m) * k), d_b(static_cast<std::size_t>(k) * n),
      d_c{std::span<const float>(c0)};
  blas_handle h;
  const float alpha = 1.0f, beta = 0.0f;
  CUBLAS_REQUIRE_STATUS(CUBLAS_STATUS_INVALID_VALUE, cublasSgemm(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha,
                                                                 d_a.data(), m - 1, d_b.data(), k, &beta, d_c.data(),
                                                                 m));
  CHECK(d_c.to_vector() == c0);
}

TEST_CASE("cublasGemmEx returns CUBLAS_STATUS_NOT_SUPPORTED for a type combination cuBLAS lacks", "[cublas][errors]") {
  const int m = 4, n = 4, k = 4;
  ws::device_buffer<__half> d_h(static_cast<std::size_t>(m) * k);
  ws::device_buffer<__nv_bfloat16> d_bf(static_cast<std::size_t>(k) * n);
  ws::device_buffer<float> d_c(static_cast<std::size_t>(m) * n);
  blas_handle h;
  const float alpha = 1.0f, beta = 0.0f;
  // Half A with bfloat16 B.
  CUBLAS_REQUIRE_STATUS(CUBLAS_STATUS_NOT_SUPPORTED,
                        cublasGemmEx(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, d_h.data(), CUDA_R_16F, m,
                                     d_bf.data(), CUDA_R_16BF, k, &beta, d_c.data(), CUDA_R_32F, m,
                                     CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
  // Half inputs with double accumulation.
  const double alpha_d = 1.0, beta_d = 0.0;
  CUBLAS_REQUIRE_STATUS(CUBLAS_STATUS_NOT_SUPPORTED,
                        cublasGemmEx(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha_d, d_h.data(), CUDA_R_16F, m,
                                     d_h.data(), CUDA_R_16F, k, &beta_d, d_c.data(), CUDA_R_64F, m,
                                     CUBLAS_COMPUTE_64F, CUBLAS_GEMM_DEFAULT));
}

#if WS_CUDACPU
// What only the stand-in checks: a GPU would fault (or, with unified memory, work) instead of returning a status.

TEST_CASE("the cuBLAS stand-in rejects host, freed and too small memory with CUBLAS_STATUS_INVALID_VALUE",
          "[cublas][errors]") {
  const int m = 6, n = 5, k = 4;
  const auto a = random_matrix(m, k, m, 101);
  const auto b = random_matrix(k, n, k, 102);
  std::vector<float> c_host(static_cast<std::size_t>(m) * n, k_sentinel);
  ws::device_buffer<float> d_a{std::span<const float>(a)}, d_b{std::span<const float>(b)},
      d_c{std::span<const float>(c_host)};
  blas_handle h;
  const float alpha = 1.0f, beta = 0.0f;
  const auto sgemm = [&](const float* pa, const float* pb, float* pc, int lda) {
    return cublasSgemm(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, pa, lda, pb, k, &beta, pc, m);
  };
  const cublasStatus_t bad = CUBLAS_STATUS_INVALID_VALUE;
  SECTION("host pointers") {
    CUBLAS_REQUIRE_STATUS(bad, sgemm(a.data(), d_b.data(), d_c.data(), m));
    CUBLAS_REQUIRE_STATUS(bad, sgemm(d_a.data(), b.data(), d_c.data(), m));
    CUBLAS_REQUIRE_STATUS(bad, sgemm(d_a.data(), d_b.data(), c_host.data(), m));
    CUBLAS_REQUIRE_STATUS(bad, sgemm(d_a.data(), d_b.data(), nullptr, m));
  }
  SECTION("freed memory") {
    float* freed = nullptr;
    REQUIRE(cudaMalloc(&freed, a.size() * sizeof(float)) == cudaSuccess);
    REQUIRE(cudaFree(freed) == cudaSuccess);
    CUBLAS_REQUIRE_STATUS(bad, sgemm(freed, d_b.data(), d_c.data(), m));
  }
  SECTION("a leading dimension that runs past the allocation") {
    CUBLAS_REQUIRE_STATUS(bad, sgemm(d_a.data(), d_b.data(), d_c.data(), m + 1));
  }
  SECTION("host scalars in device pointer mode, and null scalars") {
    CUBLAS_REQUIRE(cublasSetPointerMode(h.get(), CUBLAS_POINTER_MODE_DEVICE));
    CUBLAS_REQUIRE_STATUS(bad, sgemm(d_a.data(), d_b.data(), d_c.data(), m));
    CUBLAS_REQUIRE(cublasSetPointerMode(h.get(), CUBLAS_POINTER_MODE_HOST));
    CUBLAS_REQUIRE_STATUS(bad, cublasSgemm(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, nullptr, d_a.data(), m,
                                           d_b.data(), k, &beta, d_c.data(), m));
  }
  CHECK(d_c.to_vector() == c_host);  // nothing was written
  CUBLAS_REQUIRE(sgemm(d_a.data(), d_b.data(), d_c.data(), m));  // and the handle still works
}

TEST_CASE("after a kernel failed, the cuBLAS stand-in returns CUBLAS_STATUS_EXECUTION_FAILED until cudaDeviceReset",
          "[cublas][errors]") {
  blas_handle h;
  std::vector<float> host(16, 1.0f);
  scale_kernel<<<1, 16>>>(host.data(), 16, 2.0f);  // a host pointer: the kernel "faults", the error is sticky
  REQUIRE(cudaDeviceSynchronize() == cudaErrorIllegalAddress);
  const float alpha = 1.0f, beta = 0.0f;
  const auto sgemm = [&] {
    return cublasSgemm(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &alpha, nullptr, 4, nullptr, 4, &beta, nullptr, 4);
  };
  CUBLAS_REQUIRE_STATUS(CUBLAS_STATUS_EXECUTION_FAILED, sgemm());
  REQUIRE(cudaDeviceReset() == cudaSuccess);
  CUBLAS_REQUIRE_STATUS(CUBLAS_STATUS_INVALID_VALUE, sgemm());  // runs again (and finds the null pointers)
}
#endif
