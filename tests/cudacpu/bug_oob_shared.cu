/// @file
/// @brief Deliberately buggy (memory mode): an off-by-one index writes past the end of a `__shared__` array.
///        With the argument "fixed" the index is right and the program must run clean.
#include <cstdio>
#include <cstring>

__global__ void shift_through_shared(float* data, int shift) {
  __shared__ float tile[64];
  __shared__ float other[64];
  int t = threadIdx.x;
  other[t] = 0.0f;
  tile[t + shift] = data[t];  // BUG:oob_shared
  __syncthreads();
  data[t] = tile[t] + other[t];
}

int main(int argc, char** argv) {
  const bool fixed = argc > 1 && std::strcmp(argv[1], "fixed") == 0;
  float* d = nullptr;
  cudaMalloc(&d, 64 * sizeof(float));
  cudaMemset(d, 0, 64 * sizeof(float));
  shift_through_shared<<<2, 64>>>(d, fixed ? 0 : 1);
  std::printf("after: %s\n", cudaGetErrorName(cudaDeviceSynchronize()));
  cudaFree(d);
  return 0;
}
