/// @file rotate.cuh
/// @brief A kernel kept in a header, as books and samples do: its `__shared__` tile and the launch in the inline
///        launcher below are translated with the header (the .cu includes it with quotes), line numbers kept.
#pragma once

#include "rotate_config.h"

/// Rotates each block's slice of `data` left by one, through a `__shared__` tile.
__global__ void rotate_kernel(int* data) {
  __shared__ int tile[k_rotate_block];
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  tile[threadIdx.x] = data[i];
  __syncthreads();
  data[i] = tile[(threadIdx.x + 1) % k_rotate_block];
}

/// Launches rotate_kernel over `n` elements (a multiple of k_rotate_block).
inline void rotate_blocks(int* data, int n) { rotate_kernel<<<n / k_rotate_block, k_rotate_block>>>(data); }
