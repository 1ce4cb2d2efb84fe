/// @file
/// @brief cudacpu zoo: block reductions with `__syncthreads`, warp shuffles (down/up/xor/idx with width),
///        votes, `__syncthreads_count/and/or`, match/reduce intrinsics and a WMMA 16x16x16 GEMM.
#include <cooperative_groups.h>
#include <mma.h>

#include <cstdint>
#include <vector>

#include "zoo_check.h"

using namespace nvcuda;
namespace cg = cooperative_groups;

// --- kernels ---

__global__ void block_sum_shared(const int* in, long long* out, int n) {
  __shared__ int partial[256];
  int t = threadIdx.x;
  int i = blockIdx.x * blockDim.x + t;
  partial[t] = i < n ? in[i] : 0;
  __syncthreads();
  for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (t < stride) partial[t] += partial[t + stride];
    __syncthreads();
  }
  if (t == 0) atomicAdd(reinterpret_cast<unsigned long long*>(out), static_cast<unsigned long long>(partial[0]));
}

__device__ int warp_sum(int v) {
  for (int offset = warpSize / 2; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffff, v, offset);
  return v;
}

__global__ void block_sum_shuffle(const int* in, int* out, int n) {
  __shared__ int warp_totals[32];
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  int v = warp_sum(i < n ? in[i] : 0);
  int lane = threadIdx.x % warpSize, warp = threadIdx.x / warpSize;
  if (lane == 0) warp_totals[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < (int)(blockDim.x / warpSize) ? warp_totals[lane] : 0;
    v = warp_sum(v);
    if (lane == 0) atomicAdd(out, v);
  }
}

__global__ void inclusive_scan_up(const int* in, int* out, int width) {
  int lane = threadIdx.x % width;
  int v = in[threadIdx.x];
  for (int d = 1; d < width; d *= 2) {
    int other = __shfl_up_sync(0xffffffff, v, d, width);
    if (lane >= d) v += other;
  }
  out[threadIdx.x] = v;
}

__global__ void xor_and_idx(int* sums, int* broadcast) {
  int v = threadIdx.x;
  for (int m = 16; m > 0; m /= 2) v += __shfl_xor_sync(0xffffffff, v, m);
  sums[threadIdx.x] = v;
  broadcast[threadIdx.x] = __shfl_sync(0xffffffff, (int)threadIdx.x * 10, 3, 16);
}

__global__ void votes(unsigned* ballots, int* any_all, int* block_votes) {
  int lane = threadIdx.x % 32;
  unsigned b = __ballot_sync(0xffffffff, lane % 3 == 0);
  int any_big = __any_sync(0xffffffff, lane == 31);
  int all_small = __all_sync(0xffffffff, lane < 32);
  int all_even = __all_sync(0xffffffff, lane % 2 == 0);
  if (lane == 0) ballots[threadIdx.x / 32] = b;
  if (threadIdx.x == 0) {  // one writer: two warps storing the same value is still a race
    any_all[0] = any_big;
    any_all[1] = all_small;
    any_all[2] = all_even;
  }
  int count = __syncthreads_count(threadIdx.x % 4 == 0);
  int all = __syncthreads_and(threadIdx.x < 1000);
  int any = __syncthreads_or(threadIdx.x == 5);
  if (threadIdx.x == 0) {
    block_votes[0] = count;
    block_votes[1] = all;
    block_votes[2] = any;
  }
}

__global__ void match_and_reduce(unsigned* match, int* reduced) {
  int lane = threadIdx.x;
  match[lane] = __match_any_sync(0xffffffff, lane / 8);
  int s = __reduce_add_sync(0xffffffff, lane);
  int mx = __reduce_max_sync(0xffffffff, lane * (lane % 2 ? -1 : 1));
  if (lane == 0) {
    reduced[0] = s;
    reduced[1] = mx;
  }
  __syncwarp();
}

__global__ void tile_sums(const int* in, int* out) {
  cg::thread_block block = cg::this_thread_block();
  cg::thread_block_tile<8> tile = cg::tiled_partition<8>(block);
  int v = in[block.thread_rank()];
  int s = cg::reduce(tile, v, cg::plus<int>());
  int next = tile.shfl_down(v, 1);  // every rank of the tile must take part
  block.sync();
  if (tile.thread_rank() == 0) out[tile.meta_group_rank()] = s + next - in[block.thread_rank() + 1];
}

/// One warp per 16x16 output tile: C = A (row major, M x K) * B (column major, K x N).
template <class In>
__global__ void wmma_gemm(const In* a, const In* b, float* c, int m, int n, int k) {
  int tile_row = blockIdx.y, tile_col = blockIdx.x;
  wmma::fragment<wmma::matrix_a, 16, 16, 16, In, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, In, wmma::col_major> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
  wmma::fill_fragment(acc, 0.0f);
  for (int kk = 0; kk < k; kk += 16) {
    wmma::load_matrix_sync(fa, a + tile_row * 16 * k + kk, k);
    wmma::load_matrix_sync(fb, b + tile_col * 16 * k + kk, k);
    wmma::mma_sync(acc, fa, fb, acc);
  }
  for (int i = 0; i < acc.num_elements; ++i) acc.x[i] *= 2.0f;  // elementwise ops stay consistent across lanes
  wmma::store_matrix_sync(c + tile_row * 16 * n + tile_col * 16, acc, n, wmma::mem_row_major);
}

// --- tests ---

TEST_CASE("a shared-memory tree reduction with __syncthreads matches the CPU sum", "[cudacpu][reduce]") {
  const int n = GENERATE(1, 1000, 100003);
  std::vector<int> h(n);
  long long ref = 0;
  for (int i = 0; i < n; ++i) ref += h[i] = (i * 7919) % 1001 - 500;
  zoo_buffer<int> d(h);
  zoo_buffer<long long> out(std::vector<long long>(1, 0));
  block_sum_shared<<<(n + 255) / 256, 256>>>(d.get(), out.get(), n);
  ZOO_CHECK(cudaDeviceSynchronize());
  REQUIRE(out.download()[0] == ref);
}

TEST_CASE("a warp-shuffle reduction matches the CPU sum", "[cudacpu][reduce][warp]") {
  const int n = GENERATE(1, 31, 1000, 65537);
  std::vector<int> h(n);
  int ref = 0;
  for (int i = 0; i < n; ++i) ref += h[i] = (i % 13) - 6;
  zoo_buffer<int> d(h);
  zoo_buffer<int> out(std::vector<int>(1, 0));
  block_sum_shuffle<<<(n + 255) / 256, 256>>>(d.get(), out.get(), n);
  ZOO_CHECK(cudaDeviceSynchronize());
  REQUIRE(out.download()[0] == ref);
}

TEST_CASE("__shfl_up_sync builds an inclusive scan inside each width-lane segment", "[cudacpu][warp][scan]") {
  const int width = GENERATE(32, 8);
  const int n = 64;
  std::vector<int> h(n);
  for (int i = 0; i < n; ++i) h[i] = i % 5 + 1;
  zoo_buffer<int> d(h), out(std::vector<int>(n, -1));
  inclusive_scan_up<<<1, n>>>(d.get(), out.get(), width);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> r = out.download();
  int run = 0;
  for (int i = 0; i < n; ++i) {
    if (i % width == 0) run = 0;
    run += h[i];
    REQUIRE(r[i] == run);
  }
}

TEST_CASE("__shfl_xor_sync butterflies give every lane the warp sum and __shfl_sync broadcasts per segment",
          "[cudacpu][warp]") {
  zoo_buffer<int> sums(std::vector<int>(64, -1)), bc(std::vector<int>(64, -1));
  xor_and_idx<<<1, 64>>>(sums.get(), bc.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> s = sums.download(), b = bc.download();
  for (int t = 0; t < 64; ++t) {
    const int warp_base = t / 32 * 32;
    REQUIRE(s[t] == 32 * warp_base + 31 * 32 / 2);
    REQUIRE(b[t] == (t / 16 * 16 + 3) * 10);
  }
}

TEST_CASE("__ballot_sync, __any_sync, __all_sync and __syncthreads_count/and/or vote correctly", "[cudacpu][warp]") {
  zoo_buffer<unsigned> ballots(std::vector<unsigned>(2, 0));
  zoo_buffer<int> any_all(std::vector<int>(3, -1)), block_votes(std::vector<int>(3, -1));
  votes<<<1, 64>>>(ballots.get(), any_all.get(), block_votes.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const auto b = ballots.download();
  REQUIRE(b[0] == 0x49249249u);
  REQUIRE(b[1] == 0x49249249u);
  REQUIRE(any_all.download() == std::vector<int>{1, 1, 0});
  REQUIRE(block_votes.download() == std::vector<int>{16, 1, 1});
}

TEST_CASE("__match_any_sync groups equal values and __reduce_*_sync reduce over the warp", "[cudacpu][warp]") {
  zoo_buffer<unsigned> match(std::vector<unsigned>(32, 0));
  zoo_buffer<int> reduced(std::vector<int>(2, -1));
  match_and_reduce<<<1, 32>>>(match.get(), reduced.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const auto m = match.download();
  for (int l = 0; l < 32; ++l) REQUIRE(m[l] == 0xffu << (l / 8 * 8));
  REQUIRE(reduced.download() == std::vector<int>{496, 30});
}

TEST_CASE("cooperative groups: tiled_partition and reduce sum each 8-thread tile", "[cudacpu][warp][cg]") {
  std::vector<int> h(64);
  for (int i = 0; i < 64; ++i) h[i] = i * i % 17;
  zoo_buffer<int> d(h), out(std::vector<int>(8, -1));
  tile_sums<<<1, 64>>>(d.get(), out.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const auto r = out.download();
  for (int t = 0; t < 8; ++t) {
    int s = 0;
    for (int i = 0; i < 8; ++i) s += h[t * 8 + i];
    REQUIRE(r[t] == s);
  }
}

template <class In>
void check_wmma_gemm() {
  const int m = 32, n = 48, k = 64;
  std::vector<In> a(m * k), b(k * n);  // a row major, b column major (b[col * k + row])
  std::vector<float> af(m * k), bf(k * n);
  for (int i = 0; i < m * k; ++i) af[i] = float(a[i] = In(0.25f * float((i * 37) % 17) - 2.0f));
  for (int i = 0; i < k * n; ++i) bf[i] = float(b[i] = In(0.125f * float((i * 11) % 23) - 1.0f));
  zoo_buffer<In> da(a), db(b);
  zoo_buffer<float> dc(std::vector<float>(m * n, NAN));
  wmma_gemm<In><<<dim3(n / 16, m / 16), 32>>>(da.get(), db.get(), dc.get(), m, n, k);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<float> c = dc.download();
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int p = 0; p < k; ++p) s += double(af[i * k + p]) * bf[j * k + p];
      REQUIRE_THAT(c[i * n + j], Catch::Matchers::WithinAbs(2.0 * s, 1e-3));
    }
}

TEST_CASE("a WMMA 16x16x16 GEMM with half inputs and float accumulation matches the CPU", "[cudacpu][wmma]") {
  check_wmma_gemm<__half>();
}

TEST_CASE("a WMMA 16x16x16 GEMM with bfloat16 inputs and float accumulation matches the CPU", "[cudacpu][wmma]") {
  check_wmma_gemm<__nv_bfloat16>();
}
