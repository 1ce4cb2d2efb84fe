/// @file
/// @brief The GPU's measured read bandwidth for the results' machine record (`gpu_bandwidth_measured_gbs`): a sum
/// over a large device array, the device twin of the harness's STREAM-like CPU read. Built for the cuda backend only
/// (the CPU backend's "device memory" is host memory: the CPU read already measures it).
#include <algorithm>
#include <cstdint>

#include <cuda_runtime.h>

#include <ws/cuda_check.hpp>
#include <ws/cuda_timer.hpp>
#include <ws/device_buffer.hpp>

namespace bench {
namespace {

constexpr int READ_BLOCK = 256;

/// Each thread sums float4s with a grid-stride loop (16-byte loads, every byte read once), one atomicAdd per block:
/// the result is "used", so the reads cannot be dropped, and the atomics are too few to cost anything.
__global__ void read_kernel(const float4* __restrict__ in, std::int64_t count4, float* out) {
  float sum = 0;
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count4; i += stride) {
    const float4 v = in[i];
    sum += (v.x + v.y) + (v.z + v.w);
  }
  __shared__ float partial[READ_BLOCK];
  partial[threadIdx.x] = sum;
  __syncthreads();
  for (int s = READ_BLOCK / 2; s > 0; s /= 2) {
    if (static_cast<int>(threadIdx.x) < s) partial[threadIdx.x] += partial[threadIdx.x + s];
    __syncthreads();
  }
  if (threadIdx.x == 0) atomicAdd(out, partial[0]);
}

}  // namespace

/// Reads a 1 GiB array (a quarter of the free memory when less is free) with read_kernel, best of 10 runs after a
/// warm-up; returns GB/s (10^9 bytes per second).
double measure_gpu_read_gbs() {
  std::size_t free_bytes = 0, total_bytes = 0;
  WS_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  const std::size_t bytes = std::min<std::size_t>(std::size_t{1} << 30, free_bytes / 4) & ~std::size_t{15};
  const auto count4 = static_cast<std::int64_t>(bytes / sizeof(float4));
  ws::device_buffer<float4> data(static_cast<std::size_t>(count4));
  ws::device_buffer<float> out(1);
  WS_CUDA_CHECK(cudaMemset(data.data(), 0, bytes));
  int device = 0, sms = 0;
  WS_CUDA_CHECK(cudaGetDevice(&device));
  WS_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  const int blocks = sms * 8;  // enough loads in flight to cover the memory latency on every SM
  ws::cuda_event_timer timer;
  double best_ms = 1e30;
  for (int run = 0; run < 11; ++run) {
    timer.start();
    read_kernel<<<blocks, READ_BLOCK>>>(data.data(), count4, out.data());
    timer.stop();
    WS_CUDA_CHECK_LAST();
    if (run > 0) best_ms = std::min(best_ms, timer.elapsed_ms());  // run 0 is the warm-up
  }
  return static_cast<double>(bytes) / (best_ms * 1e6);
}

}  // namespace bench
