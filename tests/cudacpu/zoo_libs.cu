/// @file
/// @brief Library coverage: cuBLASLt's matmul with its epilogues (`cublasLt.h`), `cublasGemmStridedBatchedEx` and
///        `cuda_profiler_api.h`, the way deep-learning code (llm.c) calls them; libcu++'s `cuda::barrier`,
///        `cuda::memcpy_async` and `cuda::pipeline` in kernels, and `cuda::std::` basics. Built into the cuBLAS test
///        program, so it runs against the cudacpu stand-ins (ctest cudacpu.cublas, beside CCCL's headers where they
///        are installed) and, on a GPU, against the real libraries (ctest cudacpu.cublas.gpu). Cases only the
///        stand-in can check (its memory checks) are under `#if WS_CUDACPU`.
///
/// Every output starts as NaN (a result that is not written shows) and every matrix has padding (NaN in inputs, a
/// sentinel in outputs that must survive); shapes are primes. References use long double on the inputs as
/// rounded to their storage type.
#include <cooperative_groups.h>
#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda/barrier>
#include <cuda/latch>
#include <cuda/pipeline>
#include <cuda/semaphore>
#include <cuda/std/barrier>
#include <cuda/std/latch>
#include <cuda/std/semaphore>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_profiler_api.h>
#include <cuda_runtime.h>
#if __has_include(<cuda/std/array>)  // libcu++ (CCCL) is on the include path
#include <cuda/std/array>
#include <cuda/std/cstdint>
#include <cuda/std/limits>
#include <cuda/std/tuple>
#define LIBS_HAVE_CUDA_STD 1
#endif

#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <new>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ws/compare.hpp"
#include "ws/device_buffer.hpp"
#include "ws/random.hpp"

namespace {

// ---- helpers ----

/// Fails the test case when a cuBLAS(Lt) call does not return @p expected, naming the call and both statuses.
#define LIBS_REQUIRE_STATUS(expected, call)                                                                       \
  do {                                                                                                            \
    const cublasStatus_t libs_status_ = (call);                                                                   \
    INFO(#call << " returned " << cublasGetStatusName(libs_status_));                                             \
    REQUIRE(libs_status_ == (expected));                                                                          \
  } while (0)
/// Fails the test case unless a cuBLAS(Lt) call succeeds.
#define LIBS_REQUIRE(call) LIBS_REQUIRE_STATUS(CUBLAS_STATUS_SUCCESS, call)

/// What output padding holds; a call must leave it alone. Exact in half and bfloat16 too.
constexpr float k_sentinel = 4224.0f;
constexpr float k_nan = std::numeric_limits<float>::quiet_NaN();

/// Bytes of one element of @p t (the real types the libraries take here).
std::size_t type_size(cudaDataType t) {
  return t == CUDA_R_64F ? 8 : (t == CUDA_R_32F ? 4 : 2);
}

/// @p x rounded to type @p t, as raw bytes.
std::vector<unsigned char> encode(const std::vector<float>& x, cudaDataType t) {
  std::vector<unsigned char> out(x.size() * type_size(t));
  for (std::size_t i = 0; i < x.size(); ++i) {
    unsigned char* p = out.data() + i * type_size(t);
    if (t == CUDA_R_16F) {
      const __half h(x[i]);
      std::memcpy(p, &h, 2);
    } else if (t == CUDA_R_16BF) {
      const __nv_bfloat16 h(x[i]);
      std::memcpy(p, &h, 2);
    } else if (t == CUDA_R_64F) {
      const double d = x[i];
      std::memcpy(p, &d, 8);
    } else {
      std::memcpy(p, &x[i], 4);
    }
  }
  return out;
}

/// Raw bytes of type @p t as float.
std::vector<float> decode(const std::vector<unsigned char>& bytes, cudaDataType t) {
  std::vector<float> out(bytes.size() / type_size(t));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const unsigned char* p = bytes.data() + i * type_size(t);
    if (t == CUDA_R_16F) {
      __half h;
      std::memcpy(&h, p, 2);
      out[i] = static_cast<float>(h);
    } else if (t == CUDA_R_16BF) {
      __nv_bfloat16 h;
      std::memcpy(&h, p, 2);
      out[i] = static_cast<float>(h);
    } else if (t == CUDA_R_64F) {
      double d;
      std::memcpy(&d, p, 8);
      out[i] = static_cast<float>(d);
    } else {
      std::memcpy(&out[i], p, 4);
    }
  }
  return out;
}

/// A strided batch of rows x cols matrices as stored, column- or row-major.
struct layout {
  int rows = 0;               ///< rows as stored
  int cols = 0;               ///< columns as stored
  long long ld = 0;           ///< leading dimension
  bool row_major = false;     ///< CUBLASLT_ORDER_ROW
  int batch = 1;              ///< matrices
  long long stride = 0;       ///< elements from one to the next

  /// Flat index of element (i, j) of matrix b.
  std::size_t at(int i, int j, int b = 0) const {
    const long long in = row_major ? static_cast<long long>(i) * ld + j : i + static_cast<long long>(j) * ld;
    return static_cast<std::size_t>(in + b * stride);
  }
  /// Elements the whole batch spans.
  std::size_t elements() const { return at(rows - 1, cols - 1, batch - 1) + 1; }
};

/// A layout with @p pad extra elements per leading dimension and per batch entry.
layout padded(int rows, int cols, bool row_major, int batch, int pad) {
  layout l{rows, cols, (row_major ? cols : rows) + pad, row_major, batch, 0};
  l.stride = l.ld * (row_major ? rows : cols) + pad;
  return l;
}

/// Random values in [-1, 1] inside @p l's matrices, @p fill outside them.
std::vector<float> random_values(const layout& l, std::uint64_t seed, float fill = k_nan) {
  std::vector<float> values(static_cast<std::size_t>(l.rows) * l.cols * l.batch);
  ws::fill_random(values, seed);
  std::vector<float> out(l.elements(), fill);
  std::size_t next = 0;
  for (int b = 0; b < l.batch; ++b)
    for (int j = 0; j < l.cols; ++j)
      for (int i = 0; i < l.rows; ++i) out[l.at(i, j, b)] = values[next++];
  return out;
}

/// The output layout filled for a test: NaN inside (beta = 0 must ignore it) or random values, the sentinel
/// outside.
std::vector<float> output_values(const layout& l, bool nan_inside, std::uint64_t seed) {
  std::vector<float> out = random_values(l, seed, k_sentinel);
  if (nan_inside)
    for (int b = 0; b < l.batch; ++b)
      for (int j = 0; j < l.cols; ++j)
        for (int i = 0; i < l.rows; ++i) out[l.at(i, j, b)] = k_nan;
  return out;
}

/// Elements outside @p l's matrices (within its span) that no longer hold the sentinel.
int damaged_padding(const std::vector<float>& x, const layout& l) {
  std::vector<bool> inside(x.size(), false);
  for (int b = 0; b < l.batch; ++b)
    for (int j = 0; j < l.cols; ++j)
      for (int i = 0; i < l.rows; ++i) inside[l.at(i, j, b)] = true;
  int damaged = 0;
  for (std::size_t e = 0; e < x.size(); ++e)
    if (!inside[e] && x[e] != k_sentinel) ++damaged;
  return damaged;
}

/// The epilogue's activation in long double (GELU in its tanh form).
long double activate(long double v, cublasLtEpilogue_t epi) {
  if ((epi & CUBLASLT_EPILOGUE_RELU) != 0) return v > 0 ? v : 0;
  if ((epi & CUBLASLT_EPILOGUE_GELU) != 0)
    return 0.5L * v * (1.0L + std::tanh(0.7978845608028654L * (v + 0.044715L * v * v * v)));
  return v;
}

/// One matmul problem: D = act(alpha op(A) op(B) + beta C + bias), every matrix of the batch, compact result
/// (matrix b's element (i, j) at i + j * m + b * m * n).
struct problem {
  bool ta = false, tb = false;  ///< op(A), op(B) transposed
  int m = 0, n = 0, k = 0;      ///< sizes
  layout a, b, c;               ///< A, B as stored; C (and D)
  float alpha = 1.0f, beta = 0.0f;
  cublasLtEpilogue_t epilogue = CUBLASLT_EPILOGUE_DEFAULT;
  long long bias_stride = 0;  ///< elements from one batch's bias to the next

  /// The long double reference, rounded to float.
  std::vector<float> reference(const std::vector<float>& va, const std::vector<float>& vb,
                               const std::vector<float>& vc, const std::vector<float>& bias) const {
    std::vector<float> out(static_cast<std::size_t>(m) * n * c.batch);
    const bool has_bias = (epilogue & CUBLASLT_EPILOGUE_BIAS) != 0;
    for (int bt = 0; bt < c.batch; ++bt)
      for (int j = 0; j < n; ++j)
        for (int i = 0; i < m; ++i) {
          long double sum = 0;
          for (int p = 0; p < k; ++p)
            sum += static_cast<long double>(va[ta ? a.at(p, i, bt) : a.at(i, p, bt)]) *
                   vb[tb ? b.at(j, p, bt) : b.at(p, j, bt)];
          long double v = alpha * sum;
          if (beta != 0.0f) v += static_cast<long double>(beta) * vc[c.at(i, j, bt)];
          if (has_bias) v += bias[static_cast<std::size_t>(bt * bias_stride + i)];
          out[static_cast<std::size_t>(i) + static_cast<std::size_t>(j) * m + static_cast<std::size_t>(bt) * m * n] =
              static_cast<float>(activate(v, epilogue));
        }
    return out;
  }

  /// The computed interior of D, compact like reference().
  std::vector<float> interior(const std::vector<float>& d) const {
    std::vector<float> out(static_cast<std::size_t>(m) * n * c.batch);
    for (int bt = 0; bt < c.batch; ++bt)
      for (int j = 0; j < n; ++j)
        for (int i = 0; i < m; ++i)
          out[static_cast<std::size_t>(i) + static_cast<std::size_t>(j) * m + static_cast<std::size_t>(bt) * m * n] =
              d[c.at(i, j, bt)];
    return out;
  }
};

/// Types of one matmul: A and B, C and D, compute, scale; and the output rounding the tolerance must allow.
struct type_combo {
  const char* name;
  cudaDataType ab;
  cudaDataType cd;
  cublasComputeType_t compute;
  cudaDataType scale;
  float out_eps;  ///< relative rounding of the output type (0 for float)
};

/// The combinations llm.c-style code uses, plus plain float and the TF32-allowed float.
const type_combo k_combos[] = {
    {"f32/f32", CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F, CUDA_R_32F, 0.0f},
    {"f32/f32 tf32", CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F_FAST_TF32, CUDA_R_32F, 0.0f},
    {"bf16/bf16", CUDA_R_16BF, CUDA_R_16BF, CUBLAS_COMPUTE_32F, CUDA_R_32F, 1.0f / 128},
    {"bf16/f32", CUDA_R_16BF, CUDA_R_32F, CUBLAS_COMPUTE_32F, CUDA_R_32F, 0.0f},
    {"f16/f16", CUDA_R_16F, CUDA_R_16F, CUBLAS_COMPUTE_32F, CUDA_R_32F, 1.0f / 1024},
    {"f16/f32", CUDA_R_16F, CUDA_R_32F, CUBLAS_COMPUTE_32F, CUDA_R_32F, 0.0f},
};

/// A cuBLASLt handle, destroyed on scope exit.
class lt_handle {
 public:
  lt_handle() { LIBS_REQUIRE(cublasLtCreate(&h_)); }
  lt_handle(const lt_handle&) = delete;
  lt_handle& operator=(const lt_handle&) = delete;
  ~lt_handle() { cublasLtDestroy(h_); }
  /// The handle.
  cublasLtHandle_t get() const { return h_; }

 private:
  cublasLtHandle_t h_ = nullptr;
};

/// A matrix layout descriptor for @p l, destroyed on scope exit.
class lt_layout {
 public:
  lt_layout(cudaDataType t, const layout& l) {
    LIBS_REQUIRE(cublasLtMatrixLayoutCreate(&d_, t, static_cast<std::uint64_t>(l.rows),
                                            static_cast<std::uint64_t>(l.cols), l.ld));
    if (l.row_major) {
      const cublasLtOrder_t order = CUBLASLT_ORDER_ROW;
      LIBS_REQUIRE(cublasLtMatrixLayoutSetAttribute(d_, CUBLASLT_MATRIX_LAYOUT_ORDER, &order, sizeof order));
    }
    if (l.batch != 1) {
      const std::int32_t batch = l.batch;
      const std::int64_t stride = l.stride;
      LIBS_REQUIRE(cublasLtMatrixLayoutSetAttribute(d_, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &batch, sizeof batch));
      LIBS_REQUIRE(
          cublasLtMatrixLayoutSetAttribute(d_, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &stride, sizeof stride));
    }
  }
  lt_layout(const lt_layout&) = delete;
  lt_layout& operator=(const lt_layout&) = delete;
  ~lt_layout() { cublasLtMatrixLayoutDestroy(d_); }
  /// The descriptor.
  cublasLtMatrixLayout_t get() const { return d_; }

 private:
  cublasLtMatrixLayout_t d_ = nullptr;
};

/// A matmul descriptor with the problem's operations and epilogue, destroyed on scope exit.
class lt_desc {
 public:
  lt_desc(const type_combo& t, const problem& p, const void* bias) {
    LIBS_REQUIRE(cublasLtMatmulDescCreate(&d_, t.compute, t.scale));
    const cublasOperation_t opa = p.ta ? CUBLAS_OP_T : CUBLAS_OP_N;
    const cublasOperation_t opb = p.tb ? CUBLAS_OP_T : CUBLAS_OP_N;
    LIBS_REQUIRE(cublasLtMatmulDescSetAttribute(d_, CUBLASLT_MATMUL_DESC_TRANSA, &opa, sizeof opa));
    LIBS_REQUIRE(cublasLtMatmulDescSetAttribute(d_, CUBLASLT_MATMUL_DESC_TRANSB, &opb, sizeof opb));
    LIBS_REQUIRE(cublasLtMatmulDescSetAttribute(d_, CUBLASLT_MATMUL_DESC_EPILOGUE, &p.epilogue, sizeof p.epilogue));
    if (bias != nullptr) {
      LIBS_REQUIRE(cublasLtMatmulDescSetAttribute(d_, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof bias));
      const std::int32_t bias_type = t.cd;
      LIBS_REQUIRE(
          cublasLtMatmulDescSetAttribute(d_, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, &bias_type, sizeof bias_type));
      if (p.bias_stride != 0) {
        const std::int64_t stride = p.bias_stride;
        LIBS_REQUIRE(
            cublasLtMatmulDescSetAttribute(d_, CUBLASLT_MATMUL_DESC_BIAS_BATCH_STRIDE, &stride, sizeof stride));
      }
    }
  }
  lt_desc(const lt_desc&) = delete;
  lt_desc& operator=(const lt_desc&) = delete;
  ~lt_desc() { cublasLtMatmulDescDestroy(d_); }
  /// The descriptor.
  cublasLtMatmulDesc_t get() const { return d_; }

 private:
  cublasLtMatmulDesc_t d_ = nullptr;
};

/// Runs @p p through the heuristic and cublasLtMatmul with types @p t (as llm.c does: a workspace allowed,
/// the first algorithm) and checks D against the reference, its padding, and that C was not written.
void check_matmul(const type_combo& t, const problem& p, std::uint64_t seed) {
  const auto va = decode(encode(random_values(p.a, seed), t.ab), t.ab);
  const auto vb = decode(encode(random_values(p.b, seed + 1), t.ab), t.ab);
  const auto vc = decode(encode(output_values(p.c, p.beta == 0.0f, seed + 2), t.cd), t.cd);
  std::vector<float> vbias(static_cast<std::size_t>(p.m + p.bias_stride * (p.c.batch - 1)));
  ws::fill_random(vbias, seed + 3);
  vbias = decode(encode(vbias, t.cd), t.cd);
  const auto d0 = output_values(p.c, true, seed + 4);  // D is separate from C here
  const auto to_device = [](const std::vector<float>& x, cudaDataType type) {
    const auto bytes = encode(x, type);
    return ws::device_buffer<unsigned char>{std::span<const unsigned char>(bytes)};
  };
  auto d_a = to_device(va, t.ab), d_b = to_device(vb, t.ab), d_c = to_device(vc, t.cd), d_d = to_device(d0, t.cd),
       d_bias = to_device(vbias, t.cd);
  const auto c_bytes = d_c.to_vector();
  const bool has_bias = (p.epilogue & CUBLASLT_EPILOGUE_BIAS) != 0;

  lt_handle h;
  lt_desc desc(t, p, has_bias ? static_cast<const void*>(d_bias.data()) : nullptr);
  lt_layout la(t.ab, p.a), lb(t.ab, p.b), lc(t.cd, p.c), ld(t.cd, p.c);
  cublasLtMatmulPreference_t pref = nullptr;
  LIBS_REQUIRE(cublasLtMatmulPreferenceCreate(&pref));
  const std::uint64_t workspace_bytes = 1u << 20;  // llm.c allows 32 MiB; 1 MiB keeps the test quick
  LIBS_REQUIRE(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &workspace_bytes,
                                                    sizeof workspace_bytes));
  cublasLtMatmulHeuristicResult_t result{};
  int found = 0;
  LIBS_REQUIRE(cublasLtMatmulAlgoGetHeuristic(h.get(), desc.get(), la.get(), lb.get(), lc.get(), ld.get(), pref, 1,
                                              &result, &found));
  LIBS_REQUIRE(cublasLtMatmulPreferenceDestroy(pref));
  REQUIRE(found == 1);
  REQUIRE(result.state == CUBLAS_STATUS_SUCCESS);
  REQUIRE(result.workspaceSize <= workspace_bytes);
  ws::device_buffer<unsigned char> workspace(workspace_bytes);
  // alpha and beta in the scale type (float for every combination here).
  LIBS_REQUIRE(cublasLtMatmul(h.get(), desc.get(), &p.alpha, d_a.data(), la.get(), d_b.data(), lb.get(), &p.beta,
                              d_c.data(), lc.get(), d_d.data(), ld.get(), &result.algo, workspace.data(),
                              workspace_bytes, nullptr));
  REQUIRE(cudaDeviceSynchronize() == cudaSuccess);
  const auto d = decode(d_d.to_vector(), t.cd);

  const auto expected = p.reference(va, vb, vc, vbias);
  ws::tolerance tol = ws::tolerance::for_reduction(static_cast<std::size_t>(p.k));
  if (t.compute == CUBLAS_COMPUTE_32F_FAST_TF32) tol = ws::tolerance::for_precision(1.0f / 1024, p.k);
  tol.abs = 2 * tol.abs + t.out_eps;  // alpha, beta * C and the bias add roundings; the output its own
  tol.rel += t.out_eps;
  const auto report = ws::compare(expected, p.interior(d), tol);
  INFO(t.name << " op(A)=" << (p.ta ? "T" : "N") << " op(B)=" << (p.tb ? "T" : "N") << " m=" << p.m << " n=" << p.n
              << " k=" << p.k << " batch=" << p.c.batch << " epilogue=" << p.epilogue << " beta=" << p.beta
              << (p.c.row_major ? " row-major" : ""));
  INFO(report.summary("D"));
  CHECK(report.ok());
  CHECK(damaged_padding(d, p.c) == 0);
  CHECK(d_c.to_vector() == c_bytes);  // C is only read (bytes, since NaN never compares equal)
}

/// A problem of the given shape, operations and layout, padded by 3 elements everywhere.
problem make_problem(bool ta, bool tb, int m, int n, int k, bool row_major, int batch) {
  problem p;
  p.ta = ta;
  p.tb = tb;
  p.m = m;
  p.n = n;
  p.k = k;
  p.a = padded(ta ? k : m, ta ? m : k, row_major, batch, 3);
  p.b = padded(tb ? n : k, tb ? k : n, row_major, batch, 3);
  p.c = padded(m, n, row_major, batch, 3);
  return p;
}

}  // namespace

// ---- cublasLtMatmul ----

TEST_CASE("cublasLtMatmul matches a long double reference for each epilogue, type combination and transpose",
          "[cublaslt]") {
  const cublasLtEpilogue_t epilogue =
      GENERATE(CUBLASLT_EPILOGUE_DEFAULT, CUBLASLT_EPILOGUE_RELU, CUBLASLT_EPILOGUE_BIAS, CUBLASLT_EPILOGUE_RELU_BIAS,
               CUBLASLT_EPILOGUE_GELU, CUBLASLT_EPILOGUE_GELU_BIAS);
  const std::size_t combo = GENERATE(range(std::size_t{0}, std::size(k_combos)));
  // llm.c's forward matmul is (T, N): out = weight^T x input; the backward ones are (N, N) and (N, T).
  const auto [ta, tb] = GENERATE(std::pair{true, false}, std::pair{false, false}, std::pair{false, true});
  problem p = make_problem(ta, tb, 37, 11, 29, false, 1);
  p.epilogue = epilogue;
  p.alpha = 1.0f;
  check_matmul(k_combos[combo], p, 7);
}

TEST_CASE("cublasLtMatmul scales by alpha and beta, accumulates into C, and reads no C when beta is 0",
          "[cublaslt]") {
  const float beta = GENERATE(0.0f, 1.0f, -0.5f);
  const std::size_t combo = GENERATE(0, 2, 5);
  problem p = make_problem(true, false, 13, 17, 41, false, 1);
  p.alpha = 0.75f;
  p.beta = beta;
  p.epilogue = CUBLASLT_EPILOGUE_BIAS;
  check_matmul(k_combos[combo], p, 17);
}

TEST_CASE("cublasLtMatmul handles row-major layouts and strided batches with a bias per batch", "[cublaslt]") {
  const bool row_major = GENERATE(false, true);
  const int batch = GENERATE(1, 3);
  problem p = make_problem(GENERATE(false, true), true, 19, 7, 23, row_major, batch);
  p.epilogue = CUBLASLT_EPILOGUE_RELU_BIAS;
  p.bias_stride = batch > 1 ? 19 + 2 : 0;
  p.beta = 0.5f;
  check_matmul(k_combos[0], p, 27);
}

TEST_CASE("cublasLtMatmul with k = 1 and with a 1 x 1 result", "[cublaslt]") {
  const auto [m, n, k] = GENERATE(std::tuple{1, 1, 1}, std::tuple{5, 3, 1}, std::tuple{1, 1, 67});
  problem p = make_problem(true, false, m, n, k, false, 1);
  p.epilogue = CUBLASLT_EPILOGUE_GELU_BIAS;
  check_matmul(k_combos[2], p, 37);
}

TEST_CASE("cublasLtMatmul in place (C = D, beta = 1) adds the product to D, as llm.c accumulates gradients",
          "[cublaslt]") {
  const int m = 9, n = 5, k = 13;
  const layout la = padded(m, k, false, 1, 0), lb = padded(k, n, false, 1, 0), lc = padded(m, n, false, 1, 0);
  const auto a = random_values(la, 41), b = random_values(lb, 42), c0 = random_values(lc, 43);
  ws::device_buffer<float> d_a{std::span<const float>(a)}, d_b{std::span<const float>(b)},
      d_c{std::span<const float>(c0)};
  lt_handle h;
  problem p = make_problem(false, false, m, n, k, false, 1);
  lt_desc desc(k_combos[0], p, nullptr);
  lt_layout lay_a(CUDA_R_32F, la), lay_b(CUDA_R_32F, lb), lay_c(CUDA_R_32F, lc);
  const float alpha = 1.0f, beta = 1.0f;
  for (int call = 0; call < 2; ++call)
    LIBS_REQUIRE(cublasLtMatmul(h.get(), desc.get(), &alpha, d_a.data(), lay_a.get(), d_b.data(), lay_b.get(), &beta,
                                d_c.data(), lay_c.get(), d_c.data(), lay_c.get(), nullptr, nullptr, 0, nullptr));
  p.a = la;
  p.b = lb;
  p.c = lc;
  p.alpha = 2.0f;
  p.beta = 1.0f;
  const auto expected = p.reference(a, b, c0, {});
  const auto report = ws::compare(expected, d_c.to_vector(), ws::tolerance::for_reduction(2 * k));
  INFO(report.summary("C"));
  CHECK(report.ok());
}

/// GELU's derivative (tanh form) in long double.
long double gelu_grad(long double x) {
  const long double k = 0.7978845608028654L, c = 0.044715L;
  const long double t = std::tanh(k * (x + c * x * x * x));
  return 0.5L * (1.0L + t) + 0.5L * x * (1.0L - t * t) * k * (1.0L + 3.0L * c * x * x);
}

TEST_CASE("cublasLtMatmul GELU_AUX stores GELU's input in the aux matrix, and DGELU multiplies by GELU's derivative "
          "there (llm.c's fused GELU, forward and backward)",
          "[cublaslt]") {
  const cublasLtEpilogue_t forward = GENERATE(CUBLASLT_EPILOGUE_GELU_AUX, CUBLASLT_EPILOGUE_GELU_AUX_BIAS);
  const type_combo& t = k_combos[GENERATE(0, 2)];
  const int m = 24, n = 7, k = 13;
  const long long aux_ld = 32;  // cuBLASLt wants a multiple of 8
  problem p = make_problem(true, false, m, n, k, false, 1);
  p.epilogue = forward;
  const auto va = decode(encode(random_values(p.a, 101), t.ab), t.ab);
  const auto vb = decode(encode(random_values(p.b, 102), t.ab), t.ab);
  std::vector<float> vbias(static_cast<std::size_t>(m));
  ws::fill_random(vbias, 103);
  vbias = decode(encode(vbias, t.cd), t.cd);
  const layout aux_layout{m, n, aux_ld, false, 1, 0};
  const auto to_device = [](const std::vector<float>& x, cudaDataType type) {
    const auto bytes = encode(x, type);
    return ws::device_buffer<unsigned char>{std::span<const unsigned char>(bytes)};
  };
  auto d_a = to_device(va, t.ab), d_b = to_device(vb, t.ab), d_bias = to_device(vbias, t.cd),
       d_d = to_device(output_values(p.c, true, 104), t.cd),
       d_aux = to_device(output_values(aux_layout, true, 105), t.cd),
       d_grad = to_device(output_values(p.c, true, 106), t.cd);
  const bool has_bias = forward == CUBLASLT_EPILOGUE_GELU_AUX_BIAS;
  lt_handle h;
  lt_layout la(t.ab, p.a), lb(t.ab, p.b), lc(t.cd, p.c);
  const void* aux_ptr = d_aux.data();
  const float alpha = 1.0f, beta = 0.0f;
  {
    lt_desc desc(t, p, has_bias ? static_cast<const void*>(d_bias.data()) : nullptr);
    LIBS_REQUIRE(cublasLtMatmulDescSetAttribute(desc.get(), CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_POINTER, &aux_ptr,
                                                sizeof aux_ptr));
    LIBS_REQUIRE(cublasLtMatmulDescSetAttribute(desc.get(), CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_LD, &aux_ld,
                                                sizeof aux_ld));
    LIBS_REQUIRE(cublasLtMatmul(h.get(), desc.get(), &alpha, d_a.data(), la.get(), d_b.data(), lb.get(), &beta,
                                d_d.data(), lc.get(), d_d.data(), lc.get(), nullptr, nullptr, 0, nullptr));
  }
  REQUIRE(cudaDeviceSynchronize() == cudaSuccess);
  ws::tolerance tol = ws::tolerance::for_reduction(static_cast<std::size_t>(k));
  tol.abs = 2 * tol.abs + t.out_eps;
  tol.rel += t.out_eps;
  INFO(t.name << " epilogue " << forward);
  // D = gelu(pre), aux = pre, where pre = op(A) op(B) (+ bias).
  const auto d = decode(d_d.to_vector(), t.cd);
  const auto aux = decode(d_aux.to_vector(), t.cd);
  const auto report_d = ws::compare(p.reference(va, vb, {}, vbias), p.interior(d), tol);
  INFO(report_d.summary("D"));
  CHECK(report_d.ok());
  problem pre = p;
  pre.epilogue = has_bias ? CUBLASLT_EPILOGUE_BIAS : CUBLASLT_EPILOGUE_DEFAULT;
  pre.c = aux_layout;
  const auto report_aux = ws::compare(pre.reference(va, vb, {}, vbias), pre.interior(aux), tol);
  INFO(report_aux.summary("aux"));
  CHECK(report_aux.ok());
  CHECK(damaged_padding(aux, aux_layout) == 0);

  // Backward: grad = (op(A) op(B)) * gelu'(aux), reading the aux matrix the forward call wrote.
  problem back = p;
  back.epilogue = CUBLASLT_EPILOGUE_DGELU;
  {
    lt_desc desc(t, back, nullptr);
    LIBS_REQUIRE(cublasLtMatmulDescSetAttribute(desc.get(), CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_POINTER, &aux_ptr,
                                                sizeof aux_ptr));
    LIBS_REQUIRE(cublasLtMatmulDescSetAttribute(desc.get(), CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_LD, &aux_ld,
                                                sizeof aux_ld));
    LIBS_REQUIRE(cublasLtMatmul(h.get(), desc.get(), &alpha, d_a.data(), la.get(), d_b.data(), lb.get(), &beta,
                                d_grad.data(), lc.get(), d_grad.data(), lc.get(), nullptr, nullptr, 0, nullptr));
  }
  REQUIRE(cudaDeviceSynchronize() == cudaSuccess);
  problem plain = p;
  plain.epilogue = CUBLASLT_EPILOGUE_DEFAULT;
  auto expected = plain.reference(va, vb, {}, {});
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      float& e = expected[static_cast<std::size_t>(i + j * m)];
      e = static_cast<float>(e * gelu_grad(aux[aux_layout.at(i, j)]));
    }
  const auto report_grad = ws::compare(expected, p.interior(decode(d_grad.to_vector(), t.cd)), tol);
  INFO(report_grad.summary("DGELU"));
  CHECK(report_grad.ok());
}

TEST_CASE("cuBLASLt descriptors store their attributes and reject a buffer of the wrong size", "[cublaslt]") {
  cublasLtMatmulDesc_t desc = nullptr;
  LIBS_REQUIRE(cublasLtMatmulDescCreate(&desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  const cublasLtEpilogue_t epi = CUBLASLT_EPILOGUE_GELU_BIAS;
  LIBS_REQUIRE(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &epi, sizeof epi));
  cublasLtEpilogue_t got_epi = CUBLASLT_EPILOGUE_DEFAULT;
  std::size_t written = 0;
  LIBS_REQUIRE(cublasLtMatmulDescGetAttribute(desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &got_epi, sizeof got_epi, &written));
  CHECK(got_epi == epi);
  CHECK(written == sizeof got_epi);
  std::int32_t compute = 0;
  LIBS_REQUIRE(cublasLtMatmulDescGetAttribute(desc, CUBLASLT_MATMUL_DESC_COMPUTE_TYPE, &compute, sizeof compute,
                                              &written));
  CHECK(compute == CUBLAS_COMPUTE_32F);
  // The size of an attribute: ask with sizeInBytes = 0.
  LIBS_REQUIRE(cublasLtMatmulDescGetAttribute(desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, nullptr, 0, &written));
  CHECK(written == sizeof(void*));
  // A 64-bit value for a 32-bit attribute (a common slip).
  const std::int64_t wide = CUBLAS_OP_T;
  LIBS_REQUIRE_STATUS(CUBLAS_STATUS_INVALID_VALUE,
                      cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSA, &wide, sizeof wide));
  LIBS_REQUIRE(cublasLtMatmulDescDestroy(desc));

  cublasLtMatrixLayout_t layout_desc = nullptr;
  LIBS_REQUIRE(cublasLtMatrixLayoutCreate(&layout_desc, CUDA_R_16BF, 7, 5, 11));
  std::uint64_t rows = 0;
  std::int64_t ld = 0;
  std::int32_t batch = 0;
  LIBS_REQUIRE(
      cublasLtMatrixLayoutGetAttribute(layout_desc, CUBLASLT_MATRIX_LAYOUT_ROWS, &rows, sizeof rows, &written));
  LIBS_REQUIRE(cublasLtMatrixLayoutGetAttribute(layout_desc, CUBLASLT_MATRIX_LAYOUT_LD, &ld, sizeof ld, &written));
  LIBS_REQUIRE(
      cublasLtMatrixLayoutGetAttribute(layout_desc, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &batch, sizeof batch,
                                       &written));
  CHECK(rows == 7);
  CHECK(ld == 11);
  CHECK(batch == 1);
  const int narrow_rows = 3;
  LIBS_REQUIRE_STATUS(CUBLAS_STATUS_INVALID_VALUE,
                      cublasLtMatrixLayoutSetAttribute(layout_desc, CUBLASLT_MATRIX_LAYOUT_ROWS, &narrow_rows,
                                                       sizeof narrow_rows));
  LIBS_REQUIRE(cublasLtMatrixLayoutDestroy(layout_desc));
}

TEST_CASE("cuBLASLt rejects a null handle, shapes that do not fit and type combinations it lacks",
          "[cublaslt][errors]") {
  const int m = 6, n = 5, k = 4;
  ws::device_buffer<float> d_a(static_cast<std::size_t>(m) * k), d_b(static_cast<std::size_t>(k) * n),
      d_d(static_cast<std::size_t>(m) * n);
  ws::device_buffer<__half> d_h(static_cast<std::size_t>(m) * k);
  ws::device_buffer<__nv_bfloat16> d_bf(static_cast<std::size_t>(k) * n);
  lt_handle h;
  cublasLtMatmulDesc_t desc = nullptr;
  LIBS_REQUIRE(cublasLtMatmulDescCreate(&desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  cublasLtMatrixLayout_t la = nullptr, lb = nullptr, ld = nullptr, lwrong = nullptr, lh = nullptr, lbf = nullptr;
  LIBS_REQUIRE(cublasLtMatrixLayoutCreate(&la, CUDA_R_32F, m, k, m));
  LIBS_REQUIRE(cublasLtMatrixLayoutCreate(&lb, CUDA_R_32F, k, n, k));
  LIBS_REQUIRE(cublasLtMatrixLayoutCreate(&ld, CUDA_R_32F, m, n, m));
  LIBS_REQUIRE(cublasLtMatrixLayoutCreate(&lwrong, CUDA_R_32F, k + 1, n, k + 1));  // op(B) rows != k
  LIBS_REQUIRE(cublasLtMatrixLayoutCreate(&lh, CUDA_R_16F, m, k, m));
  LIBS_REQUIRE(cublasLtMatrixLayoutCreate(&lbf, CUDA_R_16BF, k, n, k));
  const float alpha = 1.0f, beta = 0.0f;
  const auto matmul = [&](cublasLtHandle_t handle, const void* a, cublasLtMatrixLayout_t lay_a, const void* b,
                          cublasLtMatrixLayout_t lay_b) {
    return cublasLtMatmul(handle, desc, &alpha, a, lay_a, b, lay_b, &beta, d_d.data(), ld, d_d.data(), ld, nullptr,
                          nullptr, 0, nullptr);
  };
  LIBS_REQUIRE(matmul(h.get(), d_a.data(), la, d_b.data(), lb));
  LIBS_REQUIRE_STATUS(CUBLAS_STATUS_NOT_INITIALIZED, matmul(nullptr, d_a.data(), la, d_b.data(), lb));
  LIBS_REQUIRE_STATUS(CUBLAS_STATUS_INVALID_VALUE, matmul(h.get(), d_a.data(), la, d_b.data(), lwrong));
  // Half A with bfloat16 B.
  LIBS_REQUIRE_STATUS(CUBLAS_STATUS_NOT_SUPPORTED, matmul(h.get(), d_h.data(), lh, d_bf.data(), lbf));
  for (cublasLtMatrixLayout_t l : {la, lb, ld, lwrong, lh, lbf}) LIBS_REQUIRE(cublasLtMatrixLayoutDestroy(l));
  LIBS_REQUIRE(cublasLtMatmulDescDestroy(desc));
  cublasLtHandle_t* null_out = nullptr;
  LIBS_REQUIRE_STATUS(CUBLAS_STATUS_INVALID_VALUE, cublasLtCreate(null_out));
}

#if WS_CUDACPU
// What only the stand-in checks or reports: a GPU would fault, or its library has more kernels.

TEST_CASE("the cuBLASLt stand-in rejects host memory, a missing bias and epilogues it lacks", "[cublaslt][errors]") {
  const int m = 6, n = 5, k = 4;
  std::vector<float> host(static_cast<std::size_t>(m) * n, k_sentinel);
  ws::device_buffer<float> d_a(static_cast<std::size_t>(m) * k), d_b(static_cast<std::size_t>(k) * n),
      d_d{std::span<const float>(host)}, d_bias(static_cast<std::size_t>(m) - 1);
  lt_handle h;
  cublasLtMatmulDesc_t desc = nullptr;
  LIBS_REQUIRE(cublasLtMatmulDescCreate(&desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  cublasLtMatrixLayout_t la = nullptr, lb = nullptr, ld = nullptr;
  LIBS_REQUIRE(cublasLtMatrixLayoutCreate(&la, CUDA_R_32F, m, k, m));
  LIBS_REQUIRE(cublasLtMatrixLayoutCreate(&lb, CUDA_R_32F, k, n, k));
  LIBS_REQUIRE(cublasLtMatrixLayoutCreate(&ld, CUDA_R_32F, m, n, m));
  const float alpha = 1.0f, beta = 0.0f;
  const auto matmul = [&](const void* a, float* d) {
    return cublasLtMatmul(h.get(), desc, &alpha, a, la, d_b.data(), lb, &beta, d, ld, d, ld, nullptr, nullptr, 0,
                          nullptr);
  };
  const auto set_epilogue = [&](cublasLtEpilogue_t e) {
    LIBS_REQUIRE(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &e, sizeof e));
  };
  const cublasStatus_t bad = CUBLAS_STATUS_INVALID_VALUE;
  SECTION("host matrices") {
    std::vector<float> host_a(static_cast<std::size_t>(m) * k, 1.0f);
    LIBS_REQUIRE_STATUS(bad, matmul(host_a.data(), d_d.data()));
    LIBS_REQUIRE_STATUS(bad, matmul(d_a.data(), host.data()));
  }
  SECTION("a bias epilogue without a bias, or with a bias shorter than m") {
    set_epilogue(CUBLASLT_EPILOGUE_BIAS);
    LIBS_REQUIRE_STATUS(bad, matmul(d_a.data(), d_d.data()));
    const void* bias = d_bias.data();
    LIBS_REQUIRE(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof bias));
    LIBS_REQUIRE_STATUS(bad, matmul(d_a.data(), d_d.data()));
  }
  SECTION("gradient and auxiliary-output epilogues") {
    set_epilogue(CUBLASLT_EPILOGUE_RELU_AUX);
    LIBS_REQUIRE_STATUS(CUBLAS_STATUS_NOT_SUPPORTED, matmul(d_a.data(), d_d.data()));
    set_epilogue(CUBLASLT_EPILOGUE_GELU_AUX);  // without its aux pointer
    LIBS_REQUIRE_STATUS(bad, matmul(d_a.data(), d_d.data()));
    set_epilogue(CUBLASLT_EPILOGUE_DGELU_BGRAD);
    LIBS_REQUIRE_STATUS(CUBLAS_STATUS_NOT_SUPPORTED, matmul(d_a.data(), d_d.data()));
  }
  SECTION("host scalars in device pointer mode") {
    const std::int32_t mode = CUBLASLT_POINTER_MODE_DEVICE;
    LIBS_REQUIRE(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_POINTER_MODE, &mode, sizeof mode));
    LIBS_REQUIRE_STATUS(bad, matmul(d_a.data(), d_d.data()));
  }
  CHECK(d_d.to_vector() == host);  // nothing was written
  for (cublasLtMatrixLayout_t l : {la, lb, ld}) LIBS_REQUIRE(cublasLtMatrixLayoutDestroy(l));
  LIBS_REQUIRE(cublasLtMatmulDescDestroy(desc));
}
#endif

// ---- cublasGemmStridedBatchedEx ----

TEST_CASE("cublasGemmStridedBatchedEx computes each GEMM of the batch for each type combination cuBLAS has",
          "[cublas][gemm_ex]") {
  const std::size_t combo = GENERATE(0, 2, 3, 4, 5);
  const type_combo& t = k_combos[combo];
  const bool ta = GENERATE(false, true);
  const float beta = GENERATE(0.0f, 1.0f);
  // cuBLAS's GEMMs are column-major, with no epilogue: a cuBLASLt problem without either.
  problem p = make_problem(ta, true, 11, 7, 13, false, 3);
  p.alpha = 0.5f;
  p.beta = beta;
  const auto va = decode(encode(random_values(p.a, 61), t.ab), t.ab);
  const auto vb = decode(encode(random_values(p.b, 62), t.ab), t.ab);
  const auto vc = decode(encode(output_values(p.c, beta == 0.0f, 63), t.cd), t.cd);
  const auto ab_a = encode(va, t.ab), ab_b = encode(vb, t.ab), ab_c = encode(vc, t.cd);
  ws::device_buffer<unsigned char> d_a{std::span<const unsigned char>(ab_a)},
      d_b{std::span<const unsigned char>(ab_b)}, d_c{std::span<const unsigned char>(ab_c)};
  cublasHandle_t h = nullptr;
  LIBS_REQUIRE(cublasCreate(&h));
  LIBS_REQUIRE(cublasGemmStridedBatchedEx(h, ta ? CUBLAS_OP_T : CUBLAS_OP_N, CUBLAS_OP_T, p.m, p.n, p.k, &p.alpha,
                                          d_a.data(), t.ab, static_cast<int>(p.a.ld), p.a.stride, d_b.data(), t.ab,
                                          static_cast<int>(p.b.ld), p.b.stride, &p.beta, d_c.data(), t.cd,
                                          static_cast<int>(p.c.ld), p.c.stride, p.c.batch, t.compute,
                                          CUBLAS_GEMM_DEFAULT));
  LIBS_REQUIRE(cublasDestroy(h));
  const auto c = decode(d_c.to_vector(), t.cd);
  ws::tolerance tol = ws::tolerance::for_reduction(static_cast<std::size_t>(p.k));
  tol.abs = 2 * tol.abs + t.out_eps;
  tol.rel += t.out_eps;
  const auto report = ws::compare(p.reference(va, vb, vc, {}), p.interior(c), tol);
  INFO(t.name << " op(A)=" << (ta ? "T" : "N") << " beta=" << beta);
  INFO(report.summary("C"));
  CHECK(report.ok());
  CHECK(damaged_padding(c, p.c) == 0);
}

TEST_CASE("cublasGemmStridedBatchedEx takes an old cudaDataType compute type and a zero stride reuses one matrix",
          "[cublas][gemm_ex]") {
  problem p = make_problem(false, false, 5, 4, 3, false, 2);
  p.a.stride = 0;  // one A for both GEMMs
  const auto va = random_values(p.a, 71), vb = random_values(p.b, 72), vc = output_values(p.c, true, 73);
  ws::device_buffer<float> d_a{std::span<const float>(va)}, d_b{std::span<const float>(vb)},
      d_c{std::span<const float>(vc)};
  cublasHandle_t h = nullptr;
  LIBS_REQUIRE(cublasCreate(&h));
  LIBS_REQUIRE(cublasGemmStridedBatchedEx(h, CUBLAS_OP_N, CUBLAS_OP_N, p.m, p.n, p.k, &p.alpha, d_a.data(), CUDA_R_32F,
                                          static_cast<int>(p.a.ld), 0, d_b.data(), CUDA_R_32F,
                                          static_cast<int>(p.b.ld), p.b.stride, &p.beta, d_c.data(), CUDA_R_32F,
                                          static_cast<int>(p.c.ld), p.c.stride, 2, CUDA_R_32F, CUBLAS_GEMM_DEFAULT));
  LIBS_REQUIRE(cublasDestroy(h));
  const auto report = ws::compare(p.reference(va, vb, vc, {}), p.interior(d_c.to_vector()),
                                  ws::tolerance::for_reduction(static_cast<std::size_t>(p.k)));
  INFO(report.summary("C"));
  CHECK(report.ok());
}

TEST_CASE("cublasGemmStridedBatchedEx rejects a null handle, a negative batch count and types cuBLAS lacks",
          "[cublas][errors]") {
  const int m = 4, n = 4, k = 4;
  ws::device_buffer<__half> d_h(static_cast<std::size_t>(m) * k);
  ws::device_buffer<__nv_bfloat16> d_bf(static_cast<std::size_t>(k) * n);
  std::vector<float> c0(static_cast<std::size_t>(m) * n, k_sentinel);
  ws::device_buffer<float> d_c{std::span<const float>(c0)};
  cublasHandle_t h = nullptr;
  LIBS_REQUIRE(cublasCreate(&h));
  const float alpha = 1.0f, beta = 0.0f;
  const auto call = [&](cublasHandle_t handle, cudaDataType btype, const void* b, int batch) {
    return cublasGemmStridedBatchedEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, d_h.data(), CUDA_R_16F, m,
                                      m * k, b, btype, k, k * n, &beta, d_c.data(), CUDA_R_32F, m, m * n, batch,
                                      CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
  };
  LIBS_REQUIRE_STATUS(CUBLAS_STATUS_NOT_INITIALIZED, call(nullptr, CUDA_R_16F, d_h.data(), 1));
  LIBS_REQUIRE_STATUS(CUBLAS_STATUS_INVALID_VALUE, call(h, CUDA_R_16F, d_h.data(), -1));
  LIBS_REQUIRE_STATUS(CUBLAS_STATUS_NOT_SUPPORTED, call(h, CUDA_R_16BF, d_bf.data(), 1));  // half A, bfloat16 B
  LIBS_REQUIRE(call(h, CUDA_R_16F, d_h.data(), 0));  // an empty batch does nothing
  CHECK(d_c.to_vector() == c0);
  LIBS_REQUIRE(cublasDestroy(h));
}

// ---- cuda_profiler_api.h ----

TEST_CASE("cudaProfilerStart and cudaProfilerStop succeed around work", "[profiler]") {
  REQUIRE(cudaProfilerStart() == cudaSuccess);
  float* p = nullptr;
  REQUIRE(cudaMalloc(&p, 16) == cudaSuccess);
  REQUIRE(cudaFree(p) == cudaSuccess);
  REQUIRE(cudaProfilerStop() == cudaSuccess);
}

// ---- libcu++: cuda::barrier, cuda::memcpy_async, cuda::pipeline ----

#if defined(__NVCC__)
// A __shared__ cuda::barrier is initialised by init(), never constructed: nvcc's warning about its constructor is
// expected (NVIDIA's samples suppress it the same way).
#pragma nv_diag_suppress static_var_with_dynamic_init
#endif

namespace {

namespace cg = cooperative_groups;

/// Each thread of the first @p count threads writes round-dependent values, and after each phase reads its
/// neighbour's: a barrier that does not wait shows stale or poisoned values. Threads past @p count only watch.
/// out[round * count + t] = in[(t + 1) % count] * (round + 1) for the participating threads.
__global__ void barrier_exchange_kernel(const int* in, int* out, int count, int rounds) {
  __shared__ cuda::barrier<cuda::thread_scope_block> bar;
  __shared__ int slot[128];
  if (threadIdx.x == 0) init(&bar, count);
  __syncthreads();
  const int t = static_cast<int>(threadIdx.x);
  if (t >= count) return;
  for (int r = 0; r < rounds; ++r) {
    slot[t] = in[t] * (r + 1);
    if (r % 2 == 0) {
      auto token = bar.arrive();  // split arrive / wait, as simpleAWBarrier does
      bar.wait(std::move(token));
    } else {
      bar.arrive_and_wait();
    }
    out[r * count + t] = slot[(t + 1) % count];
    bar.arrive_and_wait();  // nobody overwrites a slot before its neighbour read it
  }
}

/// Counts completed phases (a barrier's completion function, run by the last arriving thread).
struct count_phases {
  int* phases;
  __device__ void operator()() const noexcept { ++*phases; }
};

/// Threads at or past @p stay drop out after the first phase; the others run @p rounds phases more. Records the
/// phase count and, per round, how many threads had arrived when the phase completed.
__global__ void barrier_drop_kernel(int* phases_out, int* arrived_out, int stay, int rounds) {
  __shared__ cuda::barrier<cuda::thread_scope_block, count_phases> bar;
  __shared__ int phases;
  __shared__ int arrived;
  if (threadIdx.x == 0) {
    phases = 0;
    arrived = 0;
    init(&bar, static_cast<std::ptrdiff_t>(blockDim.x), count_phases{&phases});
  }
  __syncthreads();
  if (static_cast<int>(threadIdx.x) >= stay) {
    bar.arrive_and_drop();
    return;
  }
  bar.arrive_and_wait();
  for (int r = 0; r < rounds; ++r) {
    atomicAdd(&arrived, 1);
    bar.arrive_and_wait();
    if (threadIdx.x == 0) arrived_out[r] = arrived;
    bar.arrive_and_wait();
    if (threadIdx.x == 0) arrived = 0;
    bar.arrive_and_wait();
  }
  if (threadIdx.x == 0) *phases_out = phases;
}

/// Block b copies its n floats into shared memory with one collective cuda::memcpy_async, waits on the barrier,
/// and every thread sums the whole tile: out[b * blockDim.x + t] = sum of in[b * n .. b * n + n).
__global__ void memcpy_async_barrier_kernel(const float* in, float* out, int n) {
  __shared__ cuda::barrier<cuda::thread_scope_block> bar;
  __shared__ float tile[256];
  auto block = cg::this_thread_block();
  if (block.thread_rank() == 0) init(&bar, block.size());
  block.sync();
  cuda::memcpy_async(block, tile, in + blockIdx.x * n, cuda::aligned_size_t<4>(sizeof(float) * n), bar);
  bar.arrive_and_wait();
  float sum = 0.0f;
  for (int i = 0; i < n; ++i) sum += tile[i];
  out[blockIdx.x * blockDim.x + threadIdx.x] = sum;
}

constexpr int k_tile = 32;  ///< floats per pipeline stage

/// Sums @p tiles tiles of k_tile floats through a two-stage block pipeline (the next tile is fetched while the
/// current one is read): out[t] = sum over tiles of tile[j][(7 t + 3) % k_tile] * (j + 1). Thread t reads an
/// element another thread copied, so a consumer that does not wait for every producer shows.
__global__ void pipeline_block_kernel(const float* in, float* out, int tiles) {
  constexpr int stages = 2;
  __shared__ cuda::pipeline_shared_state<cuda::thread_scope_block, stages> state;
  __shared__ float buf[stages][k_tile];
  auto block = cg::this_thread_block();
  cuda::pipeline<cuda::thread_scope_block> pipe = cuda::make_pipeline(block, &state);
  const auto fetch = [&](int j) {
    pipe.producer_acquire();
    cuda::memcpy_async(block, buf[j % stages], in + j * k_tile, sizeof(float) * k_tile, pipe);
    pipe.producer_commit();
  };
  fetch(0);
  float acc = 0.0f;
  for (int j = 0; j < tiles; ++j) {
    if (j + 1 < tiles) fetch(j + 1);
    pipe.consumer_wait();
    acc += buf[j % stages][(7 * threadIdx.x + 3) % k_tile] * static_cast<float>(j + 1);
    pipe.consumer_release();
  }
  out[threadIdx.x] = acc;
}

/// Each thread copies its own element through a thread-scope pipeline: out[i] = 2 * in[i].
__global__ void pipeline_thread_kernel(const float* in, float* out, int n) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= n) return;
  float mine = 0.0f;
  cuda::pipeline<cuda::thread_scope_thread> pipe = cuda::make_pipeline();
  pipe.producer_acquire();
  cuda::memcpy_async(&mine, in + i, sizeof(float), pipe);
  pipe.producer_commit();
  pipe.consumer_wait();
  out[i] = 2.0f * mine;
  pipe.consumer_release();
}

/// Every thread adds 1 to a plain counter, @p rounds times, inside a critical section guarded by a block-scope
/// binary semaphore that yields in the middle (a broken lock loses updates); then a latch opens once every thread
/// counted down, and each thread records the total it then sees: out[t] = blockDim.x * rounds.
__global__ void semaphore_latch_kernel(int* out, int rounds) {
  using lock_type = cuda::binary_semaphore<cuda::thread_scope_block>;
  using latch_type = cuda::latch<cuda::thread_scope_block>;
  __shared__ alignas(lock_type) unsigned char lock_storage[sizeof(lock_type)];
  __shared__ alignas(latch_type) unsigned char latch_storage[sizeof(latch_type)];
  __shared__ int counter;
  auto* lock = reinterpret_cast<lock_type*>(lock_storage);
  auto* done = reinterpret_cast<latch_type*>(latch_storage);
  if (threadIdx.x == 0) {
    new (lock) lock_type(1);
    new (done) latch_type(static_cast<std::ptrdiff_t>(blockDim.x));
    counter = 0;
  }
  __syncthreads();
  for (int r = 0; r < rounds; ++r) {
    lock->acquire();
    const int seen = counter;
    __nanosleep(100);  // lets the block's other threads run: they must not get in
    counter = seen + 1;
    lock->release();
  }
  done->arrive_and_wait();
  out[threadIdx.x] = counter;
}

#if LIBS_HAVE_CUDA_STD
/// cuda::std basics in device code: out = {sum of an array, limits, tuple, fixed-width ints}.
__global__ void cuda_std_kernel(long long* out) {
  cuda::std::array<int, 4> a{1, 2, 3, 4};
  int sum = 0;
  for (int x : a) sum += x;
  const cuda::std::tuple<int, cuda::std::uint8_t> t{7, static_cast<cuda::std::uint8_t>(250)};
  out[0] = sum;
  out[1] = cuda::std::numeric_limits<int>::max();
  out[2] = cuda::std::get<0>(t) + cuda::std::get<1>(t);
  out[3] = static_cast<long long>(sizeof(cuda::std::int64_t));
}
#endif

}  // namespace

TEST_CASE("cuda::barrier at block scope orders shared memory between phases, with split arrive/wait too",
          "[libcu][barrier]") {
  // count = the whole block, and only some of its threads (the rest never touch the barrier).
  const auto [count, block] = GENERATE(std::pair{67, 67}, std::pair{40, 96}, std::pair{1, 32});
  const int rounds = 4;
  std::vector<int> in(static_cast<std::size_t>(count));
  for (int t = 0; t < count; ++t) in[static_cast<std::size_t>(t)] = 3 * t + 1;
  ws::device_buffer<int> d_in{std::span<const int>(in)}, d_out(static_cast<std::size_t>(count) * rounds);
  barrier_exchange_kernel<<<2, block>>>(d_in.data(), d_out.data(), count, rounds);
  REQUIRE(cudaDeviceSynchronize() == cudaSuccess);
  const auto out = d_out.to_vector();
  for (int r = 0; r < rounds; ++r)
    for (int t = 0; t < count; ++t) {
      INFO("count " << count << " block " << block << " round " << r << " thread " << t);
      REQUIRE(out[static_cast<std::size_t>(r * count + t)] == in[static_cast<std::size_t>((t + 1) % count)] * (r + 1));
    }
}

TEST_CASE("cuda::barrier::arrive_and_drop lowers later phases' count, and the completion runs once per phase",
          "[libcu][barrier]") {
  const int block = 48, stay = 19, rounds = 3;
  ws::device_buffer<int> d_phases(1), d_arrived(rounds);
  barrier_drop_kernel<<<1, block>>>(d_phases.data(), d_arrived.data(), stay, rounds);
  REQUIRE(cudaDeviceSynchronize() == cudaSuccess);
  CHECK(d_phases.to_vector()[0] == 1 + 3 * rounds);
  CHECK(d_arrived.to_vector() == std::vector<int>(rounds, stay));
}

TEST_CASE("cuda::memcpy_async of a block with a barrier makes the tile readable after the barrier's phase",
          "[libcu][barrier]") {
  const int n = GENERATE(1, 129, 256), blocks = 3, block = 72;
  std::vector<float> in(static_cast<std::size_t>(n) * blocks);
  ws::fill_random(in, 81);
  ws::device_buffer<float> d_in{std::span<const float>(in)}, d_out(static_cast<std::size_t>(blocks) * block);
  memcpy_async_barrier_kernel<<<blocks, block>>>(d_in.data(), d_out.data(), n);
  REQUIRE(cudaDeviceSynchronize() == cudaSuccess);
  const auto out = d_out.to_vector();
  for (int b = 0; b < blocks; ++b) {
    float expected = 0.0f;
    for (int i = 0; i < n; ++i) expected += in[static_cast<std::size_t>(b * n + i)];
    for (int t = 0; t < block; ++t) {
      INFO("n " << n << " block " << b << " thread " << t);
      REQUIRE(out[static_cast<std::size_t>(b * block + t)] == expected);
    }
  }
}

TEST_CASE("cuda::pipeline double-buffers tiles through shared memory, and a thread-scope pipeline copies",
          "[libcu][pipeline]") {
  const int tiles = 7;
  std::vector<float> in(static_cast<std::size_t>(tiles) * k_tile);
  ws::fill_random_integers(in, 91);
  ws::device_buffer<float> d_in{std::span<const float>(in)}, d_out(k_tile);
  pipeline_block_kernel<<<1, k_tile>>>(d_in.data(), d_out.data(), tiles);
  REQUIRE(cudaDeviceSynchronize() == cudaSuccess);
  const auto out = d_out.to_vector();
  for (int t = 0; t < k_tile; ++t) {
    float expected = 0.0f;
    for (int j = 0; j < tiles; ++j)
      expected += in[static_cast<std::size_t>(j * k_tile + (7 * t + 3) % k_tile)] * static_cast<float>(j + 1);
    INFO("thread " << t);
    CHECK(out[static_cast<std::size_t>(t)] == expected);
  }

  const int n = 101;
  std::vector<float> x(static_cast<std::size_t>(n));
  ws::fill_random(x, 92);
  ws::device_buffer<float> d_x{std::span<const float>(x)}, d_y(static_cast<std::size_t>(n));
  pipeline_thread_kernel<<<2, 64>>>(d_x.data(), d_y.data(), n);
  REQUIRE(cudaDeviceSynchronize() == cudaSuccess);
  const auto y = d_y.to_vector();
  for (int i = 0; i < n; ++i) CHECK(y[static_cast<std::size_t>(i)] == 2.0f * x[static_cast<std::size_t>(i)]);
}

TEST_CASE("cuda::binary_semaphore is a lock and cuda::latch opens after every count_down, at block scope",
          "[libcu][semaphore]") {
  const int block = GENERATE(1, 45), rounds = 3;
  ws::device_buffer<int> d_out(static_cast<std::size_t>(block));
  semaphore_latch_kernel<<<2, block>>>(d_out.data(), rounds);
  REQUIRE(cudaDeviceSynchronize() == cudaSuccess);
  CHECK(d_out.to_vector() == std::vector<int>(static_cast<std::size_t>(block), block * rounds));
}

TEST_CASE("cuda::std::barrier, latch and counting_semaphore work in host code", "[libcu][barrier]") {
  cuda::std::barrier<> bar(1);
  bar.arrive_and_wait();
  auto token = bar.arrive();
  bar.wait(std::move(token));
  cuda::std::latch done(2);
  done.count_down();
  CHECK_FALSE(done.try_wait());
  done.arrive_and_wait();
  CHECK(done.try_wait());
  cuda::std::counting_semaphore<4> sem(2);
  CHECK(sem.try_acquire());
  CHECK(sem.try_acquire());
  CHECK_FALSE(sem.try_acquire());
  sem.release(2);
  sem.acquire();
  CHECK(sem.try_acquire());
}

#if LIBS_HAVE_CUDA_STD
TEST_CASE("cuda::std array, tuple, numeric_limits and fixed-width integers work in a kernel", "[libcu][std]") {
  ws::device_buffer<long long> d_out(4);
  cuda_std_kernel<<<1, 1>>>(d_out.data());
  REQUIRE(cudaDeviceSynchronize() == cudaSuccess);
  CHECK(d_out.to_vector() == std::vector<long long>{10, 2147483647LL, 257, 8});
}
#endif

#if WS_CUDACPU
/// Uses a barrier that no thread initialised (@p forget_init), or arrives with more than the phase expects.
__global__ void barrier_misuse_kernel(bool forget_init) {
  __shared__ cuda::barrier<cuda::thread_scope_block> bar;
  if (threadIdx.x == 0 && !forget_init) init(&bar, blockDim.x);
  __syncthreads();
  if (forget_init) {
    bar.arrive_and_wait();
  } else if (threadIdx.x == 0) {
    (void)bar.arrive(static_cast<std::ptrdiff_t>(blockDim.x) + 1);
  }
}

TEST_CASE("the cuda::barrier stand-in reports an uninitialised barrier and too many arrivals, failing the launch",
          "[libcu][barrier][errors]") {
  const bool forget_init = GENERATE(true, false);
  barrier_misuse_kernel<<<1, 8>>>(forget_init);
  CHECK(cudaDeviceSynchronize() == cudaErrorLaunchFailure);
  REQUIRE(cudaDeviceReset() == cudaSuccess);
}
#endif
