/// @file
/// @brief vector_add (lab 01): vector add and every SAXPY version, CPU vs GPU kernel vs GPU including copies.
///
/// The point of lesson 01: SAXPY moves 12 bytes for 2 FLOPs, so it is bandwidth-bound, and the copies over PCIe
/// cost far more than the kernel. Rows, at n = 2^16 ... 2^24 (the CPU backend: 2^16 and 2^18 for device code):
///   CPU   vector_add_cpu, saxpy_cpu (lab 01's CPU code, 1 thread); OpenBLAS cblas_saxpy (1 and all threads)
///   GPU   vector_add, saxpy_<version> for each of lab 01's SAXPY versions, saxpy_gpu+copies (the host wrapper:
///         copies in, kernel, copy out); cuBLAS cublasSaxpy on a real GPU
/// Bytes: 12 per element (two inputs read, one output written); FLOPs: 1 (add) or 2 (SAXPY) per element.
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <cuda_runtime.h>
#if WS_BACKEND_CUDA
#include <cublas_v2.h>
#endif
#if WS_BENCH_HAVE_OPENBLAS
#include <cblas.h>
extern "C" void openblas_set_num_threads(int num_threads);  // OpenBLAS's own; not in every cblas.h
#endif

#include <ws/compare.hpp>
#include <ws/cuda_check.hpp>
#include <ws/device_buffer.hpp>
#include <ws/random.hpp>

#include "harness.hpp"
#include "vector_add.h"
#include "lab01_manifest.hpp"

namespace {

constexpr float alpha = 2.5f;
constexpr int block_size = 256;
constexpr std::int64_t check_n = 100'003;  // not a multiple of any block size

/// Lab 01's SAXPY versions, as its manifest declares them.
std::vector<std::string> saxpy_versions() {
  return {lab01::manifest::saxpy_versions.begin(), lab01::manifest::saxpy_versions.end()};
}

/// Inputs and the bench's own reference (in double, rounded once) for @p n elements.
struct vectors {
  std::vector<float> x, y, sum, saxpy;
  explicit vectors(std::int64_t n) : x(static_cast<std::size_t>(n)), y(x.size()), sum(x.size()), saxpy(x.size()) {
    ws::fill_random(x, 11);
    ws::fill_random(y, 12);
    for (std::size_t i = 0; i < x.size(); ++i) {
      sum[i] = static_cast<float>(static_cast<double>(x[i]) + y[i]);
      saxpy[i] = static_cast<float>(static_cast<double>(alpha) * x[i] + y[i]);
    }
  }
};

bool matches(const std::vector<float>& expected, const std::vector<float>& got) {
  return ws::compare(expected, got, ws::tolerance::for_reduction(2)).ok();
}

void run(bench::session& s) {
  std::vector<bench::shape> cpu_shapes, gpu_shapes;
  const auto add_shapes = [](std::vector<bench::shape>& out, int from, int to, bool saxpy) {
    for (int log2 = from; log2 <= to; log2 += 2) {
      const std::int64_t n = std::int64_t{1} << log2;
      out.push_back(bench::vector_shape(n, (saxpy ? 2.0 : 1.0) * static_cast<double>(n), 12.0 * static_cast<double>(n)));
    }
  };
  const int top = s.opts().quick ? 16 : 24;
  const int gpu_top = s.opts().quick ? 16 : bench::gpu_backend == "cuda" ? 24 : 18;
  std::vector<bench::shape> add_cpu, add_gpu;
  add_shapes(add_cpu, 16, top, false);
  add_shapes(cpu_shapes, 16, top, true);
  add_shapes(add_gpu, 16, gpu_top, false);
  add_shapes(gpu_shapes, 16, gpu_top, true);

  // --- CPU -----------------------------------------------------------------------------------------------------
  s.heading("CPU (% lib = speed relative to OpenBLAS's saxpy on the same threads; % roof = share of the measured read "
            "bandwidth)");
  const auto host_version = [&](const std::string& name, bool saxpy, const std::vector<bench::shape>& shapes) {
    const auto compute = [saxpy](const vectors& v, std::vector<float>& out, std::int64_t n) {
      if (saxpy) {
        lab01::saxpy_cpu(alpha, v.x.data(), v.y.data(), out.data(), static_cast<int>(n));
      } else {
        lab01::vector_add_cpu(v.x.data(), v.y.data(), out.data(), static_cast<int>(n));
      }
    };
    s.measure({.name = name, .lab = "01"},
              [&] {
                const vectors v(check_n);
                std::vector<float> out(v.x.size(), NAN);
                compute(v, out, check_n);
                return matches(saxpy ? v.saxpy : v.sum, out);
              },
              shapes, [&, saxpy](const bench::shape& sh) {
                auto v = std::make_shared<vectors>(sh.m);
                auto out = std::make_shared<std::vector<float>>(v->x.size(), NAN);
                return bench::trial{[=] { compute(*v, *out, sh.m); },
                                    [=] { return matches(saxpy ? v->saxpy : v->sum, *out); }};
              });
  };
#if WS_BENCH_HAVE_OPENBLAS
  if (bench::tree == "solutions") {
    // cblas_saxpy works in place (y = alpha x + y): each timed run adds to y again, so the check re-runs once on
    // fresh inputs. Same 12 bytes per element: x read, y read and written.
    for (const int threads : s.cores() > 1 ? std::vector<int>{1, s.cores()} : std::vector<int>{1}) {
      const auto blas = [threads](const vectors& v, std::vector<float>& y) {
        openblas_set_num_threads(threads);
        y = v.y;
        cblas_saxpy(static_cast<int>(v.x.size()), alpha, v.x.data(), 1, y.data(), 1);
        return matches(v.saxpy, y);
      };
      s.measure({.name = "saxpy", .library = "openblas", .threads = threads},
                [&] {
                  const vectors v(check_n);
                  std::vector<float> y;
                  return blas(v, y);
                },
                cpu_shapes, [&, threads](const bench::shape& sh) {
                  auto v = std::make_shared<vectors>(sh.m);
                  auto y = std::make_shared<std::vector<float>>(v->y);
                  openblas_set_num_threads(threads);
                  return bench::trial{
                      [=] { cblas_saxpy(static_cast<int>(sh.m), alpha, v->x.data(), 1, y->data(), 1); },
                      [=] { return blas(*v, *y); }};
                });
    }
  }
#endif
  host_version("vector_add_cpu", false, add_cpu);
  host_version("saxpy_cpu", true, cpu_shapes);

  if (!s.gpu()) return;

  // --- GPU -----------------------------------------------------------------------------------------------------
  s.heading(bench::gpu_backend == "cuda"
                ? "GPU (% lib = speed relative to cuBLAS's saxpy; % roof = share of the measured device read bandwidth)"
                : "GPU versions on the CPU backend (small n only: every CUDA thread is a fiber here)");
  const auto device_version = [&](const std::string& name, const std::vector<bench::shape>& shapes, bool saxpy,
                                  const std::function<void(const float*, const float*, float*, int)>& launch) {
    const auto check_at = [=](std::int64_t n, const vectors& v, ws::device_buffer<float>& dx,
                              ws::device_buffer<float>& dy, ws::device_buffer<float>& dout) {
      std::vector<float> out(v.x.size(), NAN);
      WS_CUDA_CHECK(cudaMemset(dout.data(), 0xFF, dout.size_bytes()));  // NaN: a version that skips work shows
      launch(dx.data(), dy.data(), dout.data(), static_cast<int>(n));
      WS_CUDA_CHECK(cudaDeviceSynchronize());
      dout.copy_to_host(out);
      return matches(saxpy ? v.saxpy : v.sum, out);
    };
    s.measure({.name = name, .lab = "01", .backend = std::string(bench::gpu_backend)},
              [&] {
                const vectors v(check_n);
                ws::device_buffer<float> dx(v.x), dy(v.y), dout(v.x.size());
                return check_at(check_n, v, dx, dy, dout);
              },
              shapes, [=](const bench::shape& sh) {
                auto v = std::make_shared<vectors>(sh.m);
                auto dx = std::make_shared<ws::device_buffer<float>>(v->x);
                auto dy = std::make_shared<ws::device_buffer<float>>(v->y);
                auto dout = std::make_shared<ws::device_buffer<float>>(v->x.size());
                return bench::trial{[=] { launch(dx->data(), dy->data(), dout->data(), static_cast<int>(sh.m)); },
                                    [=] { return check_at(sh.m, *v, *dx, *dy, *dout); }};
              });
  };
#if WS_BACKEND_CUDA
  if (bench::tree == "solutions") {
    // cuBLAS's SAXPY, in place like the CPU's: the check re-runs once on fresh y.
    static cublasHandle_t handle = nullptr;
    const auto ensure_handle = [] {
      if (handle == nullptr && cublasCreate(&handle) != CUBLAS_STATUS_SUCCESS) {
        throw std::runtime_error("cuBLAS could not start");
      }
    };
    const auto fresh_check = [](const vectors& v, ws::device_buffer<float>& dx, ws::device_buffer<float>& dy) {
      dy.copy_from_host(v.y);
      const float a = alpha;
      if (cublasSaxpy(handle, static_cast<int>(v.x.size()), &a, dx.data(), 1, dy.data(), 1) !=
          CUBLAS_STATUS_SUCCESS) {
        return false;
      }
      std::vector<float> out(v.x.size());
      dy.copy_to_host(out);
      return matches(v.saxpy, out);
    };
    s.measure({.name = "saxpy", .library = "cublas", .backend = "cuda"},
              [&] {
                ensure_handle();
                const vectors v(check_n);
                ws::device_buffer<float> dx(v.x), dy(v.y);
                return fresh_check(v, dx, dy);
              },
              gpu_shapes, [=](const bench::shape& sh) {
                auto v = std::make_shared<vectors>(sh.m);
                auto dx = std::make_shared<ws::device_buffer<float>>(v->x);
                auto dy = std::make_shared<ws::device_buffer<float>>(v->y);
                return bench::trial{[=] {
                                      const float a = alpha;
                                      cublasSaxpy(handle, static_cast<int>(sh.m), &a, dx->data(), 1, dy->data(), 1);
                                    },
                                    [=] { return fresh_check(*v, *dx, *dy); }};
              });
  }
#endif
  device_version("vector_add", add_gpu, false, [](const float* x, const float* y, float* out, int n) {
    lab01::launch_vector_add(x, y, out, n, block_size);
  });
  for (const std::string& version : saxpy_versions()) {
    device_version("saxpy_" + version, gpu_shapes, true, [version](const float* x, const float* y, float* out, int n) {
      lab01::launch_saxpy(version, alpha, x, y, out, n, block_size);
    });
  }

  // The host wrapper: host pointers in and out, so the copies over PCIe are in the time (the events around it see
  // the copies and the kernel on the default stream).
  s.measure({.name = "saxpy_gpu+copies", .lab = "01", .backend = std::string(bench::gpu_backend)},
            [&] {
              const vectors v(check_n);
              std::vector<float> out(v.x.size(), NAN);
              lab01::saxpy_gpu(alpha, v.x.data(), v.y.data(), out.data(), static_cast<int>(check_n), block_size);
              return matches(v.saxpy, out);
            },
            gpu_shapes, [](const bench::shape& sh) {
              auto v = std::make_shared<vectors>(sh.m);
              auto out = std::make_shared<std::vector<float>>(v->x.size(), NAN);
              return bench::trial{[=] {
                                    lab01::saxpy_gpu(alpha, v->x.data(), v->y.data(), out->data(),
                                                     static_cast<int>(sh.m), block_size);
                                  },
                                  [=] { return matches(v->saxpy, *out); }};
            });

}

}  // namespace

WS_BENCH_WORKLOAD({.name = "vector_add",
                   .brief = "lab 01: vector add and SAXPY, CPU vs GPU kernel vs GPU with copies (bandwidth-bound)",
                   .limit = bench::roof::bandwidth,
                   .run = run});
