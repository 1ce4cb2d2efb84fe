/// @file data.tests.cpp
/// @brief Tests of the visualizer's data layer (ws_viz_data): loading results files (schema v2, and v1 converted)
/// and their errors, the analysis the panels show (roofs, the roofline's invariant, speedups), the explorer's
/// execution models (lab 03's tiles, lab 05's reduction tree), and the benchmark runner on fake benchmarks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "data/analysis.hpp"
#include "data/bench_runner.hpp"
#include "data/execution_model.hpp"
#include "data/results.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

const fs::path source_dir = WS_SOURCE_DIR;
const fs::path fixtures = source_dir / "tests/visualizer/fixtures";
const fs::path committed_cpu = source_dir / "bench/results/matmul-cpu-amd-epyc-zen4-2vcpu.json";
const fs::path handmade_gpu = fixtures / "gpu-h100-handmade.json";
const fs::path reduce_v2 = fixtures / "reduce-v2-handmade.json";

ws_viz::shape_t cube(long long n) { return {{"m", n}, {"n", n}, {"k", n}}; }

ws_viz::results_file load_or_fail(const fs::path& path) {
  ws_viz::load_result loaded = ws_viz::load_results(path);
  INFO(loaded.error);
  REQUIRE(loaded.file.has_value());
  REQUIRE(loaded.error.empty());
  return std::move(*loaded.file);
}

ws_viz::record matmul_record(const std::string& version, const std::string& backend, const std::string& impl,
                             long long size, const std::string& dtype = "f32", int threads = 1) {
  ws_viz::record r;
  r.workload = "matmul";
  r.version = version;
  r.backend = backend;
  r.implementation = impl;
  r.m = r.n = r.k = size;
  r.threads = threads;
  r.dtype = dtype;
  r.median_ms = 1.0;
  r.gflops = 2.0 * static_cast<double>(size * size * size) / 1e6;
  r.shape = cube(size);
  ws_viz::v1_flops_and_bytes(r);
  return r;
}

/// A folder for one test's files, removed afterwards.
struct scratch_dir {
  fs::path path;
  explicit scratch_dir(const std::string& name)
      : path(fs::temp_directory_path() / ("ws_viz_data_tests_" + std::to_string(getpid()) + "_" + name)) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~scratch_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return path / name;
  }
};

/// A fake benchmark: a /bin/sh script, run as {"/bin/sh", script}.
std::vector<std::string> shell(const fs::path& script) { return {"/bin/sh", script.string()}; }

const std::string naive_record_json =
    R"({"workload": "matmul", "version": "naive", "backend": "cpu", "implementation": "ours", "m": 256, "n": 256,)"
    R"( "k": 256, "threads": 1, "dtype": "f32", "repeats": 20, "median_ms": 14.0, "min_ms": 13.9, "max_ms": 14.5,)"
    R"( "gflops": 2.4, "correct": true})";

template <class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

/// A process that exists and is not a zombie (a zombie has finished; only its exit status is left).
bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return false;
  const auto paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] != 'Z';
}

pid_t read_pid(const fs::path& file) {
  std::ifstream in(file);
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Loading

TEST_CASE("the committed CPU results file loads with its machine, records and label", "[visualizer][data]") {
  const ws_viz::results_file f = load_or_fail(committed_cpu);
  CHECK(f.label == "AMD EPYC (matmul-cpu-amd-epyc-zen4-2vcpu)");
  CHECK(f.schema == 1);
  CHECK(f.machine.backend == "cpu");
  CHECK_FALSE(f.machine.cpu_bandwidth_gbs.has_value());  // v1: no measured bandwidth
  CHECK(f.machine.cores == 2);
  CHECK_FALSE(f.machine.gpu_name.has_value());
  CHECK_FALSE(f.machine.gpu_peak_gflops_fp32.has_value());
  REQUIRE(f.machine.cpu_peak_gflops_1thread.has_value());
  CHECK_THAT(*f.machine.cpu_peak_gflops_1thread, WithinRel(114.7010995384804, 1e-12));
  REQUIRE(f.records.size() == 27);  // 7 rows at 256, 512 and 1024; naive is skipped at 2048
  const ws_viz::record& first = f.records.front();
  CHECK(first.version == "sgemm");
  CHECK(first.implementation == "openblas");
  CHECK(first.m == 256);
  CHECK(first.repeats == 20);
  CHECK(first.correct);
  CHECK_THAT(first.median_ms, WithinRel(0.3347115, 1e-12));
}

TEST_CASE("a v1 record is converted once on load: shape, FLOP, compulsory bytes, GB/s, reference", "[visualizer][data]") {
  const ws_viz::results_file f = load_or_fail(committed_cpu);
  const ws_viz::record& naive = f.records[2];
  REQUIRE(naive.version == "naive");
  CHECK(naive.implementation == "reference");  // v1 "ours" was written from solutions/
  CHECK(naive.status == "ok");
  CHECK(naive.timed());
  CHECK(naive.shape == cube(256));
  CHECK(naive.flops == 2.0 * 256 * 256 * 256);
  CHECK(naive.bytes == 4.0 * 3 * 256 * 256);
  CHECK_THAT(naive.gbps, WithinRel(naive.bytes / (naive.median_ms * 1e-3) / 1e9, 1e-12));
  CHECK(f.records[0].implementation == "openblas");

  ws_viz::record saxpy;
  saxpy.workload = "saxpy";
  saxpy.m = 1 << 20;
  saxpy.n = saxpy.k = 1;
  saxpy.median_ms = 0.5;
  ws_viz::v1_flops_and_bytes(saxpy);
  CHECK(saxpy.flops == 2.0 * (1 << 20));
  CHECK(saxpy.bytes == 12.0 * (1 << 20));
  ws_viz::record add = saxpy;
  add.workload = "vector_add";
  ws_viz::v1_flops_and_bytes(add);
  CHECK(add.flops == 1.0 * (1 << 20));
  CHECK(add.bytes == 12.0 * (1 << 20));
  // A streamed v1 line converts the same way.
  std::string error;
  const auto streamed = ws_viz::parse_record(naive_record_json, error);
  REQUIRE(streamed.has_value());
  CHECK(streamed->implementation == "reference");
  CHECK(streamed->bytes == 4.0 * 3 * 256 * 256);
}

TEST_CASE("a v2 file loads with its measured bandwidths, shapes, and untimed records kept", "[visualizer][data]") {
  const ws_viz::results_file f = load_or_fail(reduce_v2);
  CHECK(f.schema == 2);
  CHECK(f.machine.cpu_bandwidth_gbs == 40.0);
  CHECK(f.machine.cpu_bandwidth_gbs_1thread == 20.0);
  CHECK(f.machine.gpu_bandwidth_measured_gbs == 3000.0);
  CHECK(ws_viz::workloads(f) == std::vector<std::string>{"reduce", "softmax"});
  REQUIRE(ws_viz::sizes(f, "reduce").size() == 2);
  CHECK(ws_viz::shape_label(ws_viz::sizes(f, "reduce")[1]) == "n=2^26");
  CHECK(ws_viz::shape_label(ws_viz::sizes(f, "softmax")[0]) == "4096x1000");  // the file's order, not sorted
  CHECK(ws_viz::shape_label(cube(512)) == "512x512x512");
  CHECK(ws_viz::shape_label({{"n", 1000}}) == "n=1000");
  CHECK(ws_viz::size_axis_name({cube(256)}) == "m = n = k");
  CHECK(ws_viz::size_axis_name(ws_viz::sizes(f, "softmax")) == "rows x cols");

  const ws_viz::shape_t big{{"n", 1LL << 26}};
  const ws_viz::record* starter = ws_viz::find(f, "reduce", "naive (yours)", big);
  REQUIRE(starter != nullptr);
  CHECK(starter->status == "starter");
  CHECK_FALSE(starter->timed());
  CHECK_FALSE(ws_viz::speedup(f, *starter).has_value());
  const ws_viz::record* wrong = ws_viz::find(f, "reduce", "warp_shuffle (yours)", big);
  REQUIRE(wrong != nullptr);
  CHECK(wrong->status == "wrong");
  CHECK_FALSE(ws_viz::percent_of_roof(f.machine, *wrong, ws_viz::metric::gbps).has_value());

  // Yours, the reference and the library side by side, named from their implementation.
  CHECK(ws_viz::series(f, "reduce") ==
        std::vector<std::string>{"naive (reference)", "naive (yours)", "pairwise (reference)",
                                 "simd_omp (reference, 2 threads)", "interleaved (reference)",
                                 "sequential (yours)", "sequential (reference)", "warp_shuffle (yours)",
                                 "CUB DeviceReduce::Sum"});

  // Across files a series is matched by its key, which has no "reference" mark: a v1 file's "naive" is the same
  // series as this file's "naive (reference)".
  CHECK(ws_viz::series_key(*ws_viz::find(f, "reduce", "naive (reference)", big)) == "naive");
  CHECK(ws_viz::series_key(*ws_viz::find(f, "reduce", "naive (yours)", big)) == "naive (yours)");
  CHECK(ws_viz::find_by_key(f, "reduce", "naive", big) == ws_viz::find(f, "reduce", "naive (reference)", big));
  CHECK(ws_viz::series_keys(f, "reduce").front() == "naive");

  // A bad status and a v2 record without a shape are named.
  scratch_dir dir("v2bad");
  std::string line = R"({"workload": "reduce", "version": "x", "backend": "cpu", "implementation": "yours",)"
                     R"( "threads": 1, "dtype": "f32", "repeats": 0, "median_ms": 0, "min_ms": 0, "max_ms": 0,)"
                     R"( "gflops": 0, "correct": false, "flops": 1, "bytes": 4, "gbps": 0, "status": "done"})";
  const fs::path bad = dir.write("bad.json", R"({"schema": "warpspeed-bench-2", "machine": {}, "results": [)" + line +
                                                 "]}");
  CHECK(ws_viz::load_results(bad).error == bad.string() + ": record 1: \"status\" is 'done', expected ok, wrong or starter");
  line.replace(line.find("\"done\""), 6, "\"ok\"");
  const fs::path no_shape = dir.write("no_shape.json", R"({"schema": "warpspeed-bench-2", "machine": {}, "results": [)" +
                                                           line + "]}");
  CHECK(ws_viz::load_results(no_shape).error == no_shape.string() + ": record 1 has no \"shape\"");
}

TEST_CASE("the hand-made GPU fixture loads with the GPU's name in its label", "[visualizer][data]") {
  const ws_viz::results_file f = load_or_fail(handmade_gpu);
  CHECK(f.label == "Fixture GPU (not measured) (gpu-h100-handmade)");
  CHECK(f.machine.backend == "cuda");
  CHECK(f.machine.gpu_name == "Fixture GPU (not measured)");
  CHECK(f.records.size() == 45);  // (7 CPU + 8 GPU rows) x 3 sizes
  CHECK(ws_viz::workloads(f) == std::vector<std::string>{"matmul"});
  CHECK(ws_viz::sizes(f, "matmul") == std::vector<ws_viz::shape_t>{cube(256), cube(512), cube(1024)});
}

TEST_CASE("each malformed file gives one line naming the file and the problem", "[visualizer][data]") {
  struct bad_case {
    fs::path path;
    std::string expected_start;
  };
  const fs::path not_json = fixtures / "malformed-not-json.json";
  const fs::path wrong_schema = fixtures / "malformed-wrong-schema.json";
  const fs::path bad_record = fixtures / "malformed-bad-record.json";
  const fs::path missing = fixtures / "no-such-results.json";
  const bad_case c = GENERATE_COPY(
      bad_case{not_json, not_json.string() + ": not JSON (line 4"},
      bad_case{wrong_schema, wrong_schema.string() +
                                 ": schema is 'warpspeed-bench-0', expected warpspeed-bench-2 or warpspeed-bench-1"},
      bad_case{bad_record, bad_record.string() + ": record 3 has no \"median_ms\""},
      bad_case{missing, missing.string() + ": no such file"},
      bad_case{fixtures, fixtures.string() + ": is a folder, not a results file"});
  ws_viz::load_result loaded;
  REQUIRE_NOTHROW(loaded = ws_viz::load_results(c.path));
  INFO(loaded.error);
  CHECK_FALSE(loaded.file.has_value());
  CHECK(loaded.error.starts_with(c.expected_start));
  CHECK(loaded.error.find('\n') == std::string::npos);
  if (c.path != not_json) CHECK(loaded.error == c.expected_start);
}

TEST_CASE("a mistyped field or a missing machine object is named in the error", "[visualizer][data]") {
  scratch_dir dir("mistyped");
  std::string with_string_m = naive_record_json;
  with_string_m.replace(with_string_m.find("\"m\": 256"), 8, "\"m\": \"256\"");
  const fs::path typed = dir.write("typed.json", R"({"schema": "warpspeed-bench-1", "machine": {}, "results": [)" +
                                                     naive_record_json + ", " + with_string_m + "]}");
  CHECK(ws_viz::load_results(typed).error == typed.string() + ": record 2: \"m\" is a string, expected an integer");
  const fs::path no_machine = dir.write("no_machine.json", R"({"schema": "warpspeed-bench-1", "results": []})");
  CHECK(ws_viz::load_results(no_machine).error == no_machine.string() + ": no \"machine\" object");
  const fs::path cores = dir.write("cores.json", R"({"schema": "warpspeed-bench-1", "machine": {"cores": "two"},)"
                                                 R"( "results": []})");
  CHECK(ws_viz::load_results(cores).error ==
        cores.string() + ": \"machine.cores\" is a string, expected an integer");

  std::string error;
  CHECK(ws_viz::parse_record(naive_record_json, error).has_value());
  CHECK_FALSE(ws_viz::parse_record("{\"workload\": ", error).has_value());
  CHECK(error.starts_with("not JSON ("));
}

TEST_CASE("results_in lists a folder's JSON files newest first, and nothing for a missing folder",
          "[visualizer][data]") {
  scratch_dir dir("listing");
  const fs::path older = dir.write("b-older.json", "{}");
  const fs::path newer = dir.write("a-newer.json", "{}");
  dir.write("notes.txt", "not a results file");
  const auto now = fs::file_time_type::clock::now();
  fs::last_write_time(older, now - std::chrono::hours(2));
  fs::last_write_time(newer, now - std::chrono::hours(1));
  CHECK(ws_viz::results_in(dir.path) == std::vector<fs::path>{newer, older});
  CHECK(ws_viz::results_in(dir.path / "missing").empty());
}

// ---------------------------------------------------------------------------------------------------------------
// Analysis

TEST_CASE("series are named per version and listed CPU ours, CPU libraries, GPU ours, GPU libraries",
          "[visualizer][data]") {
  const ws_viz::results_file gpu = load_or_fail(handmade_gpu);
  CHECK(ws_viz::series(gpu, "matmul") ==
        std::vector<std::string>{"naive", "ikj", "blocked", "packed", "parallel (2 threads)",
                                 "OpenBLAS sgemm (1 thread)", "OpenBLAS sgemm (2 threads)", "naive (GPU)",
                                 "coalesced", "tiled", "regblock_2d", "warptiled", "wmma (bf16)", "cuBLAS sgemm",
                                 "cuBLAS gemmex (bf16)"});
  const ws_viz::results_file cpu = load_or_fail(committed_cpu);
  CHECK(ws_viz::series(cpu, "matmul") ==
        std::vector<std::string>{"naive", "ikj", "blocked", "packed", "parallel (2 threads)",
                                 "OpenBLAS sgemm (1 thread)", "OpenBLAS sgemm (2 threads)"});
  CHECK(ws_viz::series(cpu, "saxpy").empty());
  CHECK(ws_viz::series_name(matmul_record("wmma", "cuda", "reference", 256, "f16")) == "wmma (f16)");
}

TEST_CASE("find returns the record of a series at a size, and nothing where a row was skipped",
          "[visualizer][data]") {
  const ws_viz::results_file cpu = load_or_fail(committed_cpu);
  const ws_viz::record* packed = ws_viz::find(cpu, "matmul", "packed", cube(1024));
  REQUIRE(packed != nullptr);
  CHECK_THAT(packed->median_ms, WithinRel(24.2230005, 1e-9));
  CHECK(ws_viz::find(cpu, "matmul", "naive", cube(2048)) == nullptr);
  const ws_viz::results_file gpu = load_or_fail(handmade_gpu);
  const ws_viz::record* gpu_naive = ws_viz::find(gpu, "matmul", "naive (GPU)", cube(512));
  REQUIRE(gpu_naive != nullptr);
  CHECK(gpu_naive->backend == "cuda");
  CHECK(ws_viz::find(gpu, "matmul", "naive", cube(512))->backend == "cpu");
}

TEST_CASE("speedup is measured against the file's first single-thread CPU series at the same size",
          "[visualizer][data]") {
  const ws_viz::results_file cpu = load_or_fail(committed_cpu);
  CHECK(ws_viz::baseline_series(cpu, "matmul") == "naive");  // the first record is a library's: skipped
  const ws_viz::record& packed = *ws_viz::find(cpu, "matmul", "packed", cube(1024));
  REQUIRE(ws_viz::speedup(cpu, packed).has_value());
  CHECK_THAT(*ws_viz::speedup(cpu, packed), WithinRel(3579.192897 / 24.2230005, 1e-9));
  const ws_viz::record& naive = *ws_viz::find(cpu, "matmul", "naive", cube(256));
  CHECK_THAT(*ws_viz::speedup(cpu, naive), WithinRel(1.0, 1e-12));
  // No naive row at 2048 (it was skipped): no baseline, no speedup.
  CHECK_FALSE(ws_viz::speedup(cpu, *ws_viz::find(cpu, "matmul", "packed", cube(2048))).has_value());

  const ws_viz::results_file gpu = load_or_fail(handmade_gpu);
  const ws_viz::record& tiled = *ws_viz::find(gpu, "matmul", "tiled", cube(1024));
  CHECK_THAT(*ws_viz::speedup(gpu, tiled), WithinRel(5600.0 / 0.6, 1e-4));

  // Whatever the baseline is called; an untimed record before it (the learner's starter) is passed over.
  const ws_viz::results_file red = load_or_fail(reduce_v2);
  CHECK(ws_viz::baseline_series(red, "reduce") == "naive (reference)");
  const ws_viz::record& cub = *ws_viz::find(red, "reduce", "CUB DeviceReduce::Sum", {{"n", 1LL << 26}});
  CHECK_THAT(*ws_viz::speedup(red, cub), WithinRel(25.0 / 0.095, 1e-9));
  CHECK_FALSE(ws_viz::baseline_series(red, "softmax").has_value());  // GPU only: no CPU baseline

  // A workload whose labs have no CPU code: the first single-thread CPU library row is the baseline.
  ws_viz::results_file scan;
  ws_viz::record lib = matmul_record("inclusive_scan", "cpu", "std", 4);
  lib.workload = "scan";
  lib.median_ms = 8.0;
  ws_viz::record gpu_scan = matmul_record("blelloch", "cuda", "reference", 4);
  gpu_scan.workload = "scan";
  gpu_scan.median_ms = 0.5;
  scan.records = {gpu_scan, lib};
  ws_viz::name_series(scan);
  CHECK(ws_viz::baseline_series(scan, "scan") == "std inclusive_scan (1 thread)");
  CHECK_THAT(*ws_viz::speedup(scan, scan.records[0]), WithinRel(16.0, 1e-12));
}

TEST_CASE("percent of peak uses the matching peak, and none for the CPU backend", "[visualizer][data]") {
  const ws_viz::results_file gpu = load_or_fail(handmade_gpu);
  const auto percent = [&](const std::string& name) {
    const ws_viz::record* r = ws_viz::find(gpu, "matmul", name, cube(1024));
    REQUIRE(r != nullptr);
    const std::optional<double> p = ws_viz::percent_of_peak(gpu.machine, *r);
    REQUIRE(p.has_value());
    return *p;
  };
  CHECK_THAT(percent("packed"), WithinRel(94.0, 1e-4));                // of the 1-thread peak, 100
  CHECK_THAT(percent("parallel (2 threads)"), WithinRel(92.0, 1e-4));  // of the all-core peak, 200
  CHECK_THAT(percent("tiled"), WithinRel(100.0 * 5600 / 60000, 1e-4));  // FP32 peak
  CHECK_THAT(percent("wmma (bf16)"), WithinRel(11.0, 1e-4));           // tensor-core peak
  CHECK_THAT(percent("cuBLAS gemmex (bf16)"), WithinRel(40.0, 1e-4));

  const ws_viz::record cudacpu = matmul_record("tiled", "cudacpu", "reference", 256);
  CHECK_FALSE(ws_viz::peak_gflops(gpu.machine, cudacpu).has_value());
  CHECK_FALSE(ws_viz::percent_of_peak(gpu.machine, cudacpu).has_value());
  const ws_viz::results_file cpu = load_or_fail(committed_cpu);
  CHECK_FALSE(ws_viz::percent_of_peak(cpu.machine, matmul_record("tiled", "cuda", "reference", 256)).has_value());
}

TEST_CASE("memory roofs are the measured bandwidths of the record's side, never an assumed one",
          "[visualizer][data]") {
  const ws_viz::results_file red = load_or_fail(reduce_v2);
  const ws_viz::shape_t big{{"n", 1LL << 26}};
  const auto roof = [&](const std::string& name) {
    const ws_viz::record* r = ws_viz::find(red, "reduce", name, big);
    REQUIRE(r != nullptr);
    return ws_viz::memory_roof_for(red.machine, *r);
  };
  CHECK(roof("naive (reference)").gbs == 20.0);                // 1 thread: cpu_bandwidth_gbs_1thread
  CHECK(roof("simd_omp (reference, 2 threads)").gbs == 40.0);  // all threads: cpu_bandwidth_gbs
  CHECK(roof("CUB DeviceReduce::Sum").gbs == 3000.0);          // measured, not the theoretical 3350
  CHECK_FALSE(roof("CUB DeviceReduce::Sum").theoretical);

  // v1 GPU file: the theoretical bandwidth, said so; v1 CPU file: no CPU roof, and why.
  const ws_viz::results_file gpu = load_or_fail(handmade_gpu);
  const ws_viz::memory_roof theoretical =
      ws_viz::memory_roof_for(gpu.machine, *ws_viz::find(gpu, "matmul", "tiled", cube(1024)));
  CHECK(theoretical.gbs == 3000.0);
  CHECK(theoretical.theoretical);
  const ws_viz::results_file cpu = load_or_fail(committed_cpu);
  const ws_viz::memory_roof none =
      ws_viz::memory_roof_for(cpu.machine, *ws_viz::find(cpu, "matmul", "naive", cube(256)));
  CHECK_FALSE(none.gbs.has_value());
  CHECK(none.missing == "no measured cpu_bandwidth_gbs_1thread in this file");
  CHECK_FALSE(ws_viz::memory_roof_for(gpu.machine, matmul_record("tiled", "cudacpu", "reference", 256)).gbs);
}

TEST_CASE("intensity is the record's flops over bytes, and the bound follows the ridge", "[visualizer][data]") {
  using ws_viz::intensity;
  // v1 matmul, converted: 2N^3 / (4 * 3N^2) = N / 6 for every version alike (compulsory traffic).
  CHECK_THAT(intensity(matmul_record("naive", "cpu", "reference", 1024)), WithinRel(1024.0 / 6.0, 1e-12));
  CHECK_THAT(intensity(matmul_record("anything", "cuda", "cublas", 1024)), WithinRel(1024.0 / 6.0, 1e-12));
  // bf16 inputs, f32 output: 2N^3 / (2 * 2N^2 + 4N^2) = N / 4.
  CHECK_THAT(intensity(matmul_record("gemmex", "cuda", "cublas", 1024, "bf16")), WithinRel(1024.0 / 4, 1e-12));
  CHECK(intensity(matmul_record("naive", "cuda", "reference", 0)) == 0.0);

  const ws_viz::results_file red = load_or_fail(reduce_v2);
  const ws_viz::record& cub = *ws_viz::find(red, "reduce", "CUB DeviceReduce::Sum", {{"n", 1LL << 26}});
  CHECK_THAT(intensity(cub), WithinRel(0.25, 1e-12));  // one add per 4-byte float read
  CHECK(ws_viz::bound_of(red.machine, cub) == ws_viz::bound::memory);  // 0.25 < ridge 60000 / 3000 = 20
  CHECK(ws_viz::headline_metric(red, "reduce") == ws_viz::metric::gbps);
  CHECK(ws_viz::headline_metric(red, "softmax") == ws_viz::metric::gbps);
  CHECK_THAT(*ws_viz::percent_of_roof(red.machine, cub, ws_viz::metric::gbps),
             WithinRel(100.0 * cub.gbps / 3000.0, 1e-12));

  const ws_viz::results_file gpu = load_or_fail(handmade_gpu);
  const ws_viz::record& tiled = *ws_viz::find(gpu, "matmul", "tiled", cube(1024));
  CHECK(ws_viz::bound_of(gpu.machine, tiled) == ws_viz::bound::compute);  // 171 > 60000 / 3000
  CHECK(ws_viz::headline_metric(gpu, "matmul") == ws_viz::metric::gflops);
  // No bandwidth in the file: intensity 171 is not called memory-bound; the headline stays GFLOP/s.
  const ws_viz::results_file cpu = load_or_fail(committed_cpu);
  CHECK(ws_viz::bound_of(cpu.machine, *ws_viz::find(cpu, "matmul", "naive", cube(256))) == ws_viz::bound::unknown);
  CHECK(ws_viz::headline_metric(cpu, "matmul") == ws_viz::metric::gflops);
}

TEST_CASE("the roofline never draws a point above a measured memory roof unless it is labelled",
          "[visualizer][data]") {
  ws_viz::machine_info m;
  m.cpu_bandwidth_gbs_1thread = 20.0;
  m.cpu_peak_gflops_1thread = 100.0;
  m.gpu_bandwidth_measured_gbs = 3000.0;
  m.gpu_peak_gflops_fp32 = 60000.0;
  // Records of many intensities and speeds; each one's GFLOP/s and GB/s as a benchmark writes them.
  for (const std::string backend : {"cpu", "cuda"}) {
    const double bw = backend == "cpu" ? 20.0 : 3000.0;
    for (const double ai : {0.0625, 0.25, 1.0, 4.0, 16.0}) {
      for (const double fraction : {0.01, 0.5, 0.999, 1.0, 1.001, 1.04, 1.06, 3.0}) {
        ws_viz::record r;
        r.workload = "w";
        r.backend = backend;
        r.implementation = "reference";
        r.median_ms = 1.0;
        r.bytes = 1e6;
        r.flops = ai * r.bytes;
        r.gbps = fraction * bw;
        r.gflops = r.gbps * ai;
        const ws_viz::roofline_point p = ws_viz::roofline_place(m, r);
        INFO(backend << " ai " << ai << " at " << fraction << " of the bandwidth");
        CHECK_THAT(p.x, WithinRel(ai, 1e-12));
        if (r.gbps <= bw) CHECK(p.y <= bw * p.x * (1 + 1e-9));  // on or under the sloped roof at its own x
        if (r.gbps <= bw * (1 + ws_viz::roof_noise)) {
          CHECK_FALSE(p.above_memory_roof);  // within the two measurements' noise: at the roof
        } else {
          CHECK(p.above_memory_roof);  // the panel labels it ws_viz::beats_model_label
        }
      }
    }
  }
  // The fixture's cache-resident CPU run (2^20 floats, 4 MiB) beats the 1-thread bandwidth: labelled.
  const ws_viz::results_file red = load_or_fail(reduce_v2);
  const ws_viz::record& small = *ws_viz::find(red, "reduce", "naive (reference)", {{"n", 1LL << 20}});
  CHECK(ws_viz::roofline_place(red.machine, small).above_memory_roof);
  const ws_viz::record& large = *ws_viz::find(red, "reduce", "naive (reference)", {{"n", 1LL << 26}});
  CHECK_FALSE(ws_viz::roofline_place(red.machine, large).above_memory_roof);
  CHECK(std::string(ws_viz::beats_model_label) == "beats the model: caches");
  // An untimed record is not a point.
  CHECK(ws_viz::roofline_place(red.machine, *ws_viz::find(red, "reduce", "naive (yours)", {{"n", 1LL << 26}})).y ==
        0.0);
}

// ---------------------------------------------------------------------------------------------------------------
// Execution model (solutions/03_matmul_gpu/matmul_gpu.cu)

TEST_CASE("naive maps threadIdx.x along rows, coalesced and tiled along columns, edge blocks included",
          "[visualizer][data]") {
  ws_viz::launch_shape s;
  s.m = 70;  // neither m nor n is a multiple of the 16 x 16 blocks: the last block row and column stick out
  s.n = 45;
  s.k = 37;
  s.block_x = s.block_y = s.tile = 16;

  s.kind = ws_viz::kernel_kind::naive;
  const ws_viz::launch_dims nd = ws_viz::dims_of(s);
  CHECK((nd.block_x == 16 && nd.block_y == 16 && nd.grid_x == 5 && nd.grid_y == 3));
  ws_viz::cell_owner o = ws_viz::owner_of(s, 69, 44);  // the last cell of C: an edge block
  CHECK((o.block_x == 4 && o.thread_x == 5 && o.block_y == 2 && o.thread_y == 12));
  CHECK(o.warp == (12 * 16 + 5) / 32);
  // Consecutive rows, same column: neighbouring threads of one warp.
  CHECK(ws_viz::owner_of(s, 1, 0).thread_x == ws_viz::owner_of(s, 0, 0).thread_x + 1);
  CHECK(ws_viz::owner_of(s, 1, 0).warp == ws_viz::owner_of(s, 0, 0).warp);

  s.kind = ws_viz::kernel_kind::coalesced;
  const ws_viz::launch_dims cd = ws_viz::dims_of(s);
  CHECK((cd.grid_x == 3 && cd.grid_y == 5));
  o = ws_viz::owner_of(s, 69, 44);
  CHECK((o.block_x == 2 && o.thread_x == 12 && o.block_y == 4 && o.thread_y == 5));
  CHECK(o.warp == (5 * 16 + 12) / 32);
  CHECK(ws_viz::owner_of(s, 0, 1).thread_x == ws_viz::owner_of(s, 0, 0).thread_x + 1);
  o = ws_viz::owner_of(s, 17, 3);
  CHECK((o.block_x == 0 && o.thread_x == 3 && o.block_y == 1 && o.thread_y == 1 && o.warp == 0));

  s.kind = ws_viz::kernel_kind::tiled;
  s.block_x = s.block_y = 4;  // ignored: the tiled kernel's blocks are tile x tile
  s.tile = 8;
  const ws_viz::launch_dims td = ws_viz::dims_of(s);
  CHECK((td.block_x == 8 && td.block_y == 8 && td.grid_x == 6 && td.grid_y == 9));
  o = ws_viz::owner_of(s, 69, 44);
  CHECK((o.block_x == 5 && o.thread_x == 4 && o.block_y == 8 && o.thread_y == 5 && o.warp == 1));
  CHECK(ws_viz::mapping_formula(ws_viz::kernel_kind::naive).starts_with("row = blockIdx.x * blockDim.x + threadIdx.x"));
  CHECK(ws_viz::mapping_formula(ws_viz::kernel_kind::coalesced).starts_with("col = blockIdx.x"));
}

TEST_CASE("the tiled kernel's steps and shared-memory tiles are clipped to the matrices", "[visualizer][data]") {
  ws_viz::launch_shape s;
  s.m = 70;
  s.n = 45;
  s.k = 37;
  s.tile = 16;
  s.kind = ws_viz::kernel_kind::tiled;
  CHECK(ws_viz::steps(s) == 3);
  const ws_viz::tile_step first = ws_viz::tiles_at(s, 0, 0, 0);
  CHECK((first.a_row0 == 0 && first.a_row1 == 16 && first.a_col0 == 0 && first.a_col1 == 16));
  CHECK((first.b_row0 == 0 && first.b_row1 == 16 && first.b_col0 == 0 && first.b_col1 == 16));
  // The corner block at the last step: 6 rows of A (64..69), 5 of k (32..36), 13 columns of B (32..44).
  const ws_viz::tile_step last = ws_viz::tiles_at(s, 2, 4, 2);
  CHECK((last.a_row0 == 64 && last.a_row1 == 70 && last.a_col0 == 32 && last.a_col1 == 37));
  CHECK((last.b_row0 == 32 && last.b_row1 == 37 && last.b_col0 == 32 && last.b_col1 == 45));
  s.k = 32;
  CHECK(ws_viz::steps(s) == 2);
  s.k = 0;
  CHECK(ws_viz::steps(s) == 0);
}

TEST_CASE("global loads are 2mnk for naive and coalesced, and a tile's worth per block and step for tiled",
          "[visualizer][data]") {
  ws_viz::launch_shape s;
  s.m = 70;
  s.n = 45;
  s.k = 37;
  s.block_x = s.block_y = s.tile = 16;
  s.kind = ws_viz::kernel_kind::naive;
  CHECK(ws_viz::global_loads(s) == 2 * 70 * 45 * 37);
  s.kind = ws_viz::kernel_kind::coalesced;
  CHECK(ws_viz::global_loads(s) == 2 * 70 * 45 * 37);

  s.kind = ws_viz::kernel_kind::tiled;
  // k (m * grid_x + n * grid_y): each of the 3 block columns reads all of A, each of the 5 block rows all of B.
  CHECK(ws_viz::global_loads(s) == 37 * (70 * 3 + 45 * 5));
  // The same, counted tile by tile from tiles_at (padding not counted).
  const ws_viz::launch_dims d = ws_viz::dims_of(s);
  std::int64_t counted = 0;
  for (int by = 0; by < d.grid_y; ++by) {
    for (int bx = 0; bx < d.grid_x; ++bx) {
      for (int step = 0; step < ws_viz::steps(s); ++step) {
        const ws_viz::tile_step t = ws_viz::tiles_at(s, bx, by, step);
        counted += (t.a_row1 - t.a_row0) * (t.a_col1 - t.a_col0) + (t.b_row1 - t.b_row0) * (t.b_col1 - t.b_col0);
      }
    }
  }
  CHECK(ws_viz::global_loads(s) == counted);
  // Tile multiples: exactly 1 / tile of the naive loads.
  s.m = s.n = s.k = 64;
  CHECK(ws_viz::global_loads(s) == 2 * 64 * 64 * 64 / 16);
}

// ---------------------------------------------------------------------------------------------------------------
// Execution models: the registry and lab 05's reduction tree

TEST_CASE("the registry has one model per lab, found by id or by workload", "[visualizer][data]") {
  const auto& models = ws_viz::execution_models();
  REQUIRE(models.size() >= 2);
  CHECK(ws_viz::find_model("matmul")->id == "matmul_tiles");
  CHECK(ws_viz::find_model("reduce")->id == "reduction_tree");
  CHECK(ws_viz::find_model("reduction_tree")->lab == "05");
  CHECK(ws_viz::find_model("no_such_workload") == nullptr);
  for (const ws_viz::execution_model& m : models) {
    INFO(m.id);
    CHECK_FALSE(m.title.empty());
    CHECK(m.steps != nullptr);
    std::vector<int> defaults;
    for (const ws_viz::model_parameter& p : m.parameters) {
      CHECK((p.min <= p.value && p.value <= p.max));
      if (!p.choices.empty()) CHECK(p.max == static_cast<int>(p.choices.size()) - 1);
      defaults.push_back(p.value);
    }
    CHECK(m.steps(defaults) >= 1);
  }
  // The explorer's matmul picture starts from the registry's defaults.
  const ws_viz::launch_shape start = ws_viz::matmul_tiles_shape({});
  CHECK((start.m == 44 && start.n == 60 && start.k == 40 && start.tile == 16 && start.block_x == 16));
  CHECK(start.kind == ws_viz::kernel_kind::tiled);
  CHECK(ws_viz::matmul_tiles_shape({0, 8, 8, 8, 2}).kind == ws_viz::kernel_kind::naive);
  CHECK(ws_viz::matmul_tiles_shape({0, 8, 8, 8, 2}).block_x == 32);
  // matmul_tiles: tiled, k = 40, 16 x 16 tiles: 3 steps; reduction_tree: interleaved, 32 threads: 5 steps.
  CHECK(ws_viz::find_model("matmul_tiles")->steps({2, 44, 60, 40, 1}) == 3);
  CHECK(ws_viz::find_model("reduction_tree")->steps({0, 2}) == 5);
}

TEST_CASE("interleaved addressing: at step s the threads that are multiples of 2s add x[tid + s]",
          "[visualizer][data]") {
  using ws_viz::reduction_addressing;
  const std::vector<ws_viz::reduction_step> steps = ws_viz::reduction_steps(reduction_addressing::interleaved, 16);
  REQUIRE(steps.size() == 4);  // log2(16)
  CHECK(steps[0].stride == 1);
  CHECK(steps[0].active == std::vector<int>{0, 2, 4, 6, 8, 10, 12, 14});
  CHECK((steps[0].adds[3].thread == 6 && steps[0].adds[3].dst == 6 && steps[0].adds[3].src == 7));
  CHECK(steps[1].active == std::vector<int>{0, 4, 8, 12});
  CHECK((steps[1].adds[1].dst == 4 && steps[1].adds[1].src == 6));
  CHECK(steps[2].active == std::vector<int>{0, 8});
  CHECK((steps[3].stride == 8 && steps[3].active == std::vector<int>{0} && steps[3].adds[0].src == 8));
  CHECK(steps[1].code == "if (tid % 4 == 0) x[tid] += x[tid + 2]");
  // Every step leaves its one warp divergent: active threads are spread through it.
  for (const auto& st : steps) CHECK((st.warps_busy == 1 && st.warps_divergent == 1));
  // With 64 threads the first step keeps both warps busy and divergent.
  const auto wide = ws_viz::reduction_steps(reduction_addressing::interleaved, 64);
  CHECK((wide[0].warps_busy == 2 && wide[0].warps_divergent == 2));
}

TEST_CASE("sequential addressing: at stride s threads 0..s-1 add x[tid + s], whole warps going idle",
          "[visualizer][data]") {
  using ws_viz::reduction_addressing;
  const auto steps = ws_viz::reduction_steps(reduction_addressing::sequential, 64);
  REQUIRE(steps.size() == 6);
  CHECK(steps[0].stride == 32);
  CHECK(steps[0].active.size() == 32);
  CHECK((steps[0].active.front() == 0 && steps[0].active.back() == 31));
  CHECK((steps[0].adds[5].dst == 5 && steps[0].adds[5].src == 37));
  // 32 of 64 threads, all of warp 0: one warp busy, none divergent (interleaved's first step: two, both divergent).
  CHECK((steps[0].warps_busy == 1 && steps[0].warps_divergent == 0));
  CHECK(steps[1].active == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
  CHECK(steps[1].warps_divergent == 1);
  CHECK((steps[5].stride == 1 && steps[5].active == std::vector<int>{0} && steps[5].adds[0].src == 1));
  CHECK(steps[2].code == "if (tid < 8) x[tid] += x[tid + 8]");
}

TEST_CASE("the warp-shuffle finish: shared memory down to 32 values, then shuffles 16, 8, 4, 2, 1 in warp 0",
          "[visualizer][data]") {
  using ws_viz::reduction_addressing;
  const auto steps = ws_viz::reduction_steps(reduction_addressing::warp_shuffle, 64);
  REQUIRE(steps.size() == 6);
  CHECK((!steps[0].shuffle && steps[0].stride == 32 && steps[0].active.size() == 32));
  for (std::size_t i = 1; i < steps.size(); ++i) {
    INFO("step " << i);
    CHECK(steps[i].shuffle);
    CHECK(steps[i].stride == 32 >> i);
    CHECK(steps[i].executing_threads == 32);  // every lane shuffles; no lane is masked off
    CHECK(steps[i].warps_divergent == 0);
    CHECK(static_cast<int>(steps[i].active.size()) == steps[i].stride);  // the used results
  }
  CHECK((steps[1].adds[15].dst == 15 && steps[1].adds[15].src == 31));
  // A block of 16 is one partial warp: shuffles only, offsets 8 .. 1.
  const auto small = ws_viz::reduction_steps(reduction_addressing::warp_shuffle, 16);
  REQUIRE(small.size() == 4);
  CHECK((small[0].shuffle && small[0].stride == 8 && small[0].executing_threads == 16));
  CHECK_THROWS_AS(ws_viz::reduction_steps(reduction_addressing::sequential, 24), std::invalid_argument);
}

TEST_CASE("every addressing leaves the block's sum in element 0", "[visualizer][data]") {
  using ws_viz::reduction_addressing;
  const auto a = GENERATE(reduction_addressing::interleaved, reduction_addressing::sequential,
                          reduction_addressing::warp_shuffle);
  const int threads = GENERATE(2, 8, 16, 32, 64, 128);
  std::vector<long long> x(static_cast<std::size_t>(threads));
  long long sum = 0;
  for (int i = 0; i < threads; ++i) {
    x[static_cast<std::size_t>(i)] = (i * 37 + 11) % 101 - 30;  // non-uniform, some negative
    sum += x[static_cast<std::size_t>(i)];
  }
  INFO("addressing " << static_cast<int>(a) << ", " << threads << " threads");
  CHECK(ws_viz::reduction_run(a, x)[0] == sum);
  // Each element is read at most once as a source: nothing is added twice.
  std::vector<int> read(static_cast<std::size_t>(threads), 0);
  for (const auto& st : ws_viz::reduction_steps(a, threads)) {
    for (const auto& add : st.adds) ++read[static_cast<std::size_t>(add.src)];
  }
  CHECK(std::all_of(read.begin(), read.end(), [](int n) { return n <= 1; }));
  CHECK(read[0] == 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Benchmark runner

TEST_CASE("the runner delivers progress and records while the benchmark is still running", "[visualizer][data]") {
  scratch_dir dir("stream");
  const fs::path script = dir.write("bench.sh", "echo 'WS-PROGRESS 0 2 naive N=256'\n"
                                                "echo 'WS-RECORD " + naive_record_json + "'\n"
                                                "echo 'a table line for people'\n"
                                                "sleep 1\n"
                                                "echo 'WS-PROGRESS 1 2 ikj N=256'\n"
                                                "echo 'WS-RECORD " + naive_record_json + "'\n");
  ws_viz::bench_runner runner;
  std::string error;
  REQUIRE(runner.start(shell(script), error));
  CHECK(runner.running());
  CHECK_FALSE(runner.start(shell(script), error));
  CHECK(error == "a benchmark is already running");

  std::vector<ws_viz::record> got;
  REQUIRE(wait_until([&] { return !(got = runner.take_new_records()).empty(); }, std::chrono::seconds(5)));
  CHECK(runner.running());  // the first record came before the benchmark ended
  REQUIRE(got.size() == 1);
  CHECK(got[0].version == "naive");
  CHECK_THAT(got[0].median_ms, WithinRel(14.0, 1e-12));
  const ws_viz::bench_runner::progress p = runner.current();
  CHECK((p.done == 0 && p.total == 2 && p.current == "naive N=256"));
  CHECK(runner.finish_message().empty());

  REQUIRE(wait_until([&] { return !runner.running(); }, std::chrono::seconds(10)));
  CHECK(runner.take_new_records().size() == 1);
  CHECK(runner.take_new_records().empty());
  CHECK(runner.finish_message() == "finished: 2 records");
  CHECK((runner.current().done == 2 && runner.current().total == 2));

  // A second run on the same runner starts afresh.
  REQUIRE(runner.start(shell(script), error));
  REQUIRE(wait_until([&] { return !runner.running(); }, std::chrono::seconds(10)));
  CHECK(runner.take_new_records().size() == 2);
}

TEST_CASE("the runner reads v2 records of any workload, untimed ones included", "[visualizer][data]") {
  scratch_dir dir("stream_v2");
  const std::string v2 =
      R"({"workload":"reduce","version":"sequential","backend":"cuda","implementation":"yours","m":67108864,"n":1,)"
      R"("k":1,"threads":1,"dtype":"f32","repeats":20,"median_ms":0.2,"min_ms":0.19,"max_ms":0.22,"gflops":335.5,)"
      R"("correct":true,"shape":{"n":67108864},"flops":67108864,"bytes":268435456,"gbps":1342.2,"status":"ok"})";
  std::string starter = v2;
  starter.replace(starter.find("\"status\":\"ok\""), 13, "\"status\":\"starter\"");
  const fs::path script = dir.write("bench.sh", "echo 'WS-PROGRESS 0 2 reduce sequential n=2^26'\n"
                                                "echo 'WS-RECORD " + v2 + "'\n"
                                                "echo 'WS-RECORD " + starter + "'\n");
  ws_viz::bench_runner runner;
  std::string error;
  REQUIRE(runner.start(shell(script), error));
  REQUIRE(wait_until([&] { return !runner.running(); }, std::chrono::seconds(10)));
  const std::vector<ws_viz::record> got = runner.take_new_records();
  REQUIRE(got.size() == 2);
  CHECK(got[0].shape == ws_viz::shape_t{{"n", 67108864}});
  CHECK(got[0].implementation == "yours");
  CHECK(got[0].gbps == 1342.2);
  CHECK(got[0].timed());
  CHECK(got[1].status == "starter");
  CHECK_FALSE(got[1].timed());
  CHECK(runner.finish_message() == "finished: 2 records");
}

TEST_CASE("cancel stops a long benchmark and everything it started within 3 seconds", "[visualizer][data]") {
  scratch_dir dir("cancel");
  const fs::path script = dir.write("bench.sh", "echo $$ > '" + (dir.path / "shell.pid").string() + "'\n"
                                                "sleep 30 &\n"
                                                "echo $! > '" + (dir.path / "sleep.pid").string() + "'\n"
                                                "echo 'WS-PROGRESS 0 1 forever N=4096'\n"
                                                "wait\n");
  ws_viz::bench_runner runner;
  std::string error;
  REQUIRE(runner.start(shell(script), error));
  REQUIRE(wait_until([&] { return runner.current().total == 1; }, std::chrono::seconds(5)));
  const pid_t shell_pid = read_pid(dir.path / "shell.pid");
  const pid_t sleep_pid = read_pid(dir.path / "sleep.pid");
  REQUIRE((shell_pid > 0 && sleep_pid > 0));
  CHECK(alive(sleep_pid));

  const auto t0 = std::chrono::steady_clock::now();
  runner.cancel();
  REQUIRE(wait_until([&] { return !runner.running(); }, std::chrono::seconds(3)));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
  CHECK(runner.finish_message() == "cancelled");
  CHECK_FALSE(alive(shell_pid));
  // The orphaned sleep is reaped by init; give the kernel a moment to tear it down.
  CHECK(wait_until([&] { return !alive(sleep_pid); }, std::chrono::seconds(1)));
}

TEST_CASE("cancel kills a benchmark that ignores SIGTERM after 2 seconds", "[visualizer][data]") {
  scratch_dir dir("stubborn");
  const fs::path script = dir.write("bench.sh", "trap '' TERM\n"
                                                "echo 'WS-PROGRESS 0 1 stubborn N=4096'\n"
                                                "sleep 30\n");
  ws_viz::bench_runner runner;
  std::string error;
  REQUIRE(runner.start(shell(script), error));
  REQUIRE(wait_until([&] { return runner.current().total == 1; }, std::chrono::seconds(5)));
  const auto t0 = std::chrono::steady_clock::now();
  runner.cancel();
  REQUIRE(wait_until([&] { return !runner.running(); }, std::chrono::seconds(3)));
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(1900));
  CHECK(runner.finish_message() == "cancelled");
}

TEST_CASE("a failing benchmark reports its exit code and last line of output", "[visualizer][data]") {
  scratch_dir dir("fail");
  const fs::path script = dir.write("bench.sh", "echo 'WS-PROGRESS 0 3 naive N=256'\n"
                                                "echo 'CPU: a fixture'\n"
                                                "echo 'error: out of fixtures' >&2\n"
                                                "exit 3\n");
  ws_viz::bench_runner runner;
  std::string error;
  REQUIRE(runner.start(shell(script), error));
  REQUIRE(wait_until([&] { return !runner.running(); }, std::chrono::seconds(5)));
  CHECK(runner.finish_message() == "failed: exit code 3: error: out of fixtures");
  CHECK(runner.take_new_records().empty());

  CHECK_FALSE(runner.start({"/nonexistent/bench_matmul_cuda", "--stream"}, error));
  CHECK(error == "cannot start /nonexistent/bench_matmul_cuda: No such file or directory");
  CHECK_FALSE(runner.running());
  CHECK(runner.finish_message() == "failed: exit code 3: error: out of fixtures");  // the last run's, kept
}
