/// @file
/// @brief cudacpu zoo: the built-in variables as names host code may reuse (`dim3 gridDim(...)`), and kept right
///        across barriers; launches through the runtime API (`cudaLaunchKernel`, `cudaLaunchCooperativeKernel` with
///        `void** args`), grid-wide sync in a cooperative launch, and its errors (too many blocks, a grid sync in
///        an ordinary launch).
#include <vector>

#include "zoo_check.h"

// --- kernels ---

/// Every thread writes what the built-ins say, before and after a barrier (other threads ran in between).
__global__ void read_builtins(unsigned* out) {
  const unsigned block = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
  const unsigned threads = blockDim.x * blockDim.y * blockDim.z;
  const unsigned thread = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  const unsigned before = block * 1000 + thread;
  __syncthreads();
  const unsigned after = (blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z)) * 1000 + threadIdx.x +
                         blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  out[block * threads + thread] = before == after ? after : 0xdeadu;
}

__global__ void scale_add(const float* x, float* y, float a, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = a * x[i] + y[i];
}

/// Burns time so that a block that reads too early (no grid sync) sees data not yet written.
__device__ void busy_wait(int rounds) {
  volatile int sink = 0;
  for (int r = 0; r < rounds; ++r) sink = sink + r;
}

/// Phase 1: every block writes its slice; grid sync; phase 2: every block reads the next block's slice. The odd
/// blocks write late, and the last thread of every block has exited before the sync (it counts as arrived).
__global__ void two_phase(int* slices, int* seen) {
  const int b = blockIdx.x, t = threadIdx.x, nb = gridDim.x, nt = blockDim.x;
  if (t == nt - 1) return;
  if (b % 2 == 1) busy_wait(200000);
  slices[b * nt + t] = b * 1000 + t;
  cudacpu::detail::grid_sync();
  const int next = (b + 1) % nb;
  seen[b * nt + t] = slices[next * nt + t];
}

/// Repeated grid syncs: every round each block adds its left neighbour's previous value to its own.
__global__ void rounds_of_sync(int* value, int* scratch, int rounds) {
  const int b = blockIdx.x, nb = gridDim.x;
  for (int r = 0; r < rounds; ++r) {
    if (threadIdx.x == 0) scratch[b] = value[b];
    cudacpu::detail::grid_sync();
    if (threadIdx.x == 0) value[b] += scratch[(b + nb - 1) % nb];
    cudacpu::detail::grid_sync();
  }
}

/// A block that leaves without syncing does not hold the others back.
__global__ void first_block_leaves(int* out) {
  if (blockIdx.x == 0) return;
  cudacpu::detail::grid_sync();
  if (threadIdx.x == 0) out[blockIdx.x] = cudacpu::detail::in_cooperative_launch() ? 1 : 2;
}

__global__ void grid_sync_without_cooperative_launch(int* out) {
  cudacpu::detail::grid_sync();
  out[threadIdx.x] = 1;
}

// --- host code that uses the built-ins' names for its own variables, as cuda-samples do ---

/// Threads in a launch, with parameters named like the built-ins.
static unsigned threads_in(dim3 gridDim, dim3 blockDim) {
  return gridDim.x * gridDim.y * gridDim.z * blockDim.x * blockDim.y * blockDim.z;
}

/// Launches read_builtins with local variables called gridDim and blockDim.
static void launch_read_builtins(unsigned* out) {
  dim3 gridDim(3, 2, 2);
  dim3 blockDim(8, 4, 2);
  read_builtins<<<gridDim, blockDim>>>(out);
}

// --- tests ---

TEST_CASE("host code may name its variables gridDim and blockDim; kernels still read the built-ins",
          "[cudacpu][launch][builtins]") {
  const unsigned total = threads_in(dim3(3, 2, 2), dim3(8, 4, 2));
  REQUIRE(total == 768);
  zoo_buffer<unsigned> out(std::vector<unsigned>(total, 0xffffffffu));
  launch_read_builtins(out.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<unsigned> got = out.download();
  for (unsigned block = 0; block < 12; ++block)
    for (unsigned thread = 0; thread < 64; ++thread) {
      INFO("block " << block << " thread " << thread);
      REQUIRE(got[block * 64 + thread] == block * 1000 + thread);
    }
}

TEST_CASE("cudaLaunchKernel reads each argument through the kernel's parameter types", "[cudacpu][launch]") {
  const int n = 1000;
  std::vector<float> hx(n), hy(n);
  for (int i = 0; i < n; ++i) {
    hx[i] = float(i % 17);
    hy[i] = float(i % 5) - 2.0f;
  }
  zoo_buffer<float> x(hx), y(hy);
  const float* xp = x.get();
  float* yp = y.get();
  float a = 3.0f;
  int count = n;
  void* args[] = {&xp, &yp, &a, &count};
  ZOO_CHECK(cudaLaunchKernel(scale_add, dim3((n + 127) / 128), dim3(128), args, 0, nullptr));
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<float> got = y.download();
  for (int i = 0; i < n; ++i) REQUIRE(got[i] == 3.0f * hx[i] + hy[i]);
}

TEST_CASE("a cooperative launch runs every block at once, so this_grid().sync() orders all blocks' writes",
          "[cudacpu][launch][grid]") {
  int per_sm = 0, sms = 0;
  ZOO_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, two_phase, 64, 0));
  ZOO_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  const int blocks = std::min(per_sm * sms, 8);
  REQUIRE(blocks >= 2);
  const int nt = 64;
  zoo_buffer<int> slices(std::vector<int>(blocks * nt, -7)), seen(std::vector<int>(blocks * nt, -7));
  int* sp = slices.get();
  int* seenp = seen.get();
  void* args[] = {&sp, &seenp};
  ZOO_CHECK(cudaLaunchCooperativeKernel(two_phase, dim3(blocks), dim3(nt), args, 0, nullptr));
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> got = seen.download();
  for (int b = 0; b < blocks; ++b)
    for (int t = 0; t < nt - 1; ++t) {
      INFO("block " << b << " thread " << t);
      REQUIRE(got[b * nt + t] == ((b + 1) % blocks) * 1000 + t);
    }
}

TEST_CASE("repeated grid syncs keep every block in step", "[cudacpu][launch][grid]") {
  const int blocks = 4, rounds = 5;
  std::vector<int> start = {1, 10, 100, 1000};
  zoo_buffer<int> value(start), scratch(blocks);
  int* vp = value.get();
  int* sp = scratch.get();
  int r = rounds;
  void* args[] = {&vp, &sp, &r};
  ZOO_CHECK(cudaLaunchCooperativeKernel(rounds_of_sync, dim3(blocks), dim3(32), args));
  ZOO_CHECK(cudaDeviceSynchronize());
  std::vector<int> ref = start;
  for (int k = 0; k < rounds; ++k) {
    const std::vector<int> prev = ref;
    for (int b = 0; b < blocks; ++b) ref[b] += prev[(b + blocks - 1) % blocks];
  }
  REQUIRE(value.download() == ref);
}

TEST_CASE("a block that exits before a grid sync counts as arrived", "[cudacpu][launch][grid]") {
  zoo_buffer<int> out(std::vector<int>(4, 0));
  int* op = out.get();
  void* args[] = {&op};
  ZOO_CHECK(cudaLaunchCooperativeKernel(first_block_leaves, dim3(4), dim3(16), args));
  ZOO_CHECK(cudaDeviceSynchronize());
  REQUIRE(out.download() == std::vector<int>{0, 1, 1, 1});
}

TEST_CASE("a cooperative launch with more blocks than can be resident fails with cudaErrorCooperativeLaunchTooLarge",
          "[cudacpu][launch][grid][errors]") {
  int per_sm = 0, sms = 0;
  ZOO_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, first_block_leaves, 256, 0));
  ZOO_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  zoo_buffer<int> out(std::vector<int>(4, 0));
  int* op = out.get();
  void* args[] = {&op};
  REQUIRE(cudaLaunchCooperativeKernel(first_block_leaves, dim3(per_sm * sms + 1), dim3(256), args) ==
          cudaErrorCooperativeLaunchTooLarge);
  REQUIRE(cudaGetLastError() == cudaErrorCooperativeLaunchTooLarge);
  REQUIRE(cudaGetLastError() == cudaSuccess);  // not sticky
  REQUIRE(out.download() == std::vector<int>(4, 0));
}

TEST_CASE("this_grid().sync() in an ordinary launch is reported and fails the kernel",
          "[cudacpu][launch][grid][errors]") {
  {
    zoo_buffer<int> out(std::vector<int>(32, 0));
    grid_sync_without_cooperative_launch<<<2, 32>>>(out.get());
    REQUIRE(cudaDeviceSynchronize() == cudaErrorLaunchFailure);
  }
  REQUIRE(cudaDeviceReset() == cudaSuccess);
}
