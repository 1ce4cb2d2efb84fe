/// @file
/// @brief The one harness behind every `./course bench` workload: options, the workload registry, checking and
/// timing each version, the machine record with measured peaks and bandwidths, and the results document (schema
/// `warpspeed-bench-2`, docs/bench_results.md).
///
/// A workload is one file, bench/workloads/<name>.cpp (or .cu when it calls a device library such as CUB). It
/// registers itself with WS_BENCH_WORKLOAD(...) and, when run, hands the harness each version it can time:
///
/// @code
/// session.measure({.name = "simd_omp", .lab = "05", .backend = "cpu", .threads = cores},
///                 check,            // once, on a small check shape, against a CPU reference: false = "wrong"
///                 shapes,           // each with its shape object, FLOP and compulsory bytes
///                 prepare);         // per shape: the timed call and the re-check after timing
/// @endcode
///
/// The harness decides the record's status: the learner's lab still the generated starter -> "starter"; the check
/// fails (or throws) -> "wrong"; otherwise it times the version (a warm-up, then the median of several runs; CUDA
/// events for device work, a steady clock for CPU work), re-checks the output, and records "ok".
///
/// Each program is built from one workload and one tree: `bench_<workload>_<tree>_<backend>`. The labs tree times the
/// learner's code (implementation "yours"); the solutions tree times the reference ("reference") and the library
/// yardsticks ("openblas", "cublas", "cub", "thrust"). tools/course/bench.sh runs both and merges them into one
/// document with `--append`.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <ws/json.hpp>

namespace bench {

/// Where this build's "GPU" records run: a real GPU (`cuda`) or the CPU backend (`cudacpu`).
#if WS_BACKEND_CUDACPU
inline constexpr std::string_view gpu_backend = "cudacpu";
#else
inline constexpr std::string_view gpu_backend = "cuda";
#endif

/// The tree this program was built from: "labs" (the learner's code) or "solutions" (the reference).
#if WS_BENCH_TREE_LABS
inline constexpr std::string_view tree = "labs";
#else
inline constexpr std::string_view tree = "solutions";
#endif

/// The command line every bench program takes (usage() lists it).
struct options {
  std::string json_path;         ///< --json FILE: write the document there
  std::string append_path;       ///< --append FILE: add this run's records to FILE's document (machine kept)
  bool cpu_only = false;         ///< --cpu-only: only the CPU versions and their yardsticks
  bool stream = false;           ///< --stream: WS-PROGRESS / WS-RECORD lines on stdout
  bool quick = false;            ///< --quick: small shapes, few repeats (tests, a first look)
  std::int64_t max_size = 0;     ///< --max-size N (matmul: --max-n N): no shape's main dimension above N; 0 = none
  std::set<std::string> starter_labs;  ///< --starter-labs 01,03: labs whose labs/ files are the pristine starter
  bool count_rows = false;       ///< --count-rows: print how many rows this run would go through, and exit
  int progress_base = 0;         ///< --progress-base B: rows done by earlier programs of the same run (--stream)
  int progress_total = 0;        ///< --progress-total T: rows of the whole run (--stream); 0 = this program's own
  bool probe_device = false;     ///< --probe-device: exit 0 when a usable CUDA device answers, else 77
};

/// One problem size: its named dimensions and the work a run of it does.
struct shape {
  std::string label;             ///< for the table, e.g. "2^24" or "4096x1000"
  ws::json::value dims = ws::json::value::object();  ///< the record's "shape", e.g. {"n": 16777216}
  std::int64_t m = 1, n = 1, k = 1;  ///< the v1 fields (a vector workload puts its length in m)
  double flops = 0;              ///< useful floating-point operations per run
  double bytes = 0;              ///< compulsory memory traffic per run: each input read once, each output written once
  std::int64_t size = 0;         ///< the main dimension --max-size compares with (0: never dropped)
};

/// One version to time: whose code it is and where it runs.
struct version {
  std::string name;              ///< the record's "version" (a lab's version name, or a library routine)
  std::string lab;               ///< "01" ... "05": the lab whose code this is; empty for a library yardstick
  std::string library;           ///< empty: this tree's code ("yours" or "reference"); else e.g. "openblas", "cub"
  std::string backend = "cpu";   ///< "cpu", or bench::gpu_backend for device code
  int threads = 1;               ///< CPU threads used (1 for device records)
  std::string dtype = "f32";     ///< input type
  /// Records are skipped at a shape whose predicted time (the last one scaled by the work) is above this, in ms.
  double max_predicted_ms = 6000;
};

/// What a workload hands the harness for one (version, shape): the call to time and the check after timing.
struct trial {
  std::function<void()> run;     ///< the timed work; device work is queued on the default stream
  std::function<bool()> verify;  ///< true when the output of the last run is right
};

/// The machine's measured and published peaks (0: unknown), for the table's "% of roof" column.
struct peaks {
  double cpu_gflops_1 = 0, cpu_gflops_all = 0;   ///< FMA loop, 1 thread and all
  double cpu_gbs_1 = 0, cpu_gbs_all = 0;         ///< STREAM-like read, 1 thread and all
  double gpu_gflops_fp32 = 0, gpu_gflops_tensor = 0;  ///< from the device's clock and published rates
  double gpu_gbs = 0;                            ///< theoretical (memory clock x bus width)
  double gpu_gbs_measured = 0;                   ///< a device read kernel
};

class session;

/// What limits a workload: the "% roof" column divides by the measured bandwidth or by the FLOP peak.
enum class roof { bandwidth, compute };

/// One `./course bench` workload, as registered by its file in bench/workloads/.
struct workload {
  std::string name;                     ///< e.g. "reduce"
  std::string brief;                    ///< one line for `./course bench` without a name
  roof limit = roof::bandwidth;         ///< which roof the table compares with
  std::function<void(session&)> run;    ///< calls session::measure for every version it has
};

/// Adds @p w to the registry (at static initialisation, through WS_BENCH_WORKLOAD); returns true.
bool register_workload(workload w);

/// The registered workloads, in registration order.
const std::vector<workload>& workloads();

/// One run of one workload: holds the options, the peaks, the progress and the records.
class session {
 public:
  session(options opt, peaks pk, int cores, const workload& w);

  /// Checks @p v once with @p check (on a small shape, against a CPU reference), then times it at each of @p shapes
  /// (those --max-size keeps) with @p prepare, printing a table row and (with --stream) a record line for each.
  /// A starter lab or a failed check gives untimed records instead; a library or the reference being wrong is
  /// reported the same way. Never throws for the version's own failures: an exception counts as a wrong result.
  void measure(const version& v, const std::function<bool()>& check, const std::vector<shape>& shapes,
               const std::function<trial(const shape&)>& prepare);

  /// Prints a heading for the rows that follow (e.g. "CPU" or "GPU").
  void heading(const std::string& text);

  /// Prints a note under the table (e.g. why a group of rows is missing).
  void note(const std::string& text);

  /// The command line of this run.
  [[nodiscard]] const options& opts() const { return opt_; }
  /// The machine's peaks: measured by this run, or read from the document it appends to.
  [[nodiscard]] const peaks& machine_peaks() const { return peaks_; }
  /// Hardware threads: what "all threads" means for a CPU version.
  [[nodiscard]] int cores() const { return cores_; }
  /// Whether device versions run (not --cpu-only).
  [[nodiscard]] bool gpu() const { return !opt_.cpu_only; }
  /// Whether device versions run on a real GPU (not the CPU backend).
  [[nodiscard]] bool real_gpu() const { return gpu() && gpu_backend == "cuda"; }
  /// Whether this is the --count-rows pass (measure() only counts).
  [[nodiscard]] bool counting() const { return opt_.count_rows; }
  /// Rows gone through so far (skipped and untimed ones too).
  [[nodiscard]] int rows() const { return rows_; }
  /// The records so far, each a `results` entry.
  [[nodiscard]] const std::vector<ws::json::value>& records() const { return records_; }
  /// Whether no record so far has status "wrong" (the program's exit status: 0 or 1).
  [[nodiscard]] bool all_ok() const { return all_ok_; }

  /// Keeps only the shapes whose size fits --max-size.
  [[nodiscard]] std::vector<shape> within_max(std::vector<shape> shapes) const;

 private:
  void add_record(const version& v, const shape& s, const char* status, double median_ms, double min_ms,
                  double max_ms, std::size_t repeats, bool correct);
  void progress(const std::string& what);
  [[nodiscard]] double roof_for(const version& v) const;

  options opt_;
  peaks peaks_;
  int cores_;
  const workload& workload_;
  std::vector<ws::json::value> records_;
  int rows_ = 0;
  bool all_ok_ = true;
  bool tty_ = false;
};

/// A vector of @p n elements: shape {"n": n}, v1 m = n, label "2^k" when n is a power of two.
/// @param n the length.
/// @param flops useful FLOPs per run.
/// @param bytes compulsory bytes per run.
shape vector_shape(std::int64_t n, double flops, double bytes);

/// "2^24" for a power of two of at least 1024, else the number.
/// @param n the size to name.
std::string size_label(std::int64_t n);

}  // namespace bench

#define WS_BENCH_CONCAT_(a, b) a##b
#define WS_BENCH_CONCAT(a, b) WS_BENCH_CONCAT_(a, b)
/// Registers a workload from its file: `WS_BENCH_WORKLOAD({.name = "reduce", .brief = "...", .run = run});`
#define WS_BENCH_WORKLOAD(...) \
  [[maybe_unused]] static const bool WS_BENCH_CONCAT(ws_bench_registered_, __LINE__) = \
      ::bench::register_workload(::bench::workload __VA_ARGS__)
