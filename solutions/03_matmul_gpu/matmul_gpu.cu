/// @file
/// @brief Lab 03: matrix multiply on the GPU, C (m x n) = A (m x k) · B (k x n), row-major, any shape.
///
/// What this file teaches: one thread per element of C in two-dimensional blocks and grids; why the mapping of
/// threads to elements decides whether a warp's memory accesses are coalesced; and shared-memory tiling with
/// `__syncthreads()`, which cuts the global loads per output from 2k to 2k/32.
///
/// Versions: "naive" (threadIdx.x along the rows of C: uncoalesced), "coalesced" (threadIdx.x along the columns),
/// "tiled" (32 x 32 tiles of A and B staged in shared memory). All use blocks of 32 x 32 threads.
///
/// Build and test: `./course check 03` (on a GPU when there is one, otherwise on the CPU backend).
/// Time it:        `./course bench matmul`.
#include <cstddef>
#include <stdexcept>
#include <string>

#include <cuda_runtime.h>

#include <ws/cuda_check.hpp>

#include "lab03_manifest.hpp"  // the versions, generated from lab.json
#include "matmul_gpu.h"

namespace lab03 {

// ---------------------------------------------------------------------------------------------------------------
// CPU reference

void matmul_cpu_reference(const float* a, const float* b, float* c, int m, int n, int k) {
  for (int i = 0; i < m; ++i) {
    float* c_row = c + static_cast<std::size_t>(i) * n;
    for (int j = 0; j < n; ++j) {
      c_row[j] = 0.0f;
    }
    // i-k-j: the inner loop walks B and C with stride 1.
    for (int p = 0; p < k; ++p) {
      const float a_ip = a[static_cast<std::size_t>(i) * k + p];
      const float* b_row = b + static_cast<std::size_t>(p) * n;
      for (int j = 0; j < n; ++j) {
        c_row[j] += a_ip * b_row[j];
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Kernels

/// Side of every thread block (32 x 32 = 1024 threads, the most a block may have) and of the shared-memory tiles.
/// 32 is also the warp size: the 32 threads with the same threadIdx.y and consecutive threadIdx.x are one warp.
constexpr int TILE = 32;

/// @brief One thread per element of C; x indices run along the rows of C, y indices along its columns.
/// @param a,b,c,m,n,k as for launch_matmul_naive(); launched by it.
__global__ void matmul_kernel_naive(const float* a, const float* b, float* c, int m, int n, int k) {
  // BEGIN SOLUTION: row = blockIdx.x * blockDim.x + threadIdx.x, col = the same in y; if row < m and col < n, sum a[row * k + p] * b[p * n + col] over p in a float, then write c[row * n + col] once
  const int row = blockIdx.x * blockDim.x + threadIdx.x;
  const int col = blockIdx.y * blockDim.y + threadIdx.y;
  if (row < m && col < n) {
    // Sum in a register and write C once: C is an output, whatever it held before is overwritten.
    float sum = 0.0f;
    for (int p = 0; p < k; ++p) {
      sum += a[row * k + p] * b[p * n + col];
    }
    c[row * n + col] = sum;
  }
  // END SOLUTION
}

/// @brief As matmul_kernel_naive, with x and y swapped: x indices run along the columns of C, y along its rows.
/// @param a,b,c,m,n,k as for launch_matmul_coalesced(); launched by it.
__global__ void matmul_kernel_coalesced(const float* a, const float* b, float* c, int m, int n, int k) {
  // BEGIN SOLUTION: as matmul_kernel_naive with x and y swapped: col = blockIdx.x * blockDim.x + threadIdx.x, row = the same in y
  const int col = blockIdx.x * blockDim.x + threadIdx.x;
  const int row = blockIdx.y * blockDim.y + threadIdx.y;
  if (row < m && col < n) {
    // A warp shares row and has 32 consecutive cols: a[row * k + p] is one address for all 32 threads (a
    // broadcast), b[p * n + col] 32 consecutive floats, so each step is one 128-byte load for the whole warp.
    float sum = 0.0f;
    for (int p = 0; p < k; ++p) {
      sum += a[row * k + p] * b[p * n + col];
    }
    c[row * n + col] = sum;
  }
  // END SOLUTION
}

/// @brief As matmul_kernel_coalesced, but the block stages TILE x TILE tiles of A and B in shared memory.
/// @param a,b,c,m,n,k as for launch_matmul_tiled(); launched by it with TILE x TILE blocks.
__global__ void matmul_kernel_tiled(const float* a, const float* b, float* c, int m, int n, int k) {
  // The block computes the TILE x TILE tile of C at block row blockIdx.y, block column blockIdx.x. It walks along k
  // one tile at a time; at each step:
  //   1. every thread loads one element of A's tile and one of B's into shared memory (0 outside the matrices),
  //   2. __syncthreads(): both tiles are complete before anyone reads them,
  //   3. every thread adds the TILE products of its row of a_tile and its column of b_tile to its sum,
  //   4. __syncthreads(): everyone has finished reading before the next step overwrites the tiles.
  // A thread outside C must not return early: it still loads its share of the tiles and reaches every barrier.
  // BEGIN SOLUTION: declare __shared__ float a_tile[TILE][TILE] and b_tile[TILE][TILE]; row and col as in the coalesced kernel; steps 1 to 4 for t = 0, TILE, 2 * TILE, ... while t < k (a_tile[ty][tx] = a[row * k + t + tx], b_tile[ty][tx] = b[(t + ty) * n + col]); then write c[row * n + col] if inside C
  __shared__ float a_tile[TILE][TILE];
  __shared__ float b_tile[TILE][TILE];
  const int tx = threadIdx.x;
  const int ty = threadIdx.y;
  const int col = blockIdx.x * TILE + tx;
  const int row = blockIdx.y * TILE + ty;
  float sum = 0.0f;
  for (int t = 0; t < k; t += TILE) {
    // Consecutive tx read consecutive addresses of A's row and of B's row: both loads are coalesced. The zeros
    // pad the last tile along k and the tiles that stick out past m or n; they add nothing to the sum.
    a_tile[ty][tx] = (row < m && t + tx < k) ? a[row * k + t + tx] : 0.0f;
    b_tile[ty][tx] = (t + ty < k && col < n) ? b[(t + ty) * n + col] : 0.0f;
    __syncthreads();
    for (int p = 0; p < TILE; ++p) {
      sum += a_tile[ty][p] * b_tile[p][tx];
    }
    __syncthreads();
  }
  if (row < m && col < n) {
    c[row * n + col] = sum;
  }
  // END SOLUTION
}

// ---------------------------------------------------------------------------------------------------------------
// Launchers
//
// Each launches one thread per element of C in blocks of TILE x TILE threads. m or n = 0 would make a grid of zero
// blocks, which is a launch error, so they return first. k = 0 is fine: every thread writes a zero.

void launch_matmul_naive(const float* a, const float* b, float* c, int m, int n, int k) {
  if (m == 0 || n == 0) {
    return;
  }
  const dim3 block(TILE, TILE);
  // BEGIN SOLUTION: the grid, rounded up: x covers the m rows (x is this kernel's row), y the n columns
  const dim3 grid((m + TILE - 1) / TILE, (n + TILE - 1) / TILE);
  // STARTER: const dim3 grid(m / TILE, n / TILE);
  // END SOLUTION
  matmul_kernel_naive<<<grid, block>>>(a, b, c, m, n, k);
  WS_CUDA_CHECK_LAST();
}

void launch_matmul_coalesced(const float* a, const float* b, float* c, int m, int n, int k) {
  if (m == 0 || n == 0) {
    return;
  }
  const dim3 block(TILE, TILE);
  // BEGIN SOLUTION: the grid, rounded up: x covers the n columns (x is this kernel's column), y the m rows
  const dim3 grid((n + TILE - 1) / TILE, (m + TILE - 1) / TILE);
  // STARTER: const dim3 grid(n / TILE, m / TILE);
  // END SOLUTION
  matmul_kernel_coalesced<<<grid, block>>>(a, b, c, m, n, k);
  WS_CUDA_CHECK_LAST();
}

void launch_matmul_tiled(const float* a, const float* b, float* c, int m, int n, int k) {
  if (m == 0 || n == 0) {
    return;
  }
  const dim3 block(TILE, TILE);
  // BEGIN SOLUTION: the same grid as in launch_matmul_coalesced, rounded up
  const dim3 grid((n + TILE - 1) / TILE, (m + TILE - 1) / TILE);
  // STARTER: const dim3 grid(n / TILE, m / TILE);
  // END SOLUTION
  matmul_kernel_tiled<<<grid, block>>>(a, b, c, m, n, k);
  WS_CUDA_CHECK_LAST();
}

// ---------------------------------------------------------------------------------------------------------------
// Dispatcher

std::vector<std::string_view> matmul_gpu_versions() {
  return {manifest::matmul_gpu_versions.begin(), manifest::matmul_gpu_versions.end()};
}

void launch_matmul(std::string_view version, const float* a, const float* b, float* c, int m, int n, int k) {
  if (version == "naive") {
    launch_matmul_naive(a, b, c, m, n, k);
  } else if (version == "coalesced") {
    launch_matmul_coalesced(a, b, c, m, n, k);
  } else if (version == "tiled") {
    launch_matmul_tiled(a, b, c, m, n, k);
  } else {
    throw std::invalid_argument("lab03: unknown matmul version '" + std::string(version) + "'");
  }
}

}  // namespace lab03
