/// @file
/// @brief Deliberately buggy: thread 0 spins on a flag that thread 1 only sets after a barrier thread 0 never
///        reaches. errors_tests.cpp runs it with WS_CPU_SPIN_TIMEOUT=0.3.
#include <cstdio>

__global__ void wait_for_flag(int* flag) {
  if (threadIdx.x == 0) {
    while (atomicCAS(flag, 1, 1) != 1) {  // BUG:livelock
    }
  }
  __syncthreads();
  if (threadIdx.x == 1) atomicExch(flag, 1);
}

int main() {
  int* flag = nullptr;
  cudaMalloc(&flag, sizeof(int));
  cudaMemset(flag, 0, sizeof(int));
  wait_for_flag<<<1, 32>>>(flag);
  std::printf("after: %s\n", cudaGetErrorName(cudaDeviceSynchronize()));
  return 0;
}
