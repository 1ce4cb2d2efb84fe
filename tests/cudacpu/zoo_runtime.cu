/// @file
/// @brief cudacpu zoo: the runtime API's checks and error codes: launch configuration errors, cudaMemcpy range
///        and direction errors, host pointers passed to kernels, use after cudaFree, sticky errors, events,
///        streams and device properties.
#undef NDEBUG  // the device assert below must stay in a release build
#include <cassert>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "zoo_check.h"

__global__ void set_flag(int* flag) {
  if (threadIdx.x == 0 && blockIdx.x == 0) *flag = 1;
}

__global__ void touch_dynamic(int* flag) {
  extern __shared__ unsigned char big[];
  big[threadIdx.x] = 1;
  if (threadIdx.x == 0 && blockIdx.x == 0) *flag = big[0];
}

__global__ void divergent_barrier(int* flag) {
  if (threadIdx.x < 16) {
    __syncthreads();
  } else {
    __syncthreads();
  }
  *flag = 1;
}

__global__ void assert_below(const int* values, int limit, int* done) {
  const int v = values[threadIdx.x];
  assert(v < limit);  // a device assert: the block stops, the host goes on
  atomicAdd(done, 1);
}

__global__ void spin_ticks(long long ticks, long long* spent) {
  const long long start = clock64();
  while (clock64() - start < ticks) {
  }
  const clock_t c0 = clock();
  while (clock() - c0 < static_cast<clock_t>(ticks)) {
  }
  *spent = clock64() - start;
}

// An error macro in the style of cuda-samples' helper_cuda.h, which defines it only when the real runtime headers'
// include guards say the runtime is declared.
#ifdef __DRIVER_TYPES_H__
#ifdef __CUDA_RUNTIME_H__
#define ZOO_GUARDED_CHECK(call) ((call) == cudaSuccess)
#endif
#endif
#ifndef ZOO_GUARDED_CHECK
#error "the stand-in cuda_runtime.h must define the real headers' include guards (__DRIVER_TYPES_H__, __CUDA_RUNTIME_H__)"
#endif

/// Clears every error (sticky ones too) so the next test starts clean.
static void reset_device() { REQUIRE(cudaDeviceReset() == cudaSuccess); }

TEST_CASE("bad launch configurations return CUDA's error codes and do not run the kernel", "[cudacpu][runtime]") {
  struct bad {
    dim3 grid, block;
    std::size_t smem;
    cudaError_t expected;
  };
  const bad cases[] = {
      {dim3(1), dim3(1025), 0, cudaErrorInvalidConfiguration},   // more than 1024 threads
      {dim3(1), dim3(32, 32, 2), 0, cudaErrorInvalidConfiguration},
      {dim3(1), dim3(1, 1, 65), 0, cudaErrorInvalidConfiguration},  // block z > 64
      {dim3(0), dim3(32), 0, cudaErrorInvalidConfiguration},        // empty grid
      {dim3(1), dim3(32, 0), 0, cudaErrorInvalidConfiguration},
      {dim3(1, 65536), dim3(32), 0, cudaErrorInvalidConfiguration},
      {dim3(1), dim3(32), 64 * 1024, cudaErrorInvalidValue},  // dynamic shared memory above 48 KiB
  };
  zoo_buffer<int> flag(std::vector<int>(1, 0));
  for (const bad& c : cases) {
    set_flag<<<c.grid, c.block, c.smem>>>(flag.get());
    REQUIRE(cudaGetLastError() == c.expected);
    REQUIRE(cudaGetLastError() == cudaSuccess);  // not sticky
    REQUIRE(flag.download()[0] == 0);
  }
  set_flag<<<1, 1024>>>(flag.get());
  REQUIRE(cudaGetLastError() == cudaSuccess);
  REQUIRE(flag.download()[0] == 1);
}

TEST_CASE("cudaFuncSetAttribute raises the dynamic shared memory limit", "[cudacpu][runtime]") {
  {
    zoo_buffer<int> flag(std::vector<int>(1, 0));
    ZOO_CHECK(cudaFuncSetAttribute(touch_dynamic, cudaFuncAttributeMaxDynamicSharedMemorySize, 100 * 1024));
    touch_dynamic<<<2, 64, 100 * 1024>>>(flag.get());
    ZOO_CHECK(cudaGetLastError());
    REQUIRE(flag.download()[0] == 1);
  }
  reset_device();  // also restores the 48 KiB limit
}

TEST_CASE("cudaMemcpy past the end of an allocation is rejected and copies nothing", "[cudacpu][runtime][memcpy]") {
  int* d = nullptr;
  ZOO_CHECK(cudaMalloc(&d, 10 * sizeof(int)));
  std::vector<int> h(11, 5);
  REQUIRE(cudaMemcpy(d, h.data(), 11 * sizeof(int), cudaMemcpyHostToDevice) == cudaErrorInvalidValue);
  REQUIRE(cudaMemcpy(h.data(), d + 5, 6 * sizeof(int), cudaMemcpyDeviceToHost) == cudaErrorInvalidValue);
  REQUIRE(cudaMemset(d + 1, 0, 10 * sizeof(int)) == cudaErrorInvalidValue);
  REQUIRE(cudaGetLastError() == cudaErrorInvalidValue);
  ZOO_CHECK(cudaMemcpy(d, h.data(), 10 * sizeof(int), cudaMemcpyHostToDevice));
  ZOO_CHECK(cudaFree(d));
}

TEST_CASE("cudaMemcpy with the wrong direction or a bad kind is rejected", "[cudacpu][runtime][memcpy]") {
  int* d = nullptr;
  ZOO_CHECK(cudaMalloc(&d, 4 * sizeof(int)));
  int h[4] = {1, 2, 3, 4};
  REQUIRE(cudaMemcpy(h, d, sizeof h, cudaMemcpyHostToDevice) == cudaErrorInvalidValue);  // swapped
  REQUIRE(cudaMemcpy(d, h, sizeof h, cudaMemcpyDeviceToHost) == cudaErrorInvalidValue);  // swapped
  REQUIRE(cudaMemcpy(d, h, sizeof h, cudaMemcpyDeviceToDevice) == cudaErrorInvalidValue);
  REQUIRE(cudaMemcpy(d, h, sizeof h, static_cast<cudaMemcpyKind>(7)) == cudaErrorInvalidMemcpyDirection);
  REQUIRE(h[0] == 1);
  ZOO_CHECK(cudaMemcpy(d, h, sizeof h, cudaMemcpyDefault));
  ZOO_CHECK(cudaFree(d));
  (void)cudaGetLastError();
}

TEST_CASE("a host pointer passed to a kernel is reported and poisons the context like a GPU fault",
          "[cudacpu][runtime][pointers]") {
  int host_flag = 0;
  set_flag<<<1, 32>>>(&host_flag);
  REQUIRE(host_flag == 0);  // the kernel did not run
  REQUIRE(cudaDeviceSynchronize() == cudaErrorIllegalAddress);
  REQUIRE(cudaGetLastError() == cudaErrorIllegalAddress);  // sticky
  int* d = nullptr;
  REQUIRE(cudaMalloc(&d, 4) == cudaErrorIllegalAddress);
  reset_device();
  ZOO_CHECK(cudaMalloc(&d, 4));
  ZOO_CHECK(cudaFree(d));
}

TEST_CASE("using memory after cudaFree is reported", "[cudacpu][runtime][pointers]") {
  int* d = nullptr;
  ZOO_CHECK(cudaMalloc(&d, 16 * sizeof(int)));
  ZOO_CHECK(cudaFree(d));
  int h[16] = {};
  REQUIRE(cudaMemcpy(d, h, sizeof h, cudaMemcpyHostToDevice) == cudaErrorInvalidValue);
  REQUIRE(cudaFree(d) == cudaErrorInvalidValue);  // double free
  REQUIRE(cudaGetLastError() == cudaErrorInvalidValue);
  set_flag<<<1, 1>>>(d + 3);
  REQUIRE(cudaDeviceSynchronize() == cudaErrorIllegalAddress);
  reset_device();
}

TEST_CASE("a divergent __syncthreads abandons the block, sets a sticky launch failure and the process goes on",
          "[cudacpu][runtime][barrier]") {
  {
    zoo_buffer<int> flag(std::vector<int>(1, 0));
    divergent_barrier<<<1, 64>>>(flag.get());
    REQUIRE(cudaGetLastError() == cudaErrorLaunchFailure);
    REQUIRE(cudaDeviceSynchronize() == cudaErrorLaunchFailure);
  }
  reset_device();
  int* d = nullptr;
  ZOO_CHECK(cudaMalloc(&d, sizeof(int)));
  set_flag<<<1, 1>>>(d);
  ZOO_CHECK(cudaDeviceSynchronize());
  ZOO_CHECK(cudaFree(d));
}

TEST_CASE("events measure elapsed time and streams accept work in order", "[cudacpu][runtime]") {
  cudaEvent_t start, stop;
  cudaStream_t s;
  ZOO_CHECK(cudaEventCreate(&start));
  ZOO_CHECK(cudaEventCreate(&stop));
  ZOO_CHECK(cudaStreamCreate(&s));
  zoo_buffer<int> flag(std::vector<int>(1, 0));
  ZOO_CHECK(cudaEventRecord(start, s));
  set_flag<<<4, 64, 0, s>>>(flag.get());
  ZOO_CHECK(cudaEventRecord(stop, s));
  ZOO_CHECK(cudaEventSynchronize(stop));
  float ms = -1;
  ZOO_CHECK(cudaEventElapsedTime(&ms, start, stop));
  REQUIRE(ms >= 0.0f);
  int h = 0;
  ZOO_CHECK(cudaMemcpyAsync(&h, flag.get(), sizeof h, cudaMemcpyDeviceToHost, s));
  ZOO_CHECK(cudaStreamSynchronize(s));
  REQUIRE(h == 1);
  ZOO_CHECK(cudaStreamDestroy(s));
  ZOO_CHECK(cudaEventDestroy(start));
  ZOO_CHECK(cudaEventDestroy(stop));
}

TEST_CASE("the CPU device reports sensible properties", "[cudacpu][runtime]") {
  int count = 0;
  ZOO_CHECK(cudaGetDeviceCount(&count));
  REQUIRE(count == 1);
  cudaDeviceProp p;
  ZOO_CHECK(cudaGetDeviceProperties(&p, 0));
  REQUIRE(std::string(p.name).find("WarpSpeed cudacpu") == 0);
  REQUIRE(p.warpSize == 32);
  REQUIRE(p.maxThreadsPerBlock == 1024);
  REQUIRE(p.sharedMemPerBlock == 48 * 1024);
  REQUIRE(p.multiProcessorCount >= 1);
  int v = 0;
  ZOO_CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrWarpSize, 0));
  REQUIRE(v == 32);
  REQUIRE(ZOO_GUARDED_CHECK(cudaGetDeviceCount(&count)));
  int mode = -1;
  REQUIRE(ZOO_GUARDED_CHECK(cudaDeviceGetAttribute(&mode, cudaDevAttrComputeMode, 0)));
  REQUIRE(mode == cudaComputeModeDefault);  // helper_cuda.h's findCudaDevice skips cudaComputeModeProhibited
  REQUIRE(cudaSetDevice(1) == cudaErrorInvalidDevice);
  REQUIRE(std::string(cudaGetErrorName(cudaErrorInvalidConfiguration)) == "cudaErrorInvalidConfiguration");
  REQUIRE(std::string(cudaGetErrorString(cudaErrorIllegalAddress)) == "an illegal memory access was encountered");
  REQUIRE(cudaGetLastError() == cudaErrorInvalidDevice);
}

TEST_CASE("a failed assert in a kernel stops its block with cudaErrorAssert; the host goes on", "[cudacpu][runtime]") {
  reset_device();
  {
    zoo_buffer<int> values(std::vector<int>{1, 2, 3, 4});
    zoo_buffer<int> done(std::vector<int>(1, 0));
    assert_below<<<1, 4>>>(values.get(), 10, done.get());  // every value passes
    ZOO_CHECK(cudaDeviceSynchronize());
    REQUIRE(done.download()[0] == 4);
    zoo_buffer<int> bad(std::vector<int>{1, 2, 30, 4});
    assert_below<<<1, 4>>>(bad.get(), 10, done.get());
    REQUIRE(cudaDeviceSynchronize() == cudaErrorAssert);
    REQUIRE(std::string(cudaGetErrorName(cudaErrorAssert)) == "cudaErrorAssert");
  }
  reset_device();
}

TEST_CASE("stream callbacks and host functions run after the work before them, with its status",
          "[cudacpu][runtime]") {
  reset_device();
  cudaStream_t s;
  ZOO_CHECK(cudaStreamCreate(&s));
  zoo_buffer<int> flag(std::vector<int>(1, 0));
  struct seen_t {
    int* device_flag;
    int value = -1;
    cudaError_t status = cudaErrorUnknown;
    int calls = 0;
  } seen{flag.get()};
  set_flag<<<1, 1, 0, s>>>(flag.get());
  ZOO_CHECK(cudaLaunchHostFunc(
      s, [](void* p) { static_cast<seen_t*>(p)->calls += 1; }, &seen));
  ZOO_CHECK(cudaStreamAddCallback(
      s,
      [](cudaStream_t, cudaError_t status, void* p) {
        auto* w = static_cast<seen_t*>(p);
        w->status = status;
        w->calls += 10;
        cudaMemcpy(&w->value, w->device_flag, sizeof(int), cudaMemcpyDeviceToHost);
      },
      &seen, 0));
  ZOO_CHECK(cudaStreamSynchronize(s));
  REQUIRE(seen.calls == 11);
  REQUIRE(seen.status == cudaSuccess);
  REQUIRE(seen.value == 1);  // the kernel before the callback has run
  REQUIRE(cudaStreamAddCallback(s, nullptr, nullptr, 0) == cudaErrorInvalidValue);
  cudaStreamAttrValue attr{};
  attr.accessPolicyWindow.base_ptr = flag.get();
  attr.accessPolicyWindow.num_bytes = sizeof(int);
  attr.accessPolicyWindow.hitRatio = 0.5f;
  attr.accessPolicyWindow.hitProp = cudaAccessPropertyPersisting;
  ZOO_CHECK(cudaStreamSetAttribute(s, cudaStreamAttributeAccessPolicyWindow, &attr));
  cudaStreamAttrValue back{};
  ZOO_CHECK(cudaStreamGetAttribute(s, cudaStreamAttributeAccessPolicyWindow, &back));
  REQUIRE(back.accessPolicyWindow.hitProp == cudaAccessPropertyPersisting);
  REQUIRE(cudaStreamDestroy(cudaStreamPerThread) == cudaErrorInvalidResourceHandle);
  ZOO_CHECK(cudaStreamDestroy(s));
  reset_device();
}

TEST_CASE("clock() and clock64() in a kernel tick at the rate cudaDevAttrClockRate reports", "[cudacpu][runtime]") {
  int khz = 0;
  ZOO_CHECK(cudaDeviceGetAttribute(&khz, cudaDevAttrClockRate, 0));
  REQUIRE(khz == 1000);
  zoo_buffer<long long> spent(std::vector<long long>(1, -1));
  const long long ticks = 2 * khz;  // 2 ms at the reported rate, twice (clock64, then clock)
  const auto t0 = std::chrono::steady_clock::now();
  spin_ticks<<<1, 1>>>(ticks, spent.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE(spent.download()[0] >= ticks);
  REQUIRE(ms >= 2.0);   // clock64 alone accounts for 2 ms
  REQUIRE(ms < 500.0);  // not a tick per nanosecond counted in microseconds
}

TEST_CASE("stream-ordered allocation: cudaMallocAsync memory works in kernels, the pool counts it", "[cudacpu][runtime]") {
  reset_device();
  int supported = 0;
  ZOO_CHECK(cudaDeviceGetAttribute(&supported, cudaDevAttrMemoryPoolsSupported, 0));
  REQUIRE(supported == 1);
  cudaMemPool_t pool = nullptr;
  ZOO_CHECK(cudaDeviceGetDefaultMemPool(&pool, 0));
  std::uint64_t threshold = UINT64_MAX;
  ZOO_CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold));
  std::uint64_t back = 0;
  ZOO_CHECK(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &back));
  REQUIRE(back == UINT64_MAX);
  cudaStream_t s;
  ZOO_CHECK(cudaStreamCreate(&s));
  int* flag = nullptr;
  ZOO_CHECK(cudaMallocAsync(&flag, 64 * sizeof(int), s));
  std::uint64_t used = 0;
  ZOO_CHECK(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &used));
  REQUIRE(used == 64 * sizeof(int));
  set_flag<<<1, 1, 0, s>>>(flag);
  int h = 0;
  ZOO_CHECK(cudaMemcpyAsync(&h, flag, sizeof h, cudaMemcpyDeviceToHost, s));
  ZOO_CHECK(cudaFreeAsync(flag, s));
  ZOO_CHECK(cudaStreamSynchronize(s));
  REQUIRE(h == 1);
  ZOO_CHECK(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &used));
  REQUIRE(used == 0);
  REQUIRE(cudaFreeAsync(flag, s) == cudaErrorInvalidValue);  // freed twice: reported like cudaFree
  ZOO_CHECK(cudaStreamDestroy(s));
  reset_device();
}

TEST_CASE("kernel attributes, managed-memory advice and the C++ cudaMallocHost overload", "[cudacpu][runtime]") {
  reset_device();
  cudaFuncAttributes attr;
  std::memset(&attr, 0xFF, sizeof attr);
  ZOO_CHECK(cudaFuncGetAttributes(&attr, set_flag));
  REQUIRE(attr.maxThreadsPerBlock == 1024);
  REQUIRE(attr.maxDynamicSharedSizeBytes >= 48 * 1024);
  REQUIRE(attr.sharedSizeBytes == 0);
  int cooperative = 0;
  ZOO_CHECK(cudaDeviceGetAttribute(&cooperative, cudaDevAttrCooperativeLaunch, 0));
  cudaDeviceProp p;
  ZOO_CHECK(cudaGetDeviceProperties(&p, 0));
  REQUIRE(cooperative == 1);
  REQUIRE(p.cooperativeLaunch == 1);
  int* pinned = nullptr;
  ZOO_CHECK(cudaMallocHost(&pinned, 16 * sizeof(int), cudaHostAllocMapped));
  int* managed = nullptr;
  ZOO_CHECK(cudaMallocManaged(&managed, sizeof(int)));
  ZOO_CHECK(cudaMemAdvise(managed, sizeof(int), cudaMemAdviseSetPreferredLocation, 0));
  ZOO_CHECK(cudaStreamAttachMemAsync(nullptr, managed, 0, cudaMemAttachHost));
  set_flag<<<1, 1>>>(pinned);
  ZOO_CHECK(cudaDeviceSynchronize());
  REQUIRE(pinned[0] == 1);
  ZOO_CHECK(cudaFreeHost(pinned));
  ZOO_CHECK(cudaFree(managed));
}
