/// @file
/// @brief Deliberately buggy: lanes of one warp pass different masks to the same shuffle.
#include <cstdio>

__global__ void mismatched_masks(int* out) {
  int lane = threadIdx.x % 32;
  unsigned mask = lane < 16 ? 0xffffffffu : 0xffff0000u;
  int v = lane;
  v += __shfl_xor_sync(mask, v, 1);  // BUG:mask
  out[threadIdx.x] = v;
}

int main() {
  int* d = nullptr;
  cudaMalloc(&d, 32 * sizeof(int));
  mismatched_masks<<<1, 32>>>(d);
  std::printf("after: %s\n", cudaGetErrorName(cudaDeviceSynchronize()));
  return 0;
}
