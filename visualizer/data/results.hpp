/// @file results.hpp
/// @brief Benchmark results files (`warpspeed-bench-1`, docs/bench_results.md) as the visualizer reads them.
///
/// Data only: no ImGui here (compute and data code never link ImGui). A file that cannot be used gives one readable
/// line naming the file and what is wrong, never an exception escaping to the UI or a crash.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ws_viz {

/// The `machine` object of a results file. Optional fields are empty when the file has null or leaves them out.
struct machine_info {
  std::string cpu_model;
  int cores = 0;
  std::optional<std::string> gpu_name;  ///< empty without a GPU
  std::string backend;                  ///< "cuda", "cudacpu" or "cpu"
  std::string git_commit;
  std::string date;
  std::optional<double> cpu_peak_gflops_1thread;
  std::optional<double> cpu_peak_gflops;
  std::optional<double> gpu_peak_gflops_fp32;
  std::optional<double> gpu_peak_gflops_tensor;
  std::optional<double> gpu_bandwidth_gbs;
};

/// One entry of `results`.
struct record {
  std::string workload;        ///< "matmul", "saxpy", ...
  std::string version;         ///< "naive", "packed", "tiled", "sgemm", "gemmex", ...
  std::string backend;         ///< "cpu", "cuda" or "cudacpu"
  std::string implementation;  ///< "ours", "openblas", "cublas", "cudnn"
  long long m = 0, n = 0, k = 0;
  int threads = 1;
  std::string dtype;           ///< "f32", "f16", "bf16"
  int repeats = 0;
  double median_ms = 0, min_ms = 0, max_ms = 0;
  double gflops = 0;
  bool correct = false;
};

/// A loaded file.
struct results_file {
  std::filesystem::path path;
  std::string label;  ///< short name for legends: GPU name or CPU model, and the file name
  machine_info machine;
  std::vector<record> records;
};

/// What loading gave: a file, or why not.
struct load_result {
  std::optional<results_file> file;
  std::string error;  ///< "" when file is set; else e.g. "bench/x.json: not JSON (line 3: unexpected '}')" or
                      ///< "bench/x.json: record 3 has no \"median_ms\"" (records counted from 1)
};

/// Loads one results file. Never throws: every problem (missing, unreadable, not JSON, wrong schema, a record with
/// a missing or mistyped field) becomes `error`.
load_result load_results(const std::filesystem::path& path);

/// Parses one record from its JSON text (a `results` entry on one line, as `--stream` prints after `WS-RECORD`).
/// Never throws. On a problem returns empty and sets @p error to e.g. `no "median_ms"` (no file name or index:
/// the caller adds them).
std::optional<record> parse_record(const std::string& json_text, std::string& error);

/// The `.json` files of @p folder, newest (modification time) first; empty when the folder does not exist.
std::vector<std::filesystem::path> results_in(const std::filesystem::path& folder);

}  // namespace ws_viz
