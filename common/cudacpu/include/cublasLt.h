/// @file
/// @brief Stand-in for cuBLASLt (`cublasLt.h`) on the cudacpu backend: the handle, matmul and matrix-layout
///        descriptors, preferences, the heuristic query and `cublasLtMatmul` with its epilogues, computed on the host.
///
/// Deep-learning code (llm.c's `train_gpt2.cu` and the like) creates a cuBLASLt handle even where it calls cuBLAS,
/// and runs its linear layers through `cublasLtMatmul` with a bias (+ GELU/ReLU) epilogue. The same source builds
/// against this header on the CPU backend and against the real library on a GPU: same names, enum values,
/// attribute sizes and status codes.
///
/// - **What is computed**: `D = epilogue(alpha * op(A) op(B) + beta * C [+ bias])` for each matrix of a strided
///   batch. Layouts are column-major (`CUBLASLT_ORDER_COL`, the default) or row-major (`CUBLASLT_ORDER_ROW`);
///   `op(A)` is m x k, `op(B)` k x n, C and D m x n, all of one batch count. The bias has m elements (one per row
///   of D, broadcast over its columns), of D's type. Epilogues: `DEFAULT`, `RELU`, `BIAS`, `RELU_BIAS`, `GELU`,
///   `GELU_BIAS` (GELU in its tanh form, the one llm.c's reference CPU code uses), `GELU_AUX` and `GELU_AUX_BIAS`
///   (which also store GELU's input in the aux matrix: m x n, column-major, D's type,
///   `CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_POINTER`/`_LD`/`_BATCH_STRIDE`) and `DGELU` (multiplies by GELU's
///   derivative at the aux matrix's values: the backward pass).
/// - **Types** (A = B / C = D, compute, scale): 32F / 32F with `CUBLAS_COMPUTE_32F` (also `_PEDANTIC`,
///   `_FAST_TF32`, `_FAST_16F`, `_FAST_16BF`, all computed in full float) and scale 32F; 16F or 16BF / the same
///   or 32F with `CUBLAS_COMPUTE_32F` and scale 32F; 16F / 16F with `CUBLAS_COMPUTE_16F` and scale 16F (accumulated
///   in float); 64F / 64F with `CUBLAS_COMPUTE_64F` and scale 64F. Inputs convert exactly to float (double for
///   64F), each element is a sequential sum over k, the epilogue runs in that type, D is rounded once.
/// - **Checks**, as in `cublas_v2.h` (the same report line, `cudacpu: error: FILE:LINE: ... (returns STATUS)`,
///   unless `WS_CPU_QUIET=1`): a null handle gives `CUBLAS_STATUS_NOT_INITIALIZED`; null descriptors or scalars,
///   shapes that do not fit together, a leading dimension below the stored rows (columns for row-major), batch
///   counts that differ, a bias epilogue without a bias pointer, and an attribute buffer of the wrong size give
///   `CUBLAS_STATUS_INVALID_VALUE`; a type combination, order, pointer mode or epilogue not listed above gives
///   `CUBLAS_STATUS_NOT_SUPPORTED`. A, B, C (when beta != 0), D, the bias and, in device pointer mode, alpha and
///   beta must lie inside device memory; a host pointer, freed or too small memory gives
///   `CUBLAS_STATUS_INVALID_VALUE`. After a failed kernel the call returns `CUBLAS_STATUS_EXECUTION_FAILED`.
/// - **Runs when called**, like every launch of the runtime: the stream argument orders nothing further. The
///   algorithm and workspace are accepted and unused; the heuristic offers one algorithm that needs no workspace.
/// - **Not provided**: matrix transforms, the `RELU_AUX*`, `DRELU*`, `DGELU_BGRAD` and `BGRAD*` epilogues, FP8/int8
///   types and scale pointers, per-row alpha vectors, pointer-array batches, the algorithm enumeration API.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <vector>

#include "cublas_v2.h"

/// Handle to a cuBLASLt context (cublasLtCreate / cublasLtDestroy). Nothing is kept in it here.
struct cublasLtContext {
  int unused = 0;  ///< the context has no state on the CPU backend
};
/// Handle to a cuBLASLt context.
typedef struct cublasLtContext* cublasLtHandle_t;

/// Memory order of a matrix layout (cuBLASLt's values; only COL and ROW are computed here).
typedef enum {
  CUBLASLT_ORDER_COL = 0,            ///< column-major: element (i, j) at i + j * ld
  CUBLASLT_ORDER_ROW = 1,            ///< row-major: element (i, j) at i * ld + j
  CUBLASLT_ORDER_COL32 = 2,          ///< tiled int8 layout (not supported here)
  CUBLASLT_ORDER_COL4_4R2_8C = 3,    ///< tiled int8 layout (not supported here)
  CUBLASLT_ORDER_COL32_2R_4R4 = 4,   ///< tiled int8 layout (not supported here)
} cublasLtOrder_t;

/// Attributes of a matrix layout, with the type each one is set as.
typedef enum {
  CUBLASLT_MATRIX_LAYOUT_TYPE = 0,                  ///< uint32_t: a cudaDataType
  CUBLASLT_MATRIX_LAYOUT_ORDER = 1,                 ///< int32_t: a cublasLtOrder_t (default COL)
  CUBLASLT_MATRIX_LAYOUT_ROWS = 2,                  ///< uint64_t
  CUBLASLT_MATRIX_LAYOUT_COLS = 3,                  ///< uint64_t
  CUBLASLT_MATRIX_LAYOUT_LD = 4,                    ///< int64_t: leading dimension in elements
  CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT = 5,           ///< int32_t (default 1)
  CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET = 6,  ///< int64_t: elements from one matrix to the next (default 0)
  CUBLASLT_MATRIX_LAYOUT_PLANE_OFFSET = 7,          ///< int64_t: planar complex (must stay 0 here)
  CUBLASLT_MATRIX_LAYOUT_BATCH_MODE = 8,            ///< uint32_t: 0 = strided (the only one here)
} cublasLtMatrixLayoutAttribute_t;

/// Where alpha and beta live (cuBLASLt's values; HOST and DEVICE are supported here).
typedef enum {
  CUBLASLT_POINTER_MODE_HOST = CUBLAS_POINTER_MODE_HOST,       ///< host scalars (default)
  CUBLASLT_POINTER_MODE_DEVICE = CUBLAS_POINTER_MODE_DEVICE,   ///< device scalars
  CUBLASLT_POINTER_MODE_DEVICE_VECTOR = 2,                     ///< per-row alpha and beta (not supported here)
  CUBLASLT_POINTER_MODE_ALPHA_DEVICE_VECTOR_BETA_ZERO = 3,     ///< per-row alpha (not supported here)
  CUBLASLT_POINTER_MODE_ALPHA_DEVICE_VECTOR_BETA_HOST = 4,     ///< per-row alpha (not supported here)
} cublasLtPointerMode_t;

/// Attributes of a matmul descriptor, with the type each one is set as.
typedef enum {
  CUBLASLT_MATMUL_DESC_COMPUTE_TYPE = 0,                 ///< int32_t: a cublasComputeType_t
  CUBLASLT_MATMUL_DESC_SCALE_TYPE = 1,                   ///< int32_t: alpha's and beta's cudaDataType
  CUBLASLT_MATMUL_DESC_POINTER_MODE = 2,                 ///< int32_t: a cublasLtPointerMode_t
  CUBLASLT_MATMUL_DESC_TRANSA = 3,                       ///< int32_t: op(A), a cublasOperation_t
  CUBLASLT_MATMUL_DESC_TRANSB = 4,                       ///< int32_t: op(B)
  CUBLASLT_MATMUL_DESC_TRANSC = 5,                       ///< int32_t: must stay CUBLAS_OP_N
  CUBLASLT_MATMUL_DESC_FILL_MODE = 6,                    ///< int32_t: must stay full (2)
  CUBLASLT_MATMUL_DESC_EPILOGUE = 7,                     ///< uint32_t: a cublasLtEpilogue_t
  CUBLASLT_MATMUL_DESC_BIAS_POINTER = 8,                 ///< const void*: the bias vector (device memory)
  CUBLASLT_MATMUL_DESC_BIAS_BATCH_STRIDE = 10,           ///< int64_t: elements from one bias to the next
  CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_POINTER = 11,        ///< void*: the aux matrix of GELU_AUX* and DGELU
  CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_LD = 12,             ///< int64_t
  CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_BATCH_STRIDE = 13,   ///< int64_t
  CUBLASLT_MATMUL_DESC_ALPHA_VECTOR_BATCH_STRIDE = 14,   ///< int64_t
  CUBLASLT_MATMUL_DESC_SM_COUNT_TARGET = 15,             ///< int32_t (ignored here)
  CUBLASLT_MATMUL_DESC_A_SCALE_POINTER = 17,             ///< const void*: FP8 scaling (must stay null here)
  CUBLASLT_MATMUL_DESC_B_SCALE_POINTER = 18,             ///< const void*
  CUBLASLT_MATMUL_DESC_C_SCALE_POINTER = 19,             ///< const void*
  CUBLASLT_MATMUL_DESC_D_SCALE_POINTER = 20,             ///< const void*
  CUBLASLT_MATMUL_DESC_AMAX_D_POINTER = 21,              ///< void*
  CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_DATA_TYPE = 22,      ///< int32_t
  CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_SCALE_POINTER = 23,  ///< void*
  CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_AMAX_POINTER = 24,   ///< void*
  CUBLASLT_MATMUL_DESC_FAST_ACCUM = 25,                  ///< int8_t (ignored here)
  CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE = 26,              ///< int32_t: the bias's cudaDataType (-1: D's type)
} cublasLtMatmulDescAttributes_t;

/// What cublasLtMatmul applies to each result element (cuBLASLt's values; see the file's description for the ones
/// computed here).
typedef enum {
  CUBLASLT_EPILOGUE_DEFAULT = 1,                                                   ///< nothing
  CUBLASLT_EPILOGUE_RELU = 2,                                                      ///< max(x, 0)
  CUBLASLT_EPILOGUE_RELU_AUX = (CUBLASLT_EPILOGUE_RELU | 128),                     ///< not supported here
  CUBLASLT_EPILOGUE_BIAS = 4,                                                      ///< x + bias[row]
  CUBLASLT_EPILOGUE_RELU_BIAS = (CUBLASLT_EPILOGUE_RELU | CUBLASLT_EPILOGUE_BIAS),  ///< max(x + bias[row], 0)
  CUBLASLT_EPILOGUE_RELU_AUX_BIAS = (CUBLASLT_EPILOGUE_RELU_AUX | CUBLASLT_EPILOGUE_BIAS),  ///< not supported here
  CUBLASLT_EPILOGUE_DRELU = 8 | 128,                                               ///< not supported here
  CUBLASLT_EPILOGUE_DRELU_BGRAD = CUBLASLT_EPILOGUE_DRELU | 16,                    ///< not supported here
  CUBLASLT_EPILOGUE_GELU = 32,                                                     ///< gelu(x), tanh form
  CUBLASLT_EPILOGUE_GELU_AUX = (CUBLASLT_EPILOGUE_GELU | 128),                     ///< gelu(x), x stored in aux
  CUBLASLT_EPILOGUE_GELU_BIAS = (CUBLASLT_EPILOGUE_GELU | CUBLASLT_EPILOGUE_BIAS),  ///< gelu(x + bias[row])
  CUBLASLT_EPILOGUE_GELU_AUX_BIAS = (CUBLASLT_EPILOGUE_GELU_AUX | CUBLASLT_EPILOGUE_BIAS),  ///< the same, bias first
  CUBLASLT_EPILOGUE_DGELU = 64 | 128,                                              ///< x * gelu'(aux)
  CUBLASLT_EPILOGUE_DGELU_BGRAD = CUBLASLT_EPILOGUE_DGELU | 16,                    ///< not supported here
  CUBLASLT_EPILOGUE_BGRADA = 256,                                                  ///< not supported here
  CUBLASLT_EPILOGUE_BGRADB = 512,                                                  ///< not supported here
} cublasLtEpilogue_t;

/// How the heuristic searches (stored, ignored).
typedef enum {
  CUBLASLT_SEARCH_BEST_FIT = 0,            ///< the default
  CUBLASLT_SEARCH_LIMITED_BY_ALGO_ID = 1,  ///< among one algorithm's configurations
} cublasLtMatmulSearch_t;

/// Attributes of a matmul preference, with the type each one is set as (stored; only the workspace limit is read,
/// and nothing here needs a workspace).
typedef enum {
  CUBLASLT_MATMUL_PREF_SEARCH_MODE = 0,            ///< uint32_t
  CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES = 1,    ///< uint64_t (default 0)
  CUBLASLT_MATMUL_PREF_REDUCTION_SCHEME_MASK = 3,  ///< uint32_t
  CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES = 5,  ///< uint32_t
  CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES = 6,  ///< uint32_t
  CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES = 7,  ///< uint32_t
  CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES = 8,  ///< uint32_t
  CUBLASLT_MATMUL_PREF_MAX_WAVES_COUNT = 9,        ///< float
  CUBLASLT_MATMUL_PREF_IMPL_MASK = 12,             ///< uint64_t
} cublasLtMatmulPreferenceAttributes_t;

namespace cudacpu::blaslt {

/// Raw attribute storage: every attribute is at most 8 bytes; size 0 marks an attribute cuBLASLt lacks.
struct attributes {
  static constexpr int k_count = 40;  ///< attribute ids are below this
  std::uint64_t value[k_count] = {};  ///< the bytes of each attribute
  std::uint8_t size[k_count] = {};    ///< its size in bytes (0: no such attribute)

  /// Declares attribute @p id of @p bytes with initial value @p v (a bit pattern of that size).
  template <class T>
  void declare(int id, T v) {
    static_assert(sizeof(T) <= 8, "attributes are at most 8 bytes");
    size[id] = static_cast<std::uint8_t>(sizeof(T));
    std::memcpy(&value[id], &v, sizeof(T));
  }
  /// The value of attribute @p id as T (declared with that size).
  template <class T>
  T get(int id) const {
    T v{};
    std::memcpy(&v, &value[id], sizeof(T));
    return v;
  }
};

}  // namespace cudacpu::blaslt

/// A matrix layout: element type, shape, leading dimension, order and strided batch. Opaque in cuBLASLt (a fixed
/// size block users may place themselves, see cublasLtMatrixLayoutInit); use the accessors.
typedef struct {
  cudacpu::blaslt::attributes attr;  ///< the cublasLtMatrixLayoutAttribute_t values
} cublasLtMatrixLayoutOpaque_t;
/// Handle to a matrix layout.
typedef cublasLtMatrixLayoutOpaque_t* cublasLtMatrixLayout_t;

/// A matmul descriptor: compute and scale types, operations, pointer mode, epilogue and bias.
typedef struct {
  cudacpu::blaslt::attributes attr;  ///< the cublasLtMatmulDescAttributes_t values
} cublasLtMatmulDescOpaque_t;
/// Handle to a matmul descriptor.
typedef cublasLtMatmulDescOpaque_t* cublasLtMatmulDesc_t;

/// A matmul preference (search limits for the heuristic).
typedef struct {
  cudacpu::blaslt::attributes attr;  ///< the cublasLtMatmulPreferenceAttributes_t values
} cublasLtMatmulPreferenceOpaque_t;
/// Handle to a matmul preference.
typedef cublasLtMatmulPreferenceOpaque_t* cublasLtMatmulPreference_t;

/// An algorithm (opaque; the stand-in has one).
typedef struct {
  std::uint64_t data[8];  ///< cuBLASLt's size
} cublasLtMatmulAlgo_t;

/// One answer of cublasLtMatmulAlgoGetHeuristic.
typedef struct {
  cublasLtMatmulAlgo_t algo;  ///< the algorithm to pass to cublasLtMatmul
  std::size_t workspaceSize;  ///< workspace it needs (0 here)
  cublasStatus_t state;       ///< CUBLAS_STATUS_SUCCESS when the other fields are valid
  float wavesCount;           ///< GPU occupancy estimate (1 here)
  int reserved[4];            ///< unused
} cublasLtMatmulHeuristicResult_t;

namespace cudacpu::blaslt {

using cudacpu::blas::elem;
using cudacpu::blas::fail;

/// Default values of a matrix layout.
inline void init_layout(cublasLtMatrixLayoutOpaque_t* l, cudaDataType type, std::uint64_t rows, std::uint64_t cols,
                        std::int64_t ld) {
  l->attr = attributes{};
  l->attr.declare<std::uint32_t>(CUBLASLT_MATRIX_LAYOUT_TYPE, static_cast<std::uint32_t>(type));
  l->attr.declare<std::int32_t>(CUBLASLT_MATRIX_LAYOUT_ORDER, CUBLASLT_ORDER_COL);
  l->attr.declare<std::uint64_t>(CUBLASLT_MATRIX_LAYOUT_ROWS, rows);
  l->attr.declare<std::uint64_t>(CUBLASLT_MATRIX_LAYOUT_COLS, cols);
  l->attr.declare<std::int64_t>(CUBLASLT_MATRIX_LAYOUT_LD, ld);
  l->attr.declare<std::int32_t>(CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, 1);
  l->attr.declare<std::int64_t>(CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, 0);
  l->attr.declare<std::int64_t>(CUBLASLT_MATRIX_LAYOUT_PLANE_OFFSET, 0);
  l->attr.declare<std::uint32_t>(CUBLASLT_MATRIX_LAYOUT_BATCH_MODE, 0);
}

/// Default values of a matmul descriptor.
inline void init_desc(cublasLtMatmulDescOpaque_t* d, cublasComputeType_t compute, cudaDataType scale) {
  d->attr = attributes{};
  d->attr.declare<std::int32_t>(CUBLASLT_MATMUL_DESC_COMPUTE_TYPE, compute);
  d->attr.declare<std::int32_t>(CUBLASLT_MATMUL_DESC_SCALE_TYPE, scale);
  d->attr.declare<std::int32_t>(CUBLASLT_MATMUL_DESC_POINTER_MODE, CUBLASLT_POINTER_MODE_HOST);
  d->attr.declare<std::int32_t>(CUBLASLT_MATMUL_DESC_TRANSA, CUBLAS_OP_N);
  d->attr.declare<std::int32_t>(CUBLASLT_MATMUL_DESC_TRANSB, CUBLAS_OP_N);
  d->attr.declare<std::int32_t>(CUBLASLT_MATMUL_DESC_TRANSC, CUBLAS_OP_N);
  d->attr.declare<std::int32_t>(CUBLASLT_MATMUL_DESC_FILL_MODE, 2);  // CUBLAS_FILL_MODE_FULL
  d->attr.declare<std::uint32_t>(CUBLASLT_MATMUL_DESC_EPILOGUE, CUBLASLT_EPILOGUE_DEFAULT);
  d->attr.declare<const void*>(CUBLASLT_MATMUL_DESC_BIAS_POINTER, nullptr);
  d->attr.declare<std::int64_t>(CUBLASLT_MATMUL_DESC_BIAS_BATCH_STRIDE, 0);
  d->attr.declare<void*>(CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_POINTER, nullptr);
  d->attr.declare<std::int64_t>(CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_LD, 0);
  d->attr.declare<std::int64_t>(CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_BATCH_STRIDE, 0);
  d->attr.declare<std::int64_t>(CUBLASLT_MATMUL_DESC_ALPHA_VECTOR_BATCH_STRIDE, 0);
  d->attr.declare<std::int32_t>(CUBLASLT_MATMUL_DESC_SM_COUNT_TARGET, 0);
  d->attr.declare<const void*>(CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, nullptr);
  d->attr.declare<const void*>(CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, nullptr);
  d->attr.declare<const void*>(CUBLASLT_MATMUL_DESC_C_SCALE_POINTER, nullptr);
  d->attr.declare<const void*>(CUBLASLT_MATMUL_DESC_D_SCALE_POINTER, nullptr);
  d->attr.declare<void*>(CUBLASLT_MATMUL_DESC_AMAX_D_POINTER, nullptr);
  d->attr.declare<std::int32_t>(CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_DATA_TYPE, -1);
  d->attr.declare<void*>(CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_SCALE_POINTER, nullptr);
  d->attr.declare<void*>(CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_AMAX_POINTER, nullptr);
  d->attr.declare<std::int8_t>(CUBLASLT_MATMUL_DESC_FAST_ACCUM, 0);
  d->attr.declare<std::int32_t>(CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, -1);
}

/// Default values of a preference.
inline void init_pref(cublasLtMatmulPreferenceOpaque_t* p) {
  p->attr = attributes{};
  p->attr.declare<std::uint32_t>(CUBLASLT_MATMUL_PREF_SEARCH_MODE, CUBLASLT_SEARCH_BEST_FIT);
  p->attr.declare<std::uint64_t>(CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, 0);
  p->attr.declare<std::uint32_t>(CUBLASLT_MATMUL_PREF_REDUCTION_SCHEME_MASK, 0xff);
  p->attr.declare<std::uint32_t>(CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, 256);
  p->attr.declare<std::uint32_t>(CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, 256);
  p->attr.declare<std::uint32_t>(CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, 256);
  p->attr.declare<std::uint32_t>(CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES, 256);
  p->attr.declare<float>(CUBLASLT_MATMUL_PREF_MAX_WAVES_COUNT, 0.0f);
  p->attr.declare<std::uint64_t>(CUBLASLT_MATMUL_PREF_IMPL_MASK, ~std::uint64_t{0});
}

/// cublasLt*SetAttribute: @p bytes must be the attribute's size.
inline cublasStatus_t set_attribute(const char* api, attributes* a, int id, const void* buf, std::size_t bytes,
                                    const ::cudacpu::source_location& where) {
  const cublasStatus_t bad = CUBLAS_STATUS_INVALID_VALUE;
  if (a == nullptr) return fail(bad, where, "%s: the descriptor is null", api);
  if (id < 0 || id >= attributes::k_count || a->size[id] == 0)
    return fail(bad, where, "%s: attribute %d is not one of this descriptor's attributes", api, id);
  if (buf == nullptr) return fail(bad, where, "%s: buf is null", api);
  if (bytes != a->size[id])
    return fail(bad, where, "%s: attribute %d is %u bytes, sizeInBytes is %zu (pass sizeof of the attribute's type)",
                api, id, static_cast<unsigned>(a->size[id]), bytes);
  std::memcpy(&a->value[id], buf, bytes);
  return CUBLAS_STATUS_SUCCESS;
}

/// cublasLt*GetAttribute: with @p bytes 0, only tells the size in @p written.
inline cublasStatus_t get_attribute(const char* api, const attributes* a, int id, void* buf, std::size_t bytes,
                                    std::size_t* written, const ::cudacpu::source_location& where) {
  const cublasStatus_t bad = CUBLAS_STATUS_INVALID_VALUE;
  if (a == nullptr) return fail(bad, where, "%s: the descriptor is null", api);
  if (id < 0 || id >= attributes::k_count || a->size[id] == 0)
    return fail(bad, where, "%s: attribute %d is not one of this descriptor's attributes", api, id);
  if (bytes == 0) {
    if (written == nullptr) return fail(bad, where, "%s: sizeInBytes is 0 and sizeWritten is null", api);
    *written = a->size[id];
    return CUBLAS_STATUS_SUCCESS;
  }
  if (buf == nullptr) return fail(bad, where, "%s: buf is null", api);
  if (bytes != a->size[id])
    return fail(bad, where, "%s: attribute %d is %u bytes, sizeInBytes is %zu (pass sizeof of the attribute's type)",
                api, id, static_cast<unsigned>(a->size[id]), bytes);
  std::memcpy(buf, &a->value[id], bytes);
  if (written != nullptr) *written = bytes;
  return CUBLAS_STATUS_SUCCESS;
}

/// A matrix layout read out of its descriptor, with its element type.
struct matrix {
  const char* name;     ///< "A", "B", "C" or "D", for reports
  cudaDataType type;    ///< element type
  elem e;               ///< the same as the stand-in's element type (valid once checked)
  std::int64_t rows;    ///< rows as stored
  std::int64_t cols;    ///< columns as stored
  std::int64_t ld;      ///< leading dimension
  bool row_major;       ///< CUBLASLT_ORDER_ROW
  std::int32_t batch;   ///< batch count
  std::int64_t stride;  ///< elements from one matrix of the batch to the next

  /// Flat index of element (i, j) as stored.
  std::size_t at(std::int64_t i, std::int64_t j) const {
    return static_cast<std::size_t>(row_major ? i * ld + j : i + j * ld);
  }
  /// Bytes one matrix spans (0 when it is empty).
  std::size_t bytes() const {
    if (rows == 0 || cols == 0) return 0;
    const std::int64_t span = row_major ? (rows - 1) * ld + cols : (cols - 1) * ld + rows;
    return static_cast<std::size_t>(span) * cudacpu::blas::elem_size(e);
  }
  /// Start of matrix @p b of the batch.
  const char* start(const void* p, std::int32_t b) const {
    return static_cast<const char*>(p) +
           static_cast<std::ptrdiff_t>(b) * stride * static_cast<std::ptrdiff_t>(cudacpu::blas::elem_size(e));
  }
};

/// Reads and checks layout @p l (the order, the leading dimension, the batch) as matrix @p name.
inline cublasStatus_t read_layout(const char* api, const char* name, cublasLtMatrixLayout_t l, matrix* out,
                                  const ::cudacpu::source_location& where) {
  if (l == nullptr)
    return fail(CUBLAS_STATUS_INVALID_VALUE, where, "%s: the layout of %s is null (cublasLtMatrixLayoutCreate)", api,
                name);
  const attributes& a = l->attr;
  matrix m{};
  m.name = name;
  m.type = static_cast<cudaDataType>(a.get<std::uint32_t>(CUBLASLT_MATRIX_LAYOUT_TYPE));
  const std::uint64_t rows = a.get<std::uint64_t>(CUBLASLT_MATRIX_LAYOUT_ROWS);
  const std::uint64_t cols = a.get<std::uint64_t>(CUBLASLT_MATRIX_LAYOUT_COLS);
  m.ld = a.get<std::int64_t>(CUBLASLT_MATRIX_LAYOUT_LD);
  const std::int32_t order = a.get<std::int32_t>(CUBLASLT_MATRIX_LAYOUT_ORDER);
  m.batch = a.get<std::int32_t>(CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT);
  m.stride = a.get<std::int64_t>(CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET);
  if (!cudacpu::blas::to_elem(m.type, &m.e))
    return fail(CUBLAS_STATUS_NOT_SUPPORTED, where,
                "%s: %s's type %d is not CUDA_R_16F, CUDA_R_16BF, CUDA_R_32F or CUDA_R_64F", api, name,
                static_cast<int>(m.type));
  if (order != CUBLASLT_ORDER_COL && order != CUBLASLT_ORDER_ROW)
    return fail(CUBLAS_STATUS_NOT_SUPPORTED, where,
                "%s: %s's order %d is not CUBLASLT_ORDER_COL or CUBLASLT_ORDER_ROW", api, name, order);
  if (a.get<std::int64_t>(CUBLASLT_MATRIX_LAYOUT_PLANE_OFFSET) != 0 ||
      a.get<std::uint32_t>(CUBLASLT_MATRIX_LAYOUT_BATCH_MODE) != 0)
    return fail(CUBLAS_STATUS_NOT_SUPPORTED, where,
                "%s: %s's layout is planar complex or pointer-array batched (not supported by the CPU backend)", api,
                name);
  if (rows > 0x7fffffffu || cols > 0x7fffffffu)
    return fail(CUBLAS_STATUS_NOT_SUPPORTED, where, "%s: %s is %llu x %llu, larger than 2^31 - 1", api, name,
                static_cast<unsigned long long>(rows), static_cast<unsigned long long>(cols));
  m.rows = static_cast<std::int64_t>(rows);
  m.cols = static_cast<std::int64_t>(cols);
  m.row_major = order == CUBLASLT_ORDER_ROW;
  const std::int64_t min_ld = std::max<std::int64_t>(1, m.row_major ? m.cols : m.rows);
  if (m.ld < min_ld)
    return fail(CUBLAS_STATUS_INVALID_VALUE, where, "%s: %s's ld = %lld is less than max(1, %s) = %lld (%s)", api,
                name, static_cast<long long>(m.ld), m.row_major ? "cols" : "rows", static_cast<long long>(min_ld),
                m.row_major ? "row-major: a row holds cols elements" : "column-major: a column holds rows elements");
  if (m.batch < 1)
    return fail(CUBLAS_STATUS_INVALID_VALUE, where, "%s: %s's batch count is %d", api, name, m.batch);
  *out = m;
  return CUBLAS_STATUS_SUCCESS;
}

/// Whether cuBLASLt computes (compute type, scale type, A/B type, C/D type) for real types (its table, restricted
/// to the types the stand-in has).
constexpr bool matmul_supported(cublasComputeType_t compute, cudaDataType scale, cudaDataType ab, cudaDataType cd) {
  switch (compute) {
    case CUBLAS_COMPUTE_16F:
    case CUBLAS_COMPUTE_16F_PEDANTIC: return scale == CUDA_R_16F && ab == CUDA_R_16F && cd == CUDA_R_16F;
    case CUBLAS_COMPUTE_32F:
    case CUBLAS_COMPUTE_32F_PEDANTIC:
    case CUBLAS_COMPUTE_32F_FAST_16F:
    case CUBLAS_COMPUTE_32F_FAST_16BF:
    case CUBLAS_COMPUTE_32F_FAST_TF32:
    case CUBLAS_COMPUTE_32F_EMULATED_16BFX9:
      return scale == CUDA_R_32F && cudacpu::blas::gemm_ex_supported(compute, ab, cd);
    case CUBLAS_COMPUTE_64F:
    case CUBLAS_COMPUTE_64F_PEDANTIC:
    case CUBLAS_COMPUTE_64F_EMULATED_FIXEDPOINT: return scale == CUDA_R_64F && ab == CUDA_R_64F && cd == CUDA_R_64F;
    default: return false;
  }
}

/// The steps of an epilogue, in the order they apply to `alpha * op(A) op(B) + beta * C`.
struct epilogue_steps {
  bool bias = false;       ///< add bias[row]
  bool aux_store = false;  ///< store the value so far into the aux matrix (the GELU input, for the backward pass)
  bool relu = false;       ///< max(x, 0)
  bool gelu = false;       ///< gelu(x)
  bool dgelu = false;      ///< x * gelu'(aux), aux read from the aux matrix
};

/// Whether the stand-in computes epilogue @p e, and its steps.
constexpr bool epilogue_supported(std::uint32_t e, epilogue_steps* s) {
  *s = epilogue_steps{};
  switch (e) {
    case CUBLASLT_EPILOGUE_DEFAULT: return true;
    case CUBLASLT_EPILOGUE_RELU: s->relu = true; return true;
    case CUBLASLT_EPILOGUE_GELU: s->gelu = true; return true;
    case CUBLASLT_EPILOGUE_BIAS: s->bias = true; return true;
    case CUBLASLT_EPILOGUE_RELU_BIAS: s->bias = s->relu = true; return true;
    case CUBLASLT_EPILOGUE_GELU_BIAS: s->bias = s->gelu = true; return true;
    case CUBLASLT_EPILOGUE_GELU_AUX: s->aux_store = s->gelu = true; return true;
    case CUBLASLT_EPILOGUE_GELU_AUX_BIAS: s->bias = s->aux_store = s->gelu = true; return true;
    case CUBLASLT_EPILOGUE_DGELU: s->dgelu = true; return true;
    default: return false;
  }
}

/// GELU, tanh form: 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
template <class Acc>
inline Acc gelu(Acc x) {
  const Acc k = static_cast<Acc>(0.7978845608028654);  // sqrt(2 / pi)
  const Acc inner = k * (x + static_cast<Acc>(0.044715) * x * x * x);
  return static_cast<Acc>(0.5) * x * (static_cast<Acc>(1) + std::tanh(inner));
}

/// The derivative of gelu() (tanh form).
template <class Acc>
inline Acc gelu_grad(Acc x) {
  const Acc k = static_cast<Acc>(0.7978845608028654);
  const Acc c = static_cast<Acc>(0.044715);
  const Acc t = std::tanh(k * (x + c * x * x * x));
  const Acc half = static_cast<Acc>(0.5);
  const Acc one = static_cast<Acc>(1);
  return half * (one + t) + half * x * (one - t * t) * k * (one + static_cast<Acc>(3) * c * x * x);
}

/// One checked matmul: the matrices, the operations and the epilogue.
struct matmul_call {
  matrix a, b, c, d;             ///< the layouts
  bool ta, tb;                   ///< op(A), op(B) transposed
  std::int64_t m, n, k;          ///< D is m x n, the sum runs over k
  std::uint32_t epilogue;        ///< a supported cublasLtEpilogue_t
  epilogue_steps steps;          ///< what it does
  const void* bias;              ///< the bias (device memory), when steps.bias
  std::int64_t bias_stride;      ///< elements from one batch's bias to the next
  matrix aux;                    ///< the aux matrix (m x n column-major, D's type), for aux_store and dgelu
  void* aux_ptr;                 ///< its memory
};

/// D = epilogue(alpha * op(A) op(B) + beta * C + bias) for batch entry @p batch, accumulating in Acc. Same loop as
/// cudacpu::blas::gemm_compute (op(A) packed, one column of D at a time, a sequential sum over k per element).
template <class Acc>
inline void matmul_compute(const matmul_call& g, const void* A, const void* B, const void* C, void* D, int batch,
                           Acc alpha, Acc beta) {
  using cudacpu::blas::load;
  using cudacpu::blas::store;
  const std::size_t m = static_cast<std::size_t>(g.m);
  const std::size_t n = static_cast<std::size_t>(g.n);
  const std::size_t k = static_cast<std::size_t>(g.k);
  const char* const pa = g.a.start(A, batch);
  const char* const pb = g.b.start(B, batch);
  const char* const pc = C != nullptr ? g.c.start(C, batch) : nullptr;
  char* const pd = const_cast<char*>(g.d.start(D, batch));
  const bool reads_ab = k > 0 && alpha != Acc{0};
  std::vector<Acc> a;
  if (reads_ab) {
    a.resize(m * k);
    for (std::size_t p = 0; p < k; ++p)
      for (std::size_t i = 0; i < m; ++i)
        a[i + p * m] = load<Acc>(pa, g.a.e, g.ta ? g.a.at(static_cast<std::int64_t>(p), static_cast<std::int64_t>(i))
                                                 : g.a.at(static_cast<std::int64_t>(i), static_cast<std::int64_t>(p)));
  }
  std::vector<Acc> bias(m, Acc{0});
  if (g.steps.bias) {
    const auto bias_bytes = static_cast<std::ptrdiff_t>(cudacpu::blas::elem_size(g.d.e));
    const char* pbias = static_cast<const char*>(g.bias) + batch * g.bias_stride * bias_bytes;
    for (std::size_t i = 0; i < m; ++i) bias[i] = load<Acc>(pbias, g.d.e, i);
  }
  const bool uses_aux = g.steps.aux_store || g.steps.dgelu;
  char* const paux = uses_aux ? const_cast<char*>(g.aux.start(g.aux_ptr, batch)) : nullptr;
  std::vector<Acc> bcol(k);
  std::vector<Acc> acc(m);
  for (std::size_t j = 0; j < n; ++j) {
    std::fill(acc.begin(), acc.end(), Acc{0});
    if (reads_ab) {
      for (std::size_t p = 0; p < k; ++p)
        bcol[p] = load<Acc>(pb, g.b.e, g.tb ? g.b.at(static_cast<std::int64_t>(j), static_cast<std::int64_t>(p))
                                            : g.b.at(static_cast<std::int64_t>(p), static_cast<std::int64_t>(j)));
      for (std::size_t p = 0; p < k; ++p) {
        const Acc* const col = a.data() + p * m;
        const Acc bp = bcol[p];
        for (std::size_t i = 0; i < m; ++i) acc[i] += col[i] * bp;
      }
    }
    for (std::size_t i = 0; i < m; ++i) {
      const auto ii = static_cast<std::int64_t>(i);
      const auto jj = static_cast<std::int64_t>(j);
      // beta == 0: C is not read (it may hold NaN, or be D itself before it was written).
      const Acc old = beta == Acc{0} ? Acc{0} : beta * load<Acc>(pc, g.c.e, g.c.at(ii, jj));
      Acc v = alpha * acc[i] + old + bias[i];
      if (g.steps.aux_store) store<Acc>(paux, g.d.e, g.aux.at(ii, jj), v);
      if (g.steps.relu) v = v > Acc{0} ? v : Acc{0};
      if (g.steps.gelu) v = gelu(v);
      if (g.steps.dgelu) v *= gelu_grad(load<Acc>(paux, g.d.e, g.aux.at(ii, jj)));
      store<Acc>(pd, g.d.e, g.d.at(ii, jj), v);
    }
  }
}

}  // namespace cudacpu::blaslt

// ---- handle ----

/// Creates a cuBLASLt context.
/// @param lightHandle receives the handle
/// @return CUBLAS_STATUS_INVALID_VALUE for a null @p lightHandle, CUBLAS_STATUS_NOT_INITIALIZED after a kernel failed
inline cublasStatus_t cublasLtCreate(cublasLtHandle_t* lightHandle) {
  if (lightHandle == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  if (cudacpu::detail::sticky_error() != cudaSuccess) return CUBLAS_STATUS_NOT_INITIALIZED;
  *lightHandle = new cublasLtContext;
  return CUBLAS_STATUS_SUCCESS;
}

/// Destroys a context created by cublasLtCreate.
/// @param lightHandle the handle
/// @return CUBLAS_STATUS_NOT_INITIALIZED for a null handle
inline cublasStatus_t cublasLtDestroy(cublasLtHandle_t lightHandle) {
  if (lightHandle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  delete lightHandle;
  return CUBLAS_STATUS_SUCCESS;
}

/// The library's version (the cuBLAS stand-in's CUBLAS_VERSION).
inline std::size_t cublasLtGetVersion() { return CUBLAS_VERSION; }

/// The enumerator's name of a status, as cublasGetStatusName.
/// @param status a status
/// @return a static string
inline const char* cublasLtGetStatusName(cublasStatus_t status) { return cublasGetStatusName(status); }

/// The description of a status, as cublasGetStatusString.
/// @param status a status
/// @return a static string
inline const char* cublasLtGetStatusString(cublasStatus_t status) { return cublasGetStatusString(status); }

/// One part of the library's version, as cublasGetProperty.
/// @param type MAJOR_VERSION, MINOR_VERSION or PATCH_LEVEL
/// @param value receives it
/// @return CUBLAS_STATUS_INVALID_VALUE for a null @p value or an unknown @p type
inline cublasStatus_t cublasLtGetProperty(libraryPropertyType type, int* value) {
  return cublasGetProperty(type, value);
}

// ---- matrix layouts ----

/// Initialises a matrix layout in memory the caller owns: column-major, batch count 1.
/// @param matLayout the layout
/// @param type element type
/// @param rows rows as stored
/// @param cols columns as stored
/// @param ld leading dimension (elements)
/// @return CUBLAS_STATUS_INVALID_VALUE for a null @p matLayout
inline cublasStatus_t cublasLtMatrixLayoutInit(cublasLtMatrixLayout_t matLayout, cudaDataType type, std::uint64_t rows,
                                               std::uint64_t cols, std::int64_t ld) {
  if (matLayout == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  cudacpu::blaslt::init_layout(matLayout, type, rows, cols, ld);
  return CUBLAS_STATUS_SUCCESS;
}

/// Creates a matrix layout: column-major, batch count 1 (change them with cublasLtMatrixLayoutSetAttribute).
/// @param matLayout receives the layout
/// @param type element type
/// @param rows rows as stored
/// @param cols columns as stored
/// @param ld leading dimension (elements)
/// @return CUBLAS_STATUS_INVALID_VALUE for a null @p matLayout
inline cublasStatus_t cublasLtMatrixLayoutCreate(cublasLtMatrixLayout_t* matLayout, cudaDataType type,
                                                 std::uint64_t rows, std::uint64_t cols, std::int64_t ld) {
  if (matLayout == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  *matLayout = new cublasLtMatrixLayoutOpaque_t;
  cudacpu::blaslt::init_layout(*matLayout, type, rows, cols, ld);
  return CUBLAS_STATUS_SUCCESS;
}

/// Destroys a layout made by cublasLtMatrixLayoutCreate (null is accepted).
/// @param matLayout the layout
/// @return CUBLAS_STATUS_SUCCESS
inline cublasStatus_t cublasLtMatrixLayoutDestroy(cublasLtMatrixLayout_t matLayout) {
  delete matLayout;
  return CUBLAS_STATUS_SUCCESS;
}

/// Sets one attribute of a layout.
/// @param matLayout the layout
/// @param attr which attribute
/// @param buf its new value, of the attribute's type
/// @param sizeInBytes sizeof that type
/// @return CUBLAS_STATUS_INVALID_VALUE for a null layout or @p buf, an unknown attribute or a wrong size
inline cublasStatus_t cublasLtMatrixLayoutSetAttribute(cublasLtMatrixLayout_t matLayout,
                                                       cublasLtMatrixLayoutAttribute_t attr, const void* buf,
                                                       std::size_t sizeInBytes, WS_CUDACPU_WHERE) {
  return cudacpu::blaslt::set_attribute("cublasLtMatrixLayoutSetAttribute",
                                        matLayout != nullptr ? &matLayout->attr : nullptr, attr, buf, sizeInBytes,
                                        where);
}

/// Reads one attribute of a layout.
/// @param matLayout the layout
/// @param attr which attribute
/// @param buf receives the value
/// @param sizeInBytes sizeof the attribute's type, or 0 to ask for it in @p sizeWritten
/// @param sizeWritten receives the bytes written (or needed); may be null when @p sizeInBytes is not 0
/// @return CUBLAS_STATUS_INVALID_VALUE for a null layout, an unknown attribute or a wrong size
inline cublasStatus_t cublasLtMatrixLayoutGetAttribute(cublasLtMatrixLayout_t matLayout,
                                                       cublasLtMatrixLayoutAttribute_t attr, void* buf,
                                                       std::size_t sizeInBytes, std::size_t* sizeWritten,
                                                       WS_CUDACPU_WHERE) {
  return cudacpu::blaslt::get_attribute("cublasLtMatrixLayoutGetAttribute",
                                        matLayout != nullptr ? &matLayout->attr : nullptr, attr, buf, sizeInBytes,
                                        sizeWritten, where);
}

// ---- matmul descriptors ----

/// Initialises a matmul descriptor in memory the caller owns (no transposes, host pointer mode, no epilogue).
/// @param matmulDesc the descriptor
/// @param computeType accumulation type
/// @param scaleType alpha's and beta's type
/// @return CUBLAS_STATUS_INVALID_VALUE for a null @p matmulDesc
inline cublasStatus_t cublasLtMatmulDescInit(cublasLtMatmulDesc_t matmulDesc, cublasComputeType_t computeType,
                                             cudaDataType scaleType) {
  if (matmulDesc == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  cudacpu::blaslt::init_desc(matmulDesc, computeType, scaleType);
  return CUBLAS_STATUS_SUCCESS;
}

/// Creates a matmul descriptor (no transposes, host pointer mode, CUBLASLT_EPILOGUE_DEFAULT).
/// @param matmulDesc receives the descriptor
/// @param computeType accumulation type
/// @param scaleType alpha's and beta's type
/// @return CUBLAS_STATUS_INVALID_VALUE for a null @p matmulDesc
inline cublasStatus_t cublasLtMatmulDescCreate(cublasLtMatmulDesc_t* matmulDesc, cublasComputeType_t computeType,
                                               cudaDataType scaleType) {
  if (matmulDesc == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  *matmulDesc = new cublasLtMatmulDescOpaque_t;
  cudacpu::blaslt::init_desc(*matmulDesc, computeType, scaleType);
  return CUBLAS_STATUS_SUCCESS;
}

/// Destroys a descriptor made by cublasLtMatmulDescCreate (null is accepted).
/// @param matmulDesc the descriptor
/// @return CUBLAS_STATUS_SUCCESS
inline cublasStatus_t cublasLtMatmulDescDestroy(cublasLtMatmulDesc_t matmulDesc) {
  delete matmulDesc;
  return CUBLAS_STATUS_SUCCESS;
}

/// Sets one attribute of a matmul descriptor.
/// @param matmulDesc the descriptor
/// @param attr which attribute
/// @param buf its new value, of the attribute's type (e.g. `cublasOperation_t` for TRANSA, `void*` for the bias)
/// @param sizeInBytes sizeof that type
/// @return CUBLAS_STATUS_INVALID_VALUE for a null descriptor or @p buf, an unknown attribute or a wrong size
inline cublasStatus_t cublasLtMatmulDescSetAttribute(cublasLtMatmulDesc_t matmulDesc,
                                                     cublasLtMatmulDescAttributes_t attr, const void* buf,
                                                     std::size_t sizeInBytes, WS_CUDACPU_WHERE) {
  return cudacpu::blaslt::set_attribute("cublasLtMatmulDescSetAttribute",
                                        matmulDesc != nullptr ? &matmulDesc->attr : nullptr, attr, buf, sizeInBytes,
                                        where);
}

/// Reads one attribute of a matmul descriptor.
/// @param matmulDesc the descriptor
/// @param attr which attribute
/// @param buf receives the value
/// @param sizeInBytes sizeof the attribute's type, or 0 to ask for it in @p sizeWritten
/// @param sizeWritten receives the bytes written (or needed); may be null when @p sizeInBytes is not 0
/// @return CUBLAS_STATUS_INVALID_VALUE for a null descriptor, an unknown attribute or a wrong size
inline cublasStatus_t cublasLtMatmulDescGetAttribute(cublasLtMatmulDesc_t matmulDesc,
                                                     cublasLtMatmulDescAttributes_t attr, void* buf,
                                                     std::size_t sizeInBytes, std::size_t* sizeWritten,
                                                     WS_CUDACPU_WHERE) {
  return cudacpu::blaslt::get_attribute("cublasLtMatmulDescGetAttribute",
                                        matmulDesc != nullptr ? &matmulDesc->attr : nullptr, attr, buf, sizeInBytes,
                                        sizeWritten, where);
}

// ---- preferences and heuristics ----

/// Initialises a preference in memory the caller owns (no workspace allowed).
/// @param pref the preference
/// @return CUBLAS_STATUS_INVALID_VALUE for a null @p pref
inline cublasStatus_t cublasLtMatmulPreferenceInit(cublasLtMatmulPreference_t pref) {
  if (pref == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  cudacpu::blaslt::init_pref(pref);
  return CUBLAS_STATUS_SUCCESS;
}

/// Creates a preference (no workspace allowed).
/// @param pref receives the preference
/// @return CUBLAS_STATUS_INVALID_VALUE for a null @p pref
inline cublasStatus_t cublasLtMatmulPreferenceCreate(cublasLtMatmulPreference_t* pref) {
  if (pref == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  *pref = new cublasLtMatmulPreferenceOpaque_t;
  cudacpu::blaslt::init_pref(*pref);
  return CUBLAS_STATUS_SUCCESS;
}

/// Destroys a preference made by cublasLtMatmulPreferenceCreate (null is accepted).
/// @param pref the preference
/// @return CUBLAS_STATUS_SUCCESS
inline cublasStatus_t cublasLtMatmulPreferenceDestroy(cublasLtMatmulPreference_t pref) {
  delete pref;
  return CUBLAS_STATUS_SUCCESS;
}

/// Sets one attribute of a preference (e.g. CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, a uint64_t).
/// @param pref the preference
/// @param attr which attribute
/// @param buf its new value
/// @param sizeInBytes sizeof the attribute's type
/// @return CUBLAS_STATUS_INVALID_VALUE for a null preference or @p buf, an unknown attribute or a wrong size
inline cublasStatus_t cublasLtMatmulPreferenceSetAttribute(cublasLtMatmulPreference_t pref,
                                                           cublasLtMatmulPreferenceAttributes_t attr, const void* buf,
                                                           std::size_t sizeInBytes, WS_CUDACPU_WHERE) {
  return cudacpu::blaslt::set_attribute("cublasLtMatmulPreferenceSetAttribute",
                                        pref != nullptr ? &pref->attr : nullptr, attr, buf, sizeInBytes, where);
}

/// Reads one attribute of a preference.
/// @param pref the preference
/// @param attr which attribute
/// @param buf receives the value
/// @param sizeInBytes sizeof the attribute's type, or 0 to ask for it in @p sizeWritten
/// @param sizeWritten receives the bytes written (or needed)
/// @return CUBLAS_STATUS_INVALID_VALUE for a null preference, an unknown attribute or a wrong size
inline cublasStatus_t cublasLtMatmulPreferenceGetAttribute(cublasLtMatmulPreference_t pref,
                                                           cublasLtMatmulPreferenceAttributes_t attr, void* buf,
                                                           std::size_t sizeInBytes, std::size_t* sizeWritten,
                                                           WS_CUDACPU_WHERE) {
  return cudacpu::blaslt::get_attribute("cublasLtMatmulPreferenceGetAttribute",
                                        pref != nullptr ? &pref->attr : nullptr, attr, buf, sizeInBytes, sizeWritten,
                                        where);
}

namespace cudacpu::blaslt {

/// The checks of cublasLtMatmul that need no memory access, in the order the file's description gives; fills @p g.
inline cublasStatus_t check_matmul(const char* api, cublasLtHandle_t handle, cublasLtMatmulDesc_t desc,
                                   cublasLtMatrixLayout_t Adesc, cublasLtMatrixLayout_t Bdesc,
                                   cublasLtMatrixLayout_t Cdesc, cublasLtMatrixLayout_t Ddesc, matmul_call* g,
                                   const ::cudacpu::source_location& where) {
  const cublasStatus_t bad = CUBLAS_STATUS_INVALID_VALUE;
  const cublasStatus_t unsupported = CUBLAS_STATUS_NOT_SUPPORTED;
  if (handle == nullptr)
    return fail(CUBLAS_STATUS_NOT_INITIALIZED, where, "%s: the handle is null; create one with cublasLtCreate", api);
  if (desc == nullptr) return fail(bad, where, "%s: the matmul descriptor is null (cublasLtMatmulDescCreate)", api);
  for (const auto& [layout, name, out] : {std::tuple{Adesc, "A", &g->a}, std::tuple{Bdesc, "B", &g->b},
                                          std::tuple{Cdesc, "C", &g->c}, std::tuple{Ddesc, "D", &g->d}})
    if (const cublasStatus_t s = read_layout(api, name, layout, out, where); s != CUBLAS_STATUS_SUCCESS) return s;
  const attributes& at = desc->attr;
  const auto compute = static_cast<cublasComputeType_t>(at.get<std::int32_t>(CUBLASLT_MATMUL_DESC_COMPUTE_TYPE));
  const auto scale = static_cast<cudaDataType>(at.get<std::int32_t>(CUBLASLT_MATMUL_DESC_SCALE_TYPE));
  if (g->a.type != g->b.type || g->c.type != g->d.type || !matmul_supported(compute, scale, g->a.type, g->d.type))
    return fail(unsupported, where,
                "%s: cuBLASLt has no matmul with computeType %d, scaleType %d, A type %d, B type %d, C type %d and D "
                "type %d (e.g. CUBLAS_COMPUTE_32F, CUDA_R_32F scale, CUDA_R_16BF A and B, CUDA_R_16BF C and D)",
                api, static_cast<int>(compute), static_cast<int>(scale), static_cast<int>(g->a.type),
                static_cast<int>(g->b.type), static_cast<int>(g->c.type), static_cast<int>(g->d.type));
  const auto transa = static_cast<cublasOperation_t>(at.get<std::int32_t>(CUBLASLT_MATMUL_DESC_TRANSA));
  const auto transb = static_cast<cublasOperation_t>(at.get<std::int32_t>(CUBLASLT_MATMUL_DESC_TRANSB));
  if (!cudacpu::blas::valid_op(transa) || !cudacpu::blas::valid_op(transb))
    return fail(bad, where, "%s: CUBLASLT_MATMUL_DESC_TRANSA = %d / TRANSB = %d: not CUBLAS_OP_N, _T or _C", api,
                static_cast<int>(transa), static_cast<int>(transb));
  if (at.get<std::int32_t>(CUBLASLT_MATMUL_DESC_TRANSC) != CUBLAS_OP_N ||
      at.get<std::int32_t>(CUBLASLT_MATMUL_DESC_FILL_MODE) != 2)
    return fail(unsupported, where, "%s: CUBLASLT_MATMUL_DESC_TRANSC must be CUBLAS_OP_N and FILL_MODE full", api);
  const std::int32_t mode = at.get<std::int32_t>(CUBLASLT_MATMUL_DESC_POINTER_MODE);
  if (mode != CUBLASLT_POINTER_MODE_HOST && mode != CUBLASLT_POINTER_MODE_DEVICE)
    return fail(unsupported, where,
                "%s: pointer mode %d: the CPU backend has CUBLASLT_POINTER_MODE_HOST and _DEVICE only", api, mode);
  for (const int id : {CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER,
                       CUBLASLT_MATMUL_DESC_C_SCALE_POINTER, CUBLASLT_MATMUL_DESC_D_SCALE_POINTER,
                       CUBLASLT_MATMUL_DESC_AMAX_D_POINTER})
    if (at.get<const void*>(id) != nullptr)
      return fail(unsupported, where, "%s: matmul descriptor attribute %d (FP8 scaling) is not supported", api, id);
  g->epilogue = at.get<std::uint32_t>(CUBLASLT_MATMUL_DESC_EPILOGUE);
  if (!epilogue_supported(g->epilogue, &g->steps))
    return fail(unsupported, where,
                "%s: epilogue %u is not supported by the CPU backend (DEFAULT, RELU, BIAS, RELU_BIAS, GELU, "
                "GELU_BIAS, GELU_AUX, GELU_AUX_BIAS and DGELU are)",
                api, static_cast<unsigned>(g->epilogue));
  g->bias = at.get<const void*>(CUBLASLT_MATMUL_DESC_BIAS_POINTER);
  g->bias_stride = at.get<std::int64_t>(CUBLASLT_MATMUL_DESC_BIAS_BATCH_STRIDE);
  if (g->steps.bias) {
    const std::int32_t bias_type = at.get<std::int32_t>(CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE);
    if (bias_type != -1 && bias_type != static_cast<std::int32_t>(g->d.type))
      return fail(unsupported, where, "%s: the bias type %d differs from D's type %d", api, bias_type,
                  static_cast<int>(g->d.type));
    if (g->bias == nullptr)
      return fail(bad, where, "%s: a bias epilogue with a null CUBLASLT_MATMUL_DESC_BIAS_POINTER", api);
  }
  // Shapes: op(A) m x k, op(B) k x n, C and D m x n.
  g->ta = transa != CUBLAS_OP_N;
  g->tb = transb != CUBLAS_OP_N;
  g->m = g->d.rows;
  g->n = g->d.cols;
  if (g->steps.aux_store || g->steps.dgelu) {
    g->aux_ptr = at.get<void*>(CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_POINTER);
    const std::int32_t aux_type = at.get<std::int32_t>(CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_DATA_TYPE);
    const std::int64_t aux_ld = at.get<std::int64_t>(CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_LD);
    if (aux_type != -1 && aux_type != static_cast<std::int32_t>(g->d.type))
      return fail(unsupported, where, "%s: the epilogue's aux type %d differs from D's type %d", api, aux_type,
                  static_cast<int>(g->d.type));
    if (g->aux_ptr == nullptr)
      return fail(bad, where, "%s: epilogue %u needs CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_POINTER", api,
                  static_cast<unsigned>(g->epilogue));
    if (aux_ld < std::max<std::int64_t>(1, g->m))
      return fail(bad, where, "%s: CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_LD = %lld is less than D's rows (%lld)", api,
                  static_cast<long long>(aux_ld), static_cast<long long>(g->m));
    g->aux = matrix{"aux", g->d.type, g->d.e, g->m, g->n, aux_ld, false, g->d.batch,
                    at.get<std::int64_t>(CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_BATCH_STRIDE)};
  }
  g->k = g->ta ? g->a.rows : g->a.cols;
  const std::int64_t a_m = g->ta ? g->a.cols : g->a.rows;
  const std::int64_t b_k = g->tb ? g->b.cols : g->b.rows;
  const std::int64_t b_n = g->tb ? g->b.rows : g->b.cols;
  if (a_m != g->m || b_n != g->n || b_k != g->k || g->c.rows != g->m || g->c.cols != g->n)
    return fail(bad, where,
                "%s: shapes do not fit: op(A) is %lld x %lld, op(B) %lld x %lld, C %lld x %lld, D %lld x %lld (need "
                "op(A) m x k, op(B) k x n, C and D m x n)",
                api, static_cast<long long>(a_m), static_cast<long long>(g->k), static_cast<long long>(b_k),
                static_cast<long long>(b_n), static_cast<long long>(g->c.rows), static_cast<long long>(g->c.cols),
                static_cast<long long>(g->m), static_cast<long long>(g->n));
  if (g->a.batch != g->d.batch || g->b.batch != g->d.batch || g->c.batch != g->d.batch)
    return fail(bad, where, "%s: batch counts differ: A %d, B %d, C %d, D %d", api, g->a.batch, g->b.batch,
                g->c.batch, g->d.batch);
  return CUBLAS_STATUS_SUCCESS;
}

/// Checks that each matrix of the batch lies in device memory.
inline bool check_batch_memory(const char* api, const char* role, const matrix& x, const void* p,
                               const ::cudacpu::source_location& where) {
  for (std::int32_t b = 0; b < x.batch; ++b)
    if (!cudacpu::detail::check_device_range(api, role, x.start(p, b), x.bytes(), "returns CUBLAS_STATUS_INVALID_VALUE",
                                             where))
      return false;
  return true;
}

/// The whole matmul after check_matmul: sticky error, scalars, memory, then the computation.
template <class Acc>
inline cublasStatus_t matmul(const char* api, const matmul_call& g, cublasLtMatmulDesc_t desc, const void* alpha,
                             const void* beta, const void* A, const void* B, const void* C, void* D, elem scale,
                             const ::cudacpu::source_location& where) {
  if (g.m == 0 || g.n == 0) return CUBLAS_STATUS_SUCCESS;
  if (cudacpu::detail::sticky_error() != cudaSuccess) return CUBLAS_STATUS_EXECUTION_FAILED;
  const cublasStatus_t bad = CUBLAS_STATUS_INVALID_VALUE;
  const bool device_scalars =
      desc->attr.get<std::int32_t>(CUBLASLT_MATMUL_DESC_POINTER_MODE) == CUBLASLT_POINTER_MODE_DEVICE;
  const char* scalar_note = "in CUBLASLT_POINTER_MODE_DEVICE it must be device memory; returns "
                            "CUBLAS_STATUS_INVALID_VALUE";
  if (device_scalars &&
      (!cudacpu::detail::check_device_range(api, "scalar alpha", alpha, cudacpu::blas::elem_size(scale), scalar_note,
                                            where) ||
       !cudacpu::detail::check_device_range(api, "scalar beta", beta, cudacpu::blas::elem_size(scale), scalar_note,
                                            where)))
    return bad;
  const Acc a = cudacpu::blas::load<Acc>(alpha, scale, 0);
  const Acc b = cudacpu::blas::load<Acc>(beta, scale, 0);
  const bool reads_ab = g.k > 0 && a != Acc{0};
  if (reads_ab && (!check_batch_memory(api, "matrix A", g.a, A, where) ||
                   !check_batch_memory(api, "matrix B", g.b, B, where)))
    return bad;
  if (b != Acc{0} && !check_batch_memory(api, "matrix C", g.c, C, where)) return bad;
  if (!check_batch_memory(api, "matrix D", g.d, D, where)) return bad;
  if (C == D && b != Acc{0} && (g.c.ld != g.d.ld || g.c.row_major != g.d.row_major || g.c.stride != g.d.stride))
    return fail(bad, where, "%s: C and D are the same memory but their layouts differ (ld, order or batch stride)",
                api);
  if ((g.steps.aux_store || g.steps.dgelu) && !check_batch_memory(api, "epilogue aux matrix", g.aux, g.aux_ptr, where))
    return bad;
  if (g.steps.bias) {
    const matrix bias{"bias", g.d.type, g.d.e, g.m, 1, g.m, false, g.d.batch, g.bias_stride};
    if (!check_batch_memory(api, "bias vector", bias, g.bias, where)) return bad;
  }
  for (std::int32_t i = 0; i < g.d.batch; ++i) matmul_compute<Acc>(g, A, B, b != Acc{0} ? C : nullptr, D, i, a, b);
  return CUBLAS_STATUS_SUCCESS;
}

}  // namespace cudacpu::blaslt

/// Offers the one algorithm the stand-in has: state CUBLAS_STATUS_SUCCESS, no workspace. The descriptors are
/// checked as cublasLtMatmul checks them (memory aside), so an unsupported combination fails here already, as it
/// does on a GPU (CUBLAS_STATUS_NOT_SUPPORTED).
/// @param lightHandle the handle
/// @param operationDesc the matmul descriptor
/// @param Adesc A's layout
/// @param Bdesc B's layout
/// @param Cdesc C's layout
/// @param Ddesc D's layout
/// @param preference search limits (may be null)
/// @param requestedAlgoCount size of @p heuristicResultsArray, >= 1
/// @param heuristicResultsArray receives the result
/// @param returnAlgoCount receives 1
/// @return CUBLAS_STATUS_SUCCESS, or the status of the failed check
inline cublasStatus_t cublasLtMatmulAlgoGetHeuristic(cublasLtHandle_t lightHandle, cublasLtMatmulDesc_t operationDesc,
                                                     cublasLtMatrixLayout_t Adesc, cublasLtMatrixLayout_t Bdesc,
                                                     cublasLtMatrixLayout_t Cdesc, cublasLtMatrixLayout_t Ddesc,
                                                     cublasLtMatmulPreference_t preference, int requestedAlgoCount,
                                                     cublasLtMatmulHeuristicResult_t heuristicResultsArray[],
                                                     int* returnAlgoCount, WS_CUDACPU_WHERE) {
  const char* api = "cublasLtMatmulAlgoGetHeuristic";
  (void)preference;
  cudacpu::blaslt::matmul_call g{};
  if (const cublasStatus_t s =
          cudacpu::blaslt::check_matmul(api, lightHandle, operationDesc, Adesc, Bdesc, Cdesc, Ddesc, &g, where);
      s != CUBLAS_STATUS_SUCCESS)
    return s;
  if (requestedAlgoCount <= 0 || heuristicResultsArray == nullptr || returnAlgoCount == nullptr)
    return cudacpu::blas::fail(CUBLAS_STATUS_INVALID_VALUE, where,
                               "%s: requestedAlgoCount = %d, or a null result array or count", api,
                               requestedAlgoCount);
  cublasLtMatmulHeuristicResult_t r{};
  r.workspaceSize = 0;
  r.state = CUBLAS_STATUS_SUCCESS;
  r.wavesCount = 1.0f;
  heuristicResultsArray[0] = r;
  *returnAlgoCount = 1;
  return CUBLAS_STATUS_SUCCESS;
}

/// D = epilogue(alpha * op(A) op(B) + beta * C [+ bias]) for each matrix of the batch (see the file's description).
/// @param lightHandle the handle
/// @param computeDesc the matmul descriptor (types, operations, pointer mode, epilogue, bias)
/// @param alpha scalar of the scale type (host pointer, or device pointer in CUBLASLT_POINTER_MODE_DEVICE)
/// @param A device matrix (Adesc)
/// @param Adesc A's layout
/// @param B device matrix
/// @param Bdesc B's layout
/// @param beta scalar; 0 means C is not read (it may then be null)
/// @param C device matrix, m x n (may be D itself, with the same layout)
/// @param Cdesc C's layout
/// @param D device matrix, m x n, written
/// @param Ddesc D's layout
/// @param algo an algorithm from cublasLtMatmulAlgoGetHeuristic, or null (ignored)
/// @param workspace device workspace (unused)
/// @param workspaceSizeInBytes its size
/// @param stream the stream (the call runs when it is made, which is the stream's order)
/// @return CUBLAS_STATUS_SUCCESS, or the status cuBLASLt gives for the misuse
inline cublasStatus_t cublasLtMatmul(cublasLtHandle_t lightHandle, cublasLtMatmulDesc_t computeDesc,
                                     const void* alpha, const void* A, cublasLtMatrixLayout_t Adesc, const void* B,
                                     cublasLtMatrixLayout_t Bdesc, const void* beta, const void* C,
                                     cublasLtMatrixLayout_t Cdesc, void* D, cublasLtMatrixLayout_t Ddesc,
                                     const cublasLtMatmulAlgo_t* algo, void* workspace,
                                     std::size_t workspaceSizeInBytes, cudaStream_t stream, WS_CUDACPU_WHERE) {
  namespace lt = cudacpu::blaslt;
  const char* api = "cublasLtMatmul";
  (void)algo;
  (void)workspace;
  (void)workspaceSizeInBytes;
  (void)stream;
  // Counted by the runtime's work watch as library work, like the cuBLAS stand-in's GEMMs.
  const cudacpu::detail::device_work work(cudacpu::detail::work_kind::library);
  lt::matmul_call g{};
  if (const cublasStatus_t s = lt::check_matmul(api, lightHandle, computeDesc, Adesc, Bdesc, Cdesc, Ddesc, &g, where);
      s != CUBLAS_STATUS_SUCCESS)
    return s;
  if (alpha == nullptr || beta == nullptr)
    return cudacpu::blas::fail(CUBLAS_STATUS_INVALID_VALUE, where, "%s: %s is a null pointer", api,
                               alpha == nullptr ? "alpha" : "beta");
  lt::elem scale = lt::elem::f32;
  const std::int32_t scale_type = computeDesc->attr.get<std::int32_t>(CUBLASLT_MATMUL_DESC_SCALE_TYPE);
  cudacpu::blas::to_elem(static_cast<cudaDataType>(scale_type), &scale);
  if (scale == lt::elem::f64) return lt::matmul<double>(api, g, computeDesc, alpha, beta, A, B, C, D, scale, where);
  return lt::matmul<float>(api, g, computeDesc, alpha, beta, A, B, C, D, scale, where);
}
