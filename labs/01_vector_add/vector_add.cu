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
  // TODO(lab01): compute this thread's global index; if it is inside the vector, add one element
}

/// @brief out[i] = alpha * x[i] + y[i], one thread per element.
__global__ void saxpy_kernel_one_per_thread(float alpha, const float* x, const float* y, float* out, int n) {
  // TODO(lab01): like vector_add_kernel, one element per thread
}

/// @brief out[i] = alpha * x[i] + y[i]; each thread strides over the vector by the size of the whole grid.
__global__ void saxpy_kernel_grid_stride(float alpha, const float* x, const float* y, float* out, int n) {
  // TODO(lab01): start at the global index and step by the number of threads in the grid (gridDim.x * blockDim.x)
}

// ---------------------------------------------------------------------------------------------------------------
// Launchers

namespace {

/// Blocks needed to give every one of n elements its own thread.
int blocks_for(int n, int block_size) {
  // TODO(lab01): round up: enough blocks of block_size threads to cover n elements
  return n / block_size;
}

}  // namespace

void launch_vector_add(const float* a, const float* b, float* c, int n, int block_size) {
  // TODO(lab01): launch vector_add_kernel over n elements (a grid of zero blocks is an error: return early when n is 0), then check for a launch error
}

void launch_saxpy_one_per_thread(float alpha, const float* x, const float* y, float* out, int n, int block_size) {
  // TODO(lab01): as launch_vector_add, with saxpy_kernel_one_per_thread
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
  // TODO(lab01): launch saxpy_kernel_grid_stride with `blocks` blocks, then check for a launch error
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
  // TODO(lab01): allocate d_x and d_y (n floats each) with cudaMalloc, copy x and y in (cudaMemcpyHostToDevice), run launch_saxpy_one_per_thread writing into d_y, copy d_y back into out (cudaMemcpyDeviceToHost); wrap every call in WS_CUDA_CHECK
  WS_CUDA_CHECK(cudaFree(d_x));
  WS_CUDA_CHECK(cudaFree(d_y));
}

}  // namespace lab01
