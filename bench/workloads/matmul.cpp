/// @file
/// @brief matmul (labs 02-04): every matmul version next to its library yardstick, C = A * B, square N x N x N.
///
/// CPU: lab 02's versions ("parallel" on all threads, the others on 1) and OpenBLAS cblas_sgemm on 1 thread and on
/// all, N = 256 ... 2048. GPU: labs 03 and 04's FP32 versions next to cuBLAS SGEMM, and the tensor-core version
/// (FP16 and BF16 inputs, FP32 accumulation) next to cuBLAS GemmEx, N = 256 ... 4096 (the CPU backend: 256 only).
/// FLOPs: 2 N^3. Bytes (compulsory): A and B read once, C written once: 3 N^2 x 4 (FP32) or 2 N^2 x 2 + N^2 x 4
/// (16-bit inputs). A version whose next size would take more than a few seconds a run is skipped there.
///
/// Checks: every version at 97 x 130 x 67 (no tile divides it) against double-precision products in full; after
/// timing, 256 sampled elements against double-precision dot products.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <cblas.h>
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <ws/compare.hpp>
#include <ws/cuda_check.hpp>
#include <ws/device_buffer.hpp>
#include <ws/random.hpp>

#include "harness.hpp"
#include "matmul_cpu.h"
#include "matmul_fast.h"
#include "matmul_gpu.h"
#include "lab02_manifest.hpp"
#include "lab03_manifest.hpp"
#include "lab04_manifest.hpp"

extern "C" void openblas_set_num_threads(int num_threads);  // OpenBLAS's own; not in every cblas.h

namespace {

// The versions, as the labs' manifests declare them.
template <class List>
std::vector<std::string> names(const List& list) {
  return {list.begin(), list.end()};
}
std::vector<std::string> cpu_versions() { return names(lab02::manifest::matmul_cpu_versions); }
std::vector<std::string> gpu_versions() { return names(lab03::manifest::matmul_gpu_versions); }
std::vector<std::string> fast_versions() { return names(lab04::manifest::matmul_fast_versions); }
std::vector<std::string> tensor_core_versions() { return names(lab04::manifest::tensor_core_versions); }

constexpr int check_m = 97, check_n = 130, check_k = 67;

bench::shape square(int n, double input_bytes) {
  bench::shape s;
  s.label = "N=" + std::to_string(n);
  s.dims.set("m", n).set("n", n).set("k", n);
  s.m = s.n = s.k = n;
  s.flops = 2.0 * n * n * static_cast<double>(n);
  s.bytes = 2.0 * n * n * input_bytes + 4.0 * n * n;
  s.size = n;
  return s;
}

std::vector<bench::shape> squares(int largest, double input_bytes) {
  std::vector<bench::shape> out;
  for (int n = 256; n <= largest; n *= 2) out.push_back(square(n, input_bytes));
  return out;
}

/// A, B (FP32, and rounded to a 16-bit type T when used) and the shape.
struct inputs {
  int m, n, k;
  std::vector<float> a, b;
  inputs(int m_, int n_, int k_) : m(m_), n(n_), k(k_), a(static_cast<std::size_t>(m_) * k_), b(static_cast<std::size_t>(k_) * n_) {
    ws::fill_random(a, 1);
    ws::fill_random(b, 2);
  }
};

/// The inputs of the last square size asked for: every version of a size shares them.
std::shared_ptr<inputs> square_inputs(int n) {
  static std::shared_ptr<inputs> last;
  if (!last || last->n != n) {
    last.reset();
    last = std::make_shared<inputs>(n, n, n);
  }
  return last;
}

template <class T>
std::vector<T> convert(const std::vector<float>& in) {
  std::vector<T> out(in.size());
  std::transform(in.begin(), in.end(), out.begin(), [](float x) { return T(x); });
  return out;
}

template <class T>
std::vector<float> widen(const std::vector<T>& in) {
  std::vector<float> out(in.size());
  std::transform(in.begin(), in.end(), out.begin(), [](T x) { return static_cast<float>(x); });
  return out;
}

/// C = A B in double at every element (the check shape only).
bool matches_full(const std::vector<float>& a, const std::vector<float>& b, const std::vector<float>& c, int m, int n,
                  int k) {
  std::vector<float> expected(static_cast<std::size_t>(m) * n);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      double sum = 0;
      for (int p = 0; p < k; ++p) sum += static_cast<double>(a[static_cast<std::size_t>(i) * k + p]) * b[static_cast<std::size_t>(p) * n + j];
      expected[static_cast<std::size_t>(i) * n + j] = static_cast<float>(sum);
    }
  }
  return ws::compare(expected, c, ws::tolerance::for_reduction(static_cast<std::size_t>(k))).ok();
}

/// C against double-precision dot products at 256 sampled (i, j) of an n x n x n product.
bool matches_sampled(const std::vector<float>& a, const std::vector<float>& b, const std::vector<float>& c, int n) {
  const ws::tolerance tol = ws::tolerance::for_reduction(static_cast<std::size_t>(n));
  std::uint64_t state = 12345;
  const auto un = static_cast<std::size_t>(n);
  for (int s = 0; s < 256; ++s) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto i = static_cast<std::size_t>((state >> 33) % un);
    const auto j = static_cast<std::size_t>((state >> 13) % un);
    double sum = 0.0;
    for (std::size_t p = 0; p < un; ++p) sum += static_cast<double>(a[i * un + p]) * b[p * un + j];
    if (!tol.accepts(sum, c[i * un + j])) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// cuBLAS, called on row-major matrices: C^T = B^T A^T in its column-major view.

cublasHandle_t cublas() {
  static cublasHandle_t handle = nullptr;
  if (handle == nullptr && cublasCreate(&handle) != CUBLAS_STATUS_SUCCESS) {
    handle = nullptr;
    throw std::runtime_error("cuBLAS could not start");
  }
  return handle;
}

void cublas_sgemm(const float* a, const float* b, float* c, int m, int n, int k) {
  const float one = 1, zero = 0;
  if (cublasSgemm(cublas(), CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &one, b, n, a, k, &zero, c, n) !=
      CUBLAS_STATUS_SUCCESS) {
    throw std::runtime_error("cublasSgemm failed");
  }
}

template <class T>
void cublas_gemmex(const T* a, const T* b, float* c, int m, int n, int k) {
  constexpr cudaDataType_t type = std::is_same_v<T, __half> ? CUDA_R_16F : CUDA_R_16BF;
  const float one = 1, zero = 0;
  if (cublasGemmEx(cublas(), CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &one, b, type, n, a, type, k, &zero, c, CUDA_R_32F, n,
                   CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT) != CUBLAS_STATUS_SUCCESS) {
    throw std::runtime_error("cublasGemmEx failed");
  }
}

// ---------------------------------------------------------------------------------------------------------------

/// A CPU version: fn(a, b, c, m, n, k).
using cpu_fn = std::function<void(const float*, const float*, float*, int, int, int)>;

void measure_cpu(bench::session& s, const bench::version& v, const std::vector<bench::shape>& shapes, cpu_fn fn) {
  s.measure(v,
            [&] {
              const inputs in(check_m, check_n, check_k);
              std::vector<float> c(static_cast<std::size_t>(check_m) * check_n, NAN);
              fn(in.a.data(), in.b.data(), c.data(), check_m, check_n, check_k);
              return matches_full(in.a, in.b, c, check_m, check_n, check_k);
            },
            shapes, [&](const bench::shape& sh) {
              const int n = static_cast<int>(sh.n);
              auto in = square_inputs(n);
              auto c = std::make_shared<std::vector<float>>(static_cast<std::size_t>(n) * n, NAN);
              // OpenBLAS's threads and OpenMP's both spin for a while after a call, waiting for more work; started
              // right after the other library, a version would share the cores with those spinning threads
              // (measured on 2 cores: a 2-thread 256^3 product 40x slower). A pause lets the idle threads sleep.
              std::this_thread::sleep_for(std::chrono::milliseconds(300));
              return bench::trial{[=] { fn(in->a.data(), in->b.data(), c->data(), n, n, n); },
                                  [=] { return matches_sampled(in->a, in->b, *c, n); }};
            });
}

/// A device version on inputs of type T (float, __half, __nv_bfloat16): fn(a, b, c, m, n, k) on device pointers.
template <class T>
void measure_gpu(bench::session& s, const bench::version& v, const std::vector<bench::shape>& shapes,
                 std::function<void(const T*, const T*, float*, int, int, int)> fn) {
  const auto device_run = [fn](const inputs& in, std::vector<float>& a_used, std::vector<float>& b_used,
                               std::vector<float>& host_c) {
    // 16-bit inputs: the reference multiplies the rounded values, so only accumulation error remains.
    std::vector<T> a_t = convert<T>(in.a), b_t = convert<T>(in.b);
    a_used = widen(a_t);
    b_used = widen(b_t);
    ws::device_buffer<T> da(a_t), db(b_t);
    ws::device_buffer<float> dc(static_cast<std::size_t>(in.m) * in.n);
    WS_CUDA_CHECK(cudaMemset(dc.data(), 0xFF, dc.size_bytes()));  // NaN: a version that skips work shows
    fn(da.data(), db.data(), dc.data(), in.m, in.n, in.k);
    WS_CUDA_CHECK(cudaDeviceSynchronize());
    host_c.resize(dc.size());
    dc.copy_to_host(host_c);
  };
  s.measure(v,
            [=] {
              const inputs in(check_m, check_n, check_k);
              std::vector<float> a, b, c;
              device_run(in, a, b, c);
              return matches_full(a, b, c, check_m, check_n, check_k);
            },
            shapes, [=](const bench::shape& sh) {
              const int n = static_cast<int>(sh.n);
              auto in = square_inputs(n);
              struct state {
                std::vector<float> a_used, b_used;
                ws::device_buffer<T> da, db;
                ws::device_buffer<float> dc;
              };
              auto st = std::make_shared<state>();
              const std::vector<T> a_t = convert<T>(in->a), b_t = convert<T>(in->b);
              st->a_used = widen(a_t);
              st->b_used = widen(b_t);
              st->da = ws::device_buffer<T>(std::span<const T>(a_t));
              st->db = ws::device_buffer<T>(std::span<const T>(b_t));
              st->dc = ws::device_buffer<float>(static_cast<std::size_t>(n) * n);
              WS_CUDA_CHECK(cudaMemset(st->dc.data(), 0xFF, st->dc.size_bytes()));
              return bench::trial{[=] { fn(st->da.data(), st->db.data(), st->dc.data(), n, n, n); },
                                  [=] {
                                    std::vector<float> c(st->dc.size());
                                    st->dc.copy_to_host(c);
                                    return matches_sampled(st->a_used, st->b_used, c, n);
                                  }};
            });
}

void run(bench::session& s) {
  const bool reference_tree = bench::tree == "solutions";
  const int cores = s.cores();
  const bool quick = s.opts().quick;
  const std::vector<bench::shape> cpu_shapes = quick ? std::vector<bench::shape>{square(128, 4)} : squares(2048, 4);

  s.heading("CPU (FP32; % lib = speed relative to OpenBLAS on the same threads; % roof = share of the measured FMA "
            "peak)");
  if (reference_tree) {
    for (const int threads : cores > 1 ? std::vector<int>{1, cores} : std::vector<int>{1}) {
      measure_cpu(s, {.name = "sgemm", .library = "openblas", .threads = threads}, cpu_shapes,
                  [threads](const float* a, const float* b, float* c, int m, int n, int k) {
                    openblas_set_num_threads(threads);
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
                  });
    }
  }
  for (const std::string& name : cpu_versions()) {
    const int threads = name == "parallel" ? cores : 1;
    measure_cpu(s, {.name = name, .lab = "02", .threads = threads}, cpu_shapes,
                [name, threads](const float* a, const float* b, float* c, int m, int n, int k) {
                  lab02::matmul_cpu(name, a, b, c, m, n, k, threads);
                });
  }
  if (!s.gpu()) return;

  // The CPU backend runs every CUDA thread as a fiber: a 4096^3 product would take hours there.
  const bool real = bench::gpu_backend == "cuda";
  const auto gpu_shapes = [&](double input_bytes) {
    if (quick) return std::vector<bench::shape>{square(64, input_bytes)};
    return real ? squares(4096, input_bytes) : std::vector<bench::shape>{square(256, input_bytes)};
  };
  const std::string backend(bench::gpu_backend);
  s.heading(real ? "GPU (FP32 unless marked; % lib = speed relative to cuBLAS, SGEMM or GemmEx; % roof = share of "
                   "the FP32 or the tensor-core peak)"
                 : "GPU versions on the CPU backend (small N only: every CUDA thread is a fiber here)");
  if (reference_tree) {
    measure_gpu<float>(s, {.name = "sgemm", .library = "cublas", .backend = backend, .max_predicted_ms = 3000},
                       gpu_shapes(4), cublas_sgemm);
  }
  for (const std::string& name : gpu_versions()) {
    measure_gpu<float>(s, {.name = name, .lab = "03", .backend = backend, .max_predicted_ms = 3000}, gpu_shapes(4),
                       [name](const float* a, const float* b, float* c, int m, int n, int k) {
                         lab03::launch_matmul(name, a, b, c, m, n, k);
                       });
  }
  for (const std::string& name : fast_versions()) {
    measure_gpu<float>(s, {.name = name, .lab = "04", .backend = backend, .max_predicted_ms = 3000}, gpu_shapes(4),
                       [name](const float* a, const float* b, float* c, int m, int n, int k) {
                         lab04::launch_matmul(name, a, b, c, m, n, k);
                       });
  }
  // Tensor cores: the same inputs rounded to FP16 / BF16, FP32 accumulation and output.
  const auto tensor = [&]<class T>(const char* dtype, T /*tag*/) {
    if (reference_tree) {
      measure_gpu<T>(s, {.name = "gemmex", .library = "cublas", .backend = backend, .dtype = dtype,
                         .max_predicted_ms = 3000},
                     gpu_shapes(2), cublas_gemmex<T>);
    }
    for (const std::string& name : tensor_core_versions()) {
      if (name != "wmma") {  // lab 04 has one tensor-core launcher per input type, no dispatcher by name
        s.note("(tensor-core version '" + name + "': the bench knows no launcher for it)");
        continue;
      }
      measure_gpu<T>(s, {.name = name, .lab = "04", .backend = backend, .dtype = dtype, .max_predicted_ms = 3000},
                     gpu_shapes(2), [](const T* a, const T* b, float* c, int m, int n, int k) {
                       lab04::launch_matmul_wmma(a, b, c, m, n, k);
                     });
    }
  };
  tensor("f16", __half{});
  tensor("bf16", __nv_bfloat16{});
}

}  // namespace

WS_BENCH_WORKLOAD({.name = "matmul",
                   .brief = "labs 02-04: every matmul version next to OpenBLAS and cuBLAS (compute-bound)",
                   .limit = bench::roof::compute,
                   .run = run});
