/// @file
/// @brief What every `./course bench` program shares: the backend it was built for, and the results file's
/// machine record and document (docs/bench_results.md).
#pragma once

#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>

#include <ws/device_info.hpp>
#include <ws/host_info.hpp>
#include <ws/json.hpp>

namespace bench {

/// Where this build's "GPU" records run: a real GPU (`cuda`) or the CPU backend (`cudacpu`).
#if WS_BACKEND_CUDACPU
inline constexpr const char* gpu_backend = "cudacpu";
#else
inline constexpr const char* gpu_backend = "cuda";
#endif

/// The current time as ISO 8601 UTC, e.g. "2026-11-23T12:00:00Z".
inline std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

/// The results file's `machine` object; a benchmark may add fields (e.g. peaks) before writing it.
/// @param host the CPU.
/// @param device the GPU (or the CPU backend's stand-in).
/// @param used_gpu whether any record ran on @p device; without, the GPU fields are null.
inline ws::json::value machine_record(const ws::host_info& host, const ws::device_info& device, bool used_gpu) {
  // The CPU backend has no driver: its stand-in version numbers must not pass for a real machine's.
  const bool real_gpu = used_gpu && std::string_view(gpu_backend) == "cuda";
  auto machine = ws::json::value::object();
  machine.set("cpu_model", host.cpu_model);
  machine.set("cores", host.logical_cores);
  machine.set("gpu_name", used_gpu ? ws::json::value(device.name) : ws::json::value());
  machine.set("backend", used_gpu ? gpu_backend : "cpu");
  machine.set("driver_version", real_gpu ? ws::json::value(device.driver_version) : ws::json::value());
  machine.set("cuda_version", real_gpu ? ws::json::value(device.runtime_version) : ws::json::value());
  const char* commit = std::getenv("WS_GIT_COMMIT");  // set by ./course bench
  machine.set("git_commit", commit != nullptr ? ws::json::value(commit) : ws::json::value());
  machine.set("date", utc_now());
  return machine;
}

/// Writes the results document `{"schema", "machine", "results"}` to @p path (throws if it cannot).
/// @param path the file to write.
/// @param machine from machine_record().
/// @param results the records, a JSON array.
inline void write_results(const std::string& path, ws::json::value machine, ws::json::value results) {
  auto doc = ws::json::value::object();
  doc.set("schema", "warpspeed-bench-1");
  doc.set("machine", std::move(machine));
  doc.set("results", std::move(results));
  ws::json::write_file(path, doc);
}

}  // namespace bench
