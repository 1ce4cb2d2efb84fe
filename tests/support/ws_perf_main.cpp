/// @file
/// @brief The main() of every lab's performance driver: runs the lab's cases (ws_perf.hpp) and prints one JSON line
/// per case.
///
/// Usage: `lab<NN>_<tree>_<backend>_perf [--list] [--case NAME]... [--runs N] [--warmup N] [--small]`
///   --list      print the case names, one per line, and exit (needs no device)
///   --case NAME run only this case (repeatable; default: every case, in the lab's order)
///   --runs N    timed runs per case (default 15); --warmup N untimed runs before them (default 3)
///   --small     tiny problems, for the CPU backend and the ctest checks (also: WS_PERF_SCALE_DOWN=1)
/// Each case prints `{"case":"tiled 2048","median_ms":1.234,"min_ms":1.2,"runs":15}`: GPU time per run from CUDA
/// events (ws::cuda_event_timer), median and best of the timed runs. A wrong option, an unknown case, a CUDA error
/// or an exception: a message on stderr and exit code 1. Built for the native `cuda` backend without a usable GPU:
/// exit code WS_SKIP_RETURN_CODE, as the test binaries (ws_test_main.cpp).
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <cuda_runtime.h>

#include <ws/cuda_check.hpp>
#include <ws/cuda_timer.hpp>
#include <ws/json.hpp>
#include <ws/timer.hpp>

#include "skip_without_gpu.hpp"
#include "ws_perf.hpp"

namespace {

bool g_small = false;

struct options {
  bool list = false;
  std::vector<std::string> cases;  // empty: all
  std::size_t runs = 15;
  std::size_t warmup = 3;
  std::size_t check_seed = 0;  // which output elements `check` reports (the grader picks one per grading)
};

/// Parses a whole non-negative number; false for anything else ("", "-1", "3x").
bool parse_count(std::string_view text, std::size_t& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

/// The options, or an error message for stderr.
bool parse(int argc, char* argv[], options& opt, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--list") {
      opt.list = true;
    } else if (arg == "--small") {
      g_small = true;
    } else if (arg == "--case" && has_value) {
      opt.cases.emplace_back(argv[++i]);
    } else if (arg == "--runs" && has_value) {
      if (!parse_count(argv[++i], opt.runs) || opt.runs == 0) {
        error = "--runs takes a whole number >= 1, not '" + std::string(argv[i]) + "'";
        return false;
      }
    } else if (arg == "--check-seed" && has_value) {
      if (!parse_count(argv[++i], opt.check_seed)) {
        error = "--check-seed takes a whole number >= 0, not '" + std::string(argv[i]) + "'";
        return false;
      }
    } else if (arg == "--warmup" && has_value) {
      if (!parse_count(argv[++i], opt.warmup)) {
        error = "--warmup takes a whole number >= 0, not '" + std::string(argv[i]) + "'";
        return false;
      }
    } else {
      error = "unknown or incomplete option '" + std::string(arg) +
              "'\nusage: " + argv[0] + " [--list] [--case NAME]... [--runs N] [--warmup N] [--small] [--check-seed S]";
      return false;
    }
  }
  return true;
}

/// The cases to run, in the lab's order; throws std::invalid_argument naming an unknown case.
std::vector<ws_perf::perf_case> select(std::vector<ws_perf::perf_case> all, const std::vector<std::string>& names) {
  if (names.empty()) return all;
  std::vector<ws_perf::perf_case> chosen;
  for (const std::string& name : names) {
    bool found = false;
    for (const auto& c : all) {
      if (c.name == name) {
        chosen.push_back(c);
        found = true;
        break;
      }
    }
    if (!found) throw std::invalid_argument("unknown case '" + name + "' (--list shows the cases)");
  }
  return chosen;
}

/// 32 elements of @p output at places drawn from @p seed (the same places for the same seed and size), so that the
/// grader can compare the learner's result with the reference's without either knowing beforehand where it looks.
ws::json::value check_sample(const std::vector<float>& output, std::size_t seed) {
  auto sample = ws::json::value::array();
  if (output.empty()) return sample;
  std::uint64_t state = 0x9e3779b97f4a7c15ull * (seed + 1);
  for (int i = 0; i < 32; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;  // a 64-bit LCG: enough to spread the picks
    sample.push_back(output[static_cast<std::size_t>(state >> 11) % output.size()]);
  }
  return sample;
}

/// Sets up, warms up and times one case; returns its JSON line.
std::string run_case(const ws_perf::perf_case& c, const options& opt) {
  const ws_perf::timed_work work = c.setup();
  WS_CUDA_CHECK(cudaDeviceSynchronize());  // the setup's copies are not part of the first timing
  ws::cuda_event_timer timer;
  const ws::timing_stats stats = ws::time_repeated(timer, work.run, opt.warmup, opt.runs);
  // A kernel that failed to launch or crashed must not be reported as fast.
  WS_CUDA_CHECK(cudaGetLastError());
  WS_CUDA_CHECK(cudaDeviceSynchronize());
  auto line = ws::json::value::object();
  line.set("case", c.name).set("median_ms", stats.median_ms).set("min_ms", stats.min_ms).set("runs", stats.count);
  line.set("check", check_sample(work.output->to_vector(), opt.check_seed));
  return line.dump(-1);
}

}  // namespace

bool ws_perf::small_problems() noexcept { return g_small; }

int main(int argc, char* argv[]) {
  options opt;
  std::string error;
  if (const char* env = std::getenv("WS_PERF_SCALE_DOWN"); env != nullptr && std::string_view(env) == "1") {
    g_small = true;
  }
  if (!parse(argc, argv, opt, error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  std::string current;  // the case running, for an error message
  try {
    const std::vector<ws_perf::perf_case> cases = select(ws_perf::lab_perf_cases(), opt.cases);
    if (opt.list) {
      for (const auto& c : cases) std::printf("%s\n", c.name.c_str());
      return 0;
    }
    if (ws_test::skip_without_gpu()) return WS_SKIP_RETURN_CODE;
    for (const auto& c : cases) {
      current = c.name;
      std::printf("%s\n", run_case(c, opt).c_str());
      std::fflush(stdout);  // a reader sees each case as it finishes, even if a later one crashes
    }
  } catch (const std::exception& e) {
    if (current.empty()) {
      std::fprintf(stderr, "error: %s\n", e.what());
    } else {
      std::fprintf(stderr, "error in case '%s': %s\n", current.c_str(), e.what());
    }
    return 1;
  }
  return 0;
}
