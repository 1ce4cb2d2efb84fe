/// @file
/// @brief Benchmark of the cudacpu backend (not a test): cost of `__syncthreads` per thread, cost of a kernel
///        without barriers per thread, a block tree reduction (a barrier in a loop) and shared-memory tiled matmuls
///        (256^3 and 512^3, 16x16 blocks): the workloads docs/cudacpu.md compares with HIP-CPU.
///
/// Build: target `cudacpu_bench`. Run: `WS_CPU_THREADS=1 ./cudacpu_bench` and `WS_CPU_THREADS=2 ./cudacpu_bench`.
/// Prints one `name: value unit` line per measurement (median of several runs).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

// --- kernels ---

__global__ void barrier_loop(int* out, int rounds) {
  __shared__ int s[1024];
  int v = threadIdx.x;
  for (int r = 0; r < rounds; ++r) {
    s[threadIdx.x] = v;
    __syncthreads();
    v += s[(threadIdx.x + 1) % blockDim.x];
  }
  if (v == -1) out[0] = v;  // keeps the loop alive
}

__global__ void saxpy(float a, const float* x, float* y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = a * x[i] + y[i];
}

constexpr int RBLOCK = 256;

__global__ void reduce_block(const float* in, float* out, int n) {
  __shared__ float s[RBLOCK];
  unsigned tid = threadIdx.x;
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  s[tid] = i < unsigned(n) ? in[i] : 0.0f;
  __syncthreads();
  for (unsigned k = blockDim.x / 2; k > 0; k >>= 1) {
    if (tid < k) s[tid] += s[tid + k];
    __syncthreads();
  }
  if (tid == 0) out[blockIdx.x] = s[0];
}

constexpr int TILE = 16;

__global__ void matmul_tiled(const float* a, const float* b, float* c, int n) {
  __shared__ float as[TILE][TILE];
  __shared__ float bs[TILE][TILE];
  int row = blockIdx.y * TILE + threadIdx.y;
  int col = blockIdx.x * TILE + threadIdx.x;
  float acc = 0.0f;
  for (int t = 0; t < n / TILE; ++t) {
    as[threadIdx.y][threadIdx.x] = a[row * n + t * TILE + threadIdx.x];
    bs[threadIdx.y][threadIdx.x] = b[(t * TILE + threadIdx.y) * n + col];
    __syncthreads();
    for (int k = 0; k < TILE; ++k) acc += as[threadIdx.y][k] * bs[k][threadIdx.x];
    __syncthreads();
  }
  c[row * n + col] = acc;
}

// --- timing ---

template <class F>
double median_ms(int reps, F run) {
  std::vector<double> t;
  run();  // warm-up: fiber stacks, worker threads
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    run();
    t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

int main() {
  cudaDeviceProp prop;
  cudaGetDeviceProperties(&prop, 0);
  std::printf("device: %s\n", prop.name);
  int* out = nullptr;
  cudaMalloc(&out, sizeof(int));

  for (int block : {256, 1024}) {
    const int blocks = 64, rounds = 50;
    const double ms = median_ms(5, [&] { barrier_loop<<<blocks, block>>>(out, rounds); });
    std::printf("syncthreads_per_thread (block %d): %.2f ns\n", block, ms * 1e6 / (double(blocks) * block * rounds));
  }

  {
    const int n = 1 << 22;
    float *x = nullptr, *y = nullptr;
    cudaMalloc(&x, n * sizeof(float));
    cudaMalloc(&y, n * sizeof(float));
    cudaMemset(x, 0, n * sizeof(float));
    cudaMemset(y, 0, n * sizeof(float));
    const double ms = median_ms(5, [&] { saxpy<<<(n + 255) / 256, 256>>>(2.0f, x, y, n); });
    std::printf("saxpy_per_thread (no barriers): %.2f ns\n", ms * 1e6 / n);
    std::printf("saxpy_%d (no barriers): %.2f ms\n", n, ms);
    cudaFree(x);
    cudaFree(y);
  }

  {
    const int n = 1 << 22, blocks = n / RBLOCK;
    std::vector<float> hin(n), hout(blocks);
    for (int i = 0; i < n; ++i) hin[i] = float(i % 7) - 3.0f;
    float *in = nullptr, *out_sums = nullptr;
    cudaMalloc(&in, n * sizeof(float));
    cudaMalloc(&out_sums, blocks * sizeof(float));
    cudaMemcpy(in, hin.data(), n * sizeof(float), cudaMemcpyHostToDevice);
    const double ms = median_ms(5, [&] { reduce_block<<<blocks, RBLOCK>>>(in, out_sums, n); });
    cudaMemcpy(hout.data(), out_sums, blocks * sizeof(float), cudaMemcpyDeviceToHost);
    double got = 0, ref = 0;
    for (float v : hout) got += v;
    for (float v : hin) ref += v;
    std::printf("reduce_block_%d (tree reduction, 256 threads, 9 barriers each): %.2f ms (check %s)\n", n, ms,
                std::abs(got - ref) < 1e-3 * n ? "ok" : "FAILED");
    cudaFree(in);
    cudaFree(out_sums);
  }

  for (int n : {256, 512}) {
    std::vector<float> ha(n * n), hb(n * n), hc(n * n);
    for (int i = 0; i < n * n; ++i) {
      ha[i] = std::sin(0.001f * i);
      hb[i] = std::cos(0.002f * i);
    }
    float *a = nullptr, *b = nullptr, *c = nullptr;
    cudaMalloc(&a, n * n * sizeof(float));
    cudaMalloc(&b, n * n * sizeof(float));
    cudaMalloc(&c, n * n * sizeof(float));
    cudaMemcpy(a, ha.data(), n * n * sizeof(float), cudaMemcpyHostToDevice);
    cudaMemcpy(b, hb.data(), n * n * sizeof(float), cudaMemcpyHostToDevice);
    const double ms =
        median_ms(n > 256 ? 3 : 7, [&] { matmul_tiled<<<dim3(n / TILE, n / TILE), dim3(TILE, TILE)>>>(a, b, c, n); });
    cudaMemcpy(hc.data(), c, n * n * sizeof(float), cudaMemcpyDeviceToHost);
    double ref = 0;  // re-check one element after timing
    for (int k = 0; k < n; ++k) ref += double(ha[5 * n + k]) * hb[k * n + 7];
    std::printf("matmul_tiled_%d (16x16 blocks): %.2f ms (check %s)\n", n, ms,
                std::abs(ref - hc[5 * n + 7]) < 1e-3 ? "ok" : "FAILED");
    cudaFree(a);
    cudaFree(b);
    cudaFree(c);
  }
  std::printf("errors: %s\n", cudaGetErrorName(cudaDeviceSynchronize()));
  return 0;
}
