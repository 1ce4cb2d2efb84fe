/// @file data.tests.cpp
/// @brief Tests of the visualizer's data layer (ws_viz_data): loading results files and their errors, the analysis
/// the panels show, lab 03's execution model, and the benchmark runner on fake benchmarks written by the tests.
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
  CHECK(f.machine.backend == "cpu");
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

TEST_CASE("the hand-made GPU fixture loads with the GPU's name in its label", "[visualizer][data]") {
  const ws_viz::results_file f = load_or_fail(handmade_gpu);
  CHECK(f.label == "Fixture GPU (not measured) (gpu-h100-handmade)");
  CHECK(f.machine.backend == "cuda");
  CHECK(f.machine.gpu_name == "Fixture GPU (not measured)");
  CHECK(f.records.size() == 45);  // (7 CPU + 8 GPU rows) x 3 sizes
  CHECK(ws_viz::workloads(f) == std::vector<std::string>{"matmul"});
  CHECK(ws_viz::sizes(f, "matmul") == std::vector<long long>{256, 512, 1024});
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
      bad_case{wrong_schema, wrong_schema.string() + ": schema is 'warpspeed-bench-0', expected warpspeed-bench-1"},
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
  CHECK(ws_viz::series_name(matmul_record("wmma", "cuda", "ours", 256, "f16")) == "wmma (f16)");
}

TEST_CASE("find returns the record of a series at a size, and nothing where a row was skipped",
          "[visualizer][data]") {
  const ws_viz::results_file cpu = load_or_fail(committed_cpu);
  const ws_viz::record* packed = ws_viz::find(cpu, "matmul", "packed", 1024);
  REQUIRE(packed != nullptr);
  CHECK_THAT(packed->median_ms, WithinRel(24.2230005, 1e-9));
  CHECK(ws_viz::find(cpu, "matmul", "naive", 2048) == nullptr);
  const ws_viz::results_file gpu = load_or_fail(handmade_gpu);
  const ws_viz::record* gpu_naive = ws_viz::find(gpu, "matmul", "naive (GPU)", 512);
  REQUIRE(gpu_naive != nullptr);
  CHECK(gpu_naive->backend == "cuda");
  CHECK(ws_viz::find(gpu, "matmul", "naive", 512)->backend == "cpu");
}

TEST_CASE("speedup is measured against single-thread CPU naive at the same size", "[visualizer][data]") {
  const ws_viz::results_file cpu = load_or_fail(committed_cpu);
  const ws_viz::record& packed = *ws_viz::find(cpu, "matmul", "packed", 1024);
  REQUIRE(ws_viz::speedup_vs_cpu_naive(cpu, packed).has_value());
  CHECK_THAT(*ws_viz::speedup_vs_cpu_naive(cpu, packed), WithinRel(3579.192897 / 24.2230005, 1e-9));
  const ws_viz::record& naive = *ws_viz::find(cpu, "matmul", "naive", 256);
  CHECK_THAT(*ws_viz::speedup_vs_cpu_naive(cpu, naive), WithinRel(1.0, 1e-12));
  // No naive row at 2048 (it was skipped): no baseline, no speedup.
  CHECK_FALSE(ws_viz::speedup_vs_cpu_naive(cpu, *ws_viz::find(cpu, "matmul", "packed", 2048)).has_value());

  const ws_viz::results_file gpu = load_or_fail(handmade_gpu);
  const ws_viz::record& tiled = *ws_viz::find(gpu, "matmul", "tiled", 1024);
  CHECK_THAT(*ws_viz::speedup_vs_cpu_naive(gpu, tiled), WithinRel(5600.0 / 0.6, 1e-4));
}

TEST_CASE("percent of peak uses the matching peak, and none for the CPU backend", "[visualizer][data]") {
  const ws_viz::results_file gpu = load_or_fail(handmade_gpu);
  const auto percent = [&](const std::string& name) {
    const ws_viz::record* r = ws_viz::find(gpu, "matmul", name, 1024);
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

  const ws_viz::record cudacpu = matmul_record("tiled", "cudacpu", "ours", 256);
  CHECK_FALSE(ws_viz::peak_gflops(gpu.machine, cudacpu).has_value());
  CHECK_FALSE(ws_viz::percent_of_peak(gpu.machine, cudacpu).has_value());
  const ws_viz::results_file cpu = load_or_fail(committed_cpu);
  CHECK_FALSE(ws_viz::percent_of_peak(cpu.machine, matmul_record("tiled", "cuda", "ours", 256)).has_value());
}

TEST_CASE("arithmetic intensity follows each version's loads", "[visualizer][data]") {
  using ws_viz::arithmetic_intensity;
  const double ideal_1024 = 1024.0 / 6.0;  // 2N^3 / (4 * 3N^2)
  CHECK_THAT(arithmetic_intensity(matmul_record("naive", "cuda", "ours", 1024)), WithinRel(0.25, 1e-12));
  CHECK_THAT(arithmetic_intensity(matmul_record("coalesced", "cuda", "ours", 1024)), WithinRel(0.25, 1e-12));
  CHECK_THAT(arithmetic_intensity(matmul_record("naive", "cpu", "ours", 1024)), WithinRel(0.25, 1e-12));
  CHECK_THAT(arithmetic_intensity(matmul_record("ikj", "cpu", "ours", 1024)), WithinRel(1.0 / 6.0, 1e-12));
  CHECK_THAT(arithmetic_intensity(matmul_record("tiled", "cuda", "ours", 1024)), WithinRel(32.0 / 4, 1e-12));
  CHECK_THAT(arithmetic_intensity(matmul_record("regblock_1d", "cuda", "ours", 1024)), WithinRel(16.0, 1e-12));
  CHECK_THAT(arithmetic_intensity(matmul_record("warptiled", "cuda", "ours", 1024)), WithinRel(32.0, 1e-12));
  CHECK_THAT(arithmetic_intensity(matmul_record("wmma", "cuda", "ours", 1024, "bf16")), WithinRel(64.0, 1e-12));
  CHECK_THAT(arithmetic_intensity(matmul_record("sgemm", "cuda", "cublas", 1024)), WithinRel(ideal_1024, 1e-12));
  CHECK_THAT(arithmetic_intensity(matmul_record("sgemm", "cpu", "openblas", 1024, "f32", 2)),
             WithinRel(ideal_1024, 1e-12));
  CHECK_THAT(arithmetic_intensity(matmul_record("packed", "cpu", "ours", 1024)), WithinRel(ideal_1024, 1e-12));
  // bf16 inputs, f32 output: 2N^3 / (2 * 2N^2 + 4N^2) = N / 4.
  CHECK_THAT(arithmetic_intensity(matmul_record("gemmex", "cuda", "cublas", 1024, "bf16")),
             WithinRel(1024.0 / 4, 1e-12));
  // Blocked, N = 1024: B once, A twice (two 512-column blocks), C read and written 8 times (128-deep blocks).
  CHECK_THAT(arithmetic_intensity(matmul_record("blocked", "cpu", "ours", 1024)),
             WithinRel(2.0 * 1024 / (4.0 * (1 + 2 + 16)), 1e-12));
  // A 16^3 problem cannot reach the tiled kernel's 8 FLOP/byte: capped at its ideal, 16 / 6.
  CHECK_THAT(arithmetic_intensity(matmul_record("tiled", "cuda", "ours", 16)), WithinRel(16.0 / 6.0, 1e-12));
  ws_viz::record saxpy = matmul_record("one_per_thread", "cuda", "ours", 1);
  saxpy.workload = "saxpy";
  saxpy.m = 1 << 20;
  CHECK_THAT(arithmetic_intensity(saxpy), WithinRel(2.0 / 12.0, 1e-12));
  CHECK(arithmetic_intensity(matmul_record("naive", "cuda", "ours", 0)) == 0.0);
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
