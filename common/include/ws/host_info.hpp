/// @file host_info.hpp
/// @brief What machine a result came from: CPU model, cores, memory, OS. Benchmarks record it next to their numbers.
#pragma once

#include <cstdint>
#include <string>

#include "ws/json.hpp"

namespace ws {

/// A description of the host. Fields that could not be determined are `"unknown"` or 0, never an error.
struct host_info {
    std::string cpu_model = "unknown";  ///< "model name" from /proc/cpuinfo (or the closest field on ARM).
    unsigned logical_cores = 0;         ///< Hardware threads (`std::thread::hardware_concurrency`); 0 if unknown.
    unsigned physical_cores = 0;        ///< Distinct (package, core) pairs in /proc/cpuinfo; 0 if unknown.
    std::uint64_t total_memory_bytes = 0;  ///< Physical memory; 0 if unknown.
    std::string os = "unknown";         ///< `uname`: system, release and machine, e.g. "Linux 6.1.0-18-amd64 x86_64".
};

/// Queries the host. Cheap (reads /proc/cpuinfo once); never throws for missing information.
[[nodiscard]] host_info query_host();

/// The host description as a JSON object with the field names of `host_info`.
/// @param info the description to convert.
[[nodiscard]] json::value to_json(const host_info& info);

}  // namespace ws
