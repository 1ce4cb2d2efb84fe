/// @file
/// @brief cudacpu zoo: CUDA's cooperative groups. Static tiles of 1 ... 32 threads (shuffles of a 24-byte type, votes,
///        match, meta ranks), tiles of 64 ... 512 threads with block_tile_memory (a barrier of the tile alone,
///        broadcast, votes, reduce, scans), the type-erased thread_group and dynamic tiled_partition, coalesced
///        groups (warp-aggregated atomics, shuffles, ballots), labeled_partition and binary_partition, reduce with
///        every cg:: function object and a non-commutative one, inclusive/exclusive scans, memcpy_async with wait,
///        grid_group with cudaLaunchCooperativeKernel, and the misuse reports.
///
/// Every kernel writes what each thread saw into outputs pre-filled with 0xFF bytes (NaN, -1), and the host
/// checks each value against a CPU reference.
#include <cooperative_groups.h>
#include <cooperative_groups/memcpy_async.h>
#include <cooperative_groups/reduce.h>
#include <cooperative_groups/scan.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "zoo_check.h"

namespace cg = cooperative_groups;

// --- values and records shared by kernels and references ---

/// 24 bytes: a shuffle moves it as three 8-byte words.
struct wide {
  double d;
  int i;
  float f[3];
};

__host__ __device__ wide make_wide(int g) { return wide{g * 1.5, g * 7 - 3, {float(g), -float(g), g + 0.25f}}; }

bool same_wide(const wide& a, const wide& b) {
  return a.d == b.d && a.i == b.i && a.f[0] == b.f[0] && a.f[1] == b.f[1] && a.f[2] == b.f[2];
}

/// x -> a * x + b; composing in rank order is associative but not commutative, so it shows the order of a reduction.
struct affine {
  long long a, b;
};
/// Applies l first, then r.
struct compose {
  __host__ __device__ affine operator()(const affine& l, const affine& r) const { return {r.a * l.a, r.a * l.b + r.b}; }
};
__host__ __device__ affine make_affine(int v) { return {1 + v % 3, v % 7 - 3}; }
bool operator==(const affine& x, const affine& y) { return x.a == y.a && x.b == y.b; }

/// Device memory filled with 0xFF bytes (NaN, -1), freed on scope exit.
template <class T>
class poisoned {
 public:
  explicit poisoned(std::size_t n) : buf_(n) { ZOO_CHECK(cudaMemset(buf_.get(), 0xFF, n * sizeof(T))); }
  T* get() const { return buf_.get(); }
  std::vector<T> download() const { return buf_.download(); }

 private:
  zoo_buffer<T> buf_;
};

// --- kernels ---

/// What one thread of a static tile saw.
struct tile_record {
  int rank, meta_rank, meta_size, num_threads;
  wide from_last, down1, up2, xor1;
  int any, all;
  unsigned ballot, match;
};

template <unsigned N>
__global__ void static_tile_kernel(tile_record* out) {
  cg::thread_block block = cg::this_thread_block();
  cg::thread_block_tile<N> tile = cg::tiled_partition<N>(block);
  const int g = blockIdx.x * blockDim.x + threadIdx.x;
  const wide w = make_wide(g);
  tile_record r;
  r.rank = static_cast<int>(tile.thread_rank());
  r.meta_rank = static_cast<int>(tile.meta_group_rank());
  r.meta_size = static_cast<int>(tile.meta_group_size());
  r.num_threads = static_cast<int>(tile.num_threads());
  r.from_last = tile.shfl(w, N - 1);
  r.down1 = tile.shfl_down(w, 1);
  r.up2 = tile.shfl_up(w, 2);
  r.xor1 = tile.shfl_xor(w, 1);
  r.any = tile.any(g % 7 == 3);
  r.all = tile.all(g % 5 != 4);
  r.ballot = tile.ballot(g % 3 == 0);
  r.match = tile.match_any(g / 3 % 2);
  tile.sync();
  out[g] = r;
}

/// Sum of `val` over `g` through shared memory, with the group's barriers only; every rank gets the total.
__device__ int group_sum(const cg::thread_group& g, int* x, int val) {
  const unsigned r = static_cast<unsigned>(g.thread_rank());
  for (unsigned i = static_cast<unsigned>(g.size()) / 2; i > 0; i /= 2) {
    x[r] = val;
    g.sync();
    if (r < i) val += x[r + i];
    cg::sync(g);
  }
  if (r == 0) x[0] = val;
  g.sync();
  const int total = x[0];
  g.sync();
  return total;
}

/// Per thread: block sum, dynamic tile sum, rank, size; sums through a static tile<8> and a tile<64> as thread_groups;
/// rank and size in a tile of the tile.
__global__ void dynamic_tile_kernel(unsigned n, int* out) {
  __shared__ int x[128];
  cg::thread_block block = cg::this_thread_block();
  const int t = static_cast<int>(block.thread_rank());
  int* mine = out + 8 * t;
  const cg::thread_group whole = block;
  mine[0] = group_sum(whole, x, t);
  cg::thread_group tile = cg::tiled_partition(block, n);
  mine[1] = group_sum(tile, x + (t - static_cast<int>(tile.thread_rank())), t);
  mine[2] = static_cast<int>(tile.thread_rank());
  mine[3] = static_cast<int>(tile.size());
  cg::thread_group half = cg::tiled_partition(tile, n > 1 ? n / 2 : 1);
  mine[4] = static_cast<int>(half.thread_rank() * 100 + half.num_threads());
  block.sync();
  const cg::thread_group eight = cg::tiled_partition<8>(block);
  mine[5] = group_sum(eight, x + t / 8 * 8, t);
  block.sync();
  const cg::thread_group sixty_four = cg::tiled_partition<64>(block);
  mine[6] = group_sum(sixty_four, x + t / 64 * 64, t);
  mine[7] = static_cast<int>(sixty_four.thread_rank());
}

/// What one thread of a tile over 32 threads saw.
struct big_record {
  int rank, meta_rank, meta_size, num_threads;
  int neighbours;
  double bcast;
  wide bcast_wide;
  int any_yes, any_no, all_yes, all_no;
  int sum, max;
  affine chain;
  int inc, exc;
  int erased_rank, erased_size;
};

template <unsigned N>
__global__ void big_tile_kernel(big_record* out) {
  __shared__ cg::block_tile_memory<512> scratch;
  __shared__ int stage[512];
  cg::thread_block block = cg::this_thread_block(scratch);
  cg::thread_block_tile<N> tile = cg::tiled_partition<N>(block);
  const int t = static_cast<int>(block.thread_rank());
  const int g = blockIdx.x * 512 + t;
  const int rank = static_cast<int>(tile.thread_rank());
  big_record r;
  r.rank = rank;
  r.meta_rank = static_cast<int>(tile.meta_group_rank());
  r.meta_size = static_cast<int>(tile.meta_group_size());
  r.num_threads = static_cast<int>(tile.num_threads());
  // Each tile synchronises on its own: tile k takes k + 1 rounds, so a block-wide barrier could never match them.
  int neighbours = 0;
  for (int round = 0; round <= r.meta_rank; ++round) {
    stage[t] = g * 3 + round;
    tile.sync();
    neighbours += stage[t - rank + (rank + 37) % static_cast<int>(N)];
    tile.sync();
  }
  r.neighbours = neighbours;
  r.bcast = tile.shfl(g * 0.5, 3);
  r.bcast_wide = tile.shfl(make_wide(g), N - 1);
  r.any_yes = tile.any(rank == 5);
  r.any_no = tile.any(g < 0);
  r.all_yes = tile.all(g >= 0);
  r.all_no = tile.all(rank != 7);
  r.sum = cg::reduce(tile, g, cg::plus<int>());
  r.max = cg::reduce(tile, (g * 37) % 101, cg::greater<int>());
  r.chain = cg::reduce(tile, make_affine(g), compose());
  r.inc = cg::inclusive_scan(tile, g % 5 + 1);
  r.exc = cg::exclusive_scan(tile, g % 5 + 1);
  const cg::thread_group erased = tile;
  erased.sync();
  r.erased_rank = static_cast<int>(erased.thread_rank());
  r.erased_size = static_cast<int>(erased.size());
  out[g] = r;
}

/// A tile of 64 threads without block_tile_memory (compute capability 8.0 and later) and CUDA 11's spelling.
__global__ void big_tile_plain_kernel(int* out) {
  __shared__ cg::experimental::block_tile_memory<8, 256> scratch;
  auto tile = cg::tiled_partition<64>(cg::this_thread_block());
  auto tile128 = cg::experimental::tiled_partition<128>(cg::experimental::this_thread_block(scratch));
  const int t = threadIdx.x;
  out[2 * t] = cg::reduce(tile, t, cg::plus<int>());
  out[2 * t + 1] = cg::reduce(tile128, t, cg::less<int>());
}

/// Warp-aggregated increment: the active lanes take consecutive slots with one atomicAdd.
__device__ int aggregated_increment(int* counter) {
  cg::coalesced_group active = cg::coalesced_threads();
  int first = 0;
  if (active.thread_rank() == 0) first = atomicAdd(counter, static_cast<int>(active.size()));
  return active.shfl(first, 0) + static_cast<int>(active.thread_rank());
}

__global__ void compact_positive(const int* in, int n, int* out, int* count) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
    if (in[i] > 0) out[aggregated_increment(count)] = in[i];
}

/// What one lane of a coalesced group saw.
struct coalesced_record {
  int branch, size, rank, meta_rank, meta_size, from_first, up1, down1;
  unsigned ballot;
  int any, all, sum, inc;
};

__device__ coalesced_record describe(const cg::coalesced_group& g, int t, int branch) {
  coalesced_record r;
  r.branch = branch;
  r.size = static_cast<int>(g.size());
  r.rank = static_cast<int>(g.thread_rank());
  r.meta_rank = static_cast<int>(g.meta_group_rank());
  r.meta_size = static_cast<int>(g.meta_group_size());
  r.from_first = g.shfl(t * 10, 0);
  r.up1 = g.shfl_up(t, 1);
  r.down1 = g.shfl_down(t, 1);
  r.ballot = g.ballot(t % 2);
  r.any = g.any(t == 37);
  r.all = g.all(t < 70);
  r.sum = cg::reduce(g, t, cg::plus<int>());
  r.inc = cg::inclusive_scan(g, 1);
  g.sync();
  return r;
}

__global__ void coalesced_kernel(const int* flags, coalesced_record* out) {
  const int t = threadIdx.x;
  if (flags[t]) {
    cg::coalesced_group g = cg::coalesced_threads();
    out[t] = describe(g, t, 1);
  } else {
    cg::coalesced_group g = cg::coalesced_threads();
    out[t] = describe(g, t, 2);
  }
}

__global__ void partition_kernel(const int* values, int* out) {
  auto tile = cg::tiled_partition<32>(cg::this_thread_block());
  const int t = threadIdx.x;
  const int v = values[t];
  int* mine = out + 8 * t;
  auto by_label = cg::labeled_partition(tile, v % 3);
  mine[0] = static_cast<int>(by_label.size());
  mine[1] = static_cast<int>(by_label.thread_rank());
  mine[2] = cg::reduce(by_label, v, cg::plus<int>());
  auto by_parity = cg::binary_partition(tile, v & 1);
  mine[3] = static_cast<int>(by_parity.size());
  mine[4] = static_cast<int>(by_parity.thread_rank());
  mine[5] = by_parity.shfl(v, static_cast<unsigned>(by_parity.size() - 1));
  if (v % 4 != 0) {
    cg::coalesced_group active = cg::coalesced_threads();
    auto sub = cg::labeled_partition(active, v % 2);
    mine[6] = static_cast<int>(sub.size());
    mine[7] = cg::reduce(sub, v, cg::less<int>());
  }
}

/// What one thread of a tile of N got from the reductions and scans.
struct reduce_record {
  int sum, min, max, and_, or_, xor_;
  float fsum;
  double dmin;
  wide wsum;
  affine chain, inc_chain, exc_chain;
  int inc, exc;
};

template <unsigned N>
__global__ void reduce_kernel(const int* values, reduce_record* out) {
  auto tile = cg::tiled_partition<N>(cg::this_thread_block());
  const int t = threadIdx.x;
  const int v = values[t];
  reduce_record r;
  r.sum = cg::reduce(tile, v, cg::plus<int>());
  r.min = cg::reduce(tile, v, cg::less<int>());
  r.max = cg::reduce(tile, v, cg::greater<int>());
  r.and_ = cg::reduce(tile, v | 0x100, cg::bit_and<int>());
  r.or_ = cg::reduce(tile, v, cg::bit_or<int>());
  r.xor_ = cg::reduce(tile, v, cg::bit_xor<int>());
  r.fsum = cg::reduce(tile, static_cast<float>(v), cg::plus<float>());
  r.dmin = cg::reduce(tile, v * 0.25, cg::less<double>());
  r.wsum = cg::reduce(tile, make_wide(v), [](const wide& a, const wide& b) {
    return wide{a.d + b.d, a.i + b.i, {a.f[0] + b.f[0], a.f[1] + b.f[1], a.f[2] + b.f[2]}};
  });
  r.chain = cg::reduce(tile, make_affine(v), compose());
  r.inc_chain = cg::inclusive_scan(tile, make_affine(v), compose());
  r.exc_chain = cg::exclusive_scan(tile, make_affine(v), compose());
  r.inc = cg::inclusive_scan(tile, v);
  r.exc = cg::exclusive_scan(tile, v);
  out[t] = r;
}

__global__ void memcpy_async_kernel(const int* in, int* out) {
  __shared__ int stage[256];
  cg::thread_block block = cg::this_thread_block();
  const int t = threadIdx.x;
  const int* src = in + blockIdx.x * 256;
  cg::memcpy_async(block, stage, src, sizeof(int) * 256);
  cg::wait(block);
  out[2 * (blockIdx.x * 256 + t)] = stage[255 - t];  // another thread's part of the copy
  block.sync();
  auto tile = cg::tiled_partition<32>(block);
  const int base = t - static_cast<int>(tile.thread_rank());
  cg::memcpy_async(tile, stage + base, 32, src + (base + 32) % 256, 40);  // min(32, 40) elements
  cg::wait_prior<0>(tile);
  out[2 * (blockIdx.x * 256 + t) + 1] = stage[base + 31 - static_cast<int>(tile.thread_rank())];
}

__global__ void grid_sum_kernel(const double* in, int n, double* partial, double* total, double* seen,
                                unsigned long long* info) {
  __shared__ double warp_sums[32];
  cg::grid_group grid = cg::this_grid();
  cg::thread_block block = cg::this_thread_block();
  double s = 0;
  for (unsigned long long i = grid.thread_rank(); i < static_cast<unsigned long long>(n); i += grid.size()) s += in[i];
  auto tile = cg::tiled_partition<32>(block);
  s = cg::reduce(tile, s, cg::plus<double>());
  if (tile.thread_rank() == 0) warp_sums[tile.meta_group_rank()] = s;
  block.sync();
  if (block.thread_rank() == 0) {
    double b = 0;
    for (unsigned w = 0; w < tile.meta_group_size(); ++w) b += warp_sums[w];
    partial[grid.block_rank()] = b;
  }
  grid.sync();  // every block's partial is written
  if (grid.thread_rank() == 0) {
    double sum = 0;
    for (unsigned long long b = 0; b < grid.num_blocks(); ++b) sum += partial[b];
    *total = sum;
  }
  cg::sync(grid);  // the total is written
  seen[grid.thread_rank()] = *total;
  if (grid.thread_rank() == grid.size() - 1) {
    info[0] = grid.size();
    info[1] = grid.num_blocks();
    info[2] = grid.is_valid();
    info[3] = grid.dim_blocks().x;
    info[4] = grid.block_index().x;
    info[5] = grid.thread_rank();
    info[6] = cg::thread_group(grid).size();
  }
}

__global__ void grid_valid_kernel(int* out) { out[threadIdx.x] = cg::this_grid().is_valid(); }

/// A block of 40 threads: its last tile of 32 (and of 16) has the 8 lanes of the partial last warp.
__global__ void partial_tile_kernel(int* out) {
  cg::thread_block block = cg::this_thread_block();
  auto tile = cg::tiled_partition<32>(block);
  const int t = threadIdx.x;
  out[4 * t] = cg::reduce(tile, t, cg::plus<int>());
  out[4 * t + 1] = static_cast<int>(tile.meta_group_size());
  out[4 * t + 2] = tile.shfl(t, 3);
  const cg::thread_group dynamic = cg::tiled_partition(block, 16);
  out[4 * t + 3] = static_cast<int>(dynamic.size()) * 100 + cg::inclusive_scan(cg::tiled_partition<16>(block), 1);
}

// Misuse: each marked line is where the report must point.
constexpr int k_line_tile_not_dividing = __LINE__ + 2;
__global__ void tile_not_dividing_kernel(int* out) {
  auto tile = cg::tiled_partition<64>(cg::this_thread_block());
  out[threadIdx.x] = static_cast<int>(tile.thread_rank());
}
constexpr int k_line_dynamic_not_pow2 = __LINE__ + 2;
__global__ void dynamic_not_pow2_kernel(int* out) {
  cg::thread_group tile = cg::tiled_partition(cg::this_thread_block(), 3);
  out[threadIdx.x] = static_cast<int>(tile.thread_rank());
}
constexpr int k_line_dynamic_too_big = __LINE__ + 2;
__global__ void dynamic_too_big_kernel(int* out) {
  cg::thread_group tile = cg::tiled_partition(cg::this_thread_block(), 64);
  out[threadIdx.x] = static_cast<int>(tile.thread_rank());
}
constexpr int k_line_memory_too_small = __LINE__ + 3;
__global__ void memory_too_small_kernel(int* out) {
  __shared__ cg::block_tile_memory<128> scratch;
  cg::thread_block block = cg::this_thread_block(scratch);
  out[threadIdx.x] = static_cast<int>(block.thread_rank());
}

// --- CPU references and tests ---

template <unsigned N>
void check_static_tile() {
  constexpr int block = 96, blocks = 2, n = block * blocks;
  poisoned<tile_record> out(n);
  static_tile_kernel<N><<<blocks, block>>>(out.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<tile_record> r = out.download();
  for (int g = 0; g < n; ++g) {
    INFO("tile size " << N << ", thread " << g);
    const int t = g % block, rank = t % static_cast<int>(N), base = g - rank;
    REQUIRE(r[g].rank == rank);
    REQUIRE(r[g].meta_rank == t / static_cast<int>(N));
    REQUIRE(r[g].meta_size == block / static_cast<int>(N));
    REQUIRE(r[g].num_threads == static_cast<int>(N));
    REQUIRE(same_wide(r[g].from_last, make_wide(base + static_cast<int>(N) - 1)));
    REQUIRE(same_wide(r[g].down1, make_wide(rank + 1 < static_cast<int>(N) ? g + 1 : g)));
    REQUIRE(same_wide(r[g].up2, make_wide(rank >= 2 ? g - 2 : g)));
    REQUIRE(same_wide(r[g].xor1, make_wide((rank ^ 1) < static_cast<int>(N) ? base + (rank ^ 1) : g)));
    int any = 0, all = 1;
    unsigned ballot = 0, match = 0;
    for (int k = 0; k < static_cast<int>(N); ++k) {
      const int o = base + k;
      any |= o % 7 == 3;
      all &= o % 5 != 4;
      if (o % 3 == 0) ballot |= 1u << k;
      if (o / 3 % 2 == g / 3 % 2) match |= 1u << k;
    }
    REQUIRE((r[g].any != 0) == (any != 0));
    REQUIRE((r[g].all != 0) == (all != 0));
    REQUIRE(r[g].ballot == ballot);
    REQUIRE(r[g].match == match);
  }
}

TEST_CASE("static tiles of 1 to 32 threads shuffle a 24-byte type, vote, match and know their rank and meta group",
          "[cudacpu][cg]") {
  check_static_tile<1>();
  check_static_tile<2>();
  check_static_tile<4>();
  check_static_tile<8>();
  check_static_tile<16>();
  check_static_tile<32>();
}

TEST_CASE("a thread_group from the block, a dynamic tiled_partition or a static tile syncs, ranks and sizes like "
          "the group it came from",
          "[cudacpu][cg]") {
  const unsigned n = GENERATE(1u, 2u, 4u, 8u, 16u, 32u);
  constexpr int block = 128;
  poisoned<int> out(8 * block);
  dynamic_tile_kernel<<<1, block>>>(n, out.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> r = out.download();
  const unsigned half = n > 1 ? n / 2 : 1;
  for (int t = 0; t < block; ++t) {
    INFO("tile size " << n << ", thread " << t);
    const int* mine = &r[8 * t];
    const int base = t / static_cast<int>(n) * static_cast<int>(n);
    REQUIRE(mine[0] == block * (block - 1) / 2);
    REQUIRE(mine[1] == base * static_cast<int>(n) + static_cast<int>(n * (n - 1) / 2));
    REQUIRE(mine[2] == t - base);
    REQUIRE(mine[3] == static_cast<int>(n));
    REQUIRE(mine[4] == static_cast<int>((t - base) % half * 100 + half));
    REQUIRE(mine[5] == t / 8 * 8 * 8 + 28);
    REQUIRE(mine[6] == t / 64 * 64 * 64 + 64 * 63 / 2);
    REQUIRE(mine[7] == t % 64);
  }
}

template <unsigned N>
void check_big_tile() {
  constexpr int block = 512, blocks = 2, n = block * blocks;
  poisoned<big_record> out(n);
  big_tile_kernel<N><<<blocks, block>>>(out.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<big_record> r = out.download();
  const int size = static_cast<int>(N);
  for (int g = 0; g < n; ++g) {
    INFO("tile size " << N << ", thread " << g);
    const int rank = g % size, base = g - rank, meta = g % block / size;
    REQUIRE(r[g].rank == rank);
    REQUIRE(r[g].meta_rank == meta);
    REQUIRE(r[g].meta_size == block / size);
    REQUIRE(r[g].num_threads == size);
    int neighbours = 0;
    for (int round = 0; round <= meta; ++round) neighbours += (base + (rank + 37) % size) * 3 + round;
    REQUIRE(r[g].neighbours == neighbours);
    REQUIRE(r[g].bcast == (base + 3) * 0.5);
    REQUIRE(same_wide(r[g].bcast_wide, make_wide(base + size - 1)));
    REQUIRE(r[g].any_yes == 1);
    REQUIRE(r[g].any_no == 0);
    REQUIRE(r[g].all_yes == 1);
    REQUIRE(r[g].all_no == 0);
    int sum = 0, max = -1, inc = 0, exc = 0;
    affine chain{1, 0};
    for (int k = 0; k < size; ++k) {
      const int o = base + k;
      sum += o;
      max = std::max(max, (o * 37) % 101);
      chain = compose()(chain, make_affine(o));
      if (k < rank) exc += o % 5 + 1;
      if (k <= rank) inc += o % 5 + 1;
    }
    REQUIRE(r[g].sum == sum);
    REQUIRE(r[g].max == max);
    REQUIRE(r[g].chain == chain);
    REQUIRE(r[g].inc == inc);
    REQUIRE(r[g].exc == exc);
    REQUIRE(r[g].erased_rank == rank);
    REQUIRE(r[g].erased_size == size);
  }
}

TEST_CASE("tiles of 64 to 512 threads (block_tile_memory) synchronise only their own threads, broadcast, vote, "
          "reduce and scan",
          "[cudacpu][cg]") {
  check_big_tile<64>();
  check_big_tile<128>();
  check_big_tile<256>();
  check_big_tile<512>();
}

TEST_CASE("a tile of 64 threads needs no block_tile_memory (compute capability 9.0), and CUDA 11's experimental "
          "spelling compiles",
          "[cudacpu][cg]") {
  poisoned<int> out(2 * 256);
  big_tile_plain_kernel<<<1, 256>>>(out.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> r = out.download();
  for (int t = 0; t < 256; ++t) {
    REQUIRE(r[2 * t] == t / 64 * 64 * 64 + 64 * 63 / 2);
    REQUIRE(r[2 * t + 1] == t / 128 * 128);
  }
}

TEST_CASE("the last tile of a block that is not a multiple of 32 has the lanes that exist (NVIDIA's shfl_scan "
          "splits 120 threads into tiles of 32)",
          "[cudacpu][cg]") {
  constexpr int block = 40;
  poisoned<int> out(4 * block);
  partial_tile_kernel<<<1, block>>>(out.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> r = out.download();
  for (int t = 0; t < block; ++t) {
    INFO("thread " << t);
    const bool last = t >= 32;
    REQUIRE(r[4 * t] == (last ? 32 + 33 + 34 + 35 + 36 + 37 + 38 + 39 : 31 * 32 / 2));
    REQUIRE(r[4 * t + 1] == 2);
    REQUIRE(r[4 * t + 2] == t / 32 * 32 + 3);
    REQUIRE(r[4 * t + 3] == (last ? 8 : 16) * 100 + t % 16 + 1);
  }
}

TEST_CASE("coalesced_threads() groups the lanes that take a branch together: warp-aggregated atomics compact an "
          "array",
          "[cudacpu][cg][coalesced]") {
  const int n = GENERATE(1, 1000, 4099);
  std::vector<int> h(n);
  std::vector<int> expected;
  for (int i = 0; i < n; ++i) {
    h[i] = (i * 7919) % 23 - 9;
    if (h[i] > 0) expected.push_back(h[i]);
  }
  zoo_buffer<int> in(h), count(std::vector<int>(1, 0));
  poisoned<int> out(n);
  compact_positive<<<3, 80>>>(in.get(), n, out.get(), count.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const int c = count.download()[0];
  REQUIRE(c == static_cast<int>(expected.size()));
  std::vector<int> got = out.download();
  for (int i = c; i < n; ++i) REQUIRE(got[i] == -1);  // nothing written past the count
  got.resize(c);
  std::sort(got.begin(), got.end());
  std::sort(expected.begin(), expected.end());
  REQUIRE(got == expected);
}

TEST_CASE("a coalesced group knows its size and ranks, shuffles, ballots, votes, reduces and scans over its lanes",
          "[cudacpu][cg][coalesced]") {
  constexpr int block = 80;  // the last warp has 16 lanes
  std::vector<int> flags(block);
  for (int t = 0; t < block; ++t) flags[t] = (t * 13) % 7 < 3 || t >= 72;
  zoo_buffer<int> d_flags(flags);
  poisoned<coalesced_record> out(block);
  coalesced_kernel<<<1, block>>>(d_flags.get(), out.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<coalesced_record> r = out.download();
  for (int t = 0; t < block; ++t) {
    INFO("thread " << t);
    std::vector<int> group;  // the lanes of t's warp that took t's branch
    for (int o = t / 32 * 32; o < std::min(block, t / 32 * 32 + 32); ++o)
      if (flags[o] == flags[t]) group.push_back(o);
    const int rank = static_cast<int>(std::find(group.begin(), group.end(), t) - group.begin());
    const int size = static_cast<int>(group.size());
    REQUIRE(r[t].branch == (flags[t] ? 1 : 2));
    REQUIRE(r[t].size == size);
    REQUIRE(r[t].rank == rank);
    REQUIRE(r[t].meta_rank == 0);
    REQUIRE(r[t].meta_size == 1);
    REQUIRE(r[t].from_first == group[0] * 10);
    REQUIRE(r[t].up1 == (rank >= 1 ? group[rank - 1] : t));
    REQUIRE(r[t].down1 == (rank + 1 < size ? group[rank + 1] : t));
    unsigned ballot = 0;
    int any = 0, all = 1, sum = 0;
    for (int k = 0; k < size; ++k) {
      if (group[k] % 2) ballot |= 1u << k;
      any |= group[k] == 37;
      all &= group[k] < 70;
      sum += group[k];
    }
    REQUIRE(r[t].ballot == ballot);
    REQUIRE((r[t].any != 0) == (any != 0));
    REQUIRE((r[t].all != 0) == (all != 0));
    REQUIRE(r[t].sum == sum);
    REQUIRE(r[t].inc == rank + 1);
  }
}

TEST_CASE("labeled_partition and binary_partition split a tile and a coalesced group by label", "[cudacpu][cg]") {
  constexpr int block = 64;
  std::vector<int> v(block);
  for (int t = 0; t < block; ++t) v[t] = (t * 29 + 11) % 53 + 1;
  zoo_buffer<int> d(v);
  poisoned<int> out(8 * block);
  partition_kernel<<<1, block>>>(d.get(), out.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> r = out.download();
  // The lanes of t's warp with the same key, in lane order.
  auto members = [&](int t, auto key) {
    std::vector<int> m;
    for (int o = t / 32 * 32; o < t / 32 * 32 + 32; ++o)
      if (key(o) == key(t)) m.push_back(o);
    return m;
  };
  for (int t = 0; t < block; ++t) {
    INFO("thread " << t);
    const int* mine = &r[8 * t];
    const auto label = members(t, [&](int o) { return v[o] % 3; });
    REQUIRE(mine[0] == static_cast<int>(label.size()));
    REQUIRE(mine[1] == static_cast<int>(std::find(label.begin(), label.end(), t) - label.begin()));
    int sum = 0;
    for (int o : label) sum += v[o];
    REQUIRE(mine[2] == sum);
    const auto parity = members(t, [&](int o) { return v[o] & 1; });
    REQUIRE(mine[3] == static_cast<int>(parity.size()));
    REQUIRE(mine[4] == static_cast<int>(std::find(parity.begin(), parity.end(), t) - parity.begin()));
    REQUIRE(mine[5] == v[parity.back()]);
    if (v[t] % 4 == 0) {
      REQUIRE(mine[6] == -1);  // not in the branch
      REQUIRE(mine[7] == -1);
    } else {
      const auto sub = members(t, [&](int o) { return v[o] % 4 == 0 ? -1 : v[o] % 2; });
      REQUIRE(mine[6] == static_cast<int>(sub.size()));
      int min = 1000;
      for (int o : sub) min = std::min(min, v[o]);
      REQUIRE(mine[7] == min);
    }
  }
}

template <unsigned N>
void check_reduce() {
  constexpr int block = 64;
  std::vector<int> v(block);
  for (int t = 0; t < block; ++t) v[t] = (t * 37 + 5) % 61 - 20;
  zoo_buffer<int> d(v);
  poisoned<reduce_record> out(block);
  reduce_kernel<N><<<1, block>>>(d.get(), out.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<reduce_record> r = out.download();
  for (int t = 0; t < block; ++t) {
    INFO("tile size " << N << ", thread " << t);
    const int rank = t % static_cast<int>(N), base = t - rank;
    int sum = 0, min = 1000, max = -1000, and_ = -1, or_ = 0, xor_ = 0, inc = 0, exc = 0;
    double dmin = 1e9;
    wide wsum{0, 0, {0, 0, 0}};
    affine chain{1, 0}, inc_chain{1, 0}, exc_chain{0, 0};
    for (int k = 0; k < static_cast<int>(N); ++k) {
      const int x = v[base + k];
      sum += x;
      min = std::min(min, x);
      max = std::max(max, x);
      and_ &= x | 0x100;
      or_ |= x;
      xor_ ^= x;
      dmin = std::min(dmin, x * 0.25);
      const wide w = make_wide(x);
      wsum = wide{wsum.d + w.d, wsum.i + w.i, {wsum.f[0] + w.f[0], wsum.f[1] + w.f[1], wsum.f[2] + w.f[2]}};
      chain = compose()(chain, make_affine(x));
      if (k < rank) {
        exc += x;
        exc_chain = k == 0 ? make_affine(x) : compose()(exc_chain, make_affine(x));
      }
      if (k <= rank) {
        inc += x;
        inc_chain = compose()(inc_chain, make_affine(x));
      }
    }
    REQUIRE(r[t].sum == sum);
    REQUIRE(r[t].min == min);
    REQUIRE(r[t].max == max);
    REQUIRE(r[t].and_ == and_);
    REQUIRE(r[t].or_ == or_);
    REQUIRE(r[t].xor_ == xor_);
    REQUIRE(r[t].fsum == static_cast<float>(sum));  // small integers: exact in any order
    REQUIRE(r[t].dmin == dmin);
    REQUIRE(r[t].wsum.i == wsum.i);
    REQUIRE(r[t].wsum.d == wsum.d);  // multiples of 0.5: exact in any order
    REQUIRE(r[t].wsum.f[1] == wsum.f[1]);
    REQUIRE(r[t].chain == chain);
    REQUIRE(r[t].inc == inc);
    REQUIRE(r[t].exc == exc);
    REQUIRE(r[t].inc_chain == inc_chain);
    REQUIRE(r[t].exc_chain == exc_chain);  // rank 0: a value-initialised affine
  }
}

TEST_CASE("cg::reduce and the scans combine in rank order with every cg:: function object, a lambda on a 24-byte "
          "type and a non-commutative functor",
          "[cudacpu][cg]") {
  check_reduce<1>();
  check_reduce<4>();
  check_reduce<16>();
  check_reduce<32>();
}

TEST_CASE("cg::memcpy_async copies as a collective of the block or a tile, visible after cg::wait", "[cudacpu][cg]") {
  constexpr int blocks = 2, n = 256 * blocks;
  std::vector<int> h(n);
  for (int i = 0; i < n; ++i) h[i] = i * 3 + 1;
  zoo_buffer<int> in(h);
  poisoned<int> out(2 * n);
  memcpy_async_kernel<<<blocks, 256>>>(in.get(), out.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> r = out.download();
  for (int g = 0; g < n; ++g) {
    const int b = g / 256, t = g % 256, base = t / 32 * 32;
    REQUIRE(r[2 * g] == h[b * 256 + 255 - t]);
    REQUIRE(r[2 * g + 1] == h[b * 256 + (base + 32) % 256 + 31 - t % 32]);
  }
}

TEST_CASE("this_grid().sync() in a cudaLaunchCooperativeKernel launch orders a two-phase reduction across blocks",
          "[cudacpu][cg][grid]") {
  const int n = GENERATE(1, 5000);
  constexpr int blocks = 4, threads = 96;
  std::vector<double> h(n);
  for (int i = 0; i < n; ++i) h[i] = 0.5 * ((i * 131) % 97) - 10.0;
  zoo_buffer<double> in(h);
  poisoned<double> partial(blocks), total(1), seen(blocks * threads);
  poisoned<unsigned long long> info(7);
  int count = n;
  double* in_ptr = in.get();
  double* partial_ptr = partial.get();
  double* total_ptr = total.get();
  double* seen_ptr = seen.get();
  unsigned long long* info_ptr = info.get();
  void* args[] = {&in_ptr, &count, &partial_ptr, &total_ptr, &seen_ptr, &info_ptr};
  ZOO_CHECK(cudaLaunchCooperativeKernel(grid_sum_kernel, dim3(blocks), dim3(threads), args));
  ZOO_CHECK(cudaDeviceSynchronize());
  std::vector<double> ref_partial(blocks, 0.0);
  for (int i = 0; i < n; ++i) ref_partial[i % (blocks * threads) / threads] += h[i];
  const double ref_total = std::accumulate(ref_partial.begin(), ref_partial.end(), 0.0);
  const std::vector<double> p = partial.download();
  for (int b = 0; b < blocks; ++b) REQUIRE_THAT(p[b], Catch::Matchers::WithinAbs(ref_partial[b], 1e-9));
  REQUIRE_THAT(total.download()[0], Catch::Matchers::WithinAbs(ref_total, 1e-9));
  for (double s : seen.download()) REQUIRE_THAT(s, Catch::Matchers::WithinAbs(ref_total, 1e-9));
  REQUIRE(info.download() ==
          std::vector<unsigned long long>{blocks * threads, blocks, 1, blocks, blocks - 1, blocks * threads - 1,
                                          blocks * threads});
  poisoned<int> valid(32);
  grid_valid_kernel<<<1, 32>>>(valid.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  REQUIRE(valid.download() == std::vector<int>(32, 0));  // not a cooperative launch
}

TEST_CASE("misused cooperative groups are reported at the learner's line and fail the kernel", "[cudacpu][cg][errors]") {
  struct misuse {
    void (*kernel)(int*);
    unsigned threads;
    int line;
    const char* says;
  };
  const misuse cases[] = {
      {tile_not_dividing_kernel, 96, k_line_tile_not_dividing, "not a multiple of 64"},
      {dynamic_not_pow2_kernel, 32, k_line_dynamic_not_pow2, "power of two, at most 32"},
      {dynamic_too_big_kernel, 128, k_line_dynamic_too_big, "power of two, at most 32"},
      {memory_too_small_kernel, 256, k_line_memory_too_small, "more than 128"},
  };
  for (const misuse& m : cases) {
    INFO("line " << m.line);
    std::string report;
    {
      poisoned<int> out(m.threads);
      stderr_capture capture;
      m.kernel<<<1, m.threads>>>(out.get());
      const cudaError_t e = cudaDeviceSynchronize();
      report = capture.text();
      INFO(report);
      REQUIRE(e == cudaErrorLaunchFailure);
    }
    INFO(report);
    REQUIRE(report.find("cudacpu: error: ") != std::string::npos);
    REQUIRE(report.find("zoo_cg.cu:" + std::to_string(m.line) + ":") != std::string::npos);
    REQUIRE(report.find(m.says) != std::string::npos);
    REQUIRE(cudaDeviceReset() == cudaSuccess);
  }
}
