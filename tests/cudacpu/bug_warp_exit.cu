/// @file
/// @brief Deliberately buggy: an early return before a full-warp reduction (lanes named in the mask exit).
#include <cstdio>

__global__ void sum_with_early_return(const int* in, int* out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  int v = in[i];
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffff, v, offset);  // BUG:exit
  if (threadIdx.x % 32 == 0) atomicAdd(out, v);
}

int main() {
  int *in = nullptr, *out = nullptr;
  cudaMalloc(&in, 64 * sizeof(int));
  cudaMalloc(&out, sizeof(int));
  cudaMemset(in, 0, 64 * sizeof(int));
  cudaMemset(out, 0, sizeof(int));
  sum_with_early_return<<<1, 64>>>(in, out, 48);
  std::printf("after: %s\n", cudaGetErrorName(cudaDeviceSynchronize()));
  return 0;
}
