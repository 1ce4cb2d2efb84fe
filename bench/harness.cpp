/// @file
/// @brief The harness of bench/harness.hpp and the `main` of every `bench_<workload>_<tree>_<backend>` program:
/// options, the machine record (measured FMA peak and read bandwidth), checking, timing and the results document.
///
/// Usage: bench_<workload>_<tree>_<backend> [--json FILE | --append FILE] [--cpu-only] [--quick] [--max-size N]
///        [--max-n N] [--stream] [--starter-labs 01,03] [--count-rows] [--progress-base B --progress-total T]
#include "harness.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <cuda_runtime.h>
#include <nlohmann/json.hpp>
#include <omp.h>
#include <unistd.h>

#include <ws/cuda_timer.hpp>
#include <ws/device_info.hpp>
#include <ws/host_info.hpp>
#include <ws/timer.hpp>

#if WS_BACKEND_CUDA
namespace bench {
double measure_gpu_read_gbs();  // device_bandwidth.cu: a read kernel over a large array, GB/s
}
#endif

namespace bench {
namespace {

std::vector<workload>& registry() {
  static std::vector<workload> all;
  return all;
}

// ---------------------------------------------------------------------------------------------------------------
// Options

const char* usage_text =
    "usage: %s [--json FILE | --append FILE] [--cpu-only] [--quick] [--max-size N] [--max-n N] [--stream]\n"
    "          [--starter-labs 01,03] [--count-rows] [--progress-base B] [--progress-total T]\n"
    "  --json FILE        write the results document (docs/bench_results.md) to FILE\n"
    "  --append FILE      add this run's records to the document in FILE (its machine record is kept)\n"
    "  --cpu-only         only the CPU versions and their yardsticks\n"
    "  --quick            small shapes and few repeats (a smoke test, not a measurement)\n"
    "  --max-size N       no shape whose main dimension is above N (--max-n N: the same, matmul's name)\n"
    "  --stream           WS-PROGRESS and WS-RECORD lines on stdout, for the visualizer's live runner\n"
    "  --starter-labs L   labs (comma-separated numbers) whose labs/ files are still the generated starter\n"
    "  --count-rows       print the number of rows this run would go through and exit\n"
    "  --progress-base B, --progress-total T   this program's place in a run of several (--stream)\n"
    "  --probe-device     exit 0 when a usable CUDA device answers, else 77 (what ./course bench asks first)\n";

[[noreturn]] void usage_error(const char* argv0, const std::string& why) {
  std::fprintf(stderr, "%s: %s\n", argv0, why.c_str());
  std::fprintf(stderr, usage_text, argv0);
  std::exit(2);
}

std::int64_t parse_count(const char* argv0, std::string_view option, const char* text) {
  char* end = nullptr;
  const long long v = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || v < 0) {
    usage_error(argv0, std::string(option) + " needs a non-negative whole number, not '" + text + "'");
  }
  return v;
}

options parse(int argc, char* argv[]) {
  options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage_error(argv[0], std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--json") {
      opt.json_path = value();
    } else if (arg == "--append") {
      opt.append_path = value();
    } else if (arg == "--cpu-only") {
      opt.cpu_only = true;
    } else if (arg == "--stream") {
      opt.stream = true;
    } else if (arg == "--quick") {
      opt.quick = true;
    } else if (arg == "--max-size" || arg == "--max-n") {
      opt.max_size = parse_count(argv[0], arg, value());
    } else if (arg == "--starter-labs") {
      std::stringstream list(value());
      for (std::string lab; std::getline(list, lab, ',');) {
        if (!lab.empty()) opt.starter_labs.insert(lab.size() == 1 ? "0" + lab : lab);
      }
    } else if (arg == "--count-rows") {
      opt.count_rows = true;
    } else if (arg == "--progress-base") {
      opt.progress_base = static_cast<int>(parse_count(argv[0], arg, value()));
    } else if (arg == "--progress-total") {
      opt.progress_total = static_cast<int>(parse_count(argv[0], arg, value()));
    } else if (arg == "--probe-device") {
      opt.probe_device = true;
    } else if (arg == "--help" || arg == "-h") {
      std::printf(usage_text, argv[0]);
      std::exit(0);
    } else {
      usage_error(argv[0], "unknown option '" + std::string(arg) + "'");
    }
  }
  if (!opt.json_path.empty() && !opt.append_path.empty()) usage_error(argv[0], "--json and --append exclude each other");
  return opt;
}

// ---------------------------------------------------------------------------------------------------------------
// The machine: measured CPU peaks and bandwidth

/// This CPU's FP32 peak on @p threads threads, measured: independent chains of 16-wide FMAs (what the widest vector
/// unit this build targets can do per instruction), long enough to hide their latency. Best of @p attempts: a busy
/// neighbour only slows some.
double measure_cpu_peak_gflops(int threads, int attempts) {
  using vec = float __attribute__((vector_size(64)));
  constexpr int chains = 12;
  constexpr long iterations = 20'000'000;
  double best_ms = 1e30;
  for (int attempt = 0; attempt < attempts; ++attempt) {
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

/// This machine's memory read bandwidth on @p threads threads, GB/s, measured like STREAM's kernels: a sum over a
/// float array far bigger than the last-level cache (@p bytes), each thread reading the part it first touched
/// (so on a multi-socket machine each reads its own node's memory). Best of @p attempts.
double measure_cpu_read_gbs(const float* data, std::int64_t count, int threads, int attempts) {
  double best_ms = 1e30;
  float total = 0;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    ws::cpu_timer timer;
    timer.start();
    float sum = 0;
#pragma omp parallel for simd num_threads(threads) schedule(static) reduction(+ : sum)
    for (std::int64_t i = 0; i < count; ++i) sum += data[i];
    timer.stop();
    total += sum;
    best_ms = std::min(best_ms, static_cast<double>(timer.elapsed_ms()));
  }
  volatile float sink = total;  // the sums are "used": the loop cannot be dropped
  static_cast<void>(sink);
  return static_cast<double>(count) * sizeof(float) / (best_ms * 1e6);
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

peaks measure_peaks(const options& opt, int cores, const ws::device_info& device, bool real_gpu) {
  peaks p;
  const int attempts = opt.quick ? 2 : 5;
  std::fprintf(stderr, "Measuring this machine: FP32 FMA peak and memory read bandwidth (1 and %d threads)...\n",
               cores);
  p.cpu_gflops_1 = measure_cpu_peak_gflops(1, attempts);
  p.cpu_gflops_all = measure_cpu_peak_gflops(cores, attempts);
  {
    // 256 MiB: many times any last-level cache of a desktop or a 2-socket server slice; --quick: 64 MiB.
    const std::int64_t count = (opt.quick ? 64LL : 256LL) << 18;
    std::unique_ptr<float[]> data(new float[static_cast<std::size_t>(count)]);
#pragma omp parallel for num_threads(cores) schedule(static)
    for (std::int64_t i = 0; i < count; ++i) data[i] = static_cast<float>(i & 1023) * 0.001f;
    p.cpu_gbs_1 = measure_cpu_read_gbs(data.get(), count, 1, attempts);
    p.cpu_gbs_all = measure_cpu_read_gbs(data.get(), count, cores, attempts);
  }
  std::printf("CPU: FP32 peak %.1f GFLOP/s on 1 thread, %.1f on %d; read bandwidth %.1f GB/s on 1 thread, %.1f on %d\n",
              p.cpu_gflops_1, p.cpu_gflops_all, cores, p.cpu_gbs_1, p.cpu_gbs_all, cores);
  if (real_gpu) {
    p.gpu_gflops_fp32 = device.fp32_peak_gflops;
    p.gpu_gflops_tensor = device.sm_count * (device.clock_khz * 1e-6) *
                          tensor_flops_per_clock_per_sm(device.cc_major, device.cc_minor);
    p.gpu_gbs = device.memory_bandwidth_gbs;
#if WS_BACKEND_CUDA
    p.gpu_gbs_measured = measure_gpu_read_gbs();
#endif
    std::printf("GPU: %s; measured read bandwidth %.0f GB/s\n", device.summary().c_str(), p.gpu_gbs_measured);
  }
  return p;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

ws::json::value positive(double x) { return x > 0 ? ws::json::value(x) : ws::json::value(); }

/// The document's `machine` object (docs/bench_results.md).
ws::json::value machine_record(const ws::host_info& host, const ws::device_info& device, bool used_gpu,
                               const peaks& p) {
  // The CPU backend has no driver: its stand-in version numbers must not pass for a real machine's.
  const bool real_gpu = used_gpu && gpu_backend == "cuda";
  auto m = ws::json::value::object();
  m.set("cpu_model", host.cpu_model);
  m.set("cores", host.logical_cores);
  m.set("gpu_name", used_gpu ? ws::json::value(device.name) : ws::json::value());
  m.set("backend", used_gpu ? gpu_backend : std::string_view("cpu"));
  m.set("driver_version", real_gpu ? ws::json::value(device.driver_version) : ws::json::value());
  m.set("cuda_version", real_gpu ? ws::json::value(device.runtime_version) : ws::json::value());
  const char* commit = std::getenv("WS_GIT_COMMIT");  // set by ./course bench
  m.set("git_commit", commit != nullptr ? ws::json::value(commit) : ws::json::value());
  m.set("date", utc_now());
  m.set("cpu_peak_gflops_1thread", positive(p.cpu_gflops_1));
  m.set("cpu_peak_gflops", positive(p.cpu_gflops_all));
  m.set("gpu_peak_gflops_fp32", positive(p.gpu_gflops_fp32));
  m.set("gpu_peak_gflops_tensor", positive(p.gpu_gflops_tensor));
  m.set("gpu_bandwidth_gbs", positive(p.gpu_gbs));
  m.set("cpu_bandwidth_gbs", positive(p.cpu_gbs_all));
  m.set("cpu_bandwidth_gbs_1thread", positive(p.cpu_gbs_1));
  m.set("gpu_bandwidth_measured_gbs", positive(p.gpu_gbs_measured));
  return m;
}

/// The peaks recorded in an earlier run's machine record (--append: the machine is measured once per run).
peaks peaks_from(const nlohmann::ordered_json& machine) {
  const auto num = [&](const char* key) {
    const auto it = machine.find(key);
    return it != machine.end() && it->is_number() ? it->get<double>() : 0.0;
  };
  peaks p;
  p.cpu_gflops_1 = num("cpu_peak_gflops_1thread");
  p.cpu_gflops_all = num("cpu_peak_gflops");
  p.cpu_gbs_1 = num("cpu_bandwidth_gbs_1thread");
  p.cpu_gbs_all = num("cpu_bandwidth_gbs");
  p.gpu_gflops_fp32 = num("gpu_peak_gflops_fp32");
  p.gpu_gflops_tensor = num("gpu_peak_gflops_tensor");
  p.gpu_gbs = num("gpu_bandwidth_gbs");
  p.gpu_gbs_measured = num("gpu_bandwidth_measured_gbs");
  return p;
}

// ---------------------------------------------------------------------------------------------------------------
// The document

nlohmann::ordered_json read_document(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path + " (--append needs the document of an earlier run)");
  nlohmann::ordered_json doc;
  try {
    doc = nlohmann::ordered_json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + " is not JSON: " + e.what());
  }
  if (!doc.is_object() || doc.value("schema", "") != "warpspeed-bench-2" || !doc.contains("machine") ||
      !doc["results"].is_array()) {
    throw std::runtime_error(path + " is not a warpspeed-bench-2 document");
  }
  return doc;
}

/// Writes the document one record a line (readable, and a diff shows which records changed).
void write_document(const std::string& path, const nlohmann::ordered_json& machine,
                    const std::vector<std::string>& records) {
  std::ostringstream text;
  text << "{\n  \"schema\": \"warpspeed-bench-2\",\n  \"machine\": " << machine.dump() << ",\n  \"results\": [";
  for (std::size_t i = 0; i < records.size(); ++i) text << (i == 0 ? "\n    " : ",\n    ") << records[i];
  text << "\n  ]\n}\n";
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!(out << text.str())) throw std::runtime_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot write " + path);
}

/// Identifies "the same row" across trees: workload, version, backend, shape, threads, dtype.
std::string row_key(const nlohmann::ordered_json& r) {
  return r.value("workload", "") + "|" + r.value("version", "") + "|" + r.value("backend", "") + "|" +
         r["shape"].dump() + "|" + std::to_string(r.value("threads", 0)) + "|" + r.value("dtype", "");
}

/// The reference's median per row of an earlier run (--append), for the "vs reference" note of "yours" rows.
std::map<std::string, double> reference_medians;

/// Identifies a row's yardstick: the first library row of the same workload, backend, shape, threads and dtype.
std::string yardstick_key(const nlohmann::ordered_json& r) {
  return r.value("workload", "") + "|" + r.value("backend", "") + "|" + r["shape"].dump() + "|" +
         std::to_string(r.value("threads", 0)) + "|" + r.value("dtype", "");
}

/// The yardstick's median per yardstick_key: from an earlier run (--append) and this one's library rows.
std::map<std::string, double> yardstick_medians;

/// Remembers @p r's median as a yardstick when it is the first ok library row of its key.
void note_yardstick(const nlohmann::ordered_json& r) {
  const std::string impl = r.value("implementation", "");
  if (impl == "yours" || impl == "reference" || r.value("status", "") != "ok") return;
  yardstick_medians.try_emplace(yardstick_key(r), r.value("median_ms", 0.0));
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Registry and shapes

bool register_workload(workload w) {
  registry().push_back(std::move(w));
  return true;
}

const std::vector<workload>& workloads() { return registry(); }

shape vector_shape(std::int64_t n, double flops, double bytes) {
  shape s;
  s.label = size_label(n);
  s.dims.set("n", n);
  s.m = n;
  s.flops = flops;
  s.bytes = bytes;
  s.size = n;
  return s;
}

std::string size_label(std::int64_t n) {
  if (n > 0 && (n & (n - 1)) == 0 && n >= 1024) {
    int log2 = 0;
    while ((std::int64_t{1} << log2) < n) ++log2;
    return "2^" + std::to_string(log2);
  }
  return std::to_string(n);
}

// ---------------------------------------------------------------------------------------------------------------
// The session

session::session(options opt, peaks pk, int cores, const workload& w)
    : opt_(std::move(opt)), peaks_(pk), cores_(cores), workload_(w), tty_(isatty(STDERR_FILENO) != 0) {}

std::vector<shape> session::within_max(std::vector<shape> shapes) const {
  if (opt_.max_size > 0) {
    std::erase_if(shapes, [&](const shape& s) { return s.size > opt_.max_size; });
  }
  return shapes;
}

void session::heading(const std::string& text) {
  if (counting()) return;
  std::printf("\n%s\n%-12s %-22s %-9s %3s %10s %9s %8s %6s %7s  %s\n", text.c_str(), "shape", "version", "impl", "thr",
              "ms", "GFLOP/s", "GB/s", "% lib", "% roof", "check");
  std::fflush(stdout);
}

void session::note(const std::string& text) {
  if (counting()) return;
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

double session::roof_for(const version& v) const {
  const bool cpu = v.backend == "cpu";
  if (workload_.limit == roof::compute) {
    if (cpu) return v.threads == 1 ? peaks_.cpu_gflops_1 : peaks_.cpu_gflops_all;
    if (gpu_backend != "cuda") return 0;
    return v.dtype == "f32" ? peaks_.gpu_gflops_fp32 : peaks_.gpu_gflops_tensor;
  }
  if (cpu) return v.threads == 1 ? peaks_.cpu_gbs_1 : peaks_.cpu_gbs_all;
  if (gpu_backend != "cuda") return 0;
  return peaks_.gpu_gbs_measured > 0 ? peaks_.gpu_gbs_measured : peaks_.gpu_gbs;
}

void session::progress(const std::string& what) {
  if (opt_.stream) {
    const int total = opt_.progress_total > 0 ? opt_.progress_total : 0;
    std::printf("WS-PROGRESS %d %d %s\n", opt_.progress_base + rows_, total, what.c_str());
    std::fflush(stdout);
  }
  if (tty_) std::fprintf(stderr, "\r\033[K  timing %s ...", what.c_str());
  ++rows_;
}

void session::add_record(const version& v, const shape& s, const char* status, double median_ms, double min_ms,
                         double max_ms, std::size_t repeats, bool correct) {
  const bool timed = median_ms > 0;
  auto r = ws::json::value::object();
  r.set("workload", workload_.name);
  r.set("version", v.name);
  r.set("backend", v.backend);
  r.set("implementation", !v.library.empty() ? v.library : tree == "labs" ? "yours" : "reference");
  r.set("m", s.m);
  r.set("n", s.n);
  r.set("k", s.k);
  r.set("threads", v.threads);
  r.set("dtype", v.dtype);
  r.set("repeats", repeats);
  r.set("median_ms", median_ms);
  r.set("min_ms", min_ms);
  r.set("max_ms", max_ms);
  r.set("gflops", timed ? s.flops / (median_ms * 1e6) : 0.0);
  r.set("correct", correct);
  r.set("shape", s.dims);
  r.set("flops", s.flops);
  r.set("bytes", s.bytes);
  r.set("gbps", timed ? s.bytes / (median_ms * 1e6) : 0.0);
  r.set("status", status);
  if (opt_.stream) {
    std::printf("WS-RECORD %s\n", r.dump(-1).c_str());
    std::fflush(stdout);
  }
  if (std::string_view(status) == "wrong") all_ok_ = false;  // a starter is not a failure of the run
  records_.push_back(std::move(r));
}

void session::measure(const version& v, const std::function<bool()>& check, const std::vector<shape>& all_shapes,
                      const std::function<trial(const shape&)>& prepare) {
  const std::vector<shape> shapes = within_max(all_shapes);
  if (counting()) {
    rows_ += static_cast<int>(shapes.size());
    return;
  }
  if (shapes.empty()) return;
  const bool yours = v.library.empty() && tree == "labs";
  const std::string impl = !v.library.empty() ? v.library : yours ? "yours" : "reference";
  const std::string who = v.name + (v.dtype == "f32" ? "" : " " + v.dtype);
  // The progress label names a library row's library and a multi-threaded row's threads: "saxpy (openblas, 2 threads)".
  std::string label = who;
  if (!v.library.empty() || v.threads > 1) {
    label += " (" + (v.library.empty() ? impl : v.library) +
             (v.threads > 1 ? ", " + std::to_string(v.threads) + " threads" : "") + ")";
  }
  const auto clear = [&] {
    if (tty_) std::fprintf(stderr, "\r\033[K");
  };
  const auto untimed = [&](const char* status, const std::string& line) {
    for (const shape& s : shapes) {
      progress(label + " " + s.label);
      add_record(v, s, status, 0, 0, 0, 0, false);
    }
    clear();
    std::printf("%-12s %-22s %-9s %3d  %s\n", shapes.size() == 1 ? shapes[0].label.c_str() : "all", who.c_str(),
                impl.c_str(), v.threads, line.c_str());
    std::fflush(stdout);
  };

  // 1. The learner's lab still the generated starter: nothing to time.
  if (yours && opt_.starter_labs.contains(v.lab)) {
    untimed("starter", "yours: not implemented yet (still the starter of lab " + v.lab + ")");
    return;
  }
  // 2. Checked once on a small shape against the CPU reference; a wrong version is not timed.
  std::string why;
  bool ok = false;
  try {
    ok = check();
  } catch (const std::exception& e) {
    why = std::string(" (") + e.what() + ")";
  }
  if (!ok) {
    // A launch error the version left behind must not be blamed on the next one (a sticky error, e.g. an illegal
    // address on a real GPU, still ends every later device row: the message then names it).
    if (v.backend != "cpu") static_cast<void>(cudaGetLastError());
    const std::string advice = yours ? ": run ./course check " + v.lab
                                     : ": the " + impl + " version is broken here, please report it";
    untimed("wrong", "wrong result, not timed" + advice + why);
    return;
  }
  // 3. Timed at each shape: a warm-up, then the median of several runs, then the output checked again.
  double last_ms = 0, last_work = 0;
  for (const shape& s : shapes) {
    progress(label + " " + s.label);
    const double work = workload_.limit == roof::compute && s.flops > 0 ? s.flops : s.bytes;
    if (last_ms > 0 && last_work > 0 && last_ms * work / last_work > v.max_predicted_ms) {
      clear();
      std::printf("%-12s %-22s %-9s %3d  skipped: about %.0f s a run at this size\n", s.label.c_str(), who.c_str(),
                  impl.c_str(), v.threads, last_ms * work / last_work / 1000);
      continue;
    }
    bool correct = false;
    ws::timing_stats stats;
    std::string failure;
    try {
      trial t = prepare(s);
      const double budget_ms = opt_.quick ? 50.0 : 1000.0;
      const double max_repeats = opt_.quick ? 3.0 : 20.0;
      const auto timed = [&](auto& timer) {
        timer.start();
        t.run();  // warm-up: first-touch page faults, thread start-up, lazy module loading on the GPU
        timer.stop();
        const double first = std::max(static_cast<double>(timer.elapsed_ms()), 1e-3);
        const auto repeats = static_cast<std::size_t>(std::clamp(budget_ms / first, 3.0, std::max(3.0, max_repeats)));
        return ws::time_repeated(timer, t.run, 0, repeats);
      };
      if (v.backend == "cpu") {
        ws::cpu_timer timer;
        stats = timed(timer);
      } else {
        ws::cuda_event_timer timer;
        stats = timed(timer);
      }
      correct = t.verify();
    } catch (const std::exception& e) {
      failure = e.what();
    }
    clear();
    if (!correct) {
      if (v.backend != "cpu") static_cast<void>(cudaGetLastError());
      // Right on the check shape, wrong here: the time of a wrong result means nothing.
      add_record(v, s, "wrong", 0, 0, 0, 0, false);
      std::printf("%-12s %-22s %-9s %3d  wrong result at this size, not timed%s%s\n", s.label.c_str(), who.c_str(),
                  impl.c_str(), v.threads, failure.empty() ? "" : ": ", failure.c_str());
      continue;
    }
    add_record(v, s, "ok", stats.median_ms, stats.min_ms, stats.max_ms, stats.count, true);
    last_ms = stats.median_ms;
    last_work = work;
    const double gflops = s.flops / (stats.median_ms * 1e6), gbs = s.bytes / (stats.median_ms * 1e6);
    const double roof = roof_for(v);
    const double achieved = workload_.limit == roof::compute ? gflops : gbs;
    char pct[16] = "-", lib[16] = "-";
    if (roof > 0) std::snprintf(pct, sizeof pct, "%.0f%%", 100.0 * achieved / roof);
    const auto record = nlohmann::ordered_json::parse(records_.back().dump(-1));
    note_yardstick(record);
    if (v.library.empty()) {
      const auto yard = yardstick_medians.find(yardstick_key(record));
      if (yard != yardstick_medians.end() && yard->second > 0) {
        std::snprintf(lib, sizeof lib, "%.0f%%", 100.0 * yard->second / stats.median_ms);
      }
    }
    std::string vs;
    if (yours) {
      const auto ref = reference_medians.find(row_key(record));
      if (ref != reference_medians.end() && ref->second > 0) {
        char text[48];
        std::snprintf(text, sizeof text, "  (%.2fx the reference's speed)", ref->second / stats.median_ms);
        vs = text;
      }
    }
    std::printf("%-12s %-22s %-9s %3d %10.4f %9.2f %8.2f %6s %7s  ok%s\n", s.label.c_str(), who.c_str(),
                impl.c_str(), v.threads, stats.median_ms, gflops, gbs, lib, pct, vs.c_str());
    std::fflush(stdout);
  }
}

}  // namespace bench

// ---------------------------------------------------------------------------------------------------------------
// main

int main(int argc, char* argv[]) {
  using namespace bench;
  const options opt = parse(argc, argv);
  if (workloads().size() != 1) {
    std::fprintf(stderr, "%s: built with %zu workloads; a bench program holds exactly one\n", argv[0],
                 workloads().size());
    return 2;
  }
  const workload& w = workloads().front();
  const ws::host_info host = ws::query_host();
  const int cores = static_cast<int>(std::max(1u, host.logical_cores));

  // Rows first (cheap: measure() only counts), for --count-rows and this program's own --stream total.
  options count_opt = opt;
  count_opt.count_rows = true;
  session counter(count_opt, peaks{}, cores, w);
  w.run(counter);
  if (opt.count_rows) {
    std::printf("%d\n", counter.rows());
    return 0;
  }
  options run_opt = opt;
  if (run_opt.progress_total == 0) run_opt.progress_total = run_opt.progress_base + counter.rows();

  ws::device_info device;
  if (opt.probe_device) {
    device = ws::query_device();
    if (!device.available) std::printf("SKIPPED: no usable CUDA device (%s)\n", device.error.c_str());
    return device.available ? 0 : WS_SKIP_RETURN_CODE;
  }
  if (!opt.cpu_only) {
    device = ws::query_device();
    if (!device.available) {
      std::printf("SKIPPED: no usable CUDA device (%s)\n", device.error.c_str());
      return WS_SKIP_RETURN_CODE;
    }
  }
  try {
    nlohmann::ordered_json machine, earlier;
    peaks pk;
    if (!opt.append_path.empty()) {
      earlier = read_document(opt.append_path);
      machine = earlier["machine"];
      pk = peaks_from(machine);
      for (const auto& r : earlier["results"]) {
        if (r.value("implementation", "") == "reference" && r.value("status", "") == "ok") {
          reference_medians[row_key(r)] = r.value("median_ms", 0.0);
        }
        note_yardstick(r);
      }
    } else {
      pk = measure_peaks(opt, cores, device, !opt.cpu_only && gpu_backend == "cuda");
      machine = nlohmann::ordered_json::parse(machine_record(host, device, !opt.cpu_only, pk).dump(-1));
    }
    std::printf("\n%s: %s. Timing %s (%s/)%s\n", w.name.c_str(), w.brief.c_str(),
                tree == "labs" ? "your code" : "the reference solutions and the libraries", std::string(tree).c_str(),
                opt.quick ? ", --quick: small shapes, few repeats" : "");
    if (!opt.cpu_only && gpu_backend != "cuda") {
      std::printf("Note: the CPU backend. Its 'GPU' rows time the CPU running CUDA threads as fibers, at small sizes;\n"
                  "      they say nothing about a real GPU. Run ./course bench %s on a GPU for that.\n",
                  w.name.c_str());
    }
    session s(run_opt, pk, cores, w);
    w.run(s);

    const std::string out = !opt.append_path.empty() ? opt.append_path : opt.json_path;
    if (!out.empty()) {
      std::vector<std::string> lines;
      if (!opt.append_path.empty()) {
        for (const auto& r : earlier["results"]) lines.push_back(r.dump());
      }
      for (const auto& r : s.records()) lines.push_back(r.dump(-1));
      write_document(out, machine, lines);
      std::printf("\n%s %s (%zu records)\n", opt.append_path.empty() ? "Wrote" : "Added to", out.c_str(),
                  s.records().size());
    }
    return s.all_ok() ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", argv[0], e.what());
    return 2;
  }
}
