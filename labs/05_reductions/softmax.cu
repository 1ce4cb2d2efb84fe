/// @file
/// @brief Lab 05, application: a numerically stable row-wise softmax and log-sum-exp, built from a max-reduction
/// and a sum-reduction per row (lab 08's classifier needs both).
///
/// What this file teaches: why softmax subtracts the row's maximum (exp(89) already overflows a float; a logit of
/// 1e30 would turn the row into NaN); a reduction per row with a block and with a warp; and the online softmax
/// (Milakov and Gimelshein, 2018), which finds the maximum and the sum in one pass by rescaling the running sum
/// whenever the maximum grows: two passes over the row instead of three.
///
/// Versions ("softmax"): "block_per_row", "warp_per_row", "online". launch_logsumexp_rows() uses the online pass.
///
/// Build and test: `./course check 05` (on a GPU when there is one, otherwise on the CPU backend).
/// Time it:        `./course bench softmax`.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <cuda_runtime.h>

#include <ws/cuda_check.hpp>

#include "reductions.h"

namespace lab05 {

// ---------------------------------------------------------------------------------------------------------------
// CPU reference

/// @brief exp(x - m) for an x that is at most m, where an x equal to m counts exactly 1.
///
/// The special case matters only when both are -inf (a row of -inf, or the start of a running maximum): -inf - -inf
/// is NaN, and such a row is defined as uniform, the limit of a row of equal values.
__host__ __device__ inline float exp_shifted(float x, float m) { return x == m ? 1.0f : expf(x - m); }

void softmax_rows_cpu(const float* x, float* y, int rows, int cols) {
  for (int r = 0; r < rows; ++r) {
    const float* row_x = x + static_cast<std::int64_t>(r) * cols;
    float* row_y = y + static_cast<std::int64_t>(r) * cols;
    float m = -INFINITY;
    for (int j = 0; j < cols; ++j) {
      m = std::fmax(m, row_x[j]);
    }
    float s = 0.0f;
    for (int j = 0; j < cols; ++j) {
      s += exp_shifted(row_x[j], m);
    }
    for (int j = 0; j < cols; ++j) {
      row_y[j] = exp_shifted(row_x[j], m) / s;
    }
  }
}

void logsumexp_rows_cpu(const float* x, float* out, int rows, int cols) {
  for (int r = 0; r < rows; ++r) {
    const float* row_x = x + static_cast<std::int64_t>(r) * cols;
    float m = -INFINITY;
    for (int j = 0; j < cols; ++j) {
      m = std::fmax(m, row_x[j]);
    }
    float s = 0.0f;
    for (int j = 0; j < cols; ++j) {
      s += exp_shifted(row_x[j], m);
    }
    out[r] = m + std::log(s);  // all -inf: -inf + log(cols) = -inf; cols = 0: -inf + log(0) = -inf
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Kernels

/// Threads per block of "block_per_row" (a power of two: its trees halve it).
constexpr int SOFTMAX_BLOCK = 256;
/// Threads per warp.
constexpr int SOFTMAX_WARP = 32;
/// Rows per block of the warp-per-row kernels: one per warp.
constexpr int WARPS_PER_BLOCK = 8;
/// Every lane of a warp.
constexpr unsigned ALL_LANES = 0xffffffffu;

/// @brief The maximum (@p is_max) or the sum of @p v over the block, returned to every thread. Every thread of the
/// block must call it; @p scratch holds SOFTMAX_BLOCK floats of shared memory, free again when it returns.
__device__ float block_all_reduce(float v, float* scratch, bool is_max) {
  const unsigned tid = threadIdx.x;
  scratch[tid] = v;
  __syncthreads();
  for (unsigned s = SOFTMAX_BLOCK / 2; s > 0; s >>= 1) {
    if (tid < s) {
      scratch[tid] = is_max ? fmaxf(scratch[tid], scratch[tid + s]) : scratch[tid] + scratch[tid + s];
    }
    __syncthreads();
  }
  const float result = scratch[0];
  __syncthreads();  // everyone has read scratch[0] before the next call overwrites it
  return result;
}

/// @brief Version "block_per_row": block r handles row r in three passes, each thread taking every
/// SOFTMAX_BLOCK-th column: the row's maximum, the sum of exp(x - max), then the outputs.
__global__ void softmax_kernel_block_per_row(const float* x, float* y, int cols) {
  __shared__ float scratch[SOFTMAX_BLOCK];
  const float* row_x = x + static_cast<std::int64_t>(blockIdx.x) * cols;
  float* row_y = y + static_cast<std::int64_t>(blockIdx.x) * cols;
  // TODO(lab05): three passes over the row with a stride of SOFTMAX_BLOCK: what does each thread accumulate in each pass (start from which value?), and what must the whole block agree on before the next pass can start? block_all_reduce() gives every thread the block's result.
  for (int j = static_cast<int>(threadIdx.x); j < cols; j += SOFTMAX_BLOCK) {
    scratch[threadIdx.x] = expf(row_x[j]);
    row_y[j] = scratch[threadIdx.x];
  }
}

/// @brief The maximum of @p v over the warp, in every lane (a butterfly: after steps with lane masks 16, 8, 4, 2, 1
/// each lane has combined all 32 values). All 32 lanes must call it.
__device__ float warp_all_max(float v) {
  // TODO(lab05): five steps of __shfl_xor_sync(ALL_LANES, v, mask): which masks, and how do you combine the value you receive with your own?
  return v;
}

/// @brief The sum of @p v over the warp, in every lane (as warp_all_max). All 32 lanes must call it.
__device__ float warp_all_sum(float v) {
  // TODO(lab05): as warp_all_max(), adding
  return v;
}

/// @brief Version "warp_per_row": warp w of block b handles row b * WARPS_PER_BLOCK + w, in the same three passes
/// as "block_per_row", with warp shuffles instead of shared memory and barriers.
__global__ void softmax_kernel_warp_per_row(const float* x, float* y, int rows, int cols) {
  const int lane = static_cast<int>(threadIdx.x) % SOFTMAX_WARP;
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * WARPS_PER_BLOCK + threadIdx.x / SOFTMAX_WARP;
  if (row >= rows) {
    return;  // the whole warp leaves together, so the shuffles below still see all 32 lanes
  }
  const float* row_x = x + row * cols;
  float* row_y = y + row * cols;
  // TODO(lab05): the three passes of block_per_row, with a stride of one warp, and warp_all_max() / warp_all_sum() in place of the block's trees
  for (int j = lane; j < cols; j += SOFTMAX_WARP) {
    row_y[j] = expf(row_x[j]);
  }
}

/// @brief A running maximum @p m and running sum @p s = sum of exp(x - m) over the values seen; adds one value.
///
/// When @p v raises the maximum, the sum so far was relative to the old maximum: multiplying it by
/// exp(old - new) makes it relative to the new one.
__device__ void online_add(float& m, float& s, float v) {
  // TODO(lab05): two cases: v above the running maximum (what happens to s, then to m?) or not (what is added to s?). Use exp_shifted(), never exp() of a positive number.
  s += expf(v);
  m = 0.0f;
}

/// @brief Merges another lane's running (m2, s2) into (m, s): both sums rescaled to the larger maximum, then added.
__device__ void online_merge(float& m, float& s, float m2, float s2) {
  const float top = fmaxf(m, m2);
  s = s * exp_shifted(m, top) + s2 * exp_shifted(m2, top);
  m = top;
}

/// @brief One pass over a row by one warp: every lane folds its columns into a running (max, sum), then the lanes
/// merge theirs by a butterfly, so every lane ends with the row's maximum and sum of exp(x - max).
__device__ void warp_online_max_sum(const float* row_x, int cols, float& m, float& s) {
  const int lane = static_cast<int>(threadIdx.x) % SOFTMAX_WARP;
  m = -INFINITY;
  s = 0.0f;
  for (int j = lane; j < cols; j += SOFTMAX_WARP) {
    online_add(m, s, row_x[j]);
  }
  for (int mask = SOFTMAX_WARP / 2; mask > 0; mask /= 2) {
    const float m2 = __shfl_xor_sync(ALL_LANES, m, mask);
    const float s2 = __shfl_xor_sync(ALL_LANES, s, mask);
    online_merge(m, s, m2, s2);
  }
}

/// @brief Version "online": a warp per row; the maximum and the sum in one pass, then the outputs.
__global__ void softmax_kernel_online(const float* x, float* y, int rows, int cols) {
  const int lane = static_cast<int>(threadIdx.x) % SOFTMAX_WARP;
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * WARPS_PER_BLOCK + threadIdx.x / SOFTMAX_WARP;
  if (row >= rows) {
    return;
  }
  const float* row_x = x + row * cols;
  float* row_y = y + row * cols;
  float m = 0.0f;
  float s = 0.0f;
  warp_online_max_sum(row_x, cols, m, s);
  for (int j = lane; j < cols; j += SOFTMAX_WARP) {
    row_y[j] = exp_shifted(row_x[j], m) / s;
  }
}

/// @brief Log-sum-exp of each row: the online pass, then out[row] = max + log(sum) (lane 0 writes it).
__global__ void logsumexp_kernel(const float* x, float* out, int rows, int cols) {
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * WARPS_PER_BLOCK + threadIdx.x / SOFTMAX_WARP;
  if (row >= rows) {
    return;
  }
  float m = 0.0f;
  float s = 0.0f;
  warp_online_max_sum(x + row * cols, cols, m, s);
  if (threadIdx.x % SOFTMAX_WARP == 0) {
    out[row] = m + logf(s);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Launchers

namespace {

void require_shape(int rows, int cols) {
  if (rows < 0 || cols < 0) {
    throw std::invalid_argument("lab05: softmax: negative shape " + std::to_string(rows) + " x " +
                                std::to_string(cols));
  }
}

/// Blocks of the warp-per-row kernels: one warp per row, WARPS_PER_BLOCK rows per block, rounded up.
dim3 warp_per_row_grid(int rows) { return dim3(static_cast<unsigned>((rows + WARPS_PER_BLOCK - 1) / WARPS_PER_BLOCK)); }

void launch_softmax_block_per_row(const float* x, float* y, int rows, int cols) {
  softmax_kernel_block_per_row<<<rows, SOFTMAX_BLOCK>>>(x, y, cols);
  WS_CUDA_CHECK_LAST();
}

void launch_softmax_warp_per_row(const float* x, float* y, int rows, int cols) {
  softmax_kernel_warp_per_row<<<warp_per_row_grid(rows), WARPS_PER_BLOCK * SOFTMAX_WARP>>>(x, y, rows, cols);
  WS_CUDA_CHECK_LAST();
}

void launch_softmax_online(const float* x, float* y, int rows, int cols) {
  softmax_kernel_online<<<warp_per_row_grid(rows), WARPS_PER_BLOCK * SOFTMAX_WARP>>>(x, y, rows, cols);
  WS_CUDA_CHECK_LAST();
}

}  // namespace

void launch_logsumexp_rows(const float* x, float* out, int rows, int cols) {
  require_shape(rows, cols);
  if (rows == 0) {
    return;
  }
  logsumexp_kernel<<<warp_per_row_grid(rows), WARPS_PER_BLOCK * SOFTMAX_WARP>>>(x, out, rows, cols);
  WS_CUDA_CHECK_LAST();
}

// ---------------------------------------------------------------------------------------------------------------
// Dispatcher

void launch_softmax_rows(std::string_view version, const float* x, float* y, int rows, int cols) {
  require_shape(rows, cols);
  void (*launch)(const float*, float*, int, int) = nullptr;
  if (version == "block_per_row") {
    launch = launch_softmax_block_per_row;
  } else if (version == "warp_per_row") {
    launch = launch_softmax_warp_per_row;
  } else if (version == "online") {
    launch = launch_softmax_online;
  } else {
    throw std::invalid_argument("lab05: unknown softmax version '" + std::string(version) + "'");
  }
  if (rows == 0 || cols == 0) {
    return;
  }
  launch(x, y, rows, cols);
}

}  // namespace lab05
