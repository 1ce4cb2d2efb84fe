/// @file
/// @brief Deliberately buggy: a `__syncthreads()` only half the block reaches (divergent barrier).
///        Run by errors_tests.cpp, which expects the report at the line marked BUG.
#include <cstdio>

__global__ void normalize_first_half(float* data) {
  __shared__ float scale;
  if (threadIdx.x < 16) {
    if (threadIdx.x == 0) scale = 2.0f;
    __syncthreads();  // BUG:divergent
  }
  __syncthreads();
  data[threadIdx.x] *= scale;
}

int main() {
  float* d = nullptr;
  cudaMalloc(&d, 64 * sizeof(float));
  cudaMemset(d, 0, 64 * sizeof(float));
  normalize_first_half<<<1, 64>>>(d);
  std::printf("after: %s\n", cudaGetErrorName(cudaDeviceSynchronize()));
  return 0;
}
