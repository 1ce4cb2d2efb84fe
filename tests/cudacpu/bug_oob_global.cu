/// @file
/// @brief Deliberately buggy (memory mode): a missing bounds check writes past the end of a cudaMalloc block.
///        With the argument "fixed" the kernel checks its bounds and the program must run clean.
#include <cstdio>
#include <cstring>

__global__ void fill_ones(float* data, int n, bool check) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (check && i >= n) return;
  data[i] = 1.0f;  // BUG:oob_global
}

int main(int argc, char** argv) {
  const bool fixed = argc > 1 && std::strcmp(argv[1], "fixed") == 0;
  const int n = 100;
  float* d = nullptr;
  cudaMalloc(&d, n * sizeof(float));
  fill_ones<<<1, 128>>>(d, n, fixed);
  std::printf("after: %s\n", cudaGetErrorName(cudaDeviceSynchronize()));
  cudaFree(d);
  return 0;
}
