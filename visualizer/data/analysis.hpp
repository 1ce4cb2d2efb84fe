/// @file analysis.hpp
/// @brief What the panels show, computed from records: series names, speedups, % of peak, arithmetic intensity.
///
/// Data only (no ImGui). Every function is pure and unit-tested (tests/visualizer/).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "results.hpp"

namespace ws_viz {

/// True for records that ran on a GPU or on the CPU backend standing in for one (backend "cuda" or "cudacpu").
bool is_gpu(const record& r);

/// A library yardstick rather than a learner's version (implementation != "ours").
bool is_yardstick(const record& r);

/// The legend name of a record's series, the same for every size: "naive", "parallel (2 threads)",
/// "OpenBLAS sgemm (1 thread)", "OpenBLAS sgemm (2 threads)", "cuBLAS sgemm", "wmma (bf16)", "cuBLAS gemmex (bf16)".
std::string series_name(const record& r);

/// The workloads present in a file, in first-seen order.
std::vector<std::string> workloads(const results_file& f);

/// The problem sizes of a workload, ascending (m for square matmul; the vector length for saxpy).
std::vector<long long> sizes(const results_file& f, const std::string& workload);

/// The series of a workload in display order: CPU ours (file order), CPU yardsticks, GPU ours, GPU yardsticks.
std::vector<std::string> series(const results_file& f, const std::string& workload);

/// The record of `series_name` at size `m` (nullptr when there is none).
const record* find(const results_file& f, const std::string& workload, const std::string& series_name, long long m);

/// Speedup of @p r over the CPU naive version (single thread) of the same workload and size: naive_ms / r.median_ms.
/// Empty when the file has no such baseline.
std::optional<double> speedup_vs_cpu_naive(const results_file& f, const record& r);

/// The peak @p r is measured against: CPU records use cpu_peak_gflops_1thread (1 thread) or cpu_peak_gflops; GPU
/// records gpu_peak_gflops_tensor for f16/bf16, else gpu_peak_gflops_fp32. Empty when the machine record lacks it
/// (or for cudacpu records, whose "GPU" is the CPU).
std::optional<double> peak_gflops(const machine_info& m, const record& r);

/// 100 * r.gflops / peak, when the peak is known.
std::optional<double> percent_of_peak(const machine_info& m, const record& r);

/// Arithmetic intensity (FLOP per byte of DRAM traffic) the version's algorithm implies for its shape, for the
/// roofline: naive and coalesced matmul read 2k floats per output (2 FLOP per 8 bytes = 0.25); tiled with tile T
/// reads 2k/T per output (T/4); lab 04's versions by their block tile BM x BN, BM BN / (2(BM + BN)) (register
/// blocking saves shared-memory loads, not DRAM traffic); library and packed CPU versions, the ideal
/// 2mnk / (4(mk + kn + mn)); saxpy 2 FLOP per 12 bytes; every value capped at the ideal. Documented case by case
/// in the .cpp.
double arithmetic_intensity(const record& r);

}  // namespace ws_viz
