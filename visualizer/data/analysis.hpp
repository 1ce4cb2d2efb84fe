/// @file analysis.hpp
/// @brief What the panels show, computed from records: series names, sizes, speedups, roofs, % of a roof, and where
/// a record sits on the roofline.
///
/// Everything here is driven by the records and the machine record (docs/bench_results.md, schema v2): no
/// workload's or version's name appears in this layer. Intensity is the record's own flops / bytes (the bench
/// computes both next to the kernel); roofs are the machine's measured bandwidths and peaks. Data only (no ImGui);
/// every function is pure and unit-tested (tests/visualizer/).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "results.hpp"

namespace ws_viz {

/// The label of a point that rises above its measured memory roof: the compulsory-traffic model counts each input
/// read once from memory, so only caches (data reused from a cache instead of memory) can put a point there.
inline constexpr const char* beats_model_label = "beats the model: caches";

/// How far above a roof a point must be to count as above it: the roof and the point are both measurements (the
/// bench's bandwidth loop and the version's own run, a few percent apart from run to run), so a version that reads
/// at the measured bandwidth (a well-made sum at 100%, 101%) is "at the roof", not "beating the model".
inline constexpr double roof_noise = 0.05;

/// True for records that ran on a GPU or on the CPU backend standing in for one (backend "cuda" or "cudacpu").
bool is_gpu(const record& r);

/// A library yardstick rather than the course's code (implementation other than "yours" and "reference").
bool is_yardstick(const record& r);

/// How a library writes its own name: "openblas" -> "OpenBLAS", "cublas" -> "cuBLAS", "cub" -> "CUB"; unknown
/// names as they are.
std::string library_name(const std::string& implementation);

/// A record's legend name with optional marks: the version (a library's as "OpenBLAS sgemm"), then in brackets
/// "GPU" when @p mark_gpu, "yours" for the learner's code, "reference" when @p mark_reference, a dtype other than
/// f32, and the CPU threads (always for a library, for the course's code when more than one): "naive",
/// "tiled (yours)", "parallel (2 threads)", "OpenBLAS sgemm (1 thread)", "cuBLAS gemmex (bf16)".
std::string series_name_with(const record& r, bool mark_gpu, bool mark_reference);

/// series_name_with(r, false, false).
std::string base_series_name(const record& r);

/// The legend name of a record's series: record::series as name_series set it, else base_series_name.
std::string series_name(const record& r);

/// The name that identifies a record's series across files: record::series_key as name_series set it, else
/// base_series_name (the reference's series is "naive" whether or not a file also has the learner's).
std::string series_key(const record& r);

/// The series keys of a workload, in the order of series().
std::vector<std::string> series_keys(const results_file& f, const std::string& workload);

/// The record whose series_key is @p key at shape @p size (nullptr when there is none).
const record* find_by_key(const results_file& f, const std::string& workload, const std::string& key,
                          const shape_t& size);

/// The workloads present in a file, in first-seen order.
std::vector<std::string> workloads(const results_file& f);

/// Product of a shape's dimensions (its "volume", for ordering sizes).
double shape_volume(const shape_t& s);

/// A shape as a label: one power-of-two dimension from 2^10 as "n=2^26", one other as "n=1000"; several as
/// "512x512x512", "4096x1000" (in the record's order). Empty shape: "-".
std::string shape_label(const shape_t& s);

/// The problem sizes of a workload, ascending by volume (then by label), each once.
std::vector<shape_t> sizes(const results_file& f, const std::string& workload);

/// A number for a size on a chart's x axis: the dimension itself when all dimensions are equal (a square matmul's
/// N, a vector's n), else the product (elements of a rows x cols problem).
double size_coordinate(const shape_t& s);

/// The x axis's name for @p shapes: "n", "m = n = k" (all dimensions equal), "rows x cols".
std::string size_axis_name(const std::vector<shape_t>& shapes);

/// The series of a workload in display order: CPU course code (file order), CPU libraries, GPU course code, GPU
/// libraries.
std::vector<std::string> series(const results_file& f, const std::string& workload);

/// The record of series @p name at shape @p size (nullptr when there is none).
const record* find(const results_file& f, const std::string& workload, const std::string& name, const shape_t& size);

/// The series speedups are measured against: the first timed single-thread CPU record of the course's code of
/// @p workload in file order (whatever its version is called); without one, the first timed single-thread CPU
/// library record (e.g. std::inclusive_scan for a GPU-only lab). Empty when the file has neither.
std::optional<std::string> baseline_series(const results_file& f, const std::string& workload);

/// Speedup of @p r over the baseline series at the same shape: baseline_ms / r.median_ms. Empty when @p r is not
/// timed or the baseline has no timed record at that shape.
std::optional<double> speedup(const results_file& f, const record& r);

/// The compute roof @p r is measured against: CPU records cpu_peak_gflops_1thread (1 thread) or cpu_peak_gflops;
/// GPU records gpu_peak_gflops_tensor for f16/bf16, else gpu_peak_gflops_fp32. Empty when the machine record lacks
/// it, and for cudacpu records (their "GPU" is the CPU).
std::optional<double> peak_gflops(const machine_info& m, const record& r);

/// 100 * r.gflops / peak, when the peak is known.
std::optional<double> percent_of_peak(const machine_info& m, const record& r);

/// The memory roof of a record's side: a bandwidth and where it comes from, or why there is none.
struct memory_roof {
  std::optional<double> gbs;   ///< GB/s; empty: no roof (see missing)
  bool theoretical = false;    ///< from gpu_bandwidth_gbs (no measured GPU bandwidth in the file)
  std::string name;            ///< "CPU memory, all threads", "CPU memory, 1 thread", "GPU memory"
  std::string missing;         ///< why there is no roof, e.g. "no measured cpu_bandwidth_gbs_1thread in this file"
};

/// CPU records: the measured cpu_bandwidth_gbs (more than one thread) or cpu_bandwidth_gbs_1thread (one thread).
/// GPU records: gpu_bandwidth_measured_gbs, else the theoretical gpu_bandwidth_gbs marked theoretical. cudacpu
/// records: none. Never an assumed value: without the field there is no roof, and `missing` says so.
memory_roof memory_roof_for(const machine_info& m, const record& r);

/// FLOP per byte of compulsory memory traffic: r.flops / r.bytes; 0 when either is unknown (0).
double intensity(const record& r);

/// What limits a record on its roofline.
enum class bound { memory, compute, unknown };

/// Memory-bound when the record's intensity is below its roofline's ridge (peak / bandwidth), else compute-bound.
/// Without both roofs the ridge is unknown: an intensity below 1 FLOP/byte then counts as memory-bound (every
/// current CPU's and GPU's ridge lies above 1), anything else as unknown. Untimed or intensity 0: unknown.
bound bound_of(const machine_info& m, const record& r);

/// The rate a workload's dashboard leads with.
enum class metric { gbps, gflops };

/// GB/s when most of the workload's timed records with a known bound are memory-bound (or none does any FLOP),
/// else GFLOP/s.
metric headline_metric(const results_file& f, const std::string& workload);

/// The record's rate in @p k: r.gbps or r.gflops.
double rate(const record& r, metric k);

/// 100 * rate / roof for the headline: GB/s against the memory roof, GFLOP/s against the compute peak.
std::optional<double> percent_of_roof(const machine_info& m, const record& r, metric k);

/// Where a record sits on the roofline: x its intensity, y its GFLOP/s, and the roof over it.
struct roofline_point {
  double x = 0, y = 0;
  std::optional<double> roof_y;  ///< min(peak, bandwidth * x) with the roofs known (one alone when only one is)
  bool above_memory_roof = false;  ///< r.gbps > bandwidth * (1 + roof_noise): labelled beats_model_label
  bool above_peak = false;         ///< y > the compute peak * (1 + roof_noise) (a measurement problem, said so)
};

/// The record's place (untimed records and intensity 0 give x = 0 or y = 0: nothing to draw on log axes).
roofline_point roofline_place(const machine_info& m, const record& r);

}  // namespace ws_viz
