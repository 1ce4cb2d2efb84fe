/// @file
/// @brief Lab 01: your first CUDA kernels, vector add and SAXPY (out = alpha * x + y).
///
/// What this file teaches: one thread per element, the global index
/// `blockIdx.x * blockDim.x + threadIdx.x`, the bounds check for sizes that are not a multiple of the block size,
/// rounding the grid size up, grid-stride loops, and the host side of a GPU computation (allocate, copy in,
/// launch, check, copy back).
///
/// Versions: vector_add; saxpy "one_per_thread" and "grid_stride".
///
/// Build and test: `./course check 01` (on a GPU when there is one, otherwise on the CPU backend).
/// Time it:        `./course bench vector_add`.
#include <algorithm>
#include <stdexcept>
#include <string>

#include <cuda_runtime.h>

#include <ws/cuda_check.hpp>

#include "lab01_manifest.hpp"  // the versions, generated from lab.json
#include "vector_add.h"

namespace lab01 {

// ---------------------------------------------------------------------------------------------------------------
// Kernels

/// @brief c[i] = a[i] + b[i], one thread per element.
__global__ void vector_add_kernel(const float* a, const float* b, float* c, int n) {
  // BEGIN SOLUTION: compute this thread's global index; if it is inside the vector, add one element
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    c[i] = a[i] + b[i];
  }
  // END SOLUTION
}

/// @brief out[i] = alpha * x[i] + y[i], one thread per element.
__global__ void saxpy_kernel_one_per_thread(float alpha, const float* x, const float* y, float* out, int n) {
  // BEGIN SOLUTION: like vector_add_kernel, one element per thread
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    out[i] = alpha * x[i] + y[i];
  }
  // END SOLUTION
}

/// @brief out[i] = alpha * x[i] + y[i]; each thread strides over the vector by the size of the whole grid.
__global__ void saxpy_kernel_grid_stride(float alpha, const float* x, const float* y, float* out, int n) {
  // BEGIN SOLUTION: start at the global index and step by the number of threads in the grid (gridDim.x * blockDim.x)
  int stride = gridDim.x * blockDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
    out[i] = alpha * x[i] + y[i];
  }
  // END SOLUTION
}

// ---------------------------------------------------------------------------------------------------------------
// Launchers

namespace {

/// Blocks needed to give every one of n elements its own thread.
int blocks_for(int n, int block_size) {
  // BEGIN SOLUTION: round up: enough blocks of block_size threads to cover n elements
  return (n + block_size - 1) / block_size;
  // STARTER: return n / block_size;
  // END SOLUTION
}

}  // namespace

void launch_vector_add(const float* a, const float* b, float* c, int n, int block_size) {
  // BEGIN SOLUTION: launch vector_add_kernel over n elements (a grid of zero blocks is an error: return early when n is 0), then check for a launch error
  if (n == 0) {
    return;
  }
  vector_add_kernel<<<blocks_for(n, block_size), block_size>>>(a, b, c, n);
  WS_CUDA_CHECK_LAST();
  // END SOLUTION
}

void launch_saxpy_one_per_thread(float alpha, const float* x, const float* y, float* out, int n, int block_size) {
  // BEGIN SOLUTION: as launch_vector_add, with saxpy_kernel_one_per_thread
  if (n == 0) {
    return;
  }
  saxpy_kernel_one_per_thread<<<blocks_for(n, block_size), block_size>>>(alpha, x, y, out, n);
  WS_CUDA_CHECK_LAST();
  // END SOLUTION
}

void launch_saxpy_grid_stride(float alpha, const float* x, const float* y, float* out, int n, int block_size) {
  if (n == 0) {
    return;
  }
  // A few blocks per multiprocessor keep every SM busy; the loop in the kernel covers the rest of the vector.
  int device = 0;
  int sm_count = 0;
  WS_CUDA_CHECK(cudaGetDevice(&device));
  WS_CUDA_CHECK(cudaDeviceGetAttribute(&sm_count, cudaDevAttrMultiProcessorCount, device));
  int blocks = std::min(blocks_for(n, block_size), 4 * sm_count);
  // BEGIN SOLUTION: launch saxpy_kernel_grid_stride with `blocks` blocks, then check for a launch error
  saxpy_kernel_grid_stride<<<blocks, block_size>>>(alpha, x, y, out, n);
  WS_CUDA_CHECK_LAST();
  // END SOLUTION
}

// ---------------------------------------------------------------------------------------------------------------
// Dispatcher and host wrapper

std::vector<std::string_view> saxpy_versions() {
  return {manifest::saxpy_versions.begin(), manifest::saxpy_versions.end()};
}

void launch_saxpy(std::string_view version, float alpha, const float* x, const float* y, float* out, int n,
                  int block_size) {
  if (version == "one_per_thread") {
    launch_saxpy_one_per_thread(alpha, x, y, out, n, block_size);
  } else if (version == "grid_stride") {
    launch_saxpy_grid_stride(alpha, x, y, out, n, block_size);
  } else {
    throw std::invalid_argument("lab01: unknown saxpy version '" + std::string(version) + "'");
  }
}

void saxpy_gpu(float alpha, const float* x, const float* y, float* out, int n, int block_size) {
  if (n == 0) {
    return;
  }
  float* d_x = nullptr;
  float* d_y = nullptr;
  // BEGIN SOLUTION: allocate d_x and d_y (n floats each) with cudaMalloc, copy x and y in (cudaMemcpyHostToDevice), run launch_saxpy_one_per_thread writing into d_y, copy d_y back into out (cudaMemcpyDeviceToHost); wrap every call in WS_CUDA_CHECK
  const size_t bytes = static_cast<size_t>(n) * sizeof(float);
  WS_CUDA_CHECK(cudaMalloc(&d_x, bytes));
  WS_CUDA_CHECK(cudaMalloc(&d_y, bytes));
  WS_CUDA_CHECK(cudaMemcpy(d_x, x, bytes, cudaMemcpyHostToDevice));
  WS_CUDA_CHECK(cudaMemcpy(d_y, y, bytes, cudaMemcpyHostToDevice));
  launch_saxpy_one_per_thread(alpha, d_x, d_y, d_y, n, block_size);
  // cudaMemcpy waits for the kernel: launches are asynchronous, copies on the default stream are not.
  WS_CUDA_CHECK(cudaMemcpy(out, d_y, bytes, cudaMemcpyDeviceToHost));
  // END SOLUTION
  WS_CUDA_CHECK(cudaFree(d_x));
  WS_CUDA_CHECK(cudaFree(d_y));
}

}  // namespace lab01
