/// @file
/// @brief `./course bench vector_add`: SAXPY on the CPU vs the GPU kernel alone vs the GPU including copies.
///
/// The point of lesson 01: SAXPY moves 12 bytes for 2 flops, so the kernel is bandwidth-bound and the copies over
/// PCIe cost far more than the kernel. Prints one row per size as it finishes; `--json FILE` writes the records in
/// the results schema of docs/bench_results.md. Exits with WS_SKIP_RETURN_CODE when built for a GPU and none answers.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <cuda_runtime.h>

#include <ws/compare.hpp>
#include <ws/cuda_check.hpp>
#include <ws/cuda_timer.hpp>
#include <ws/device_buffer.hpp>
#include <ws/device_info.hpp>
#include <ws/host_info.hpp>
#include <ws/json.hpp>
#include <ws/random.hpp>
#include <ws/timer.hpp>

#include "results_file.hpp"
#include "vector_add.h"

namespace {

#if WS_BACKEND_CUDACPU
constexpr int largest_log2 = 22;  // the CPU backend runs every CUDA thread as a fiber: keep it to seconds
#else
constexpr int largest_log2 = 26;
#endif
constexpr float alpha = 2.5f;
constexpr int block_size = 256;

struct options {
  std::string json_path;
  bool cpu_only = false;
};

options parse(int argc, char* argv[]) {
  options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--json" && i + 1 < argc) {
      opt.json_path = argv[++i];
    } else if (arg == "--cpu-only") {
      opt.cpu_only = true;
    } else {
      std::fprintf(stderr, "usage: %s [--json FILE] [--cpu-only]\n", argv[0]);
      std::exit(2);
    }
  }
  return opt;
}

/// One results record (docs/bench_results.md).
ws::json::value record(std::string_view version, std::string_view record_backend, int n, const ws::timing_stats& t,
                       bool correct) {
  auto r = ws::json::value::object();
  r.set("workload", "saxpy");
  r.set("version", version);
  r.set("backend", record_backend);
  r.set("implementation", "ours");
  r.set("m", n);
  r.set("n", 1);
  r.set("k", 1);
  r.set("threads", 1);
  r.set("dtype", "f32");
  r.set("repeats", t.count);
  r.set("median_ms", t.median_ms);
  r.set("min_ms", t.min_ms);
  r.set("max_ms", t.max_ms);
  r.set("gflops", 2.0 * n / (t.median_ms * 1e6));
  r.set("correct", correct);
  return r;
}

/// Bytes SAXPY must move (read x and y, write out) per millisecond, as GB/s.
double bandwidth_gbs(int n, double ms) { return 12.0 * n / (ms * 1e6); }

}  // namespace

int main(int argc, char* argv[]) {
  const options opt = parse(argc, argv);
  const ws::host_info host = ws::query_host();
  const ws::device_info device = ws::query_device();
  const bool gpu = !opt.cpu_only;
  if (gpu && !device.available) {
    std::printf("SKIPPED: no usable CUDA device (%s)\n", device.error.c_str());
    return WS_SKIP_RETURN_CODE;
  }

  std::printf("SAXPY, out = %.1f * x + y, float32, block size %d\n", static_cast<double>(alpha), block_size);
  std::printf("CPU: %s (1 thread)\n", host.cpu_model.c_str());
  if (gpu) {
    std::printf("GPU: %s\n", device.name.c_str());
#if WS_BACKEND_CUDACPU
    std::printf("Note: this is the CPU backend. Its 'GPU' columns time the CPU running CUDA threads as fibers;\n"
                "      they say nothing about a real GPU. Run ./course bench vector_add on a GPU machine for that.\n");
#endif
  }
  std::printf("\n%10s  %12s  %12s  %16s  %-14s\n", "n", "CPU ms", "kernel ms", "kernel+copy ms", "fastest");

  auto results = ws::json::value::array();
  bool all_correct = true;
  for (int log2 = 10; log2 <= largest_log2; log2 += 2) {
    const int n = 1 << log2;
    std::vector<float> x(n), y(n), expected(n), out(n);
    ws::fill_random(x, 11);
    ws::fill_random(y, 12);
    const std::size_t repeats = log2 <= 20 ? 20 : 5;

    const auto cpu = ws::time_repeated([&] { lab01::saxpy_cpu(alpha, x.data(), y.data(), expected.data(), n); },
                                       2, repeats);
    results.push_back(record("cpu", "cpu", n, cpu, true));
    std::printf("%10d  %12.4f", n, cpu.median_ms);
    if (!gpu) {
      std::printf("\n");
      continue;
    }

    ws::device_buffer<float> d_x(x), d_y(y), d_out(x.size());
    ws::cuda_event_timer event_timer;
    const auto kernel = ws::time_repeated(event_timer, [&] {
      lab01::launch_saxpy_one_per_thread(alpha, d_x.data(), d_y.data(), d_out.data(), n, block_size);
    }, 2, repeats);
    d_out.copy_to_host(out);  // re-check after timing: a fast wrong kernel is not a result
    const bool kernel_ok = ws::compare(expected, out, ws::tolerance::for_reduction(2)).ok();

    const auto with_copies = ws::time_repeated([&] {
      d_x.copy_from_host(x);
      d_y.copy_from_host(y);
      lab01::launch_saxpy_one_per_thread(alpha, d_x.data(), d_y.data(), d_out.data(), n, block_size);
      d_out.copy_to_host(out);
    }, 2, repeats);
    const bool copies_ok = ws::compare(expected, out, ws::tolerance::for_reduction(2)).ok();
    all_correct = all_correct && kernel_ok && copies_ok;

    results.push_back(record("one_per_thread", bench::gpu_backend, n, kernel, kernel_ok));
    results.push_back(record("one_per_thread+copies", bench::gpu_backend, n, with_copies, copies_ok));
    const char* fastest = cpu.median_ms <= with_copies.median_ms ? "CPU" : "GPU even w/ copies";
    std::printf("  %12.4f  %16.4f  %-14s%s\n", kernel.median_ms, with_copies.median_ms, fastest,
                kernel_ok && copies_ok ? "" : "  WRONG RESULT");
    if (log2 == largest_log2) {
      std::printf("\nAt n = %d: CPU %.1f GB/s, kernel %.1f GB/s, kernel+copies %.1f GB/s (12 bytes per element)\n",
                  n, bandwidth_gbs(n, cpu.median_ms), bandwidth_gbs(n, kernel.median_ms),
                  bandwidth_gbs(n, with_copies.median_ms));
    }
  }

  if (!opt.json_path.empty()) {
    bench::write_results(opt.json_path, bench::machine_record(host, device, gpu), std::move(results));
    std::printf("\nWrote %s\n", opt.json_path.c_str());
  }
  return all_correct ? 0 : 1;
}
