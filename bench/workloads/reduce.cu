/// @file
/// @brief reduce (lab 05): the sum of n floats, every CPU and GPU version next to cub::DeviceReduce::Sum and thrust.
///
/// A sum reads each element once and does one add per element: it is bound by memory bandwidth, so the table shows
/// each version's GB/s as a share of the bandwidth measured on this machine (the STREAM-like read of the machine
/// record). Rows:
///   CPU   lab 05's "sum_cpu" versions at n = 2^20, 2^24, 2^26 ("simd_omp" on all threads, the others on 1)
///   GPU   lab 05's "reduce" versions at n = 2^20, 2^24, 2^26 (the CPU backend: 2^20 only); cub::DeviceReduce::Sum
///         ("cub") and thrust::reduce ("thrust") as yardsticks, called here, not by the lab
/// Bytes: 4 n read + 4 written. FLOPs: n - 1 adds. Checked at n = 1,000,003 (CPU) and 100,003 (GPU) against a sum
/// in double; after timing, the last run's sum again.
///
/// A .cu file: the CUB and Thrust yardsticks are device code (nvcc, or the CPU backend's stand-ins when it has them).
#include <cmath>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <cuda_runtime.h>
#if __has_include(<cub/cub.cuh>)
#include <cub/cub.cuh>
#define WS_BENCH_HAVE_CUB 1
#endif
// Thrust on a real GPU only: on the CPU backend a system Thrust (libthrust-dev) would pull in the toolkit's CUB
// over the backend's stand-in.
#if WS_BACKEND_CUDA && __has_include(<thrust/reduce.h>) && __has_include(<thrust/execution_policy.h>)
#include <thrust/execution_policy.h>
#include <thrust/reduce.h>
#define WS_BENCH_HAVE_THRUST 1
#endif

#include <ws/compare.hpp>
#include <ws/cuda_check.hpp>
#include <ws/device_buffer.hpp>
#include <ws/random.hpp>

#include "harness.hpp"
#include "lab05_manifest.hpp"
#include "reductions.h"

namespace {

constexpr std::int64_t check_n_cpu = 1'000'003, check_n_gpu = 100'003;

/// Inputs in [-1, 1] and their sum in double.
struct data {
  std::vector<float> x;
  double sum = 0;
  explicit data(std::int64_t n) : x(static_cast<std::size_t>(n)) {
    ws::fill_random(x, 5);
    for (const float v : x) sum += v;
  }
};

bool right(const data& d, float got) {
  return ws::tolerance::for_reduction(d.x.size()).accepts(d.sum, got);
}

bench::shape sum_shape(std::int64_t n) {
  return bench::vector_shape(n, static_cast<double>(n - 1), 4.0 * static_cast<double>(n) + 4.0);
}

/// A device sum: fn(in, out, n, workspace, bytes); workspace_bytes(n) says how much scratch it needs.
struct device_sum {
  std::function<void(const float*, float*, std::int64_t, void*, std::size_t)> fn;
  std::function<std::size_t(std::int64_t)> workspace_bytes;
};

/// The device state of one (version, n): input, output, scratch.
struct device_state {
  std::shared_ptr<data> host;
  ws::device_buffer<float> in, out;
  ws::device_buffer<unsigned char> workspace;
  std::size_t workspace_bytes = 0;

  device_state(std::shared_ptr<data> d, std::size_t bytes)
      : host(std::move(d)), in(std::span<const float>(host->x)), out(1), workspace(bytes), workspace_bytes(bytes) {}

  float result() {
    float got = NAN;
    WS_CUDA_CHECK(cudaMemcpy(&got, out.data(), sizeof got, cudaMemcpyDeviceToHost));
    return got;
  }
};

/// The inputs of the last n asked for: every version of a size shares them.
std::shared_ptr<data> inputs(std::int64_t n) {
  static std::shared_ptr<data> last;
  if (!last || static_cast<std::int64_t>(last->x.size()) != n) {
    last.reset();
    last = std::make_shared<data>(n);
  }
  return last;
}

void measure_device(bench::session& s, const bench::version& v, const std::vector<bench::shape>& shapes,
                    const device_sum& sum) {
  const auto launch = [sum](device_state& st, std::int64_t n) {
    sum.fn(st.in.data(), st.out.data(), n, st.workspace.data(), st.workspace_bytes);
  };
  s.measure(v,
            [&] {
              device_state st(std::make_shared<data>(check_n_gpu), sum.workspace_bytes(check_n_gpu));
              WS_CUDA_CHECK(cudaMemset(st.out.data(), 0xFF, sizeof(float)));  // NaN: a version that skips work
              launch(st, check_n_gpu);
              WS_CUDA_CHECK(cudaDeviceSynchronize());
              return right(*st.host, st.result());
            },
            shapes, [&](const bench::shape& sh) {
              auto st = std::make_shared<device_state>(inputs(sh.m), sum.workspace_bytes(sh.m));
              WS_CUDA_CHECK(cudaMemset(st->out.data(), 0xFF, sizeof(float)));
              return bench::trial{[=] { launch(*st, sh.m); }, [=] { return right(*st->host, st->result()); }};
            });
}

void run(bench::session& s) {
  const bool quick = s.opts().quick;
  std::vector<bench::shape> big;
  for (const int log2 : quick ? std::vector<int>{20} : std::vector<int>{20, 24, 26}) {
    big.push_back(sum_shape(std::int64_t{1} << log2));
  }

  s.heading("CPU (% roof = share of the measured read bandwidth on the same threads)");
  for (const std::string_view name : lab05::manifest::sum_cpu_versions) {
    const std::string version(name);
    const int threads = version == "simd_omp" ? s.cores() : 1;
    s.measure({.name = version, .lab = "05", .threads = threads},
              [&] {
                const data d(check_n_cpu);
                return right(d, lab05::sum_cpu(version, d.x.data(), check_n_cpu));
              },
              big, [&](const bench::shape& sh) {
                auto d = inputs(sh.m);
                auto got = std::make_shared<float>(NAN);
                return bench::trial{[=] { *got = lab05::sum_cpu(version, d->x.data(), sh.m); },
                                    [=] { return right(*d, *got); }};
              });
  }
  if (!s.gpu()) return;

  const bool real = bench::gpu_backend == "cuda";
  const std::vector<bench::shape> gpu_shapes =
      real ? big : std::vector<bench::shape>{sum_shape(std::int64_t{1} << (quick ? 16 : 20))};
  const std::string backend(bench::gpu_backend);
  s.heading(real ? "GPU (% lib = speed relative to CUB; % roof = share of the measured device read bandwidth)"
                 : "GPU versions on the CPU backend (small n only: every CUDA thread is a fiber here)");
  if (bench::tree == "solutions") {  // the yardsticks first: the versions' "% lib" compares with them
#if WS_BENCH_HAVE_CUB
    // CUB's device-wide sum: two calls, the first asks for its scratch size.
    measure_device(s, {.name = "device_reduce_sum", .library = "cub", .backend = backend}, gpu_shapes,
                   {[](const float* in, float* out, std::int64_t n, void* ws, std::size_t bytes) {
                      WS_CUDA_CHECK(cub::DeviceReduce::Sum(ws, bytes, in, out, n));
                    },
                    [](std::int64_t n) {
                      std::size_t bytes = 0;
                      WS_CUDA_CHECK(cub::DeviceReduce::Sum(nullptr, bytes, static_cast<const float*>(nullptr),
                                                           static_cast<float*>(nullptr), n));
                      return bytes;
                    }});
#else
    s.note("(no cub/cub.cuh for this backend: no CUB row)");
#endif
#if WS_BENCH_HAVE_THRUST
    // thrust::reduce returns the sum to the host (it waits): the copy of the result back is in its time.
    measure_device(s, {.name = "reduce", .library = "thrust", .backend = backend}, gpu_shapes,
                   {[](const float* in, float* out, std::int64_t n, void*, std::size_t) {
                      const float sum = thrust::reduce(thrust::device, in, in + n, 0.0f);
                      WS_CUDA_CHECK(cudaMemcpy(out, &sum, sizeof sum, cudaMemcpyHostToDevice));
                    },
                    [](std::int64_t) { return std::size_t{0}; }});
#else
    s.note("(the CPU backend: no Thrust row)");
#endif
  }
  for (const std::string_view name : lab05::manifest::reduce_versions) {
    const std::string version(name);
    measure_device(s, {.name = version, .lab = "05", .backend = backend},
                   gpu_shapes,
                   {[version](const float* in, float* out, std::int64_t n, void* ws, std::size_t bytes) {
                      lab05::launch_reduce_sum(version, in, out, n, ws, bytes);
                    },
                    [version](std::int64_t n) { return lab05::reduce_workspace_bytes(version, n); }});
  }
}

}  // namespace

WS_BENCH_WORKLOAD({.name = "reduce",
                   .brief = "lab 05: the sum of n floats, CPU and GPU versions next to CUB and Thrust (bandwidth-bound)",
                   .limit = bench::roof::bandwidth,
                   .run = run});
