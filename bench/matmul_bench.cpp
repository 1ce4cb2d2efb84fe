/// @file
/// @brief `./course bench matmul`: every matmul version of labs 02-04 next to its library yardstick, in one run.
///
/// CPU: the five versions of lab 02 and OpenBLAS's cblas_sgemm, on 1 thread and on all of them, N = 256 ... 2048.
/// GPU: the versions of labs 03 and 04 next to cuBLAS (SGEMM for FP32; GemmEx with FP16/BF16 inputs for the
/// tensor-core version), N = 256 ... 4096, timed with CUDA events. Each timing has a warm-up run and reports the
/// median of several; every result is re-checked after timing: against the yardstick's result in full, and the
/// yardstick itself against double-precision dot products at sampled elements.
///
/// Speed is shown as a ratio to the yardstick on the same machine in the same run, and as a fraction of the
/// machine's peak (the CPU's peak is measured with an FMA loop; the GPU's comes from its clock, SM count and the
/// per-SM rates NVIDIA publishes). `--json FILE` writes the records described in docs/bench_results.md;
/// `--stream` also prints each row's start and record as it happens (`WS-PROGRESS`, `WS-RECORD` lines on stdout),
/// for the visualizer's live runner.
///
/// Usage: bench_matmul_<backend> [--cpu-only] [--json FILE] [--max-n N] [--stream]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <cblas.h>
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <omp.h>
#include <unistd.h>

#include <ws/compare.hpp>
#include <ws/cuda_check.hpp>
#include <ws/cuda_timer.hpp>
#include <ws/device_buffer.hpp>
#include <ws/device_info.hpp>
#include <ws/host_info.hpp>
#include <ws/json.hpp>
#include <ws/random.hpp>
#include <ws/timer.hpp>

#include "matmul_cpu.h"
#include "matmul_fast.h"
#include "matmul_gpu.h"
#include "results_file.hpp"

extern "C" void openblas_set_num_threads(int num_threads);  // OpenBLAS's own; not in every cblas.h

namespace {

using bench::gpu_backend;

struct options {
  std::string json_path;
  bool cpu_only = false;
  int max_n = 0;  // 0: the defaults below
  bool stream = false;
};

options parse(int argc, char* argv[]) {
  options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--json" && i + 1 < argc) {
      opt.json_path = argv[++i];
    } else if (arg == "--cpu-only") {
      opt.cpu_only = true;
    } else if (arg == "--max-n" && i + 1 < argc) {
      opt.max_n = std::atoi(argv[++i]);
    } else if (arg == "--stream") {
      opt.stream = true;
    } else {
      std::fprintf(stderr, "usage: %s [--cpu-only] [--json FILE] [--max-n N] [--stream]\n", argv[0]);
      std::exit(2);
    }
  }
  return opt;
}

/// Square sizes from 256 up to @p largest (doubling), capped by --max-n.
std::vector<int> sizes_up_to(int largest, const options& opt) {
  std::vector<int> sizes;
  for (int n = 256; n <= largest; n *= 2) {
    if (opt.max_n == 0 || n <= opt.max_n) sizes.push_back(n);
  }
  return sizes;
}

double gflops(int n, double ms) { return 2.0 * n * n * static_cast<double>(n) / (ms * 1e6); }

// ---------------------------------------------------------------------------------------------------------------
// Timing: a warm-up run, then as many runs as fit in a time budget (at least 3, at most 20), median reported.

template <class Timer>
ws::timing_stats time_adaptive(Timer& timer, const std::function<void()>& fn, double budget_ms) {
  timer.start();
  fn();  // warm-up: first-touch page faults, OpenMP thread start-up, lazy module loading on the GPU
  timer.stop();
  const double first = std::max(static_cast<double>(timer.elapsed_ms()), 1e-3);
  const auto repeats = static_cast<std::size_t>(std::clamp(budget_ms / first, 3.0, 20.0));
  return ws::time_repeated(timer, fn, 0, repeats);
}

// ---------------------------------------------------------------------------------------------------------------
// Correctness: the yardstick against double-precision dot products at sampled elements, everything else against
// the yardstick in full.

/// Max |error| / tolerance-scale of @p c against double dot products at 256 sampled (i, j); true when all pass.
bool spot_check(const std::vector<float>& a, const std::vector<float>& b, const std::vector<float>& c, int n) {
  const ws::tolerance tol = ws::tolerance::for_reduction(static_cast<std::size_t>(n));
  std::uint64_t state = 12345;
  for (int s = 0; s < 256; ++s) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto i = static_cast<std::size_t>((state >> 33) % static_cast<std::uint64_t>(n));
    const auto j = static_cast<std::size_t>((state >> 13) % static_cast<std::uint64_t>(n));
    double sum = 0.0;
    for (std::size_t p = 0; p < static_cast<std::size_t>(n); ++p) {
      sum += static_cast<double>(a[i * n + p]) * b[p * n + j];
    }
    if (!tol.accepts(sum, c[i * n + j])) return false;
  }
  return true;
}

/// Two float results of the same product agree when each is within the reference tolerance of the truth.
bool agrees(const std::vector<float>& yardstick, const std::vector<float>& got, int k) {
  ws::tolerance tol = ws::tolerance::for_reduction(static_cast<std::size_t>(k));
  tol.abs *= 2;
  tol.rel *= 2;
  return ws::compare(yardstick, got, tol).ok();
}

// ---------------------------------------------------------------------------------------------------------------
// Peaks

/// This CPU's FP32 peak on @p threads threads, measured: independent chains of 16-wide FMAs (what the widest
/// vector unit this build targets can do per instruction), long enough to hide their latency.
double measure_cpu_peak_gflops(int threads) {
  using vec = float __attribute__((vector_size(64)));
  constexpr int chains = 12;
  constexpr long iterations = 20'000'000;
  double best_ms = 1e30;
  for (int attempt = 0; attempt < 7; ++attempt) {  // best of 7: a busy neighbour only slows some
    ws::cpu_timer timer;
    timer.start();
#pragma omp parallel num_threads(threads)
    {
      vec acc[chains];
      const vec x = vec{} + 1.0000001f;
      const vec y = vec{} + 0.9999999f;
      for (auto& v : acc) v = vec{} + static_cast<float>(omp_get_thread_num());
      for (long it = 0; it < iterations / 16; ++it) {
        for (int rep = 0; rep < 16; ++rep) {
#pragma GCC unroll 12
          for (auto& v : acc) v = v * x + y;
        }
        asm volatile("" : "+m"(acc));  // keep the loop: its result is "used"
      }
      volatile float sink = acc[0][0];
      static_cast<void>(sink);
    }
    timer.stop();
    best_ms = std::min(best_ms, static_cast<double>(timer.elapsed_ms()));
  }
  const double flops = 2.0 * 16 * chains * static_cast<double>(iterations) * threads;
  return flops / (best_ms * 1e6);
}

/// Dense FP16/BF16 tensor-core FLOPs per clock per SM (FP32 accumulation), from NVIDIA's architecture whitepapers
/// (A100: 312 TFLOP/s at 108 SMs x 1.41 GHz; H100 SXM: 989 TFLOP/s at 132 SMs x 1.83 GHz; Ada/GA10x: 1024). 0 if
/// not in the table.
double tensor_flops_per_clock_per_sm(int major, int minor) {
  if (major == 8 && minor == 0) return 2048;
  if (major == 8) return 1024;
  if (major == 9) return 4096;
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Records and the table

struct result {
  std::string version, backend, implementation, dtype;
  int n = 0, threads = 1;
  ws::timing_stats stats;
  bool correct = false;
};

ws::json::value to_json(const result& r) {
  auto o = ws::json::value::object();
  o.set("workload", "matmul");
  o.set("version", r.version);
  o.set("backend", r.backend);
  o.set("implementation", r.implementation);
  o.set("m", r.n);
  o.set("n", r.n);
  o.set("k", r.n);
  o.set("threads", r.threads);
  o.set("dtype", r.dtype);
  o.set("repeats", r.stats.count);
  o.set("median_ms", r.stats.median_ms);
  o.set("min_ms", r.stats.min_ms);
  o.set("max_ms", r.stats.max_ms);
  o.set("gflops", gflops(r.n, r.stats.median_ms));
  o.set("correct", r.correct);
  return o;
}

/// --stream (docs/bench_results.md): machine-readable lines on stdout, flushed, for the visualizer's live runner.
/// `total` counts the rows of the whole run (CPU and GPU), so `done` never goes back.
struct stream_state {
  bool on = false;
  int done = 0, total = 0;
} stream;

/// `WS-PROGRESS <rows done> <rows in all> <the row starting>`.
void stream_progress(const std::string& what) {
  if (!stream.on) return;
  std::printf("WS-PROGRESS %d %d %s\n", stream.done++, stream.total, what.c_str());
  std::fflush(stdout);
}

/// `WS-RECORD <the record, one line>`, once its check is final.
void stream_record(const result& r) {
  if (!stream.on) return;
  std::printf("WS-RECORD %s\n", to_json(r).dump(-1).c_str());
  std::fflush(stdout);
}

/// Prints progress on one line of a terminal (overwritten by the next row), nothing when output is a file.
class progress {
 public:
  explicit progress(int total) : total_(total), tty_(isatty(STDERR_FILENO) != 0) {}
  void show(const std::string& what) {
    ++done_;
    stream_progress(what);
    if (tty_) std::fprintf(stderr, "\r\033[K[%2d/%d] timing %s ...", done_, total_, what.c_str());
  }
  void clear() const {
    if (tty_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  int total_, done_ = 0;
  bool tty_;
};

void print_header(const char* title) {
  std::printf("\n%s\n%6s  %-16s %-9s %7s %10s %9s %8s %8s  %s\n", title, "N", "version", "impl", "threads", "ms",
              "GFLOP/s", "% yard", "% peak", "check");
}

void print_row(const result& r, double yardstick_ms, double peak_gflops) {
  const double g = gflops(r.n, r.stats.median_ms);
  char yard[16] = "-", peak[16] = "-";
  if (yardstick_ms > 0) std::snprintf(yard, sizeof yard, "%.0f%%", 100.0 * yardstick_ms / r.stats.median_ms);
  if (peak_gflops > 0) std::snprintf(peak, sizeof peak, "%.0f%%", 100.0 * g / peak_gflops);
  std::printf("%6d  %-16s %-9s %7d %10.3f %9.1f %8s %8s  %s\n", r.n, (r.version + (r.dtype == "f32" ? "" : " " + r.dtype)).c_str(),
              r.implementation.c_str(), r.threads, r.stats.median_ms, g, yard, peak, r.correct ? "ok" : "WRONG");
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------------------------------------------
// CPU: lab 02 and OpenBLAS

/// The machine's peak FP32 rates (GFLOP/s) and memory bandwidth (GB/s); 0 where unknown.
struct peaks {
  double cpu_1 = 0, cpu_all = 0, gpu_fp32 = 0, gpu_tensor = 0, gpu_bandwidth = 0;
};

/// The rows bench_cpu goes through, skipped ones included: per size, OpenBLAS on 1 thread (and on all), lab 02.
int cpu_rows(const options& opt, int cores) {
  const std::size_t per_size = lab02::matmul_cpu_versions().size() + (cores > 1 ? 2 : 1);
  return static_cast<int>(sizes_up_to(2048, opt).size() * per_size);
}

void bench_cpu(const options& opt, int cores, const peaks& peak, std::vector<result>& out) {
  const std::vector<int> sizes = sizes_up_to(2048, opt);
  const double peak_1 = peak.cpu_1, peak_all = peak.cpu_all;

  struct entry {
    std::string version;
    bool openblas;
    int threads;
  };
  // OpenBLAS first: at each size its result is the reference the others are checked against.
  std::vector<entry> entries = {{"sgemm", true, 1}};
  if (cores > 1) entries.push_back({"sgemm", true, cores});
  for (const auto v : lab02::matmul_cpu_versions()) {
    entries.push_back({std::string(v), false, v == "parallel" ? cores : 1});
  }

  progress bar(cpu_rows(opt, cores));
  std::vector<double> last_ms(entries.size(), 0.0);
  print_header("CPU (FP32; % yard = speed relative to OpenBLAS on the same threads)");
  for (const int n : sizes) {
    const auto un = static_cast<std::size_t>(n);
    std::vector<float> a(un * un), b(un * un), reference(un * un, NAN), c(un * un);
    ws::fill_random(a, 1);
    ws::fill_random(b, 2);
    std::vector<result> rows;
    std::vector<double> blas_ms(static_cast<std::size_t>(cores) + 1, 0.0);
    for (std::size_t e = 0; e < entries.size(); ++e) {
      const entry& en = entries[e];
      const std::string who = en.openblas ? "OpenBLAS sgemm, " + std::to_string(en.threads) + " thread(s)" : en.version;
      bar.show(who + " N=" + std::to_string(n));
      // A version 8x slower per doubling would take too long at the next size: skip it and say so.
      if (last_ms[e] * 8 > 6000.0) {
        bar.clear();
        std::printf("%6d  %-16s skipped: about %.0f s per run at this size\n", n, en.version.c_str(),
                    last_ms[e] * 8 / 1000);
        continue;
      }
      std::fill(c.begin(), c.end(), NAN);
      // OpenBLAS's threads and OpenMP's both spin for a while after a call, waiting for more work; started right
      // after the other library, a version would share the cores with those spinning threads (measured here: our
      // 2-thread 256^3 product 40x slower). A pause lets the idle threads go to sleep.
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      std::function<void()> run;
      if (en.openblas) {
        openblas_set_num_threads(en.threads);
        run = [&] {
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f,
                      c.data(), n);
        };
      } else {
        run = [&] { lab02::matmul_cpu(en.version, a.data(), b.data(), c.data(), n, n, n, en.threads); };
      }
      ws::cpu_timer timer;
      result r{en.version, "cpu", en.openblas ? "openblas" : "ours", "f32", n, en.threads, {}, false};
      r.stats = time_adaptive(timer, run, 1000.0);
      last_ms[e] = r.stats.median_ms;
      if (en.openblas) {
        r.correct = spot_check(a, b, c, n);
        if (en.threads == 1) reference = c;
        blas_ms[static_cast<std::size_t>(std::min(en.threads, cores))] = r.stats.median_ms;
      } else {
        r.correct = agrees(reference, c, n);
      }
      rows.push_back(r);
      stream_record(r);
    }
    bar.clear();
    for (const result& r : rows) {
      print_row(r, blas_ms[static_cast<std::size_t>(r.threads)], r.threads == 1 ? peak_1 : peak_all);
      out.push_back(r);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// GPU: labs 03 and 04, cuBLAS

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

/// The rows bench_gpu goes through, skipped ones included: per size, labs 03-04's FP32 versions, SGEMM, and WMMA
/// and GemmEx in FP16 and BF16. The CPU backend times N = 256 only.
int gpu_rows(const options& opt) {
  const bool real_gpu = std::string_view(gpu_backend) == "cuda";
  const std::size_t sizes = real_gpu ? sizes_up_to(4096, opt).size() : 1;
  return static_cast<int>(
      sizes * (lab03::matmul_gpu_versions().size() + lab04::matmul_fast_versions().size() + 1 + 4));
}

void bench_gpu(const options& opt, const ws::device_info& device, const peaks& peak, std::vector<result>& out) {
  const bool real_gpu = std::string_view(gpu_backend) == "cuda";
  // The CPU backend runs every CUDA thread as a fiber: a 4096^3 product would take hours there.
  const std::vector<int> sizes = real_gpu ? sizes_up_to(4096, opt) : std::vector<int>{256};
  const double fp32_peak = peak.gpu_fp32;
  const double tensor_peak = peak.gpu_tensor;
  std::printf("\nGPU: %s\n", device.summary().c_str());
  if (!real_gpu) {
    std::printf("Note: this is the CPU backend. Its 'GPU' rows time the CPU running CUDA threads as fibers, at one\n"
                "      small size; they say nothing about a real GPU. Run ./course bench matmul on a GPU for that.\n");
  } else if (tensor_peak > 0) {
    std::printf("Peaks: FP32 %.1f TFLOP/s, FP16/BF16 tensor cores %.1f TFLOP/s (dense, from clock x SMs x rate)\n",
                fp32_peak / 1000, tensor_peak / 1000);
  }

  cublasHandle_t handle = nullptr;
  if (cublasCreate(&handle) != CUBLAS_STATUS_SUCCESS) {
    std::printf("cuBLAS could not start: no GPU results.\n");
    return;
  }
  const auto fp32_versions = [] {
    std::vector<std::string> v;
    for (const auto name : lab03::matmul_gpu_versions()) v.emplace_back(name);
    for (const auto name : lab04::matmul_fast_versions()) v.emplace_back(name);
    return v;
  }();
  progress bar(gpu_rows(opt));
  std::vector<double> last_ms(fp32_versions.size(), 0.0);
  print_header("GPU (% yard = speed relative to cuBLAS: SGEMM for FP32, GemmEx for FP16/BF16 inputs)");

  for (const int n : sizes) {
    const auto count = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
    std::vector<float> a(count), b(count), reference(count), host_c(count);
    ws::fill_random(a, 1);
    ws::fill_random(b, 2);
    ws::device_buffer<float> d_a(a), d_b(b), d_c(count);
    ws::cuda_event_timer timer;
    std::vector<result> rows;
    const auto timed = [&](result r, const std::function<void()>& run, const std::vector<float>* yardstick) {
      WS_CUDA_CHECK(cudaMemset(d_c.data(), 0xFF, d_c.size_bytes()));  // NaN: a version that skips work shows
      r.stats = time_adaptive(timer, run, 1000.0);
      d_c.copy_to_host(host_c);
      r.correct = yardstick != nullptr ? agrees(*yardstick, host_c, n) : false;
      rows.push_back(r);
      if (yardstick != nullptr) stream_record(r);  // a yardstick's record is streamed after its spot check
      return r.stats.median_ms;
    };

    // FP32: cuBLAS SGEMM first, checked against double dot products; then ours against it.
    bar.show("cuBLAS SGEMM N=" + std::to_string(n));
    const double sgemm_ms = timed({"sgemm", gpu_backend, "cublas", "f32", n, 1, {}, false},
                                  [&] { lab04::matmul_cublas_sgemm(handle, d_a.data(), d_b.data(), d_c.data(), n, n, n); },
                                  nullptr);
    reference = host_c;
    rows.back().correct = spot_check(a, b, reference, n);
    stream_record(rows.back());
    for (std::size_t v = 0; v < fp32_versions.size(); ++v) {
      const std::string& name = fp32_versions[v];
      bar.show(name + " N=" + std::to_string(n));
      if (last_ms[v] * 8 > 3000.0) continue;  // the naive kernel at 4096 on a slow GPU: not worth the wait
      const bool in_lab03 = v < lab03::matmul_gpu_versions().size();
      last_ms[v] = timed({name, gpu_backend, "ours", "f32", n, 1, {}, false}, [&] {
        if (in_lab03) {
          lab03::launch_matmul(name, d_a.data(), d_b.data(), d_c.data(), n, n, n);
        } else {
          lab04::launch_matmul(name, d_a.data(), d_b.data(), d_c.data(), n, n, n);
        }
      }, &reference);
    }

    // Tensor cores: the same inputs rounded to FP16 / BF16, FP32 accumulation and output.
    const auto tensor = [&]<class T>(const char* dtype, T /*tag*/) {
      const std::vector<T> a16 = convert<T>(a), b16 = convert<T>(b);
      ws::device_buffer<T> d_a16(a16), d_b16(b16);
      bar.show(std::string("cuBLAS GemmEx ") + dtype + " N=" + std::to_string(n));
      const double ex_ms = timed({"gemmex", gpu_backend, "cublas", dtype, n, 1, {}, false}, [&] {
        lab04::matmul_cublas_gemmex(handle, d_a16.data(), d_b16.data(), d_c.data(), n, n, n);
      }, nullptr);
      const std::vector<float> ex_result = host_c;
      rows.back().correct = spot_check(widen(a16), widen(b16), ex_result, n);
      stream_record(rows.back());
      bar.show(std::string("wmma ") + dtype + " N=" + std::to_string(n));
      timed({"wmma", gpu_backend, "ours", dtype, n, 1, {}, false},
            [&] { lab04::launch_matmul_wmma(d_a16.data(), d_b16.data(), d_c.data(), n, n, n); }, &ex_result);
      return ex_ms;
    };
    const double f16_ms = tensor("f16", __half{});
    const double bf16_ms = tensor("bf16", __nv_bfloat16{});

    bar.clear();
    for (const result& r : rows) {
      const double yard = r.dtype == "f32" ? sgemm_ms : r.dtype == "f16" ? f16_ms : bf16_ms;
      print_row(r, yard, r.dtype == "f32" ? fp32_peak : tensor_peak);
      out.push_back(r);
    }
  }
  cublasDestroy(handle);
}

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
  const int cores = static_cast<int>(std::max(1u, host.logical_cores));
  std::printf("Matrix multiply C = A * B, square N x N x N, row-major, FP32 unless marked\n");
  std::printf("CPU: %s, %d hardware threads\n\n", host.cpu_model.c_str(), cores);

  const bool real_gpu = gpu && std::string_view(gpu_backend) == "cuda";
  peaks peak;
  std::printf("CPU micro-kernel: %s. Measuring the CPU's FP32 peak with an FMA loop...\n",
              std::string(lab02::simd_kernel_name()).c_str());
  peak.cpu_1 = measure_cpu_peak_gflops(1);
  peak.cpu_all = measure_cpu_peak_gflops(cores);
  std::printf("CPU peak: %.1f GFLOP/s on 1 thread, %.1f on %d\n", peak.cpu_1, peak.cpu_all, cores);
  if (real_gpu) {
    peak.gpu_fp32 = device.fp32_peak_gflops;
    peak.gpu_tensor = device.sm_count * (device.clock_khz * 1e-6) *
                      tensor_flops_per_clock_per_sm(device.cc_major, device.cc_minor);
    peak.gpu_bandwidth = device.memory_bandwidth_gbs;
  }

  stream.on = opt.stream;
  stream.total = cpu_rows(opt, cores) + (gpu ? gpu_rows(opt) : 0);
  std::vector<result> results;
  bench_cpu(opt, cores, peak, results);
  if (gpu) bench_gpu(opt, device, peak, results);

  const bool all_correct = std::all_of(results.begin(), results.end(), [](const result& r) { return r.correct; });
  if (!all_correct) std::printf("\nSome results were WRONG (see the check column): their times mean nothing.\n");

  if (!opt.json_path.empty()) {
    auto machine = bench::machine_record(host, device, gpu);
    // Peaks for the roofline: measured on the CPU, from the device's clock and published rates on the GPU.
    const auto positive = [](double x) { return x > 0 ? ws::json::value(x) : ws::json::value(); };
    machine.set("cpu_peak_gflops_1thread", positive(peak.cpu_1));
    machine.set("cpu_peak_gflops", positive(peak.cpu_all));
    machine.set("gpu_peak_gflops_fp32", positive(peak.gpu_fp32));
    machine.set("gpu_peak_gflops_tensor", positive(peak.gpu_tensor));
    machine.set("gpu_bandwidth_gbs", positive(peak.gpu_bandwidth));
    auto records = ws::json::value::array();
    for (const result& r : results) records.push_back(to_json(r));
    bench::write_results(opt.json_path, std::move(machine), std::move(records));
    std::printf("\nWrote %s (%zu records)\n", opt.json_path.c_str(), results.size());
  }
  return all_correct ? 0 : 1;
}
