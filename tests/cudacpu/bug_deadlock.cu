/// @file
/// @brief Deliberately buggy: half a warp waits in a full-mask shuffle while the other half waits at a barrier.
#include <cstdio>

__global__ void half_warp_shuffle(int* out) {
  int v = threadIdx.x;
  if (threadIdx.x % 32 < 16) v += __shfl_down_sync(0xffffffff, v, 1);  // BUG:deadlock
  __syncthreads();
  out[threadIdx.x] = v;
}

int main() {
  int* d = nullptr;
  cudaMalloc(&d, 64 * sizeof(int));
  half_warp_shuffle<<<1, 64>>>(d);
  std::printf("after: %s\n", cudaGetErrorName(cudaDeviceSynchronize()));
  return 0;
}
