/// @file device_info.hpp
/// @brief What GPU a result came from, and its theoretical peaks (the roofline a lab's measurement is compared to).
///
/// Peaks are estimates from the datasheet formula: memory bandwidth = 2 (double data rate) × memory clock × bus
/// width / 8, the figure cuda-samples' deviceQuery prints; FP32 = SMs × FP32 lanes per SM × 2 (an FMA is two flops)
/// × boost clock. Real kernels reach perhaps 80–90 % of the bandwidth and less of the FP32 peak.
#pragma once

#include <cstdint>
#include <string>

#include "ws/json.hpp"

namespace ws {

/// A description of one CUDA device. When `available` is false, `error` says why and only the versions are set.
struct device_info {
    bool available = false;                ///< A device was found and queried.
    std::string error;                     ///< Why not, e.g. "cudaGetDeviceCount failed: cudaErrorNoDevice (…)".
    int device = 0;                        ///< The ordinal queried.
    std::string name;                      ///< e.g. "NVIDIA H100 80GB HBM3".
    int cc_major = 0;                      ///< Compute capability, major (9 for Hopper).
    int cc_minor = 0;                      ///< Compute capability, minor.
    int sm_count = 0;                      ///< Streaming multiprocessors.
    int clock_khz = 0;                     ///< Peak SM clock in kHz; 0 if the runtime does not report it.
    std::uint64_t total_memory_bytes = 0;  ///< Global memory.
    int memory_bus_width_bits = 0;         ///< Global memory bus width.
    int memory_clock_khz = 0;              ///< Peak memory clock in kHz; 0 if not reported.
    double memory_bandwidth_gbs = 0;       ///< 2 × memory clock × bus width / 8, in GB/s (10^9 bytes/s); 0 if unknown.
    int fp32_lanes_per_sm = 0;             ///< FP32 lanes per SM for this architecture; 0 if not in the table.
    double fp32_peak_gflops = 0;           ///< SMs × lanes × 2 × clock, in GFLOP/s; 0 if unknown.
    int driver_version = 0;                ///< cudaDriverGetVersion, e.g. 13000 for 13.0; 0 without a driver.
    int runtime_version = 0;               ///< cudaRuntimeGetVersion, e.g. 13000.

    /// One line, e.g. `NVIDIA H100 80GB HBM3 (sm_90, 132 SMs, 1980 MHz, 79.1 GiB, 3352 GB/s, 66.9 TFLOP/s FP32)`,
    /// or `no CUDA device: <error>`.
    [[nodiscard]] std::string summary() const;
};

/// Queries device @p device. Never throws for a missing device, driver or bad ordinal: returns `available = false`
/// with the reason, so a tool can print it and go on.
/// @param device the device ordinal, 0-based.
[[nodiscard]] device_info query_device(int device = 0);

/// FP32 lanes (CUDA cores) per SM for compute capability @p major.@p minor, from the CUDA C++ Programming Guide's
/// "Arithmetic Instructions" throughput table (results per clock per SM for 32-bit floating-point add/multiply/FMA).
/// @param major compute capability, major.
/// @param minor compute capability, minor.
/// @return lanes per SM, or 0 for an architecture not in the table (7.x–12.x are).
[[nodiscard]] int fp32_lanes_per_sm(int major, int minor) noexcept;

/// The device description as a JSON object with the field names of `device_info`.
/// @param info the description to convert.
[[nodiscard]] json::value to_json(const device_info& info);

}  // namespace ws
