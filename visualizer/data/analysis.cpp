/// @file analysis.cpp
/// @brief Series names, speedups, % of peak and arithmetic intensity from results records (see analysis.hpp).
#include "data/analysis.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

namespace ws_viz {

namespace {

/// Lab 02's CPU versions. A GPU version with one of these names (lab 03's "naive") gets " (GPU)" in its series
/// name, so the two naive versions stay two lines on a chart.
constexpr std::array<std::string_view, 5> cpu_version_names = {"naive", "ikj", "blocked", "packed", "parallel"};

/// How a yardstick library writes its own name.
std::string library_name(const std::string& implementation) {
  if (implementation == "openblas") return "OpenBLAS";
  if (implementation == "cublas") return "cuBLAS";
  if (implementation == "cudnn") return "cuDNN";
  return implementation;
}

bool same_problem(const record& a, const record& b) {
  return a.workload == b.workload && a.m == b.m && a.n == b.n && a.k == b.k;
}

/// The version without a "+copies" suffix: the copies change the time, not the algorithm's traffic per FLOP.
std::string_view algorithm_of(const record& r) {
  std::string_view v = r.version;
  if (v.ends_with("+copies")) v.remove_suffix(7);
  return v;
}

/// Bytes of one input element.
double input_bytes(const record& r) { return r.dtype == "f16" || r.dtype == "bf16" ? 2.0 : 4.0; }

/// A block that computes a bm x bn tile of C, walking along k, reads (bm + bn) input elements per step of k for
/// bm * bn multiply-adds: 2 bm bn / (bytes (bm + bn)) FLOP per byte. For bm = bn = T, f32: T / 4.
double block_tile_intensity(double bm, double bn, double bytes) { return 2.0 * bm * bn / (bytes * (bm + bn)); }

}  // namespace

bool is_gpu(const record& r) { return r.backend == "cuda" || r.backend == "cudacpu"; }

bool is_yardstick(const record& r) { return r.implementation != "ours"; }

std::string series_name(const record& r) {
  std::vector<std::string> notes;
  std::string name = is_yardstick(r) ? library_name(r.implementation) + " " + r.version : r.version;
  if (is_gpu(r) && !is_yardstick(r) &&
      std::find(cpu_version_names.begin(), cpu_version_names.end(), r.version) != cpu_version_names.end()) {
    notes.emplace_back("GPU");
  }
  if (r.dtype != "f32" && !r.dtype.empty()) notes.push_back(r.dtype);
  // CPU threads: always said for a library (OpenBLAS runs on 1 and on all), for ours only when more than one.
  if (!is_gpu(r) && (is_yardstick(r) || r.threads > 1)) {
    notes.push_back(std::to_string(r.threads) + (r.threads == 1 ? " thread" : " threads"));
  }
  for (std::size_t i = 0; i < notes.size(); ++i) name += (i == 0 ? " (" : ", ") + notes[i];
  if (!notes.empty()) name += ")";
  return name;
}

std::vector<std::string> workloads(const results_file& f) {
  std::vector<std::string> out;
  for (const record& r : f.records) {
    if (std::find(out.begin(), out.end(), r.workload) == out.end()) out.push_back(r.workload);
  }
  return out;
}

std::vector<long long> sizes(const results_file& f, const std::string& workload) {
  std::vector<long long> out;
  for (const record& r : f.records) {
    if (r.workload == workload) out.push_back(r.m);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> series(const results_file& f, const std::string& workload) {
  std::vector<std::string> out;
  // Four passes in display order; within each, the order the file has them.
  for (const bool gpu : {false, true}) {
    for (const bool yardstick : {false, true}) {
      for (const record& r : f.records) {
        if (r.workload != workload || is_gpu(r) != gpu || is_yardstick(r) != yardstick) continue;
        std::string name = series_name(r);
        if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
      }
    }
  }
  return out;
}

const record* find(const results_file& f, const std::string& workload, const std::string& name, long long m) {
  for (const record& r : f.records) {
    if (r.workload == workload && r.m == m && series_name(r) == name) return &r;
  }
  return nullptr;
}

std::optional<double> speedup_vs_cpu_naive(const results_file& f, const record& r) {
  for (const record& base : f.records) {
    if (same_problem(base, r) && base.backend == "cpu" && !is_yardstick(base) && base.version == "naive" &&
        base.threads == 1 && base.dtype == "f32") {
      if (base.median_ms <= 0 || r.median_ms <= 0) return std::nullopt;
      return base.median_ms / r.median_ms;
    }
  }
  return std::nullopt;
}

std::optional<double> peak_gflops(const machine_info& m, const record& r) {
  std::optional<double> peak;
  if (r.backend == "cpu") {
    peak = r.threads == 1 ? m.cpu_peak_gflops_1thread : m.cpu_peak_gflops;
  } else if (r.backend == "cuda") {
    peak = r.dtype == "f16" || r.dtype == "bf16" ? m.gpu_peak_gflops_tensor : m.gpu_peak_gflops_fp32;
  }  // cudacpu: its "GPU" is the CPU running fibers; no peak describes it
  if (peak && *peak <= 0) return std::nullopt;
  return peak;
}

std::optional<double> percent_of_peak(const machine_info& m, const record& r) {
  const std::optional<double> peak = peak_gflops(m, r);
  if (!peak) return std::nullopt;
  return 100.0 * r.gflops / *peak;
}

// Arithmetic intensity, case by case. The model counts the input elements each version's loop nest reads from
// memory (caches and shared memory as the version arranges them), and 2 FLOP per multiply-add; the output's
// write is left out except in the ideal. No version can beat the ideal (each input read once, C written once), so
// every value is capped at it: small problems are compulsory-traffic bound whatever the tiling.
//
//   saxpy                              2 FLOP per 12 bytes (read x and y, write y)
//   CPU naive, GPU naive and coalesced 2k input floats per output of 2k FLOP: 0.25
//   CPU ikj                            each multiply-add reads B and reads and writes C (A stays in a register): 1/6
//   CPU blocked                        B once; A once per 512-column block of C; C read and written once per
//                                      128-deep block of k (solutions/02_matmul_cpu: block_n, block_k)
//   CPU packed, parallel               the ideal (packing keeps the working set in cache)
//   GPU tiled                          TILE = 32 x 32 tiles: T / 4 = 8
//   GPU regblock_1d                    64 x 64 block tiles (solutions/04_matmul_fast): 16
//   GPU regblock_2d, vectorized,       128 x 128 block tiles: 32 in f32; wmma reads 2-byte inputs: 64
//       warptiled, double_buffered, wmma
//   libraries, unknown versions        the ideal 2mnk / (in_bytes (mk + kn) + 4 mn); f32: 2mnk / (4(mk + kn + mn))
//
// Register blocking (lab 04) does not change DRAM traffic: it cuts shared-memory loads, which the roofline's
// DRAM axis does not show; the block tile does.
double arithmetic_intensity(const record& r) {
  if (r.workload == "saxpy") return 2.0 / 12.0;
  if (r.m <= 0 || r.n <= 0 || r.k <= 0) return 0.0;
  const auto m = static_cast<double>(r.m), n = static_cast<double>(r.n), k = static_cast<double>(r.k);
  const double bytes = input_bytes(r);
  const double ideal = 2.0 * m * n * k / (bytes * (m * k + k * n) + 4.0 * m * n);
  if (is_yardstick(r)) return ideal;

  const std::string_view v = algorithm_of(r);
  double model = ideal;
  if (r.backend == "cpu") {
    if (v == "naive") {
      model = 0.25;
    } else if (v == "ikj") {
      model = 2.0 / 12.0;
    } else if (v == "blocked") {
      constexpr double block_n = 512, block_k = 128;
      const double floats = k * n + m * k * std::ceil(n / block_n) + 2.0 * m * n * std::ceil(k / block_k);
      model = 2.0 * m * n * k / (4.0 * floats);
    }
  } else {
    if (v == "naive" || v == "coalesced") {
      model = 0.25;
    } else if (v == "tiled") {
      model = block_tile_intensity(32, 32, bytes);
    } else if (v == "regblock_1d") {
      model = block_tile_intensity(64, 64, bytes);
    } else if (v == "regblock_2d" || v == "vectorized" || v == "warptiled" || v == "double_buffered" ||
               v == "wmma") {
      model = block_tile_intensity(128, 128, bytes);
    }
  }
  return std::min(model, ideal);
}

}  // namespace ws_viz
