/// @file results.hpp
/// @brief Benchmark results files as the visualizer reads them: schema `warpspeed-bench-2` and the older
/// `warpspeed-bench-1` (docs/bench_results.md), both into one form, so every panel reads v2 fields only.
///
/// The v1 conversion happens here, once: a v1 record gets a shape ({"m","n","k"} for matmul, {"n": m} for a vector
/// workload), its FLOP and compulsory bytes from the workload's formula (v1_flops_and_bytes), gbps from those, status
/// "ok", and implementation "ours" becomes "reference" (v1 files were written from solutions/).
///
/// Data only: no ImGui here (compute and data code never link ImGui). A file that cannot be used gives one readable
/// line naming the file and what is wrong, never an exception escaping to the UI or a crash.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
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
  std::optional<double> gpu_bandwidth_gbs;           ///< theoretical: 2 x memory clock x bus width
  std::optional<double> cpu_bandwidth_gbs;           ///< measured (v2): a large read on all threads
  std::optional<double> cpu_bandwidth_gbs_1thread;   ///< measured (v2): the same on one thread
  std::optional<double> gpu_bandwidth_measured_gbs;  ///< measured (v2): a device read kernel
};

/// A record's problem shape: its named dimensions in the file's order, e.g. {{"n", 67108864}} or
/// {{"m", 512}, {"n", 512}, {"k", 512}} or {{"rows", 4096}, {"cols", 1000}}.
using shape_t = std::vector<std::pair<std::string, long long>>;

/// One entry of `results`, in v2 form whatever the file's schema.
struct record {
  std::string workload;        ///< the `./course bench` workload: "matmul", "reduce", ...
  std::string version;         ///< the lab's version name, or a library routine's
  std::string backend;         ///< "cpu", "cuda" or "cudacpu"
  std::string implementation;  ///< "yours", "reference", or a library: "openblas", "cublas", "cub", ...
  long long m = 0, n = 0, k = 0;  ///< the v1 size fields (kept; the panels use shape)
  shape_t shape;               ///< named dimensions (v1: derived from m, n, k)
  int threads = 1;
  std::string dtype;           ///< "f32", "f16", "bf16"
  int repeats = 0;
  double median_ms = 0, min_ms = 0, max_ms = 0;
  double gflops = 0;
  bool correct = false;
  double flops = 0;            ///< useful FLOP per run
  double bytes = 0;            ///< compulsory memory traffic per run (each input read once, each output written once)
  double gbps = 0;             ///< bytes / median time
  std::string status = "ok";   ///< "ok", "wrong" (failed the check, not timed), "starter" (lab not done, not timed)
  std::string series;          ///< the legend name, set by name_series (empty: analysis::series_name computes it)
  std::string series_key;      ///< the same name without the "reference" mark, for matching across files

  /// True when the record has a time: status "ok". Untimed records are shown as rows, never as bars of zero.
  [[nodiscard]] bool timed() const { return status == "ok"; }
};

/// The v1 conversion's model of a v1 record's work, documented in one place: matmul 2mnk FLOP and
/// in(mk + kn) + 4mn bytes (in = 4 for f32, 2 for f16/bf16 inputs; f32 output); saxpy 2n FLOP and 12n bytes (read
/// x and y, write y); vector_add n FLOP and 12n bytes (read a and b, write c), n being the v1 `m`. For any other
/// workload the FLOP come from gflops x median time and the bytes stay 0 (unknown: no intensity).
void v1_flops_and_bytes(record& r);

/// A loaded file.
struct results_file {
  std::filesystem::path path;
  std::string label;  ///< short name for legends: GPU name or CPU model, and the file name
  int schema = 2;     ///< 1 or 2: the file's schema version (v1 files are converted on load)
  machine_info machine;
  std::vector<record> records;
};

/// What loading gave: a file, or why not.
struct load_result {
  std::optional<results_file> file;
  std::string error;  ///< "" when file is set; else e.g. "bench/x.json: not JSON (line 3: unexpected '}')" or
                      ///< "bench/x.json: record 3 has no \"median_ms\"" (records counted from 1)
};

/// Sets each record's `series` (its legend name, analysis::series_name_with), marking "GPU" on a GPU series whose
/// name a CPU series of the same workload also has (so the two stay two lines) and "reference" on the reference's
/// series when the file also has the learner's ("yours"); `series_key` is the name without the reference mark, the
/// same in every file. load_results calls it; call it again after adding records by hand.
void name_series(results_file& f);

/// Loads one results file (schema 1 or 2). Never throws: every problem (missing, unreadable, not JSON, wrong schema, a record with
/// a missing or mistyped field) becomes `error`.
load_result load_results(const std::filesystem::path& path);

/// Parses one record from its JSON text (a `results` entry on one line, as `--stream` prints after `WS-RECORD`),
/// v2 when it has a "shape" or "bytes", else v1 (converted as load_results does).
/// Never throws. On a problem returns empty and sets @p error to e.g. `no "median_ms"` (no file name or index:
/// the caller adds them).
std::optional<record> parse_record(const std::string& json_text, std::string& error);

/// The `.json` files of @p folder, newest (modification time) first; empty when the folder does not exist.
std::vector<std::filesystem::path> results_in(const std::filesystem::path& folder);

}  // namespace ws_viz
