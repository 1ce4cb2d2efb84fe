/// @file
/// @brief Deliberately buggy (memory mode): a float4 load from an address that is not 16-byte aligned. x86 loads
///        it without complaint; a GPU faults (misaligned address). With the argument "fixed" every load is aligned
///        and the program must run clean.
#include <cstdio>
#include <cstring>

__global__ void sum4(const float* data, float* out, int offset) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  const float4 v = *reinterpret_cast<const float4*>(data + offset + 4 * i);  // BUG:misaligned
  out[i] = v.x + v.y + v.z + v.w;
}

int main(int argc, char** argv) {
  const bool fixed = argc > 1 && std::strcmp(argv[1], "fixed") == 0;
  const int n = 64;
  float* data = nullptr;
  float* out = nullptr;
  cudaMalloc(&data, (4 * n + 4) * sizeof(float));
  cudaMalloc(&out, n * sizeof(float));
  cudaMemset(data, 0, (4 * n + 4) * sizeof(float));
  // One float past the start of a cudaMalloc block (256-byte aligned): every float4 is 4 bytes off.
  sum4<<<2, n / 2>>>(data, out, fixed ? 0 : 1);
  std::printf("after: %s\n", cudaGetErrorName(cudaDeviceSynchronize()));
  cudaFree(data);
  cudaFree(out);
  return 0;
}
