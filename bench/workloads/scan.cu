/// @file
/// @brief scan (lab 05): inclusive prefix sums of n floats, every GPU version next to cub::DeviceScan::InclusiveSum.
///
/// A scan reads each element once and writes each once: bandwidth-bound, like the sum, with twice the traffic.
/// Rows: lab 05's "scan" versions at n = 2^20, 2^24, 2^26 on a GPU (the CPU backend: 2^20 only);
/// cub::DeviceScan::InclusiveSum ("cub") and thrust::inclusive_scan ("thrust") as yardsticks, called here, not by the
/// lab. CPU: std::inclusive_scan on 1 thread (implementation "std"), the single-core yardstick a GPU must beat.
/// Bytes: 4 n read + 4 n written. FLOPs: n - 1 adds. Checked at n = 100,003 against prefix sums in double (each
/// prefix i within the tolerance of a sum of i + 1 terms); after timing, 4096 sampled prefixes of the last run.
///
/// A .cu file: the CUB and Thrust yardsticks are device code (nvcc, or the CPU backend's stand-ins when it has them).
#include <cmath>
#include <cstdint>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <cuda_runtime.h>
#if __has_include(<cub/cub.cuh>)
#include <cub/cub.cuh>
#define WS_BENCH_HAVE_CUB 1
#endif
// Thrust on a real GPU only: on the CPU backend a system Thrust (libthrust-dev) would pull in the toolkit's CUB
// over the backend's stand-in.
#if WS_BACKEND_CUDA && __has_include(<thrust/scan.h>) && __has_include(<thrust/execution_policy.h>)
#include <thrust/execution_policy.h>
#include <thrust/scan.h>
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

constexpr std::int64_t check_n = 100'003;

/// Inputs in [-1, 1] and their prefix sums in double.
struct data {
  std::vector<float> x;
  std::vector<double> prefix;
  explicit data(std::int64_t n) : x(static_cast<std::size_t>(n)), prefix(x.size()) {
    ws::fill_random(x, 7);
    double sum = 0;
    for (std::size_t i = 0; i < x.size(); ++i) prefix[i] = sum += x[i];
  }
};

/// @p got against the double prefix sums: every element (@p stride 1) or a sample of them.
bool right(const data& d, const std::vector<float>& got, std::size_t stride) {
  if (got.size() != d.x.size()) return false;
  for (std::size_t i = 0; i < got.size(); i += stride) {
    if (!ws::tolerance::for_reduction(i + 1).accepts(d.prefix[i], got[i])) return false;
  }
  return got.empty() || ws::tolerance::for_reduction(got.size()).accepts(d.prefix.back(), got.back());
}

bench::shape scan_shape(std::int64_t n) {
  return bench::vector_shape(n, static_cast<double>(n - 1), 8.0 * static_cast<double>(n));
}

std::shared_ptr<data> inputs(std::int64_t n) {
  static std::shared_ptr<data> last;
  if (!last || static_cast<std::int64_t>(last->x.size()) != n) {
    last.reset();
    last = std::make_shared<data>(n);
  }
  return last;
}

/// A device scan: fn(in, out, n, workspace, bytes); workspace_bytes(n) says how much scratch it needs.
struct device_scan {
  std::function<void(const float*, float*, std::int64_t, void*, std::size_t)> fn;
  std::function<std::size_t(std::int64_t)> workspace_bytes;
};

struct device_state {
  std::shared_ptr<data> host;
  ws::device_buffer<float> in, out;
  ws::device_buffer<unsigned char> workspace;
  std::size_t workspace_bytes;
  device_state(std::shared_ptr<data> d, std::size_t bytes)
      : host(std::move(d)), in(std::span<const float>(host->x)), out(host->x.size()), workspace(bytes),
        workspace_bytes(bytes) {
    WS_CUDA_CHECK(cudaMemset(out.data(), 0xFF, out.size_bytes()));  // NaN: a version that skips work shows
  }
  std::vector<float> result() {
    std::vector<float> got(out.size());
    out.copy_to_host(got);
    return got;
  }
};

void measure_device(bench::session& s, const bench::version& v, const std::vector<bench::shape>& shapes,
                    const device_scan& scan) {
  const auto launch = [scan](device_state& st, std::int64_t n) {
    scan.fn(st.in.data(), st.out.data(), n, st.workspace.data(), st.workspace_bytes);
  };
  s.measure(v,
            [&] {
              device_state st(std::make_shared<data>(check_n), scan.workspace_bytes(check_n));
              launch(st, check_n);
              WS_CUDA_CHECK(cudaDeviceSynchronize());
              return right(*st.host, st.result(), 1);
            },
            shapes, [&](const bench::shape& sh) {
              auto st = std::make_shared<device_state>(inputs(sh.m), scan.workspace_bytes(sh.m));
              const auto stride = static_cast<std::size_t>(std::max<std::int64_t>(1, sh.m / 4096));
              return bench::trial{[=] { launch(*st, sh.m); },
                                  [=] { return right(*st->host, st->result(), stride); }};
            });
}

void run(bench::session& s) {
  const bool quick = s.opts().quick;
  const bool real = bench::gpu_backend == "cuda";
  std::vector<bench::shape> big;
  for (const int log2 : quick ? std::vector<int>{16} : std::vector<int>{20, 24, 26}) {
    big.push_back(scan_shape(std::int64_t{1} << log2));
  }

  if (bench::tree == "solutions") {
    s.heading("CPU (% roof = share of the measured read bandwidth on 1 thread)");
    s.measure({.name = "inclusive_scan", .library = "std"},
              [] {
                const data d(check_n);
                std::vector<float> out(d.x.size());
                std::inclusive_scan(d.x.begin(), d.x.end(), out.begin());
                return right(d, out, 1);
              },
              big, [](const bench::shape& sh) {
                auto d = inputs(sh.m);
                auto out = std::make_shared<std::vector<float>>(d->x.size());
                const auto stride = static_cast<std::size_t>(std::max<std::int64_t>(1, sh.m / 4096));
                return bench::trial{[=] { std::inclusive_scan(d->x.begin(), d->x.end(), out->begin()); },
                                    [=] { return right(*d, *out, stride); }};
              });
  }
  if (!s.gpu()) {
    s.note("Lab 05's scans are GPU code: run without --cpu-only to time them.");
    return;
  }

  const std::vector<bench::shape> gpu_shapes =
      real ? big : std::vector<bench::shape>{scan_shape(std::int64_t{1} << (quick ? 16 : 20))};
  const std::string backend(bench::gpu_backend);
  s.heading(real ? "GPU (% lib = speed relative to CUB; % roof = share of the measured device read bandwidth)"
                 : "GPU versions on the CPU backend (small n only: every CUDA thread is a fiber here)");
  if (bench::tree == "solutions") {  // the yardsticks first: the versions' "% lib" compares with them
#if WS_BENCH_HAVE_CUB
    measure_device(s, {.name = "device_scan_inclusive_sum", .library = "cub", .backend = backend}, gpu_shapes,
                   {[](const float* in, float* out, std::int64_t n, void* ws, std::size_t bytes) {
                      WS_CUDA_CHECK(cub::DeviceScan::InclusiveSum(ws, bytes, in, out, n));
                    },
                    [](std::int64_t n) {
                      std::size_t bytes = 0;
                      WS_CUDA_CHECK(cub::DeviceScan::InclusiveSum(nullptr, bytes, static_cast<const float*>(nullptr),
                                                                  static_cast<float*>(nullptr), n));
                      return bytes;
                    }});
#else
    s.note("(no cub/cub.cuh for this backend: no CUB row)");
#endif
#if WS_BENCH_HAVE_THRUST
    measure_device(s, {.name = "inclusive_scan", .library = "thrust", .backend = backend}, gpu_shapes,
                   {[](const float* in, float* out, std::int64_t n, void*, std::size_t) {
                      thrust::inclusive_scan(thrust::device, in, in + n, out);
                    },
                    [](std::int64_t) { return std::size_t{0}; }});
#else
    s.note("(the CPU backend: no Thrust row)");
#endif
  }
  for (const std::string_view name : lab05::manifest::scan_versions) {
    const std::string version(name);
    measure_device(s, {.name = version, .lab = "05", .backend = backend}, gpu_shapes,
                   {[version](const float* in, float* out, std::int64_t n, void* ws, std::size_t bytes) {
                      lab05::launch_inclusive_scan(version, in, out, n, ws, bytes);
                    },
                    [version](std::int64_t n) { return lab05::scan_workspace_bytes(version, n); }});
  }
}

}  // namespace

WS_BENCH_WORKLOAD({.name = "scan",
                   .brief = "lab 05: inclusive prefix sums, GPU versions next to CUB and Thrust (bandwidth-bound)",
                   .limit = bench::roof::bandwidth,
                   .run = run});
