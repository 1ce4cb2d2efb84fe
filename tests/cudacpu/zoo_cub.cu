/// @file
/// @brief cudacpu zoo: CUB. Block and warp primitives (BlockReduce, BlockScan, WarpReduce, WarpScan) as real
///        cooperative code on the backend's fibers, and the device-wide algorithms (DeviceReduce, DeviceScan) with
///        CUB's two-phase temporary-storage protocol, checked against host references.
///
/// Genuine CUDA: it also compiles with nvcc and the real CUB (CCCL 3, CUDA 13):
///     nvcc -std=c++20 -c tests/cudacpu/zoo_cub.cu -I tests/cudacpu -o /tmp/zoo_cub.o
/// Data is non-uniform (uniform data hides index bugs), sizes are not multiples of the block, items beyond the
/// valid ones hold a large poison value that a correct call ignores, and outputs start as NaN / -1 (0xFF bytes).
#include <cub/cub.cuh>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "zoo_check.h"

// ---------------------------------------------------------------------------------------------------------------
// Data and references

/// Non-uniform ints in [-50, 50] (a fixed LCG, so failures reproduce).
static std::vector<int> make_ints(std::size_t n, std::uint32_t seed) {
  std::vector<int> v(n);
  std::uint32_t s = seed;
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<int>((s >> 8) % 101u) - 50;
  }
  return v;
}

/// Non-uniform floats in about [-1, 3): a ramp plus noise, so sums do not cancel to zero.
static std::vector<float> make_floats(std::size_t n, std::uint32_t seed) {
  std::vector<float> v(n);
  std::uint32_t s = seed;
  for (std::size_t i = 0; i < n; ++i) {
    s = s * 1664525u + 1013904223u;
    v[i] = static_cast<float>((s >> 8) % 2001u) / 1000.0f - 1.0f + static_cast<float>(i % 7) * 0.25f;
  }
  return v;
}

/// Worst-case rounding of a float sum of @p terms values whose magnitudes add to @p sum_abs: every partial sum is
/// rounded once per addition on the path from a leaf to the root, at most @p depth of them.
static double sum_tolerance(double sum_abs, double depth) {
  return depth * static_cast<double>(std::numeric_limits<float>::epsilon()) * sum_abs + 1e-6;
}

/// A device buffer filled with 0xFF bytes (NaN as float, -1 as int), so a missing write shows.
template <class T>
static void poison(zoo_buffer<T>& b, std::size_t n) {
  ZOO_CHECK(cudaMemset(b.get(), 0xFF, n * sizeof(T)));
}

// ---------------------------------------------------------------------------------------------------------------
// Kernels: BlockReduce

/// Each block sums its BLOCK items; the last block has fewer valid items (the num_valid overload). Every thread
/// stores what Sum returned, so the test can see that only thread 0's value is the block's sum.
template <int BLOCK, class T>
__global__ void block_sum_kernel(const T* in, T* block_sums, T* per_thread, int n) {
  typedef cub::BlockReduce<T, BLOCK> BlockReduce;
  __shared__ typename BlockReduce::TempStorage temp;
  const int base = blockIdx.x * BLOCK;
  const int i = base + threadIdx.x;
  const T x = i < n ? in[i] : T(1000);  // poison: a correct call ignores it
  const int valid = n - base;
  const T s = valid >= BLOCK ? BlockReduce(temp).Sum(x) : BlockReduce(temp).Sum(x, valid);
  per_thread[i] = s;
  if (threadIdx.x == 0) block_sums[blockIdx.x] = s;
}

/// Max then min of each block's valid items with Reduce(op, num_valid), reusing one TempStorage after a barrier.
template <int BLOCK>
__global__ void block_max_min_kernel(const int* in, int* out, int n) {
  typedef cub::BlockReduce<int, BLOCK, cub::BLOCK_REDUCE_RAKING> BlockReduce;
  __shared__ typename BlockReduce::TempStorage temp;
  const int base = blockIdx.x * BLOCK;
  const int i = base + threadIdx.x;
  const int x = i < n ? in[i] : 100000;
  const int valid = n - base < BLOCK ? n - base : BLOCK;
  const int mx = BlockReduce(temp).Reduce(x, cuda::maximum<>{}, valid);
  __syncthreads();  // the TempStorage is used again
  const int mn = BlockReduce(temp).Reduce(x, cuda::minimum<>{}, valid);
  if (threadIdx.x == 0) {
    out[2 * blockIdx.x] = mx;
    out[2 * blockIdx.x + 1] = mn;
  }
}

/// Four consecutive items per thread (blocked): Sum(items) and Reduce(items, max), default-constructed storage.
template <int BLOCK, int ITEMS>
__global__ void block_items_kernel(const int* in, int* out) {
  typedef cub::BlockReduce<int, BLOCK> BlockReduce;
  int items[ITEMS];
  for (int k = 0; k < ITEMS; ++k) items[k] = in[(blockIdx.x * BLOCK + threadIdx.x) * ITEMS + k];
  const int s = BlockReduce().Sum(items);
  __syncthreads();
  const int m = BlockReduce().Reduce(items, cuda::maximum<>{});
  if (threadIdx.x == 0) {
    out[2 * blockIdx.x] = s;
    out[2 * blockIdx.x + 1] = m;
  }
}

/// A 16 x 8 block (BLOCK_DIM_Y = 8): ranks are row-major, threadIdx.x fastest.
__global__ void block_2d_sum_kernel(const int* in, int* out) {
  typedef cub::BlockReduce<int, 16, cub::BLOCK_REDUCE_WARP_REDUCTIONS, 8> BlockReduce;
  __shared__ typename BlockReduce::TempStorage temp;
  const int s = BlockReduce(temp).Sum(in[threadIdx.y * 16 + threadIdx.x]);
  if (threadIdx.x == 0 && threadIdx.y == 0) out[0] = s;
}

// ---------------------------------------------------------------------------------------------------------------
// Kernels: WarpReduce

/// Four warps per block; each sums its lanes (valid-items overload where the data ends).
__global__ void warp_sum_kernel(const int* in, int* out, int n) {
  typedef cub::WarpReduce<int> WarpReduce;
  __shared__ typename WarpReduce::TempStorage temp[4];
  const int warp = threadIdx.x / 32;
  const int first = blockIdx.x * 128 + warp * 32;
  const int i = blockIdx.x * 128 + threadIdx.x;
  const int x = i < n ? in[i] : 1000;
  const int valid = n - first;
  const int s = valid >= 32 ? WarpReduce(temp[warp]).Sum(x) : WarpReduce(temp[warp]).Sum(x, valid);
  if (threadIdx.x % 32 == 0 && valid > 0) out[blockIdx.x * 4 + warp] = s;
}

/// Logical warps of 16 lanes: sum and max per half warp.
__global__ void logical_warp_kernel(const float* in, float* sums, float* maxes) {
  typedef cub::WarpReduce<float, 16> WarpReduce16;
  __shared__ typename WarpReduce16::TempStorage temp[4];
  const int w = threadIdx.x / 16;
  const float x = in[threadIdx.x];
  const float s = WarpReduce16(temp[w]).Sum(x);
  const float m = WarpReduce16(temp[w]).Reduce(x, cuda::maximum<>{});
  if (threadIdx.x % 16 == 0) {
    sums[w] = s;
    maxes[w] = m;
  }
}

/// WarpScan in 32-lane and 8-lane logical warps: sums with aggregates, a max scan from an initial value, Broadcast.
__global__ void warp_scan_kernel(const int* in, int* inc, int* exc, int* aggregates, int* max_from_init,
                                 int* broadcast) {
  typedef cub::WarpScan<int> WarpScan;
  typedef cub::WarpScan<int, 8> WarpScan8;
  __shared__ typename WarpScan::TempStorage temp[2];
  __shared__ typename WarpScan8::TempStorage temp8[8];
  const int t = threadIdx.x;
  const int x = in[t];
  int aggregate;
  WarpScan(temp[t / 32]).InclusiveSum(x, inc[t]);
  WarpScan(temp[t / 32]).ExclusiveSum(x, exc[t], aggregate);
  if (t % 32 == 0) aggregates[t / 32] = aggregate;
  WarpScan8(temp8[t / 8]).ExclusiveScan(x, max_from_init[t], -20, cuda::maximum<>{});
  broadcast[t] = WarpScan8(temp8[t / 8]).Broadcast(x, 5);
}

// ---------------------------------------------------------------------------------------------------------------
// Kernels: BlockScan

/// Each block scans its BLOCK items (the positions past n hold 0): inclusive sum, exclusive sum with aggregate.
template <int BLOCK, class T>
__global__ void block_sum_scans_kernel(const T* in, T* inclusive, T* exclusive, T* aggregates, int n) {
  typedef cub::BlockScan<T, BLOCK> BlockScan;
  __shared__ typename BlockScan::TempStorage temp;
  const int i = blockIdx.x * BLOCK + threadIdx.x;
  const T x = i < n ? in[i] : T(0);
  T inc;
  T exc;
  T aggregate;
  BlockScan(temp).InclusiveSum(x, inc);
  __syncthreads();
  BlockScan(temp).ExclusiveSum(x, exc, aggregate);
  if (i < n) {
    inclusive[i] = inc;
    exclusive[i] = exc;
  }
  if (threadIdx.x == BLOCK - 1) aggregates[blockIdx.x] = aggregate;
}

/// Running max (inclusive) and an exclusive scan with an initial value and a non-commutative-looking op.
template <int BLOCK>
__global__ void block_op_scans_kernel(const int* in, int* running_max, int* exclusive_from_init, int* inc_aggregate) {
  typedef cub::BlockScan<int, BLOCK, cub::BLOCK_SCAN_WARP_SCANS> BlockScan;
  __shared__ typename BlockScan::TempStorage temp;
  const int i = blockIdx.x * BLOCK + threadIdx.x;
  const int x = in[i];
  int m;
  int aggregate;
  BlockScan(temp).InclusiveScan(x, m, cuda::maximum<>{}, aggregate);
  __syncthreads();
  int e;
  BlockScan(temp).ExclusiveScan(x, e, 1000, cuda::std::plus<>{});
  running_max[i] = m;
  exclusive_from_init[i] = e;
  if (threadIdx.x == 0) inc_aggregate[blockIdx.x] = aggregate;
}

/// Three items per thread, blocked: inclusive and exclusive sums of the arrays.
template <int BLOCK, int ITEMS>
__global__ void block_scan_items_kernel(const int* in, int* inclusive, int* exclusive) {
  typedef cub::BlockScan<int, BLOCK> BlockScan;
  __shared__ typename BlockScan::TempStorage temp;
  int items[ITEMS];
  int inc[ITEMS];
  const int base = (blockIdx.x * BLOCK + threadIdx.x) * ITEMS;
  for (int k = 0; k < ITEMS; ++k) items[k] = in[base + k];
  BlockScan(temp).InclusiveSum(items, inc);
  __syncthreads();
  BlockScan(temp).ExclusiveSum(items, items);  // in place
  for (int k = 0; k < ITEMS; ++k) {
    inclusive[base + k] = inc[k];
    exclusive[base + k] = items[k];
  }
}

/// A running total across tiles: what a BlockScan prefix callback is for.
struct running_total {
  int total;  ///< sum of the tiles so far
  /// Starts at @p start.
  __device__ explicit running_total(int start) : total(start) {}
  /// Called by the first warp with the tile's aggregate; returns the prefix for the tile.
  __device__ int operator()(int block_aggregate) {
    const int old = total;
    total += block_aggregate;
    return old;
  }
};

/// One block scans all n items, tile by tile, carrying the total in a prefix callback.
__global__ void tiled_scan_kernel(const int* in, int* out, int n) {
  typedef cub::BlockScan<int, 96> BlockScan;
  __shared__ typename BlockScan::TempStorage temp;
  running_total prefix(0);
  for (int base = 0; base < n; base += 96) {
    const int i = base + threadIdx.x;
    const int x = i < n ? in[i] : 0;
    int y;
    BlockScan(temp).InclusiveSum(x, y, prefix);
    __syncthreads();
    if (i < n) out[i] = y;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Kernels: a union of TempStorages

/// Block sum (BlockReduce), then each item's exclusive prefix (BlockScan) in the same shared memory, reused after
/// a barrier; out[i] = prefix / total, so both results are needed.
template <int BLOCK>
__global__ void union_storage_kernel(const float* in, float* fraction_before, float* totals, int n) {
  typedef cub::BlockReduce<float, BLOCK> BlockReduce;
  typedef cub::BlockScan<float, BLOCK> BlockScan;
  __shared__ union {
    typename BlockReduce::TempStorage reduce;
    typename BlockScan::TempStorage scan;
  } temp;
  __shared__ float total;
  const int base = blockIdx.x * BLOCK;
  const int i = base + threadIdx.x;
  const float x = i < n ? in[i] : 0.0f;
  const int valid = n - base < BLOCK ? n - base : BLOCK;
  const float s = BlockReduce(temp.reduce).Sum(x, valid);
  if (threadIdx.x == 0) total = s;
  __syncthreads();  // total is visible and temp may be reused
  float before;
  BlockScan(temp.scan).ExclusiveSum(x, before);
  if (i < n) fraction_before[i] = before / total;
  if (threadIdx.x == 0) totals[blockIdx.x] = total;
}

// ---------------------------------------------------------------------------------------------------------------
// Kernels: other item types

/// A 12-byte item: shuffled as two 8-byte words.
struct vec3 {
  float x;  ///< x
  float y;  ///< y
  float z;  ///< z
};
/// Component-wise sum of vec3.
struct vec3_add {
  /// a + b.
  __device__ vec3 operator()(const vec3& a, const vec3& b) const { return vec3{a.x + b.x, a.y + b.y, a.z + b.z}; }
};

/// double, long long and short items through one union of TempStorages, and a struct through WarpReduce.
__global__ void item_types_kernel(const int* in, double* dsum, long long* lscan, short* ssum, vec3* vsum) {
  typedef cub::BlockReduce<double, 64> BlockReduceD;
  typedef cub::BlockScan<long long, 64> BlockScanL;
  typedef cub::BlockReduce<short, 64> BlockReduceS;
  typedef cub::WarpReduce<vec3> WarpReduceV;
  __shared__ union {
    typename BlockReduceD::TempStorage d;
    typename BlockScanL::TempStorage l;
    typename BlockReduceS::TempStorage s;
  } temp;
  __shared__ typename WarpReduceV::TempStorage wtemp[2];
  const int t = threadIdx.x;
  const int x = in[t];
  const double d = BlockReduceD(temp.d).Sum(x * 0.5);
  __syncthreads();
  long long y;
  BlockScanL(temp.l).InclusiveSum(static_cast<long long>(x) * 1000000007LL, y);
  lscan[t] = y;
  __syncthreads();
  const short sh = BlockReduceS(temp.s).Sum(static_cast<short>(x));
  const vec3 v = WarpReduceV(wtemp[t / 32]).Reduce(vec3{static_cast<float>(x), 1.0f, -2.0f * static_cast<float>(x)}, vec3_add{});
  if (t == 0) {
    *dsum = d;
    *ssum = sh;
  }
  if (t % 32 == 0) vsum[t / 32] = v;
}

// ---------------------------------------------------------------------------------------------------------------
// Tests: BlockReduce

/// Runs block_sum_kernel<BLOCK, int> over n items and checks every block's sum (and one non-zero thread's value).
template <int BLOCK>
static void check_block_sum_ints(int n) {
  const int blocks = (n + BLOCK - 1) / BLOCK;
  const std::vector<int> h = make_ints(static_cast<std::size_t>(n), 11u + static_cast<std::uint32_t>(n));
  zoo_buffer<int> in(h);
  zoo_buffer<int> sums(static_cast<std::size_t>(blocks));
  zoo_buffer<int> per_thread(static_cast<std::size_t>(blocks) * BLOCK);
  poison(sums, static_cast<std::size_t>(blocks));
  block_sum_kernel<BLOCK, int><<<blocks, BLOCK>>>(in.get(), sums.get(), per_thread.get(), n);
  ZOO_CHECK(cudaGetLastError());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> got = sums.download();
  const std::vector<int> threads = per_thread.download();
  for (int b = 0; b < blocks; ++b) {
    int expect = 0;
    for (int i = b * BLOCK; i < std::min(n, (b + 1) * BLOCK); ++i) expect += h[static_cast<std::size_t>(i)];
    INFO("n = " << n << ", block " << b);
    CHECK(got[static_cast<std::size_t>(b)] == expect);
  }
  // As in CUB, only thread 0 holds the block's sum: lane 0 of warp 1 holds warp 1's own sum.
  if (n >= BLOCK && BLOCK >= 64) {
    int warp1 = 0;
    for (int i = 32; i < 64; ++i) warp1 += h[static_cast<std::size_t>(i)];
    CHECK(threads[32] == warp1);
  }
}

TEST_CASE("cub::BlockReduce sums ints exactly per block, with the num_valid overload for the last block",
          "[cudacpu][cub][block]") {
  check_block_sum_ints<128>(GENERATE(1, 31, 128, 129, 1000));
}

TEST_CASE("cub::BlockReduce works in a block of 100 threads, whose last warp is partial", "[cudacpu][cub][block]") {
  check_block_sum_ints<100>(GENERATE(100, 101, 350));
}

TEST_CASE("cub::BlockReduce sums floats in a block of 96 threads within a rounding bound", "[cudacpu][cub][block]") {
  const int n = GENERATE(96, 250, 777);
  constexpr int BLOCK = 96;  // three warps
  const int blocks = (n + BLOCK - 1) / BLOCK;
  const std::vector<float> h = make_floats(static_cast<std::size_t>(n), 5u);
  zoo_buffer<float> in(h);
  zoo_buffer<float> sums(static_cast<std::size_t>(blocks));
  zoo_buffer<float> per_thread(static_cast<std::size_t>(blocks) * BLOCK);
  poison(sums, static_cast<std::size_t>(blocks));
  block_sum_kernel<BLOCK, float><<<blocks, BLOCK>>>(in.get(), sums.get(), per_thread.get(), n);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<float> got = sums.download();
  for (int b = 0; b < blocks; ++b) {
    double expect = 0.0;
    double sum_abs = 0.0;
    for (int i = b * BLOCK; i < std::min(n, (b + 1) * BLOCK); ++i) {
      expect += h[static_cast<std::size_t>(i)];
      sum_abs += std::fabs(h[static_cast<std::size_t>(i)]);
    }
    INFO("n = " << n << ", block " << b);
    // Depth: 5 shuffle steps in a warp, then up to 2 more warps added one after the other.
    CHECK_THAT(got[static_cast<std::size_t>(b)],
               Catch::Matchers::WithinAbs(expect, sum_tolerance(sum_abs, 5 + BLOCK / 32)));
  }
}

TEST_CASE("cub::BlockReduce::Reduce with max and min over num_valid items, one TempStorage used twice",
          "[cudacpu][cub][block]") {
  const int n = GENERATE(1, 70, 64 * 3 + 5);
  constexpr int BLOCK = 64;
  const int blocks = (n + BLOCK - 1) / BLOCK;
  const std::vector<int> h = make_ints(static_cast<std::size_t>(n), 3u);
  zoo_buffer<int> in(h);
  zoo_buffer<int> out(2 * static_cast<std::size_t>(blocks));
  block_max_min_kernel<BLOCK><<<blocks, BLOCK>>>(in.get(), out.get(), n);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> got = out.download();
  for (int b = 0; b < blocks; ++b) {
    int mx = std::numeric_limits<int>::min();
    int mn = std::numeric_limits<int>::max();
    for (int i = b * BLOCK; i < std::min(n, (b + 1) * BLOCK); ++i) {
      mx = std::max(mx, h[static_cast<std::size_t>(i)]);
      mn = std::min(mn, h[static_cast<std::size_t>(i)]);
    }
    INFO("n = " << n << ", block " << b);
    CHECK(got[2 * static_cast<std::size_t>(b)] == mx);
    CHECK(got[2 * static_cast<std::size_t>(b) + 1] == mn);
  }
}

TEST_CASE("cub::BlockReduce reduces several items per thread and works in a 2D block", "[cudacpu][cub][block]") {
  constexpr int BLOCK = 64;
  constexpr int ITEMS = 4;
  const int blocks = 3;
  const std::vector<int> h = make_ints(static_cast<std::size_t>(blocks * BLOCK * ITEMS), 9u);
  zoo_buffer<int> in(h);
  zoo_buffer<int> out(2 * blocks);
  block_items_kernel<BLOCK, ITEMS><<<blocks, BLOCK>>>(in.get(), out.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> got = out.download();
  for (int b = 0; b < blocks; ++b) {
    int s = 0;
    int m = std::numeric_limits<int>::min();
    for (int i = b * BLOCK * ITEMS; i < (b + 1) * BLOCK * ITEMS; ++i) {
      s += h[static_cast<std::size_t>(i)];
      m = std::max(m, h[static_cast<std::size_t>(i)]);
    }
    CHECK(got[2 * static_cast<std::size_t>(b)] == s);
    CHECK(got[2 * static_cast<std::size_t>(b) + 1] == m);
  }

  const std::vector<int> h2 = make_ints(16 * 8, 21u);
  zoo_buffer<int> in2(h2);
  zoo_buffer<int> out2(1);
  block_2d_sum_kernel<<<1, dim3(16, 8)>>>(in2.get(), out2.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  int s2 = 0;
  for (int v : h2) s2 += v;
  CHECK(out2.download()[0] == s2);
}

TEST_CASE("CUB primitives move double, long long, short and a 12-byte struct", "[cudacpu][cub][block][warp]") {
  const std::vector<int> h = make_ints(64, 13u);
  zoo_buffer<int> in(h);
  zoo_buffer<double> dsum(1);
  zoo_buffer<long long> lscan(64);
  zoo_buffer<short> ssum(1);
  zoo_buffer<vec3> vsum(2);
  item_types_kernel<<<1, 64>>>(in.get(), dsum.get(), lscan.get(), ssum.get(), vsum.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<long long> gl = lscan.download();
  const std::vector<vec3> gv = vsum.download();
  int total = 0;
  long long running = 0;
  for (int i = 0; i < 64; ++i) {
    total += h[static_cast<std::size_t>(i)];
    running += static_cast<long long>(h[static_cast<std::size_t>(i)]) * 1000000007LL;
    REQUIRE(gl[static_cast<std::size_t>(i)] == running);
  }
  CHECK(dsum.download()[0] == total * 0.5);
  CHECK(ssum.download()[0] == total);
  for (int w = 0; w < 2; ++w) {
    int s = 0;
    for (int i = w * 32; i < (w + 1) * 32; ++i) s += h[static_cast<std::size_t>(i)];
    CHECK(gv[static_cast<std::size_t>(w)].x == static_cast<float>(s));
    CHECK(gv[static_cast<std::size_t>(w)].y == 32.0f);
    CHECK(gv[static_cast<std::size_t>(w)].z == -2.0f * static_cast<float>(s));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tests: WarpReduce

TEST_CASE("cub::WarpReduce sums each warp, with valid items where the data ends", "[cudacpu][cub][warp]") {
  const int n = GENERATE(32, 45, 128, 300);
  const int blocks = (n + 127) / 128;
  const std::vector<int> h = make_ints(static_cast<std::size_t>(n), 17u);
  zoo_buffer<int> in(h);
  zoo_buffer<int> out(static_cast<std::size_t>(blocks) * 4);
  warp_sum_kernel<<<blocks, 128>>>(in.get(), out.get(), n);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> got = out.download();
  for (int w = 0; w * 32 < n; ++w) {
    int expect = 0;
    for (int i = w * 32; i < std::min(n, (w + 1) * 32); ++i) expect += h[static_cast<std::size_t>(i)];
    INFO("n = " << n << ", warp " << w);
    CHECK(got[static_cast<std::size_t>(w)] == expect);
  }
}

TEST_CASE("cub::WarpReduce with 16-lane logical warps sums and takes the max of each half warp",
          "[cudacpu][cub][warp]") {
  const std::vector<float> h = make_floats(64, 23u);
  zoo_buffer<float> in(h);
  zoo_buffer<float> sums(4);
  zoo_buffer<float> maxes(4);
  logical_warp_kernel<<<1, 64>>>(in.get(), sums.get(), maxes.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<float> s = sums.download();
  const std::vector<float> m = maxes.download();
  for (int w = 0; w < 4; ++w) {
    double expect = 0.0;
    double sum_abs = 0.0;
    float mx = -std::numeric_limits<float>::infinity();
    for (int i = w * 16; i < (w + 1) * 16; ++i) {
      expect += h[static_cast<std::size_t>(i)];
      sum_abs += std::fabs(h[static_cast<std::size_t>(i)]);
      mx = std::max(mx, h[static_cast<std::size_t>(i)]);
    }
    CHECK_THAT(s[static_cast<std::size_t>(w)], Catch::Matchers::WithinAbs(expect, sum_tolerance(sum_abs, 4)));
    CHECK(m[static_cast<std::size_t>(w)] == mx);
  }
}

TEST_CASE("cub::WarpScan scans full and 8-lane logical warps and broadcasts a lane", "[cudacpu][cub][warp]") {
  const std::vector<int> h = make_ints(64, 19u);
  zoo_buffer<int> in(h);
  zoo_buffer<int> inc(64), exc(64), agg(2), mx(64), bc(64);
  warp_scan_kernel<<<1, 64>>>(in.get(), inc.get(), exc.get(), agg.get(), mx.get(), bc.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> gi = inc.download(), ge = exc.download(), ga = agg.download(), gm = mx.download(),
                         gb = bc.download();
  for (int w = 0; w < 2; ++w) {
    int running = 0;
    for (int i = w * 32; i < (w + 1) * 32; ++i) {
      INFO("i = " << i);
      REQUIRE(ge[static_cast<std::size_t>(i)] == running);
      running += h[static_cast<std::size_t>(i)];
      REQUIRE(gi[static_cast<std::size_t>(i)] == running);
    }
    CHECK(ga[static_cast<std::size_t>(w)] == running);
  }
  for (int w = 0; w < 8; ++w) {
    int m = -20;
    for (int i = w * 8; i < (w + 1) * 8; ++i) {
      INFO("i = " << i);
      REQUIRE(gm[static_cast<std::size_t>(i)] == m);
      m = std::max(m, h[static_cast<std::size_t>(i)]);
      REQUIRE(gb[static_cast<std::size_t>(i)] == h[static_cast<std::size_t>(w * 8 + 5)]);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tests: BlockScan

/// Runs block_sum_scans_kernel<BLOCK, int> over n items and checks every output and aggregate.
template <int BLOCK>
static void check_block_scan_ints(int n) {
  const int blocks = (n + BLOCK - 1) / BLOCK;
  const std::vector<int> h = make_ints(static_cast<std::size_t>(n), 29u);
  zoo_buffer<int> in(h);
  zoo_buffer<int> inc(static_cast<std::size_t>(n));
  zoo_buffer<int> exc(static_cast<std::size_t>(n));
  zoo_buffer<int> agg(static_cast<std::size_t>(blocks));
  block_sum_scans_kernel<BLOCK, int><<<blocks, BLOCK>>>(in.get(), inc.get(), exc.get(), agg.get(), n);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> gi = inc.download();
  const std::vector<int> ge = exc.download();
  const std::vector<int> ga = agg.download();
  for (int b = 0; b < blocks; ++b) {
    int running = 0;
    for (int i = b * BLOCK; i < std::min(n, (b + 1) * BLOCK); ++i) {
      INFO("n = " << n << ", i = " << i);
      REQUIRE(ge[static_cast<std::size_t>(i)] == running);
      running += h[static_cast<std::size_t>(i)];
      REQUIRE(gi[static_cast<std::size_t>(i)] == running);
    }
    CHECK(ga[static_cast<std::size_t>(b)] == running);
  }
}

TEST_CASE("cub::BlockScan inclusive and exclusive sums match the host per block, ints exactly",
          "[cudacpu][cub][scan]") {
  check_block_scan_ints<160>(GENERATE(1, 33, 160, 161, 700));  // five warps
}

TEST_CASE("cub::BlockScan works in a block of 100 threads, whose last warp is partial", "[cudacpu][cub][scan]") {
  check_block_scan_ints<100>(GENERATE(100, 250));
}

TEST_CASE("cub::BlockScan sums floats within a rounding bound", "[cudacpu][cub][scan]") {
  constexpr int BLOCK = 256;
  const int n = 1000;
  const int blocks = (n + BLOCK - 1) / BLOCK;
  const std::vector<float> h = make_floats(static_cast<std::size_t>(n), 31u);
  zoo_buffer<float> in(h);
  zoo_buffer<float> inc(static_cast<std::size_t>(n));
  zoo_buffer<float> exc(static_cast<std::size_t>(n));
  zoo_buffer<float> agg(static_cast<std::size_t>(blocks));
  block_sum_scans_kernel<BLOCK, float><<<blocks, BLOCK>>>(in.get(), inc.get(), exc.get(), agg.get(), n);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<float> gi = inc.download();
  const std::vector<float> ge = exc.download();
  for (int b = 0; b < blocks; ++b) {
    double running = 0.0;
    double sum_abs = 0.0;
    for (int i = b * BLOCK; i < std::min(n, (b + 1) * BLOCK); ++i) {
      INFO("i = " << i);
      REQUIRE_THAT(ge[static_cast<std::size_t>(i)], Catch::Matchers::WithinAbs(running, sum_tolerance(sum_abs, 16)));
      running += h[static_cast<std::size_t>(i)];
      sum_abs += std::fabs(h[static_cast<std::size_t>(i)]);
      REQUIRE_THAT(gi[static_cast<std::size_t>(i)], Catch::Matchers::WithinAbs(running, sum_tolerance(sum_abs, 16)));
    }
  }
}

TEST_CASE("cub::BlockScan with an operator: running max with aggregate, exclusive scan from an initial value",
          "[cudacpu][cub][scan]") {
  constexpr int BLOCK = 64;
  const int blocks = 2;
  const std::vector<int> h = make_ints(BLOCK * blocks, 37u);
  zoo_buffer<int> in(h);
  zoo_buffer<int> mx(h.size());
  zoo_buffer<int> ex(h.size());
  zoo_buffer<int> agg(blocks);
  block_op_scans_kernel<BLOCK><<<blocks, BLOCK>>>(in.get(), mx.get(), ex.get(), agg.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> gm = mx.download();
  const std::vector<int> ge = ex.download();
  const std::vector<int> ga = agg.download();
  for (int b = 0; b < blocks; ++b) {
    int m = std::numeric_limits<int>::min();
    int e = 1000;
    for (int i = b * BLOCK; i < (b + 1) * BLOCK; ++i) {
      INFO("i = " << i);
      REQUIRE(ge[static_cast<std::size_t>(i)] == e);
      e += h[static_cast<std::size_t>(i)];
      m = std::max(m, h[static_cast<std::size_t>(i)]);
      REQUIRE(gm[static_cast<std::size_t>(i)] == m);
    }
    CHECK(ga[static_cast<std::size_t>(b)] == m);
  }
}

TEST_CASE("cub::BlockScan scans several items per thread (blocked) and carries a prefix callback across tiles",
          "[cudacpu][cub][scan]") {
  constexpr int BLOCK = 64;
  constexpr int ITEMS = 3;
  const std::vector<int> h = make_ints(BLOCK * ITEMS * 2, 41u);
  zoo_buffer<int> in(h);
  zoo_buffer<int> inc(h.size());
  zoo_buffer<int> exc(h.size());
  block_scan_items_kernel<BLOCK, ITEMS><<<2, BLOCK>>>(in.get(), inc.get(), exc.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> gi = inc.download();
  const std::vector<int> ge = exc.download();
  for (int b = 0; b < 2; ++b) {
    int running = 0;
    for (int i = b * BLOCK * ITEMS; i < (b + 1) * BLOCK * ITEMS; ++i) {
      INFO("i = " << i);
      REQUIRE(ge[static_cast<std::size_t>(i)] == running);
      running += h[static_cast<std::size_t>(i)];
      REQUIRE(gi[static_cast<std::size_t>(i)] == running);
    }
  }

  const int n = GENERATE(1, 96, 97, 1000);
  const std::vector<int> h2 = make_ints(static_cast<std::size_t>(n), 43u);
  zoo_buffer<int> in2(h2);
  zoo_buffer<int> out2(h2.size());
  tiled_scan_kernel<<<1, 96>>>(in2.get(), out2.get(), n);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> g2 = out2.download();
  int running = 0;
  for (int i = 0; i < n; ++i) {
    INFO("n = " << n << ", i = " << i);
    running += h2[static_cast<std::size_t>(i)];
    REQUIRE(g2[static_cast<std::size_t>(i)] == running);
  }
}

TEST_CASE("a union of a BlockReduce and a BlockScan TempStorage is reused after __syncthreads",
          "[cudacpu][cub][block][scan]") {
  constexpr int BLOCK = 128;
  const int n = GENERATE(128, 200);
  const int blocks = (n + BLOCK - 1) / BLOCK;
  const std::vector<float> h = make_floats(static_cast<std::size_t>(n), 47u);
  zoo_buffer<float> in(h);
  zoo_buffer<float> frac(static_cast<std::size_t>(n));
  zoo_buffer<float> totals(static_cast<std::size_t>(blocks));
  union_storage_kernel<BLOCK><<<blocks, BLOCK>>>(in.get(), frac.get(), totals.get(), n);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<float> gf = frac.download();
  const std::vector<float> gt = totals.download();
  for (int b = 0; b < blocks; ++b) {
    double total = 0.0;
    double sum_abs = 0.0;
    for (int i = b * BLOCK; i < std::min(n, (b + 1) * BLOCK); ++i) {
      total += h[static_cast<std::size_t>(i)];
      sum_abs += std::fabs(h[static_cast<std::size_t>(i)]);
    }
    REQUIRE_THAT(gt[static_cast<std::size_t>(b)], Catch::Matchers::WithinAbs(total, sum_tolerance(sum_abs, 9)));
    double before = 0.0;
    for (int i = b * BLOCK; i < std::min(n, (b + 1) * BLOCK); ++i) {
      INFO("i = " << i);
      REQUIRE_THAT(gf[static_cast<std::size_t>(i)], Catch::Matchers::WithinAbs(before / total, 1e-4));
      before += h[static_cast<std::size_t>(i)];
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tests: device-wide algorithms

/// Device temporary storage of the size a query returned.
struct temp_storage {
  void* p = nullptr;  ///< the allocation
  /// Allocates @p bytes.
  explicit temp_storage(std::size_t bytes) { ZOO_CHECK(cudaMalloc(&p, bytes)); }
  temp_storage(const temp_storage&) = delete;
  temp_storage& operator=(const temp_storage&) = delete;
  ~temp_storage() { cudaFree(p); }
};

TEST_CASE("cub::DeviceReduce::Sum follows the two-phase protocol and sums ints exactly", "[cudacpu][cub][device]") {
  const int n = GENERATE(0, 1, 4095, 4096, 4097, 100003);
  const std::vector<int> h = make_ints(static_cast<std::size_t>(n), 53u);
  zoo_buffer<int> in(std::max<std::size_t>(h.size(), 1));
  if (n > 0) ZOO_CHECK(cudaMemcpy(in.get(), h.data(), h.size() * sizeof(int), cudaMemcpyHostToDevice));
  zoo_buffer<int> out(1);
  poison(out, 1);
  std::size_t bytes = 0;
  ZOO_CHECK(cub::DeviceReduce::Sum(nullptr, bytes, in.get(), out.get(), n));
  REQUIRE(bytes > 0);
  CHECK(out.download()[0] == -1);  // the size query computes nothing
  temp_storage temp(bytes);
  ZOO_CHECK(cub::DeviceReduce::Sum(temp.p, bytes, in.get(), out.get(), n));
  long long expect = 0;
  for (int v : h) expect += v;
  INFO("n = " << n);
  CHECK(out.download()[0] == expect);
}

TEST_CASE("cub::DeviceReduce::Sum of floats is pairwise: within a log2(n) rounding bound", "[cudacpu][cub][device]") {
  const int n = GENERATE(1000, 1 << 20);
  const std::vector<float> h = make_floats(static_cast<std::size_t>(n), 59u);
  zoo_buffer<float> in(h);
  zoo_buffer<float> out(1);
  std::size_t bytes = 0;
  ZOO_CHECK(cub::DeviceReduce::Sum(nullptr, bytes, in.get(), out.get(), n));
  temp_storage temp(bytes);
  cudaStream_t stream = nullptr;
  ZOO_CHECK(cudaStreamCreate(&stream));
  ZOO_CHECK(cub::DeviceReduce::Sum(temp.p, bytes, in.get(), out.get(), n, stream));
  ZOO_CHECK(cudaStreamSynchronize(stream));
  ZOO_CHECK(cudaStreamDestroy(stream));
  double expect = 0.0;
  double sum_abs = 0.0;
  for (float v : h) {
    expect += v;
    sum_abs += std::fabs(v);
  }
  INFO("n = " << n);
  CHECK_THAT(out.download()[0], Catch::Matchers::WithinAbs(expect, sum_tolerance(sum_abs, std::log2(n) + 8)));
}

TEST_CASE("cub::DeviceReduce Max, Min and Reduce with an initial value, and empty inputs give the initial value",
          "[cudacpu][cub][device]") {
  const int n = GENERATE(0, 5000);
  std::vector<float> h = make_floats(static_cast<std::size_t>(n), 61u);
  zoo_buffer<float> in(std::max<std::size_t>(h.size(), 1));
  if (n > 0) ZOO_CHECK(cudaMemcpy(in.get(), h.data(), h.size() * sizeof(float), cudaMemcpyHostToDevice));
  zoo_buffer<float> out(3);
  std::size_t bytes = 0;
  ZOO_CHECK(cub::DeviceReduce::Max(nullptr, bytes, in.get(), out.get(), n));
  std::size_t bytes_min = 0;
  ZOO_CHECK(cub::DeviceReduce::Min(nullptr, bytes_min, in.get(), out.get() + 1, n));
  std::size_t bytes_reduce = 0;
  ZOO_CHECK(cub::DeviceReduce::Reduce(nullptr, bytes_reduce, in.get(), out.get() + 2, n, cuda::minimum<>{}, -0.5f));
  bytes = std::max(bytes, std::max(bytes_min, bytes_reduce));
  temp_storage temp(bytes);
  ZOO_CHECK(cub::DeviceReduce::Max(temp.p, bytes, in.get(), out.get(), n));
  ZOO_CHECK(cub::DeviceReduce::Min(temp.p, bytes, in.get(), out.get() + 1, n));
  ZOO_CHECK(cub::DeviceReduce::Reduce(temp.p, bytes, in.get(), out.get() + 2, n, cuda::minimum<>{}, -0.5f));
  const std::vector<float> got = out.download();
  float mx = std::numeric_limits<float>::lowest();
  float mn = std::numeric_limits<float>::max();
  for (float v : h) {
    mx = std::max(mx, v);
    mn = std::min(mn, v);
  }
  INFO("n = " << n);
  CHECK(got[0] == mx);
  CHECK(got[1] == mn);
  CHECK(got[2] == std::min(mn, -0.5f));
}

TEST_CASE("cub::DeviceScan inclusive and exclusive sums of ints are exact, in place too", "[cudacpu][cub][device]") {
  const int n = GENERATE(1, 100, 4096, 4097, 20000);
  const std::vector<int> h = make_ints(static_cast<std::size_t>(n), 67u);
  zoo_buffer<int> in(h);
  zoo_buffer<int> inc(h.size());
  zoo_buffer<int> exc(h.size());
  std::size_t bytes = 0;
  ZOO_CHECK(cub::DeviceScan::InclusiveSum(nullptr, bytes, in.get(), inc.get(), n));
  std::size_t bytes_ex = 0;
  ZOO_CHECK(cub::DeviceScan::ExclusiveSum(nullptr, bytes_ex, in.get(), exc.get(), n));
  REQUIRE(bytes > 0);
  bytes = std::max(bytes, bytes_ex);
  temp_storage temp(bytes);
  ZOO_CHECK(cub::DeviceScan::InclusiveSum(temp.p, bytes, in.get(), inc.get(), n));
  ZOO_CHECK(cub::DeviceScan::ExclusiveSum(temp.p, bytes, in.get(), exc.get(), n));
  ZOO_CHECK(cub::DeviceScan::InclusiveSum(temp.p, bytes, in.get(), n));  // in place: in becomes the inclusive sum
  const std::vector<int> gi = inc.download();
  const std::vector<int> ge = exc.download();
  const std::vector<int> gp = in.download();
  int running = 0;
  for (int i = 0; i < n; ++i) {
    INFO("n = " << n << ", i = " << i);
    REQUIRE(ge[static_cast<std::size_t>(i)] == running);
    running += h[static_cast<std::size_t>(i)];
    REQUIRE(gi[static_cast<std::size_t>(i)] == running);
    REQUIRE(gp[static_cast<std::size_t>(i)] == running);
  }
}

TEST_CASE("cub::DeviceScan of floats and with operators: InclusiveScan(max), ExclusiveScan(op, init)",
          "[cudacpu][cub][device]") {
  const int n = 10000;
  const std::vector<float> h = make_floats(n, 71u);
  zoo_buffer<float> in(h);
  zoo_buffer<float> sum(h.size());
  zoo_buffer<float> mx(h.size());
  zoo_buffer<float> ex(h.size());
  std::size_t bytes = 0;
  ZOO_CHECK(cub::DeviceScan::InclusiveSum(nullptr, bytes, in.get(), sum.get(), n));
  temp_storage temp(bytes);
  ZOO_CHECK(cub::DeviceScan::InclusiveSum(temp.p, bytes, in.get(), sum.get(), n));
  ZOO_CHECK(cub::DeviceScan::InclusiveScan(temp.p, bytes, in.get(), mx.get(), cuda::maximum<>{}, n));
  ZOO_CHECK(cub::DeviceScan::ExclusiveScan(temp.p, bytes, in.get(), ex.get(), cuda::std::plus<>{}, 2.5f, n));
  const std::vector<float> gs = sum.download();
  const std::vector<float> gm = mx.download();
  const std::vector<float> ge = ex.download();
  double running = 0.0;
  double sum_abs = 0.0;
  float m = std::numeric_limits<float>::lowest();
  for (int i = 0; i < n; ++i) {
    INFO("i = " << i);
    // Each output is a tile prefix plus a sequential run of at most 4096 items.
    REQUIRE_THAT(ge[static_cast<std::size_t>(i)],
                 Catch::Matchers::WithinAbs(2.5 + running, sum_tolerance(sum_abs + 2.5, i + 1)));
    running += h[static_cast<std::size_t>(i)];
    sum_abs += std::fabs(h[static_cast<std::size_t>(i)]);
    m = std::max(m, h[static_cast<std::size_t>(i)]);
    REQUIRE_THAT(gs[static_cast<std::size_t>(i)], Catch::Matchers::WithinAbs(running, sum_tolerance(sum_abs, i + 1)));
    REQUIRE(gm[static_cast<std::size_t>(i)] == m);
  }
}

TEST_CASE("a device-wide call with less temporary storage than the query asked for returns cudaErrorInvalidValue",
          "[cudacpu][cub][device][errors]") {
  const int n = 10000;
  const std::vector<int> h = make_ints(n, 73u);
  zoo_buffer<int> in(h);
  zoo_buffer<int> out(h.size());
  poison(out, h.size());
  std::size_t bytes = 0;
  ZOO_CHECK(cub::DeviceReduce::Sum(nullptr, bytes, in.get(), out.get(), n));
  temp_storage temp(bytes);
  std::size_t small = bytes - 1;
  CHECK(cub::DeviceReduce::Sum(temp.p, small, in.get(), out.get(), n) == cudaErrorInvalidValue);
  small = 0;
  CHECK(cub::DeviceScan::InclusiveSum(temp.p, small, in.get(), out.get(), n) == cudaErrorInvalidValue);
  CHECK(out.download()[0] == -1);  // nothing was written
  ZOO_CHECK(cub::DeviceReduce::Sum(temp.p, bytes, in.get(), out.get(), n));  // the right size still works
}

#ifdef WS_CUDACPU
// What the CPU backend reports where a GPU would fault, hang or silently compute garbage.

/// Half of the block skips the BlockReduce and waits at the next barrier: a divergent barrier.
__global__ void skipped_block_reduce_kernel(const int* in, int* out) {
  typedef cub::BlockReduce<int, 128> BlockReduce;
  __shared__ typename BlockReduce::TempStorage temp;
  int s = 0;
  if (threadIdx.x < 64) s = BlockReduce(temp).Sum(in[threadIdx.x]);
  __syncthreads();
  if (threadIdx.x == 0) out[0] = s;
}

/// Declared for 128 threads, launched with 64.
__global__ void wrong_block_shape_kernel(const int* in, int* out) {
  typedef cub::BlockScan<int, 128> BlockScan;
  __shared__ typename BlockScan::TempStorage temp;
  int y;
  BlockScan(temp).InclusiveSum(in[threadIdx.x], y);
  out[threadIdx.x] = y;
}

TEST_CASE("cudacpu: a block primitive that some threads skip, or that runs in a block of another shape, fails the "
          "launch",
          "[cudacpu][cub][errors]") {
  {
    const std::vector<int> h = make_ints(128, 79u);
    zoo_buffer<int> in(h);
    zoo_buffer<int> out(128);
    skipped_block_reduce_kernel<<<1, 128>>>(in.get(), out.get());
    CHECK(cudaDeviceSynchronize() == cudaErrorLaunchFailure);
  }
  REQUIRE(cudaDeviceReset() == cudaSuccess);
  {
    const std::vector<int> h = make_ints(128, 83u);
    zoo_buffer<int> in(h);
    zoo_buffer<int> out(128);
    wrong_block_shape_kernel<<<1, 64>>>(in.get(), out.get());
    CHECK(cudaDeviceSynchronize() == cudaErrorLaunchFailure);
  }
  REQUIRE(cudaDeviceReset() == cudaSuccess);
}

TEST_CASE("cudacpu: device-wide calls check their pointers and the sticky error", "[cudacpu][cub][device][errors]") {
  {
  const int n = 100;
  std::vector<int> host(n, 1);
  zoo_buffer<int> in(host);
  zoo_buffer<int> out(1);
  std::size_t bytes = 0;
  ZOO_CHECK(cub::DeviceReduce::Sum(nullptr, bytes, in.get(), out.get(), n));
  temp_storage temp(bytes);
  // A host array as input, and host memory as temporary storage: a GPU would fault.
  CHECK(cub::DeviceReduce::Sum(temp.p, bytes, host.data(), out.get(), n) == cudaErrorInvalidValue);
  std::vector<unsigned char> host_temp(bytes);
  CHECK(cub::DeviceReduce::Sum(host_temp.data(), bytes, in.get(), out.get(), n) == cudaErrorInvalidValue);
  CHECK(cub::DeviceReduce::Sum(temp.p, bytes, in.get(), out.get(), -1) == cudaErrorInvalidValue);
  // After a failed kernel the context is broken: the call returns the sticky error and does not run.
  wrong_block_shape_kernel<<<1, 64>>>(in.get(), out.get());
  CHECK(cudaDeviceSynchronize() == cudaErrorLaunchFailure);
  CHECK(cub::DeviceScan::InclusiveSum(temp.p, bytes, in.get(), in.get(), n) == cudaErrorLaunchFailure);
  }
  REQUIRE(cudaDeviceReset() == cudaSuccess);
}
#endif
