#include <cuda_runtime.h>
#line 1 "kernels.cu"
/// @file kernels.cu
/// @brief The translator's golden input: a realistic multi-kernel CUDA file using every construct it rewrites.
///
/// tests/translate checks that it translates to kernels.expected.cpp byte for byte, and that the result compiles
/// (against a stub header, and against the real CPU backend runtime when it is there).
#include <cstddef>

#include <cuda_runtime.h>

// Launches never hide in comments: k<<<1, 1>>>(x) and __shared__ float no[1]; stay as written.
#define WS_CHECK_LAST() (void)cudaGetLastError()
#define LAUNCH_SCALE(n, ...)                                   \
  ::cudacpu::launch(::cudacpu::launch_config(((n) + 255) / 256,                            \
                 256), [&](auto&... ws_args_) { scale_kernel(ws_args_...); })(__VA_ARGS__)

namespace demo {

template <int N>
struct Tile {
  static constexpr int size = N;
};

struct TempStorage {
  float partial[32];
};

struct Reducer {
  using storage = TempStorage;
};

/// @brief out[i] = alpha * in[i].
__global__ void scale_kernel(const float* in, float* out, float alpha, int n) {
  int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i < n) out[i] = alpha * in[i];
}

/// @brief One partial sum per block, a tree reduction in shared memory.
template <int BLOCK>
__global__ void reduce_kernel(const float* __restrict__ in, float* __restrict__ partial, int n) {
  float (&cache)[BLOCK] = ::cudacpu::shared_variable<float[BLOCK]>([]{}, "cache");
  volatile int (&flags)[BLOCK / 32] = ::cudacpu::shared_variable<volatile int[BLOCK / 32]>([]{}, "flags"); volatile int*& last = ::cudacpu::shared_variable<volatile int*>([]{}, "last");
  typename Reducer::storage& scratch = ::cudacpu::shared_variable<typename Reducer::storage>([]{}, "scratch");
  int tid = static_cast<int>(threadIdx.x);
  int i = static_cast<int>(blockIdx.x) * BLOCK + tid;
  cache[tid] = i < n ? in[i] : 0.0f;
  __syncthreads();
  for (int stride = BLOCK / 2; stride > 0; stride >>= 1) {
    if (tid < stride) cache[tid] += cache[tid + stride];
    __syncthreads();
  }
  if (tid == 0) {
    partial[blockIdx.x] = cache[0];
    flags[0] = 1;
    scratch.partial[0] = cache[0];
    (void)last;
  }
}

/// @brief C = A * B with square tiles; T is the element type, TILE the tile width.
template <typename T, int TILE>
__global__ void matmul_kernel_tiled(const T* a, const T* b, T* c, int n) {
  T (&tile_a)[TILE][TILE] = ::cudacpu::shared_variable<T[TILE][TILE]>([]{}, "tile_a");
                             T (&tile_b)[TILE][TILE + 1] = ::cudacpu::shared_variable<T[TILE][TILE + 1]>([]{}, "tile_b");
  int row = static_cast<int>(blockIdx.y) * TILE + static_cast<int>(threadIdx.y);
  int col = static_cast<int>(blockIdx.x) * TILE + static_cast<int>(threadIdx.x);
  T sum{};
  for (int t = 0; t < (n + TILE - 1) / TILE; ++t) {
    tile_a[threadIdx.y][threadIdx.x] = a[row * n + t * TILE + static_cast<int>(threadIdx.x)];
    tile_b[threadIdx.y][threadIdx.x] = b[(t * TILE + static_cast<int>(threadIdx.y)) * n + col];
    __syncthreads();
    for (int k = 0; k < TILE; ++k) sum += tile_a[threadIdx.y][k] * tile_b[k][threadIdx.x];
    __syncthreads();
  }
  if (row < n && col < n) c[row * n + col] = sum;
}

/// @brief Row-wise softmax; one block per row, the row staged in dynamic shared memory.
__global__ void softmax_kernel(const float* in, float* out, int cols) {
  unsigned char* smem = ::cudacpu::dynamic_shared<unsigned char>();
  float* row = reinterpret_cast<float*>(smem);
  float* also_smem = ::cudacpu::dynamic_shared<float>();
  struct ws_shared_type_3075_ {
    float max;
    float sum;
  }; ws_shared_type_3075_& stats = ::cudacpu::shared_variable<ws_shared_type_3075_>([]{}, "stats");
  const char* note = "a string with k<<<1, 1>>>() and __shared__ inside";
  (void)note;
  (void)also_smem;
  for (int j = static_cast<int>(threadIdx.x); j < cols; j += static_cast<int>(blockDim.x)) {
    row[j] = in[static_cast<int>(blockIdx.x) * cols + j];
  }
  if (threadIdx.x == 0) stats.max = row[0];
  __syncthreads();
  out[blockIdx.x] = stats.max;
}

// ---------------------------------------------------------------------------------------------------------------
// Launchers

void launch_scale(const float* in, float* out, float alpha, int n) {
  ::cudacpu::launch(::cudacpu::launch_config((n + 255) / 256, 256), [&](auto&... ws_args_) { scale_kernel(ws_args_...); })(in, out, alpha, n);
  WS_CHECK_LAST();
  LAUNCH_SCALE(n, in, out, alpha * 2.0f, n);
}

template <int BLOCK>
void launch_reduce(const float* in, float* partial, int n, cudaStream_t stream) {
  ::cudacpu::launch(::cudacpu::launch_config(dim3(static_cast<unsigned>((n + BLOCK - 1) / BLOCK)), BLOCK, 0, stream), [&](auto&... ws_args_) { reduce_kernel<BLOCK>(ws_args_...); })(
      in, partial,  // the same input, read once
      n);
}

template <typename T>
void launch_matmul(const T* a, const T* b, T* c, int n) {
  constexpr int tile = Tile<16>::size;
  dim3 block(tile, tile);
  dim3 grid(static_cast<unsigned>((n + tile - 1) / tile), static_cast<unsigned>((n + tile - 1) / tile));
  ::cudacpu::launch(::cudacpu::launch_config(grid, block), [&](auto&... ws_args_) { matmul_kernel_tiled<T, (tile > 8 ? 16 : 8)>(ws_args_...); })(a, b, c, n);
  auto again = [&](int size) { ::cudacpu::launch(::cudacpu::launch_config(grid, block), [&](auto&... ws_args_) { demo::matmul_kernel_tiled<T, Tile<16>::size>(ws_args_...); })(a, b, c, size); };
  again(n >> 1);
}

void launch_softmax(const float* in, float* out, int rows, int cols) {
  const std::size_t bytes = static_cast<std::size_t>(cols) * sizeof(float);
  ::cudacpu::launch(::cudacpu::launch_config(rows,
                   128,
                   bytes), [&](auto&... ws_args_) { softmax_kernel(ws_args_...); })(in, out, cols);
  WS_CHECK_LAST();
}

void run_all(const float* in, float* out, int n) {
  launch_scale(in, out, 1.5f, n);
  launch_reduce<256>(in, out, n, nullptr);
  launch_matmul<float>(in, in, out, 16);
  launch_softmax(in, out, 4, n / 4);
  (void)cudaDeviceSynchronize();
}

}  // namespace demo
#line 1 "<cudacpu: kernel registrations>"
namespace demo { [[maybe_unused]] static const bool ws_cudacpu_kernel_456829809_0 = ::cudacpu::detail::register_kernel(static_cast<void (*)(const float* in, float* out, float alpha, int n)>(&scale_kernel)); }
namespace demo { [[maybe_unused]] static const bool ws_cudacpu_kernel_456829809_1 = ::cudacpu::detail::register_kernel(static_cast<void (*)(const float* in, float* out, int cols)>(&softmax_kernel)); }
