/// @file
/// @brief Stand-in for cuBLAS (`cublas_v2.h`) on the cudacpu backend: handles, streams, math and pointer modes, and
///        GEMM (`cublasSgemm`, `cublasDgemm`, `cublasSgemmStridedBatched`, `cublasGemmEx`,
///        `cublasGemmStridedBatchedEx`) computed on the host; `cublasLt.h` builds on it.
///
/// The course uses cuBLAS as a yardstick: a learner's kernel is compared with it. So the same .cu builds against
/// this header on the CPU backend and against the real library on a GPU, with the same signatures, enum values,
/// argument checks and status codes.
///
/// - **Header-only.** Everything is inline and uses only the runtime's declarations, so it works with whichever
///   runtime a target links (`ws_cudacpu`, `ws_cudacpu_memory`, `ws_cudacpu_races`); `ws_link_cublas()` adds nothing.
/// - **Layout and arguments as in cuBLAS**: column-major, `op(A)` m x k, `op(B)` k x n, C m x n; `CUBLAS_OP_C` is
///   `CUBLAS_OP_T` for real types. A null handle gives `CUBLAS_STATUS_NOT_INITIALIZED`; m, n or k < 0, an unknown
///   operation, `lda < max(1, rows of A as stored)` (m for `CUBLAS_OP_N`, else k), `ldb < max(1, k or n)`,
///   `ldc < max(1, m)`, a null alpha or beta give `CUBLAS_STATUS_INVALID_VALUE`; a `cublasGemmEx` type combination
///   cuBLAS lacks gives `CUBLAS_STATUS_NOT_SUPPORTED`.
/// - **Memory is checked** like a kernel's pointer arguments: A, B and C (and alpha, beta in device pointer mode)
///   must lie, with the whole extent the call touches, inside memory from cudaMalloc, cudaMallocManaged or
///   cudaMallocHost. A host pointer, freed memory or a too small allocation is reported with the caller's file:line
///   and gives `CUBLAS_STATUS_INVALID_VALUE` (a GPU would fault later instead). A misuse is reported on stderr as
///   `cudacpu: error: FILE:LINE: ...` unless `WS_CPU_QUIET=1`; real cuBLAS only returns the status. The GEMMs take
///   a last defaulted parameter (`WS_CUDACPU_WHERE`, the caller's `::cudacpu::source_location`) for that FILE:LINE.
/// - **Streams**: the runtime runs every launch and copy synchronously in issue order, and so does a GEMM, when it
///   is called: it sees everything issued before it, on any stream, and is complete before the next call. That is
///   the order the handle's stream (`cublasSetStream`) gives on a GPU. After a kernel failed (a sticky error) a GEMM
///   does not run and returns `CUBLAS_STATUS_EXECUTION_FAILED`, as a launch in a broken context would.
/// - **Numerics**: inputs are converted exactly to the accumulation type (float for the `CUBLAS_COMPUTE_32F*` and
///   `CUBLAS_COMPUTE_16F*` types, double for `CUBLAS_COMPUTE_64F*`), each C element is a sequential sum over k,
///   then `C = alpha * sum + beta * C` (rounded once to C's type). `beta == 0` ignores C's old contents (NaN
///   included); `alpha == 0` or `k == 0` reads neither A nor B (C = beta * C), as in reference BLAS. The `_FAST_`
///   compute types, `CUBLAS_TF32_TENSOR_OP_MATH` and `CUBLAS_TENSOR_OP_MATH` are computed in full float (a GPU may
///   round inputs to TF32, half or bfloat16 and be less accurate); `CUBLAS_COMPUTE_16F` accumulates in float.
/// - **Not provided**: the rest of cuBLAS (level 1/2 BLAS, other level 3 routines, batched pointer-array GEMM,
///   complex and integer types, the `_64` variants; cublasLt is in `cublasLt.h`); the algorithm argument is
///   accepted and ignored.
/// - **Speed** says nothing about a GPU: one host thread, a simple cache-friendly loop.
#pragma once

// The real headers' include guards: code tests them to learn that cuBLAS is declared (cuda-samples' helper_cuda.h
// defines its cublasStatus_t overloads only `#ifdef CUBLAS_API_H_`).
#define CUBLAS_V2_H_
#define CUBLAS_API_H_

#include <algorithm>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include "cudacpu/source_location.h"
#include <vector>

#include "cuda_runtime.h"
#include "cuda_bf16.h"
#include "cuda_fp16.h"
#include "library_types.h"

/// cuBLAS major version this stand-in mimics (CUDA 13.0, like the runtime's CUDART_VERSION).
#define CUBLAS_VER_MAJOR 13
/// cuBLAS minor version.
#define CUBLAS_VER_MINOR 0
/// cuBLAS patch level.
#define CUBLAS_VER_PATCH 0
/// cuBLAS build number.
#define CUBLAS_VER_BUILD 0
/// What cublasGetVersion returns: major * 10000 + minor * 100 + patch.
#define CUBLAS_VERSION (CUBLAS_VER_MAJOR * 10000 + CUBLAS_VER_MINOR * 100 + CUBLAS_VER_PATCH)

/// Result of every cuBLAS call (cuBLAS's values).
typedef enum {
  CUBLAS_STATUS_SUCCESS = 0,            ///< the call completed
  CUBLAS_STATUS_NOT_INITIALIZED = 1,    ///< null handle (call cublasCreate first)
  CUBLAS_STATUS_ALLOC_FAILED = 3,       ///< out of memory
  CUBLAS_STATUS_INVALID_VALUE = 7,      ///< a bad argument (negative size, too small leading dimension, bad pointer)
  CUBLAS_STATUS_ARCH_MISMATCH = 8,      ///< the GPU lacks a feature (never here)
  CUBLAS_STATUS_MAPPING_ERROR = 11,     ///< GPU memory access failed (never here)
  CUBLAS_STATUS_EXECUTION_FAILED = 13,  ///< the work could not run (an earlier kernel failed)
  CUBLAS_STATUS_INTERNAL_ERROR = 14,    ///< internal error (never here)
  CUBLAS_STATUS_NOT_SUPPORTED = 15,     ///< an unsupported type combination or mode
  CUBLAS_STATUS_LICENSE_ERROR = 16      ///< license check failed (never here)
} cublasStatus_t;

/// What to do with a matrix operand before multiplying.
typedef enum {
  CUBLAS_OP_N = 0,         ///< as stored
  CUBLAS_OP_T = 1,         ///< transposed
  CUBLAS_OP_C = 2,         ///< conjugate transposed (transposed, for real types)
  CUBLAS_OP_HERMITAN = 2,  ///< synonym of CUBLAS_OP_C
  CUBLAS_OP_CONJG = 3      ///< conjugate only: not supported by cuBLAS's GEMM either
} cublasOperation_t;

/// Where alpha and beta live.
typedef enum {
  CUBLAS_POINTER_MODE_HOST = 0,   ///< host memory (the default)
  CUBLAS_POINTER_MODE_DEVICE = 1  ///< device memory (read when the call runs)
} cublasPointerMode_t;

/// GEMM algorithm hint. Accepted and ignored here (there is one algorithm).
typedef enum {
  CUBLAS_GEMM_DFALT = -1,                ///< old spelling of CUBLAS_GEMM_DEFAULT
  CUBLAS_GEMM_DEFAULT = -1,              ///< let cuBLAS choose
  CUBLAS_GEMM_ALGO0 = 0,                 ///< a specific algorithm
  CUBLAS_GEMM_ALGO1 = 1,                 ///< a specific algorithm
  CUBLAS_GEMM_ALGO2 = 2,                 ///< a specific algorithm
  CUBLAS_GEMM_ALGO3 = 3,                 ///< a specific algorithm
  CUBLAS_GEMM_ALGO4 = 4,                 ///< a specific algorithm
  CUBLAS_GEMM_ALGO5 = 5,                 ///< a specific algorithm
  CUBLAS_GEMM_ALGO6 = 6,                 ///< a specific algorithm
  CUBLAS_GEMM_ALGO7 = 7,                 ///< a specific algorithm
  CUBLAS_GEMM_ALGO8 = 8,                 ///< a specific algorithm
  CUBLAS_GEMM_ALGO9 = 9,                 ///< a specific algorithm
  CUBLAS_GEMM_ALGO10 = 10,               ///< a specific algorithm
  CUBLAS_GEMM_ALGO11 = 11,               ///< a specific algorithm
  CUBLAS_GEMM_ALGO12 = 12,               ///< a specific algorithm
  CUBLAS_GEMM_ALGO13 = 13,               ///< a specific algorithm
  CUBLAS_GEMM_ALGO14 = 14,               ///< a specific algorithm
  CUBLAS_GEMM_ALGO15 = 15,               ///< a specific algorithm
  CUBLAS_GEMM_ALGO16 = 16,               ///< a specific algorithm
  CUBLAS_GEMM_ALGO17 = 17,               ///< a specific algorithm
  CUBLAS_GEMM_ALGO18 = 18,               ///< sliced 32x32
  CUBLAS_GEMM_ALGO19 = 19,               ///< sliced 64x32
  CUBLAS_GEMM_ALGO20 = 20,               ///< sliced 128x32
  CUBLAS_GEMM_ALGO21 = 21,               ///< sliced 32x32, split k
  CUBLAS_GEMM_ALGO22 = 22,               ///< sliced 64x32, split k
  CUBLAS_GEMM_ALGO23 = 23,               ///< sliced 128x32, split k
  CUBLAS_GEMM_DEFAULT_TENSOR_OP = 99,    ///< let cuBLAS choose, tensor cores allowed
  CUBLAS_GEMM_DFALT_TENSOR_OP = 99,      ///< old spelling of CUBLAS_GEMM_DEFAULT_TENSOR_OP
  CUBLAS_GEMM_ALGO0_TENSOR_OP = 100,     ///< a specific tensor-core algorithm
  CUBLAS_GEMM_ALGO1_TENSOR_OP = 101,     ///< a specific tensor-core algorithm
  CUBLAS_GEMM_ALGO2_TENSOR_OP = 102,     ///< a specific tensor-core algorithm
  CUBLAS_GEMM_ALGO3_TENSOR_OP = 103,     ///< a specific tensor-core algorithm
  CUBLAS_GEMM_ALGO4_TENSOR_OP = 104,     ///< a specific tensor-core algorithm
  CUBLAS_GEMM_ALGO5_TENSOR_OP = 105,     ///< a specific tensor-core algorithm
  CUBLAS_GEMM_ALGO6_TENSOR_OP = 106,     ///< a specific tensor-core algorithm
  CUBLAS_GEMM_ALGO7_TENSOR_OP = 107,     ///< a specific tensor-core algorithm
  CUBLAS_GEMM_ALGO8_TENSOR_OP = 108,     ///< a specific tensor-core algorithm
  CUBLAS_GEMM_ALGO9_TENSOR_OP = 109,     ///< a specific tensor-core algorithm
  CUBLAS_GEMM_ALGO10_TENSOR_OP = 110,    ///< a specific tensor-core algorithm
  CUBLAS_GEMM_ALGO11_TENSOR_OP = 111,    ///< a specific tensor-core algorithm
  CUBLAS_GEMM_ALGO12_TENSOR_OP = 112,    ///< a specific tensor-core algorithm
  CUBLAS_GEMM_ALGO13_TENSOR_OP = 113,    ///< a specific tensor-core algorithm
  CUBLAS_GEMM_ALGO14_TENSOR_OP = 114,    ///< a specific tensor-core algorithm
  CUBLAS_GEMM_ALGO15_TENSOR_OP = 115,    ///< a specific tensor-core algorithm
  CUBLAS_GEMM_AUTOTUNE = 999             ///< benchmark the algorithms and keep the fastest
} cublasGemmAlgo_t;

/// Math mode of a handle: which shortcuts the float routines may take on a GPU. Stored and returned; this stand-in
/// always computes in full precision.
typedef enum {
  CUBLAS_DEFAULT_MATH = 0,                                ///< no shortcuts
  CUBLAS_TENSOR_OP_MATH = 1,                              ///< deprecated: like CUBLAS_COMPUTE_32F_FAST_16F
  CUBLAS_PEDANTIC_MATH = 2,                               ///< exactly the documented precision
  CUBLAS_TF32_TENSOR_OP_MATH = 3,                         ///< float GEMMs may round inputs to TF32
  CUBLAS_FP32_EMULATED_BF16X9_MATH = 4,                   ///< float GEMMs may use the BF16x9 emulation
  CUBLAS_FP64_EMULATED_FIXEDPOINT_MATH = 8,               ///< double GEMMs may use fixed-point emulation
  CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION = 16,  ///< flag: reduce in the compute type, not the output's
} cublasMath_t;

/// Old name of cudaDataType in cuBLAS.
typedef cudaDataType cublasDataType_t;

/// Accumulation type of cublasGemmEx (and what a GPU may do to the inputs).
typedef enum {
  CUBLAS_COMPUTE_16F = 64,                      ///< half (accumulates in float here)
  CUBLAS_COMPUTE_16F_PEDANTIC = 65,             ///< half, pedantic (accumulates in float here)
  CUBLAS_COMPUTE_32F = 68,                      ///< float
  CUBLAS_COMPUTE_32F_PEDANTIC = 69,             ///< float, pedantic
  CUBLAS_COMPUTE_32F_FAST_16F = 74,             ///< float; a GPU may round inputs to half (not here)
  CUBLAS_COMPUTE_32F_FAST_16BF = 75,            ///< float; a GPU may round inputs to bfloat16 (not here)
  CUBLAS_COMPUTE_32F_FAST_TF32 = 77,            ///< float; a GPU may round inputs to TF32 (not here)
  CUBLAS_COMPUTE_32F_EMULATED_16BFX9 = 78,      ///< float emulated with bfloat16 (plain float here)
  CUBLAS_COMPUTE_64F = 70,                      ///< double
  CUBLAS_COMPUTE_64F_PEDANTIC = 71,             ///< double, pedantic
  CUBLAS_COMPUTE_64F_EMULATED_FIXEDPOINT = 79,  ///< double emulated in fixed point (plain double here)
  CUBLAS_COMPUTE_32I = 72,                      ///< int32 (not supported here)
  CUBLAS_COMPUTE_32I_PEDANTIC = 73,             ///< int32, pedantic (not supported here)
} cublasComputeType_t;

/// A cuBLAS context: the stream, math mode and pointer mode its calls use. Opaque in cuBLAS; use the accessors.
struct cublasContext {
  cudaStream_t stream = nullptr;                              ///< set by cublasSetStream
  cublasMath_t math_mode = CUBLAS_DEFAULT_MATH;               ///< set by cublasSetMathMode
  cublasPointerMode_t pointer_mode = CUBLAS_POINTER_MODE_HOST;  ///< set by cublasSetPointerMode
};
/// Handle to a cuBLAS context (cublasCreate / cublasDestroy).
typedef struct cublasContext* cublasHandle_t;

// cublas_v2.h's names of the functions that have a _v2 version.
#define cublasCreate cublasCreate_v2                  ///< cuBLAS's spelling
#define cublasDestroy cublasDestroy_v2                ///< cuBLAS's spelling
#define cublasGetVersion cublasGetVersion_v2          ///< cuBLAS's spelling
#define cublasSetWorkspace cublasSetWorkspace_v2      ///< cuBLAS's spelling
#define cublasSetStream cublasSetStream_v2            ///< cuBLAS's spelling
#define cublasGetStream cublasGetStream_v2            ///< cuBLAS's spelling
#define cublasGetPointerMode cublasGetPointerMode_v2  ///< cuBLAS's spelling
#define cublasSetPointerMode cublasSetPointerMode_v2  ///< cuBLAS's spelling
#define cublasSgemm cublasSgemm_v2                    ///< cuBLAS's spelling
#define cublasDgemm cublasDgemm_v2                    ///< cuBLAS's spelling

namespace cudacpu::blas {

/// The enumerator's name, e.g. "CUBLAS_STATUS_INVALID_VALUE", or null for an unknown value.
inline const char* status_name(cublasStatus_t s) {
  switch (s) {
    case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case CUBLAS_STATUS_LICENSE_ERROR: return "CUBLAS_STATUS_LICENSE_ERROR";
  }
  return nullptr;
}

/// Reports a misuse at the caller's line (unless WS_CPU_QUIET=1) and returns @p status.
inline cublasStatus_t fail(cublasStatus_t status, const ::cudacpu::source_location& where, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
inline cublasStatus_t fail(cublasStatus_t status, const ::cudacpu::source_location& where, const char* fmt, ...) {
  if (!cudacpu::detail::quiet()) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cudacpu::detail::report_error(where, "%s (returns %s)", msg, status_name(status));
  }
  return status;
}

/// NOT_INITIALIZED for a null handle (reported), else SUCCESS.
inline cublasStatus_t check_handle(const char* api, cublasHandle_t handle, const ::cudacpu::source_location& where) {
  if (handle != nullptr) return CUBLAS_STATUS_SUCCESS;
  return fail(CUBLAS_STATUS_NOT_INITIALIZED, where, "%s: the handle is null; create one with cublasCreate", api);
}

/// Element types the GEMMs read and write.
enum class elem : std::uint8_t { f16, bf16, f32, f64 };

/// Bytes of one element.
constexpr std::size_t elem_size(elem e) {
  return e == elem::f64 ? 8 : (e == elem::f32 ? 4 : 2);
}

/// Element @p i of @p p, of type @p e, converted exactly to @p Acc.
template <class Acc>
inline Acc load(const void* p, elem e, std::size_t i) {
  switch (e) {
    case elem::f16: return static_cast<Acc>(static_cast<float>(static_cast<const __half*>(p)[i]));
    case elem::bf16: return static_cast<Acc>(static_cast<float>(static_cast<const __nv_bfloat16*>(p)[i]));
    case elem::f32: return static_cast<Acc>(static_cast<const float*>(p)[i]);
    case elem::f64: return static_cast<Acc>(static_cast<const double*>(p)[i]);
  }
  return Acc{};
}

/// Stores @p v into element @p i of @p p (type @p e), rounding once to nearest even.
template <class Acc>
inline void store(void* p, elem e, std::size_t i, Acc v) {
  switch (e) {
    case elem::f16: static_cast<__half*>(p)[i] = __half(v); return;
    case elem::bf16: static_cast<__nv_bfloat16*>(p)[i] = __nv_bfloat16(static_cast<float>(v)); return;
    case elem::f32: static_cast<float*>(p)[i] = static_cast<float>(v); return;
    case elem::f64: static_cast<double*>(p)[i] = static_cast<double>(v); return;
  }
}

/// One GEMM: C = alpha * op(A) op(B) + beta * C, column-major, with element types and the caller's names.
struct gemm_call {
  const char* api;           ///< e.g. "cublasSgemm", for reports
  cublasOperation_t transa;  ///< op(A)
  cublasOperation_t transb;  ///< op(B)
  int m;                     ///< rows of op(A) and C
  int n;                     ///< columns of op(B) and C
  int k;                     ///< columns of op(A), rows of op(B)
  const void* A;             ///< A as stored
  elem a_type;               ///< A's element type
  int lda;                   ///< A's leading dimension
  const void* B;             ///< B as stored
  elem b_type;               ///< B's element type
  int ldb;                   ///< B's leading dimension
  void* C;                   ///< C
  elem c_type;               ///< C's element type
  int ldc;                   ///< C's leading dimension
};

/// Whether @p op is one GEMM takes.
constexpr bool valid_op(cublasOperation_t op) {
  return op == CUBLAS_OP_N || op == CUBLAS_OP_T || op == CUBLAS_OP_C;
}

/// The argument checks of cuBLAS's GEMMs, in its order; reports the first violation.
inline cublasStatus_t check_gemm_args(cublasHandle_t handle, const gemm_call& g, const void* alpha, const void* beta,
                                      const ::cudacpu::source_location& where) {
  if (const cublasStatus_t s = check_handle(g.api, handle, where); s != CUBLAS_STATUS_SUCCESS) return s;
  const cublasStatus_t bad = CUBLAS_STATUS_INVALID_VALUE;
  if (!valid_op(g.transa))
    return fail(bad, where, "%s: transa = %d is not CUBLAS_OP_N, CUBLAS_OP_T or CUBLAS_OP_C", g.api,
                static_cast<int>(g.transa));
  if (!valid_op(g.transb))
    return fail(bad, where, "%s: transb = %d is not CUBLAS_OP_N, CUBLAS_OP_T or CUBLAS_OP_C", g.api,
                static_cast<int>(g.transb));
  if (g.m < 0 || g.n < 0 || g.k < 0)
    return fail(bad, where, "%s: negative size (m = %d, n = %d, k = %d)", g.api, g.m, g.n, g.k);
  const bool ta = g.transa != CUBLAS_OP_N;
  const bool tb = g.transb != CUBLAS_OP_N;
  const int a_rows = ta ? g.k : g.m;
  const int b_rows = tb ? g.n : g.k;
  if (g.lda < std::max(1, a_rows))
    return fail(bad, where, "%s: lda = %d is less than max(1, %s) = %d: A is stored %s, so its columns are %d long",
                g.api, g.lda, ta ? "k" : "m", std::max(1, a_rows),
                ta ? "k x m (transa is T or C)" : "m x k (transa is N)", a_rows);
  if (g.ldb < std::max(1, b_rows))
    return fail(bad, where, "%s: ldb = %d is less than max(1, %s) = %d: B is stored %s, so its columns are %d long",
                g.api, g.ldb, tb ? "n" : "k", std::max(1, b_rows),
                tb ? "n x k (transb is T or C)" : "k x n (transb is N)", b_rows);
  if (g.ldc < std::max(1, g.m))
    return fail(bad, where, "%s: ldc = %d is less than max(1, m) = %d: C is m x n, so its columns are %d long", g.api,
                g.ldc, std::max(1, g.m), g.m);
  if (alpha == nullptr || beta == nullptr)
    return fail(bad, where, "%s: %s is a null pointer", g.api, alpha == nullptr ? "alpha" : "beta");
  return CUBLAS_STATUS_SUCCESS;
}

/// Bytes a rows x cols column-major matrix with leading dimension @p ld spans (0 when it is empty).
constexpr std::size_t matrix_bytes(int rows, int cols, int ld, elem e) {
  if (rows == 0 || cols == 0) return 0;
  return ((static_cast<std::size_t>(cols) - 1) * static_cast<std::size_t>(ld) + static_cast<std::size_t>(rows)) *
         elem_size(e);
}

/// Reads a scalar (alpha or beta) of type @p scale from host or device memory, checking a device pointer.
template <class Acc>
inline bool read_scalar(const gemm_call& g, cublasHandle_t handle, const char* role, const void* p, elem scale,
                        Acc* out, const ::cudacpu::source_location& where) {
  if (handle->pointer_mode == CUBLAS_POINTER_MODE_DEVICE &&
      !cudacpu::detail::check_device_range(g.api, role, p, elem_size(scale),
                                           "in CUBLAS_POINTER_MODE_DEVICE it must be device memory; returns "
                                           "CUBLAS_STATUS_INVALID_VALUE",
                                           where))
    return false;
  *out = load<Acc>(p, scale, 0);
  return true;
}

/// C = alpha * op(A) op(B) + beta * C for arguments that passed check_gemm_args, accumulating in @p Acc.
///
/// Why this loop order: C's column j is a sum of A's columns scaled by B's column j (j-p-i, all unit-stride in
/// column-major), so the inner loop streams one column of op(A), kept packed and converted, into a float column
/// accumulator; every C element is still the plain sequential sum over p.
template <class Acc>
inline void gemm_compute(const gemm_call& g, Acc alpha, Acc beta) {
  const std::size_t m = static_cast<std::size_t>(g.m);
  const std::size_t n = static_cast<std::size_t>(g.n);
  const std::size_t k = static_cast<std::size_t>(g.k);
  const std::size_t lda = static_cast<std::size_t>(g.lda);
  const std::size_t ldb = static_cast<std::size_t>(g.ldb);
  const std::size_t ldc = static_cast<std::size_t>(g.ldc);
  const bool reads_ab = k > 0 && alpha != Acc{0};

  // op(A) packed column-major (m x k) in Acc.
  std::vector<Acc> a;
  if (reads_ab) {
    a.resize(m * k);
    if (g.transa == CUBLAS_OP_N) {
      for (std::size_t p = 0; p < k; ++p)
        for (std::size_t i = 0; i < m; ++i) a[i + p * m] = load<Acc>(g.A, g.a_type, i + p * lda);
    } else {
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t p = 0; p < k; ++p) a[i + p * m] = load<Acc>(g.A, g.a_type, p + i * lda);
    }
  }
  std::vector<Acc> b(k);    // op(B)'s column j
  std::vector<Acc> acc(m);  // the sums of C's column j
  for (std::size_t j = 0; j < n; ++j) {
    std::fill(acc.begin(), acc.end(), Acc{0});
    if (reads_ab) {
      for (std::size_t p = 0; p < k; ++p)
        b[p] = load<Acc>(g.B, g.b_type, g.transb == CUBLAS_OP_N ? p + j * ldb : j + p * ldb);
      Acc* const out = acc.data();
      for (std::size_t p = 0; p < k; ++p) {
        const Acc* const col = a.data() + p * m;
        const Acc bp = b[p];
        for (std::size_t i = 0; i < m; ++i) out[i] += col[i] * bp;
      }
    }
    for (std::size_t i = 0; i < m; ++i) {
      const std::size_t c = i + j * ldc;
      // beta == 0: C is write-only (it may hold NaN), as in BLAS.
      const Acc old = beta == Acc{0} ? Acc{0} : beta * load<Acc>(g.C, g.c_type, c);
      store<Acc>(g.C, g.c_type, c, alpha * acc[i] + old);
    }
  }
}

/// The whole GEMM after the type checks: arguments, scalars, sticky error, memory, then the computation.
template <class Acc>
inline cublasStatus_t gemm(cublasHandle_t handle, const gemm_call& g, const void* alpha, const void* beta,
                           elem scale, const ::cudacpu::source_location& where) {
  // Counted by the runtime's work watch (cudacpu::begin_work_watch), which also lifts its protection of device
  // memory from host code while the GEMM reads and writes it.
  const cudacpu::detail::device_work work(cudacpu::detail::work_kind::library);
  if (const cublasStatus_t s = check_gemm_args(handle, g, alpha, beta, where); s != CUBLAS_STATUS_SUCCESS) return s;
  if (g.m == 0 || g.n == 0) return CUBLAS_STATUS_SUCCESS;
  // A failed kernel broke the context: a GPU could not launch the GEMM.
  if (cudacpu::detail::sticky_error() != cudaSuccess) return CUBLAS_STATUS_EXECUTION_FAILED;
  Acc a{};
  Acc b{};
  if (!read_scalar(g, handle, "scalar alpha", alpha, scale, &a, where) ||
      !read_scalar(g, handle, "scalar beta", beta, scale, &b, where))
    return CUBLAS_STATUS_INVALID_VALUE;
  const bool ta = g.transa != CUBLAS_OP_N;
  const bool tb = g.transb != CUBLAS_OP_N;
  const bool reads_ab = g.k > 0 && a != Acc{0};
  const char* outcome = "returns CUBLAS_STATUS_INVALID_VALUE";
  if (reads_ab &&
      (!cudacpu::detail::check_device_range(g.api, "matrix A", g.A,
                                            matrix_bytes(ta ? g.k : g.m, ta ? g.m : g.k, g.lda, g.a_type), outcome,
                                            where) ||
       !cudacpu::detail::check_device_range(g.api, "matrix B", g.B,
                                            matrix_bytes(tb ? g.n : g.k, tb ? g.k : g.n, g.ldb, g.b_type), outcome,
                                            where)))
    return CUBLAS_STATUS_INVALID_VALUE;
  if (!cudacpu::detail::check_device_range(g.api, "matrix C", g.C, matrix_bytes(g.m, g.n, g.ldc, g.c_type), outcome,
                                           where))
    return CUBLAS_STATUS_INVALID_VALUE;
  gemm_compute<Acc>(g, a, b);
  return CUBLAS_STATUS_SUCCESS;
}

/// The element type of a cudaDataType GEMMs take, or false.
constexpr bool to_elem(cudaDataType t, elem* out) {
  switch (t) {
    case CUDA_R_16F: *out = elem::f16; return true;
    case CUDA_R_16BF: *out = elem::bf16; return true;
    case CUDA_R_32F: *out = elem::f32; return true;
    case CUDA_R_64F: *out = elem::f64; return true;
    default: return false;
  }
}

/// Whether cuBLAS's GemmEx has the combination (compute type, A/B type, C type) for real types (its table).
constexpr bool gemm_ex_supported(cublasComputeType_t compute, cudaDataType ab, cudaDataType c) {
  switch (compute) {
    case CUBLAS_COMPUTE_16F:
    case CUBLAS_COMPUTE_16F_PEDANTIC: return ab == CUDA_R_16F && c == CUDA_R_16F;
    case CUBLAS_COMPUTE_32F:
    case CUBLAS_COMPUTE_32F_PEDANTIC:
      return (ab == CUDA_R_32F && c == CUDA_R_32F) || (ab == CUDA_R_16F && (c == CUDA_R_16F || c == CUDA_R_32F)) ||
             (ab == CUDA_R_16BF && (c == CUDA_R_16BF || c == CUDA_R_32F));
    case CUBLAS_COMPUTE_32F_FAST_16F:
    case CUBLAS_COMPUTE_32F_FAST_16BF:
    case CUBLAS_COMPUTE_32F_FAST_TF32:
    case CUBLAS_COMPUTE_32F_EMULATED_16BFX9: return ab == CUDA_R_32F && c == CUDA_R_32F;
    case CUBLAS_COMPUTE_64F:
    case CUBLAS_COMPUTE_64F_PEDANTIC:
    case CUBLAS_COMPUTE_64F_EMULATED_FIXEDPOINT: return ab == CUDA_R_64F && c == CUDA_R_64F;
    default: return false;
  }
}

/// Whether @p algo is one of cuBLAS's cublasGemmAlgo_t values.
constexpr bool valid_algo(cublasGemmAlgo_t algo) {
  const int a = static_cast<int>(algo);
  return (a >= -1 && a <= 23) || (a >= 99 && a <= 115) || a == 999;
}

/// cublasGemmEx's checks (arguments, then the type combination and the algorithm); sets @p g's element types and
/// @p scale (alpha's and beta's type).
inline cublasStatus_t check_gemm_ex(cublasHandle_t handle, gemm_call& g, const void* alpha, const void* beta,
                                    cudaDataType a_type, cudaDataType b_type, cudaDataType c_type,
                                    cublasComputeType_t compute, cublasGemmAlgo_t algo, elem* scale,
                                    const ::cudacpu::source_location& where) {
  if (const cublasStatus_t s = check_gemm_args(handle, g, alpha, beta, where); s != CUBLAS_STATUS_SUCCESS) return s;
  if (a_type != b_type || !gemm_ex_supported(compute, a_type, c_type) || !to_elem(a_type, &g.a_type) ||
      !to_elem(b_type, &g.b_type) || !to_elem(c_type, &g.c_type))
    return fail(CUBLAS_STATUS_NOT_SUPPORTED, where,
                "%s: cuBLAS has no GEMM with Atype %d, Btype %d, Ctype %d and computeType %d (see the cudaDataType "
                "and cublasComputeType_t values; e.g. CUDA_R_16F inputs, CUDA_R_32F output, CUBLAS_COMPUTE_32F)",
                g.api, static_cast<int>(a_type), static_cast<int>(b_type), static_cast<int>(c_type),
                static_cast<int>(compute));
  if (!valid_algo(algo))
    return fail(CUBLAS_STATUS_NOT_SUPPORTED, where, "%s: algo = %d is not a cublasGemmAlgo_t", g.api,
                static_cast<int>(algo));
  switch (compute) {
    case CUBLAS_COMPUTE_64F:
    case CUBLAS_COMPUTE_64F_PEDANTIC:
    case CUBLAS_COMPUTE_64F_EMULATED_FIXEDPOINT: *scale = elem::f64; break;
    case CUBLAS_COMPUTE_16F:
    case CUBLAS_COMPUTE_16F_PEDANTIC: *scale = elem::f16; break;
    default: *scale = elem::f32; break;
  }
  return CUBLAS_STATUS_SUCCESS;
}

/// One GEMM of a cublasGemmEx-style call that passed check_gemm_ex, accumulated as @p compute says.
inline cublasStatus_t gemm_ex_run(cublasHandle_t handle, const gemm_call& g, const void* alpha, const void* beta,
                                  cublasComputeType_t compute, elem scale, const ::cudacpu::source_location& where) {
  if (scale == elem::f64) return gemm<double>(handle, g, alpha, beta, scale, where);
  (void)compute;  // every other compute type accumulates in float here
  return gemm<float>(handle, g, alpha, beta, scale, where);
}

/// The cublasComputeType_t of cuBLAS's pre-CUDA 11 cudaDataType compute types (in @p handle's math mode).
inline cublasStatus_t legacy_compute_type(cublasHandle_t handle, const char* api, cudaDataType old,
                                          cublasComputeType_t* out, const ::cudacpu::source_location& where) {
  if (const cublasStatus_t s = check_handle(api, handle, where); s != CUBLAS_STATUS_SUCCESS) return s;
  const bool pedantic = (static_cast<int>(handle->math_mode) & 0xf) == CUBLAS_PEDANTIC_MATH;
  switch (old) {
    case CUDA_R_32F: *out = pedantic ? CUBLAS_COMPUTE_32F_PEDANTIC : CUBLAS_COMPUTE_32F; return CUBLAS_STATUS_SUCCESS;
    case CUDA_R_64F: *out = pedantic ? CUBLAS_COMPUTE_64F_PEDANTIC : CUBLAS_COMPUTE_64F; return CUBLAS_STATUS_SUCCESS;
    case CUDA_R_16F: *out = pedantic ? CUBLAS_COMPUTE_16F_PEDANTIC : CUBLAS_COMPUTE_16F; return CUBLAS_STATUS_SUCCESS;
    case CUDA_R_32I: *out = pedantic ? CUBLAS_COMPUTE_32I_PEDANTIC : CUBLAS_COMPUTE_32I; return CUBLAS_STATUS_SUCCESS;
    default:
      return fail(CUBLAS_STATUS_NOT_SUPPORTED, where,
                  "%s: the cudaDataType compute type %d is not CUDA_R_32F, CUDA_R_64F, CUDA_R_16F or CUDA_R_32I", api,
                  static_cast<int>(old));
  }
}

}  // namespace cudacpu::blas

// ---- helper functions ----

/// Creates a context (its stream is the default stream, host pointer mode, default math).
/// @param handle receives the new handle
/// @return CUBLAS_STATUS_INVALID_VALUE when @p handle is null, CUBLAS_STATUS_NOT_INITIALIZED after a kernel failed
inline cublasStatus_t cublasCreate_v2(cublasHandle_t* handle) {
  if (handle == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  if (cudacpu::detail::sticky_error() != cudaSuccess) return CUBLAS_STATUS_NOT_INITIALIZED;
  *handle = new cublasContext;
  return CUBLAS_STATUS_SUCCESS;
}

/// Destroys a context created by cublasCreate.
/// @param handle the context
/// @return CUBLAS_STATUS_NOT_INITIALIZED for a null handle
inline cublasStatus_t cublasDestroy_v2(cublasHandle_t handle) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  delete handle;
  return CUBLAS_STATUS_SUCCESS;
}

/// The library's version, CUBLAS_VERSION (the handle may be null, as in cuBLAS).
/// @param handle ignored
/// @param version receives the version
/// @return CUBLAS_STATUS_INVALID_VALUE when @p version is null
inline cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int* version) {
  (void)handle;
  if (version == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  *version = CUBLAS_VERSION;
  return CUBLAS_STATUS_SUCCESS;
}

/// One part of the library's version.
/// @param type MAJOR_VERSION, MINOR_VERSION or PATCH_LEVEL
/// @param value receives it
/// @return CUBLAS_STATUS_INVALID_VALUE for a null @p value or an unknown @p type
inline cublasStatus_t cublasGetProperty(libraryPropertyType type, int* value) {
  if (value == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  switch (type) {
    case MAJOR_VERSION: *value = CUBLAS_VER_MAJOR; return CUBLAS_STATUS_SUCCESS;
    case MINOR_VERSION: *value = CUBLAS_VER_MINOR; return CUBLAS_STATUS_SUCCESS;
    case PATCH_LEVEL: *value = CUBLAS_VER_PATCH; return CUBLAS_STATUS_SUCCESS;
  }
  return CUBLAS_STATUS_INVALID_VALUE;
}

/// The enumerator's name, e.g. "CUBLAS_STATUS_INVALID_VALUE" ("unrecognized status" otherwise, as in cuBLAS).
/// @param status a status
/// @return a static string
inline const char* cublasGetStatusName(cublasStatus_t status) {
  const char* name = cudacpu::blas::status_name(status);
  return name != nullptr ? name : "unrecognized status";
}

/// cuBLAS's description of a status.
/// @param status a status
/// @return a static string, "unrecognized status" for an unknown value
inline const char* cublasGetStatusString(cublasStatus_t status) {
  switch (status) {
    case CUBLAS_STATUS_SUCCESS: return "success";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "the library was not initialized";
    case CUBLAS_STATUS_ALLOC_FAILED: return "the resource allocation failed";
    case CUBLAS_STATUS_INVALID_VALUE: return "an unsupported value or parameter was passed to the function";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "the function requires an architectural feature absent from the device";
    case CUBLAS_STATUS_MAPPING_ERROR: return "an access to GPU memory space failed";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "the function failed to launch on the GPU";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "an internal operation failed";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "the requested functionality is not supported";
    case CUBLAS_STATUS_LICENSE_ERROR: return "the license check failed";
  }
  return "unrecognized status";
}

/// Sets the stream the context's calls are ordered on. Work here runs when it is called, which is that order.
/// @param handle the context
/// @param stream a stream, or null for the default stream
/// @return CUBLAS_STATUS_NOT_INITIALIZED for a null handle
inline cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t stream) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  handle->stream = stream;
  return CUBLAS_STATUS_SUCCESS;
}

/// The context's stream.
/// @param handle the context
/// @param stream receives it
/// @return CUBLAS_STATUS_NOT_INITIALIZED for a null handle, CUBLAS_STATUS_INVALID_VALUE for a null @p stream
inline cublasStatus_t cublasGetStream_v2(cublasHandle_t handle, cudaStream_t* stream) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (stream == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  *stream = handle->stream;
  return CUBLAS_STATUS_SUCCESS;
}

/// Accepts a user workspace (nothing here needs one).
/// @param handle the context
/// @param workspace device memory, or null
/// @param workspace_bytes its size
/// @return CUBLAS_STATUS_NOT_INITIALIZED for a null handle
inline cublasStatus_t cublasSetWorkspace_v2(cublasHandle_t handle, void* workspace, std::size_t workspace_bytes) {
  (void)workspace;
  (void)workspace_bytes;
  return handle == nullptr ? CUBLAS_STATUS_NOT_INITIALIZED : CUBLAS_STATUS_SUCCESS;
}

/// Whether alpha and beta are host or device pointers.
/// @param handle the context
/// @param mode receives the mode
/// @return CUBLAS_STATUS_NOT_INITIALIZED for a null handle, CUBLAS_STATUS_INVALID_VALUE for a null @p mode
inline cublasStatus_t cublasGetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t* mode) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (mode == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  *mode = handle->pointer_mode;
  return CUBLAS_STATUS_SUCCESS;
}

/// Sets whether alpha and beta are host or device pointers (both work here; device ones are checked).
/// @param handle the context
/// @param mode CUBLAS_POINTER_MODE_HOST or CUBLAS_POINTER_MODE_DEVICE
/// @return CUBLAS_STATUS_NOT_INITIALIZED for a null handle, CUBLAS_STATUS_INVALID_VALUE for an unknown mode
inline cublasStatus_t cublasSetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t mode) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (mode != CUBLAS_POINTER_MODE_HOST && mode != CUBLAS_POINTER_MODE_DEVICE) return CUBLAS_STATUS_INVALID_VALUE;
  handle->pointer_mode = mode;
  return CUBLAS_STATUS_SUCCESS;
}

/// The context's math mode.
/// @param handle the context
/// @param mode receives the mode
/// @return CUBLAS_STATUS_NOT_INITIALIZED for a null handle, CUBLAS_STATUS_INVALID_VALUE for a null @p mode
inline cublasStatus_t cublasGetMathMode(cublasHandle_t handle, cublasMath_t* mode) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (mode == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  *mode = handle->math_mode;
  return CUBLAS_STATUS_SUCCESS;
}

/// Sets the math mode. Stored and returned by cublasGetMathMode; the GEMMs here compute in full precision anyway.
/// @param handle the context
/// @param mode a cublasMath_t, optionally with CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION
/// @return CUBLAS_STATUS_NOT_INITIALIZED for a null handle, CUBLAS_STATUS_INVALID_VALUE for an unknown mode
inline cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  const int base = static_cast<int>(mode) & ~static_cast<int>(CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION);
  if (base != 0 && base != 1 && base != 2 && base != 3 && base != 4 && base != 8) return CUBLAS_STATUS_INVALID_VALUE;
  handle->math_mode = mode;
  return CUBLAS_STATUS_SUCCESS;
}

// ---- GEMM ----

/// Single-precision GEMM: C = alpha * op(A) op(B) + beta * C, column-major, accumulated in float.
/// @param handle the context
/// @param transa op(A): CUBLAS_OP_N, CUBLAS_OP_T or CUBLAS_OP_C
/// @param transb op(B)
/// @param m rows of op(A) and C
/// @param n columns of op(B) and C
/// @param k columns of op(A), rows of op(B)
/// @param alpha scalar (host pointer, or device pointer in CUBLAS_POINTER_MODE_DEVICE)
/// @param A device matrix, m x k (lda >= max(1, m)) or, transposed, k x m (lda >= max(1, k))
/// @param lda A's leading dimension
/// @param B device matrix, k x n (ldb >= max(1, k)) or, transposed, n x k (ldb >= max(1, n))
/// @param ldb B's leading dimension
/// @param beta scalar; 0 means C is only written
/// @param C device matrix, m x n
/// @param ldc C's leading dimension, >= max(1, m)
/// @return CUBLAS_STATUS_SUCCESS, or the status cuBLAS gives for the misuse (see the file's description)
inline cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m,
                                     int n, int k, const float* alpha, const float* A, int lda, const float* B,
                                     int ldb, const float* beta, float* C, int ldc, WS_CUDACPU_WHERE) {
  using cudacpu::blas::elem;
  const cudacpu::blas::gemm_call g{"cublasSgemm", transa, transb, m, n, k, A, elem::f32, lda, B, elem::f32, ldb,
                                   C, elem::f32, ldc};
  return cudacpu::blas::gemm<float>(handle, g, alpha, beta, elem::f32, where);
}

/// Double-precision GEMM, as cublasSgemm with double data, accumulated in double.
/// @param handle the context
/// @param transa op(A)
/// @param transb op(B)
/// @param m rows of op(A) and C
/// @param n columns of op(B) and C
/// @param k columns of op(A), rows of op(B)
/// @param alpha scalar
/// @param A device matrix
/// @param lda A's leading dimension
/// @param B device matrix
/// @param ldb B's leading dimension
/// @param beta scalar; 0 means C is only written
/// @param C device matrix, m x n
/// @param ldc C's leading dimension
/// @return CUBLAS_STATUS_SUCCESS, or the status cuBLAS gives for the misuse
inline cublasStatus_t cublasDgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m,
                                     int n, int k, const double* alpha, const double* A, int lda, const double* B,
                                     int ldb, const double* beta, double* C, int ldc, WS_CUDACPU_WHERE) {
  using cudacpu::blas::elem;
  const cudacpu::blas::gemm_call g{"cublasDgemm", transa, transb, m, n, k, A, elem::f64, lda, B, elem::f64, ldb,
                                   C, elem::f64, ldc};
  return cudacpu::blas::gemm<double>(handle, g, alpha, beta, elem::f64, where);
}

/// @p batchCount single-precision GEMMs; matrix i of A starts at `A + i * strideA` (B, C alike).
/// @param handle the context
/// @param transa op(A)
/// @param transb op(B)
/// @param m rows of op(A) and C
/// @param n columns of op(B) and C
/// @param k columns of op(A), rows of op(B)
/// @param alpha scalar
/// @param A device matrices
/// @param lda A's leading dimension
/// @param strideA elements from one A to the next (0 reuses one A)
/// @param B device matrices
/// @param ldb B's leading dimension
/// @param strideB elements from one B to the next
/// @param beta scalar
/// @param C device matrices (they must not overlap)
/// @param ldc C's leading dimension
/// @param strideC elements from one C to the next
/// @param batchCount number of GEMMs, >= 0
/// @return CUBLAS_STATUS_SUCCESS, or the status cuBLAS gives for the misuse (the first failing GEMM's)
inline cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa,
                                                cublasOperation_t transb, int m, int n, int k, const float* alpha,
                                                const float* A, int lda, long long int strideA, const float* B,
                                                int ldb, long long int strideB, const float* beta, float* C, int ldc,
                                                long long int strideC, int batchCount, WS_CUDACPU_WHERE) {
  using cudacpu::blas::elem;
  const char* api = "cublasSgemmStridedBatched";
  cudacpu::blas::gemm_call g{api, transa, transb, m, n, k, A, elem::f32, lda, B, elem::f32, ldb, C, elem::f32, ldc};
  if (const cublasStatus_t s = cudacpu::blas::check_gemm_args(handle, g, alpha, beta, where);
      s != CUBLAS_STATUS_SUCCESS)
    return s;
  if (batchCount < 0)
    return cudacpu::blas::fail(CUBLAS_STATUS_INVALID_VALUE, where, "%s: batchCount = %d is negative", api, batchCount);
  for (int i = 0; i < batchCount; ++i) {
    g.A = A + i * strideA;
    g.B = B + i * strideB;
    g.C = C + i * strideC;
    if (const cublasStatus_t s = cudacpu::blas::gemm<float>(handle, g, alpha, beta, elem::f32, where);
        s != CUBLAS_STATUS_SUCCESS)
      return s;
  }
  return CUBLAS_STATUS_SUCCESS;
}

/// Mixed-precision GEMM: A and B of type @p Atype (= @p Btype), C of type @p Ctype, accumulated as @p computeType
/// says. Supported (real types): 32F compute with 32F/32F, 16F/16F or 16F/32F, 16BF/16BF or 16BF/32F (A-B / C),
/// scalars float; the 32F `_FAST_` types with 32F only; 64F with 64F (scalars double); 16F with 16F (scalars
/// `__half`). Anything else gives CUBLAS_STATUS_NOT_SUPPORTED, as in cuBLAS.
/// @param handle the context
/// @param transa op(A)
/// @param transb op(B)
/// @param m rows of op(A) and C
/// @param n columns of op(B) and C
/// @param k columns of op(A), rows of op(B)
/// @param alpha scalar of the compute type's scale type
/// @param A device matrix
/// @param Atype A's element type
/// @param lda A's leading dimension
/// @param B device matrix
/// @param Btype B's element type
/// @param ldb B's leading dimension
/// @param beta scalar; 0 means C is only written
/// @param C device matrix, m x n
/// @param Ctype C's element type
/// @param ldc C's leading dimension
/// @param computeType accumulation type
/// @param algo algorithm hint (ignored, but it must be a cublasGemmAlgo_t value)
/// @return CUBLAS_STATUS_SUCCESS, or the status cuBLAS gives for the misuse
inline cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m,
                                   int n, int k, const void* alpha, const void* A, cudaDataType Atype, int lda,
                                   const void* B, cudaDataType Btype, int ldb, const void* beta, void* C,
                                   cudaDataType Ctype, int ldc, cublasComputeType_t computeType,
                                   cublasGemmAlgo_t algo, WS_CUDACPU_WHERE) {
  namespace b = cudacpu::blas;
  using b::elem;
  b::gemm_call g{"cublasGemmEx", transa, transb, m, n, k, A, elem::f32, lda, B, elem::f32, ldb, C, elem::f32, ldc};
  elem scale = elem::f32;
  if (const cublasStatus_t s = b::check_gemm_ex(handle, g, alpha, beta, Atype, Btype, Ctype, computeType, algo,
                                                &scale, where);
      s != CUBLAS_STATUS_SUCCESS)
    return s;
  return b::gemm_ex_run(handle, g, alpha, beta, computeType, scale, where);
}

/// cuBLAS's C++ overload for pre-CUDA 11 code that passes a cudaDataType as the compute type: CUDA_R_32F means
/// CUBLAS_COMPUTE_32F (CUBLAS_COMPUTE_32F_PEDANTIC in CUBLAS_PEDANTIC_MATH), and so on for 64F, 16F and 32I.
/// @param handle the context
/// @param transa op(A)
/// @param transb op(B)
/// @param m rows of op(A) and C
/// @param n columns of op(B) and C
/// @param k columns of op(A), rows of op(B)
/// @param alpha scalar
/// @param A device matrix
/// @param Atype A's element type
/// @param lda A's leading dimension
/// @param B device matrix
/// @param Btype B's element type
/// @param ldb B's leading dimension
/// @param beta scalar
/// @param C device matrix
/// @param Ctype C's element type
/// @param ldc C's leading dimension
/// @param computeType the old-style compute type
/// @param algo algorithm hint
/// @return as the cublasComputeType_t overload; CUBLAS_STATUS_NOT_SUPPORTED for another @p computeType
inline cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m,
                                   int n, int k, const void* alpha, const void* A, cudaDataType Atype, int lda,
                                   const void* B, cudaDataType Btype, int ldb, const void* beta, void* C,
                                   cudaDataType Ctype, int ldc, cudaDataType computeType, cublasGemmAlgo_t algo,
                                   WS_CUDACPU_WHERE) {
  cublasComputeType_t compute = CUBLAS_COMPUTE_32F;
  if (const cublasStatus_t s = cudacpu::blas::legacy_compute_type(handle, "cublasGemmEx", computeType, &compute, where);
      s != CUBLAS_STATUS_SUCCESS)
    return s;
  return cublasGemmEx(handle, transa, transb, m, n, k, alpha, A, Atype, lda, B, Btype, ldb, beta, C, Ctype, ldc,
                      compute, algo, where);
}

/// @p batchCount mixed-precision GEMMs (types as cublasGemmEx); matrix i of A starts @p strideA elements of
/// @p Atype after matrix i - 1 (B, C alike; a stride of 0 reuses one matrix).
/// @param handle the context
/// @param transa op(A)
/// @param transb op(B)
/// @param m rows of op(A) and C
/// @param n columns of op(B) and C
/// @param k columns of op(A), rows of op(B)
/// @param alpha scalar of the compute type's scale type
/// @param A device matrices
/// @param Atype A's element type
/// @param lda A's leading dimension
/// @param strideA elements from one A to the next
/// @param B device matrices
/// @param Btype B's element type
/// @param ldb B's leading dimension
/// @param strideB elements from one B to the next
/// @param beta scalar; 0 means C is only written
/// @param C device matrices (they must not overlap)
/// @param Ctype C's element type
/// @param ldc C's leading dimension
/// @param strideC elements from one C to the next
/// @param batchCount number of GEMMs, >= 0
/// @param computeType accumulation type
/// @param algo algorithm hint (ignored, but it must be a cublasGemmAlgo_t value)
/// @return CUBLAS_STATUS_SUCCESS, or the status cuBLAS gives for the misuse (the first failing GEMM's)
inline cublasStatus_t cublasGemmStridedBatchedEx(cublasHandle_t handle, cublasOperation_t transa,
                                                 cublasOperation_t transb, int m, int n, int k, const void* alpha,
                                                 const void* A, cudaDataType Atype, int lda, long long int strideA,
                                                 const void* B, cudaDataType Btype, int ldb, long long int strideB,
                                                 const void* beta, void* C, cudaDataType Ctype, int ldc,
                                                 long long int strideC, int batchCount,
                                                 cublasComputeType_t computeType, cublasGemmAlgo_t algo,
                                                 WS_CUDACPU_WHERE) {
  namespace b = cudacpu::blas;
  using b::elem;
  const char* api = "cublasGemmStridedBatchedEx";
  b::gemm_call g{api, transa, transb, m, n, k, A, elem::f32, lda, B, elem::f32, ldb, C, elem::f32, ldc};
  elem scale = elem::f32;
  if (const cublasStatus_t s = b::check_gemm_ex(handle, g, alpha, beta, Atype, Btype, Ctype, computeType, algo,
                                                &scale, where);
      s != CUBLAS_STATUS_SUCCESS)
    return s;
  if (batchCount < 0)
    return b::fail(CUBLAS_STATUS_INVALID_VALUE, where, "%s: batchCount = %d is negative", api, batchCount);
  // Strides count elements of each matrix's own type.
  const auto offset = [](const void* p, elem e, long long stride, int i) {
    return static_cast<const char*>(p) + static_cast<long long>(i) * stride * static_cast<long long>(b::elem_size(e));
  };
  for (int i = 0; i < batchCount; ++i) {
    g.A = offset(A, g.a_type, strideA, i);
    g.B = offset(B, g.b_type, strideB, i);
    g.C = const_cast<char*>(offset(C, g.c_type, strideC, i));
    if (const cublasStatus_t s = b::gemm_ex_run(handle, g, alpha, beta, computeType, scale, where);
        s != CUBLAS_STATUS_SUCCESS)
      return s;
  }
  return CUBLAS_STATUS_SUCCESS;
}

/// cuBLAS's C++ overload of cublasGemmStridedBatchedEx for a pre-CUDA 11 cudaDataType compute type (as
/// cublasGemmEx's).
/// @param handle the context
/// @param transa op(A)
/// @param transb op(B)
/// @param m rows of op(A) and C
/// @param n columns of op(B) and C
/// @param k columns of op(A), rows of op(B)
/// @param alpha scalar
/// @param A device matrices
/// @param Atype A's element type
/// @param lda A's leading dimension
/// @param strideA elements from one A to the next
/// @param B device matrices
/// @param Btype B's element type
/// @param ldb B's leading dimension
/// @param strideB elements from one B to the next
/// @param beta scalar
/// @param C device matrices
/// @param Ctype C's element type
/// @param ldc C's leading dimension
/// @param strideC elements from one C to the next
/// @param batchCount number of GEMMs
/// @param computeType the old-style compute type
/// @param algo algorithm hint
/// @return as the cublasComputeType_t overload; CUBLAS_STATUS_NOT_SUPPORTED for another @p computeType
inline cublasStatus_t cublasGemmStridedBatchedEx(cublasHandle_t handle, cublasOperation_t transa,
                                                 cublasOperation_t transb, int m, int n, int k, const void* alpha,
                                                 const void* A, cudaDataType Atype, int lda, long long int strideA,
                                                 const void* B, cudaDataType Btype, int ldb, long long int strideB,
                                                 const void* beta, void* C, cudaDataType Ctype, int ldc,
                                                 long long int strideC, int batchCount, cudaDataType computeType,
                                                 cublasGemmAlgo_t algo, WS_CUDACPU_WHERE) {
  cublasComputeType_t compute = CUBLAS_COMPUTE_32F;
  if (const cublasStatus_t s = cudacpu::blas::legacy_compute_type(handle, "cublasGemmStridedBatchedEx", computeType,
                                                                  &compute, where);
      s != CUBLAS_STATUS_SUCCESS)
    return s;
  return cublasGemmStridedBatchedEx(handle, transa, transb, m, n, k, alpha, A, Atype, lda, strideA, B, Btype, ldb,
                                    strideB, beta, C, Ctype, ldc, strideC, batchCount, compute, algo, where);
}
