/// @file rotate.cuh
/// @brief A kernel kept in a header, as books and samples do: its `__shared__` tile, a `__shared__` variable at
///        namespace scope (one per block, as in CUDA) and the launch in the inline launcher below are translated with
///        the header (the .cu includes it with quotes), line numbers kept.
#pragma once

#include "rotate_config.h"

/// The block's first element, kept at namespace scope: each block has its own.
__shared__ int block_first;

/// Rotates each block's slice of `data` left by one, through a `__shared__` tile.
__global__ void rotate_kernel(int* data) {
  __shared__ int tile[k_rotate_block];
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  tile[threadIdx.x] = data[i];
  if (threadIdx.x == 0) block_first = data[i];
  __syncthreads();
  data[i] = threadIdx.x + 1 == k_rotate_block ? block_first : tile[threadIdx.x + 1];
}

/// Launches rotate_kernel over `n` elements (a multiple of k_rotate_block).
inline void rotate_blocks(int* data, int n) { rotate_kernel<<<n / k_rotate_block, k_rotate_block>>>(data); }
