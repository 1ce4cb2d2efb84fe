/// @file
/// @brief cudacpu zoo: thread indexing in 1D/2D/3D grids, shared memory (static, tiled matmul, dynamic),
///        `__constant__` memory, poisoned shared memory and the shuffled block order.
#include <cmath>
#include <numeric>
#include <set>
#include <vector>

#include "zoo_check.h"

// --- kernels ---

__global__ void write_global_index(int* out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = i;
}

__global__ void write_2d(int* out, int width, int height) {
  int x = blockIdx.x * blockDim.x + threadIdx.x;
  int y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x < width && y < height) out[y * width + x] = y * 1000 + x;
}

__global__ void write_3d(int* out, int nx, int ny, int nz) {
  int x = blockIdx.x * blockDim.x + threadIdx.x;
  int y = blockIdx.y * blockDim.y + threadIdx.y;
  int z = blockIdx.z * blockDim.z + threadIdx.z;
  if (x < nx && y < ny && z < nz) {
    const bool dims_ok = gridDim.x * blockDim.x >= (unsigned)nx && gridDim.y * blockDim.y >= (unsigned)ny &&
                         gridDim.z * blockDim.z >= (unsigned)nz;
    out[(z * ny + y) * nx + x] = dims_ok ? (z * 100 + y) * 100 + x : -1;
  }
}

constexpr int TILE = 16;

__global__ void matmul_tiled(const float* a, const float* b, float* c, int m, int n, int k) {
  __shared__ float as[TILE][TILE];
  __shared__ float bs[TILE][TILE + 1];
  int row = blockIdx.y * TILE + threadIdx.y;
  int col = blockIdx.x * TILE + threadIdx.x;
  float acc = 0.0f;
  for (int t = 0; t < (k + TILE - 1) / TILE; ++t) {
    int ak = t * TILE + threadIdx.x;
    int bk = t * TILE + threadIdx.y;
    as[threadIdx.y][threadIdx.x] = (row < m && ak < k) ? a[row * k + ak] : 0.0f;
    bs[threadIdx.y][threadIdx.x] = (bk < k && col < n) ? b[bk * n + col] : 0.0f;
    __syncthreads();
    for (int i = 0; i < TILE; ++i) acc += as[threadIdx.y][i] * bs[i][threadIdx.x];
    __syncthreads();
  }
  if (row < m && col < n) c[row * n + col] = acc;
}

__global__ void reverse_dynamic(int* data) {
  extern __shared__ int buf[];
  int t = threadIdx.x;
  int base = blockIdx.x * blockDim.x;
  buf[t] = data[base + t];
  __syncthreads();
  data[base + t] = buf[blockDim.x - 1 - t];
}

__constant__ float poly[4];

__global__ void eval_poly(const float* x, float* y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = poly[0] + x[i] * (poly[1] + x[i] * (poly[2] + x[i] * poly[3]));
}

__global__ void read_shared_before_writing(float* out) {
  __shared__ float never_written[32];
  out[threadIdx.x] = never_written[threadIdx.x];
}

__global__ void record_block_order(int* counter, int* order) {
  if (threadIdx.x == 0) order[blockIdx.x] = atomicAdd(counter, 1);
}

// --- tests ---

TEST_CASE("every thread of a 1D grid writes its global index, also when n is not a multiple of the block",
          "[cudacpu][indexing]") {
  const int n = GENERATE(1, 255, 256, 1000);
  zoo_buffer<int> out(std::vector<int>(n, -7));
  write_global_index<<<(n + 255) / 256, 256>>>(out.get(), n);
  ZOO_CHECK(cudaGetLastError());
  const std::vector<int> h = out.download();
  for (int i = 0; i < n; ++i) REQUIRE(h[i] == i);
}

TEST_CASE("a 2D grid of 2D blocks covers a 37x23 image exactly once", "[cudacpu][indexing]") {
  const int w = 37, h = 23;
  zoo_buffer<int> out(std::vector<int>(w * h, -7));
  dim3 block(8, 8);
  dim3 grid((w + block.x - 1) / block.x, (h + block.y - 1) / block.y);
  write_2d<<<grid, block>>>(out.get(), w, h);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> r = out.download();
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) REQUIRE(r[y * w + x] == y * 1000 + x);
}

TEST_CASE("a 3D grid of 3D blocks sees consistent threadIdx, blockIdx, blockDim and gridDim", "[cudacpu][indexing]") {
  const int nx = 5, ny = 7, nz = 3;
  zoo_buffer<int> out(std::vector<int>(nx * ny * nz, -7));
  dim3 block(2, 3, 2);
  dim3 grid(3, 3, 2);
  write_3d<<<grid, block>>>(out.get(), nx, ny, nz);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> r = out.download();
  for (int z = 0; z < nz; ++z)
    for (int y = 0; y < ny; ++y)
      for (int x = 0; x < nx; ++x) REQUIRE(r[(z * ny + y) * nx + x] == (z * 100 + y) * 100 + x);
}

TEST_CASE("tiled shared-memory matmul matches the CPU reference on shapes that are not tile multiples",
          "[cudacpu][shared][matmul]") {
  auto [m, n, k] = GENERATE(std::make_tuple(1, 1, 1), std::make_tuple(17, 33, 45), std::make_tuple(64, 64, 64),
                            std::make_tuple(31, 16, 47));
  std::vector<float> a(m * k), b(k * n), ref(m * n, 0.0f);
  for (int i = 0; i < m * k; ++i) a[i] = std::sin(0.37f * i) + 0.1f * (i % 7);
  for (int i = 0; i < k * n; ++i) b[i] = std::cos(0.11f * i) - 0.05f * (i % 5);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int p = 0; p < k; ++p) s += double(a[i * k + p]) * b[p * n + j];
      ref[i * n + j] = float(s);
    }
  zoo_buffer<float> da(a), db(b), dc(std::vector<float>(m * n, NAN));
  dim3 block(TILE, TILE);
  dim3 grid((n + TILE - 1) / TILE, (m + TILE - 1) / TILE);
  matmul_tiled<<<grid, block>>>(da.get(), db.get(), dc.get(), m, n, k);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<float> c = dc.download();
  for (int i = 0; i < m * n; ++i) REQUIRE_THAT(c[i], Catch::Matchers::WithinAbs(ref[i], 1e-4 * k));
}

TEST_CASE("dynamic shared memory sized at launch reverses each block", "[cudacpu][shared]") {
  const int threads = 128, blocks = 3;
  std::vector<int> h(threads * blocks);
  std::iota(h.begin(), h.end(), 0);
  zoo_buffer<int> d(h);
  reverse_dynamic<<<blocks, threads, threads * sizeof(int)>>>(d.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> r = d.download();
  for (int bl = 0; bl < blocks; ++bl)
    for (int t = 0; t < threads; ++t) REQUIRE(r[bl * threads + t] == bl * threads + threads - 1 - t);
}

TEST_CASE("__constant__ memory is filled by cudaMemcpyToSymbol and read by kernels", "[cudacpu][constant]") {
  const float coef[4] = {1.0f, -2.0f, 0.5f, 0.25f};
  ZOO_CHECK(cudaMemcpyToSymbol(poly, coef, sizeof coef));
  float back[4] = {};
  ZOO_CHECK(cudaMemcpyFromSymbol(back, poly, sizeof back));
  REQUIRE(back[3] == 0.25f);
  const int n = 50;
  std::vector<float> x(n);
  for (int i = 0; i < n; ++i) x[i] = 0.1f * i - 2.0f;
  zoo_buffer<float> dx(x), dy(std::vector<float>(n, NAN));
  eval_poly<<<2, 32>>>(dx.get(), dy.get(), n);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<float> y = dy.download();
  for (int i = 0; i < n; ++i) {
    const float e = coef[0] + x[i] * (coef[1] + x[i] * (coef[2] + x[i] * coef[3]));
    REQUIRE_THAT(y[i], Catch::Matchers::WithinAbs(e, 1e-5));
  }
  SECTION("a copy past the end of the symbol is rejected") {
    const float too_many[5] = {};
    REQUIRE(cudaMemcpyToSymbol(poly, too_many, sizeof too_many) == cudaErrorInvalidValue);
    REQUIRE(cudaMemcpyToSymbol(poly, coef, sizeof(float), 4 * sizeof(float)) == cudaErrorInvalidValue);
    REQUIRE(cudaGetLastError() == cudaErrorInvalidValue);
    REQUIRE(cudaGetLastError() == cudaSuccess);
  }
}

TEST_CASE("shared memory starts as NaN garbage in every block, so reading before writing shows",
          "[cudacpu][shared]") {
  zoo_buffer<float> out(std::vector<float>(32, 0.0f));
  read_shared_before_writing<<<1, 32>>>(out.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  for (float v : out.download()) REQUIRE(std::isnan(v));
}

TEST_CASE("blocks run exactly once each, in a shuffled order", "[cudacpu][order]") {
  const int blocks = 64;
  zoo_buffer<int> counter(std::vector<int>(1, 0)), order(std::vector<int>(blocks, -1));
  record_block_order<<<blocks, 32>>>(counter.get(), order.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<int> o = order.download();
  REQUIRE(std::set<int>(o.begin(), o.end()).size() == blocks);
  std::vector<int> identity(blocks);
  std::iota(identity.begin(), identity.end(), 0);
  REQUIRE(o != identity);
}
