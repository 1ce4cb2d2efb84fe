/// @file
/// @brief Deliberately buggy (races mode): a block reverses an array through shared memory without the
///        `__syncthreads()` between writing and reading. With the argument "fixed" the barrier is there.
///        Thread t writes tile[t] and reads tile[63 - t], so a race on tile[e] is between threads e and 63 - e.
#include <cstdio>
#include <cstring>

__global__ void reverse_block(float* data, bool with_barrier) {
  __shared__ float tile[64];  // BUG:tile_declared
  int t = threadIdx.x;
  tile[t] = data[blockIdx.x * 64 + t];  // BUG:tile_written
  if (with_barrier) __syncthreads();
  data[blockIdx.x * 64 + t] = tile[63 - t];  // BUG:race
}

int main(int argc, char** argv) {
  const bool fixed = argc > 1 && std::strcmp(argv[1], "fixed") == 0;
  float* d = nullptr;
  cudaMalloc(&d, 2 * 64 * sizeof(float));
  cudaMemset(d, 0, 2 * 64 * sizeof(float));
  reverse_block<<<2, 64>>>(d, fixed);
  std::printf("after: %s\n", cudaGetErrorName(cudaDeviceSynchronize()));
  float h[128];
  cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost);
  cudaFree(d);
  return 0;
}
